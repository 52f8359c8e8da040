//! Type promotion: the array API standard's table, NumPy's answers where
//! the standard leaves a pair open (mixed kinds, uint64 with int64), and
//! the rules for Python-style scalars.

use lazyxp_runtime::dtype::Kind;
use lazyxp_runtime::{DType, Error, Result, Scalar};

/// The dtype two array operands are promoted to.
pub fn result_type(a: DType, b: DType) -> Result<DType> {
    use DType::*;
    if a == b {
        return Ok(a);
    }
    let (ka, kb) = (a.kind(), b.kind());
    let out = match (ka, kb) {
        (Kind::Bool, _) => b,
        (_, Kind::Bool) => a,
        (Kind::SignedInt, Kind::SignedInt) | (Kind::UnsignedInt, Kind::UnsignedInt) => {
            if a.size() >= b.size() { a } else { b }
        }
        (Kind::SignedInt, Kind::UnsignedInt) | (Kind::UnsignedInt, Kind::SignedInt) => {
            let (s, u) = if ka == Kind::SignedInt { (a, b) } else { (b, a) };
            match (s.size(), u.size()) {
                (ss, us) if ss > us => s,
                (_, 1) => Int16,
                (_, 2) => Int32,
                (_, 4) => Int64,
                // NumPy: no integer holds both int64 and uint64.
                _ => Float64,
            }
        }
        (Kind::Float, Kind::Float) | (Kind::Complex, Kind::Complex) => {
            if a.size() >= b.size() { a } else { b }
        }
        (Kind::Float, Kind::Complex) | (Kind::Complex, Kind::Float) => {
            let (f, c) = if ka == Kind::Float { (a, b) } else { (b, a) };
            if f == Float64 { Complex128 } else { c }
        }
        // NumPy: the smallest float that holds every value of the integer.
        (Kind::SignedInt | Kind::UnsignedInt, Kind::Float | Kind::Complex)
        | (Kind::Float | Kind::Complex, Kind::SignedInt | Kind::UnsignedInt) => {
            let (i, f) = if matches!(ka, Kind::SignedInt | Kind::UnsignedInt) { (a, b) } else { (b, a) };
            let small_int = i.size() <= 2;
            match f {
                Float32 if small_int => Float32,
                Float32 | Float64 => Float64,
                Complex64 if small_int => Complex64,
                _ => Complex128,
            }
        }
    };
    Ok(out)
}

/// A Rust scalar used as an operand, with the standard's rules for Python
/// scalars: it takes the array's dtype when the kinds are compatible.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PyScalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Complex(f64, f64),
}

impl PyScalar {
    /// The scalar as a constant for an operation with an array of `dtype`:
    /// same kind (or a bool) -> the array's dtype; an int with a bool array
    /// -> int64; a float with an integer or bool array -> float64 (NumPy).
    /// An int that does not fit the array's integer dtype is an error, as
    /// in NumPy 2.
    pub fn to_scalar_for(self, dtype: DType) -> Result<Scalar> {
        let target = match (self, dtype.kind()) {
            (PyScalar::Bool(_), _) => dtype,
            (PyScalar::Int(_), Kind::Bool) => DType::Int64,
            (PyScalar::Int(_), _) => dtype,
            (PyScalar::Float(_), Kind::Bool | Kind::SignedInt | Kind::UnsignedInt) => DType::Float64,
            (PyScalar::Float(_), _) => dtype,
            // A complex scalar keeps a float array's precision (the
            // standard's rule); with integers and bools NumPy's complex128.
            (PyScalar::Complex(..), Kind::Complex) => dtype,
            (PyScalar::Complex(..), _) if dtype == DType::Float32 => DType::Complex64,
            (PyScalar::Complex(..), _) => DType::Complex128,
        };
        match self {
            PyScalar::Bool(b) => Ok(Scalar::Bool(b).cast(target)),
            PyScalar::Float(v) => Ok(Scalar::F64(v).cast(target)),
            PyScalar::Complex(re, im) => Ok(Scalar::C128(re, im).cast(target)),
            PyScalar::Int(v) => {
                if target.is_int() {
                    let s = Scalar::I64(v).cast(target);
                    if s.as_i128() != Some(v as i128) {
                        return Err(Error::Value(format!("Python integer {v} out of bounds for {target}")));
                    }
                    Ok(s)
                } else {
                    Ok(Scalar::I64(v).cast(target))
                }
            }
        }
    }
}

impl From<f64> for PyScalar {
    fn from(v: f64) -> Self {
        PyScalar::Float(v)
    }
}
impl From<f32> for PyScalar {
    fn from(v: f32) -> Self {
        PyScalar::Float(v as f64)
    }
}
impl From<i64> for PyScalar {
    fn from(v: i64) -> Self {
        PyScalar::Int(v)
    }
}
impl From<i32> for PyScalar {
    fn from(v: i32) -> Self {
        PyScalar::Int(v as i64)
    }
}
impl From<bool> for PyScalar {
    fn from(v: bool) -> Self {
        PyScalar::Bool(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DType::*;

    #[test]
    fn the_standard_table_holds() {
        assert_eq!(result_type(Int8, UInt8).unwrap(), Int16);
        assert_eq!(result_type(Int32, UInt32).unwrap(), Int64);
        assert_eq!(result_type(UInt16, Int32).unwrap(), Int32);
        assert_eq!(result_type(Float32, Float64).unwrap(), Float64);
        assert_eq!(result_type(Complex64, Float64).unwrap(), Complex128);
        assert_eq!(result_type(Bool, Int8).unwrap(), Int8);
        for a in DType::ALL {
            for b in DType::ALL {
                assert_eq!(result_type(a, b).unwrap(), result_type(b, a).unwrap(), "{a} {b} symmetric");
            }
        }
    }

    #[test]
    fn numpy_answers_where_the_standard_is_silent() {
        assert_eq!(result_type(Int64, UInt64).unwrap(), Float64);
        assert_eq!(result_type(Int16, Float32).unwrap(), Float32);
        assert_eq!(result_type(Int32, Float32).unwrap(), Float64);
    }

    #[test]
    fn python_scalars_adopt_the_array_dtype() {
        assert_eq!(PyScalar::Float(5.0).to_scalar_for(Float32).unwrap(), Scalar::F32(5.0));
        assert_eq!(PyScalar::Int(5).to_scalar_for(Float32).unwrap(), Scalar::F32(5.0));
        assert_eq!(PyScalar::Int(5).to_scalar_for(UInt8).unwrap(), Scalar::U8(5));
        assert_eq!(PyScalar::Float(0.5).to_scalar_for(Int32).unwrap(), Scalar::F64(0.5));
        assert_eq!(PyScalar::Int(3).to_scalar_for(Bool).unwrap(), Scalar::I64(3));
        assert!(PyScalar::Int(300).to_scalar_for(Int8).is_err());
        assert!(PyScalar::Int(-1).to_scalar_for(UInt16).is_err());
    }
}
