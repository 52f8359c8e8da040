//! Python values as operands: arrays, and Python scalars with the
//! standard's rules (a scalar takes the dtype of the array it meets when the
//! kinds are compatible; `PyScalar` in the frontend implements that).

use crate::array::PyArray;
use crate::dtype::int_range;
use crate::errors::{guard, overflow_error, type_error};
use lazyxp::{Array, DType, PyScalar, Scalar};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyComplex, PyFloat, PyInt};

/// A Python scalar, before it meets an array.
#[derive(Debug, Clone, Copy)]
pub enum PyNum {
    Bool(bool),
    /// Any Python int that fits 128 bits; range checks happen against the
    /// dtype it meets (NumPy raises OverflowError there).
    Int(i128),
    Float(f64),
    Complex(f64, f64),
}

pub enum Operand {
    Array(Array),
    Num(PyNum),
    /// Anything else: operators answer NotImplemented, functions TypeError.
    Other,
}

/// Reads a Python scalar (bool, int, float, complex; subclasses such as
/// NumPy's float64 included), or `None`.
pub fn py_num(obj: &Bound<'_, PyAny>) -> PyResult<Option<PyNum>> {
    if obj.is_instance_of::<PyBool>() {
        return Ok(Some(PyNum::Bool(obj.extract()?)));
    }
    if obj.is_instance_of::<PyInt>() {
        return match obj.extract::<i128>() {
            Ok(v) => Ok(Some(PyNum::Int(v))),
            Err(_) => Err(overflow_error(format!("Python integer {obj} is too large for any lazyxp dtype"))),
        };
    }
    if obj.is_instance_of::<PyFloat>() {
        return Ok(Some(PyNum::Float(obj.extract()?)));
    }
    if let Ok(c) = obj.cast::<PyComplex>() {
        return Ok(Some(PyNum::Complex(c.real(), c.imag())));
    }
    Ok(None)
}

pub fn operand(obj: &Bound<'_, PyAny>) -> PyResult<Operand> {
    if let Ok(a) = obj.cast::<PyArray>() {
        return Ok(Operand::Array(a.borrow().inner.clone()));
    }
    if let Some(n) = py_num(obj)? {
        return Ok(Operand::Num(n));
    }
    // NumPy arrays and scalars (typed buffers) join as lazyxp arrays of
    // their dtype, so `np.float32(2) * x` and `x + a_numpy_array` give
    // lazy arrays rather than NumPy materializing `x` through `__array__`
    // (`PyArray.__array_priority__` makes NumPy's operators defer to ours).
    if !crate::import::is_text(obj) {
        if let Some(a) = crate::import::read_buffer(obj)? {
            return Ok(Operand::Array(a));
        }
    }
    Ok(Operand::Other)
}

/// The Python scalar as a 0-d constant next to an array of dtype `like`.
pub fn scalar_for(n: PyNum, like: &Array) -> PyResult<Array> {
    let dt = like.dtype();
    let s = match n {
        PyNum::Bool(b) => PyScalar::Bool(b),
        PyNum::Float(f) => PyScalar::Float(f),
        PyNum::Complex(re, im) => PyScalar::Complex(re, im),
        PyNum::Int(v) => {
            if let Some((lo, hi)) = int_range(dt) {
                if v < lo || v > hi {
                    return Err(overflow_error(format!("Python integer {v} out of bounds for {dt}")));
                }
                if v > i64::MAX as i128 {
                    // Only uint64 gets here; PyScalar holds an i64.
                    return guard(|| lazyxp::scalar(Scalar::U64(v as u64)));
                }
            } else if v < i64::MIN as i128 || v > i64::MAX as i128 {
                if dt.is_float() {
                    return guard(|| lazyxp::scalar(Scalar::F64(v as f64).cast(dt)));
                }
                return Err(overflow_error(format!("Python integer {v} out of bounds for int64")));
            }
            PyScalar::Int(v as i64)
        }
    };
    guard(|| lazyxp::scalar_like(like, s))
}

