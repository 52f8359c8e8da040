//! Selecting elements by data: `take`, `take_along_axis`, integer-array
//! indexing (`x[i, j]`, `x[i, :, j]` with integer arrays: a view, then one
//! library gather; keys resolved in `array_key.rs`), `nonzero`
//! and boolean-mask indexing (`x[mask]`). `nonzero` and masks have an
//! output length that is the number of true elements, so they evaluate the
//! mask and count it when the node is built; the dumps say so.
//!
//! Index values are checked by the gather kernel when it runs: an index
//! out of range is an `Error::Value` whose message starts with "index".

use crate::array::{eval, Array};
use crate::array_key::{has_arrays, resolve, ArrayIndex};
use crate::elementwise::{astype, broadcast_to};
use crate::manipulation::{expand_dims, index, normalize_axis, permute_dims, reshape, Index};
use crate::statistical::count_nonzero;
use lazyxp_compiler::graph::{intern, NodeOp, State};
use lazyxp_compiler::library::LibraryOp;
use lazyxp_runtime::shape::{broadcast_shapes, byte_size};
use lazyxp_runtime::{DType, Error, Result, Scalar, Shape};
use smallvec::smallvec;

/// Indices as int64. uint64 values past int64's range are clamped to its
/// maximum first (still out of range for any axis, so the gather reports
/// them) instead of wrapping to negative indices that would be valid.
pub(crate) fn int_indices(i: &Array, what: &str) -> Result<Array> {
    if !i.dtype().is_int() {
        return Err(Error::DType(format!("{what}: indices must have an integer dtype, got {}", i.dtype())));
    }
    if i.dtype() == DType::UInt64 {
        let max = Array { node: crate::elementwise::constant(Scalar::U64(i64::MAX as u64))? };
        return astype(&crate::elementwise::minimum(i, &max)?, DType::Int64);
    }
    astype(i, DType::Int64)
}

/// `x[i0, i1, ..., ik-1, ...]` for integer arrays (or 0-d integer arrays
/// standing for integers) over the first `k` axes, broadcast together:
/// the result's shape is their broadcast shape followed by the remaining
/// axes of `x` (NumPy's integer-array indexing).
pub fn take_indices(x: &Array, indices: &[&Array]) -> Result<Array> {
    let k = indices.len();
    if k == 0 {
        return Ok(x.clone());
    }
    if k > x.ndim() {
        return Err(Error::Value(format!("too many indices for an array of dimension {}: {k} given", x.ndim())));
    }
    let mut b = Shape::new();
    for i in indices {
        b = broadcast_shapes(&b, i.shape()).map_err(|e| Error::Shape(format!("index arrays: {e}")))?;
    }
    let idx: Vec<Array> = indices.iter().map(|i| broadcast_to(&int_indices(i, "indexing")?, &b)).collect::<Result<_>>()?;
    gather(x, &idx, 0)
}

/// One library gather: `idx` (int64, one shape `B`) index the consecutive
/// axes of `x` from `axis`, whose dims `B` replaces.
fn gather(x: &Array, idx: &[Array], axis: usize) -> Result<Array> {
    let k = idx.len();
    let b = idx[0].shape();
    let shape: Shape = x.shape()[..axis].iter().chain(b).chain(&x.shape()[axis + k..]).copied().collect();
    byte_size(&shape, x.dtype())?;
    let inputs = std::iter::once(x.node.clone()).chain(idx.iter().map(|i| i.node.clone())).collect();
    let op = LibraryOp::Take { axis: axis as u32, count: k as u32 };
    Array::from_node(intern(NodeOp::Library(op), x.dtype(), shape, inputs, State::Pending))
}

