//! Devices in the API: where an array lives (`Array::device`), moving it
//! (`Array::to_device`), creating it there (`asarray_on`).
//!
//! The `Device` enum exists in every build so code written against the API
//! compiles either way; without the cargo feature `cuda`, and on a machine
//! without an NVIDIA driver or GPU, asking for `Device::Cuda(_)` is an
//! `Error::Device` at that call. Operations run on the device their inputs
//! live on (constants go anywhere); combining arrays of two devices is an
//! `Error::Device` naming both, raised by the operation that combines them.

use crate::array::Array;
use lazyxp_compiler::graph::Node;
use lazyxp_runtime::shape::byte_size;
use lazyxp_runtime::{DType, Result, Shape};

pub use lazyxp_runtime::Device;

impl Array {
    /// The device this array lives on and its operations run on. An array
    /// computed from constants only (`full`, `zeros`) reports the CPU and
    /// follows whichever device it is combined with.
    pub fn device(&self) -> Device {
        self.node.placement.device().unwrap_or(Device::Cpu)
    }

    /// This array's values on `device`: the same array when it is already
    /// there, else evaluated where it lives and copied.
    pub fn to_device(&self, device: &Device) -> Result<Array> {
        if self.device() == *device {
            return Ok(self.clone());
        }
        match *device {
            Device::Cpu => {
                let host = self.host_data()?;
                Ok(Array { node: Node::leaf(host, self.dtype(), Shape::from_slice(self.shape())) })
            }
            Device::Cuda(ordinal) => {
                check_cuda(ordinal)?;
                let host = self.host_data()?;
                let bytes = byte_size(self.shape(), self.dtype())?;
                upload(&host.as_bytes()[..bytes], self.dtype(), self.shape(), ordinal)
            }
        }
    }
}

/// The devices this build can use on this machine: the CPU first, then
/// every CUDA device the driver reports and whose context opens (none
/// without the cargo feature `cuda` or without a driver).
pub fn devices() -> Vec<Device> {
    let cpu = std::iter::once(Device::Cpu);
    #[cfg(feature = "cuda")]
    let cpu = cpu.chain(
        (0..lazyxp_runtime::cuda::CudaDevice::count().unwrap_or(0)).filter(|&n| lazyxp_runtime::cuda::device(n).is_ok()).map(Device::Cuda),
    );
    cpu.collect()
}

/// Whether arrays can be placed on `device`: `Error::Device` saying why
/// not (no CUDA support in this build, no driver, no such ordinal).
pub fn check_device(device: &Device) -> Result<()> {
    match *device {
        Device::Cpu => Ok(()),
        Device::Cuda(ordinal) => check_cuda(ordinal).map_err(|e| match e {
            // A driver's own message need not name the device asked for.
            lazyxp_runtime::Error::Device(m) if !m.contains(&device.to_string()) => lazyxp_runtime::Error::Device(format!("{device}: {m}")),
            e => e,
        }),
    }
}

/// Opens (once per process) CUDA device `ordinal`: the error a user gets
/// for a device this build or this machine does not have.
#[cfg(feature = "cuda")]
pub(crate) fn check_cuda(ordinal: usize) -> Result<()> {
    lazyxp_runtime::cuda::device(ordinal).map(|_| ())
}

#[cfg(not(feature = "cuda"))]
pub(crate) fn check_cuda(ordinal: usize) -> Result<()> {
    Err(lazyxp_runtime::Error::Device(format!(
        "cuda:{ordinal}: this build of lazyxp has no CUDA support (rebuild with the cargo feature `cuda`)"
    )))
}

/// A realized leaf on `cuda:<ordinal>` holding a copy of `bytes`.
#[cfg(feature = "cuda")]
pub(crate) fn upload(bytes: &[u8], dtype: DType, shape: &[usize], ordinal: usize) -> Result<Array> {
    let dev = lazyxp_runtime::cuda::device(ordinal)?;
    let buf = std::sync::Arc::new(dev.upload(bytes)?);
    Ok(Array { node: Node::device_leaf(buf, dtype, Shape::from_slice(shape)) })
}

#[cfg(not(feature = "cuda"))]
pub(crate) fn upload(_bytes: &[u8], _dtype: DType, _shape: &[usize], ordinal: usize) -> Result<Array> {
    check_cuda(ordinal).map(|_| unreachable!("check_cuda always fails without the feature"))
}

