//! Manipulation functions that are views or reshapes in the graph, with
//! the standard's signatures: permute_dims, matrix_transpose, moveaxis,
//! expand_dims, squeeze, flip, reshape. None of them copies data.

use crate::array::PyArray;
use crate::axes::{axes_list, axis_int, normalize, opt_axes};
use crate::errors::{guard, type_error, value_error};
use crate::operand::{array_arg, type_name};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyList, PyTuple};

fn isizes(v: Vec<usize>) -> Vec<isize> {
    v.into_iter().map(|a| a as isize).collect()
}

#[pyfunction]
#[pyo3(signature = (x, /, axes))]
pub fn permute_dims(x: &Bound<'_, PyAny>, axes: &Bound<'_, PyAny>) -> PyResult<PyArray> {
    let a = array_arg(x, "permute_dims")?;
    if !(axes.is_instance_of::<PyTuple>() || axes.is_instance_of::<PyList>()) {
        return Err(type_error(format!("permute_dims: axes must be a tuple of ints, got {}", type_name(axes))));
    }
    let ax = axes_list(axes, a.ndim(), "permute_dims")?;
    if ax.len() != a.ndim() {
        return Err(value_error(format!(
            "permute_dims: axes {ax:?} do not match an array of dimension {} (shape {:?})",
            a.ndim(),
            a.shape()
        )));
    }
    Ok(PyArray::new(guard(|| lazyxp::permute_dims(&a, &isizes(ax)))?))
}

#[pyfunction]
#[pyo3(signature = (x, /))]
pub fn matrix_transpose(x: &Bound<'_, PyAny>) -> PyResult<PyArray> {
    let a = array_arg(x, "matrix_transpose")?;
    Ok(PyArray::new(guard(|| lazyxp::matrix_transpose(&a))?))
}

#[pyfunction]
#[pyo3(signature = (x, source, destination, /))]
pub fn moveaxis(x: &Bound<'_, PyAny>, source: &Bound<'_, PyAny>, destination: &Bound<'_, PyAny>) -> PyResult<PyArray> {
    let a = array_arg(x, "moveaxis")?;
    let s = axes_list(source, a.ndim(), "moveaxis")?;
    let d = axes_list(destination, a.ndim(), "moveaxis")?;
    if s.len() != d.len() {
        return Err(value_error(format!(
            "moveaxis: source {s:?} and destination {d:?} must have the same number of elements"
        )));
    }
    Ok(PyArray::new(guard(|| lazyxp::moveaxis(&a, &isizes(s), &isizes(d)))?))
}

/// `expand_dims(x, /, axis=0)`: `axis` in `[-N-1, N]`; outside it an
/// AxisError (the IndexError the standard asks for). The 2024.12 stub makes
/// `axis` positional-or-keyword (2023.12 had it keyword-only with default
/// 0): both call forms work, and a missing axis still means 0.
#[pyfunction]
#[pyo3(signature = (x, /, axis = None), text_signature = "(x, /, axis=0)")]
pub fn expand_dims(x: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    let a = array_arg(x, "expand_dims")?;
    let ax = match axis {
        Some(v) if !v.is_none() => axis_int(v, "expand_dims")?,
        _ => 0,
    };
    let ax = normalize(x.py(), ax, a.ndim() + 1, "expand_dims")?;
    Ok(PyArray::new(guard(|| lazyxp::expand_dims(&a, ax as isize))?))
}

#[pyfunction]
#[pyo3(signature = (x, /, axis))]
pub fn squeeze(x: &Bound<'_, PyAny>, axis: &Bound<'_, PyAny>) -> PyResult<PyArray> {
    let a = array_arg(x, "squeeze")?;
    let ax = axes_list(axis, a.ndim(), "squeeze")?;
    Ok(PyArray::new(guard(|| lazyxp::squeeze(&a, &isizes(ax)))?))
}

#[pyfunction]
#[pyo3(signature = (x, /, *, axis = None))]
pub fn flip(x: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    let a = array_arg(x, "flip")?;
    let ax = opt_axes(axis, a.ndim(), "flip")?;
    Ok(PyArray::new(guard(|| lazyxp::flip(&a, ax.as_deref()))?))
}

/// A `shape` for reshape: an int or a tuple/list of ints, -1 at most once.
fn reshape_shape(obj: &Bound<'_, PyAny>) -> PyResult<Vec<isize>> {
    let items: Vec<Bound<'_, PyAny>> = if obj.is_instance_of::<PyTuple>() || obj.is_instance_of::<PyList>() {
        obj.try_iter()?.collect::<PyResult<_>>()?
    } else {
        vec![obj.clone()]
    };
    items
        .iter()
        .map(|d| {
            if d.is_instance_of::<PyBool>() {
                return Err(type_error("reshape: shape entries must be ints, not bool"));
            }
            let i = d
                .call_method0("__index__")
                .map_err(|_| type_error(format!("reshape: shape must be a tuple of ints, got an element of type {}", type_name(d))))?;
            let v: isize = i.extract().map_err(|_| value_error(format!("reshape: dimension {i} is too large")))?;
            if v < -1 {
                return Err(value_error(format!("reshape: negative dimension {v} in the shape (only -1 is allowed)")));
            }
            Ok(v)
        })
        .collect()
}

/// `reshape(x, /, shape, *, copy=None)`.
///
/// lazyxp arrays are immutable values and a reshape is a node of the
/// graph, never an in-place reinterpretation of memory another array can
/// see; so no copy is ever observable and `copy=False` never raises (the
/// standard's ValueError is for a copy that would be visible through
/// aliasing, which cannot happen here). `copy=True` is honoured trivially.
#[pyfunction]
#[pyo3(signature = (x, /, shape, *, copy = None))]
pub fn reshape(x: &Bound<'_, PyAny>, shape: &Bound<'_, PyAny>, copy: Option<bool>) -> PyResult<PyArray> {
    let _ = copy;
    let a = array_arg(x, "reshape")?;
    let s = reshape_shape(shape)?;
    if s.contains(&-1) && s.contains(&0) {
        // -1 next to a 0 could be anything (NumPy and array_api_strict refuse it).
        return Err(value_error(format!("reshape: cannot infer the -1 in {s:?} next to a zero-length dimension")));
    }
    Ok(PyArray::new(guard(|| lazyxp::reshape(&a, &s))?))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(permute_dims, m)?)?;
    m.add_function(wrap_pyfunction!(matrix_transpose, m)?)?;
    m.add_function(wrap_pyfunction!(moveaxis, m)?)?;
    m.add_function(wrap_pyfunction!(expand_dims, m)?)?;
    m.add_function(wrap_pyfunction!(squeeze, m)?)?;
    m.add_function(wrap_pyfunction!(flip, m)?)?;
    m.add_function(wrap_pyfunction!(reshape, m)?)?;
    Ok(())
}
