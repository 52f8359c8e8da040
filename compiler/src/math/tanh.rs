//! tanh: an odd polynomial near 0, 1 - 2/(exp(2|x|)+1) elsewhere, the
//! latter in double-word arithmetic.
//!
//! Both are evaluated on a = |x| and the sign bit of x is put back last,
//! which also gives tanh(-0) = -0. Below a = 0.3, tanh(a) = a + a^3 T(a^2),
//! T a Chebyshev interpolant (`tanh_fit.py`) of degree 7 (f64, fit error
//! 0.03 ulp) or 3 (f32, 0.02 ulp); it returns tiny a unchanged. Above,
//! e = exp(2a) is kept as 2^n (1 + h + el), with exp(r) - 1 = h + el a
//! double-word (as in expm1), (e+1)/2 = u + ul by Fast2Sum, its
//! reciprocal d = dh + dl with the residual from fma, and 1 - dh split
//! exactly by Fast2Sum, so only the last addition rounds at the result's
//! precision: below 0.6 ulp measured from a = 0.3 up (the plain 1 - 2/(e+1) reached
//! 1.06 ulp just above its old switch at 0.7, where d ~ 0.4 carried exp's,
//! the add's and the divide's roundings into the result). 2a is capped
//! where the result has become exactly 1, so exp(2a) needs no clamp below,
//! no overflow handling and a single power of two; NaN flows through the
//! exp branch.

use super::bits::format;
use super::clamp;
use super::dw::fast_two_sum;
use super::exp;
use super::poly::{horner, pick};
use super::sign::with_sign_of;
use crate::kernel_ir::{BinaryOp, CmpOp, KernelBuilder, UnaryOp, Value};

const THRESHOLD: f64 = 0.3;
const T64: &[f64] = &[
    -0.3333333333333333,
    0.13333333333329464,
    -0.053968253959211114,
    0.021869487730074903,
    -0.008863200177142575,
    0.0035912834611108225,
    -0.0014445898532447449,
    0.0005109249704674158,
];
const T32: &[f64] = &[
    -0.3333333432674408,
    0.13333183526992798,
    -0.05388413742184639,
    0.020350804552435875,
];

pub fn tanh(b: &mut KernelBuilder, x: Value) -> Value {
    let f = format(b.ty(x));
    let ty = f.ty;
    let is64 = f.mant == 52;
    let c = |b: &mut KernelBuilder, v: f64| b.fconst(ty, v);
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
    let cap = c(b, if is64 { 40.0 } else { 20.0 });
    let two_a = clamp::upper(b, two_a, cap);
    // exp(2a) = s (1 + h + el), s = 2^n, as in expm1.
    let (n, h, el) = exp::em1_double_word(b, two_a, x);
    // (e + 1)/2 = (s + 1/2) + s h + s el as u + ul, now with s = 2^(n-1)
    // (the -1 folded into pow2i's magic add): s + 1/2 is exact while it
    // matters (n <= the mantissa width), s h and s el are exact, and
    // s + 1/2 > |s h|, so Fast2Sum applies.
    let pmagic = c(b, f.magic() + (f.bias - 1) as f64);
    let sb = b.add(n, pmagic);
    let sb = b.bitcast(sb, f.int);
    let shift = b.iconst(f.int, f.mant as i64);
    let sb = b.binary(BinaryOp::Shl, sb, shift);
    let s = b.bitcast(sb, ty);
    let half = c(b, 0.5);
    let s1 = b.add(s, half);
    let sh = b.mul(s, h);
    let (u, ul) = fast_two_sum(b, s1, sh);
    let sl = b.mul(s, el);
    let ul = b.add(ul, sl);
    // d = 2/(e + 1) = 1/(u + ul) as dh + dl: the residual 1 - dh u is
    // exact (fma), and 1/u ~ dh is close enough for the low part.
    let one = c(b, 1.0);
    let dh = b.div(one, u);
    let ndh = b.unary(UnaryOp::Neg, dh);
    let res = b.fma(ndh, u, one);
    let res = b.fma(ndh, ul, res);
    let dl = b.mul(res, dh);
    // 1 - dh exactly as v + vl (1 > dh), then one rounding of the rest.
    let (v, vl) = fast_two_sum(b, one, ndh);
    let lo = b.sub(vl, dl);
    let big_v = b.add(v, lo);

    let thr = c(b, THRESHOLD);
    let small = b.cmp(CmpOp::Lt, a, thr);
    let mag = b.select(small, small_v, big_v);
    with_sign_of(b, mag, x)
}

#[cfg(test)]
mod tests {
    use crate::kernel_ir::{Access, KernelBuilder, Op, UnaryOp};
    use lazyxp_runtime::DType;

    /// (instructions other than loads, stores, constants and bitcasts; all
    /// instructions) of the expanded tanh kernel.
    fn ops(ty: DType) -> (usize, usize) {
        let mut b = KernelBuilder::new("t", 1);
        let i = b.input(ty, Access::Contiguous);
        let x = b.load(i);
        let y = b.unary(UnaryOp::Tanh, x);
        b.store(y);
        let k = crate::math::expand(&b.finish());
        let counted = k
            .insts
            .iter()
            .filter(|inst| !matches!(inst.op, Op::Load(_) | Op::Const(_) | Op::Bitcast(_)))
            .count();
        (counted, k.insts.len())
    }

    #[test]
    fn op_count() {
        for ty in [DType::Float64, DType::Float32] {
            let (n, all) = ops(ty);
            println!(
                "tanh {ty}: {n} ops ({all} instructions with constants, bitcasts and the load)"
            );
            let bound = if ty == DType::Float64 { 61 } else { 52 };
            assert!(n <= bound, "tanh {ty}: {n} ops, more than {bound}");
        }
    }
}
