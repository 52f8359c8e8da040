//! Views and reshapes: index transforms of the graph, never copies. A view
//! of a view composes into one map, so any chain of transposes, slices and
//! broadcasts is one strided read in the kernel that consumes it.

use crate::array::Array;
use lazyxp_compiler::graph::{intern, InDim, NodeOp, State, ViewMap};
use lazyxp_runtime::shape::{byte_size, can_broadcast_to, numel};
use lazyxp_runtime::{Error, Result, Shape};
use smallvec::{smallvec, SmallVec};

/// `x` seen through `map` with shape `shape`; composes with a view below.
fn view(x: &Array, map: ViewMap, shape: Shape) -> Result<Array> {
    if map.is_identity(shape.len()) && shape.as_slice() == x.shape() {
        return Ok(x.clone());
    }
    byte_size(&shape, x.dtype())?;
    let inputs = x.node.inputs();
    let (base, map) = match (&x.node.op, inputs.first()) {
        (NodeOp::View(inner), Some(base)) => (base.clone(), inner.after(&map)),
        _ => (x.node.clone(), map),
    };
    if map.is_identity(shape.len()) && shape.as_slice() == base.shape.as_slice() {
        return Ok(Array { node: base });
    }
    Array::from_node(intern(NodeOp::View(map), x.dtype(), shape, smallvec![base], State::Pending))
}

/// Normalizes a possibly negative axis for an array of `ndim` dimensions.
pub(crate) fn normalize_axis(axis: isize, ndim: usize) -> Result<usize> {
    let a = if axis < 0 { axis + ndim as isize } else { axis };
    if a < 0 || a >= ndim as isize {
        return Err(Error::Value(format!("axis {axis} is out of bounds for an array of dimension {ndim}")));
    }
    Ok(a as usize)
}

fn dim(src: usize, offset: isize, step: isize) -> InDim {
    InDim { src: Some(src as u32), offset, step }
}
fn fixed(offset: isize) -> InDim {
    InDim { src: None, offset, step: 0 }
}

/// `x` viewed at `shape` by the standard's broadcasting rule.
pub fn broadcast_to(x: &Array, shape: &[usize]) -> Result<Array> {
    if x.shape() == shape {
        return Ok(x.clone());
    }
    if !can_broadcast_to(x.shape(), shape) {
        return Err(Error::Shape(format!("cannot broadcast shape {:?} to {:?}", x.shape(), shape)));
    }
    let lead = shape.len() - x.ndim();
    let dims = x
        .shape()
        .iter()
        .enumerate()
        .map(|(e, &n)| if n == 1 && shape[lead + e] != 1 { fixed(0) } else { dim(lead + e, 0, 1) })
        .collect();
    view(x, ViewMap { dims }, Shape::from_slice(shape))
}

/// Reorders dimensions: output dimension `d` is input dimension `axes[d]`.
pub fn permute_dims(x: &Array, axes: &[isize]) -> Result<Array> {
    let n = x.ndim();
    if axes.len() != n {
        return Err(Error::Value(format!("permute_dims: {} axes given for an array of dimension {n}", axes.len())));
    }
    let axes: Vec<usize> = axes.iter().map(|&a| normalize_axis(a, n)).collect::<Result<_>>()?;
    let mut seen = vec![false; n];
    for &a in &axes {
        if std::mem::replace(&mut seen[a], true) {
            return Err(Error::Value(format!("permute_dims: repeated axis in {axes:?}")));
        }
    }
    let mut dims: SmallVec<[InDim; 4]> = SmallVec::from_elem(fixed(0), n);
    for (d, &a) in axes.iter().enumerate() {
        dims[a] = dim(d, 0, 1);
    }
    let shape = axes.iter().map(|&a| x.shape()[a]).collect();
    view(x, ViewMap { dims }, shape)
}

/// Swaps the last two dimensions.
pub fn matrix_transpose(x: &Array) -> Result<Array> {
    let n = x.ndim();
    if n < 2 {
        return Err(Error::Value(format!("matrix_transpose needs at least 2 dimensions, got shape {:?}", x.shape())));
    }
    let mut axes: Vec<isize> = (0..n as isize).collect();
    axes.swap(n - 2, n - 1);
    permute_dims(x, &axes)
}

