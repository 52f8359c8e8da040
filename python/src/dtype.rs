//! Dtype objects (`xp.float32`, ...) and the standard's data type functions
//! that need no array: `finfo`, `iinfo`, `isdtype`, `can_cast`.

use crate::errors::{type_error, value_error};
use lazyxp::{DType, Kind};
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};

/// A dtype of the namespace. Instances are the module attributes
/// `xp.bool`, `xp.int8`, ..., `xp.complex128`; they compare equal by value
/// and hash, so they work as dict keys (as the standard asks).
#[pyclass(module = "lazyxp", name = "dtype", frozen, eq, hash, from_py_object)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PyDType {
    pub dt: DType,
}

#[pymethods]
impl PyDType {
    /// The standard's name (`"float32"`), also what NumPy calls it.
    #[getter]
    fn name(&self) -> &'static str {
        self.dt.name()
    }
    /// Bytes per element.
    #[getter]
    fn itemsize(&self) -> usize {
        self.dt.size()
    }
    fn __repr__(&self) -> String {
        format!("lazyxp.{}", self.dt.name())
    }
    fn __str__(&self) -> &'static str {
        self.dt.name()
    }
}

/// Reads a dtype argument: one of ours, or (leniently) anything whose name
/// is a dtype name: a string, a NumPy dtype, or NumPy's scalar types.
pub fn parse(obj: &Bound<'_, PyAny>) -> PyResult<DType> {
    if let Ok(d) = obj.cast::<PyDType>() {
        return Ok(d.get().dt);
    }
    let name: Option<String> = if let Ok(s) = obj.cast::<PyString>() {
        Some(s.to_string())
    } else if let Ok(n) = obj.getattr("name") {
        n.extract().ok()
    } else if let Ok(n) = obj.getattr("__name__") {
        n.extract().ok()
    } else {
        None
    };
    name.as_deref()
        .and_then(DType::from_name)
        .ok_or_else(|| type_error(format!("{} is not a lazyxp dtype", obj.repr().map(|r| r.to_string()).unwrap_or_default())))
}

/// `None` or a dtype.
pub fn parse_opt(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<DType>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => parse(o).map(Some),
    }
}

pub fn wrap(dt: DType) -> PyDType {
    PyDType { dt }
}

/// The kinds `isdtype` accepts by name.
fn kind_matches(dt: DType, kind: &str) -> PyResult<bool> {
    Ok(match kind {
        "bool" => dt.is_bool(),
        "signed integer" => dt.is_signed_int(),
        "unsigned integer" => dt.is_unsigned_int(),
        "integral" => dt.is_int(),
        "real floating" => dt.is_float(),
        "complex floating" => dt.is_complex(),
        "numeric" => !dt.is_bool(),
        other => return Err(value_error(format!("isdtype: unknown kind {other:?}"))),
    })
}

