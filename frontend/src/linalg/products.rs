//! Products: matmul (a library GEMM kernel, with the elementwise work
//! around it fused on either side), tensordot and vecdot of the main
//! namespace; outer and cross of the linalg extension, which are plain
//! elementwise graphs.

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

/// Outer product of two 1-D arrays: `x1[:, None] * x2[None, :]`.
pub fn outer(x1: &Array, x2: &Array) -> Result<Array> {
    if x1.ndim() != 1 || x2.ndim() != 1 {
        return Err(Error::Shape(format!("outer: expected 1-D arrays, got shapes {:?} and {:?}", x1.shape(), x2.shape())));
    }
    multiply(&expand_dims(x1, 1)?, &expand_dims(x2, 0)?)
}

/// Cross product of 3-element vectors along `axis` (negative, counted
/// from the end, as the standard asks); the other dimensions broadcast.
pub fn cross(x1: &Array, x2: &Array, axis: isize) -> Result<Array> {
    use crate::elementwise::subtract;
    use crate::manipulation::{index, moveaxis, Index};
    if x1.dtype().is_bool() || x2.dtype().is_bool() {
        return Err(Error::DType("cross: expected numeric arrays, got bool".into()));
    }
    if axis >= 0 {
        return Err(Error::Value(format!("cross: axis must be negative (counted from the last), got {axis}")));
    }
    let shape = broadcast_shapes(x1.shape(), x2.shape()).map_err(|e| Error::Shape(format!("cross: {e}")))?;
    let ax = normalize_axis(axis, shape.len())?;
    let along = |x: &Array| {
        let d = x.ndim() as isize + axis;
        (d >= 0).then(|| x.shape()[d as usize])
    };
    if along(x1) != Some(3) || along(x2) != Some(3) {
        return Err(Error::Shape(format!("cross: axis {axis} must have size 3 in both operands, got shapes {:?} and {:?}", x1.shape(), x2.shape())));
    }
    let dtype = result_type(x1.dtype(), x2.dtype())?;
    let part = |x: &Array, i: isize| -> Result<Array> {
        let x = moveaxis(&broadcast_to(&astype(x, dtype)?, &shape)?, &[ax as isize], &[-1])?;
        index(&x, &[Index::Ellipsis, Index::Int(i)])
    };
    let (a, b) = ([part(x1, 0)?, part(x1, 1)?, part(x1, 2)?], [part(x2, 0)?, part(x2, 1)?, part(x2, 2)?]);
    let term = |i: usize, j: usize| -> Result<Array> { subtract(&multiply(&a[i], &b[j])?, &multiply(&a[j], &b[i])?) };
    let parts = [term(1, 2)?, term(2, 0)?, term(0, 1)?];
    crate::joining::stack(&[&parts[0], &parts[1], &parts[2]], ax as isize)
}
