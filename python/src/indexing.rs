//! `x[...]`, `x[...] = v`, iteration, `.T` and `.mT`.
//!
//! Basic indexing (integers, slices with any step, `...`, `None`) is a view
//! in the graph (`lazyxp::index`). The key is checked here first so each
//! mistake raises NumPy's exception: IndexError for out-of-bounds integers,
//! too many indices, several ellipses and keys of the wrong kind;
//! ValueError for a zero slice step. A 0-d integer array index is an
//! integer (it is evaluated).
//!
//! The standard's array indices: a boolean array as the sole index
//! (`lazyxp::mask_index`, which evaluates the mask), and integer arrays
//! with integers (broadcast together), which the standard (2024.12)
//! requires; next to slices, ellipsis and None, where it is silent,
//! NumPy's advanced indexing (`lazyxp::index_arrays`: a view, then one
//! gather). An index array value out of range raises IndexError when the
//! gather runs; an integer out of range, index arrays that do not
//! broadcast and too many indices raise it at once.
//!
//! `x[key] = v` is a functional update: `x` is rebound to a new graph
//! node (a copy with the selection replaced); other handles on the old
//! value are unaffected. Keys: basic indices, a boolean mask, and integer
//! arrays as above (`lazyxp::set_index_arrays`; with repeated positions
//! the last value wins, as NumPy's assignment).

use crate::array::{item, PyArray};
use crate::errors::{guard, value_error};
use crate::operand::{operand, scalar_for, type_name, Operand};
use lazyxp::{Array, Index};
use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyIterator, PyList, PySlice, PyTuple};

fn index_error(msg: impl Into<String>) -> PyErr {
    PyIndexError::new_err(msg.into())
}

/// A slice bound or step as an isize, clamped far outside any dimension
/// (so `x[:10**30]` means "to the end", as in Python).
fn slice_part(v: &Bound<'_, PyAny>) -> PyResult<Option<isize>> {
    if v.is_none() {
        return Ok(None);
    }
    let i = v
        .call_method0("__index__")
        .map_err(|_| PyTypeError::new_err(format!("slice indices must be integers or None, got {}", type_name(v))))?;
    Ok(Some(match i.extract::<i64>() {
        Ok(n) => n.clamp(-(1 << 62), 1 << 62) as isize,
        Err(_) => {
            if i.gt(0)? { 1 << 62 } else { -(1 << 62) }
        }
    }))
}

/// A Python int as an index (anything beyond i64 is out of bounds).
fn int_index(i: &Bound<'_, PyAny>) -> isize {
    match i.extract::<i64>() {
        Ok(n) => n.clamp(-(1 << 62), 1 << 62) as isize,
        Err(_) => {
            if i.gt(0).unwrap_or(false) { 1 << 62 } else { -(1 << 62) }
        }
    }
}

fn unsupported_array(kind: &str) -> PyErr {
    index_error(format!(
        "lazyxp does not support {kind} indices yet; basic indices (integers, slices, `...`, None) work"
    ))
}

