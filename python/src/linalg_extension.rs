//! The standard's `linalg` extension, as the submodule `_lazyxp._linalg`;
//! `lazyxp/linalg.py` adds the named result tuples and the functions the
//! extension shares with the main namespace (matmul, matrix_transpose,
//! tensordot, vecdot).
//!
//! Decompositions are lazy like everything else: a matrix that is singular
//! or not positive definite raises ValueError (as NumPy's LinAlgError, a
//! ValueError, does) when the result is evaluated.

use crate::array::PyArray;
use crate::axes::opt_axes;
use crate::dtype::parse_opt;
use crate::errors::{guard, type_error, value_error};
use crate::operand::{array_arg, py_num, type_name, PyNum};
use crate::statistical::in_dtype;
use lazyxp::linalg::{self, MatrixOrder};
use lazyxp::{Array, Scalar};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyString};

/// Runs one call into the Rust crates under `guard` (so a panic in it
/// becomes an exception) and wraps its array.
fn wrap(f: impl FnOnce() -> lazyxp::Result<Array>) -> PyResult<PyArray> {
    Ok(PyArray::new(guard(f)?))
}

/// A real Python number (int or float, NumPy's included) as f64.
fn real_number(obj: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
    Ok(match py_num(obj)? {
        Some(PyNum::Int(i)) => Some(i as f64),
        Some(PyNum::Float(f)) => Some(f),
        _ => None,
    })
}

#[pyfunction]
#[pyo3(signature = (x, /, *, upper = false))]
fn cholesky(x: &Bound<'_, PyAny>, upper: bool) -> PyResult<PyArray> {
    let a = array_arg(x, "cholesky")?;
    wrap(|| linalg::cholesky(&a, upper))
}

#[pyfunction]
#[pyo3(signature = (x1, x2, /, *, axis = -1))]
fn cross(x1: &Bound<'_, PyAny>, x2: &Bound<'_, PyAny>, axis: isize) -> PyResult<PyArray> {
    let a = array_arg(x1, "cross")?;
    let b = array_arg(x2, "cross")?;
    wrap(|| linalg::cross(&a, &b, axis))
}

#[pyfunction]
#[pyo3(signature = (x, /))]
fn det(x: &Bound<'_, PyAny>) -> PyResult<PyArray> {
    let a = array_arg(x, "det")?;
    wrap(|| linalg::det(&a))
}

#[pyfunction]
#[pyo3(signature = (x, /, *, offset = 0))]
fn diagonal(x: &Bound<'_, PyAny>, offset: isize) -> PyResult<PyArray> {
    let a = array_arg(x, "diagonal")?;
    wrap(|| linalg::diagonal(&a, offset))
}

#[pyfunction]
#[pyo3(signature = (x, /))]
fn eigh(x: &Bound<'_, PyAny>) -> PyResult<(PyArray, PyArray)> {
    let a = array_arg(x, "eigh")?;
    let e = guard(|| linalg::eigh(&a))?;
    Ok((PyArray::new(e.eigenvalues), PyArray::new(e.eigenvectors)))
}

#[pyfunction]
#[pyo3(signature = (x, /))]
fn eigvalsh(x: &Bound<'_, PyAny>) -> PyResult<PyArray> {
    let a = array_arg(x, "eigvalsh")?;
    wrap(|| linalg::eigvalsh(&a))
}

#[pyfunction]
#[pyo3(signature = (x, /))]
fn inv(x: &Bound<'_, PyAny>) -> PyResult<PyArray> {
    let a = array_arg(x, "inv")?;
    wrap(|| linalg::inv(&a))
}

