//! Reading Python data into arrays for `asarray`: buffer-protocol objects
//! (NumPy arrays, `array.array`, memoryviews; any strides), nested
//! lists/tuples of Python scalars, and objects with `__array__`.

use crate::array::PyArray;
use crate::errors::{type_error, value_error};
use crate::host::{from_scalars, from_strided, to_scalars};
use crate::operand::{default_dtype, num_to_scalar, py_num, PyNum};
use lazyxp::{Array, DType, Scalar};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyString, PyTuple};
use std::ffi::CStr;

/// The dtype of a struct-module format string with its item size, or None
/// for formats lazyxp has no dtype for (float16, structs, big-endian...).
fn dtype_of_format(format: &str, itemsize: usize) -> Option<DType> {
    let f = format.trim_start_matches(['@', '=', '<']);
    if f.starts_with(['>', '!']) {
        return None;
    }
    let int = |signed: bool| -> Option<DType> {
        Some(match (signed, itemsize) {
            (true, 1) => DType::Int8,
            (true, 2) => DType::Int16,
            (true, 4) => DType::Int32,
            (true, 8) => DType::Int64,
            (false, 1) => DType::UInt8,
            (false, 2) => DType::UInt16,
            (false, 4) => DType::UInt32,
            (false, 8) => DType::UInt64,
            _ => return None,
        })
    };
    match f {
        "?" if itemsize == 1 => Some(DType::Bool),
        "b" | "h" | "i" | "l" | "q" | "n" => int(true),
        "B" | "H" | "I" | "L" | "Q" | "N" => int(false),
        "f" if itemsize == 4 => Some(DType::Float32),
        "d" if itemsize == 8 => Some(DType::Float64),
        "Zf" if itemsize == 8 => Some(DType::Complex64),
        "Zd" if itemsize == 16 => Some(DType::Complex128),
        _ => None,
    }
}

/// An object's memory through the buffer protocol, held until dropped.
struct View {
    /// Boxed, and filled where it stays: an exporter may point the view's
    /// own fields at each other (`array.array` points `strides` at
    /// `itemsize`), so a moved `Py_buffer` can dangle.
    view: Box<ffi::Py_buffer>,
    dtype: DType,
    shape: Vec<usize>,
}

impl Drop for View {
    fn drop(&mut self) {
        // SAFETY: the view was filled by a successful PyObject_GetBuffer.
        unsafe { ffi::PyBuffer_Release(&mut *self.view) }
    }
}

impl View {
    /// The object's buffer with its dtype and shape; `None` for an object
    /// without the protocol.
    fn of(obj: &Bound<'_, PyAny>) -> PyResult<Option<View>> {
        // SAFETY: PyObject_CheckBuffer only inspects the type.
        if unsafe { ffi::PyObject_CheckBuffer(obj.as_ptr()) } == 0 {
            return Ok(None);
        }
        // SAFETY: an all-zero Py_buffer is a valid empty one.
        let mut view: Box<ffi::Py_buffer> = Box::new(unsafe { std::mem::zeroed() });
        // SAFETY: `view` is ours; on success `View` releases it.
        if unsafe { ffi::PyObject_GetBuffer(obj.as_ptr(), &mut *view, ffi::PyBUF_RECORDS_RO) } != 0 {
            return Err(PyErr::fetch(obj.py()));
        }
        let mut held = View { view, dtype: DType::UInt8, shape: Vec::new() };
        let v = &held.view;
        let itemsize = v.itemsize as usize;
        let format = if v.format.is_null() {
            "B".to_string()
        } else {
            // SAFETY: a non-null format is a NUL-terminated C string.
            unsafe { CStr::from_ptr(v.format) }.to_string_lossy().into_owned()
        };
        held.dtype = dtype_of_format(&format, itemsize).ok_or_else(|| {
            type_error(format!("lazyxp has no dtype for buffer format {format:?} (item size {itemsize})"))
        })?;
        debug_assert_eq!(itemsize, held.dtype.size(), "formats map to dtypes of their item size");
        let ndim = v.ndim as usize;
        held.shape = if ndim == 0 {
            Vec::new()
        } else if v.shape.is_null() {
            vec![v.len as usize / itemsize.max(1)]
        } else {
            // SAFETY: shape has ndim entries.
            unsafe { std::slice::from_raw_parts(v.shape, ndim) }.iter().map(|&d| d as usize).collect()
        };
        Ok(Some(held))
    }
}

