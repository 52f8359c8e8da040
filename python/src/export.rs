//! Handing data to other libraries: the buffer protocol (read-only, zero
//! copy), `__array__` for NumPy, and the DLPack device query.
//!
//! An exported view keeps a clone of the buffer in `view.internal`, not just
//! a reference to the Python object: an in-place operator may rebind the
//! object to a new node while a memoryview of the old data is still alive.

use crate::array::PyArray;
use crate::errors::guard;
use lazyxp::DType;
use lazyxp_runtime::Buffer;
use pyo3::exceptions::PyBufferError;
use pyo3::ffi;
use pyo3::prelude::*;
use std::ffi::{c_char, c_int, c_void, CStr};

/// What a live export owns until `__releasebuffer__`.
struct Exported {
    _buffer: Buffer,
    shape: Vec<ffi::Py_ssize_t>,
    strides: Vec<ffi::Py_ssize_t>,
}

/// The struct-module format of each dtype (what NumPy reads back).
pub fn format_of(dt: DType) -> &'static CStr {
    match dt {
        DType::Bool => c"?",
        DType::Int8 => c"b",
        DType::Int16 => c"h",
        DType::Int32 => c"i",
        DType::Int64 => c"q",
        DType::UInt8 => c"B",
        DType::UInt16 => c"H",
        DType::UInt32 => c"I",
        DType::UInt64 => c"Q",
        DType::Float32 => c"f",
        DType::Float64 => c"d",
        DType::Complex64 => c"Zf",
        DType::Complex128 => c"Zd",
    }
}

#[pymethods]
impl PyArray {
    /// The buffer protocol: evaluates (GIL released) and exposes the data
    /// read-only, C-contiguous.
    unsafe fn __getbuffer__(slf: Bound<'_, Self>, view: *mut ffi::Py_buffer, flags: c_int) -> PyResult<()> {
        if view.is_null() {
            return Err(PyBufferError::new_err("null view"));
        }
        if flags & ffi::PyBUF_WRITABLE == ffi::PyBUF_WRITABLE {
            return Err(PyBufferError::new_err("lazyxp arrays are immutable; the buffer is read-only"));
        }
        let a = slf.borrow().inner.clone();
        let dt = a.dtype();
        let buffer = slf.py().detach(|| guard(|| a.host_data()))?;
        let nbytes = a.size() * dt.size();
        if buffer.len() < nbytes {
            return Err(PyBufferError::new_err(format!(
                "buffer holds {} bytes, the array needs {nbytes} (a lazyxp bug)",
                buffer.len()
            )));
        }
        let shape: Vec<ffi::Py_ssize_t> = a.shape().iter().map(|&d| d as ffi::Py_ssize_t).collect();
        let mut strides = vec![0 as ffi::Py_ssize_t; shape.len()];
        let mut acc = dt.size() as ffi::Py_ssize_t;
        for i in (0..shape.len()).rev() {
            strides[i] = acc;
            acc *= shape[i].max(1);
        }
        let mut owned = Box::new(Exported { _buffer: buffer.clone(), shape, strides });
        // SAFETY: `view` is a valid Py_buffer the interpreter asked us to
        // fill; every pointer stored in it stays valid until
        // __releasebuffer__ frees `owned` (the buffer clone keeps the data
        // alive even if this object is rebound meanwhile).
        unsafe {
            (*view).buf = buffer.as_ptr() as *mut c_void;
            (*view).len = nbytes as ffi::Py_ssize_t;
            (*view).readonly = 1;
            (*view).itemsize = dt.size() as ffi::Py_ssize_t;
            (*view).format = if flags & ffi::PyBUF_FORMAT == ffi::PyBUF_FORMAT {
                format_of(dt).as_ptr() as *mut c_char
            } else {
                std::ptr::null_mut()
            };
            (*view).ndim = owned.shape.len() as c_int;
            (*view).shape = if flags & ffi::PyBUF_ND == ffi::PyBUF_ND { owned.shape.as_mut_ptr() } else { std::ptr::null_mut() };
            (*view).strides = if flags & ffi::PyBUF_STRIDES == ffi::PyBUF_STRIDES { owned.strides.as_mut_ptr() } else { std::ptr::null_mut() };
            (*view).suboffsets = std::ptr::null_mut();
            (*view).internal = Box::into_raw(owned) as *mut c_void;
            (*view).obj = slf.into_any().into_ptr();
        }
        Ok(())
    }

    unsafe fn __releasebuffer__(&self, view: *mut ffi::Py_buffer) {
        // SAFETY: `internal` was set by __getbuffer__ to a boxed Exported and
        // is released exactly once.
        unsafe {
            if !(*view).internal.is_null() {
                drop(Box::from_raw((*view).internal as *mut Exported));
                (*view).internal = std::ptr::null_mut();
            }
        }
    }

    /// NumPy conversion (`np.asarray(x)`): a read-only view of the data
    /// unless a copy or another dtype is asked for.
    #[pyo3(signature = (dtype = None, copy = None))]
    fn __array__<'py>(slf: Bound<'py, Self>, dtype: Option<&Bound<'py, PyAny>>, copy: Option<bool>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let np = py.import("numpy")?;
        let mv = py.import("builtins")?.getattr("memoryview")?.call1((&slf,))?;
        let mut out = np.getattr("asarray")?.call1((mv,))?;
        if let Some(d) = dtype.filter(|d| !d.is_none()) {
            out = out.call_method1("astype", (d,))?;
        } else if copy == Some(true) {
            out = out.call_method0("copy")?;
        }
        Ok(out)
    }

    /// DLPack's (device type, ordinal).
    fn __dlpack_device__(&self) -> (i32, i32) {
        use crate::dlpack::{KDL_CPU, KDL_CUDA};
        match self.inner.device() {
            lazyxp::Device::Cpu => (KDL_CPU, 0),
            lazyxp::Device::Cuda(ordinal) => (KDL_CUDA, ordinal as i32),
        }
    }
}
