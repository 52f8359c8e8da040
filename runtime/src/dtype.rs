//! The data types of the array API standard.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DType {
    Bool,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Float32,
    Float64,
    Complex64,
    Complex128,
}

/// The dtype families the standard's promotion rules and `isdtype` talk about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Bool,
    SignedInt,
    UnsignedInt,
    Float,
    Complex,
}

impl DType {
    /// Every dtype that kernels compute with: all but the complex ones
    /// (complex values are not lowered to kernels yet).
    pub const REAL: [DType; 11] = [
        DType::Bool,
        DType::Int8,
        DType::Int16,
        DType::Int32,
        DType::Int64,
        DType::UInt8,
        DType::UInt16,
        DType::UInt32,
        DType::UInt64,
        DType::Float32,
        DType::Float64,
    ];

    pub const ALL: [DType; 13] = [
        DType::Bool,
        DType::Int8,
        DType::Int16,
        DType::Int32,
        DType::Int64,
        DType::UInt8,
        DType::UInt16,
        DType::UInt32,
        DType::UInt64,
        DType::Float32,
        DType::Float64,
        DType::Complex64,
        DType::Complex128,
    ];

    /// Bytes per element; bool is one byte as in NumPy and DLPack.
    pub const fn size(self) -> usize {
        match self {
            DType::Bool | DType::Int8 | DType::UInt8 => 1,
            DType::Int16 | DType::UInt16 => 2,
            DType::Int32 | DType::UInt32 | DType::Float32 => 4,
            DType::Int64 | DType::UInt64 | DType::Float64 | DType::Complex64 => 8,
            DType::Complex128 => 16,
        }
    }

    /// The name the standard (and NumPy) gives the dtype.
    pub const fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::Int8 => "int8",
            DType::Int16 => "int16",
            DType::Int32 => "int32",
            DType::Int64 => "int64",
            DType::UInt8 => "uint8",
            DType::UInt16 => "uint16",
            DType::UInt32 => "uint32",
            DType::UInt64 => "uint64",
            DType::Float32 => "float32",
            DType::Float64 => "float64",
            DType::Complex64 => "complex64",
            DType::Complex128 => "complex128",
        }
    }

    /// Short name used in kernel names and kernel IR (`f32`, `i64`, `bool`).
    pub const fn short_name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::Int8 => "i8",
            DType::Int16 => "i16",
            DType::Int32 => "i32",
            DType::Int64 => "i64",
            DType::UInt8 => "u8",
            DType::UInt16 => "u16",
            DType::UInt32 => "u32",
            DType::UInt64 => "u64",
            DType::Float32 => "f32",
            DType::Float64 => "f64",
            DType::Complex64 => "c64",
            DType::Complex128 => "c128",
        }
    }

    pub fn from_name(name: &str) -> Option<DType> {
        DType::ALL
            .into_iter()
            .find(|d| d.name() == name || d.short_name() == name)
    }

    pub const fn kind(self) -> Kind {
        match self {
            DType::Bool => Kind::Bool,
            DType::Int8 | DType::Int16 | DType::Int32 | DType::Int64 => Kind::SignedInt,
            DType::UInt8 | DType::UInt16 | DType::UInt32 | DType::UInt64 => Kind::UnsignedInt,
            DType::Float32 | DType::Float64 => Kind::Float,
            DType::Complex64 | DType::Complex128 => Kind::Complex,
        }
    }

    pub const fn is_bool(self) -> bool {
        matches!(self, DType::Bool)
    }
    pub const fn is_float(self) -> bool {
        matches!(self.kind(), Kind::Float)
    }
    pub const fn is_complex(self) -> bool {
        matches!(self.kind(), Kind::Complex)
    }
    pub const fn is_int(self) -> bool {
        matches!(self.kind(), Kind::SignedInt | Kind::UnsignedInt)
    }
    pub const fn is_signed_int(self) -> bool {
        matches!(self.kind(), Kind::SignedInt)
    }
    pub const fn is_unsigned_int(self) -> bool {
        matches!(self.kind(), Kind::UnsignedInt)
    }

    /// The integer dtype with the same width, used to reinterpret float
    /// bits inside the math library (exponent extraction, 2^k scaling).
    pub const fn same_size_int(self) -> DType {
        match self.size() {
            1 => DType::Int8,
            2 => DType::Int16,
            4 => DType::Int32,
            _ => DType::Int64,
        }
    }

    /// The real dtype underneath a complex one (and a real dtype itself).
    pub const fn real_part(self) -> DType {
        match self {
            DType::Complex64 => DType::Float32,
            DType::Complex128 => DType::Float64,
            other => other,
        }
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Rust element types that map one-to-one onto a dtype, so `to_vec::<f32>()`
/// and `asarray(&[1u8, 2])` can check the dtype at compile time.
pub trait Element: Copy + Send + Sync + 'static + fmt::Debug {
    const DTYPE: DType;
}

macro_rules! element {
    ($($t:ty => $d:ident),*) => { $(impl Element for $t { const DTYPE: DType = DType::$d; })* };
}
element!(bool => Bool, i8 => Int8, i16 => Int16, i32 => Int32, i64 => Int64,
    u8 => UInt8, u16 => UInt16, u32 => UInt32, u64 => UInt64, f32 => Float32, f64 => Float64,
    // Complex numbers as `[re, im]`: the interleaved layout the buffers,
    // NumPy and DLPack share.
    [f32; 2] => Complex64, [f64; 2] => Complex128);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sizes_match_rust_types() {
        for d in DType::ALL {
            assert_eq!(DType::from_name(d.name()), Some(d));
            assert_eq!(DType::from_name(d.short_name()), Some(d));
        }
        assert_eq!(DType::Float32.size(), std::mem::size_of::<f32>());
        assert_eq!(DType::Complex128.size(), 16);
        assert_eq!(DType::Bool.size(), std::mem::size_of::<bool>());
        assert_eq!(DType::from_name("float16"), None);
        let real: Vec<DType> = DType::ALL.into_iter().filter(|d| !d.is_complex()).collect();
        assert_eq!(real, DType::REAL.to_vec());
    }
}
