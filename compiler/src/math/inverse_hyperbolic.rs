//! asinh, acosh, atanh as log1p of an argument that has no cancellation,
//! the fdlibm formulas without their branches:
//!
//! * asinh(a) = log1p(a + a^2 / (1 + sqrt(1 + a^2))), and ln 2 + log(a)
//!   once a^2 would swamp 1 (a > 2^28, 2^12 for f32), where log(a) is
//!   log1p(a - 1) (exact there) so one log expansion serves both;
//! * acosh(x) = log1p(t + sqrt(2t + t^2)) with t = x - 1 (exact), and
//!   ln 2 + log(x) for large x likewise;
//! * atanh(a) = log1p(2a + 2a * a/(1 - a)) / 2, which equals 2a/(1-a)
//!   without its cancellation for small a.
//!
//! The odd ones get the argument's sign back from its bits, so -0 -> -0.

use super::dw::fast_two_sum;
use super::log::{log1p, log1p_dw};
use super::sign::with_sign_of;
use crate::kernel_ir::{CmpOp, KernelBuilder, UnaryOp, Value};
use lazyxp_runtime::DType;

fn big_threshold(ty: DType) -> f64 {
    if ty == DType::Float64 {
        268435456.0
    } else {
        4096.0
    }
}

/// log1p(select(big, v - 1, w + wl)) + (ln 2 if big): log(2v) for big v.
fn log1p_or_log2x(b: &mut KernelBuilder, big: Value, v: Value, w: Value, wl: Option<Value>) -> Value {
    let ty = b.ty(v);
    let one = b.fconst(ty, 1.0);
    let vm1 = b.sub(v, one);
    let arg = b.select(big, vm1, w);
    let wl = wl.map(|l| {
        let zero = b.fconst(ty, 0.0);
        b.select(big, zero, l)
    });
    let l = log1p_dw(b, arg, wl);
    let ln2 = b.fconst(ty, std::f64::consts::LN_2);
    let with_ln2 = b.add(l, ln2);
    b.select(big, with_ln2, l)
}

pub fn asinh(b: &mut KernelBuilder, x: Value) -> Value {
    let ty = b.ty(x);
    let a = b.unary(UnaryOp::Abs, x);
    let one = b.fconst(ty, 1.0);
    let a2 = b.mul(a, a);
    let s = b.add(a2, one);
    let s = b.unary(UnaryOp::Sqrt, s);
    let d = b.add(s, one);
    let q = b.div(a2, d);
    let w = b.add(a, q);
    let thr = b.fconst(ty, big_threshold(ty));
    let big = b.cmp(CmpOp::Gt, a, thr);
    let r = log1p_or_log2x(b, big, a, w, None);
    with_sign_of(b, r, x)
}

pub fn acosh(b: &mut KernelBuilder, x: Value) -> Value {
    let ty = b.ty(x);
    let one = b.fconst(ty, 1.0);
    let t = b.sub(x, one);
    let t2 = b.add(t, t);
    let tt = b.fma(t, t, t2);
    let s = b.unary(UnaryOp::Sqrt, tt);
    // w = t + sqrt(tt) as a double-word: the root's rounding (fma
    // residual) and the sum's (Fast2Sum, s >= t) go to log1p's correction.
    let ns = b.unary(UnaryOp::Neg, s);
    let res = b.fma(ns, s, tt);
    let s2 = b.add(s, s);
    let sc = b.div(res, s2);
    let (w, we) = fast_two_sum(b, s, t);
    let wl = b.add(we, sc);
    let thr = b.fconst(ty, big_threshold(ty));
    let big = b.cmp(CmpOp::Gt, x, thr);
    let zero = b.fconst(ty, 0.0);
    let s_zero = b.cmp(CmpOp::Eq, s, zero);
    let wl = b.select(s_zero, zero, wl);
    let r = log1p_or_log2x(b, big, x, w, Some(wl));
    // x < 1 (or NaN, which fails the comparison too) has no acosh.
    let ok = b.cmp(CmpOp::Ge, x, one);
    let nan = b.fconst(ty, f64::NAN);
    let r = b.select(ok, r, nan);
    let x_nan = b.cmp(CmpOp::Ne, x, x);
    b.select(x_nan, x, r)
}

pub fn atanh(b: &mut KernelBuilder, x: Value) -> Value {
    let ty = b.ty(x);
    let a = b.unary(UnaryOp::Abs, x);
    let one = b.fconst(ty, 1.0);
    let oma = b.sub(one, a);
    let q = b.div(a, oma);
    let a2 = b.add(a, a);
    let w = b.fma(a2, q, a2);
    let l = log1p(b, w);
    let half = b.fconst(ty, 0.5);
    let r = b.mul(l, half);
    // |x| > 1 is outside the domain: NaN. The formula alone gives that only
    // while a/(1-a) stays clear of -1; from |x| ~ 2^53 on it rounds to
    // exactly -1, w to 0, and the result would be a silent zero.
    let outside = b.cmp(CmpOp::Gt, a, one);
    let nan = b.fconst(ty, f64::NAN);
    let r = b.select(outside, nan, r);
    with_sign_of(b, r, x)
}
