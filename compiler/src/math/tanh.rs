//! tanh: an odd polynomial near 0, 1 - 2/(exp(2|x|)+1) elsewhere.
//!
//! Both are evaluated on a = |x| and the sign bit of x is put back last,
//! which also gives tanh(-0) = -0. Below a = 0.7, tanh(a) = a + a^3 T(a^2),
//! T a Chebyshev fit (near-minimax, mpmath) of degree 12 (f64) or 5 (f32);
//! it returns tiny a unchanged. Above, 2/(e+1) is below 0.4 and its
//! relative error (from exp, the add and the divide) is scaled down by the
//! final 1 - d, which is why the threshold is not lower. 2a is capped where
//! the result has become exactly 1, so exp(2a) needs no clamp below, no
//! overflow handling and a single power of two; NaN flows through the exp
//! branch.

use super::bits::{format, pow2i};
use super::clamp;
use super::exp;
use super::poly::{horner, pick};
use super::sign::with_sign_of;
use crate::kernel_ir::{CmpOp, KernelBuilder, UnaryOp, Value};

const THRESHOLD: f64 = 0.7;
const T64: &[f64] = &[
    -0.3333333333333333, 0.13333333333333183, -0.05396825396808037, 0.0218694885283181,
    -0.00886323534557735, 0.0035921254479696534, -0.0014558109507053411, 0.0005898843923888812,
    -0.0002385260361392742, 9.514406287829865e-05, -3.567392597709144e-05, 1.0938896099319773e-05,
    -1.935265368692235e-06,
];
const T32: &[f64] = &[
    -0.3333333134651184, 0.1333325058221817, -0.05394817143678665, 0.021689405664801598,
    -0.008113507181406021, 0.0020606215111911297,
];

pub fn tanh(b: &mut KernelBuilder, x: Value) -> Value {
    let f = format(b.ty(x));
    let ty = f.ty;
    // Evaluated on |x|; the sign of x (of ±0 too) goes back on at the end.
    let a = b.unary(UnaryOp::Abs, x);
    let z = b.mul(a, a);
    let coefs = pick(b, x, T32, T64);
    let t = horner(b, z, coefs);
    let az = b.mul(a, z);
    let small_v = b.fma(az, t, a);

    // Past 2|x| = 20 (f32) or 40 (f64), 2/(e+1) is below half an ulp of 1
    // and the result is exactly 1; capping there keeps e = exp(2|x|) finite
    // and n small enough for a single power of two. NaN passes the cap.
    let two_a = b.add(a, a);
    let cap = b.fconst(ty, if f.mant == 52 { 40.0 } else { 20.0 });
    let two_a = clamp::upper(b, two_a, cap);
    let red = exp::reduce_unclamped(b, two_a, None);
    let one = b.fconst(ty, 1.0);
    let two = b.fconst(ty, 2.0);
    let p = b.add(red.em1, one);
    let scale = pow2i(b, red.n);
    let e = b.mul(p, scale);
    let e1 = b.add(e, one);
    let d = b.div(two, e1);
    let big_v = b.sub(one, d);

    let thr = b.fconst(ty, THRESHOLD);
    let small = b.cmp(CmpOp::Lt, a, thr);
    let mag = b.select(small, small_v, big_v);
    with_sign_of(b, mag, x)
}
