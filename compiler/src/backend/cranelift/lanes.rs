//! Which kernels run in SIMD and with how many lanes.
//!
//! Cranelift's x86-64 backend has 128-bit vectors only, and not every
//! operation exists for every lane type (no 64-bit lane conversions or
//! multiplies without AVX-512, shifts by a scalar amount only). A kernel
//! whose every instruction has a vector lowering runs `16 / size` lanes per
//! step; any other kernel runs one element per step. Both paths compute the
//! same bits, so the choice is invisible to the user except in speed.

use crate::kernel_ir::{Access, BinaryOp, CmpOp, Kernel, Op, ReduceOp, UnaryOp};
use lazyxp_runtime::DType;

/// Lanes per step for `k`: 1 for the scalar path.
pub fn choose_lanes(k: &Kernel, has_fma: bool) -> u32 {
    let in_vectors = vector_part(k);
    let Some(size) = common_size(k, &in_vectors) else { return 1 };
    if !matches!(size, 4 | 8) {
        return 1;
    }
    // Bool outputs of elementwise kernels are packed from lane masks to
    // bytes as they are stored (skeleton::mask_to_bytes), and a bool read
    // once (a constant) is splatted as a mask (skeleton::splat); row
    // kernels' bool stores and bool arrays read per element (bytes to
    // widen into masks) still take the scalar path.
    let ok = k.insts.iter().enumerate().filter(|(i, _)| in_vectors[*i]).all(|(_, inst)| vector_ok(k, &inst.op, inst.ty, has_fma))
        && k.inputs.iter().all(|i| !i.dtype.is_bool() || i.access == Access::Scalar)
        && (!k.row_outputs || k.outputs.iter().all(|&v| !k.ty(v).is_bool()));
    if ok {
        16 / size as u32
    } else {
        1
    }
}

/// Which instructions run in vectors: all of an elementwise kernel; in a
/// reduction kernel the inner ones, the reductions, and the per-row values
/// the inner loops use (splatted). The rest of a reduction kernel — what
/// happens to each output element after its reductions, like argmax's
/// final cast to int64 — runs once per row in scalar form, so it may use
/// other element sizes without sending the whole kernel down the scalar
/// path.
pub(super) fn vector_part(k: &Kernel) -> Vec<bool> {
    if !k.is_reduction() {
        return vec![true; k.insts.len()];
    }
    let inner = k.inner_insts();
    let mut part = inner.clone();
    for (i, inst) in k.insts.iter().enumerate() {
        if inner[i] || matches!(inst.op, Op::Reduce(..)) {
            part[i] = true;
            inst.op.for_each_operand(|v| part[v.0 as usize] = true);
        }
    }
    part
}

/// The element size shared by every non-bool value that runs in vectors
/// (and every input), if there is one.
fn common_size(k: &Kernel, in_vectors: &[bool]) -> Option<usize> {
    let mut size = None;
    let types = k.insts.iter().enumerate().filter(|(i, _)| in_vectors[*i]).map(|(_, i)| i.ty).chain(k.inputs.iter().map(|i| i.dtype));
    for t in types {
        if t.is_bool() {
            continue;
        }
        match size {
            None => size = Some(t.size()),
            Some(s) if s != t.size() => return None,
            _ => {}
        }
    }
    size.or(Some(4))
}

fn is_const(k: &Kernel, v: crate::kernel_ir::Value) -> bool {
    matches!(k.insts[v.0 as usize].op, Op::Const(_))
}

fn vector_ok(k: &Kernel, op: &Op, ty: DType, has_fma: bool) -> bool {
    let wide = ty.size() == 8;
    match *op {
        Op::Load(_) | Op::Const(_) | Op::Select(..) | Op::Bitcast(_) => true,
        Op::ColdBegin(..) | Op::ColdEnd(..) => true,
        Op::Unary(u, _) => match u {
            UnaryOp::Abs => ty.is_float() || !wide,
            UnaryOp::Neg | UnaryOp::Not => true,
            _ => ty.is_float(),
        },
        Op::Binary(b, _, y) => match b {
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => true,
            // x86 has no SIMD integer division, and fmod is a call.
            BinaryOp::Div => ty.is_float(),
            BinaryOp::Rem => false,
            // 64-bit integer products have no SSE form; 64-bit min/max
            // are a compare (pcmpgtq) and a blend.
            BinaryOp::Mul => ty.is_float() || !wide,
            BinaryOp::Min | BinaryOp::Max => true,
            // Vector shifts take one shift amount for all lanes.
            BinaryOp::Shl | BinaryOp::Shr => is_const(k, y),
            // Math ops are expanded before this is asked.
            _ => false,
        },
        Op::Fma(..) => has_fma,
        // The fold runs on vectors of accumulators; 64-bit integer products
        // have no SSE form.
        Op::Reduce(r, _) => match r {
            ReduceOp::Mul => ty.is_float() || !wide,
            ReduceOp::Min | ReduceOp::Max | ReduceOp::Add | ReduceOp::And | ReduceOp::Or => true,
        },
        Op::Cmp(c, x, _) => {
            let t = k.ty(x);
            let wide_int = t.is_int() && t.size() == 8;
            !wide_int || t.is_signed_int() || matches!(c, CmpOp::Eq | CmpOp::Ne)
        }
        Op::Cast(a) => {
            let from = k.ty(a);
            from.is_bool()
                || ty.is_bool()
                || (from.size() == ty.size() && !wide && !(from.is_float() && ty.is_float()))
                || from == ty
        }
    }
}
