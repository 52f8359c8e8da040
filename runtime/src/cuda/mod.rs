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

use crate::Error;

/// A driver error, with what we were doing when it happened.
fn driver_error(what: &str, e: cudarc::driver::DriverError) -> Error {
    Error::Device(format!("CUDA {what}: {e:?}"))
}
