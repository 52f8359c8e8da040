//! Sorting (`sort`, `argsort`) and `searchsorted`: library kernels on the
//! materialized operand, with NumPy's order (NaNs last; descending keeps
//! equal elements in their original order, so NaNs come first). Complex
//! numbers sort lexicographically, NumPy's order (the standard leaves it
//! unspecified).

use crate::array::Array;
use crate::elementwise::astype;
use crate::manipulation::normalize_axis;
use crate::promotion::result_type;
use lazyxp_compiler::graph::{intern, NodeOp, State};
use lazyxp_compiler::library::LibraryOp;
use lazyxp_runtime::{DType, Error, Result, Shape};
use smallvec::smallvec;

fn sortable(x: &Array, what: &str) -> Result<()> {
    if x.ndim() == 0 {
        return Err(Error::Value(format!("{what} needs an array of at least one dimension")));
    }
    Ok(())
}

fn sort_node(x: &Array, axis: isize, descending: bool, stable: bool, indices: bool) -> Result<Array> {
    sortable(x, if indices { "argsort" } else { "sort" })?;
    let ax = normalize_axis(axis, x.ndim())? as u32;
    let dtype = if indices { DType::Int64 } else { x.dtype() };
    let op = LibraryOp::Sort { axis: ax, descending, stable, indices };
    Array::from_node(intern(NodeOp::Library(op), dtype, Shape::from_slice(x.shape()), smallvec![x.node.clone()], State::Pending))
}

/// The values sorted along `axis`.
pub fn sort(x: &Array, axis: isize, descending: bool, stable: bool) -> Result<Array> {
    sort_node(x, axis, descending, stable, false)
}

/// The int64 indices that sort `x` along `axis`; always stable.
pub fn argsort(x: &Array, axis: isize, descending: bool, stable: bool) -> Result<Array> {
    sort_node(x, axis, descending, stable, true)
}

/// Where each of `x2` would be inserted into the ascending 1-D `x1` to
/// keep it sorted (before equal values, or after them when `right`);
/// int64 with `x2`'s shape. `sorter` (indices that sort `x1`) reorders
/// `x1` first.
pub fn searchsorted(x1: &Array, x2: &Array, right: bool, sorter: Option<&Array>) -> Result<Array> {
    if x1.ndim() != 1 {
        return Err(Error::Value(format!("searchsorted: x1 must be 1-D, got shape {:?}", x1.shape())));
    }
    let t = result_type(x1.dtype(), x2.dtype())?;
    let x1 = match sorter {
        Some(s) => {
            if s.shape() != x1.shape() {
                return Err(Error::Shape(format!("searchsorted: sorter of shape {:?} for x1 of shape {:?}", s.shape(), x1.shape())));
            }
            crate::indexing::take(x1, s, Some(0))?
        }
        None => x1.clone(),
    };
    let (a, b) = (astype(&x1, t)?, astype(x2, t)?);
    Array::from_node(intern(
        NodeOp::Library(LibraryOp::SearchSorted { right }),
        DType::Int64,
        Shape::from_slice(x2.shape()),
        smallvec![a.node.clone(), b.node.clone()],
        State::Pending,
    ))
}