/// `ord`: "fro", "nuc", or one of 1, -1, 2, -2, inf, -inf.
fn matrix_order(ord: &Bound<'_, PyAny>) -> PyResult<MatrixOrder> {
    if let Ok(s) = ord.cast::<PyString>() {
        return match s.to_str()? {
            "fro" => Ok(MatrixOrder::Fro),
            "nuc" => Ok(MatrixOrder::Nuc),
            other => Err(value_error(format!("matrix_norm: ord must be 'fro', 'nuc', 1, -1, 2, -2, inf or -inf, got {other:?}"))),
        };
    }
    let Some(v) = real_number(ord)? else {
        return Err(type_error(format!("matrix_norm: ord must be a str or a number, got {}", type_name(ord))));
    };
    Ok(match v {
        1.0 => MatrixOrder::One,
        -1.0 => MatrixOrder::MinusOne,
        2.0 => MatrixOrder::Two,
        -2.0 => MatrixOrder::MinusTwo,
        f64::INFINITY => MatrixOrder::Inf,
        f64::NEG_INFINITY => MatrixOrder::MinusInf,
        _ => return Err(value_error(format!("matrix_norm: ord must be 'fro', 'nuc', 1, -1, 2, -2, inf or -inf, got {v}"))),
    })
}

#[pyfunction]
#[pyo3(signature = (x, /, *, keepdims = false, ord = None), text_signature = "(x, /, *, keepdims=False, ord='fro')")]
fn matrix_norm(x: &Bound<'_, PyAny>, keepdims: bool, ord: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    let ord = match ord {
        Some(o) if !o.is_none() => matrix_order(o)?,
        _ => MatrixOrder::Fro,
    };
    let a = array_arg(x, "matrix_norm")?;
    wrap(|| linalg::matrix_norm(&a, keepdims, ord))
}

#[pyfunction]
#[pyo3(signature = (x, n, /))]
fn matrix_power(x: &Bound<'_, PyAny>, n: &Bound<'_, PyAny>) -> PyResult<PyArray> {
    if n.is_instance_of::<PyBool>() {
        return Err(type_error("matrix_power: n must be an int, not bool"));
    }
    let n: i64 = n
        .call_method0("__index__")
        .and_then(|i| i.extract())
        .map_err(|_| type_error(format!("matrix_power: n must be an int, got {}", type_name(n))))?;
    let a = array_arg(x, "matrix_power")?;
    wrap(|| linalg::matrix_power(&a, n))
}

/// `rtol` as an array: a Python number becomes a 0-d array of `x`'s real
/// dtype; an array is taken as it is.
fn rtol_arg(rtol: Option<&Bound<'_, PyAny>>, x: &Array, what: &str) -> PyResult<Option<Array>> {
    let Some(r) = rtol.filter(|r| !r.is_none()) else { return Ok(None) };
    if let Some(v) = real_number(r)? {
        return Ok(Some(guard(|| lazyxp::scalar(Scalar::F64(v).cast(x.dtype().real_part())))?));
    }
    if py_num(r)?.is_some() {
        return Err(type_error(format!("{what}: rtol must be a real number or array, got {}", type_name(r))));
    }
    Ok(Some(array_arg(r, what)?))
}

#[pyfunction]
#[pyo3(signature = (x, /, *, rtol = None))]
fn matrix_rank(x: &Bound<'_, PyAny>, rtol: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    let a = array_arg(x, "matrix_rank")?;
    let rtol = rtol_arg(rtol, &a, "matrix_rank")?;
    wrap(|| linalg::matrix_rank(&a, rtol.as_ref()))
}

#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn outer(x1: &Bound<'_, PyAny>, x2: &Bound<'_, PyAny>) -> PyResult<PyArray> {
    let a = array_arg(x1, "outer")?;
    let b = array_arg(x2, "outer")?;
    wrap(|| linalg::outer(&a, &b))
}

#[pyfunction]
#[pyo3(signature = (x, /, *, rtol = None))]
fn pinv(x: &Bound<'_, PyAny>, rtol: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    let a = array_arg(x, "pinv")?;
    let rtol = rtol_arg(rtol, &a, "pinv")?;
    wrap(|| linalg::pinv(&a, rtol.as_ref()))
}

#[pyfunction]
#[pyo3(signature = (x, /, *, mode = "reduced"))]
fn qr(x: &Bound<'_, PyAny>, mode: &str) -> PyResult<(PyArray, PyArray)> {
    let complete = match mode {
        "reduced" => false,
        "complete" => true,
        other => return Err(value_error(format!("qr: mode must be 'reduced' or 'complete', got {other:?}"))),
    };
    let a = array_arg(x, "qr")?;
    let r = guard(|| linalg::qr(&a, complete))?;
    Ok((PyArray::new(r.q), PyArray::new(r.r)))
}

