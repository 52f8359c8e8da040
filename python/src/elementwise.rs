//! Elementwise functions, one line per Rust frontend function.
//!
//! To expose a new frontend function, add its name to `unary!` or
//! `binary!` below: the macro writes the Python function with the
//! standard's signature (`f(x, /)`, `f(x1, x2, /)`) and registers it.

use crate::array::PyArray;
use crate::dtype::{parse, PyDType};
use crate::errors::{guard, value_error};
use crate::operand::{array_arg, binary_pair, operand, py_num, scalar_default, scalar_for, Operand};
use crate::creation::parse_shape;
use lazyxp::{Array, DType, PyScalar};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

pub type BinaryFn = fn(&Array, &Array) -> lazyxp::Result<Array>;

macro_rules! unary {
    ($($name:ident),* $(,)?) => {
        $(
            #[pyfunction]
            #[pyo3(signature = (x, /))]
            pub fn $name(x: &Bound<'_, PyAny>) -> PyResult<PyArray> {
                let a = array_arg(x, stringify!($name))?;
                Ok(PyArray::new(guard(|| lazyxp::$name(&a))?))
            }
        )*
        fn register_unary(m: &Bound<'_, PyModule>) -> PyResult<()> {
            $( m.add_function(wrap_pyfunction!($name, m)?)?; )*
            Ok(())
        }
        /// Names of the unary functions exposed (for tests and docs).
        pub const UNARY: &[&str] = &[$(stringify!($name)),*];
    };
}

macro_rules! binary {
    ($($name:ident),* $(,)?) => {
        $(
            #[pyfunction]
            #[pyo3(signature = (x1, x2, /))]
            pub fn $name(x1: &Bound<'_, PyAny>, x2: &Bound<'_, PyAny>) -> PyResult<PyArray> {
                let (a, b) = binary_pair(x1, x2, stringify!($name))?;
                Ok(PyArray::new(guard(|| lazyxp::$name(&a, &b))?))
            }
        )*
        fn register_binary(m: &Bound<'_, PyModule>) -> PyResult<()> {
            $( m.add_function(wrap_pyfunction!($name, m)?)?; )*
            Ok(())
        }
        pub const BINARY: &[&str] = &[$(stringify!($name)),*];
    };
}

unary!(
    abs, acos, acosh, asin, asinh, atan, atanh, bitwise_invert, ceil, conj, cos, cosh, exp, expm1, floor,
    imag, isfinite, isinf, isnan, log, log10, log1p, log2, logical_not, negative, positive, real,
    reciprocal, round, sign, signbit, sin, sinh, sqrt, square, tan, tanh, trunc,
);

binary!(
    add, atan2, bitwise_and, bitwise_left_shift, bitwise_or, bitwise_right_shift, bitwise_xor, copysign,
    divide, equal, floor_divide, greater, greater_equal, hypot, less, less_equal, logaddexp, logical_and,
    logical_or, logical_xor, maximum, minimum, multiply, nextafter, not_equal, pow, remainder, subtract,
);

/// `where(condition, x1, x2, /)`; `x1`/`x2` may be Python scalars.
#[pyfunction]
#[pyo3(name = "where", signature = (condition, x1, x2, /))]
pub fn where_(condition: &Bound<'_, PyAny>, x1: &Bound<'_, PyAny>, x2: &Bound<'_, PyAny>) -> PyResult<PyArray> {
    let c = array_arg(condition, "where")?;
    let (a, b) = match (operand(x1)?, operand(x2)?) {
        (Operand::Num(p), Operand::Num(q)) => (scalar_default(p)?, scalar_default(q)?),
        _ => binary_pair(x1, x2, "where")?,
    };
    Ok(PyArray::new(guard(|| lazyxp::where_(&c, &a, &b))?))
}

/// `clip(x, /, min=None, max=None)`: bounds may be arrays or Python
/// scalars; the result keeps `x`'s dtype.
#[pyfunction]
#[pyo3(signature = (x, /, min = None, max = None))]
pub fn clip(x: &Bound<'_, PyAny>, min: Option<&Bound<'_, PyAny>>, max: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    let a = array_arg(x, "clip")?;
    let bound = |b: Option<&Bound<'_, PyAny>>| -> PyResult<Option<Array>> {
        match b {
            None => Ok(None),
            Some(v) if v.is_none() => Ok(None),
            Some(v) => match operand(v)? {
                Operand::Array(b) => Ok(Some(b)),
                Operand::Num(n) => Ok(Some(clip_bound(n, &a)?)),
                Operand::Other => Err(crate::errors::type_error(format!("clip: bounds must be arrays or Python scalars, got {}", crate::operand::type_name(v)))),
            },
        }
    };
    let (lo, hi) = (bound(min)?, bound(max)?);
    Ok(PyArray::new(guard(|| lazyxp::clip(&a, lo.as_ref(), hi.as_ref()))?))
}

/// A scalar bound next to `x`: an int bound outside an integer dtype's
/// range clips nothing on that side (NumPy 2 compares by value), so it
/// becomes the dtype's extreme.
fn clip_bound(n: crate::operand::PyNum, x: &Array) -> PyResult<Array> {
    if let (crate::operand::PyNum::Int(v), Some((lo, hi))) = (n, crate::dtype::int_range(x.dtype())) {
        let c = v.clamp(lo, hi);
        return scalar_for(crate::operand::PyNum::Int(c), x);
    }
    scalar_for(n, x)
}

