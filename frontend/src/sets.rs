//! The set functions (`unique_values`, `unique_counts`, `unique_inverse`,
//! `unique_all`). The flattened input is sorted (stably, with its sorting
//! permutation) and the number of distinct values counted: both are
//! evaluated here, because the outputs' length is that count. Library
//! kernels then read each output off the sorted values; their names in
//! the dumps say the shape was data-dependent. NaNs are all distinct (the
//! standard; NumPy 2's `unique_*`), -0.0 equals 0.0. `isin` (2025.12)
//! stays lazy: its output has `x1`'s shape whatever the data.

use crate::array::{eval, Array};
use crate::elementwise::{astype, equal, logical_not, minimum, not_equal, scalar_like};
use crate::indexing::take;
use crate::promotion::result_type;
use crate::sorting::searchsorted;
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

/// Whether each element of `x1` occurs in `x2` (with `invert`, whether it
/// does not), as bool in `x1`'s shape (the 2025.12 revision's `isin`).
/// `x2` is sorted once and every element of `x1` found by binary search,
/// all lazily: a library sort and search, a gather, a comparison. NaN is
/// in nothing, -0.0 is 0.0 (NumPy's answers).
pub fn isin(x1: &Array, x2: &Array, invert: bool) -> Result<Array> {
    let t = result_type(x1.dtype(), x2.dtype())?;
    let (a, b) = (astype(x1, t)?, astype(x2, t)?);
    let found = if b.size() == 0 {
        crate::creation::full(a.shape(), 0.0, DType::Bool)?
    } else {
        let sorted = sort(&reshape(&b, &[-1])?, 0, false, false)?;
        let flat = reshape(&a, &[-1])?;
        // The first position not below each element, kept inside `sorted`.
        let at = searchsorted(&sorted, &flat, false, None)?;
        let at = minimum(&at, &scalar_like(&at, b.size() as i64 - 1)?)?;
        let shape: Vec<isize> = a.shape().iter().map(|&d| d as isize).collect();
        reshape(&equal(&take(&sorted, &at, Some(0))?, &flat)?, &shape)?
    };
    if invert {
        logical_not(&found)
    } else {
        Ok(found)
    }
}