/// A copy of the data of an object with the buffer protocol, as a realized
/// array of its dtype and shape (whatever the exporter's strides); `None`
/// for an object without the protocol.
pub fn read_buffer(obj: &Bound<'_, PyAny>) -> PyResult<Option<Array>> {
    let Some(held) = View::of(obj)? else { return Ok(None) };
    let v = &held.view;
    // No strides: the exporter's memory is row-major.
    // SAFETY: else strides has ndim entries.
    let strides = (!v.strides.is_null() && !held.shape.is_empty()).then(|| unsafe { std::slice::from_raw_parts(v.strides, held.shape.len()) });
    // SAFETY: the exporter guarantees every in-range index lies in its
    // memory, which `held` keeps until the copy is done.
    unsafe { from_strided(v.buf as *const u8, held.dtype, &held.shape, strides) }.map(Some)
}

/// The value of a 0-d buffer (a NumPy scalar), read in place; `None` for
/// anything else.
fn read_buffer_scalar(obj: &Bound<'_, PyAny>) -> PyResult<Option<Scalar>> {
    let Some(held) = View::of(obj)? else { return Ok(None) };
    if !held.shape.is_empty() {
        return Ok(None);
    }
    // SAFETY: a 0-d buffer holds one element of its item size.
    let bytes = unsafe { std::slice::from_raw_parts(held.view.buf as *const u8, held.dtype.size()) };
    // Bools as NumPy reads them: any nonzero byte is true.
    Ok(Some(if held.dtype == DType::Bool { Scalar::Bool(bytes[0] != 0) } else { Scalar::read(held.dtype, bytes) }))
}

/// One leaf of a nested sequence.
enum Leaf {
    Num(PyNum),
    /// A typed value (from a lazyxp array or a NumPy scalar).
    Typed(Scalar),
}

fn is_sequence(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>()
}

/// Walks nested lists/tuples, fixing the shape from the first path and
/// checking every other path against it (ragged input is a ValueError).
fn walk(obj: &Bound<'_, PyAny>, depth: usize, shape: &mut Vec<usize>, out: &mut Vec<Leaf>) -> PyResult<()> {
    if is_sequence(obj) {
        let len = obj.len()?;
        if depth == shape.len() && out.is_empty() {
            shape.push(len);
        } else if depth >= shape.len() || shape[depth] != len {
            return Err(value_error("asarray: the nested sequence is ragged (its elements have different shapes)"));
        }
        for item in obj.try_iter()? {
            walk(&item?, depth + 1, shape, out)?;
        }
        return Ok(());
    }
    let fixed_rank = !out.is_empty() || shape.len() > depth;
    if let Ok(a) = obj.cast::<PyArray>() {
        let a = a.borrow().inner.clone();
        let sub = a.shape().to_vec();
        if fixed_rank {
            if shape.len() != depth + sub.len() || shape[depth..] != sub[..] {
                return Err(value_error("asarray: the nested sequence is ragged (its elements have different shapes)"));
            }
        } else {
            shape.extend_from_slice(&sub);
        }
        let values = obj.py().detach(|| crate::errors::guard(|| to_scalars(&a)))?;
        out.extend(values.into_iter().map(Leaf::Typed));
        return Ok(());
    }
    if fixed_rank && shape.len() != depth {
        return Err(value_error("asarray: the nested sequence is ragged (its elements have different shapes)"));
    }
    if let Some(n) = py_num(obj)? {
        out.push(Leaf::Num(n));
        return Ok(());
    }
    // NumPy scalars and other number-likes.
    if let Ok(Some(s)) = read_buffer_scalar(obj) {
        out.push(Leaf::Typed(s));
        return Ok(());
    }
    Err(type_error(format!(
        "asarray: cannot convert an element of type {} to a lazyxp array element",
        crate::operand::type_name(obj)
    )))
}