/// A Python scalar as a 0-d array of its default dtype (bool, int64,
/// float64), for places with no array to take the dtype from.
pub fn scalar_default(n: PyNum) -> PyResult<Array> {
    let s = match n {
        PyNum::Bool(b) => Scalar::Bool(b),
        PyNum::Int(v) => {
            if v < i64::MIN as i128 || v > i64::MAX as i128 {
                return Err(overflow_error(format!("Python integer {v} out of bounds for int64")));
            }
            Scalar::I64(v as i64)
        }
        PyNum::Float(f) => Scalar::F64(f),
        PyNum::Complex(re, im) => Scalar::C128(re, im),
    };
    guard(|| lazyxp::scalar(s))
}

/// The value converted to `dtype` as NumPy's `asarray(value, dtype=...)`
/// does: integers out of range are an OverflowError, floats truncate
/// toward zero into integers, a complex number into a real dtype is a
/// TypeError (NumPy's "can't convert complex"; dropping the imaginary part
/// silently would lose data).
pub fn num_to_scalar(n: PyNum, dtype: DType) -> PyResult<Scalar> {
    if let (PyNum::Complex(re, im), false) = (n, dtype.is_complex()) {
        return Err(type_error(format!("cannot convert the complex number {re}{im:+}j to {dtype}")));
    }
    Ok(match n {
        PyNum::Bool(b) => Scalar::Bool(b).cast(dtype),
        PyNum::Int(v) => {
            if let Some((lo, hi)) = int_range(dtype) {
                if v < lo || v > hi {
                    return Err(overflow_error(format!("Python integer {v} out of bounds for {dtype}")));
                }
                if v > i64::MAX as i128 {
                    Scalar::U64(v as u64)
                } else {
                    Scalar::I64(v as i64).cast(dtype)
                }
            } else if dtype.is_bool() {
                Scalar::Bool(v != 0)
            } else {
                Scalar::F64(v as f64).cast(dtype)
            }
        }
        PyNum::Float(f) => Scalar::F64(f).cast(dtype),
        PyNum::Complex(re, im) => Scalar::C128(re, im).cast(dtype),
    })
}

/// The default dtype of a Python scalar.
pub fn default_dtype(n: PyNum) -> DType {
    match n {
        PyNum::Bool(_) => DType::Bool,
        PyNum::Int(_) => DType::Int64,
        PyNum::Float(_) => DType::Float64,
        PyNum::Complex(..) => DType::Complex128,
    }
}

/// Two operands of a binary function, at least one an array; a scalar
/// takes its dtype from the array.
pub fn binary_pair(x1: &Bound<'_, PyAny>, x2: &Bound<'_, PyAny>, what: &str) -> PyResult<(Array, Array)> {
    match (operand(x1)?, operand(x2)?) {
        (Operand::Array(a), Operand::Array(b)) => Ok((a, b)),
        (Operand::Array(a), Operand::Num(n)) => {
            let b = scalar_for(n, &a)?;
            Ok((a, b))
        }
        (Operand::Num(n), Operand::Array(b)) => Ok((scalar_for(n, &b)?, b)),
        (Operand::Num(_), Operand::Num(_)) => Err(type_error(format!("{what}: at least one argument must be an array"))),
        _ => Err(type_error(format!(
            "{what}: arguments must be lazyxp arrays or Python scalars, got {} and {}",
            type_name(x1),
            type_name(x2)
        ))),
    }
}

/// One array argument (no scalars: the standard's unary functions take
/// arrays only).
pub fn array_arg(x: &Bound<'_, PyAny>, what: &str) -> PyResult<Array> {
    match x.cast::<PyArray>() {
        Ok(a) => Ok(a.borrow().inner.clone()),
        Err(_) => Err(type_error(format!("{what}: expected a lazyxp array, got {}", type_name(x)))),
    }
}

pub fn type_name(x: &Bound<'_, PyAny>) -> String {
    x.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
}
