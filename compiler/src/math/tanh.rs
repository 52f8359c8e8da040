//! tanh: an odd polynomial near 0, 1 - 2/(exp(2|x|)+1) elsewhere.
//!
//! Below |x| = 0.7 tanh(x) = x + x^3 T(x^2), T a Chebyshev fit (near-
//! minimax, mpmath) of degree 12 (f64) or 5 (f32); it returns tiny x
//! unchanged (and ±0 by a final select, as the sum would give +0 for -0).
//! Above, 2/(e+1) is below 0.4 and its relative error (from
//! exp, the add and the divide) is scaled down by the final 1 - d, which is
//! why the threshold is not lower. exp saturates to inf for large |x| and
//! 2/inf = 0 gives exactly ±1; NaN flows through the exp branch.

use super::bits::ldexp;
use super::exp;
use super::poly::{horner, pick};
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