/// The dtype NumPy infers for the leaves: bool < int64 < float64 < complex,
/// typed leaves promoting with each other.
fn infer_dtype(leaves: &[Leaf]) -> PyResult<DType> {
    let mut dt: Option<DType> = None;
    let mut has_int = false;
    let mut has_float = false;
    let mut has_complex = false;
    for l in leaves {
        match l {
            Leaf::Typed(s) => {
                dt = Some(match dt {
                    None => s.dtype(),
                    Some(d) => lazyxp::result_type(d, s.dtype()).map_err(crate::errors::to_py)?,
                })
            }
            Leaf::Num(PyNum::Bool(_)) => {}
            Leaf::Num(PyNum::Int(_)) => has_int = true,
            Leaf::Num(PyNum::Float(_)) => has_float = true,
            Leaf::Num(PyNum::Complex(..)) => has_complex = true,
        }
    }
    // NumPy: an int beyond int64 is a uint64, the others int64; the two
    // together promote to float64.
    let big = leaves.iter().any(|l| matches!(l, Leaf::Num(PyNum::Int(v)) if *v > i64::MAX as i128));
    let small = leaves.iter().any(|l| matches!(l, Leaf::Num(PyNum::Int(v)) if *v <= i64::MAX as i128));
    let scalar_dt = if has_complex {
        DType::Complex128
    } else if has_float || (big && small) {
        DType::Float64
    } else if big {
        DType::UInt64
    } else if has_int {
        DType::Int64
    } else {
        DType::Bool
    };
    let any_scalar = leaves.iter().any(|l| matches!(l, Leaf::Num(_)));
    Ok(match (dt, any_scalar) {
        (None, _) => scalar_dt,
        (Some(d), false) => d,
        (Some(d), true) => lazyxp::result_type(d, scalar_dt).map_err(crate::errors::to_py)?,
    })
}

/// Strings and bytes: they export buffers, but are text, not numbers.
pub fn is_text(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyByteArray>()
}

/// `asarray` of a Python object that is not a lazyxp array.
pub fn from_python(obj: &Bound<'_, PyAny>, dtype: Option<DType>) -> PyResult<Array> {
    if is_text(obj) {
        return Err(type_error("asarray: strings and bytes are not array data"));
    }
    if let Some(n) = py_num(obj)? {
        let dt = dtype.unwrap_or_else(|| default_dtype(n));
        let s = num_to_scalar(n, dt)?;
        return from_scalars(&[s], dt, &[]);
    }
    if let Some(a) = read_buffer(obj)? {
        return match dtype {
            Some(t) if t != a.dtype() => crate::errors::guard(|| lazyxp::astype(&a, t)),
            _ => Ok(a),
        };
    }
    if !is_sequence(obj) {
        if let Ok(arr) = obj.call_method0("__array__") {
            return from_python(&arr, dtype);
        }
        if obj.hasattr("__dlpack__")? {
            let a = crate::dlpack::from_dlpack(obj, None, None)?.inner;
            return match dtype {
                Some(t) if t != a.dtype() => crate::errors::guard(|| lazyxp::astype(&a, t)),
                _ => Ok(a),
            };
        }
        return Err(type_error(format!("asarray: cannot convert {} to a lazyxp array", crate::operand::type_name(obj))));
    }
    let mut shape = Vec::new();
    let mut leaves = Vec::new();
    walk(obj, 0, &mut shape, &mut leaves)?;
    let dt = match dtype {
        Some(d) => d,
        None => infer_dtype(&leaves)?,
    };
    let values: Vec<Scalar> = leaves
        .into_iter()
        .map(|l| match l {
            Leaf::Num(n) => num_to_scalar(n, dt),
            Leaf::Typed(s) => Ok(s.cast(dt)),
        })
        .collect::<PyResult<_>>()?;
    from_scalars(&values, dt, &shape)
}
