//! DLPack: `x.__dlpack__()` exports host data as a capsule, and
//! `from_dlpack(obj)` imports any object that has `__dlpack__`.
//!
//! Versioned capsules (a consumer that passes `max_version >= (1, 0)`, as
//! NumPy >= 2.1 does) share the buffer with the READ_ONLY flag set. The
//! legacy format cannot say "read-only", so a legacy consumer gets a copy
//! unless it passes `copy=False`: lazyxp's data must never change under a
//! graph that reads it.

use crate::array::PyArray;
use crate::errors::{guard, type_error};
use crate::host::from_strided;
use lazyxp::DType;
use lazyxp_runtime::Buffer;
use pyo3::exceptions::PyBufferError;
use pyo3::ffi;
use pyo3::prelude::*;
use std::ffi::{c_void, CStr};

#[repr(C)]
#[derive(Clone, Copy)]
struct DLDevice {
    device_type: i32,
    device_id: i32,
}
#[repr(C)]
#[derive(Clone, Copy)]
struct DLDataType {
    code: u8,
    bits: u8,
    lanes: u16,
}
#[repr(C)]
struct DLTensor {
    data: *mut c_void,
    device: DLDevice,
    ndim: i32,
    dtype: DLDataType,
    shape: *mut i64,
    strides: *mut i64,
    byte_offset: u64,
}
#[repr(C)]
struct DLManagedTensor {
    dl_tensor: DLTensor,
    manager_ctx: *mut c_void,
    deleter: Option<unsafe extern "C" fn(*mut DLManagedTensor)>,
}
#[repr(C)]
struct DLManagedTensorVersioned {
    version: [u32; 2],
    manager_ctx: *mut c_void,
    deleter: Option<unsafe extern "C" fn(*mut DLManagedTensorVersioned)>,
    flags: u64,
    dl_tensor: DLTensor,
}

pub(crate) const KDL_CPU: i32 = 1;
pub(crate) const KDL_CUDA: i32 = 2;
const KDL_CUDA_HOST: i32 = 3;
const FLAG_READ_ONLY: u64 = 1;
const FLAG_IS_COPIED: u64 = 2;
const LEGACY: &CStr = c"dltensor";
const VERSIONED: &CStr = c"dltensor_versioned";
const USED_LEGACY: &CStr = c"used_dltensor";
const USED_VERSIONED: &CStr = c"used_dltensor_versioned";

fn dl_dtype(dt: DType) -> DLDataType {
    let code = match dt {
        DType::Bool => 6,
        d if d.is_signed_int() => 0,
        d if d.is_unsigned_int() => 1,
        d if d.is_float() => 2,
        _ => 5,
    };
    DLDataType { code, bits: (dt.size() * 8) as u8, lanes: 1 }
}

fn dtype_of(t: DLDataType) -> Option<DType> {
    if t.lanes != 1 {
        return None;
    }
    DType::ALL.into_iter().find(|&d| {
        let e = dl_dtype(d);
        e.code == t.code && e.bits == t.bits
    })
}

/// What the exported tensor owns: the buffer and its shape arrays.
struct Ctx {
    _buffer: Buffer,
    shape: Vec<i64>,
}

unsafe extern "C" fn delete_legacy(m: *mut DLManagedTensor) {
    // SAFETY: `m` and its ctx were made by Box::into_raw in `export`.
    unsafe {
        drop(Box::from_raw((*m).manager_ctx as *mut Ctx));
        drop(Box::from_raw(m));
    }
}
unsafe extern "C" fn delete_versioned(m: *mut DLManagedTensorVersioned) {
    // SAFETY: as above.
    unsafe {
        drop(Box::from_raw((*m).manager_ctx as *mut Ctx));
        drop(Box::from_raw(m));
    }
}

/// Frees a capsule's tensor when no consumer took it (the name is still
/// the unused one).
unsafe extern "C" fn capsule_destructor(capsule: *mut ffi::PyObject) {
    // SAFETY: called by the interpreter with our capsule.
    unsafe {
        if ffi::PyCapsule_IsValid(capsule, LEGACY.as_ptr()) == 1 {
            let m = ffi::PyCapsule_GetPointer(capsule, LEGACY.as_ptr()) as *mut DLManagedTensor;
            if let Some(d) = (*m).deleter {
                d(m);
            }
        } else if ffi::PyCapsule_IsValid(capsule, VERSIONED.as_ptr()) == 1 {
            let m = ffi::PyCapsule_GetPointer(capsule, VERSIONED.as_ptr()) as *mut DLManagedTensorVersioned;
            if let Some(d) = (*m).deleter {
                d(m);
            }
        }
    }
}