#[pyfunction]
#[pyo3(signature = (x, dtype, /, *, copy = true, device = None))]
pub fn astype<'py>(x: &Bound<'py, PyAny>, dtype: &Bound<'py, PyAny>, copy: bool, device: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
    let device = crate::info::parse_device(device)?;
    let a = array_arg(x, "astype")?;
    let dt = parse(dtype)?;
    if !copy && dt == a.dtype() && device.is_none_or(|d| d == a.device()) {
        // The standard: the input array itself, so a later setitem on it
        // shows through both names.
        return Ok(x.clone());
    }
    // A new array object; its node may be the input's (nodes are
    // immutable, and setitem on either object rebinds only that object).
    let converted = guard(|| lazyxp::astype(&a, dt))?;
    Ok(Bound::new(x.py(), PyArray::new(crate::info::place(x.py(), converted, device)?))?.into_any())
}

#[pyfunction]
#[pyo3(signature = (x, /, shape))]
pub fn broadcast_to(x: &Bound<'_, PyAny>, shape: &Bound<'_, PyAny>) -> PyResult<PyArray> {
    let a = array_arg(x, "broadcast_to")?;
    let shape = parse_shape(shape)?;
    Ok(PyArray::new(guard(|| lazyxp::broadcast_to(&a, &shape))?))
}

/// The shape `shapes` broadcast to together (a ValueError names two that
/// do not).
fn broadcast_all<'s>(shapes: impl IntoIterator<Item = &'s [usize]>) -> PyResult<Vec<usize>> {
    let mut shape: Vec<usize> = Vec::new();
    for s in shapes {
        shape = guard(|| lazyxp_runtime::shape::broadcast_shapes(&shape, s))?.to_vec();
    }
    Ok(shape)
}

#[pyfunction]
#[pyo3(signature = (*arrays))]
pub fn broadcast_arrays(arrays: &Bound<'_, PyTuple>) -> PyResult<Vec<PyArray>> {
    let arrays: Vec<Array> = arrays.iter().map(|a| array_arg(&a, "broadcast_arrays")).collect::<PyResult<_>>()?;
    let shape = broadcast_all(arrays.iter().map(|a| a.shape()))?;
    arrays
        .iter()
        .map(|a| Ok(PyArray::new(guard(|| lazyxp::broadcast_to(a, &shape))?)))
        .collect()
}

/// `broadcast_shapes(*shapes)` (2025.12): the shape the shapes broadcast
/// to, without arrays.
#[pyfunction]
#[pyo3(signature = (*shapes))]
pub fn broadcast_shapes<'py>(py: Python<'py>, shapes: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyTuple>> {
    let shapes: Vec<Vec<usize>> = shapes.iter().map(|s| parse_shape(&s)).collect::<PyResult<_>>()?;
    PyTuple::new(py, broadcast_all(shapes.iter().map(Vec::as_slice))?)
}

/// `result_type(*arrays_and_dtypes)`: arrays and dtypes promote by the
/// table; Python scalars then join by the scalar rules.
#[pyfunction]
#[pyo3(signature = (*arrays_and_dtypes))]
pub fn result_type(arrays_and_dtypes: &Bound<'_, PyTuple>) -> PyResult<PyDType> {
    let mut dt: Option<DType> = None;
    let mut scalars = Vec::new();
    for x in arrays_and_dtypes.iter() {
        let this = if let Ok(a) = x.cast::<PyArray>() {
            a.borrow().inner.dtype()
        } else if let Some(n) = py_num(&x)? {
            scalars.push(n);
            continue;
        } else {
            parse(&x)?
        };
        dt = Some(match dt {
            None => this,
            Some(d) => guard(|| lazyxp::result_type(d, this))?,
        });
    }
    let Some(mut dt) = dt else {
        return Err(value_error("result_type needs at least one array or dtype"));
    };
    for n in scalars {
        // The scalar's value does not matter for its dtype; zero always fits.
        let probe = match n {
            crate::operand::PyNum::Bool(_) => PyScalar::Bool(false),
            crate::operand::PyNum::Int(_) => PyScalar::Int(0),
            crate::operand::PyNum::Float(_) => PyScalar::Float(0.0),
            crate::operand::PyNum::Complex(..) => PyScalar::Complex(0.0, 0.0),
        };
        let sdt = guard(|| probe.to_scalar_for(dt))?.dtype();
        dt = guard(|| lazyxp::result_type(dt, sdt))?;
    }
    Ok(crate::dtype::wrap(dt))
}

/// Used by the operators: the other operand as an array next to `lhs`, or
/// None when it is neither an array nor a Python scalar.
pub fn other_operand(lhs: &Array, other: &Bound<'_, PyAny>) -> PyResult<Option<Array>> {
    operand_beside(operand(other)?, lhs)
}

/// `other_operand` for an operand already read by `operand` (which may run
/// Python code: a buffer export, `str()` of an int in an error message).
/// This half runs none, so a caller may hold a borrow of `lhs`'s Python
/// object across it.
pub fn operand_beside(op: Operand, lhs: &Array) -> PyResult<Option<Array>> {
    Ok(match op {
        Operand::Array(b) => Some(b),
        Operand::Num(n) => Some(scalar_for(n, lhs)?),
        Operand::Other => None,
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register_unary(m)?;
    register_binary(m)?;
    m.add_function(wrap_pyfunction!(where_, m)?)?;
    m.add_function(wrap_pyfunction!(clip, m)?)?;
    m.add_function(wrap_pyfunction!(astype, m)?)?;
    m.add_function(wrap_pyfunction!(broadcast_to, m)?)?;
    m.add_function(wrap_pyfunction!(broadcast_arrays, m)?)?;
    m.add_function(wrap_pyfunction!(broadcast_shapes, m)?)?;
    m.add_function(wrap_pyfunction!(result_type, m)?)?;
    Ok(())
}
