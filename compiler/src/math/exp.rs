//! exp(x) = 2^n * exp(r), n = round(x / ln 2), |r| <= ln2/2.
//!
//! The reduction subtracts n*ln2 in two parts with fma; the first step is
//! exact (both terms live on a 2^-53 grid and the difference is below 1), so
//! r carries only the rounding of the second step. exp(r) = 1 + (r + r^2 Q(r))
//! with Q a Chebyshev fit (near-minimax, from mpmath), degree 10 for f64 and
//! 5 for f32; adding the 1 last keeps the error near half an ulp. The scale
//! 2^n is applied in two halves (bits::ldexp) so overflow gives inf and
//! underflow rounds once into the subnormals. Clamping x first makes every
//! special case fall out of the arithmetic: -inf -> 0, +inf -> inf, NaN
//! propagates through min/max.

use super::bits::{format, ldexp};
use super::poly::{horner, pick};
use crate::kernel_ir::{BinaryOp, KernelBuilder, Value};

const Q64: &[f64] = &[
    0.5, 0.1666666666666667, 0.04166666666666667, 0.008333333333326141, 0.0013888888888883752,
    0.00019841269874800493, 2.4801587325533363e-05, 2.7557255425746435e-06, 2.7557273661348637e-07,
    2.510520637395701e-08, 2.0914679376583935e-09,
];
const Q32: &[f64] = &[
    0.5, 0.1666666716337204, 0.04166646674275398, 0.00833331048488617, 0.0013933641603216529,
    0.00019890980911441147,
];

/// The pieces of exp(x) before scaling, shared with tanh.
pub struct Reduced {
    /// Integer-valued float n.
    pub n: Value,
    /// exp(r) - 1, accurate to a fraction of an ulp of exp(r).
    pub em1: Value,
}

/// Reduces `x` (clamped so that n stays in ldexp's range) and evaluates
/// exp(r) - 1.
pub fn reduce(b: &mut KernelBuilder, x: Value) -> Reduced {
    let f = format(b.ty(x));
    let is64 = f.mant == 52;
    // Beyond these, exp is 0 or inf in the format; clamping keeps n small.
    let (lo, hi) = if is64 { (-746.0, 710.0) } else { (-104.0, 89.0) };
    let lo = b.fconst(f.ty, lo);
    let hi = b.fconst(f.ty, hi);
    let x = b.binary(BinaryOp::Max, x, lo);
    let x = b.binary(BinaryOp::Min, x, hi);
    let log2e = b.fconst(f.ty, std::f64::consts::LOG2_E);
    let magic = b.fconst(f.ty, f.magic());
    let t = b.fma(x, log2e, magic);
    let n = b.sub(t, magic);
    let (ln2_hi, ln2_lo) = if is64 {
        (std::f64::consts::LN_2, 2.3190468138462996e-17)
    } else {
        // ln2 rounded to f32, and the rest.
        (0.6931471824645996, -1.9046542121259336e-09)
    };
    let mhi = b.fconst(f.ty, -ln2_hi);
    let mlo = b.fconst(f.ty, -ln2_lo);
    let r = b.fma(n, mhi, x);
    let r = b.fma(n, mlo, r);
    let q = pick(b, x, Q32, Q64);
    let q = horner(b, r, q);
    let r2 = b.mul(r, r);
    let em1 = b.fma(r2, q, r);
    Reduced { n, em1 }
}

pub fn exp(b: &mut KernelBuilder, x: Value) -> Value {
    let ty = b.ty(x);
    let red = reduce(b, x);
    let one = b.fconst(ty, 1.0);
    let p = b.add(red.em1, one);
    ldexp(b, p, red.n)
}
