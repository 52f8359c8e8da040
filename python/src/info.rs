//! Devices and the inspection namespace `__array_namespace_info__()`.

use crate::dtype::{wrap, PyDType};
use crate::errors::value_error;
use lazyxp::DType;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

/// A device. Only the CPU exists today; the CUDA backend will add one.
#[pyclass(module = "lazyxp", name = "Device", frozen, eq, hash, from_py_object)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyDevice {
    name: &'static str,
}

impl PyDevice {
    pub fn cpu() -> Self {
        PyDevice { name: "cpu" }
    }
}

#[pymethods]
impl PyDevice {
    fn __repr__(&self) -> String {
        format!("Device('{}')", self.name)
    }
    fn __str__(&self) -> &'static str {
        self.name
    }
}

/// Checks a `device=` argument: None, a lazyxp device, or the string "cpu".
pub fn parse_device(obj: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    let Some(obj) = obj else { return Ok(()) };
    if obj.is_none() || obj.cast::<PyDevice>().is_ok() {
        return Ok(());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        if s.to_string() == "cpu" {
            return Ok(());
        }
    }
    Err(value_error(format!("lazyxp has no device {}", obj.repr().map(|r| r.to_string()).unwrap_or_default())))
}

/// Dtypes that computations accept: all thirteen of the standard.
pub const SUPPORTED: [DType; 13] = DType::ALL;

/// The object `__array_namespace_info__()` returns.
#[pyclass(module = "lazyxp", name = "Info", frozen)]
pub struct Info;

#[pymethods]
impl Info {
    fn capabilities<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        // Both work: boolean masks, nonzero, unique_* and array repeats
        // evaluate their inputs first (the dumps say so), then build the
        // lazy graph on with the shape they found.
        d.set_item("boolean indexing", true)?;
        d.set_item("data-dependent shapes", true)?;
        d.set_item("max dimensions", py.None())?;
        Ok(d)
    }

    fn default_device(&self) -> PyDevice {
        PyDevice::cpu()
    }

    #[pyo3(signature = (*, device = None))]
    fn default_dtypes<'py>(&self, py: Python<'py>, device: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyDict>> {
        parse_device(device)?;
        let d = PyDict::new(py);
        d.set_item("real floating", wrap(DType::Float64))?;
        d.set_item("complex floating", wrap(DType::Complex128))?;
        d.set_item("integral", wrap(DType::Int64))?;
        d.set_item("indexing", wrap(DType::Int64))?;
        Ok(d)
    }

    #[pyo3(signature = (*, device = None, kind = None))]
    fn dtypes<'py>(&self, py: Python<'py>, device: Option<&Bound<'py, PyAny>>, kind: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyDict>> {
        parse_device(device)?;
        let d = PyDict::new(py);
        for dt in SUPPORTED {
            let obj = Bound::new(py, wrap(dt))?;
            let keep = match kind.filter(|k| !k.is_none()) {
                None => true,
                Some(k) => crate::dtype::isdtype(obj.as_any(), k)?,
            };
            if keep {
                d.set_item(dt.name(), obj)?;
            }
        }
        Ok(d)
    }

    fn devices<'py>(&self, py: Python<'py>) -> PyResult<Vec<PyDevice>> {
        let _ = py;
        Ok(vec![PyDevice::cpu()])
    }
}

#[pyfunction]
pub fn __array_namespace_info__() -> Info {
    Info
}

/// Registers the dtype objects as module attributes.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyDevice>()?;
    m.add_class::<Info>()?;
    m.add_class::<PyDType>()?;
    for dt in DType::ALL {
        m.add(dt.name(), wrap(dt))?;
    }
    m.add_function(wrap_pyfunction!(__array_namespace_info__, m)?)?;
    Ok(())
}
