//! The CPU launch ABI shared by the Cranelift backend (which emits code
//! reading it) and the runtime (which fills it in).
//!
//! Every compiled CPU kernel has the signature of [`CpuKernelFn`]: it runs
//! the flat elements `[start, end)` of its index space, so the runtime can
//! split one launch across threads without the kernel knowing. `args`
//! points at 64-bit words laid out as:
//!
//! ```text
//! [0 .. n_buffers)                    base address of each input, then each output
//! [n_buffers .. n_buffers+rank)       the index space's dimensions
//! then rank words per strided input   its element strides, in input order
//! ```
//!
//! Lengths, dimensions and strides are arguments, not constants in the
//! code, so one compiled kernel serves every shape of the same rank.

/// `unsafe` because the kernel trusts `args` to describe buffers that are
/// large enough for every index in `[start, end)`; the compiler's lowering
/// is the one place that guarantees it.
pub type CpuKernelFn = unsafe extern "C" fn(args: *const u64, start: u64, end: u64);

/// Builds the argument words for one launch.
#[derive(Debug, Default, Clone)]
pub struct LaunchArgs {
    pub words: smallvec::SmallVec<[u64; 16]>,
}

impl LaunchArgs {
    pub fn push_ptr(&mut self, p: *const u8) {
        self.words.push(p as usize as u64);
    }
    pub fn push_usize(&mut self, v: usize) {
        self.words.push(v as u64);
    }
    pub fn push_isize(&mut self, v: isize) {
        self.words.push(v as i64 as u64);
    }
    pub fn as_ptr(&self) -> *const u64 {
        self.words.as_ptr()
    }
}
