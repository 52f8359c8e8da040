//! take, take_along_axis and nonzero with the standard's signatures.
//! An index out of range is found when the gather runs (it is data) and
//! raises IndexError then; nonzero evaluates its input (GIL released).

use crate::array::PyArray;
use crate::axes::{axis_int, normalize};
use crate::errors::{guard, value_error};
use crate::operand::array_arg;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

#[pyfunction]
#[pyo3(signature = (x, indices, /, *, axis = None))]
pub fn take(x: &Bound<'_, PyAny>, indices: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    let a = array_arg(x, "take")?;
    let i = array_arg(indices, "take")?;
    let ax = match axis {
        Some(v) if !v.is_none() => {
            if a.ndim() == 0 {
                return Err(value_error("take: x must have at least one dimension"));
            }
            Some(normalize(x.py(), axis_int(v, "take")?, a.ndim(), "take")? as isize)
        }
        _ => None,
    };
    Ok(PyArray::new(guard(|| lazyxp::take(&a, &i, ax))?))
}

#[pyfunction]
#[pyo3(signature = (x, indices, /, *, axis = -1), text_signature = "(x, indices, /, *, axis=-1)")]
pub fn take_along_axis(x: &Bound<'_, PyAny>, indices: &Bound<'_, PyAny>, axis: isize) -> PyResult<PyArray> {
    let a = array_arg(x, "take_along_axis")?;
    let i = array_arg(indices, "take_along_axis")?;
    if a.ndim() == 0 {
        return Err(value_error("take_along_axis: x must have at least one dimension"));
    }
    let ax = normalize(x.py(), axis, a.ndim(), "take_along_axis")?;
    Ok(PyArray::new(guard(|| lazyxp::take_along_axis(&a, &i, ax as isize))?))
}

#[pyfunction]
#[pyo3(signature = (x, /))]
pub fn nonzero<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let a = array_arg(x, "nonzero")?;
    let parts = py.detach(|| guard(|| lazyxp::nonzero(&a)))?;
    PyTuple::new(py, parts.into_iter().map(PyArray::new))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(take, m)?)?;
    m.add_function(wrap_pyfunction!(take_along_axis, m)?)?;
    m.add_function(wrap_pyfunction!(nonzero, m)?)?;
    Ok(())
}
