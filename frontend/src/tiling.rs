//! Repetition as views: `tile`, `repeat` with an integer count, and
//! `meshgrid` are broadcasts followed by reshapes (the reshape over a
//! broadcast is where the fusion plan shows the copy). `repeat` with one
//! count per slice is a library gather whose output length is read off the
//! counts, which are therefore evaluated when the node is built.

use crate::array::Array;
use crate::elementwise::{astype, broadcast_to};
use crate::manipulation::{normalize_axis, reshape};
use lazyxp_compiler::graph::{intern, NodeOp, State};
use lazyxp_compiler::library::LibraryOp;
use lazyxp_runtime::shape::numel;
use lazyxp_runtime::{DType, Error, Result, Shape};
use smallvec::smallvec;

fn isizes(s: &[usize]) -> Vec<isize> {
    s.iter().map(|&d| d as isize).collect()
}

/// `x` repeated `reps[d]` times along each dimension; `reps` and `x` are
/// aligned at the right, the shorter padded with ones (NumPy).
pub fn tile(x: &Array, reps: &[usize]) -> Result<Array> {
    let nd = x.ndim().max(reps.len());
    let pad = |v: &[usize]| -> Vec<usize> { std::iter::repeat_n(1, nd - v.len()).chain(v.iter().copied()).collect() };
    let (dims, reps) = (pad(x.shape()), pad(reps));
    // (r0, d0, r1, d1, ...): x seen with a 1 before each dimension,
    // broadcast, then merged pairwise.
    let interleaved: Vec<isize> = dims.iter().flat_map(|&d| [1, d as isize]).collect();
    let wide: Vec<usize> = reps.iter().zip(&dims).flat_map(|(&r, &d)| [r, d]).collect();
    let out: Vec<usize> = reps.iter().zip(&dims).map(|(&r, &d)| r.checked_mul(d).ok_or_else(|| Error::Overflow(format!("tile: {r} x {d}")))).collect::<Result<_>>()?;
    numel(&out)?;
    let y = broadcast_to(&reshape(x, &interleaved)?, &wide)?;
    reshape(&y, &isizes(&out))
}

/// The array `repeat` works on and the axis it repeats along: the
/// flattened array for `axis=None`.
fn repeat_axis(x: &Array, axis: Option<isize>) -> Result<(Array, usize)> {
    match axis {
        None => Ok((reshape(x, &[-1])?, 0)),
        Some(_) if x.ndim() == 0 => Err(Error::Value("repeat: a 0-d array has no axis; use axis=None".into())),
        Some(a) => Ok((x.clone(), normalize_axis(a, x.ndim())?)),
    }
}

/// Each element (slice along `axis`; None: of the flattened array)
/// repeated `repeats` times.
pub fn repeat(x: &Array, repeats: usize, axis: Option<isize>) -> Result<Array> {
    let (x, ax) = repeat_axis(x, axis)?;
    let mut inserted = isizes(x.shape());
    inserted.insert(ax + 1, 1);
    let mut wide: Vec<usize> = x.shape().to_vec();
    wide.insert(ax + 1, repeats);
    let mut out = isizes(x.shape());
    out[ax] = x.shape()[ax].checked_mul(repeats).ok_or_else(|| Error::Overflow("repeat: length overflows".into()))? as isize;
    numel(&out.iter().map(|&d| d as usize).collect::<Vec<_>>())?;
    let y = broadcast_to(&reshape(&x, &inserted)?, &wide)?;
    reshape(&y, &out)
}

/// `repeat` with counts from an integer array: one count for every slice
/// along the axis (or a single count for all). The counts are evaluated
/// here, since the result's length is their sum.
pub fn repeat_counts(x: &Array, repeats: &Array, axis: Option<isize>) -> Result<Array> {
    if !repeats.dtype().is_int() {
        return Err(Error::DType(format!("repeat: repeats must have an integer dtype, got {}", repeats.dtype())));
    }
    if repeats.ndim() > 1 {
        return Err(Error::Value(format!("repeat: repeats must be 0-d or 1-d, got shape {:?}", repeats.shape())));
    }
    let counts = astype(repeats, DType::Int64)?;
    let values: Vec<i64> = counts.to_vec()?;
    if let Some(r) = values.iter().find(|&&r| r < 0) {
        return Err(Error::Value(format!("repeat: negative count {r}")));
    }
    if values.len() == 1 {
        return repeat(x, values[0] as usize, axis);
    }
    let (x, ax) = repeat_axis(x, axis)?;
    if values.len() != x.shape()[ax] {
        return Err(Error::Shape(format!("repeat: {} counts for an axis of length {}", values.len(), x.shape()[ax])));
    }
    let total = values.iter().try_fold(0usize, |acc, &r| acc.checked_add(r as usize)).ok_or_else(|| Error::Overflow("repeat: total length overflows".into()))?;
    let mut shape = Shape::from_slice(x.shape());
    shape[ax] = total;
    lazyxp_runtime::shape::byte_size(&shape, x.dtype())?;
    Array::from_node(intern(
        NodeOp::Library(LibraryOp::Repeat { axis: ax as u32 }),
        x.dtype(),
        shape,
        smallvec![x.node.clone(), counts.node.clone()],
        State::Pending,
    ))
}

/// Coordinate grids from 1-D arrays: with `xy` indexing (Cartesian) the
/// first two output dimensions are swapped, with `ij` (matrix) they are
/// in argument order. Each output is a broadcast view of its input.
pub fn meshgrid(arrays: &[&Array], xy: bool) -> Result<Vec<Array>> {
    if let Some(a) = arrays.iter().find(|a| a.ndim() != 1) {
        return Err(Error::Value(format!("meshgrid: inputs must be 1-D, got shape {:?}", a.shape())));
    }
    let n = arrays.len();
    let mut lens: Vec<usize> = arrays.iter().map(|a| a.shape()[0]).collect();
    let pos = |i: usize| if xy && n >= 2 && i < 2 { 1 - i } else { i };
    if xy && n >= 2 {
        lens.swap(0, 1);
    }
    numel(&lens)?;
    arrays
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut s = vec![1isize; n];
            s[pos(i)] = a.shape()[0] as isize;
            broadcast_to(&reshape(a, &s)?, &lens)
        })
        .collect()
}
