//! `__setitem__` as a functional update: `x[key] = value` makes a new
//! graph node holding a copy of `x` with the selected elements replaced;
//! the caller rebinds its handle to it, and every other handle on the old
//! node still sees the old values. A basic index (integers, slices,
//! ellipsis; `None` adds nothing) writes a strided region with a library
//! scatter; a boolean mask whose value broadcasts over the selected rows
//! stays elementwise (`where`), and one with a value per selected row is a
//! library scatter after the mask's count is evaluated. A key with integer
//! arrays (`x[i, :, j] = v`) is one library scatter over the selection
//! NumPy's advanced indexing defines (`array_key.rs`).

use crate::array::Array;
use crate::array_key::{has_arrays, resolve, ArrayIndex};
use crate::elementwise::{astype, broadcast_to, where_};
use crate::indexing::count_true;
use crate::manipulation::{index, reshape, slice_range, Index};
use lazyxp_compiler::graph::{intern, NodeOp, State};
use lazyxp_compiler::library::LibraryOp;
use lazyxp_runtime::shape::can_broadcast_to;
use lazyxp_runtime::{Error, Result, Shape};
use smallvec::{smallvec, SmallVec};


/// `x` with `x[key]` replaced by `value` (cast to `x`'s dtype, broadcast
/// to the selection's shape).
pub fn set_index(x: &Array, key: &[Index], value: &Array) -> Result<Array> {
    // Validates the key and gives the shape `value` must broadcast to.
    let target = index(x, key)?;
    if !can_broadcast_to(value.shape(), target.shape()) {
        return Err(Error::Shape(format!("setitem: value of shape {:?} cannot be broadcast to the selection's shape {:?}", value.shape(), target.shape())));
    }
    let n = x.ndim();
    let consuming = key.iter().filter(|i| matches!(i, Index::Int(_) | Index::Slice { .. })).count();
    let full = Index::Slice { start: None, stop: None, step: None };
    let mut expanded: Vec<Index> = Vec::with_capacity(n);
    for &i in key {
        match i {
            Index::Ellipsis => expanded.extend(std::iter::repeat_n(full, n - consuming)),
            Index::NewAxis => {}
            other => expanded.push(other),
        }
    }
    expanded.extend(std::iter::repeat_n(full, n - expanded.len()));
    let mut region: SmallVec<[(isize, isize); 4]> = SmallVec::new();
    let mut counts: Vec<isize> = Vec::with_capacity(n);
    for (d, i) in expanded.iter().enumerate() {
        let len = x.shape()[d];
        match *i {
            Index::Int(v) => {
                region.push((if v < 0 { v + len as isize } else { v }, 0));
                counts.push(1);
            }
            Index::Slice { start, stop, step } => {
                let (s, st, c) = slice_range(start, stop, step, len)?;
                region.push((s, st));
                counts.push(c as isize);
            }
            _ => unreachable!("expanded above"),
        }
    }
    if counts.contains(&0) {
        return Ok(x.clone());
    }
    let v = broadcast_to(&astype(value, x.dtype())?, target.shape())?;
    let v = reshape(&v, &counts)?;
    Array::from_node(intern(
        NodeOp::Library(LibraryOp::SetRegion { region }),
        x.dtype(),
        Shape::from_slice(x.shape()),
        smallvec![x.node.clone(), v.node.clone()],
        State::Pending,
    ))
}

