//! Device memory: an untyped run of bytes on one GPU, like the host
//! `Buffer`, so the executor keeps dtype and shape where it keeps them for
//! host data.

use cudarc::driver::{CudaSlice, DevicePtr};

/// Bytes in one device's global memory, freed (in stream order) on drop.
pub struct DeviceBuffer {
    /// At least one byte: the driver refuses empty allocations, and an
    /// empty array still needs an address to pass to a kernel.
    pub(crate) slice: CudaSlice<u8>,
    pub(crate) len: usize,
    pub(crate) ordinal: usize,
}

impl DeviceBuffer {
    /// Length in bytes (0 for an empty array).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The device ordinal it lives on, so mixing devices can be reported.
    pub fn ordinal(&self) -> usize {
        self.ordinal
    }

    /// The device address of the first byte, as a launch word.
    pub fn device_ptr(&self) -> u64 {
        // Event tracking is off (one stream per device), so the guard
        // records nothing.
        let (p, _guard) = self.slice.device_ptr(self.slice.stream());
        p
    }
}

impl std::fmt::Debug for DeviceBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeviceBuffer({} bytes on cuda:{})", self.len, self.ordinal)
    }
}
