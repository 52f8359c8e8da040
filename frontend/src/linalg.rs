//! Linear algebra of the standard: matmul (a library GEMM kernel, with the
//! elementwise work around it fused on either side), tensordot and vecdot.

use crate::array::Array;
use crate::elementwise::{astype, multiply};
use crate::manipulation::{broadcast_to, expand_dims, normalize_axis, permute_dims, reshape, squeeze};
use crate::promotion::result_type;
use crate::statistical::sum;
use lazyxp_compiler::graph::{intern, NodeOp, State};
use lazyxp_compiler::library::LibraryOp;
use lazyxp_runtime::shape::broadcast_shapes;
use lazyxp_runtime::{Error, Result, Shape};
use smallvec::smallvec;

/// The standard's `matmul`: 1-D operands are promoted to matrices and the
/// added dimension removed again; batch dimensions broadcast.
pub fn matmul(a: &Array, b: &Array) -> Result<Array> {
    if a.ndim() == 0 || b.ndim() == 0 {
        return Err(Error::Shape(format!("matmul needs at least 1-D operands, got shapes {:?} and {:?}", a.shape(), b.shape())));
    }
    let dtype = result_type(a.dtype(), b.dtype())?;
    let (a1, b1) = (a.ndim() == 1, b.ndim() == 1);
    let a = if a1 { expand_dims(a, 0)? } else { a.clone() };
    let b = if b1 { expand_dims(b, -1)? } else { b.clone() };
    let (ra, rb) = (a.ndim(), b.ndim());
    let (n, k) = (a.shape()[ra - 2], a.shape()[ra - 1]);
    let (k2, m) = (b.shape()[rb - 2], b.shape()[rb - 1]);
    if k != k2 {
        return Err(Error::Shape(format!(
            "matmul: contracted dimensions differ: {:?} @ {:?} ({k} vs {k2})",
            a.shape(),
            b.shape()
        )));
    }
    let batch = broadcast_shapes(&a.shape()[..ra - 2], &b.shape()[..rb - 2]).map_err(|e| Error::Shape(format!("matmul batch dimensions: {e}")))?;
    let shape_a: Shape = batch.iter().copied().chain([n, k]).collect();
    let shape_b: Shape = batch.iter().copied().chain([k, m]).collect();
    let a = broadcast_to(&astype(&a, dtype)?, &shape_a)?;
    let b = broadcast_to(&astype(&b, dtype)?, &shape_b)?;
    let out: Shape = batch.iter().copied().chain([n, m]).collect();
    lazyxp_runtime::shape::byte_size(&out, dtype)?;
    let r = Array::from_node(intern(NodeOp::Library(LibraryOp::Matmul), dtype, out, smallvec![a.node.clone(), b.node.clone()], State::Pending))?;
    let added: Vec<isize> = [(a1, -2), (b1, -1)].iter().filter(|(was_1d, _)| *was_1d).map(|&(_, ax)| ax).collect();
    squeeze(&r, &added)
}

/// Sum of products over the last `axes` of `a` and the first of `b`.
pub fn tensordot(a: &Array, b: &Array, axes: usize) -> Result<Array> {
    if axes > a.ndim() || axes > b.ndim() {
        return Err(Error::Value(format!("tensordot: {axes} axes for shapes {:?} and {:?}", a.shape(), b.shape())));
    }
    let (ka, kb) = (&a.shape()[a.ndim() - axes..], &b.shape()[..axes]);
    if ka != kb {
        return Err(Error::Shape(format!("tensordot: contracted dimensions {ka:?} and {kb:?} differ")));
    }
    let free_a = &a.shape()[..a.ndim() - axes];
    let free_b = &b.shape()[axes..];
    let k: usize = ka.iter().product();
    let am = reshape(a, &[free_a.iter().product::<usize>() as isize, k as isize])?;
    let bm = reshape(b, &[k as isize, free_b.iter().product::<usize>() as isize])?;
    let out: Vec<isize> = free_a.iter().chain(free_b).map(|&d| d as isize).collect();
    reshape(&matmul(&am, &bm)?, &out)
}

/// Tensordot with explicit axis lists (the standard's sequence form).
pub fn tensordot_axes(a: &Array, b: &Array, axes_a: &[isize], axes_b: &[isize]) -> Result<Array> {
    if axes_a.len() != axes_b.len() {
        return Err(Error::Value("tensordot: axis lists must have the same length".into()));
    }
    let aa: Vec<usize> = axes_a.iter().map(|&x| normalize_axis(x, a.ndim())).collect::<Result<_>>()?;
    let bb: Vec<usize> = axes_b.iter().map(|&x| normalize_axis(x, b.ndim())).collect::<Result<_>>()?;
    let pa: Vec<isize> = (0..a.ndim()).filter(|d| !aa.contains(d)).chain(aa.iter().copied()).map(|d| d as isize).collect();
    let pb: Vec<isize> = bb.iter().copied().chain((0..b.ndim()).filter(|d| !bb.contains(d))).map(|d| d as isize).collect();
    tensordot(&permute_dims(a, &pa)?, &permute_dims(b, &pb)?, aa.len())
}

/// Dot products along `axis` (after broadcasting), as a fused reduction;
/// complex vectors are conjugated first, `sum(conj(a) * b)`, as the
/// standard defines it.
pub fn vecdot(a: &Array, b: &Array, axis: isize) -> Result<Array> {
    let shape = broadcast_shapes(a.shape(), b.shape()).map_err(|e| Error::Shape(format!("vecdot: {e}")))?;
    let ax = normalize_axis(axis, shape.len())?;
    let (la, lb) = (a.shape().len(), b.shape().len());
    let da = ax as isize - (shape.len() - la) as isize;
    let db = ax as isize - (shape.len() - lb) as isize;
    if da < 0 || db < 0 || a.shape()[da as usize] != b.shape()[db as usize] {
        return Err(Error::Shape(format!("vecdot: axis {axis} differs between shapes {:?} and {:?}", a.shape(), b.shape())));
    }
    sum(&multiply(&crate::elementwise::conj(a)?, b)?, Some(&[ax as isize]), false)
}
