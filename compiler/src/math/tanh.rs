//! tanh: an odd polynomial near 0, 1 - 2/(exp(2|x|)+1) elsewhere.
//!
//! Both are evaluated on a = |x| and the sign bit of x is put back last,
//! which also gives tanh(-0) = -0. Below the switch, tanh(a) = a + a^3
//! T(a^2), T a Chebyshev interpolant (`tanh_fit.py`); it returns tiny a
//! unchanged. Above it the exp form, whose error is d/(1-d) times that of
//! d = 2/(e+1): f64 switches at 0.3 and evaluates the form in double-word
//! arithmetic (0.58 ulp), f32 switches only at 1.0, where d < 0.24, and
//! evaluates it plainly (0.98 ulp, the polynomial's top end; checked on
//! every f32 around the switch) in 37 ops instead of the double-word
//! form's 52. 2a is capped where the result has become exactly 1, so
//! exp(2a) needs no clamp below, no overflow handling and a single power
//! of two; NaN flows through the exp branch. docs/math-accuracy.md has
//! the measurements.

use super::bits::{format, pow2i, pow2i_offset};
use super::clamp;
use super::dw::fast_two_sum;
use super::exp;
use super::poly::{horner, pick};
use super::sign::with_sign_of;
use crate::kernel_ir::{CmpOp, KernelBuilder, UnaryOp, Value};

/// Where the polynomial hands over to the exp form (see the module doc).
const THRESHOLD_F64: f64 = 0.3;
const THRESHOLD_F32: f64 = 1.0;
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
    0.13333331048488617,
    -0.05396759510040283,
    0.0218625757843256,
    -0.008826250210404396,
    0.00347838643938303,
    -0.0012421575374901295,
    0.000337689823936671,
    -4.8467110900674015e-05,
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

    let big_v = if is64 { exp_form_double_word(b, a, x) } else { exp_form_plain(b, a) };
    let thr = c(b, if is64 { THRESHOLD_F64 } else { THRESHOLD_F32 });
    let small = b.cmp(CmpOp::Lt, a, thr);
    let mag = b.select(small, small_v, big_v);
    with_sign_of(b, mag, x)
}

/// 2a capped where tanh has become exactly 1.
fn capped_two_a(b: &mut KernelBuilder, a: Value) -> Value {
    let is64 = format(b.ty(a)).mant == 52;
    // Past 2|x| = 20 (f32) or 40 (f64), 2/(e+1) is below half an ulp of 1
    // and the result is exactly 1; capping there keeps e = exp(2|x|) finite
    // and n small enough for a single power of two. NaN passes the cap.
    let two_a = b.add(a, a);
    let cap = b.fconst(b.ty(a), if is64 { 40.0 } else { 20.0 });
    clamp::upper(b, two_a, cap)
}

/// 1 - 2/(exp(2a)+1) rounded once (f32 from a = 1): d = 2/(e+1) < 0.24
/// there, so the roundings of exp, the add and the divide reach the result
/// scaled by d/(1-d) below a third (0.78 ulp measured).
fn exp_form_plain(b: &mut KernelBuilder, a: Value) -> Value {
    let ty = b.ty(a);
    let two_a = capped_two_a(b, a);
    // The cap keeps exp(2a) finite with a single power of two: no clamp.
    let red = exp::reduce_unclamped(b, two_a, None);
    let one = b.fconst(ty, 1.0);
    let two = b.fconst(ty, 2.0);
    let p = b.add(red.em1, one);
    let scale = pow2i(b, red.n);
    let e = b.mul(p, scale);
    let e1 = b.add(e, one);
    let d = b.div(two, e1);
    b.sub(one, d)
}

/// 1 - 2/(exp(2a)+1) in double-word arithmetic (f64 from a = 0.3).
fn exp_form_double_word(b: &mut KernelBuilder, a: Value, x: Value) -> Value {
    let f = format(b.ty(a));
    let ty = f.ty;
    let c = |b: &mut KernelBuilder, v: f64| b.fconst(ty, v);
    let two_a = capped_two_a(b, a);
    // exp(2a) = s (1 + h + el), s = 2^n, as in expm1.
    let (n, h, el) = exp::em1_double_word(b, two_a, x);
    // (e + 1)/2 = (s + 1/2) + s h + s el as u + ul, now with s = 2^(n-1)
    // (the -1 folded into pow2i's magic add): s + 1/2 is exact while it
    // matters (n <= the mantissa width), s h and s el are exact, and
    // s + 1/2 > |s h|, so Fast2Sum applies.
    let s = pow2i_offset(b, n, -1);
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
    b.add(v, lo)
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
            let bound = if ty == DType::Float64 { 61 } else { 37 };
            assert!(n <= bound, "tanh {ty}: {n} ops, more than {bound}");
        }
    }
}
