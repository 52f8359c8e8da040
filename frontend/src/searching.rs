//! argmax and argmin: the first index of the extreme, as int64.
//!
//! They are two fused reductions, so they fuse with their producers like
//! any reduction (`argmax(x*x)` reads x and allocates nothing of its
//! size): the extreme `m` along the axis, then the smallest index `i` with
//! `x[i] == m` (or `x[i]` NaN: `max`/`min` propagate NaN, so then the first
//! NaN wins, as in NumPy). Along the last axis the two are one row kernel
//! reading each row twice from cache. The index is an int64 `arange` of the
//! axis length broadcast over the array, so a full reduction of a very
//! long array (where that index would be as long as the array) keeps the
//! library's one-pass scan instead.

use crate::array::Array;
use crate::creation::asarray;
use crate::elementwise::{astype, broadcast_to, equal, isnan, logical_or, scalar_like, where_};
use crate::manipulation::{normalize_axis, reshape};
use crate::statistical::{max, min};
use lazyxp_compiler::graph::{intern, NodeOp, State};
use lazyxp_compiler::library::LibraryOp;
use lazyxp_runtime::{DType, Error, Result, Shape};
use smallvec::smallvec;

/// Full reductions longer than this use the library scan (see above).
const FUSED_UP_TO: usize = 1 << 18;

/// The fused form along `axis`, keeping the reduced dimension.
fn fused_along(x: &Array, axis: usize, max_wanted: bool) -> Result<Array> {
    let n = x.shape()[axis];
    let ax = [axis as isize];
    let extreme = if max_wanted { max(x, Some(&ax), true)? } else { min(x, Some(&ax), true)? };
    let mut hit = equal(x, &extreme)?;
    if x.dtype().is_float() {
        hit = logical_or(&hit, &isnan(x)?)?;
    }
    // A leaf of the broadcastable shape, so the index is read in place,
    // in an integer type as wide as x's elements: a kernel of one element
    // size runs in vectors (int32 beside 4-byte values, int64 beside 8-byte
    // ones, whose min is a compare and a blend where a float64 index's
    // NaN-exact min took twice as long), and only the result becomes int64.
    let along: Vec<usize> = (0..x.ndim()).map(|d| if d == axis { n } else { 1 }).collect();
    let index = match x.dtype() {
        DType::Float64 | DType::Int64 | DType::UInt64 => asarray(&(0..n as i64).collect::<Vec<_>>(), &along)?,
        _ if n <= i32::MAX as usize => asarray(&(0..n as i32).collect::<Vec<_>>(), &along)?,
        _ => asarray(&(0..n as i64).collect::<Vec<_>>(), &along)?,
    };
    let index = broadcast_to(&index, x.shape())?;
    let none = scalar_like(&index, n as i64)?;
    astype(&min(&where_(&hit, &index, &none)?, Some(&ax), true)?, DType::Int64)
}

fn arg_extreme(x: &Array, axis: Option<isize>, keepdims: bool, max: bool) -> Result<Array> {
    let what = if max { "argmax" } else { "argmin" };
    if x.dtype().is_complex() {
        return Err(Error::DType(format!("{what} is not defined for complex arrays")));
    }
    let axis = axis.map(|a| normalize_axis(a, x.ndim())).transpose()?;
    let len = axis.map_or(x.size(), |a| x.shape()[a]);
    if len == 0 {
        return Err(Error::Value(format!("{what} of an empty sequence (shape {:?}, axis {axis:?})", x.shape())));
    }
    let kept: Shape = match axis {
        None => Shape::new(),
        Some(a) => x.shape().iter().enumerate().map(|(d, &n)| if d == a { 1 } else { n }).collect(),
    };
    let r = match axis {
        Some(a) => fused_along(x, a, max)?,
        None if x.size() <= FUSED_UP_TO => reshape(&fused_along(&reshape(x, &[-1])?, 0, max)?, &[])?,
        None => Array::from_node(intern(NodeOp::Library(LibraryOp::ArgExtreme { max, axis: None }), DType::Int64, kept.clone(), smallvec![x.node.clone()], State::Pending))?,
    };
    let shape: Vec<isize> = match (axis, keepdims) {
        (None, true) => vec![1; x.ndim()],
        (None, false) => vec![],
        (Some(_), true) => kept.iter().map(|&n| n as isize).collect(),
        (Some(a), false) => kept.iter().enumerate().filter(|(d, _)| *d != a).map(|(_, &n)| n as isize).collect(),
    };
    reshape(&r, &shape)
}

/// Index of the first largest element (along `axis`, or of the flattened
/// array); a NaN counts as the largest, so the first NaN wins (NumPy).
pub fn argmax(x: &Array, axis: Option<isize>, keepdims: bool) -> Result<Array> {
    arg_extreme(x, axis, keepdims, true)
}

/// Index of the first smallest element; the first NaN wins (NumPy).
pub fn argmin(x: &Array, axis: Option<isize>, keepdims: bool) -> Result<Array> {
    arg_extreme(x, axis, keepdims, false)
}
