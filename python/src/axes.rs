//! `axis` arguments (None, an int, or a tuple of ints), checked here so
//! that a bad axis raises the exception NumPy raises, at the call:
//! `lazyxp.AxisError`, a subclass of both ValueError and IndexError like
//! `numpy.exceptions.AxisError` (the standard asks for IndexError in
//! `expand_dims`, NumPy and array_api_strict raise AxisError everywhere).
//! Repeated axes are a ValueError.

use crate::errors::{type_error, value_error};
use crate::operand::type_name;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyList, PyTuple, PyType};

static AXIS_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The `AxisError` class (created once: `type("AxisError", (ValueError, IndexError), ...)`).
pub fn axis_error_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    AXIS_ERROR
        .get_or_try_init(py, || {
            let builtins = py.import("builtins")?;
            let bases = PyTuple::new(py, [builtins.getattr("ValueError")?, builtins.getattr("IndexError")?])?;
            let ns = PyDict::new(py);
            ns.set_item("__module__", "lazyxp")?;
            ns.set_item(
                "__doc__",
                "An axis argument out of range for the array's dimensions. \
                 A ValueError and an IndexError, like numpy.exceptions.AxisError.",
            )?;
            let t = builtins.getattr("type")?.call1(("AxisError", bases, ns))?;
            Ok::<_, PyErr>(t.cast_into::<PyType>()?.unbind())
        })
        .map(|t| t.bind(py))
}

pub fn axis_error(py: Python<'_>, msg: String) -> PyErr {
    match axis_error_type(py) {
        Ok(t) => PyErr::from_type(t.clone(), msg),
        Err(e) => e,
    }
}

/// One axis as a Python int (bools refused: `axis=True` is a mistake).
pub fn axis_int(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<isize> {
    if obj.is_instance_of::<PyBool>() {
        return Err(type_error(format!("{what}: an axis must be an int, not bool")));
    }
    let idx = obj
        .call_method0("__index__")
        .map_err(|_| type_error(format!("{what}: an axis must be an int, got {}", type_name(obj))))?;
    // Ints beyond isize are out of bounds for any array.
    Ok(idx.extract::<isize>().unwrap_or(isize::MIN))
}

/// `axis` normalized against `ndim` dimensions, or AxisError.
pub fn normalize(py: Python<'_>, axis: isize, ndim: usize, what: &str) -> PyResult<usize> {
    let n = ndim as isize;
    if axis == isize::MIN || axis < -n || axis >= n {
        return Err(axis_error(
            py,
            format!("{what}: axis {} is out of bounds for an array of dimension {ndim}", if axis == isize::MIN { "(huge)".to_string() } else { axis.to_string() }),
        ));
    }
    Ok(if axis < 0 { (axis + n) as usize } else { axis as usize })
}

/// An int or a tuple (or list) of ints, each in range and none repeated.
pub fn axes_list(obj: &Bound<'_, PyAny>, ndim: usize, what: &str) -> PyResult<Vec<usize>> {
    let py = obj.py();
    let raw: Vec<isize> = if obj.is_instance_of::<PyTuple>() || obj.is_instance_of::<PyList>() {
        obj.try_iter()?.map(|a| axis_int(&a?, what)).collect::<PyResult<_>>()?
    } else {
        vec![axis_int(obj, what)?]
    };
    let axes: Vec<usize> = raw.iter().map(|&a| normalize(py, a, ndim, what)).collect::<PyResult<_>>()?;
    for (i, a) in axes.iter().enumerate() {
        if axes[..i].contains(a) {
            return Err(value_error(format!("{what}: repeated axis {a} in {raw:?}")));
        }
    }
    Ok(axes)
}

/// `axis=None` (all axes: returned as None) or [`axes_list`], as the
/// non-negative isize list the frontend takes.
pub fn opt_axes(axis: Option<&Bound<'_, PyAny>>, ndim: usize, what: &str) -> PyResult<Option<Vec<isize>>> {
    match axis {
        None => Ok(None),
        Some(a) if a.is_none() => Ok(None),
        Some(a) => Ok(Some(axes_list(a, ndim, what)?.into_iter().map(|a| a as isize).collect())),
    }
}
