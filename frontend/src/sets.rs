//! The set functions (`unique_values`, `unique_counts`, `unique_inverse`,
//! `unique_all`). The flattened input is sorted (stably, with its sorting
//! permutation) and the number of distinct values counted: both are
//! evaluated here, because the outputs' length is that count. Library
//! kernels then read each output off the sorted values; their names in
//! the dumps say the shape was data-dependent. NaNs are all distinct (the
//! standard; NumPy 2's `unique_*`), -0.0 equals 0.0.

use crate::array::{eval, Array};
use crate::elementwise::not_equal;
use crate::joining::slice_axis;
use crate::manipulation::reshape;
use crate::sorting::{argsort, sort};
use crate::statistical::count_nonzero;
use lazyxp_compiler::graph::{intern, NodeOp, State};
use lazyxp_compiler::library::{LibraryOp, UniquePart};
use lazyxp_runtime::{DType, Result, Scalar};
use smallvec::smallvec;

/// Sorted flat values, their stable sorting permutation (only computed
/// when `perm`; else the sorted values stand in), and the number of
/// distinct values; all evaluated.
fn sorted_groups(x: &Array, perm: bool) -> Result<(Array, Array, usize)> {
    let f = reshape(x, &[-1])?;
    let s = sort(&f, 0, false, true)?;
    let p = if perm { argsort(&f, 0, false, true)? } else { s.clone() };
    let n = f.size();
    if n == 0 {
        eval(&[&s, &p])?;
        return Ok((s, p, 0));
    }
    let changes = count_nonzero(&not_equal(&slice_axis(&s, 0, 1, n as isize)?, &slice_axis(&s, 0, 0, n as isize - 1)?)?, None, false)?;
    eval(&[&s, &p, &changes])?;
    let c = match changes.item()? {
        Scalar::I64(v) => v as usize,
        other => other.as_i128().unwrap_or(0) as usize,
    };
    Ok((s, p, c + 1))
}

fn part(s: &Array, p: &Array, count: usize, which: UniquePart) -> Result<Array> {
    let (dtype, len, inputs) = match which {
        UniquePart::Values => (s.dtype(), count, smallvec![s.node.clone()]),
        UniquePart::Counts => (DType::Int64, count, smallvec![s.node.clone()]),
        UniquePart::Indices => (DType::Int64, count, smallvec![s.node.clone(), p.node.clone()]),
        UniquePart::Inverse => (DType::Int64, s.size(), smallvec![s.node.clone(), p.node.clone()]),
    };
    let op = LibraryOp::Unique { part: which, count: count as u64 };
    Array::from_node(intern(NodeOp::Library(op), dtype, smallvec![len], inputs, State::Pending))
}

/// The distinct values, ascending, 1-D.
pub fn unique_values(x: &Array) -> Result<Array> {
    let (s, p, c) = sorted_groups(x, false)?;
    part(&s, &p, c, UniquePart::Values)
}

/// Distinct values and how often each occurs.
pub fn unique_counts(x: &Array) -> Result<(Array, Array)> {
    let (s, p, c) = sorted_groups(x, false)?;
    Ok((part(&s, &p, c, UniquePart::Values)?, part(&s, &p, c, UniquePart::Counts)?))
}

/// Distinct values and, for each element of `x` (in `x`'s shape), the
/// index of its value among them.
pub fn unique_inverse(x: &Array) -> Result<(Array, Array)> {
    let (s, p, c) = sorted_groups(x, true)?;
    let shape: Vec<isize> = x.shape().iter().map(|&d| d as isize).collect();
    Ok((part(&s, &p, c, UniquePart::Values)?, reshape(&part(&s, &p, c, UniquePart::Inverse)?, &shape)?))
}

/// Values, first-occurrence indices (into the flattened `x`), inverse
/// indices (in `x`'s shape) and counts.
pub fn unique_all(x: &Array) -> Result<(Array, Array, Array, Array)> {
    let (s, p, c) = sorted_groups(x, true)?;
    let shape: Vec<isize> = x.shape().iter().map(|&d| d as isize).collect();
    Ok((
        part(&s, &p, c, UniquePart::Values)?,
        part(&s, &p, c, UniquePart::Indices)?,
        reshape(&part(&s, &p, c, UniquePart::Inverse)?, &shape)?,
        part(&s, &p, c, UniquePart::Counts)?,
    ))
}
