//! Keys that mix integer arrays with basic indices (`x[i, :, j]`,
//! `x[..., i, None]`), resolved once for both reading and writing.
//!
//! The array API standard (2024.12) requires integer arrays together with
//! integers, broadcast together, and leaves slices, ellipsis and None next
//! to them to the implementation; lazyxp follows NumPy's advanced indexing
//! there. Once a key holds an integer array, every integer in it is an
//! index array too (a 0-d one). A key is split into a basic part (the
//! slices and new axes, a view) and the index arrays (one gather over the
//! axes they index). Where the index arrays are adjacent in the key,
//! their broadcast dims replace them in place; otherwise they go first,
//! followed by the view's other dims in order. Like NumPy, any other entry
//! between them separates them: a slice, `None`, and an ellipsis even
//! where it stands for no axes (`x[:, 0, ..., i]` of a 3-d `x` puts `i`'s
//! dims first).

use crate::array::Array;
use crate::creation::scalar;
use crate::elementwise::broadcast_to;
use crate::indexing::int_indices;
use crate::manipulation::{slice_range, Index};
use lazyxp_runtime::shape::broadcast_shapes;
use lazyxp_runtime::{Error, Result, Scalar, Shape};

/// One entry of a key that may hold integer arrays: a basic index or an
/// integer array (any integer dtype; negative values count from the end).
#[derive(Debug, Clone)]
pub enum ArrayIndex {
    Basic(Index),
    Ints(Array),
}

impl From<Index> for ArrayIndex {
    fn from(i: Index) -> Self {
        ArrayIndex::Basic(i)
    }
}

impl From<Array> for ArrayIndex {
    fn from(a: Array) -> Self {
        ArrayIndex::Ints(a)
    }
}

impl From<&Array> for ArrayIndex {
    fn from(a: &Array) -> Self {
        ArrayIndex::Ints(a.clone())
    }
}

/// A key with at least one integer array, split into a view and a gather.
pub(crate) struct Resolved {
    /// Basic key over every axis of `x` (ellipsis expanded): the key's
    /// slices and new axes, a full slice where an index array goes.
    pub view_key: Vec<Index>,
    /// The view's shape.
    pub view_shape: Shape,
    /// Positions in the view of the axes the index arrays index, ascending.
    pub view_axes: Vec<usize>,
    /// The same axes as axes of `x`.
    pub x_axes: Vec<usize>,
    /// `(start, step)` of each axis of `x` (`(0, 1)` where an array goes).
    pub region: Vec<(isize, isize)>,
    /// Which view dims are new axes (size 1, no axis of `x`).
    pub new_axis: Vec<bool>,
    /// The index arrays as int64, broadcast to `b`.
    pub arrays: Vec<Array>,
    /// The index arrays' broadcast shape.
    pub b: Shape,
    /// The index arrays are not adjacent in the key: their dims go first.
    pub front: bool,
}

impl Resolved {
    /// The selection's shape: the view's with the indexed axes replaced by
    /// `b` (at `at()`).
    pub fn shape(&self) -> Shape {
        let rest: Vec<usize> = (0..self.view_shape.len()).filter(|d| !self.view_axes.contains(d)).collect();
        let at = if self.front { 0 } else { rest.iter().filter(|&&d| d < self.view_axes[0]).count() };
        let dims: Vec<usize> = rest.iter().map(|&d| self.view_shape[d]).collect();
        dims[..at].iter().chain(&self.b).chain(&dims[at..]).copied().collect()
    }
}

/// True if the key holds an integer array (the caller then resolves it
/// here; otherwise it is a basic index).
pub(crate) fn has_arrays(key: &[ArrayIndex]) -> bool {
    key.iter().any(|k| matches!(k, ArrayIndex::Ints(_)))
}

/// Splits `key` (holding at least one integer array) over `x`. Errors as
/// NumPy's: too many indices, several ellipses, an integer out of range
/// and index arrays that do not broadcast are `Error::Index`; a
/// non-integer array is `Error::DType`; a zero slice step `Error::Value`.
pub(crate) fn resolve(x: &Array, key: &[ArrayIndex]) -> Result<Resolved> {
    let n = x.ndim();
    let full = Index::Slice { start: None, stop: None, step: None };
    let ellipses = key.iter().filter(|k| matches!(k, ArrayIndex::Basic(Index::Ellipsis))).count();
    if ellipses > 1 {
        return Err(Error::Index("an index can only have a single ellipsis ('...')".into()));
    }
    let consuming = key.iter().filter(|k| !matches!(k, ArrayIndex::Basic(Index::Ellipsis | Index::NewAxis))).count();
    if consuming > n {
        return Err(Error::Index(format!("too many indices for array: array is {n}-dimensional, but {consuming} were indexed")));
    }
    let mut r = Resolved {
        view_key: Vec::with_capacity(n + key.len()),
        view_shape: Shape::new(),
        view_axes: Vec::new(),
        x_axes: Vec::new(),
        region: Vec::with_capacity(n),
        new_axis: Vec::new(),
        arrays: Vec::new(),
        b: Shape::new(),
        front: false,
    };
    let mut e = 0; // the next axis of x
    let slice = |r: &mut Resolved, e: &mut usize, i: Index| -> Result<()> {
        let Index::Slice { start, stop, step } = i else { unreachable!("slices only") };
        let (s, st, count) = slice_range(start, stop, step, x.shape()[*e])?;
        r.view_key.push(i);
        r.view_shape.push(count);
        r.new_axis.push(false);
        r.region.push((s, st));
        *e += 1;
        Ok(())
    };
    let mut arrays = Vec::new();
    let mut key_pos = Vec::new(); // positions in `key` of the index arrays
    for (p, k) in key.iter().enumerate() {
        let a = match k {
            ArrayIndex::Basic(Index::Ellipsis) => {
                for _ in 0..n - consuming {
                    slice(&mut r, &mut e, full)?;
                }
                continue;
            }
            ArrayIndex::Basic(Index::NewAxis) => {
                r.view_key.push(Index::NewAxis);
                r.view_shape.push(1);
                r.new_axis.push(true);
                continue;
            }
            ArrayIndex::Basic(s @ Index::Slice { .. }) => {
                slice(&mut r, &mut e, *s)?;
                continue;
            }
            ArrayIndex::Basic(Index::Int(v)) => {
                let len = x.shape()[e] as isize;
                if *v < -len || *v >= len {
                    return Err(Error::Index(format!("index {v} is out of bounds for axis {e} with size {len}")));
                }
                scalar(Scalar::I64(*v as i64))?
            }
            ArrayIndex::Ints(a) => int_indices(a, "indexing")?,
        };
        key_pos.push(p);
        r.view_axes.push(r.view_shape.len());
        r.x_axes.push(e);
        arrays.push(a);
        slice(&mut r, &mut e, full)?;
    }
    while e < n {
        slice(&mut r, &mut e, full)?;
    }
    for a in &arrays {
        r.b = broadcast_shapes(&r.b, a.shape())
            .map_err(|_| Error::Index(format!("shape mismatch: indexing arrays could not be broadcast together with shapes {:?}", arrays.iter().map(|a| a.shape().to_vec()).collect::<Vec<_>>())))?;
    }
    r.arrays = arrays.iter().map(|a| broadcast_to(a, &r.b)).collect::<Result<_>>()?;
    // Adjacent in the key (not in the view: an empty ellipsis separates).
    r.front = key_pos.windows(2).any(|w| w[1] != w[0] + 1);
    Ok(r)
}