/// `x` with `x[mask] = value`: `mask` is bool with `x`'s leading shape.
pub fn set_mask(x: &Array, mask: &Array, value: &Array) -> Result<Array> {
    crate::indexing::check_mask(mask, x)?;
    let k = mask.ndim();
    let rest = &x.shape()[k..];
    if mask.shape() != &x.shape()[..k] {
        // A mask axis of length 0 against a longer one selects nothing.
        return Ok(x.clone());
    }
    let value = astype(value, x.dtype())?;
    let per_row = value.ndim() > rest.len() && value.shape()[0] != 1;
    if !per_row {
        // The same value for every selected row: elementwise.
        let v = if value.ndim() > rest.len() { reshape(&value, &value.shape()[1..].iter().map(|&d| d as isize).collect::<Vec<_>>())? } else { value };
        if !can_broadcast_to(v.shape(), rest) {
            return Err(Error::Shape(format!("setitem: value of shape {:?} cannot be broadcast to rows of shape {rest:?}", v.shape())));
        }
        let m: Vec<isize> = mask.shape().iter().map(|&d| d as isize).chain(rest.iter().map(|_| 1)).collect();
        return where_(&broadcast_to(&reshape(mask, &m)?, x.shape())?, &broadcast_to(&v, x.shape())?, x);
    }
    let count = count_true(mask)?;
    let rows: Vec<usize> = std::iter::once(count).chain(rest.iter().copied()).collect();
    if !can_broadcast_to(value.shape(), &rows) {
        return Err(Error::Shape(format!("setitem: {count} rows selected, value of shape {:?} does not broadcast to {rows:?}", value.shape())));
    }
    let v = broadcast_to(&value, &rows)?;
    Array::from_node(intern(
        NodeOp::Library(LibraryOp::SetMasked),
        x.dtype(),
        Shape::from_slice(x.shape()),
        smallvec![x.node.clone(), mask.node.clone(), v.node.clone()],
        State::Pending,
    ))
}

/// `x` with `x[key] = value` for a key that may mix integer arrays with
/// integers, slices, ellipsis and None (the selection `index_arrays`
/// reads). `value` is cast to `x`'s dtype and broadcast to the
/// selection's shape. Where index arrays repeat a position, the last
/// write in row-major order of the selection wins (NumPy's assignment).
/// Negative indices count from the end; an index out of range is an
/// `Error::Index` when the scatter runs, found before anything is
/// written. A key without arrays is `set_index`.
pub fn set_index_arrays(x: &Array, key: &[ArrayIndex], value: &Array) -> Result<Array> {
    if !has_arrays(key) {
        let basic: Vec<Index> = key.iter().map(|k| match k {
            ArrayIndex::Basic(i) => *i,
            ArrayIndex::Ints(_) => unreachable!("no arrays"),
        }).collect();
        return set_index(x, &basic, value);
    }
    let r = resolve(x, key)?;
    let target = r.shape();
    if !can_broadcast_to(value.shape(), &target) {
        return Err(Error::Shape(format!("setitem: value of shape {:?} cannot be broadcast to the selection's shape {target:?}", value.shape())));
    }
    if r.b.contains(&0) {
        return Ok(x.clone()); // no index to write at (or to check)
    }
    // The value without the new axes' dims (all 1): the sliced axes of x
    // in order, with the index arrays' dims at `at` among them.
    let sliced_before = |p: usize| (0..p).filter(|&d| !r.new_axis[d] && !r.view_axes.contains(&d)).count();
    let at = if r.front { 0 } else { sliced_before(r.view_axes[0]) };
    let counts: Vec<usize> = (0..r.view_shape.len()).filter(|&d| !r.new_axis[d] && !r.view_axes.contains(&d)).map(|d| r.view_shape[d]).collect();
    let dims: Vec<isize> = counts[..at].iter().chain(&r.b).chain(&counts[at..]).map(|&d| d as isize).collect();
    let v = reshape(&broadcast_to(&astype(value, x.dtype())?, &target)?, &dims)?;
    let op = LibraryOp::SetIndices {
        region: r.region.iter().copied().collect(),
        axes: r.x_axes.iter().map(|&a| a as u32).collect(),
        at: at as u32,
    };
    let inputs = [x.node.clone(), v.node.clone()].into_iter().chain(r.arrays.iter().map(|a| a.node.clone())).collect();
    Array::from_node(intern(NodeOp::Library(op), x.dtype(), Shape::from_slice(x.shape()), inputs, State::Pending))
}
