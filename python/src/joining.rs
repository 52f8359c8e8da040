//! Joining, shifting and repeating with the standard's signatures:
//! concat, stack, unstack, roll, diff, tile, repeat, meshgrid. Axes are
//! checked here (AxisError, as NumPy); the frontend builds the graph.

use crate::array::PyArray;
use crate::axes::{axis_int, normalize};
use crate::errors::{guard, type_error, value_error};
use crate::operand::{array_arg, operand, scalar_for, type_name, Operand};
use lazyxp::Array;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyList, PyTuple};

/// A tuple or list of lazyxp arrays.
pub fn array_seq(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Array>> {
    if !(obj.is_instance_of::<PyTuple>() || obj.is_instance_of::<PyList>()) {
        return Err(type_error(format!("{what}: expected a tuple or list of arrays, got {}", type_name(obj))));
    }
    let v: Vec<Array> = obj.try_iter()?.map(|a| array_arg(&a?, what)).collect::<PyResult<_>>()?;
    if v.is_empty() {
        return Err(value_error(format!("{what}: need at least one array")));
    }
    Ok(v)
}

fn opt_axis(axis: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<isize>> {
    match axis {
        Some(a) if !a.is_none() => Ok(Some(axis_int(a, what)?)),
        _ => Ok(None),
    }
}

/// An int, or a tuple of ints (non-negative for tile's repetitions).
fn int_list(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<isize>> {
    let items: Vec<Bound<'_, PyAny>> =
        if obj.is_instance_of::<PyTuple>() || obj.is_instance_of::<PyList>() { obj.try_iter()?.collect::<PyResult<_>>()? } else { vec![obj.clone()] };
    items
        .iter()
        .map(|i| {
            if i.is_instance_of::<PyBool>() {
                return Err(type_error(format!("{what}: expected ints, not bool")));
            }
            let v = i.call_method0("__index__").map_err(|_| type_error(format!("{what}: expected ints, got {}", type_name(i))))?;
            v.extract::<isize>().map_err(|_| value_error(format!("{what}: {v} is too large")))
        })
        .collect()
}

#[pyfunction]
#[pyo3(signature = (arrays, /, *, axis = Some(0)), text_signature = "(arrays, /, *, axis=0)")]
pub fn concat(arrays: &Bound<'_, PyAny>, axis: Option<isize>) -> PyResult<PyArray> {
    let v = array_seq(arrays, "concat")?;
    let axis = match axis {
        Some(a) => {
            if v[0].ndim() == 0 {
                return Err(value_error("concat: zero-dimensional arrays cannot be concatenated"));
            }
            Some(normalize(arrays.py(), a, v[0].ndim(), "concat")? as isize)
        }
        None => None,
    };
    let refs: Vec<&Array> = v.iter().collect();
    Ok(PyArray::new(guard(|| lazyxp::concat(&refs, axis))?))
}

#[pyfunction]
#[pyo3(signature = (arrays, /, *, axis = 0))]
pub fn stack(arrays: &Bound<'_, PyAny>, axis: isize) -> PyResult<PyArray> {
    let v = array_seq(arrays, "stack")?;
    let ax = normalize(arrays.py(), axis, v[0].ndim() + 1, "stack")?;
    let refs: Vec<&Array> = v.iter().collect();
    Ok(PyArray::new(guard(|| lazyxp::stack(&refs, ax as isize))?))
}

#[pyfunction]
#[pyo3(signature = (x, /, *, axis = 0))]
pub fn unstack<'py>(x: &Bound<'py, PyAny>, axis: isize) -> PyResult<Bound<'py, PyTuple>> {
    let a = array_arg(x, "unstack")?;
    if a.ndim() == 0 {
        return Err(value_error("unstack: the array must have at least one dimension"));
    }
    let ax = normalize(x.py(), axis, a.ndim(), "unstack")?;
    let parts = guard(|| lazyxp::unstack(&a, ax as isize))?;
    PyTuple::new(x.py(), parts.into_iter().map(PyArray::new))
}

#[pyfunction]
#[pyo3(signature = (x, /, shift, *, axis = None))]
pub fn roll(x: &Bound<'_, PyAny>, shift: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    let a = array_arg(x, "roll")?;
    let shifts = int_list(shift, "roll")?;
    let axes = match axis {
        Some(ax) if !ax.is_none() => {
            let raw = int_list(ax, "roll")?;
            Some(raw.iter().map(|&r| normalize(x.py(), r, a.ndim(), "roll").map(|v| v as isize)).collect::<PyResult<Vec<_>>>()?)
        }
        _ => None,
    };
    if axes.is_none() && shifts.len() != 1 {
        return Err(value_error("roll: a tuple of shifts needs a tuple of axes"));
    }
    if let Some(ax) = &axes {
        if ax.len() != shifts.len() && shifts.len() != 1 && ax.len() != 1 {
            return Err(value_error(format!("roll: {} shifts for {} axes", shifts.len(), ax.len())));
        }
    }
    Ok(PyArray::new(guard(|| lazyxp::roll(&a, &shifts, axes.as_deref()))?))
}

/// `prepend`/`append` of diff: an array, or a Python scalar broadcast to
/// `x`'s shape with length 1 along the axis (NumPy).
fn diff_edge(obj: Option<&Bound<'_, PyAny>>, x: &Array, axis: usize) -> PyResult<Option<Array>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(None) };
    let mut shape = x.shape().to_vec();
    shape[axis] = 1;
    match operand(obj)? {
        Operand::Array(a) if a.ndim() == x.ndim() => Ok(Some(a)),
        Operand::Array(a) => Ok(Some(guard(|| lazyxp::broadcast_to(&a, &shape))?)),
        Operand::Num(n) => {
            let s = scalar_for(n, x)?;
            Ok(Some(guard(|| lazyxp::broadcast_to(&s, &shape))?))
        }
        Operand::Other => Err(type_error(format!("diff: prepend/append must be arrays or scalars, got {}", type_name(obj)))),
    }
}

#[pyfunction]
#[pyo3(signature = (x, /, *, axis = -1, n = 1, prepend = None, append = None), text_signature = "(x, /, *, axis=-1, n=1, prepend=None, append=None)")]
pub fn diff(
    x: &Bound<'_, PyAny>,
    axis: isize,
    n: i64,
    prepend: Option<&Bound<'_, PyAny>>,
    append: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyArray> {
    let a = array_arg(x, "diff")?;
    if a.ndim() == 0 {
        return Err(value_error("diff: the array must have at least one dimension"));
    }
    if n < 0 {
        return Err(value_error(format!("diff: order n must be non-negative, got {n}")));
    }
    let ax = normalize(x.py(), axis, a.ndim(), "diff")?;
    let (p, q) = (diff_edge(prepend, &a, ax)?, diff_edge(append, &a, ax)?);
    Ok(PyArray::new(guard(|| lazyxp::diff(&a, ax as isize, n as usize, p.as_ref(), q.as_ref()))?))
}

#[pyfunction]
#[pyo3(signature = (x, repetitions, /))]
pub fn tile(x: &Bound<'_, PyAny>, repetitions: &Bound<'_, PyAny>) -> PyResult<PyArray> {
    let a = array_arg(x, "tile")?;
    let reps = int_list(repetitions, "tile")?;
    if let Some(r) = reps.iter().find(|&&r| r < 0) {
        return Err(value_error(format!("tile: negative repetition {r}")));
    }
    let reps: Vec<usize> = reps.into_iter().map(|r| r as usize).collect();
    Ok(PyArray::new(guard(|| lazyxp::tile(&a, &reps))?))
}

/// `repeat(x, repeats, /, *, axis=None)`: an int, or an integer array of
/// counts (evaluated: the result's length depends on them).
#[pyfunction]
#[pyo3(signature = (x, repeats, /, *, axis = None))]
pub fn repeat(py: Python<'_>, x: &Bound<'_, PyAny>, repeats: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    let a = array_arg(x, "repeat")?;
    let ax = opt_axis(axis, "repeat")?;
    if let Some(v) = ax {
        normalize(py, v, a.ndim(), "repeat")?;
    }
    if let Ok(r) = repeats.cast::<PyArray>() {
        let r = r.borrow().inner.clone();
        return Ok(PyArray::new(py.detach(|| guard(|| lazyxp::repeat_counts(&a, &r, ax)))?));
    }
    let r = int_list(repeats, "repeat")?;
    if r.len() != 1 {
        return Err(type_error("repeat: repeats must be an int or an integer array"));
    }
    if r[0] < 0 {
        return Err(value_error(format!("repeat: negative count {}", r[0])));
    }
    Ok(PyArray::new(guard(|| lazyxp::repeat(&a, r[0] as usize, ax))?))
}

#[pyfunction]
#[pyo3(signature = (*arrays, indexing = "xy"))]
pub fn meshgrid(arrays: &Bound<'_, PyTuple>, indexing: &str) -> PyResult<Vec<PyArray>> {
    let xy = match indexing {
        "xy" => true,
        "ij" => false,
        other => return Err(value_error(format!("meshgrid: indexing must be 'xy' or 'ij', got {other:?}"))),
    };
    let v: Vec<Array> = arrays.iter().map(|a| array_arg(&a, "meshgrid")).collect::<PyResult<_>>()?;
    if let Some(w) = v.windows(2).find(|w| w[0].dtype() != w[1].dtype()) {
        return Err(type_error(format!("meshgrid: all arrays must have one dtype, got {} and {}", w[0].dtype(), w[1].dtype())));
    }
    let refs: Vec<&Array> = v.iter().collect();
    Ok(guard(|| lazyxp::meshgrid(&refs, xy))?.into_iter().map(PyArray::new).collect())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(concat, m)?)?;
    m.add_function(wrap_pyfunction!(stack, m)?)?;
    m.add_function(wrap_pyfunction!(unstack, m)?)?;
    m.add_function(wrap_pyfunction!(roll, m)?)?;
    m.add_function(wrap_pyfunction!(diff, m)?)?;
    m.add_function(wrap_pyfunction!(tile, m)?)?;
    m.add_function(wrap_pyfunction!(repeat, m)?)?;
    m.add_function(wrap_pyfunction!(meshgrid, m)?)?;
    Ok(())
}
