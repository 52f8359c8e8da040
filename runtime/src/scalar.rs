//! One typed scalar value: constants in graphs, kernel arguments, and the
//! reference interpreter's unit of computation.

use crate::DType;
use std::fmt;
use std::hash::{Hash, Hasher};

#[derive(Debug, Clone, Copy)]
pub enum Scalar {
    Bool(bool),
    I8(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    U8(u8),
    U16(u16),
    U32(u32),
    U64(u64),
    F32(f32),
    F64(f64),
    C64(f32, f32),
    C128(f64, f64),
}

impl Scalar {
    pub fn dtype(self) -> DType {
        match self {
            Scalar::Bool(_) => DType::Bool,
            Scalar::I8(_) => DType::Int8,
            Scalar::I16(_) => DType::Int16,
            Scalar::I32(_) => DType::Int32,
            Scalar::I64(_) => DType::Int64,
            Scalar::U8(_) => DType::UInt8,
            Scalar::U16(_) => DType::UInt16,
            Scalar::U32(_) => DType::UInt32,
            Scalar::U64(_) => DType::UInt64,
            Scalar::F32(_) => DType::Float32,
            Scalar::F64(_) => DType::Float64,
            Scalar::C64(..) => DType::Complex64,
            Scalar::C128(..) => DType::Complex128,
        }
    }

    /// The raw little-endian bits, zero-extended; identity for hashing and
    /// for passing a scalar to a kernel by value.
    pub fn to_bits(self) -> u128 {
        match self {
            Scalar::Bool(v) => v as u128,
            Scalar::I8(v) => v as u8 as u128,
            Scalar::I16(v) => v as u16 as u128,
            Scalar::I32(v) => v as u32 as u128,
            Scalar::I64(v) => v as u64 as u128,
            Scalar::U8(v) => v as u128,
            Scalar::U16(v) => v as u128,
            Scalar::U32(v) => v as u128,
            Scalar::U64(v) => v as u128,
            Scalar::F32(v) => v.to_bits() as u128,
            Scalar::F64(v) => v.to_bits() as u128,
            Scalar::C64(r, i) => (r.to_bits() as u128) | ((i.to_bits() as u128) << 32),
            Scalar::C128(r, i) => (r.to_bits() as u128) | ((i.to_bits() as u128) << 64),
        }
    }

    pub fn from_bits(dtype: DType, bits: u128) -> Scalar {
        match dtype {
            DType::Bool => Scalar::Bool(bits & 1 != 0),
            DType::Int8 => Scalar::I8(bits as u8 as i8),
            DType::Int16 => Scalar::I16(bits as u16 as i16),
            DType::Int32 => Scalar::I32(bits as u32 as i32),
            DType::Int64 => Scalar::I64(bits as u64 as i64),
            DType::UInt8 => Scalar::U8(bits as u8),
            DType::UInt16 => Scalar::U16(bits as u16),
            DType::UInt32 => Scalar::U32(bits as u32),
            DType::UInt64 => Scalar::U64(bits as u64),
            DType::Float32 => Scalar::F32(f32::from_bits(bits as u32)),
            DType::Float64 => Scalar::F64(f64::from_bits(bits as u64)),
            DType::Complex64 => Scalar::C64(
                f32::from_bits(bits as u32),
                f32::from_bits((bits >> 32) as u32),
            ),
            DType::Complex128 => Scalar::C128(
                f64::from_bits(bits as u64),
                f64::from_bits((bits >> 64) as u64),
            ),
        }
    }

    /// Reads one element of `dtype` from little-endian memory.
    pub fn read(dtype: DType, bytes: &[u8]) -> Scalar {
        let mut raw = [0u8; 16];
        raw[..dtype.size()].copy_from_slice(&bytes[..dtype.size()]);
        Scalar::from_bits(dtype, u128::from_le_bytes(raw))
    }

