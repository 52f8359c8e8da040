//! Creation functions of the standard, with its signatures.
//!
//! Filled arrays (`zeros`, `full`, ...) are lazy broadcast constants, as in
//! the Rust frontend. Ranges (`arange`, `linspace`, `eye`) are computed on
//! the host here, in Python's integer or float64 arithmetic, so large int64
//! values stay exact and float values match NumPy's bit for bit.

use crate::array::PyArray;
use crate::dtype::parse_opt;
use crate::errors::{guard, type_error, value_error};
use crate::host::from_scalars;
use crate::import::from_python;
use crate::info::{parse_device, place};
use crate::operand::{array_arg, default_dtype, num_to_scalar, py_num, PyNum};
use lazyxp::{Array, DType, Scalar};
use pyo3::prelude::*;

/// A `shape` argument: an int or a sequence of ints, none negative.
pub fn parse_shape(obj: &Bound<'_, PyAny>) -> PyResult<Vec<usize>> {
    let dims: Vec<i64> = if let Ok(n) = obj.extract::<i64>() {
        vec![n]
    } else if let Ok(v) = obj.extract::<Vec<i64>>() {
        v
    } else {
        return Err(type_error(format!("shape must be an int or a tuple of ints, got {}", crate::operand::type_name(obj))));
    };
    dims.into_iter()
        .map(|d| usize::try_from(d).map_err(|_| value_error(format!("negative dimensions are not allowed: {d}"))))
        .collect()
}

fn num_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<PyNum> {
    if let Ok(a) = obj.cast::<PyArray>() {
        let a = a.borrow().inner.clone();
        if a.ndim() == 0 {
            let s = crate::array::item(obj.py(), &a, what)?;
            return Ok(match s {
                Scalar::Bool(b) => PyNum::Bool(b),
                Scalar::F32(_) | Scalar::F64(_) => PyNum::Float(s.as_f64()),
                Scalar::C64(r, i) => PyNum::Complex(r as f64, i as f64),
                Scalar::C128(r, i) => PyNum::Complex(r, i),
                other => PyNum::Int(other.as_i128().unwrap_or(0)),
            });
        }
    }
    py_num(obj)?.ok_or_else(|| type_error(format!("{what}: expected a Python scalar, got {}", crate::operand::type_name(obj))))
}

fn filled(shape: &[usize], value: Scalar) -> PyResult<Array> {
    guard(|| {
        let c = lazyxp::scalar(value)?;
        lazyxp::broadcast_to(&c, shape)
    })
}

#[pyfunction]
#[pyo3(signature = (obj, /, *, dtype = None, device = None, copy = None))]
pub fn asarray<'py>(
    obj: &Bound<'py, PyAny>,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
    copy: Option<bool>,
) -> PyResult<Bound<'py, PyAny>> {
    let device = parse_device(device)?;
    let dtype = parse_opt(dtype)?;
    let py = obj.py();
    if let Ok(a) = obj.cast::<PyArray>() {
        let inner = a.borrow().inner.clone();
        let moves = device.is_some_and(|d| d != inner.device());
        if moves && copy == Some(false) {
            return Err(value_error(format!("asarray: copy=False, but moving the array from {} needs a copy", inner.device())));
        }
        return match dtype {
            Some(t) if t != inner.dtype() => {
                if copy == Some(false) {
                    return Err(value_error("asarray: copy=False, but converting the dtype needs a copy"));
                }
                let converted = guard(|| lazyxp::astype(&inner, t))?;
                Ok(Bound::new(py, PyArray::new(place(py, converted, device)?))?.into_any())
            }
            // Arrays are immutable, so a copy is a new handle on the same data.
            _ if copy == Some(true) || moves => Ok(Bound::new(py, PyArray::new(place(py, inner, device)?))?.into_any()),
            _ => Ok(obj.clone()),
        };
    }
    if copy == Some(false) {
        return Err(value_error("asarray: copy=False, but lazyxp cannot share memory with a non-lazyxp object"));
    }
    Ok(Bound::new(py, PyArray::new(place(py, from_python(obj, dtype)?, device)?))?.into_any())
}

#[pyfunction]
#[pyo3(signature = (shape, *, dtype = None, device = None))]
pub fn zeros(py: Python<'_>, shape: &Bound<'_, PyAny>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    let device = parse_device(device)?;
    let dt = parse_opt(dtype)?.unwrap_or(DType::Float64);
    Ok(PyArray::new(place(py, filled(&parse_shape(shape)?, Scalar::Bool(false).cast(dt))?, device)?))
}

