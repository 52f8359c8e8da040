//! The GPU side of the kernel cache: PTX compiled for a device's chip and
//! loaded into that device's context, keyed by the kernel IR and the device
//! ordinal (a loaded function belongs to one context; the ordinal fixes the
//! chip, which is part of the displayed key).
//!
//! Refusals are cached too: a kernel the PTX backend does not support
//! (`Error::Unsupported`: sums and products of bools) is refused once, and
//! every later eval falls back to the CPU without running MLIR again.

use crate::backend::ptx::{self, Grid, PtxKernel};
use crate::kernel_ir::{Kernel, REDUCE_BLOCK, REDUCE_LANES};
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
    /// The entries in launch order with their grids: one for an
    /// elementwise kernel, a reduction's phases (`ptx::launches`).
    pub steps: Vec<(CudaFunction, Grid)>,
}

impl GpuEntry {
    /// Launches the kernel over `n` outputs with `words` (the CPU ABI's
    /// words after `start, end`, with device addresses); `inner` is the
    /// length of each output's row of reduced elements (1 for elementwise
    /// kernels). A reduction's phases run one after another on the
    /// device's stream, over every (row, block, lane), every row or every
    /// element of every row, with a scratch buffer for the blocks' values
    /// and one for the rows' totals, both freed in stream order. Every
    /// phase is launched from thread 0: the lanes phase relies on it (a
    /// block's eight lane threads are eight aligned threads of one warp,
    /// `ptx::reduce_text`), and both phases find the row count from their
    /// launch's end.
    ///
    /// # Safety
    /// As `CudaDevice::launch`: the words must describe live buffers on
    /// `dev` large enough for every element they reach.
    pub unsafe fn launch(&self, dev: &CudaDevice, n: u64, inner: u64, words: &[u64]) -> Result<()> {
        if !self.kernel.is_reduction() {
            let (f, _) = &self.steps[0];
            // SAFETY: the caller vouches for the words.
            return timed(dev, f, n, || unsafe { dev.launch(f, 0, n, words) });
        }
        let overflow = || Error::Value(format!("{}: {n} rows of {inner} elements overflow the thread count", self.kernel.name));
        let blocks = inner.div_ceil(REDUCE_BLOCK as u64);
        let all_blocks = n.checked_mul(blocks).ok_or_else(overflow)?;
        let lane_threads = all_blocks.checked_mul(REDUCE_LANES as u64).ok_or_else(overflow)?;
        let elements = n.checked_mul(inner).ok_or_else(overflow)?;
        let slot_buffer = |holders: u64| -> Result<_> {
            let bytes = holders.checked_mul(self.ptx.slots as u64).and_then(|s| s.checked_mul(ptx::SLOT_BYTES as u64)).ok_or_else(overflow)?;
            dev.alloc(bytes.max(1) as usize)
        };
        let scratch = slot_buffer(all_blocks)?;
        // A single-pass reduction that stores per row reads no totals:
        // its totals word is the scratch buffer's, never read.
        let totals = if self.steps.len() > 2 { Some(slot_buffer(n)?) } else { None };
        let mut all = words.to_vec();
        all.push(scratch.device_ptr());
        all.push(totals.as_ref().unwrap_or(&scratch).device_ptr());
        for (f, grid) in &self.steps {
            let threads = match grid {
                Grid::Lanes => lane_threads,
                Grid::Rows => n,
                Grid::Elements => elements,
            };
            // SAFETY: the scratch buffer holds a slot per reduction for
            // every block of every row, the totals buffer one per reduction for
            // every row wherever a later phase reads them; the rest as the
            // caller vouches. Every launch is queued before `scratch` and
            // `totals` are dropped, and their frees follow them on the
            // device's one stream.
            timed(dev, f, threads, || unsafe { dev.launch(f, 0, threads, &all) })?;
        }
        Ok(())
    }
}

/// Whether `LAZYXP_CUDA_TIMES` is set (to anything but `0`): every launch
/// then waits for its kernel and prints the kernel's device time.
fn times_wanted() -> bool {
    static WANTED: OnceLock<bool> = OnceLock::new();
    *WANTED.get_or_init(|| std::env::var_os("LAZYXP_CUDA_TIMES").is_some_and(|v| v != "0"))
}

/// Runs `launch` of `f` over `threads` threads, timed between CUDA events
/// and printed to stderr when `LAZYXP_CUDA_TIMES` asks for it: a
/// reduction's phases are separate entries, so this is where a slow phase
/// shows, under the entry name the PTX dump has.
fn timed(dev: &CudaDevice, f: &CudaFunction, threads: u64, launch: impl FnOnce() -> Result<()>) -> Result<()> {
    if !times_wanted() || threads == 0 {
        return launch();
    }
    let ((), t) = dev.time_on_stream(launch)?;
    eprintln!("lazyxp: cuda:{} {} over {threads} threads: {:.1} us", dev.ordinal(), f.name(), t.as_secs_f64() * 1e6);
    Ok(())
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
    let words = ptx::launch_word_count(k);
    let names: Vec<&str> = ptx.entries.iter().map(|(e, _)| e.as_str()).collect();
    let functions = dev.load_entries(&ptx.ptx, &names, words)?;
    let steps = functions.into_iter().zip(ptx.entries.iter().map(|&(_, g)| g)).collect();
    Ok(Arc::new(GpuEntry {
        kernel: k.clone(),
        key: super::key_for(k, &format!("cuda-ptx-{chip}")),
        ordinal: dev.ordinal(),
        ptx,
        steps,
    }))
}
