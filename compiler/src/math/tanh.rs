//! tanh: an odd polynomial near 0, 1 - 2/(exp(2|x|)+1) elsewhere.
//!
//! Below |x| = 0.55 tanh(x) = x + x^3 T(x^2), T a Chebyshev fit (near-
//! minimax, mpmath) of degree 10 (f64) or 4 (f32); it returns tiny x
//! unchanged (and ±0 by a final select, as the sum would give +0 for -0).
//! Above, 2/(e+1) is at most 0.5 and its relative error (from
//! exp, the add and the divide) is scaled down by the final 1 - d, which is
//! why the threshold is not lower. exp saturates to inf for large |x| and
//! 2/inf = 0 gives exactly ±1; NaN flows through the exp branch.

use super::bits::ldexp;
use super::exp;
use super::poly::{horner, pick};
use crate::kernel_ir::{CmpOp, KernelBuilder, UnaryOp, Value};

const THRESHOLD: f64 = 0.55;
const T64: &[f64] = &[
    -0.3333333333333333, 0.13333333333332714, -0.053968253967434016, 0.021869488493666944,
    -0.008863234397814355, 0.003592110378689024, -0.001455661830100716, 0.0005889360520074057,
    -0.0002346347410887237, 8.511313685577672e-05, -2.060276537636634e-05,
];
const T32: &[f64] = &[
    -0.3333333134651184, 0.13333113491535187, -0.05390942841768265, 0.021309388801455498,
    -0.00661022774875164,
];

pub fn tanh(b: &mut KernelBuilder, x: Value) -> Value {
    let ty = b.ty(x);
    let z = b.mul(x, x);
    let coefs = pick(b, x, T32, T64);
    let t = horner(b, z, coefs);
    let xz = b.mul(x, z);
    let small_v = b.fma(xz, t, x);

    let a = b.unary(UnaryOp::Abs, x);
    let two_a = b.add(a, a);
    let red = exp::reduce(b, two_a);
    let one = b.fconst(ty, 1.0);
    let two = b.fconst(ty, 2.0);
    let p = b.add(red.em1, one);
    let e = ldexp(b, p, red.n);
    let e1 = b.add(e, one);
    let d = b.div(two, e1);
    let l = b.sub(one, d);
    let zero = b.fconst(ty, 0.0);
    let neg = b.cmp(CmpOp::Lt, x, zero);
    let nl = b.unary(UnaryOp::Neg, l);
    let big_v = b.select(neg, nl, l);

    let thr = b.fconst(ty, THRESHOLD);
    let small = b.cmp(CmpOp::Lt, a, thr);
    let res = b.select(small, small_v, big_v);
    // x + x^3 T sums to +0 for x = -0; the standard wants tanh(-0) = -0.
    let is_zero = b.cmp(CmpOp::Eq, x, zero);
    b.select(is_zero, x, res)
}