#[pyfunction]
#[pyo3(signature = (shape, *, dtype = None, device = None))]
pub fn ones(py: Python<'_>, shape: &Bound<'_, PyAny>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    let device = parse_device(device)?;
    let dt = parse_opt(dtype)?.unwrap_or(DType::Float64);
    Ok(PyArray::new(place(py, filled(&parse_shape(shape)?, Scalar::Bool(true).cast(dt))?, device)?))
}

/// Uninitialized memory would be visible garbage; a lazy zero constant
/// costs nothing until used, so `empty` is `zeros`.
#[pyfunction]
#[pyo3(signature = (shape, *, dtype = None, device = None))]
pub fn empty(py: Python<'_>, shape: &Bound<'_, PyAny>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    zeros(py, shape, dtype, device)
}

#[pyfunction]
#[pyo3(signature = (shape, fill_value, *, dtype = None, device = None))]
pub fn full(
    py: Python<'_>,
    shape: &Bound<'_, PyAny>,
    fill_value: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyArray> {
    let device = parse_device(device)?;
    let n = num_arg(fill_value, "full")?;
    let dt = parse_opt(dtype)?.unwrap_or_else(|| default_dtype(n));
    Ok(PyArray::new(place(py, filled(&parse_shape(shape)?, num_to_scalar(n, dt)?)?, device)?))
}

/// Shape, dtype and device of a `*_like` result: the standard's defaults
/// are `x`'s own dtype and device.
fn like(x: &Bound<'_, PyAny>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<(Vec<usize>, DType, lazyxp::Device)> {
    let a = array_arg(x, what)?;
    let device = parse_device(device)?.unwrap_or(a.device());
    Ok((a.shape().to_vec(), parse_opt(dtype)?.unwrap_or(a.dtype()), device))
}

#[pyfunction]
#[pyo3(signature = (x, /, *, dtype = None, device = None))]
pub fn zeros_like(py: Python<'_>, x: &Bound<'_, PyAny>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    let (shape, dt, device) = like(x, dtype, device, "zeros_like")?;
    Ok(PyArray::new(place(py, filled(&shape, Scalar::Bool(false).cast(dt))?, Some(device))?))
}

#[pyfunction]
#[pyo3(signature = (x, /, *, dtype = None, device = None))]
pub fn ones_like(py: Python<'_>, x: &Bound<'_, PyAny>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    let (shape, dt, device) = like(x, dtype, device, "ones_like")?;
    Ok(PyArray::new(place(py, filled(&shape, Scalar::Bool(true).cast(dt))?, Some(device))?))
}

#[pyfunction]
#[pyo3(signature = (x, /, *, dtype = None, device = None))]
pub fn empty_like(py: Python<'_>, x: &Bound<'_, PyAny>, dtype: Option<&Bound<'_, PyAny>>, device: Option<&Bound<'_, PyAny>>) -> PyResult<PyArray> {
    zeros_like(py, x, dtype, device)
}

#[pyfunction]
#[pyo3(signature = (x, /, fill_value, *, dtype = None, device = None))]
pub fn full_like(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    fill_value: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyArray> {
    let (shape, dt, device) = like(x, dtype, device, "full_like")?;
    let n = num_arg(fill_value, "full_like")?;
    Ok(PyArray::new(place(py, filled(&shape, num_to_scalar(n, dt)?)?, Some(device))?))
}

/// Element counts above this are refused before any host allocation.
const MAX_HOST_ELEMENTS: u128 = (isize::MAX as u128) / 16;

fn reserve<T>(n: usize) -> PyResult<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| pyo3::exceptions::PyMemoryError::new_err(format!("cannot allocate {n} elements")))?;
    Ok(v)
}

