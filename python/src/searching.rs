//! argmax, argmin, cumulative_sum and cumulative_prod with the standard's
//! signatures (the frontend has them as library scans).

use crate::array::PyArray;
use crate::axes::{axis_int, normalize};
use crate::dtype::parse_opt;
use crate::errors::{guard, value_error};
use crate::operand::array_arg;
use crate::statistical::in_dtype;
use pyo3::prelude::*;

fn opt_axis(py: Python<'_>, axis: Option<&Bound<'_, PyAny>>, ndim: usize, what: &str) -> PyResult<Option<isize>> {
    match axis {
        Some(a) if !a.is_none() => Ok(Some(normalize(py, axis_int(a, what)?, ndim, what)? as isize)),
        _ => Ok(None),
    }
}

#[pyfunction]
#[pyo3(signature = (x, /, *, axis = None, keepdims = false))]
pub fn argmax(x: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyArray> {
    let a = array_arg(x, "argmax")?;
    let ax = opt_axis(x.py(), axis, a.ndim(), "argmax")?;
    Ok(PyArray::new(guard(|| lazyxp::argmax(&a, ax, keepdims))?))
}

#[pyfunction]
#[pyo3(signature = (x, /, *, axis = None, keepdims = false))]
pub fn argmin(x: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyArray> {
    let a = array_arg(x, "argmin")?;
    let ax = opt_axis(x.py(), axis, a.ndim(), "argmin")?;
    Ok(PyArray::new(guard(|| lazyxp::argmin(&a, ax, keepdims))?))
}

type Scan = fn(&lazyxp::Array, Option<isize>, bool) -> lazyxp::Result<lazyxp::Array>;

/// With `dtype`, the input is cast to it first and the result has exactly
/// that dtype (as `sum(dtype=...)` does).
fn scan(x: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, include_initial: bool, f: Scan, what: &str) -> PyResult<PyArray> {
    let a = array_arg(x, what)?;
    if a.ndim() == 0 {
        return Err(value_error(format!("{what}: the array must have at least one dimension")));
    }
    let ax = opt_axis(x.py(), axis, a.ndim(), what)?;
    if ax.is_none() && a.ndim() > 1 {
        return Err(value_error(format!("{what}: axis is required for an array of dimension {}", a.ndim())));
    }
    let dt = parse_opt(dtype)?;
    let r = guard(|| in_dtype(&a, dt, |src| f(src, ax, include_initial)))?;
    Ok(PyArray::new(r))
}

#[pyfunction]
#[pyo3(signature = (x, /, *, axis = None, dtype = None, include_initial = false))]
pub fn cumulative_sum(x: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, include_initial: bool) -> PyResult<PyArray> {
    scan(x, axis, dtype, include_initial, lazyxp::cumulative_sum, "cumulative_sum")
}

#[pyfunction]
#[pyo3(signature = (x, /, *, axis = None, dtype = None, include_initial = false))]
pub fn cumulative_prod(x: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, include_initial: bool) -> PyResult<PyArray> {
    scan(x, axis, dtype, include_initial, lazyxp::cumulative_prod, "cumulative_prod")
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(argmax, m)?)?;
    m.add_function(wrap_pyfunction!(argmin, m)?)?;
    m.add_function(wrap_pyfunction!(cumulative_sum, m)?)?;
    m.add_function(wrap_pyfunction!(cumulative_prod, m)?)?;
    Ok(())
}
