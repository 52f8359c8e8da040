//! `diagonal` and `trace`: the diagonal is a strided view of the matrix
//! read as one flat row (step N + 1), so nothing is copied unless the
//! input's layout forces the reshape to copy, and `trace` is a reduction
//! fused with whatever produced the matrix.

use crate::array::Array;
use crate::manipulation::{index, reshape, Index};
use crate::statistical::sum;
use lazyxp_runtime::{Error, Result};

/// The `offset`-th diagonal of each matrix (0: main, positive: above,
/// negative: below), shape `(.., count)`.
pub fn diagonal(x: &Array, offset: isize) -> Result<Array> {
    let r = x.ndim();
    if r < 2 {
        return Err(Error::Shape(format!("diagonal: expected at least 2 dimensions, got shape {:?}", x.shape())));
    }
    let (m, n) = (x.shape()[r - 2], x.shape()[r - 1]);
    let (row, col) = if offset >= 0 { (0, offset.unsigned_abs()) } else { (offset.unsigned_abs(), 0) };
    let count = m.saturating_sub(row).min(n.saturating_sub(col));
    let mut flat: Vec<isize> = x.shape()[..r - 2].iter().map(|&d| d as isize).collect();
    flat.push((m * n) as isize);
    let rows = reshape(x, &flat)?;
    let start = row * n + col;
    let (start, stop) = if count == 0 { (0, 0) } else { (start, start + (count - 1) * (n + 1) + 1) };
    index(&rows, &[Index::Ellipsis, Index::Slice { start: Some(start as isize), stop: Some(stop as isize), step: Some(n as isize + 1) }])
}

/// Sum of the `offset`-th diagonal of each matrix, with `sum`'s dtype rules.
pub fn trace(x: &Array, offset: isize) -> Result<Array> {
    sum(&diagonal(x, offset)?, Some(&[-1]), false)
}
