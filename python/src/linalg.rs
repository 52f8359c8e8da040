//! Linear algebra of the main namespace: matmul, tensordot, vecdot.

use crate::array::PyArray;
use crate::axes::{axis_int, normalize};
use crate::errors::{guard, type_error, value_error};
use crate::operand::{array_arg, type_name};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyList, PyTuple};

#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
pub fn matmul(x1: &Bound<'_, PyAny>, x2: &Bound<'_, PyAny>) -> PyResult<PyArray> {
    let a = array_arg(x1, "matmul")?;
    let b = array_arg(x2, "matmul")?;
    Ok(PyArray::new(guard(|| lazyxp::matmul(&a, &b))?))
}

fn axis_seq(obj: &Bound<'_, PyAny>, ndim: usize) -> PyResult<Vec<isize>> {
    if !(obj.is_instance_of::<PyTuple>() || obj.is_instance_of::<PyList>()) {
        return Err(type_error(format!("tensordot: axes must be an int or a pair of sequences of ints, got {}", type_name(obj))));
    }
    let py = obj.py();
    obj.try_iter()?
        .map(|a| Ok(normalize(py, axis_int(&a?, "tensordot")?, ndim, "tensordot")? as isize))
        .collect()
}

/// `tensordot(x1, x2, /, *, axes=2)`: `axes` a non-negative int (the last
/// `axes` axes of x1 against the first of x2) or a pair of axis sequences.
#[pyfunction]
#[pyo3(signature = (x1, x2, /, *, axes = None), text_signature = "(x1, x2, /, *, axes=2)")]
pub fn tensordot(x1: &Bound<'_, PyAny>, x2: &Bound<'_, PyAny>, axes: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    let a = array_arg(x1, "tensordot")?;
    let b = array_arg(x2, "tensordot")?;
    let axes = match axes {
        Some(v) if !v.is_none() => v.clone(),
        _ => 2i64.into_pyobject(x1.py())?.into_any(),
    };
    if axes.is_instance_of::<PyTuple>() || axes.is_instance_of::<PyList>() {
        let pair: Vec<Bound<'_, PyAny>> = axes.try_iter()?.collect::<PyResult<_>>()?;
        if pair.len() != 2 {
            return Err(value_error(format!("tensordot: axes must be a pair of sequences, got {} items", pair.len())));
        }
        let (sa, sb) = (axis_seq(&pair[0], a.ndim())?, axis_seq(&pair[1], b.ndim())?);
        if sa.len() != sb.len() {
            return Err(value_error(format!("tensordot: axis sequences {sa:?} and {sb:?} have different lengths")));
        }
        for (i, x) in sa.iter().enumerate() {
            if sa[..i].contains(x) {
                return Err(value_error(format!("tensordot: repeated axis {x} for x1")));
            }
        }
        for (i, x) in sb.iter().enumerate() {
            if sb[..i].contains(x) {
                return Err(value_error(format!("tensordot: repeated axis {x} for x2")));
            }
        }
        return Ok(PyArray::new(guard(|| lazyxp::tensordot_axes(&a, &b, &sa, &sb))?));
    }
    if axes.is_instance_of::<PyBool>() {
        return Err(type_error("tensordot: axes must be an int, not bool"));
    }
    let n: i64 = axes
        .call_method0("__index__")
        .and_then(|i| i.extract())
        .map_err(|_| type_error(format!("tensordot: axes must be an int or a pair of sequences of ints, got {}", type_name(&axes))))?;
    if n < 0 {
        return Err(value_error(format!("tensordot: axes must be non-negative, got {n}")));
    }
    if n as usize > a.ndim() || n as usize > b.ndim() {
        return Err(value_error(format!(
            "tensordot: cannot contract {n} axes of arrays of shapes {:?} and {:?}",
            a.shape(),
            b.shape()
        )));
    }
    let r = guard(|| lazyxp::tensordot(&a, &b, n as usize))?;
    Ok(PyArray::new(r))
}

/// `vecdot(x1, x2, /, *, axis=-1)`: dot products along `axis` after
/// broadcasting the other axes; the result has the promoted dtype of the
/// inputs (integers wrap as in that dtype).
#[pyfunction]
#[pyo3(signature = (x1, x2, /, *, axis = -1), text_signature = "(x1, x2, /, *, axis=-1)")]
pub fn vecdot(x1: &Bound<'_, PyAny>, x2: &Bound<'_, PyAny>, axis: isize) -> PyResult<PyArray> {
    let a = array_arg(x1, "vecdot")?;
    let b = array_arg(x2, "vecdot")?;
    let ax = axis;
    let nd = a.ndim().max(b.ndim());
    if a.ndim() == 0 || b.ndim() == 0 {
        return Err(value_error(format!("vecdot needs at least 1-D operands, got shapes {:?} and {:?}", a.shape(), b.shape())));
    }
    normalize(x1.py(), ax, nd, "vecdot")?;
    let r = guard(|| {
        let dt = lazyxp::result_type(a.dtype(), b.dtype())?;
        let r = lazyxp::vecdot(&a, &b, ax)?;
        // The frontend sums integer products in 64 bits; the standard's
        // result dtype is the promoted one.
        if r.dtype() != dt { lazyxp::astype(&r, dt) } else { Ok(r) }
    })?;
    Ok(PyArray::new(r))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(matmul, m)?)?;
    m.add_function(wrap_pyfunction!(tensordot, m)?)?;
    m.add_function(wrap_pyfunction!(vecdot, m)?)?;
    Ok(())
}