fn tensor(buffer: &Buffer, dt: DType, ctx: &mut Ctx) -> DLTensor {
    DLTensor {
        data: buffer.as_ptr() as *mut c_void,
        device: DLDevice { device_type: KDL_CPU, device_id: 0 },
        ndim: ctx.shape.len() as i32,
        dtype: dl_dtype(dt),
        shape: ctx.shape.as_mut_ptr(),
        strides: std::ptr::null_mut(), // C-contiguous
        byte_offset: 0,
    }
}

#[pymethods]
impl PyArray {
    #[pyo3(signature = (*, stream = None, max_version = None, dl_device = None, copy = None))]
    fn __dlpack__<'py>(
        &self,
        py: Python<'py>,
        stream: Option<&Bound<'py, PyAny>>,
        max_version: Option<(u32, u32)>,
        dl_device: Option<(i32, i32)>,
        copy: Option<bool>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if let Some(d) = dl_device {
            if d != (KDL_CPU, 0) {
                return Err(PyBufferError::new_err(format!("lazyxp exports only to the host, (1, 0), not to DLPack device {d:?}")));
            }
        }
        let a = self.inner.clone();
        // Only host memory is exported: an array on a GPU goes out as a host
        // copy, and only when the consumer asks for the CPU (a CUDA-aware
        // consumer passing its stream gets this hint too).
        let on_host = a.device() == lazyxp::Device::Cpu;
        if !on_host && dl_device.is_none() {
            return Err(PyBufferError::new_err(format!(
                "lazyxp exports only host memory; pass dl_device=(1, 0) for a host copy of this {} array, or call to_device(\"cpu\")",
                a.device()
            )));
        }
        if stream.is_some_and(|s| !s.is_none()) {
            return Err(PyBufferError::new_err("lazyxp exports host memory: stream must be None"));
        }
        if !on_host && copy == Some(false) {
            return Err(PyBufferError::new_err(format!("a host export of a {} array is a copy: copy=False cannot be honoured", a.device())));
        }
        let dt = a.dtype();
        let versioned = max_version.is_some_and(|v| v.0 >= 1);
        let must_copy = copy == Some(true) || !on_host || (!versioned && copy != Some(false));
        let buffer = py.detach(|| {
            guard(|| {
                let b = a.host_data()?;
                if must_copy {
                    Buffer::from_bytes(&b.as_bytes()[..a.size() * dt.size()])
                } else {
                    Ok(b)
                }
            })
        })?;
        let mut ctx = Box::new(Ctx { _buffer: buffer.clone(), shape: a.shape().iter().map(|&d| d as i64).collect() });
        let dl = tensor(&buffer, dt, &mut ctx);
        let ctx = Box::into_raw(ctx) as *mut c_void;
        // SAFETY: the managed tensor and ctx are leaked into the capsule and
        // freed exactly once, by the consumer's deleter call or by the
        // capsule destructor when nobody consumed it.
        let capsule = unsafe {
            if versioned {
                let flags = if must_copy { FLAG_IS_COPIED } else { FLAG_READ_ONLY };
                let m = Box::into_raw(Box::new(DLManagedTensorVersioned {
                    version: [1, 0],
                    manager_ctx: ctx,
                    deleter: Some(delete_versioned),
                    flags,
                    dl_tensor: dl,
                }));
                ffi::PyCapsule_New(m as *mut c_void, VERSIONED.as_ptr(), Some(capsule_destructor))
            } else {
                let m = Box::into_raw(Box::new(DLManagedTensor { dl_tensor: dl, manager_ctx: ctx, deleter: Some(delete_legacy) }));
                ffi::PyCapsule_New(m as *mut c_void, LEGACY.as_ptr(), Some(capsule_destructor))
            }
        };
        // SAFETY: PyCapsule_New returns a new reference or NULL with an error set.
        unsafe { Bound::from_owned_ptr_or_err(py, capsule) }
    }
}