/// Placement rules, checked without a GPU: a stand-in leaf claims to live
/// on a CUDA device while holding host data.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::{asarray, matmul, where_};
    use lazyxp_runtime::{Buffer, Error};

    fn on(device: Device, data: &[f32]) -> Array {
        let bytes: Vec<u8> = data.iter().flat_map(|v| v.to_ne_bytes()).collect();
        let buffer = Buffer::from_bytes(&bytes).unwrap();
        Array { node: Node::stand_in_leaf(buffer, DType::Float32, Shape::from_slice(&[data.len()]), device) }
    }

    fn device_error(r: Result<Array>) -> String {
        match r {
            Err(Error::Device(m)) => m,
            other => panic!("expected Error::Device, got {other:?}"),
        }
    }

    #[test]
    fn the_cpu_is_always_listed_first_and_unlisted_devices_are_refused() {
        let all = devices();
        assert_eq!(all[0], Device::Cpu);
        assert!(check_device(&Device::Cpu).is_ok());
        let missing = Device::Cuda(all.len() + 7);
        assert!(!all.contains(&missing));
        let m = match check_device(&missing) {
            Err(Error::Device(m)) => m,
            other => panic!("expected Error::Device, got {other:?}"),
        };
        assert!(m.contains(&missing.to_string()), "{m}");
    }

    #[test]
    fn mixing_devices_fails_at_the_call_naming_both() {
        let g = on(Device::Cuda(0), &[1.0, 2.0, 3.0]);
        let c = asarray(&[1.0f32, 2.0, 3.0], &[3]).unwrap();
        let m = device_error(&g + &c);
        assert!(m.contains("cpu") && m.contains("cuda:0") && m.contains("add"), "{m}");
        let m = device_error(crate::multiply(&crate::sin(&c).unwrap(), &crate::exp(&g).unwrap()));
        assert!(m.contains("cpu") && m.contains("cuda:0"), "{m}");
        let m = device_error(matmul(&crate::reshape(&g, &[1, 3]).unwrap(), &crate::reshape(&c, &[3, 1]).unwrap()));
        assert!(m.contains("cpu") && m.contains("cuda:0"), "{m}");
        let cond = asarray(&[true, false, true], &[3]).unwrap();
        assert!(device_error(where_(&cond, &g, &g)).contains("cuda:0"));
        let g1 = on(Device::Cuda(1), &[1.0, 2.0, 3.0]);
        let m = device_error(&g + &g1);
        assert!(m.contains("cuda:0") && m.contains("cuda:1"), "{m}");
    }

    #[test]
    fn constants_follow_the_device_of_their_operand() {
        let g = on(Device::Cuda(0), &[1.0, 2.0, 3.0]);
        let y = ((&g * 2.0).unwrap() + 1.0).unwrap();
        assert_eq!(y.device(), Device::Cuda(0));
        let z = (&crate::full(&[3], 1.0, DType::Float32).unwrap() + &g).unwrap();
        assert_eq!(z.device(), Device::Cuda(0));
        assert_eq!(crate::full(&[3], 1.0, DType::Float32).unwrap().device(), Device::Cpu);
        assert_eq!(asarray(&[1i32], &[1]).unwrap().device(), Device::Cpu);
        assert_eq!(format!("{:?}", g), "Array(float32, shape=[3], evaluated, cuda:0)");
    }

    /// Moving to the CPU reads the data (host data for a stand-in) and
    /// gives a CPU array that then mixes freely with CPU arrays.
    #[test]
    fn to_cpu_makes_a_cpu_leaf() {
        let g = on(Device::Cuda(0), &[1.0, 2.0, 3.0]);
        let c = g.to_device(&Device::Cpu).unwrap();
        assert_eq!(c.device(), Device::Cpu);
        let s = (&c + &asarray(&[1.0f32, 1.0, 1.0], &[3]).unwrap()).unwrap();
        assert_eq!(s.to_vec::<f32>().unwrap(), vec![2.0, 3.0, 4.0]);
    }

    /// With the feature but no GPU, evaluating work placed on one is the
    /// device error, and the graph stays pending (nothing half-done).
    #[cfg(feature = "cuda")]
    #[test]
    fn eval_on_a_missing_device_is_a_device_error_and_leaves_the_graph() {
        if lazyxp_runtime::cuda::device(0).is_ok() {
            eprintln!("a CUDA device exists: the missing-device path is not testable here");
            return;
        }
        let g = on(Device::Cuda(0), &[1.0, 2.0, 3.0]);
        let y = crate::sin(&g).unwrap();
        assert!(matches!(y.eval(), Err(Error::Device(_))));
        assert!(!y.is_evaluated());
        assert!(matches!(y.to_vec::<f32>(), Err(Error::Device(_))));
    }
}
