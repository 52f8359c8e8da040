//! The GPU side of the kernel cache: PTX compiled for a device's chip and
//! loaded into that device's context, keyed by the kernel IR and the device
//! ordinal (a loaded function belongs to one context; the ordinal fixes the
//! chip, which is part of the displayed key).
//!
//! Refusals are cached too: a kernel the PTX backend does not support
//! (`Error::Unsupported`: reductions, float remainder) is refused once, and
//! every later eval falls back to the CPU without running MLIR again.

use crate::backend::ptx::{self, PtxKernel};
use crate::kernel_ir::Kernel;
use hashbrown::HashMap;
use lazyxp_runtime::cuda::{CudaDevice, CudaFunction};
use lazyxp_runtime::{Error, Result};
use std::sync::{Arc, Mutex, OnceLock};

/// A kernel compiled to PTX and loaded on one device.
pub struct GpuEntry {
    /// The kernel as scheduled (math not yet expanded).
    pub kernel: Kernel,
    /// Deterministic key over the IR and `cuda-ptx-<chip>`.
    pub key: u64,
    pub ordinal: usize,
    /// Every text of the compile (MLIR before and after lowering, PTX) for
    /// `explain()` and `LAZYXP_DUMP`.
    pub ptx: PtxKernel,
    pub function: CudaFunction,
}

impl std::fmt::Debug for GpuEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GpuEntry({} {:016x} on cuda:{} {})", self.kernel.name, self.key, self.ordinal, self.ptx.chip)
    }
}

/// Per device ordinal, per kernel (nested so a lookup borrows the kernel
/// instead of cloning it into a key).
type Table = HashMap<usize, HashMap<Kernel, std::result::Result<Arc<GpuEntry>, Error>>>;

fn table() -> &'static Mutex<Table> {
    static T: OnceLock<Mutex<Table>> = OnceLock::new();
    T.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The loaded kernel for `k` on `dev`, compiling and loading on a miss;
/// with whether it hit. `Err(Error::Unsupported)` when the PTX backend
/// refuses the kernel (remembered), any other error as it came.
pub fn get_or_compile(k: &Kernel, dev: &CudaDevice) -> Result<(Arc<GpuEntry>, bool)> {
    let ordinal = dev.ordinal();
    if let Some(found) = table().lock().unwrap_or_else(|e| e.into_inner()).get(&ordinal).and_then(|m| m.get(k)) {
        return found.clone().map(|e| (e, true));
    }
    let compiled = compile(k, dev);
    match &compiled {
        Ok(e) => crate::dump::write_gpu_kernel(e),
        Err(Error::Unsupported(_)) => {}
        // Driver or compiler failures are not remembered: they may pass.
        Err(e) => return Err(e.clone()),
    }
    let mut t = table().lock().unwrap_or_else(|e| e.into_inner());
    t.entry(ordinal).or_default().entry(k.clone()).or_insert(compiled).clone().map(|e| (e, false))
}

fn compile(k: &Kernel, dev: &CudaDevice) -> Result<Arc<GpuEntry>> {
    let chip = dev.chip();
    let ptx = ptx::compile_for(k, &chip)?;
    let function = dev.load(&ptx.ptx, &ptx.name, ptx::launch_word_count(k))?;
    Ok(Arc::new(GpuEntry {
        kernel: k.clone(),
        key: super::key_for(k, &format!("cuda-ptx-{chip}")),
        ordinal: dev.ordinal(),
        ptx,
        function,
    }))
}