/// `x[key]` for a key that may mix integer arrays with integers, slices,
/// ellipsis and None (`x[i, :, j]`, `x[..., i]`), as NumPy's advanced
/// indexing: the index arrays (integers among them count as 0-d ones)
/// broadcast together to `B`; if they are adjacent in the key, `B`
/// replaces their axes in place, otherwise `B` comes first and the other
/// dims follow in order. A key without arrays is a basic index (a view).
/// The basic part is a view and the arrays one library gather over it.
///
/// Errors: `Error::Index` for too many indices, an integer out of range
/// or index arrays that do not broadcast; an array index out of range is
/// an `Error::Index` when the gather runs (at eval).
pub fn index_arrays(x: &Array, key: &[ArrayIndex]) -> Result<Array> {
    if !has_arrays(key) {
        let basic: Vec<Index> = key.iter().map(|k| match k {
            ArrayIndex::Basic(i) => *i,
            ArrayIndex::Ints(_) => unreachable!("no arrays"),
        }).collect();
        return index(x, &basic);
    }
    let r = resolve(x, key)?;
    let view = index(x, &r.view_key)?;
    if !r.front {
        return gather(&view, &r.arrays, r.view_axes[0]);
    }
    // Not adjacent: the indexed axes first, then one gather at axis 0.
    let rest = (0..view.ndim()).filter(|d| !r.view_axes.contains(d));
    let perm: Vec<isize> = r.view_axes.iter().copied().chain(rest).map(|d| d as isize).collect();
    gather(&permute_dims(&view, &perm)?, &r.arrays, 0)
}

/// Elements of `x` at `indices` along `axis` (None: of the flattened
/// array). The result has `x`'s shape with that axis replaced by the
/// indices' shape; negative indices count from the end.
pub fn take(x: &Array, indices: &Array, axis: Option<isize>) -> Result<Array> {
    let x = match axis {
        None => reshape(x, &[-1])?,
        Some(_) => x.clone(),
    };
    if x.ndim() == 0 {
        return Err(Error::Value("take: x must have at least one dimension".into()));
    }
    let ax = normalize_axis(axis.unwrap_or(0), x.ndim())?;
    let i = int_indices(indices, "take")?;
    if x.shape()[ax] == 0 && i.size() > 0 {
        return Err(Error::Index(format!("index out of bounds: cannot take from an empty axis {ax} (shape {:?})", x.shape())));
    }
    let shape: Shape = x.shape()[..ax].iter().chain(i.shape()).chain(&x.shape()[ax + 1..]).copied().collect();
    byte_size(&shape, x.dtype())?;
    let op = LibraryOp::Take { axis: ax as u32, count: 1 };
    Array::from_node(intern(NodeOp::Library(op), x.dtype(), shape, smallvec![x.node.clone(), i.node.clone()], State::Pending))
}

/// `out[.., j, ..] = x[.., indices[.., j, ..], ..]` along `axis`; `x` and
/// `indices` have the same rank and broadcast in every other dimension.
pub fn take_along_axis(x: &Array, indices: &Array, axis: isize) -> Result<Array> {
    if x.ndim() != indices.ndim() {
        return Err(Error::Shape(format!("take_along_axis: x {:?} and indices {:?} must have the same rank", x.shape(), indices.shape())));
    }
    if x.ndim() == 0 {
        return Err(Error::Value("take_along_axis: x must have at least one dimension".into()));
    }
    let ax = normalize_axis(axis, x.ndim())?;
    let i = int_indices(indices, "take_along_axis")?;
    let mut xs = Shape::from_slice(x.shape());
    let mut is = Shape::from_slice(i.shape());
    for d in (0..x.ndim()).filter(|&d| d != ax) {
        let n = match (xs[d], is[d]) {
            (a, b) if a == b => a,
            (1, b) => b,
            (a, 1) => a,
            (a, b) => return Err(Error::Shape(format!("take_along_axis: shapes {:?} and {:?} do not broadcast in dimension {d} ({a} vs {b})", x.shape(), indices.shape()))),
        };
        xs[d] = n;
        is[d] = n;
    }
    if xs[ax] == 0 && is.iter().product::<usize>() > 0 {
        return Err(Error::Index(format!("index out of bounds: cannot take from an empty axis {ax}")));
    }
    let (xb, ib) = (broadcast_to(x, &xs)?, broadcast_to(&i, &is)?);
    byte_size(&is, x.dtype())?;
    let op = LibraryOp::TakeAlongAxis { axis: ax as u32 };
    Array::from_node(intern(NodeOp::Library(op), x.dtype(), is, smallvec![xb.node.clone(), ib.node.clone()], State::Pending))
}

