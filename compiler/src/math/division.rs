//! NumPy's floor_divide and remainder on top of the truncating `div` and
//! `rem` primitives (for floats `rem` is C's exact fmod).
//!
//! Integers: the truncated quotient moves down by one, and the remainder
//! up by the divisor, when the remainder is nonzero and its sign differs
//! from the divisor's; division by zero gives 0 for both (NumPy's answer,
//! without a trap: the primitives define it).
//!
//! Floats follow NumPy's npy_divmod step for step: mod = fmod(a, b),
//! div = (a - mod)/b, the same sign adjustment, a zero remainder takes the
//! divisor's sign, the quotient is floor(div) rounded up when div is more
//! than 1/2 above it, a zero quotient takes the sign of a/b, and b = 0
//! gives a/b and NaN. One exception, where the standard has a rule and
//! NumPy differs: an infinite operand gives the quotient x/y (inf // 2 =
//! inf and -1 // inf = -0, where NumPy gives NaN and -1).

use super::sign::copysign;
use crate::kernel_ir::{BinaryOp, CmpOp, KernelBuilder, UnaryOp, Value};
use lazyxp_runtime::{DType, Scalar};

/// Whether the remainder must be moved into the divisor's sign.
fn needs_adjust(b: &mut KernelBuilder, r: Value, d: Value, zero: Value) -> Value {
    let nz = b.cmp(CmpOp::Ne, r, zero);
    let rn = b.cmp(CmpOp::Lt, r, zero);
    let dn = b.cmp(CmpOp::Lt, d, zero);
    let differ = b.binary(BinaryOp::Xor, rn, dn);
    b.binary(BinaryOp::And, nz, differ)
}

fn zero_of(b: &mut KernelBuilder, ty: DType) -> Value {
    b.konst(Scalar::from_bits(ty, 0))
}

fn int_divmod(b: &mut KernelBuilder, x: Value, y: Value) -> (Value, Value) {
    let ty = b.ty(x);
    let q = b.binary(BinaryOp::Div, x, y);
    let r = b.binary(BinaryOp::Rem, x, y);
    if !ty.is_signed_int() {
        return (q, r);
    }
    let zero = zero_of(b, ty);
    let adj = needs_adjust(b, r, y, zero);
    let one = b.iconst(ty, 1);
    let qm = b.sub(q, one);
    let rp = b.add(r, y);
    (b.select(adj, qm, q), b.select(adj, rp, r))
}

/// fmod moved into the divisor's sign, with the divisor's sign on zero.
fn float_remainder(b: &mut KernelBuilder, x: Value, y: Value) -> Value {
    let ty = b.ty(x);
    let zero = b.fconst(ty, 0.0);
    let m = b.binary(BinaryOp::Rem, x, y);
    let adj = needs_adjust(b, m, y, zero);
    let mp = b.add(m, y);
    let m2 = b.select(adj, mp, m);
    let m_zero = b.cmp(CmpOp::Eq, m2, zero);
    let signed_zero = copysign(b, zero, y);
    b.select(m_zero, signed_zero, m2)
}

/// The floor quotient of floats, NumPy's npy_divmod.
fn float_floor_divide(b: &mut KernelBuilder, x: Value, y: Value) -> Value {
    let ty = b.ty(x);
    let zero = b.fconst(ty, 0.0);
    let one = b.fconst(ty, 1.0);
    let half = b.fconst(ty, 0.5);
    let m = b.binary(BinaryOp::Rem, x, y);
    let xm = b.sub(x, m);
    let div = b.div(xm, y);
    let adj = needs_adjust(b, m, y, zero);
    let dm = b.sub(div, one);
    let div = b.select(adj, dm, div);
    let fl = b.unary(UnaryOp::Floor, div);
    let frac = b.sub(div, fl);
    let up = b.cmp(CmpOp::Gt, frac, half);
    let fl1 = b.add(fl, one);
    let fl = b.select(up, fl1, fl);
    let quot = b.div(x, y);
    let q_zero_v = copysign(b, zero, quot);
    let div_zero = b.cmp(CmpOp::Eq, div, zero);
    let q = b.select(div_zero, q_zero_v, fl);
    let y_zero = b.cmp(CmpOp::Eq, y, zero);
    let q = b.select(y_zero, quot, q);
    // The standard (unlike NumPy, which gives NaN and -1) wants an
    // infinite operand to give x/y: inf // 2 = inf, -1 // inf = -0.
    let inf = b.fconst(ty, f64::INFINITY);
    let ax = b.unary(UnaryOp::Abs, x);
    let ay = b.unary(UnaryOp::Abs, y);
    let x_inf = b.cmp(CmpOp::Eq, ax, inf);
    let y_inf = b.cmp(CmpOp::Eq, ay, inf);
    let any_inf = b.binary(BinaryOp::Or, x_inf, y_inf);
    b.select(any_inf, quot, q)
}

pub fn floor_divide(b: &mut KernelBuilder, x: Value, y: Value) -> Value {
    if b.ty(x).is_float() {
        float_floor_divide(b, x, y)
    } else {
        int_divmod(b, x, y).0
    }
}

pub fn remainder(b: &mut KernelBuilder, x: Value, y: Value) -> Value {
    if b.ty(x).is_float() {
        float_remainder(b, x, y)
    } else {
        int_divmod(b, x, y).1
    }
}
