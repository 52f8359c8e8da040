//! sinh and cosh from exp, with sinh's cancellation near 0 avoided by an
//! odd polynomial.
//!
//! e/2 = exp(|x|)/2 is built as ldexp(exp(r), n - 1), so it does not
//! overflow before cosh and sinh themselves do (|x| up to ~710.48 for
//! f64); cosh = e/2 + (1/4)/(e/2) adds two positive terms, and
//! sinh = e/2 - (1/4)/(e/2) for |x| >= 1 cancels at most a factor 1.16.
//! Below 1, sinh(x) = x + x^3 P(x^2), P a Chebyshev fit (fits.py) of degree
//! 7 (f64) or 3 (f32).

use super::bits::{format, ldexp};
use super::exp;
use super::poly::{horner, pick};
use super::sign::with_sign_of;
use crate::kernel_ir::{CmpOp, KernelBuilder, UnaryOp, Value};

const SINH64: &[f64] = &[
    0.16666666666666666, 0.008333333333333333, 0.00019841269841269773, 2.755731922404034e-06,
    2.505210836405804e-08, 1.6059048396350562e-10, 7.646625361656657e-13, 2.8445264169895285e-15,
];
const SINH32: &[f64] = &[0.1666666716337204, 0.008333339355885983, 0.00019838102161884308, 2.806280235745362e-06];

/// exp(|x|)/2 without premature overflow; NaN propagates.
fn half_exp(b: &mut KernelBuilder, a: Value) -> Value {
    let f = format(b.ty(a));
    // Clamped just past the overflow point of cosh, inside ldexp's range.
    let (lo, hi) = if f.mant == 52 { (-746.0, 711.0) } else { (-104.0, 90.0) };
    let red = exp::reduce_in(b, a, None, lo, hi);
    let one = b.fconst(f.ty, 1.0);
    let p = b.add(red.em1, one);
    let nm1 = b.sub(red.n, one);
    ldexp(b, p, nm1)
}

pub fn cosh(b: &mut KernelBuilder, x: Value) -> Value {
    let ty = b.ty(x);
    let a = b.unary(UnaryOp::Abs, x);
    let h = half_exp(b, a);
    let q = b.fconst(ty, 0.25);
    let r = b.div(q, h);
    b.add(h, r)
}

pub fn sinh(b: &mut KernelBuilder, x: Value) -> Value {
    let ty = b.ty(x);
    let z = b.mul(x, x);
    let coefs = pick(b, x, SINH32, SINH64);
    let p = horner(b, z, coefs);
    let xz = b.mul(x, z);
    let small_v = b.fma(xz, p, x);

    let a = b.unary(UnaryOp::Abs, x);
    let h = half_exp(b, a);
    let q = b.fconst(ty, 0.25);
    let r = b.div(q, h);
    let big_v = b.sub(h, r);
    let big_v = with_sign_of(b, big_v, x);
    let one = b.fconst(ty, 1.0);
    let small = b.cmp(CmpOp::Lt, a, one);
    b.select(small, small_v, big_v)
}