    /// Writes the element into `out[..dtype.size()]`.
    pub fn write(self, out: &mut [u8]) {
        let n = self.dtype().size();
        out[..n].copy_from_slice(&self.to_bits().to_le_bytes()[..n]);
    }

    /// Value as f64 (real part for complex); exact for every integer that
    /// fits in 53 bits.
    pub fn as_f64(self) -> f64 {
        match self {
            Scalar::Bool(v) => v as u8 as f64,
            Scalar::I8(v) => v as f64,
            Scalar::I16(v) => v as f64,
            Scalar::I32(v) => v as f64,
            Scalar::I64(v) => v as f64,
            Scalar::U8(v) => v as f64,
            Scalar::U16(v) => v as f64,
            Scalar::U32(v) => v as f64,
            Scalar::U64(v) => v as f64,
            Scalar::F32(v) => v as f64,
            Scalar::F64(v) => v,
            Scalar::C64(r, _) => r as f64,
            Scalar::C128(r, _) => r,
        }
    }

    /// Integer value, if the scalar is a bool or an integer.
    pub fn as_i128(self) -> Option<i128> {
        Some(match self {
            Scalar::Bool(v) => v as i128,
            Scalar::I8(v) => v as i128,
            Scalar::I16(v) => v as i128,
            Scalar::I32(v) => v as i128,
            Scalar::I64(v) => v as i128,
            Scalar::U8(v) => v as i128,
            Scalar::U16(v) => v as i128,
            Scalar::U32(v) => v as i128,
            Scalar::U64(v) => v as i128,
            _ => return None,
        })
    }

    /// Conversion with the semantics every backend implements for `cast`:
    /// integers wrap (two's complement truncation), float to integer
    /// saturates with NaN -> 0 (defined behaviour, where C would have none),
    /// anything to bool is `!= 0`, float narrowing rounds to nearest-even.
    pub fn cast(self, to: DType) -> Scalar {
        if to == DType::Bool {
            let nonzero = match self {
                Scalar::C64(r, i) => r != 0.0 || i != 0.0,
                Scalar::C128(r, i) => r != 0.0 || i != 0.0,
                Scalar::F32(v) => v != 0.0,
                Scalar::F64(v) => v != 0.0,
                other => other.as_i128() != Some(0),
            };
            return Scalar::Bool(nonzero);
        }
        if let Some(i) = self.as_i128() {
            return match to {
                DType::Float32 => Scalar::F32(int_to_f32(self)),
                DType::Float64 => Scalar::F64(int_to_f64(self)),
                DType::Complex64 => Scalar::C64(int_to_f32(self), 0.0),
                DType::Complex128 => Scalar::C128(int_to_f64(self), 0.0),
                _ => Scalar::from_bits(to, i as u128),
            };
        }
        let (re, im) = match self {
            Scalar::F32(v) => (v as f64, 0.0),
            Scalar::F64(v) => (v, 0.0),
            Scalar::C64(r, i) => (r as f64, i as f64),
            Scalar::C128(r, i) => (r, i),
            _ => unreachable!("integers handled above"),
        };
        match (self, to) {
            (Scalar::F32(v), DType::Float32) | (Scalar::C64(v, _), DType::Float32) => Scalar::F32(v),
            (Scalar::C64(r, i), DType::Complex64) => Scalar::C64(r, i),
            (_, DType::Float32) => Scalar::F32(re as f32),
            (_, DType::Float64) => Scalar::F64(re),
            (_, DType::Complex64) => Scalar::C64(re as f32, im as f32),
            (_, DType::Complex128) => Scalar::C128(re, im),
            (_, DType::Int8) => Scalar::I8(re as i8),
            (_, DType::Int16) => Scalar::I16(re as i16),
            (_, DType::Int32) => Scalar::I32(re as i32),
            (_, DType::Int64) => Scalar::I64(re as i64),
            (_, DType::UInt8) => Scalar::U8(re as u8),
            (_, DType::UInt16) => Scalar::U16(re as u16),
            (_, DType::UInt32) => Scalar::U32(re as u32),
            (_, DType::UInt64) => Scalar::U64(re as u64),
            (_, DType::Bool) => unreachable!("bool handled above"),
        }
    }
}

/// Integer to float with a single rounding (not through f64 first, which
/// would round twice for large 64-bit values).
fn int_to_f32(s: Scalar) -> f32 {
    match s {
        Scalar::I64(v) => v as f32,
        Scalar::U64(v) => v as f32,
        other => other.as_i128().unwrap() as f32,
    }
}
fn int_to_f64(s: Scalar) -> f64 {
    match s {
        Scalar::I64(v) => v as f64,
        Scalar::U64(v) => v as f64,
        other => other.as_i128().unwrap() as f64,
    }
}

/// Scalars compare by dtype and bits, so NaN constants hash-cons like any
/// other value and -0.0 stays distinct from +0.0.
impl PartialEq for Scalar {
    fn eq(&self, other: &Self) -> bool {
        self.dtype() == other.dtype() && self.to_bits() == other.to_bits()
    }
}
impl Eq for Scalar {}
impl Hash for Scalar {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.dtype().hash(state);
        self.to_bits().hash(state);
    }
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Scalar::Bool(v) => write!(f, "{v}"),
            Scalar::F32(v) => fmt_float(f, v as f64, v.is_finite() && (v as f64).to_string().parse::<f32>() == Ok(v), v.to_bits() as u64, 8),
            Scalar::F64(v) => fmt_float(f, v, v.is_finite(), v.to_bits(), 16),
            Scalar::C64(r, i) => write!(f, "({r:?}{i:+?}j)"),
            Scalar::C128(r, i) => write!(f, "({r:?}{i:+?}j)"),
            other => write!(f, "{}", other.as_i128().unwrap()),
        }
    }
}

