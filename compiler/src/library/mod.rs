//! Library kernels: operations that are not loops over an index space
//! (matrix products, arg-extremes and cumulative scans today; sorting and
//! linear algebra later). The scheduler
//! makes each one its own step, with its inputs materialized, and the fusion
//! plan names it; the elementwise work around it fuses on either side.

pub mod matmul;
pub mod scan;

use crate::kernel_ir::ReduceOp;
use lazyxp_runtime::{Buffer, DType, Result, Shape};

/// The library kernels a graph node can name. Adding one: a variant here,
/// its `name`, its arm in `run`, and a file for the kernel itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LibraryOp {
    /// Batched matrix product of `(B.., n, k)` and `(B.., k, m)` operands
    /// with equal batch dimensions.
    Matmul,
    /// Index of the first maximum (`max`) or minimum along `axis` (None:
    /// the flattened array), int64; reduced dims kept as 1.
    ArgExtreme { max: bool, axis: Option<u32> },
    /// Running sum or product along `axis`, optionally starting with the
    /// identity (`include_initial`).
    Cumulative { op: ReduceOp, axis: u32, include_initial: bool },
}

impl LibraryOp {
    pub fn name(&self) -> String {
        match self {
            LibraryOp::Matmul => "matmul".into(),
            LibraryOp::ArgExtreme { max, axis } => format!("arg{}[{axis:?}]", if *max { "max" } else { "min" }),
            LibraryOp::Cumulative { op, axis, include_initial } => {
                format!("cumulative_{}[{axis}{}]", if *op == ReduceOp::Mul { "prod" } else { "sum" }, if *include_initial { ", initial" } else { "" })
            }
        }
    }
}

/// A materialized, row-major operand of a library kernel.
pub struct Operand {
    pub buffer: Buffer,
    pub dtype: DType,
    pub shape: Shape,
}

/// Runs `op` on its operands, producing the node's row-major result.
pub fn run(op: &LibraryOp, inputs: &[Operand], dtype: DType, _shape: &[usize]) -> Result<Buffer> {
    match *op {
        LibraryOp::Matmul => {
            let (a, c) = (&inputs[0], &inputs[1]);
            let r = a.shape.len();
            let (n, k, m) = (a.shape[r - 2], a.shape[r - 1], c.shape[r - 1]);
            let batch: usize = a.shape[..r - 2].iter().product();
            matmul::matmul(&a.buffer, &c.buffer, dtype, batch, n, k, m)
        }
        LibraryOp::ArgExtreme { max, axis } => scan::arg_extreme(&inputs[0].buffer, inputs[0].dtype, &inputs[0].shape, axis.map(|a| a as usize), max),
        LibraryOp::Cumulative { op, axis, include_initial } => scan::cumulative(&inputs[0].buffer, dtype, &inputs[0].shape, axis as usize, op, include_initial),
    }
}