/// `isdtype(dtype, kind)`: `kind` is a dtype, a kind name, or a tuple of them.
#[pyfunction]
#[pyo3(signature = (dtype, kind))]
pub fn isdtype(dtype: &Bound<'_, PyAny>, kind: &Bound<'_, PyAny>) -> PyResult<bool> {
    let dt = dtype
        .cast::<PyDType>()
        .map(|d| d.get().dt)
        .map_err(|_| type_error("isdtype: dtype must be a lazyxp dtype"))?;
    if let Ok(t) = kind.cast::<PyTuple>() {
        for k in t.iter() {
            if isdtype(dtype, &k)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    if let Ok(s) = kind.cast::<PyString>() {
        return kind_matches(dt, &s.to_string());
    }
    if let Ok(k) = kind.cast::<PyDType>() {
        return Ok(k.get().dt == dt);
    }
    Err(type_error("isdtype: kind must be a dtype, a kind name or a tuple of them"))
}

/// Whether the standard's promotion table relates the two dtypes (it says
/// nothing about mixing kinds, so neither does `can_cast`).
fn same_family(a: DType, b: DType) -> bool {
    let fam = |d: DType| match d.kind() {
        Kind::Bool => 0,
        Kind::SignedInt | Kind::UnsignedInt => 1,
        Kind::Float | Kind::Complex => 2,
    };
    fam(a) == fam(b) && !(a.is_complex() && b.is_float())
}

/// `can_cast(from_, to, /)`: true when promoting `from_` with `to` gives `to`
/// by the standard's table.
#[pyfunction]
#[pyo3(signature = (from_, to, /))]
pub fn can_cast(from_: &Bound<'_, PyAny>, to: &Bound<'_, PyAny>) -> PyResult<bool> {
    let from = match from_.cast::<crate::array::PyArray>() {
        Ok(a) => a.borrow().inner.dtype(),
        Err(_) => parse(from_)?,
    };
    let to = parse(to)?;
    if from == to {
        return Ok(true);
    }
    if !same_family(from, to) {
        return Ok(false);
    }
    Ok(lazyxp::result_type(from, to).ok() == Some(to))
}

/// Machine limits of a floating-point dtype (`finfo`).
#[pyclass(module = "lazyxp", name = "finfo_object", frozen)]
pub struct FInfo {
    #[pyo3(get)]
    bits: u32,
    #[pyo3(get)]
    eps: f64,
    #[pyo3(get)]
    max: f64,
    #[pyo3(get)]
    min: f64,
    #[pyo3(get)]
    smallest_normal: f64,
    #[pyo3(get)]
    dtype: PyDType,
}

#[pymethods]
impl FInfo {
    fn __repr__(&self) -> String {
        format!(
            "finfo(resolution={}, min={:e}, max={:e}, dtype={})",
            if self.bits == 32 { "1e-06" } else { "1e-15" },
            self.min,
            self.max,
            self.dtype.dt
        )
    }
}

/// Limits of an integer dtype (`iinfo`).
#[pyclass(module = "lazyxp", name = "iinfo_object", frozen)]
pub struct IInfo {
    #[pyo3(get)]
    bits: u32,
    #[pyo3(get)]
    max: i128,
    #[pyo3(get)]
    min: i128,
    #[pyo3(get)]
    dtype: PyDType,
}

#[pymethods]
impl IInfo {
    fn __repr__(&self) -> String {
        format!("iinfo(min={}, max={}, dtype={})", self.min, self.max, self.dtype.dt)
    }
}

/// The dtype of a dtype-or-array argument.
fn dtype_of(obj: &Bound<'_, PyAny>) -> PyResult<DType> {
    match obj.cast::<crate::array::PyArray>() {
        Ok(a) => Ok(a.borrow().inner.dtype()),
        Err(_) => parse(obj),
    }
}

#[pyfunction]
#[pyo3(signature = (r#type, /))]
pub fn finfo(r#type: &Bound<'_, PyAny>) -> PyResult<FInfo> {
    let dt = dtype_of(r#type)?;
    let real = dt.real_part();
    let info = match real {
        DType::Float32 => FInfo {
            bits: 32,
            eps: f32::EPSILON as f64,
            max: f32::MAX as f64,
            min: f32::MIN as f64,
            smallest_normal: f32::MIN_POSITIVE as f64,
            dtype: wrap(real),
        },
        DType::Float64 => FInfo {
            bits: 64,
            eps: f64::EPSILON,
            max: f64::MAX,
            min: f64::MIN,
            smallest_normal: f64::MIN_POSITIVE,
            dtype: wrap(real),
        },
        _ => return Err(value_error(format!("finfo needs a floating-point dtype, got {dt}"))),
    };
    Ok(info)
}

/// `(min, max)` of an integer dtype.
pub fn int_range(dt: DType) -> Option<(i128, i128)> {
    let bits = dt.size() as u32 * 8;
    if dt.is_signed_int() {
        Some((-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1))
    } else if dt.is_unsigned_int() {
        Some((0, (1i128 << bits) - 1))
    } else {
        None
    }
}

#[pyfunction]
#[pyo3(signature = (r#type, /))]
pub fn iinfo(r#type: &Bound<'_, PyAny>) -> PyResult<IInfo> {
    let dt = dtype_of(r#type)?;
    let (min, max) = int_range(dt).ok_or_else(|| value_error(format!("iinfo needs an integer dtype, got {dt}")))?;
    Ok(IInfo { bits: dt.size() as u32 * 8, max, min, dtype: wrap(dt) })
}