/// Floats print as the shortest decimal that parses back to the same
/// value, or as raw bits (`0x7fc00000`) when they are not finite, so the
/// kernel IR text round-trips through its parser bit for bit.
fn fmt_float(f: &mut fmt::Formatter<'_>, v: f64, decimal_ok: bool, bits: u64, hex_digits: usize) -> fmt::Result {
    if decimal_ok {
        if hex_digits == 8 {
            write!(f, "{:?}", v as f32)
        } else {
            write!(f, "{v:?}")
        }
    } else {
        write!(f, "0x{bits:0hex_digits$x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_follow_the_documented_rules() {
        assert_eq!(Scalar::F32(f32::NAN).cast(DType::Int32), Scalar::I32(0));
        assert_eq!(Scalar::F64(1e30).cast(DType::Int16), Scalar::I16(i16::MAX));
        assert_eq!(Scalar::I32(300).cast(DType::UInt8), Scalar::U8(44));
        assert_eq!(Scalar::I8(-1).cast(DType::UInt64), Scalar::U64(u64::MAX));
        assert_eq!(Scalar::F64(0.5).cast(DType::Bool), Scalar::Bool(true));
        assert_eq!(Scalar::U64(u64::MAX).cast(DType::Float32), Scalar::F32(u64::MAX as f32));
        assert_eq!(Scalar::Bool(true).cast(DType::Float64), Scalar::F64(1.0));
    }

    #[test]
    fn bits_round_trip_through_memory() {
        for s in [Scalar::F32(-0.0), Scalar::I16(-5), Scalar::C128(1.0, -2.0), Scalar::Bool(true)] {
            let mut mem = [0u8; 16];
            s.write(&mut mem);
            assert_eq!(Scalar::read(s.dtype(), &mem), s);
        }
        assert_ne!(Scalar::F64(0.0), Scalar::F64(-0.0));
        assert_eq!(Scalar::F32(f32::NAN), Scalar::F32(f32::NAN));
    }
}
