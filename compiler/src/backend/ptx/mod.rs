//! CUDA backend: kernel IR -> MLIR (gpu, arith, scf, llvm dialects) ->
//! NVVM -> PTX, all in process through melior (feature `cuda`).
//!
//! An elementwise kernel runs one thread per element with a grid-stride
//! loop, so any grid covers any length, and it is shape-polymorphic like
//! the CPU kernels: sizes and strides are launch parameters, never
//! constants. A reduction is two entries per level of reductions (and one
//! more for a row kernel's stores) that follow the CPU's accumulation
//! order, so its bits are the CPU's (`reduce_text.rs`).
//!
//! # Launch parameters
//!
//! Every parameter is one 64-bit word, in this order:
//!
//! ```text
//! start, end                          flat elements [start, end) to run
//! base address of each input, then each output  (device pointers)
//! the index space's dimensions        (rank words)
//! then rank words per strided input   its element strides, in input order
//! ```
//!
//! After `start, end` this is exactly the word layout of the CPU ABI
//! (`lazyxp_runtime::launch`), with device addresses in place of host
//! ones, so the same `LaunchArgs` builder serves both; the runtime's
//! `cuda::CudaDevice::launch` prepends `start, end` itself.
//!
//! Every input is a pointer, scalars included (broadcast constants live in
//! a one-element device buffer), and bools are one byte in memory.

mod fmod;
mod lower_inst;
mod mlir_text;
mod pipeline;
mod reduce_text;

use crate::kernel_ir::{verify, Kernel};
use crate::math;
use lazyxp_runtime::Result;
use std::time::{Duration, Instant};

pub use mlir_text::entry_name;
pub use reduce_text::{launches, slots_per_block, Grid, SLOT_BYTES};

/// The GPU generation PTX is generated for when the caller does not say:
/// Hopper (H100/H200). PTX for it does not load on older GPUs; pass the
/// device's own `sm_XY` to [`compile_for`] there.
pub const DEFAULT_CHIP: &str = "sm_90";

/// A kernel compiled to PTX, with every intermediate text kept for
/// `explain()` and `LAZYXP_DUMP`.
#[derive(Debug, Clone)]
pub struct PtxKernel {
    /// The PTX entry point (`cuModuleGetFunction` name).
    pub name: String,
    /// The `sm_XY` the PTX targets.
    pub chip: String,
    /// MLIR as lazyxp emitted it (gpu/arith/scf/llvm dialects).
    pub mlir_before: String,
    /// MLIR after lowering to the NVVM and LLVM dialects, just before
    /// LLVM's NVPTX backend turns it into PTX.
    pub mlir_after: String,
    /// The PTX module text.
    pub ptx: String,
    /// Its entries in launch order, each with its grid: the kernel's one
    /// entry, or a reduction's phases ([`launches`]), found from the
    /// kernel as emitted (math expanded).
    pub entries: Vec<(String, Grid)>,
    /// Scratch slots per block and per row (a reduction's live
    /// reductions; 0 otherwise).
    pub slots: usize,
    /// Whole compile: math expansion, MLIR parse, passes, PTX emission.
    pub compile_time: Duration,
}

/// Compiles `k` for [`DEFAULT_CHIP`].
pub fn compile(k: &Kernel) -> Result<PtxKernel> {
    compile_for(k, DEFAULT_CHIP)
}

/// Compiles `k` to PTX for `chip` (`sm_80`, `sm_90`, ...). Math ops are
/// expanded here with the same `math::expand` the interpreter and the
/// CPU backend use, so all three compute the same algorithm.
pub fn compile_for(k: &Kernel, chip: &str) -> Result<PtxKernel> {
    let t0 = Instant::now();
    verify(k)?;
    let expanded;
    let k = if k.has_math() {
        expanded = math::expand(k);
        &expanded
    } else {
        k
    };
    let name = entry_name(&k.name);
    let mlir_before = if k.is_reduction() { reduce_text::emit_module(k, &name)? } else { mlir_text::emit_module(k, &name)? };
    let lowered = pipeline::lower(&mlir_before, chip, &k.name)?;
    let (entries, slots) = if k.is_reduction() { (launches(k, &name), slots_per_block(k)) } else { (vec![(name.clone(), Grid::Elements)], 0) };
    Ok(PtxKernel {
        name,
        chip: chip.to_string(),
        mlir_before,
        mlir_after: lowered.mlir_after,
        ptx: lowered.ptx,
        entries,
        slots,
        compile_time: t0.elapsed(),
    })
}

/// Number of launch words after `start, end` for `k`: buffers, dims,
/// strides (see the module documentation), and for a reduction the
/// scratch and totals buffers' addresses (`reduce_text.rs`).
pub fn launch_word_count(k: &Kernel) -> usize {
    let dims = (k.rank + k.reduce_rank) as usize;
    let strides: usize = k.strided_inputs().map(|i| k.input_rank(i) as usize).sum();
    k.inputs.len() + k.outputs.len() + dims + strides + scratch_words(k)
}

/// The launch words the executor does not bind: a reduction's scratch
/// and totals buffer addresses, last, which `GpuEntry::launch` appends.
pub fn scratch_words(k: &Kernel) -> usize {
    2 * usize::from(k.is_reduction())
}