#[pyfunction]
#[pyo3(signature = (start, /, stop = None, step = None, *, dtype = None, device = None))]
pub fn arange(
    py: Python<'_>,
    start: &Bound<'_, PyAny>,
    stop: Option<&Bound<'_, PyAny>>,
    step: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyArray> {
    let device = parse_device(device)?;
    let dtype = parse_opt(dtype)?;
    let a = num_arg(start, "arange")?;
    let b = match stop.filter(|s| !s.is_none()) {
        Some(s) => Some(num_arg(s, "arange")?),
        None => None,
    };
    let step = match step.filter(|s| !s.is_none()) {
        Some(s) => num_arg(s, "arange")?,
        None => PyNum::Int(1),
    };
    let (start, stop) = match b {
        Some(b) => (a, b),
        None => (PyNum::Int(0), a),
    };
    let as_int = |n: PyNum| match n {
        PyNum::Int(v) => Some(v),
        PyNum::Bool(b) => Some(b as i128),
        _ => None,
    };
    let as_float = |n: PyNum| -> PyResult<f64> {
        match n {
            PyNum::Int(v) => Ok(v as f64),
            PyNum::Bool(b) => Ok(b as u8 as f64),
            PyNum::Float(f) => Ok(f),
            PyNum::Complex(..) => Err(type_error("arange does not take complex arguments")),
        }
    };
    let all_int = as_int(start).is_some() && as_int(stop).is_some() && as_int(step).is_some();
    if all_int && dtype.is_none_or(|d| d.is_int()) {
        let (s, e, d) = (as_int(start).unwrap(), as_int(stop).unwrap(), as_int(step).unwrap());
        if d == 0 {
            return Err(value_error("arange: step must not be zero"));
        }
        let n = if (d > 0 && e > s) || (d < 0 && e < s) { ((e - s).abs() + d.abs() - 1) / d.abs() } else { 0 };
        if n as u128 > MAX_HOST_ELEMENTS {
            return Err(value_error(format!("arange: {n} elements is too many")));
        }
        let dt = dtype.unwrap_or(DType::Int64);
        let mut values = reserve(n as usize)?;
        for i in 0..n {
            values.push(num_to_scalar(PyNum::Int(s + i * d), dt)?);
        }
        return Ok(PyArray::new(place(py, from_scalars(&values, dt, &[n as usize])?, device)?));
    }
    let (s, e, d) = (as_float(start)?, as_float(stop)?, as_float(step)?);
    if d == 0.0 || !d.is_finite() || !s.is_finite() || !e.is_finite() {
        return Err(value_error(format!("arange({s}, {e}, {d}): step must be finite and non-zero, bounds finite")));
    }
    // NumPy's length rule, including its answer when the quotient underflows.
    let (delta, q) = (e - s, (e - s) / d);
    let count = if q == 0.0 && delta != 0.0 {
        if q.is_sign_negative() { 0.0 } else { 1.0 }
    } else {
        q.ceil().max(0.0)
    };
    if count > MAX_HOST_ELEMENTS as f64 {
        return Err(value_error(format!("arange: {count} elements is too many")));
    }
    let n = count as usize;
    let dt = dtype.unwrap_or(DType::Float64);
    // NumPy's fill: the step actually used is (start + step) - start.
    let delta = (s + d) - s;
    let mut values = reserve(n)?;
    for i in 0..n {
        values.push(Scalar::F64(s + i as f64 * delta).cast(dt));
    }
    Ok(PyArray::new(place(py, from_scalars(&values, dt, &[n])?, device)?))
}

#[pyfunction]
#[pyo3(signature = (start, stop, /, num, *, dtype = None, device = None, endpoint = true))]
pub fn linspace(
    py: Python<'_>,
    start: &Bound<'_, PyAny>,
    stop: &Bound<'_, PyAny>,
    num: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    endpoint: bool,
) -> PyResult<PyArray> {
    let device = parse_device(device)?;
    let num: i64 = num.extract().map_err(|_| type_error("linspace: num must be an int"))?;
    let num = usize::try_from(num).map_err(|_| value_error(format!("linspace: num must be non-negative, got {num}")))?;
    if num as u128 > MAX_HOST_ELEMENTS {
        return Err(value_error(format!("linspace: {num} elements is too many")));
    }
    let f = |n: PyNum| -> (f64, f64) {
        match n {
            PyNum::Int(v) => (v as f64, 0.0),
            PyNum::Bool(b) => (b as u8 as f64, 0.0),
            PyNum::Float(f) => (f, 0.0),
            PyNum::Complex(re, im) => (re, im),
        }
    };
    let (start, stop) = (num_arg(start, "linspace")?, num_arg(stop, "linspace")?);
    let any_complex = matches!(start, PyNum::Complex(..)) || matches!(stop, PyNum::Complex(..));
    let (a, b) = (f(start), f(stop));
    let dt = parse_opt(dtype)?.unwrap_or(if any_complex { DType::Complex128 } else { DType::Float64 });
    if !dt.is_float() && !dt.is_complex() {
        return Err(type_error(format!("linspace needs a floating-point dtype, got {dt}")));
    }
    if any_complex && !dt.is_complex() {
        return Err(type_error(format!("linspace: complex endpoints need a complex dtype, got {dt}")));
    }
    // NumPy's arithmetic, part by part (`lazyxp::linspace_values`).
    let part = |a: f64, b: f64| -> PyResult<Vec<f64>> {
        reserve::<f64>(num)?;
        Ok(lazyxp::linspace_values(a, b, num, endpoint))
    };
    let re = part(a.0, b.0)?;
    let scalars: Vec<Scalar> = if dt.is_complex() {
        let im = part(a.1, b.1)?;
        re.into_iter().zip(im).map(|(r, i)| Scalar::C128(r, i).cast(dt)).collect()
    } else {
        re.into_iter().map(|v| Scalar::F64(v).cast(dt)).collect()
    };
    Ok(PyArray::new(place(py, from_scalars(&scalars, dt, &[num])?, device)?))
}

/// A diagonal offset `k`: a Python int of any size (an offset past the
/// matrix selects no element), so one beyond i64 becomes i64's extreme of
/// its sign.
pub struct DiagonalOffset(i64);

impl<'a, 'py> FromPyObject<'a, 'py> for DiagonalOffset {
    type Error = PyErr;

    fn extract(k: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if !k.is_instance_of::<pyo3::types::PyInt>() {
            return Err(type_error(format!("k must be an int, got {}", k.get_type().name()?)));
        }
        Ok(DiagonalOffset(match k.extract::<i64>() {
            Ok(v) => v,
            Err(_) if k.gt(0)? => i64::MAX,
            Err(_) => i64::MIN,
        }))
    }
}

#[pyfunction]
#[pyo3(signature = (n_rows, n_cols = None, /, *, k = DiagonalOffset(0), dtype = None, device = None), text_signature = "(n_rows, n_cols=None, /, *, k=0, dtype=None, device=None)")]
pub fn eye(
    py: Python<'_>,
    n_rows: i64,
    n_cols: Option<i64>,
    k: DiagonalOffset,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyArray> {
    let device = parse_device(device)?;
    let k = k.0;
    let dt = parse_opt(dtype)?.unwrap_or(DType::Float64);
    let rows = usize::try_from(n_rows).map_err(|_| value_error("eye: n_rows must be non-negative"))?;
    let cols = usize::try_from(n_cols.unwrap_or(n_rows)).map_err(|_| value_error("eye: n_cols must be non-negative"))?;
    let n = (rows as u128) * (cols as u128);
    if n > MAX_HOST_ELEMENTS {
        return Err(value_error(format!("eye: {rows}x{cols} is too large")));
    }
    let (zero, one) = (Scalar::Bool(false).cast(dt), Scalar::Bool(true).cast(dt));
    let mut values = reserve(n as usize)?;
    for i in 0..rows as i64 {
        for j in 0..cols as i64 {
            values.push(if j - i == k { one } else { zero });
        }
    }
    Ok(PyArray::new(place(py, from_scalars(&values, dt, &[rows, cols])?, device)?))
}

/// `where(mask, x, 0)` with a host-made mask over the last two axes, so the
/// triangle is a lazy, fused elementwise op (no copy of `x`).
fn triangle(x: &Bound<'_, PyAny>, k: i64, lower: bool, what: &str) -> PyResult<PyArray> {
    let a = array_arg(x, what)?;
    let nd = a.ndim();
    if nd < 2 {
        return Err(value_error(format!("{what} needs an array with at least 2 dimensions, got shape {:?}", a.shape())));
    }
    let (rows, cols) = (a.shape()[nd - 2], a.shape()[nd - 1]);
    let mut mask = reserve(rows * cols)?;
    for i in 0..rows as i64 {
        for j in 0..cols as i64 {
            mask.push(Scalar::Bool(if lower { j - i <= k } else { j - i >= k }));
        }
    }
    let mask = from_scalars(&mask, DType::Bool, &[rows, cols])?;
    let zero = Scalar::Bool(false).cast(a.dtype());
    Ok(PyArray::new(guard(|| lazyxp::where_(&mask, &a, &lazyxp::scalar(zero)?))?))
}

#[pyfunction]
#[pyo3(signature = (x, /, *, k = 0))]
pub fn tril(x: &Bound<'_, PyAny>, k: i64) -> PyResult<PyArray> {
    triangle(x, k, true, "tril")
}

#[pyfunction]
#[pyo3(signature = (x, /, *, k = 0))]
pub fn triu(x: &Bound<'_, PyAny>, k: i64) -> PyResult<PyArray> {
    triangle(x, k, false, "triu")
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(asarray, m)?)?;
    m.add_function(wrap_pyfunction!(zeros, m)?)?;
    m.add_function(wrap_pyfunction!(ones, m)?)?;
    m.add_function(wrap_pyfunction!(empty, m)?)?;
    m.add_function(wrap_pyfunction!(full, m)?)?;
    m.add_function(wrap_pyfunction!(zeros_like, m)?)?;
    m.add_function(wrap_pyfunction!(ones_like, m)?)?;
    m.add_function(wrap_pyfunction!(empty_like, m)?)?;
    m.add_function(wrap_pyfunction!(full_like, m)?)?;
    m.add_function(wrap_pyfunction!(arange, m)?)?;
    m.add_function(wrap_pyfunction!(linspace, m)?)?;
    m.add_function(wrap_pyfunction!(eye, m)?)?;
    m.add_function(wrap_pyfunction!(tril, m)?)?;
    m.add_function(wrap_pyfunction!(triu, m)?)?;
    Ok(())
}
