//! CUDA devices through the driver API (feature `cuda`), loaded at run
//! time with cudarc's dynamic loading: the crate builds without a CUDA
//! toolkit, and a machine without a driver or a GPU gets
//! `Error::Device` from [`CudaDevice::open`], never a panic.
//!
//! The pieces the executor needs: open a device, move bytes to and from
//! [`DeviceBuffer`]s, load a PTX module produced by the compiler's
//! `backend::ptx`, and launch it with the words described there
//! (`start, end`, then the CPU ABI's buffer/dims/strides words with device
//! addresses). All work goes to one stream per device, in order, so a
//! launch sees every earlier upload and a download sees every earlier
//! launch without events.

mod buffer;
mod device;
mod kernel;

pub use buffer::DeviceBuffer;
pub use device::CudaDevice;
pub use kernel::{grid_for, CudaFunction, BLOCK_SIZE};

use crate::{Error, Result};
use std::sync::OnceLock;

/// The process's one `CudaDevice` for `ordinal`, opened on first use.
///
/// One context and one stream per device keeps every launch, upload and
/// download of the process in stream order (see the module documentation),
/// and opening a device costs milliseconds, far too much per eval. After
/// the first call this is two atomic loads, no lock. A failure (no driver,
/// no such ordinal) is remembered too: the machine will not grow a GPU.
pub fn device(ordinal: usize) -> Result<&'static CudaDevice> {
    static DEVICES: OnceLock<Result<Vec<OnceLock<Result<CudaDevice>>>>> = OnceLock::new();
    let slots = DEVICES
        .get_or_init(|| CudaDevice::count().map(|n| (0..n).map(|_| OnceLock::new()).collect()))
        .as_ref()
        .map_err(Clone::clone)?;
    let slot = slots.get(ordinal).ok_or_else(|| {
        Error::Device(format!("cuda:{ordinal} does not exist (this machine has {} CUDA devices)", slots.len()))
    })?;
    slot.get_or_init(|| CudaDevice::open(ordinal)).as_ref().map_err(Clone::clone)
}

/// A driver error, with what we were doing when it happened.
fn driver_error(what: &str, e: cudarc::driver::DriverError) -> Error {
    Error::Device(format!("CUDA {what}: {e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without a driver the registry answers with the typed error (twice:
    /// the failure is remembered, not retried into a panic).
    #[test]
    fn registry_is_a_device_or_a_device_error() {
        for _ in 0..2 {
            match device(0) {
                Ok(d) => assert_eq!(d.ordinal(), 0),
                Err(e) => assert!(matches!(e, Error::Device(_)), "{e:?}"),
            }
        }
        assert!(matches!(device(1 << 20), Err(Error::Device(_))));
    }
}