/// The number of true elements of a bool array, evaluated now.
pub(crate) fn count_true(mask: &Array) -> Result<usize> {
    let c = count_nonzero(mask, None, false)?;
    eval(&[mask, &c])?;
    Ok(match c.item()? {
        Scalar::I64(v) => v as usize,
        other => other.as_i128().unwrap_or(0) as usize,
    })
}

/// The `(count, ndim)` int64 coordinates of the true elements of `mask`.
fn nonzero_matrix(mask: &Array) -> Result<Array> {
    let count = count_true(mask)?;
    let shape = smallvec![count, mask.ndim()];
    Array::from_node(intern(NodeOp::Library(LibraryOp::Nonzero { count: count as u64 }), DType::Int64, shape, smallvec![mask.node.clone()], State::Pending))
}

/// The indices of the non-zero elements, one int64 array per dimension,
/// in row-major order. Evaluates `x` (the output length is its count of
/// non-zeros).
pub fn nonzero(x: &Array) -> Result<Vec<Array>> {
    if x.ndim() == 0 {
        return Err(Error::Value("nonzero of a 0-d array is not allowed (use nonzero(atleast_1d(x)))".into()));
    }
    let m = nonzero_matrix(&crate::elementwise::cast(x, DType::Bool)?)?;
    let all = Index::Slice { start: None, stop: None, step: None };
    (0..x.ndim()).map(|d| index(&m, &[all, Index::Int(d as isize)])).collect()
}

/// Whether a bool mask of shape `mask` can index an array of shape `x`: it
/// covers `x`'s leading axes, each as long as `x`'s, except that a mask
/// axis of length 0 fits any length (it selects nothing; NumPy's rule).
pub fn mask_fits(mask: &[usize], x: &[usize]) -> bool {
    mask.len() <= x.len() && mask.iter().zip(x).all(|(&m, &d)| m == d || m == 0)
}

/// The error for a mask that does not `mask_fits`.
pub(crate) fn check_mask(mask: &Array, x: &Array) -> Result<()> {
    if !mask.dtype().is_bool() {
        return Err(Error::DType(format!("a mask must be bool, got {}", mask.dtype())));
    }
    if !mask_fits(mask.shape(), x.shape()) {
        return Err(Error::Shape(format!("boolean index of shape {:?} does not match array of shape {:?}", mask.shape(), x.shape())));
    }
    Ok(())
}

/// `x[mask]`: the elements (rows) of `x` where the bool `mask`, whose
/// shape is `x`'s leading dimensions, is true; shape `(count,) + rest`.
/// Evaluates the mask.
pub fn mask_index(x: &Array, mask: &Array) -> Result<Array> {
    check_mask(mask, x)?;
    let k = mask.ndim();
    if mask.shape() != &x.shape()[..k] {
        // A mask axis of length 0 against a longer one: nothing selected.
        let shape: Vec<isize> = std::iter::once(0).chain(x.shape()[k..].iter().map(|&d| d as isize)).collect();
        return reshape(&index(x, &[Index::Slice { start: Some(0), stop: Some(0), step: None }])?, &shape);
    }
    if k == 0 {
        // x[True] adds an axis of 1, x[False] one of 0 (NumPy).
        let e = expand_dims(x, 0)?;
        let keep = count_true(mask)? as isize;
        return index(&e, &[Index::Slice { start: Some(0), stop: Some(keep), step: None }]);
    }
    let m = nonzero_matrix(mask)?;
    let all = Index::Slice { start: None, stop: None, step: None };
    let cols: Vec<Array> = (0..k).map(|d| index(&m, &[all, Index::Int(d as isize)])).collect::<Result<_>>()?;
    take_indices(x, &cols.iter().collect::<Vec<_>>())
}
