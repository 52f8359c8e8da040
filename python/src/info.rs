//! Devices and the inspection namespace `__array_namespace_info__()`.

use crate::dtype::{wrap, PyDType};
use crate::errors::{guard, value_error};
use lazyxp::{Array, DType, Device};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

/// A device: `cpu`, or `cuda:N` in a build with the cargo feature `cuda`
/// on a machine with that GPU.
#[pyclass(module = "lazyxp", name = "Device", frozen, eq, hash, from_py_object)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyDevice {
    pub device: Device,
}

impl PyDevice {
    pub fn cpu() -> Self {
        PyDevice { device: Device::Cpu }
    }
}

#[pymethods]
impl PyDevice {
    fn __repr__(&self) -> String {
        format!("Device('{}')", self.device)
    }
    fn __str__(&self) -> String {
        self.device.to_string()
    }
}

/// Reads a `device=` argument: None (the default placement), a lazyxp
/// device, or its name (`"cpu"`, `"cuda"`, `"cuda:1"`). A device this
/// build or machine lacks is a ValueError saying why.
pub fn parse_device(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Device>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(None) };
    let device = if let Ok(d) = obj.cast::<PyDevice>() {
        d.get().device
    } else if let Ok(s) = obj.cast::<PyString>() {
        let name = s.to_string();
        match name.as_str() {
            "cpu" => Device::Cpu,
            "cuda" => Device::Cuda(0),
            _ => match name.strip_prefix("cuda:").filter(|n| n.bytes().all(|b| b.is_ascii_digit()) && (n.len() == 1 || !n.starts_with('0'))).and_then(|n| n.parse::<usize>().ok()) {
                Some(ordinal) => Device::Cuda(ordinal),
                None => return Err(value_error(format!("lazyxp has no device {name:?} (devices are \"cpu\" and \"cuda:N\")"))),
            },
        }
    } else {
        return Err(value_error(format!("lazyxp has no device {}", obj.repr().map(|r| r.to_string()).unwrap_or_default())));
    };
    // The first use of a GPU opens its context, which takes a while.
    match obj.py().detach(|| lazyxp::check_device(&device)) {
        Ok(()) => Ok(Some(device)),
        Err(lazyxp::Error::Device(m)) => Err(value_error(format!("cannot use this device: {m}"))),
        Err(e) => Err(crate::errors::to_py(e)),
    }
}

/// `a` on `device` (copied there, evaluating it first, with the GIL
/// released); `a` itself when no device was asked for or it is there.
pub fn place(py: Python<'_>, a: Array, device: Option<Device>) -> PyResult<Array> {
    match device {
        Some(d) if d != a.device() => py.detach(|| guard(|| a.to_device(&d))),
        _ => Ok(a),
    }
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

    fn devices(&self) -> Vec<PyDevice> {
        lazyxp::devices().into_iter().map(|device| PyDevice { device }).collect()
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
