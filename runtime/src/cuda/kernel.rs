//! A loaded PTX kernel and the launch geometry of the grid-stride loop.

use std::sync::Arc;

/// Threads per block. The kernels are memory bound and use few registers,
/// so 256 keeps every SM full without tuning per kernel.
pub const BLOCK_SIZE: u32 = 256;
// Reduction kernels combine each block's eight lane threads with warp
// shuffles: whole warps per block keep those eight in one warp.
const _: () = assert!(BLOCK_SIZE.is_multiple_of(32));

/// Blocks for `n` elements: enough to cover them, at most 32 per SM (the
/// grid-stride loop covers the rest), at least one.
pub fn grid_for(n: u64, sm_count: u32) -> u32 {
    let needed = n.div_ceil(BLOCK_SIZE as u64).max(1);
    needed.min(sm_count.max(1) as u64 * 32) as u32
}

/// One kernel entry of a loaded PTX module.
#[derive(Clone)]
pub struct CudaFunction {
    pub(crate) func: cudarc::driver::CudaFunction,
    pub(crate) _module: Arc<cudarc::driver::CudaModule>,
    pub(crate) name: String,
    /// Launch words after `start, end`, checked at every launch so a
    /// mismatched call is an error, not a kernel reading garbage.
    pub(crate) n_words: usize,
    pub(crate) ordinal: usize,
}

impl CudaFunction {
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn ordinal(&self) -> usize {
        self.ordinal
    }
}

impl std::fmt::Debug for CudaFunction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CudaFunction({} on cuda:{}, {} words)", self.name, self.ordinal, self.n_words)
    }
}