/// Copies a DLTensor's elements (any strides, byte offset) into a new array.
unsafe fn import_tensor(t: &DLTensor) -> PyResult<lazyxp::Array> {
    if t.device.device_type != KDL_CPU && t.device.device_type != KDL_CUDA_HOST {
        return Err(PyBufferError::new_err(format!(
            "from_dlpack: data on DLPack device type {} is not on the host",
            t.device.device_type
        )));
    }
    let dt = dtype_of(t.dtype).ok_or_else(|| type_error(format!("from_dlpack: no lazyxp dtype for DLPack code {} bits {}", t.dtype.code, t.dtype.bits)))?;
    let nd = t.ndim as usize;
    // SAFETY: shape/strides have ndim entries per the DLPack contract.
    let shape: Vec<usize> = if nd == 0 { vec![] } else { unsafe { std::slice::from_raw_parts(t.shape, nd) }.iter().map(|&d| d as usize).collect() };
    let w = dt.size() as isize;
    // DLPack strides count elements; none means row-major.
    let strides: Option<Vec<isize>> = (!t.strides.is_null() && nd > 0)
        .then(|| unsafe { std::slice::from_raw_parts(t.strides, nd) }.iter().map(|&s| (s as isize).wrapping_mul(w)).collect());
    // Wrapping: an empty tensor's data may be null, and is never read.
    let base = (t.data as *const u8).wrapping_add(t.byte_offset as usize);
    // SAFETY: the producer guarantees every in-range index is valid memory
    // while the capsule is held, which the caller does across this call.
    unsafe { from_strided(base, dt, &shape, strides.as_deref()) }
}

/// `from_dlpack(x, /, *, device=None, copy=None)`: a lazyxp array with a copy
/// of the data of any object that implements `__dlpack__` on the host.
#[pyfunction]
#[pyo3(signature = (x, /, *, device = None, copy = None))]
pub fn from_dlpack(x: &Bound<'_, PyAny>, device: Option<&Bound<'_, PyAny>>, copy: Option<bool>) -> PyResult<PyArray> {
    let device = crate::info::parse_device(device)?;
    let imported = from_dlpack_host(x, copy)?;
    Ok(PyArray::new(crate::info::place(x.py(), imported.inner, device)?))
}

/// `from_dlpack` before placing the result on the requested device.
fn from_dlpack_host(x: &Bound<'_, PyAny>, copy: Option<bool>) -> PyResult<PyArray> {
    if copy == Some(false) {
        return Err(PyBufferError::new_err("from_dlpack: lazyxp always copies foreign data (copy=False cannot be honoured)"));
    }
    if let Ok(a) = x.cast::<PyArray>() {
        return Ok(PyArray::new(a.borrow().inner.clone()));
    }
    let kwargs = pyo3::types::PyDict::new(x.py());
    kwargs.set_item("max_version", (1u32, 0u32))?;
    // Data on a device (a CuPy or PyTorch GPU array) is asked for a host
    // copy, which is what the import reads.
    let device: Option<(i32, i32)> = x.call_method0("__dlpack_device__").ok().and_then(|d| d.extract().ok());
    if device.is_some_and(|(t, _)| t != KDL_CPU && t != KDL_CUDA_HOST) {
        kwargs.set_item("dl_device", (KDL_CPU, 0))?;
    }
    let capsule = match x.call_method("__dlpack__", (), Some(&kwargs)) {
        Ok(c) => c,
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyTypeError>(x.py()) => x.call_method0("__dlpack__")?,
        Err(e) => return Err(e),
    };
    let cap = capsule.as_ptr();
    // SAFETY: we check the capsule's name before reading its pointer, call
    // the producer's deleter once, and rename the capsule so its own
    // destructor does not free the tensor again.
    unsafe {
        if ffi::PyCapsule_IsValid(cap, VERSIONED.as_ptr()) == 1 {
            let m = ffi::PyCapsule_GetPointer(cap, VERSIONED.as_ptr()) as *mut DLManagedTensorVersioned;
            let r = import_tensor(&(*m).dl_tensor);
            ffi::PyCapsule_SetName(cap, USED_VERSIONED.as_ptr());
            if let Some(d) = (*m).deleter {
                d(m);
            }
            r.map(PyArray::new)
        } else if ffi::PyCapsule_IsValid(cap, LEGACY.as_ptr()) == 1 {
            let m = ffi::PyCapsule_GetPointer(cap, LEGACY.as_ptr()) as *mut DLManagedTensor;
            let r = import_tensor(&(*m).dl_tensor);
            ffi::PyCapsule_SetName(cap, USED_LEGACY.as_ptr());
            if let Some(d) = (*m).deleter {
                d(m);
            }
            r.map(PyArray::new)
        } else {
            Err(type_error("from_dlpack: __dlpack__ did not return a DLPack capsule"))
        }
    }
}