fn parse_item(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Index> {
    if obj.is_none() {
        return Ok(Index::NewAxis);
    }
    if obj.is(&py.Ellipsis()) {
        return Ok(Index::Ellipsis);
    }
    if let Ok(s) = obj.cast::<PySlice>() {
        let step = slice_part(&s.getattr("step")?)?;
        if step == Some(0) {
            return Err(value_error("slice step cannot be zero"));
        }
        return Ok(Index::Slice { start: slice_part(&s.getattr("start")?)?, stop: slice_part(&s.getattr("stop")?)?, step });
    }
    if obj.is_instance_of::<PyBool>() {
        return Err(unsupported_array("boolean (mask)"));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(Index::Int(int_index(obj)));
    }
    if let Ok(a) = obj.cast::<PyArray>() {
        let a = a.borrow().inner.clone();
        let dt = a.dtype();
        if dt.is_bool() {
            return Err(unsupported_array("boolean array (mask)"));
        }
        if !dt.is_int() {
            return Err(index_error(format!("arrays used as indices must be of integer or boolean dtype, not {dt}")));
        }
        if a.ndim() != 0 {
            return Err(unsupported_array("integer array"));
        }
        let v = item(py, &a, "__getitem__")?;
        let v = crate::array::scalar_to_py(py, v)?;
        return Ok(Index::Int(int_index(&v)));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        return Err(unsupported_array("sequence (integer or boolean array)"));
    }
    // NumPy integers and other objects with __index__; NumPy's bool_ has
    // none, and its arrays have one only when 0-d.
    if obj.hasattr("__index__")? {
        if let Ok(i) = obj.call_method0("__index__") {
            return Ok(Index::Int(int_index(&i)));
        }
        if obj.hasattr("ndim")? {
            return Err(unsupported_array("integer or boolean array"));
        }
    }
    Err(index_error(format!(
        "only integers, slices (`:`), ellipsis (`...`) and None (`newaxis`) are valid indices, not {}",
        type_name(obj)
    )))
}

/// The key as frontend indices, checked against `shape`.
pub fn parse_key(py: Python<'_>, key: &Bound<'_, PyAny>, shape: &[usize]) -> PyResult<Vec<Index>> {
    let items: Vec<Index> = if let Ok(t) = key.cast::<PyTuple>() {
        t.iter().map(|k| parse_item(py, &k)).collect::<PyResult<_>>()?
    } else {
        vec![parse_item(py, key)?]
    };
    let n = shape.len();
    let ellipses = items.iter().filter(|i| matches!(i, Index::Ellipsis)).count();
    if ellipses > 1 {
        return Err(index_error("an index can only have a single ellipsis ('...')"));
    }
    let consuming = items.iter().filter(|i| matches!(i, Index::Int(_) | Index::Slice { .. })).count();
    if consuming > n {
        return Err(index_error(format!(
            "too many indices for array: array is {n}-dimensional, but {consuming} were indexed"
        )));
    }
    // Integer bounds, axis by axis (an ellipsis stands for the axes the
    // other entries leave over).
    let mut axis = 0;
    for i in &items {
        match *i {
            Index::Ellipsis => axis += n - consuming,
            Index::NewAxis => {}
            Index::Slice { .. } => axis += 1,
            Index::Int(v) => {
                let len = shape[axis] as isize;
                if v < -len || v >= len {
                    return Err(index_error(format!("index {v} is out of bounds for axis {axis} with size {len}")));
                }
                axis += 1;
            }
        }
    }
    Ok(items)
}

/// A key holding array indices: a sole boolean mask, or integer arrays
/// mixed with integers, slices, ellipsis and None (NumPy's advanced
/// indexing; checked and resolved by `lazyxp::index_arrays`).
enum ArrayKey {
    Mask(Array),
    Ints(Vec<lazyxp::ArrayIndex>),
}

/// An array in the key other than a 0-d integer array (which is an int).
fn index_array(obj: &Bound<'_, PyAny>) -> Option<Array> {
    let a = obj.cast::<PyArray>().ok()?.borrow().inner.clone();
    (a.dtype().is_bool() || (a.dtype().is_int() && a.ndim() > 0)).then_some(a)
}

fn array_key(py: Python<'_>, key: &Bound<'_, PyAny>, shape: &[usize]) -> PyResult<Option<ArrayKey>> {
    let items: Vec<Bound<'_, PyAny>> = match key.cast::<PyTuple>() {
        Ok(t) => t.iter().collect(),
        Err(_) => vec![key.clone()],
    };
    let arrays: Vec<Option<Array>> = items.iter().map(index_array).collect();
    if arrays.iter().all(|a| a.is_none()) {
        return Ok(None);
    }
    if let Some(m) = arrays.iter().flatten().find(|a| a.dtype().is_bool()) {
        if items.len() != 1 {
            return Err(index_error("a boolean array index must be the sole index (the standard's boolean indexing)"));
        }
        if !lazyxp::mask_fits(m.shape(), shape) {
            return Err(index_error(format!("boolean index of shape {:?} does not match array of shape {shape:?}", m.shape())));
        }
        return Ok(Some(ArrayKey::Mask(m.clone())));
    }
    let out = items
        .iter()
        .zip(arrays)
        .map(|(item, arr)| match arr {
            Some(a) => Ok(lazyxp::ArrayIndex::Ints(a)),
            None => parse_item(py, item).map(lazyxp::ArrayIndex::Basic),
        })
        .collect::<PyResult<_>>()?;
    Ok(Some(ArrayKey::Ints(out)))
}