/// Moves axes `source` to positions `destination`, others keep their order.
pub fn moveaxis(x: &Array, source: &[isize], destination: &[isize]) -> Result<Array> {
    let n = x.ndim();
    if source.len() != destination.len() {
        return Err(Error::Value("moveaxis: source and destination must have the same length".into()));
    }
    let src: Vec<usize> = source.iter().map(|&a| normalize_axis(a, n)).collect::<Result<_>>()?;
    let dst: Vec<usize> = destination.iter().map(|&a| normalize_axis(a, n)).collect::<Result<_>>()?;
    let mut order: Vec<Option<usize>> = vec![None; n];
    for (&s, &d) in src.iter().zip(&dst) {
        if order[d].replace(s).is_some() {
            return Err(Error::Value("moveaxis: repeated destination axis".into()));
        }
    }
    let mut rest = (0..n).filter(|a| !src.contains(a));
    let axes: Vec<isize> = order.into_iter().map(|o| o.or_else(|| rest.next()).unwrap() as isize).collect();
    permute_dims(x, &axes)
}

/// Inserts a size-1 dimension at `axis` (of the result).
pub fn expand_dims(x: &Array, axis: isize) -> Result<Array> {
    let n = x.ndim();
    let a = normalize_axis(axis, n + 1)?;
    let dims = (0..n).map(|e| dim(if e < a { e } else { e + 1 }, 0, 1)).collect();
    let mut shape = Shape::from_slice(x.shape());
    shape.insert(a, 1);
    view(x, ViewMap { dims }, shape)
}

/// Removes size-1 dimensions `axes`; removing a larger one is an error.
pub fn squeeze(x: &Array, axes: &[isize]) -> Result<Array> {
    let n = x.ndim();
    let axes: Vec<usize> = axes.iter().map(|&a| normalize_axis(a, n)).collect::<Result<_>>()?;
    for &a in &axes {
        if x.shape()[a] != 1 {
            return Err(Error::Value(format!("cannot squeeze axis {a} of size {} (shape {:?})", x.shape()[a], x.shape())));
        }
    }
    let mut next = 0;
    let mut dims: SmallVec<[InDim; 4]> = SmallVec::new();
    let mut shape = Shape::new();
    for e in 0..n {
        if axes.contains(&e) {
            dims.push(fixed(0));
        } else {
            dims.push(dim(next, 0, 1));
            shape.push(x.shape()[e]);
            next += 1;
        }
    }
    view(x, ViewMap { dims }, shape)
}

/// Reverses the order of elements along `axes` (all axes when `None`).
pub fn flip(x: &Array, axes: Option<&[isize]>) -> Result<Array> {
    let n = x.ndim();
    let axes: Vec<usize> = match axes {
        Some(a) => a.iter().map(|&a| normalize_axis(a, n)).collect::<Result<_>>()?,
        None => (0..n).collect(),
    };
    let dims = (0..n)
        .map(|e| {
            let len = x.shape()[e] as isize;
            if axes.contains(&e) && len > 0 { dim(e, len - 1, -1) } else { dim(e, 0, 1) }
        })
        .collect();
    view(x, ViewMap { dims }, Shape::from_slice(x.shape()))
}

/// One entry of a basic index: the standard's integers, slices, `None`
/// (new axis) and ellipsis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Index {
    Int(isize),
    Slice { start: Option<isize>, stop: Option<isize>, step: Option<isize> },
    NewAxis,
    Ellipsis,
}

/// Python's slice semantics: `(start, step, count)` over a dimension of `len`.
pub(crate) fn slice_range(start: Option<isize>, stop: Option<isize>, step: Option<isize>, len: usize) -> Result<(isize, isize, usize)> {
    let step = step.unwrap_or(1);
    if step == 0 {
        return Err(Error::Value("slice step cannot be zero".into()));
    }
    let n = len as isize;
    let clamp = |v: isize, lo: isize, hi: isize| v.max(lo).min(hi);
    let norm = |v: isize| if v < 0 { v + n } else { v };
    let (lo, hi) = if step > 0 { (0, n) } else { (-1, n - 1) };
    let start = start.map_or(if step > 0 { lo } else { hi }, |s| clamp(norm(s), lo, hi));
    let stop = stop.map_or(if step > 0 { hi } else { lo }, |s| clamp(norm(s), lo, hi));
    let count = if step > 0 { (stop - start + step - 1) / step } else { (start - stop - step - 1) / (-step) };
    Ok((start, step, count.max(0) as usize))
}

