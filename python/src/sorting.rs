//! Sorting, searching and the set functions with the standard's
//! signatures: sort, argsort, searchsorted, unique_values, unique_counts,
//! unique_inverse, unique_all (the set functions evaluate their input,
//! with the GIL released; `lazyxp/__init__.py` wraps the tuples into the
//! standard's named tuples).

use crate::array::PyArray;
use crate::axes::normalize;
use crate::errors::{guard, value_error};
use crate::operand::{array_arg, binary_pair};
use pyo3::prelude::*;

fn sort_args(x: &Bound<'_, PyAny>, axis: isize, what: &str) -> PyResult<(lazyxp::Array, isize)> {
    let a = array_arg(x, what)?;
    if a.ndim() == 0 {
        return Err(value_error(format!("{what}: the array must have at least one dimension")));
    }
    Ok((a.clone(), normalize(x.py(), axis, a.ndim(), what)? as isize))
}

#[pyfunction]
#[pyo3(signature = (x, /, *, axis = -1, descending = false, stable = true), text_signature = "(x, /, *, axis=-1, descending=False, stable=True)")]
pub fn sort(x: &Bound<'_, PyAny>, axis: isize, descending: bool, stable: bool) -> PyResult<PyArray> {
    let (a, ax) = sort_args(x, axis, "sort")?;
    Ok(PyArray::new(guard(|| lazyxp::sort(&a, ax, descending, stable))?))
}

#[pyfunction]
#[pyo3(signature = (x, /, *, axis = -1, descending = false, stable = true), text_signature = "(x, /, *, axis=-1, descending=False, stable=True)")]
pub fn argsort(x: &Bound<'_, PyAny>, axis: isize, descending: bool, stable: bool) -> PyResult<PyArray> {
    let (a, ax) = sort_args(x, axis, "argsort")?;
    Ok(PyArray::new(guard(|| lazyxp::argsort(&a, ax, descending, stable))?))
}

/// `searchsorted(x1, x2, /, *, side='left', sorter=None)`; `x2` may be a
/// Python scalar (2024.12).
#[pyfunction]
#[pyo3(signature = (x1, x2, /, *, side = "left", sorter = None))]
pub fn searchsorted(x1: &Bound<'_, PyAny>, x2: &Bound<'_, PyAny>, side: &str, sorter: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    let right = match side {
        "left" => false,
        "right" => true,
        other => return Err(value_error(format!("searchsorted: side must be 'left' or 'right', got {other:?}"))),
    };
    let a = array_arg(x1, "searchsorted")?;
    let (_, b) = binary_pair(x1, x2, "searchsorted")?;
    let s = match sorter {
        Some(s) if !s.is_none() => Some(array_arg(s, "searchsorted")?),
        _ => None,
    };
    Ok(PyArray::new(guard(|| lazyxp::searchsorted(&a, &b, right, s.as_ref()))?))
}

#[pyfunction]
#[pyo3(signature = (x, /))]
pub fn unique_values(py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<PyArray> {
    let a = array_arg(x, "unique_values")?;
    Ok(PyArray::new(py.detach(|| guard(|| lazyxp::unique_values(&a)))?))
}

#[pyfunction]
#[pyo3(signature = (x, /))]
pub fn unique_counts(py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<(PyArray, PyArray)> {
    let a = array_arg(x, "unique_counts")?;
    let (v, c) = py.detach(|| guard(|| lazyxp::unique_counts(&a)))?;
    Ok((PyArray::new(v), PyArray::new(c)))
}

#[pyfunction]
#[pyo3(signature = (x, /))]
pub fn unique_inverse(py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<(PyArray, PyArray)> {
    let a = array_arg(x, "unique_inverse")?;
    let (v, i) = py.detach(|| guard(|| lazyxp::unique_inverse(&a)))?;
    Ok((PyArray::new(v), PyArray::new(i)))
}

#[pyfunction]
#[pyo3(signature = (x, /))]
pub fn unique_all(py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<(PyArray, PyArray, PyArray, PyArray)> {
    let a = array_arg(x, "unique_all")?;
    let (v, i, inv, c) = py.detach(|| guard(|| lazyxp::unique_all(&a)))?;
    Ok((PyArray::new(v), PyArray::new(i), PyArray::new(inv), PyArray::new(c)))
}

/// `isin(x1, x2, /, *, invert=False)` (2025.12): either may be a Python
/// scalar next to an array.
#[pyfunction]
#[pyo3(signature = (x1, x2, /, *, invert = false))]
pub fn isin(x1: &Bound<'_, PyAny>, x2: &Bound<'_, PyAny>, invert: bool) -> PyResult<PyArray> {
    let (a, b) = binary_pair(x1, x2, "isin")?;
    Ok(PyArray::new(guard(|| lazyxp::isin(&a, &b, invert))?))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(isin, m)?)?;
    m.add_function(wrap_pyfunction!(sort, m)?)?;
    m.add_function(wrap_pyfunction!(argsort, m)?)?;
    m.add_function(wrap_pyfunction!(searchsorted, m)?)?;
    m.add_function(wrap_pyfunction!(unique_values, m)?)?;
    m.add_function(wrap_pyfunction!(unique_counts, m)?)?;
    m.add_function(wrap_pyfunction!(unique_inverse, m)?)?;
    m.add_function(wrap_pyfunction!(unique_all, m)?)?;
    Ok(())
}