#[pyfunction]
#[pyo3(signature = (x, /))]
fn slogdet(x: &Bound<'_, PyAny>) -> PyResult<(PyArray, PyArray)> {
    let a = array_arg(x, "slogdet")?;
    let r = guard(|| linalg::slogdet(&a))?;
    Ok((PyArray::new(r.sign), PyArray::new(r.logabsdet)))
}

#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn solve(x1: &Bound<'_, PyAny>, x2: &Bound<'_, PyAny>) -> PyResult<PyArray> {
    let a = array_arg(x1, "solve")?;
    let b = array_arg(x2, "solve")?;
    wrap(|| linalg::solve(&a, &b))
}

#[pyfunction]
#[pyo3(signature = (x, /, *, full_matrices = true))]
fn svd(x: &Bound<'_, PyAny>, full_matrices: bool) -> PyResult<(PyArray, PyArray, PyArray)> {
    let a = array_arg(x, "svd")?;
    let r = guard(|| linalg::svd(&a, full_matrices))?;
    Ok((PyArray::new(r.u), PyArray::new(r.s), PyArray::new(r.vh)))
}

#[pyfunction]
#[pyo3(signature = (x, /))]
fn svdvals(x: &Bound<'_, PyAny>) -> PyResult<PyArray> {
    let a = array_arg(x, "svdvals")?;
    wrap(|| linalg::svdvals(&a))
}

/// `trace(x, /, *, offset=0, dtype=None)`: `dtype` as in `sum`.
#[pyfunction]
#[pyo3(signature = (x, /, *, offset = 0, dtype = None))]
fn trace(x: &Bound<'_, PyAny>, offset: isize, dtype: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    let a = array_arg(x, "trace")?;
    let dt = parse_opt(dtype)?;
    wrap(|| in_dtype(&a, dt, |src| linalg::trace(src, offset)))
}

#[pyfunction]
#[pyo3(signature = (x, /, *, axis = None, keepdims = false, ord = None), text_signature = "(x, /, *, axis=None, keepdims=False, ord=2)")]
fn vector_norm(x: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool, ord: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    let a = array_arg(x, "vector_norm")?;
    let axes = opt_axes(axis, a.ndim(), "vector_norm")?;
    let ord = match ord.filter(|o| !o.is_none()) {
        None => 2.0,
        Some(o) => real_number(o)?.ok_or_else(|| type_error(format!("vector_norm: ord must be a real number, got {}", type_name(o))))?,
    };
    wrap(|| linalg::vector_norm(&a, axes.as_deref(), keepdims, ord))
}

pub fn register(parent: &Bound<'_, PyModule>) -> PyResult<()> {
    let m = PyModule::new(parent.py(), "_linalg")?;
    m.add_function(wrap_pyfunction!(cholesky, &m)?)?;
    m.add_function(wrap_pyfunction!(cross, &m)?)?;
    m.add_function(wrap_pyfunction!(det, &m)?)?;
    m.add_function(wrap_pyfunction!(diagonal, &m)?)?;
    m.add_function(wrap_pyfunction!(eigh, &m)?)?;
    m.add_function(wrap_pyfunction!(eigvalsh, &m)?)?;
    m.add_function(wrap_pyfunction!(inv, &m)?)?;
    m.add_function(wrap_pyfunction!(matrix_norm, &m)?)?;
    m.add_function(wrap_pyfunction!(matrix_power, &m)?)?;
    m.add_function(wrap_pyfunction!(matrix_rank, &m)?)?;
    m.add_function(wrap_pyfunction!(outer, &m)?)?;
    m.add_function(wrap_pyfunction!(pinv, &m)?)?;
    m.add_function(wrap_pyfunction!(qr, &m)?)?;
    m.add_function(wrap_pyfunction!(slogdet, &m)?)?;
    m.add_function(wrap_pyfunction!(solve, &m)?)?;
    m.add_function(wrap_pyfunction!(svd, &m)?)?;
    m.add_function(wrap_pyfunction!(svdvals, &m)?)?;
    m.add_function(wrap_pyfunction!(trace, &m)?)?;
    m.add_function(wrap_pyfunction!(vector_norm, &m)?)?;
    parent.add_submodule(&m)
}