/// Basic indexing (`x[1, ::2, None, ...]`) as a view.
pub fn index(x: &Array, idx: &[Index]) -> Result<Array> {
    let n = x.ndim();
    let ellipses = idx.iter().filter(|i| matches!(i, Index::Ellipsis)).count();
    if ellipses > 1 {
        return Err(Error::Value("an index can only have a single ellipsis".into()));
    }
    let consuming = idx.iter().filter(|i| matches!(i, Index::Int(_) | Index::Slice { .. })).count();
    if consuming > n {
        return Err(Error::Index(format!("too many indices for an array of dimension {n}: {consuming} given")));
    }
    let mut expanded: Vec<Index> = Vec::with_capacity(n + idx.len());
    for &i in idx {
        if i == Index::Ellipsis {
            expanded.extend(std::iter::repeat_n(Index::Slice { start: None, stop: None, step: None }, n - consuming));
        } else {
            expanded.push(i);
        }
    }
    if ellipses == 0 {
        expanded.extend(std::iter::repeat_n(Index::Slice { start: None, stop: None, step: None }, n - consuming));
    }
    let mut dims: SmallVec<[InDim; 4]> = SmallVec::new();
    let mut shape = Shape::new();
    let mut e = 0;
    for i in expanded {
        match i {
            Index::NewAxis => shape.push(1),
            Index::Int(v) => {
                let len = x.shape()[e] as isize;
                let p = if v < 0 { v + len } else { v };
                if p < 0 || p >= len {
                    return Err(Error::Index(format!("index {v} is out of bounds for axis {e} with size {len}")));
                }
                dims.push(fixed(p));
                e += 1;
            }
            Index::Slice { start, stop, step } => {
                let (s, st, count) = slice_range(start, stop, step, x.shape()[e])?;
                dims.push(if count == 0 { fixed(0) } else { dim(shape.len(), s, st) });
                shape.push(count);
                e += 1;
            }
            Index::Ellipsis => unreachable!("expanded above"),
        }
    }
    view(x, ViewMap { dims }, shape)
}

/// The same elements in row-major order with a new shape (one dimension
/// may be -1). No copy when the data is row-major; otherwise the fusion
/// plan shows the copy and why.
pub fn reshape(x: &Array, shape: &[isize]) -> Result<Array> {
    let total = x.size();
    let unknown = shape.iter().filter(|&&d| d == -1).count();
    if unknown > 1 || shape.iter().any(|&d| d < -1) {
        return Err(Error::Value(format!("reshape: invalid shape {shape:?}")));
    }
    let known: usize = numel(&shape.iter().filter(|&&d| d != -1).map(|&d| d as usize).collect::<Vec<_>>())?;
    let new: Shape = shape
        .iter()
        .map(|&d| {
            if d == -1 {
                if known == 0 { 0 } else { total / known }
            } else {
                d as usize
            }
        })
        .collect();
    if numel(&new)? != total {
        return Err(Error::Shape(format!("cannot reshape array of shape {:?} ({total} elements) into shape {shape:?}", x.shape())));
    }
    if new.as_slice() == x.shape() {
        return Ok(x.clone());
    }
    if let (NodeOp::Reshape, Some(base)) = (&x.node.op, x.node.inputs().first()) {
        return Array::from_node(intern(NodeOp::Reshape, x.dtype(), new, smallvec![base.clone()], State::Pending));
    }
    Array::from_node(intern(NodeOp::Reshape, x.dtype(), new, smallvec![x.node.clone()], State::Pending))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_slice_rules() {
        assert_eq!(slice_range(None, None, None, 5).unwrap(), (0, 1, 5));
        assert_eq!(slice_range(None, None, Some(-1), 5).unwrap(), (4, -1, 5));
        assert_eq!(slice_range(Some(1), Some(-1), Some(2), 6).unwrap(), (1, 2, 2));
        assert_eq!(slice_range(Some(10), None, None, 3).unwrap().2, 0);
        assert_eq!(slice_range(Some(-100), Some(2), None, 3).unwrap(), (0, 1, 2));
        assert_eq!(slice_range(None, Some(-100), Some(-2), 5).unwrap(), (4, -2, 3));
        assert!(slice_range(None, None, Some(0), 3).is_err());
    }
}
