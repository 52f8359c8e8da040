//! Two-operand float functions built from exact pieces: nextafter on the
//! bits, hypot as a scaled double-word sum of squares, logaddexp as
//! max + log1p(exp(-|x - y|)).

use super::bits::format;
use super::dw::{two_prod, two_sum};
use super::exp;
use super::log::log1p;
use super::sign::copysign;
use crate::kernel_ir::{BinaryOp, CmpOp, KernelBuilder, UnaryOp, Value};

/// The neighbour of x towards y: the bits step by one away from or towards
/// zero; from 0 the smallest subnormal with y's sign; x == y gives y.
pub fn nextafter(b: &mut KernelBuilder, x: Value, y: Value) -> Value {
    let f = format(b.ty(x));
    let zero = b.fconst(f.ty, 0.0);
    let up = b.cmp(CmpOp::Lt, x, y);
    let pos = b.cmp(CmpOp::Gt, x, zero);
    let away = b.binary(BinaryOp::Xor, up, pos);
    let plus = b.iconst(f.int, 1);
    let minus = b.iconst(f.int, -1);
    let step = b.select(away, minus, plus);
    let xb = b.bitcast(x, f.int);
    let nb = b.add(xb, step);
    let next = b.bitcast(nb, f.ty);
    let tiny = b.bitcast(plus, f.ty);
    let tiny = copysign(b, tiny, y);
    let x_zero = b.cmp(CmpOp::Eq, x, zero);
    let r = b.select(x_zero, tiny, next);
    let eq = b.cmp(CmpOp::Eq, x, y);
    let r = b.select(eq, y, r);
    let x_nan = b.cmp(CmpOp::Ne, x, x);
    let y_nan = b.cmp(CmpOp::Ne, y, y);
    let nan = b.binary(BinaryOp::Or, x_nan, y_nan);
    let sum = b.add(x, y);
    b.select(nan, sum, r)
}

/// sqrt(x^2 + y^2) without spurious overflow or underflow: both are
/// scaled by the power of two of the larger (clamped so the scale and its
/// inverse stay normal), squares and their sum are double-words, and the
/// square root gets one Newton correction from the fma residual.
pub fn hypot(b: &mut KernelBuilder, x: Value, y: Value) -> Value {
    let f = format(b.ty(x));
    let ty = f.ty;
    let is64 = f.mant == 52;
    let ax = b.unary(UnaryOp::Abs, x);
    let ay = b.unary(UnaryOp::Abs, y);
    let big = b.binary(BinaryOp::Max, ax, ay);
    let exp_mask = b.iconst(f.int, if is64 { 0x7FF0_0000_0000_0000 } else { 0x7F80_0000 });
    let bb = b.bitcast(big, f.int);
    let pb = b.binary(BinaryOp::And, bb, exp_mask);
    let p = b.bitcast(pb, ty);
    let (lo, hi) = if is64 { (2f64.powi(-1000), 2f64.powi(1000)) } else { (2f64.powi(-100), 2f64.powi(100)) };
    let lo = b.fconst(ty, lo);
    let hi = b.fconst(ty, hi);
    let p = b.binary(BinaryOp::Max, p, lo);
    let p = b.binary(BinaryOp::Min, p, hi);
    // 2^-e from 2^e: the biased exponents sum to 2 * bias.
    let two_bias = b.iconst(f.int, if is64 { 0x7FE0_0000_0000_0000 } else { 0x7F00_0000 });
    let pbits = b.bitcast(p, f.int);
    let ib = b.sub(two_bias, pbits);
    let inv = b.bitcast(ib, ty);
    let sx = b.mul(ax, inv);
    let sy = b.mul(ay, inv);
    let (xh, xl) = two_prod(b, sx, sx);
    let (yh, yl) = two_prod(b, sy, sy);
    let (s, se) = two_sum(b, xh, yh);
    let l = b.add(xl, yl);
    let l = b.add(se, l);
    let r = b.unary(UnaryOp::Sqrt, s);
    let nr = b.unary(UnaryOp::Neg, r);
    let res = b.fma(nr, r, s);
    let res = b.add(res, l);
    let r2 = b.add(r, r);
    let corr = b.div(res, r2);
    let zero = b.fconst(ty, 0.0);
    let r_zero = b.cmp(CmpOp::Eq, r, zero);
    let corr = b.select(r_zero, zero, corr);
    let h = b.add(r, corr);
    let h = b.mul(h, p);
    // An infinite operand wins over a NaN one (the standard's rule).
    let inf = b.fconst(ty, f64::INFINITY);
    let x_inf = b.cmp(CmpOp::Eq, ax, inf);
    let y_inf = b.cmp(CmpOp::Eq, ay, inf);
    let any_inf = b.binary(BinaryOp::Or, x_inf, y_inf);
    b.select(any_inf, inf, h)
}

/// log(exp(x) + exp(y)) = max + log1p(exp(-|x - y|)); equal infinities
/// give themselves (their difference is NaN).
pub fn logaddexp(b: &mut KernelBuilder, x: Value, y: Value) -> Value {
    let ty = b.ty(x);
    let m = b.binary(BinaryOp::Max, x, y);
    let d = b.sub(x, y);
    let d = b.unary(UnaryOp::Abs, d);
    let nd = b.unary(UnaryOp::Neg, d);
    let e = exp::exp(b, nd);
    let l = log1p(b, e);
    let r = b.add(m, l);
    let eq = b.cmp(CmpOp::Eq, x, y);
    let inf = b.fconst(ty, f64::INFINITY);
    let ax = b.unary(UnaryOp::Abs, x);
    let x_inf = b.cmp(CmpOp::Eq, ax, inf);
    let same_inf = b.binary(BinaryOp::And, eq, x_inf);
    b.select(same_inf, x, r)
}
