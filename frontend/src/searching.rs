//! argmax and argmin: the first index of the extreme, as int64 (a library
//! scan over the materialized operand).

use crate::array::Array;
use crate::manipulation::{normalize_axis, reshape};
use lazyxp_compiler::graph::{intern, NodeOp, State};
use lazyxp_compiler::library::LibraryOp;
use lazyxp_runtime::{DType, Error, Result, Shape};
use smallvec::smallvec;

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
    let node = intern(NodeOp::Library(LibraryOp::ArgExtreme { max, axis: axis.map(|a| a as u32) }), DType::Int64, kept.clone(), smallvec![x.node.clone()], State::Pending);
    let r = Array::from_node(node)?;
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
