//! Library kernels: operations that are not loops over an index space
//! (matrix products, arg-extremes, cumulative scans, concatenation,
//! gathers and scatters, sorting, the set functions, nonzero, the matrix
//! decompositions of the linalg extension). The scheduler
//! makes each one its own step, with its inputs materialized, and the fusion
//! plan names it; the elementwise work around it fuses on either side.

pub mod concat;
pub mod decompose;
mod elements;
pub mod gather;
pub mod matmul;
pub mod nonzero;
pub mod scan;
pub mod scatter;
pub mod sort;
pub mod unique;

pub use unique::UniquePart;

use crate::kernel_ir::ReduceOp;
use lazyxp_runtime::{Buffer, DType, Result, Shape};
use smallvec::SmallVec;

/// Said in the name of every op whose output shape was read off data:
/// its inputs were evaluated when the node was built.
pub const DATA_DEPENDENT: &str = "data-dependent shape: inputs evaluated first";

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
    /// Operands (same dtype, same shape but along `axis`) joined along `axis`.
    Concat { axis: u32 },
    /// Sorted values, or the int64 sorting permutation (`indices`), along `axis`.
    Sort { axis: u32, descending: bool, stable: bool, indices: bool },
    /// Insertion points of the second operand's values into the sorted
    /// 1-D first operand.
    SearchSorted { right: bool },
    /// `x[.., i0, i1, .., ..]`: `count` int64 index arrays of one shape
    /// over axes `axis..axis+count` of the first operand.
    Take { axis: u32, count: u32 },
    /// `take_along_axis`: operand and int64 indices of equal shapes but
    /// along `axis`.
    TakeAlongAxis { axis: u32 },
    /// Slices along `axis` repeated by the int64 counts of the second
    /// operand (the total was read off the counts).
    Repeat { axis: u32 },
    /// Coordinates of the true elements of a bool operand, `(count, ndim)`.
    Nonzero { count: u64 },
    /// One output of `unique_all` from the sorted flat input and its
    /// sorting permutation; `count` distinct values.
    Unique { part: UniquePart, count: u64 },
    /// A copy of the first operand with the second written over a strided
    /// region (start, step per dimension): `x[basic index] = value`.
    SetRegion { region: SmallVec<[(isize, isize); 4]> },
    /// A copy of the first operand with the rows the bool mask selects
    /// replaced by the third operand's rows: `x[mask] = values`.
    SetMasked,
    /// A copy of the first operand with the second written where a key
    /// of slices (`region`: start, step per axis) and the int64 index
    /// arrays that follow (over `axes`) selects; the index arrays' dims sit
    /// at `at` in the value's shape: `x[i, ::2, j] = value`.
    SetIndices { region: SmallVec<[(isize, isize); 4]>, axes: SmallVec<[u32; 4]>, at: u32 },
    /// A matrix decomposition of the linalg extension over the last two
    /// axes, its results packed per matrix (see `decompose.rs`).
    Decompose(decompose::Decomposition),
}

impl LibraryOp {
    pub fn name(&self) -> String {
        match self {
            LibraryOp::Matmul => "matmul".into(),
            LibraryOp::ArgExtreme { max, axis } => format!("arg{}[{axis:?}]", if *max { "max" } else { "min" }),
            LibraryOp::Cumulative { op, axis, include_initial } => {
                format!("cumulative_{}[{axis}{}]", if *op == ReduceOp::Mul { "prod" } else { "sum" }, if *include_initial { ", initial" } else { "" })
            }
            LibraryOp::Concat { axis } => format!("concat[{axis}]"),
            LibraryOp::Sort { axis, descending, stable, indices } => format!(
                "{}[{axis}{}{}]",
                if *indices { "argsort" } else { "sort" },
                if *descending { ", descending" } else { "" },
                if *stable { ", stable" } else { "" }
            ),
            LibraryOp::SearchSorted { right } => format!("searchsorted[{}]", if *right { "right" } else { "left" }),
            LibraryOp::Take { axis, count } => format!("take[axis {axis}, {count} index arrays]"),
            LibraryOp::TakeAlongAxis { axis } => format!("take_along_axis[{axis}]"),
            LibraryOp::Repeat { axis } => format!("repeat[{axis}] ({DATA_DEPENDENT})"),
            LibraryOp::Nonzero { count } => format!("nonzero[{count} found] ({DATA_DEPENDENT})"),
            LibraryOp::Unique { part, count } => format!("unique_{}[{count} distinct] ({DATA_DEPENDENT})", part.name()),
            LibraryOp::SetRegion { region } => format!("setitem{region:?}"),
            LibraryOp::SetMasked => format!("setitem[mask] ({DATA_DEPENDENT})"),
            LibraryOp::SetIndices { region, axes, at } => format!("setitem[integer arrays over axes {axes:?} at {at}, slices {region:?}]"),
            LibraryOp::Decompose(d) => d.name(),
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
pub fn run(op: &LibraryOp, inputs: &[Operand], dtype: DType, shape: &[usize]) -> Result<Buffer> {
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
        LibraryOp::Concat { axis } => concat::concat(inputs, axis as usize, dtype, shape),
        LibraryOp::Sort { axis, descending, stable, indices } => {
            sort::sort(&inputs[0].buffer, inputs[0].dtype, &inputs[0].shape, axis as usize, descending, stable, indices)
        }
        LibraryOp::SearchSorted { right } => {
            let (s, q) = (&inputs[0], &inputs[1]);
            sort::searchsorted(&s.buffer, &q.buffer, s.dtype, s.shape.iter().product(), q.shape.iter().product(), right)
        }
        LibraryOp::Take { axis, .. } => gather::take(&inputs[0], &inputs[1..], axis as usize, dtype),
        LibraryOp::TakeAlongAxis { axis } => gather::take_along_axis(&inputs[0], &inputs[1], axis as usize, dtype),
        LibraryOp::Repeat { axis } => gather::repeat(&inputs[0], &inputs[1], axis as usize, dtype, shape),
        LibraryOp::Nonzero { count } => nonzero::nonzero(&inputs[0].buffer, &inputs[0].shape, count as usize),
        LibraryOp::Unique { part, count } => {
            let s = &inputs[0];
            unique::unique(&s.buffer, inputs.get(1).map(|p| &p.buffer), s.dtype, s.shape.iter().product(), count as usize, part)
        }
        LibraryOp::SetRegion { ref region } => scatter::set_region(&inputs[0], &inputs[1], region, dtype),
        LibraryOp::SetMasked => scatter::set_masked(&inputs[0], &inputs[1], &inputs[2], dtype),
        LibraryOp::SetIndices { ref region, ref axes, at } => scatter::set_indices(&inputs[0], &inputs[1], &inputs[2..], region, axes, at as usize, dtype),
        LibraryOp::Decompose(d) => decompose::decompose(d, inputs),
    }
}