pub fn get(py: Python<'_>, a: &Array, key: &Bound<'_, PyAny>) -> PyResult<Array> {
    match array_key(py, key, a.shape())? {
        Some(ArrayKey::Mask(m)) => py.detach(|| guard(|| lazyxp::mask_index(a, &m))),
        Some(ArrayKey::Ints(k)) => guard(|| lazyxp::index_arrays(a, &k)),
        None => {
            let idx = parse_key(py, key, a.shape())?;
            guard(|| lazyxp::index(a, &idx))
        }
    }
}

/// `x[key] = value` as a new array (the caller rebinds).
pub fn set(py: Python<'_>, a: &Array, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<Array> {
    let v = match operand(value)? {
        Operand::Array(v) => v,
        Operand::Num(n) => scalar_for(n, a)?,
        Operand::Other => {
            return Err(PyTypeError::new_err(format!("setitem: the value must be an array or a Python scalar, not {}", type_name(value))))
        }
    };
    match array_key(py, key, a.shape())? {
        Some(ArrayKey::Mask(m)) => py.detach(|| guard(|| lazyxp::set_mask(a, &m, &v))),
        Some(ArrayKey::Ints(k)) => guard(|| lazyxp::set_index_arrays(a, &k, &v)),
        None => {
            let idx = parse_key(py, key, a.shape())?;
            guard(|| lazyxp::set_index(a, &idx, &v))
        }
    }
}

#[pymethods]
impl PyArray {
    fn __getitem__(&self, key: &Bound<'_, PyAny>) -> PyResult<PyArray> {
        Ok(PyArray::new(get(key.py(), &self.inner, key)?))
    }

    /// Rebinds this array to a copy with `self[key]` replaced by `value`.
    /// Holds no borrow of the array while the key and value are read: either
    /// may be the array itself (`b[...] = b`, `m[m] = False`).
    fn __setitem__(slf: &Bound<'_, Self>, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let current = slf.borrow().inner.clone();
        let updated = set(key.py(), &current, key, value)?;
        slf.borrow_mut().inner = updated;
        Ok(())
    }

    /// Iterates over the first axis (views, as NumPy); 0-d arrays are not
    /// iterable.
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyIterator>> {
        if self.inner.ndim() == 0 {
            return Err(PyTypeError::new_err("iteration over a 0-d array"));
        }
        let rows = (0..self.inner.shape()[0])
            .map(|i| Ok(PyArray::new(guard(|| lazyxp::index(&self.inner, &[Index::Int(i as isize)]))?)))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, rows)?.try_iter()
    }

    /// Transpose of a matrix; the standard defines `.T` for 2-D arrays only
    /// (`.mT` or `permute_dims` for others).
    #[getter(T)]
    fn transpose(&self) -> PyResult<PyArray> {
        if self.inner.ndim() != 2 {
            return Err(value_error(format!(
                "x.T requires a 2-D array, got shape {:?}; use x.mT for stacks of matrices or permute_dims",
                self.inner.shape()
            )));
        }
        Ok(PyArray::new(guard(|| lazyxp::matrix_transpose(&self.inner))?))
    }

    /// Transpose of the last two axes (a stack of matrices).
    #[getter(mT)]
    fn matrix_t(&self) -> PyResult<PyArray> {
        Ok(PyArray::new(guard(|| lazyxp::matrix_transpose(&self.inner))?))
    }
}
