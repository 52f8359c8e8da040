//! asin and acos on one polynomial: asin(t) = t + t^3 P(t^2) for
//! |t| <= 1/2, P a Chebyshev fit (fits.py) of degree 13 (f64) or 5 (f32).
//! Beyond 1/2 the half-angle identity asin(a) = pi/2 - 2 asin(sqrt((1-a)/2))
//! brings the argument back (1 - a is exact there); the square root's
//! rounding is recovered with an fma residual, and the final subtraction
//! from pi/2 or pi is a Fast2Sum, so both ends of [-1, 1] stay within
//! about one rounding.

use super::dw::fast_two_sum;
use super::poly::{horner, pick};
use super::sign::with_sign_of;
use crate::kernel_ir::{CmpOp, KernelBuilder, UnaryOp, Value};
use lazyxp_runtime::DType;
use std::f64::consts::{FRAC_PI_2, PI};

const ASIN64: &[f64] = &[0.16666666666666666, 0.07500000000000118, 0.044642857142551895, 0.03038194447553234, 0.02237215744350722, 0.017352816540325496, 0.01396378001220357, 0.011566459612121669, 0.009621842970100282, 0.009319560794767446, 0.0030448799094556773, 0.019554513336123378, -0.01924167174674304, 0.02961201126495512];
const ASIN32: &[f64] = &[0.1666666567325592, 0.07500094175338745, 0.04459940269589424, 0.031100662425160408, 0.017149237915873528, 0.03369084745645523];

/// asin(t) = t + lo for the reduced t, and whether the half-angle form
/// was taken (|x| > 1/2; then t = sqrt((1-|x|)/2) >= 0, else t = x).
struct Reduced {
    big: Value,
    t: Value,
    lo: Value,
}

fn reduce(b: &mut KernelBuilder, x: Value) -> Reduced {
    let ty = b.ty(x);
    let a = b.unary(UnaryOp::Abs, x);
    let half = b.fconst(ty, 0.5);
    let one = b.fconst(ty, 1.0);
    let big = b.cmp(CmpOp::Gt, a, half);
    let oma = b.sub(one, a);
    let zb = b.mul(oma, half);
    let s = b.unary(UnaryOp::Sqrt, zb);
    // sqrt(zb) = s + c to second order, c = (zb - s^2) / 2s.
    let ns = b.unary(UnaryOp::Neg, s);
    let res = b.fma(ns, s, zb);
    let s2 = b.add(s, s);
    let c = b.div(res, s2);
    let zero = b.fconst(ty, 0.0);
    let c = b.select(big, c, zero);
    let xx = b.mul(x, x);
    let z = b.select(big, zb, xx);
    let t = b.select(big, s, x);
    let coefs = pick(b, x, ASIN32, ASIN64);
    let p = horner(b, z, coefs);
    let tz = b.mul(t, z);
    let lo = b.fma(tz, p, c);
    // c is NaN where s = 0 (0/0) and unused there; a select keeps it out.
    let s_zero = b.cmp(CmpOp::Eq, s, zero);
    let lo_safe = b.fma(tz, p, zero);
    let lo = b.select(s_zero, lo_safe, lo);
    Reduced { big, t, lo }
}

fn tails(ty: DType) -> (f64, f64) {
    if ty == DType::Float64 {
        (6.123233995736766e-17, 1.2246467991473532e-16)
    } else {
        (-4.3711390001862426e-08, -8.742278000372485e-08)
    }
}

/// head - (t2 + lo2) + tail with the first subtraction made exact.
fn from_head(b: &mut KernelBuilder, head: Value, tail: Value, t2: Value, lo2: Value) -> Value {
    let nt2 = b.unary(UnaryOp::Neg, t2);
    let (h, e) = fast_two_sum(b, head, nt2);
    let l = b.sub(tail, lo2);
    let l = b.add(e, l);
    b.add(h, l)
}

pub fn asin(b: &mut KernelBuilder, x: Value) -> Value {
    let ty = b.ty(x);
    let r = reduce(b, x);
    let small_v = b.add(r.t, r.lo);
    let t2 = b.add(r.t, r.t);
    let lo2 = b.add(r.lo, r.lo);
    let (pio2_lo, _) = tails(ty);
    let head = b.fconst(ty, FRAC_PI_2);
    let tail = b.fconst(ty, pio2_lo);
    let big_v = from_head(b, head, tail, t2, lo2);
    let big_v = with_sign_of(b, big_v, x);
    let res = b.select(r.big, big_v, small_v);
    // t + lo sums to +0 for x = -0; the standard wants asin(-0) = -0.
    let zero = b.fconst(ty, 0.0);
    let is_zero = b.cmp(CmpOp::Eq, x, zero);
    b.select(is_zero, x, res)
}

pub fn acos(b: &mut KernelBuilder, x: Value) -> Value {
    let ty = b.ty(x);
    let r = reduce(b, x);
    let (pio2_lo, pi_lo) = tails(ty);
    // |x| <= 1/2: pi/2 - (t + lo).
    let pio2 = b.fconst(ty, FRAC_PI_2);
    let pio2l = b.fconst(ty, pio2_lo);
    let small_v = from_head(b, pio2, pio2l, r.t, r.lo);
    // x > 1/2: 2 (t + lo); x < -1/2: pi - 2 (t + lo).
    let t2 = b.add(r.t, r.t);
    let lo2 = b.add(r.lo, r.lo);
    let pos_v = b.add(t2, lo2);
    let pi = b.fconst(ty, PI);
    let pil = b.fconst(ty, pi_lo);
    let neg_v = from_head(b, pi, pil, t2, lo2);
    let zero = b.fconst(ty, 0.0);
    let neg = b.cmp(CmpOp::Lt, x, zero);
    let big_v = b.select(neg, neg_v, pos_v);
    b.select(r.big, big_v, small_v)
}
