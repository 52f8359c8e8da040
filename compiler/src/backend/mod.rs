//! Code generators for kernel IR. Each consumes kernels whose math has
//! already been expanded (`crate::math::expand`), so they only lower
//! primitive arithmetic.

pub mod cranelift;
/// GPU backend: kernel IR -> MLIR -> PTX (feature `cuda`).
#[cfg(feature = "cuda")]
pub mod ptx;
