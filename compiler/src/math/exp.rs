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
//! propagates through the clamps (math/clamp.rs).

use super::bits::{format, ldexp, pow2i};
use super::clamp;
use super::dw::{fast_two_sum, two_sum};
use super::poly::{horner, pick};
use crate::kernel_ir::{CmpOp, KernelBuilder, Op, UnaryOp, Value};

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
    // Beyond these, exp is 0 or inf in the format; clamping keeps n small.
    let (lo, hi) = if f.mant == 52 { (-746.0, 710.0) } else { (-104.0, 89.0) };
    reduce_in(b, x, None, lo, hi)
}

/// `reduce` of `x + tail` (tail a few ulps of x at most, pow's low
/// part), with x clamped to `[lo, hi]`, which must keep n within
/// ldexp's range.
pub fn reduce_in(b: &mut KernelBuilder, x: Value, tail: Option<Value>, lo: f64, hi: f64) -> Reduced {
    let x = clamp::between(b, x, lo, hi);
    reduce_unclamped(b, x, tail)
}

/// `reduce_in` of an `x` the caller has already bounded so that n stays
/// in the range its scaling needs.
pub fn reduce_unclamped(b: &mut KernelBuilder, x: Value, tail: Option<Value>) -> Reduced {
    let f = format(b.ty(x));
    let is64 = f.mant == 52;
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
    let r = match tail {
        Some(t) => b.add(r, t),
        None => r,
    };
    let q = pick(b, x, Q32, Q64);
    let q = horner(b, r, q);
    let r2 = b.mul(r, r);
    let em1 = b.fma(r2, q, r);
    Reduced { n, em1 }
}

/// Where every result is a normal number the scale is one power of two:
/// for |x| <= 87 (f32; 708 for f64) n stays within the exponent range, so
/// 2^n is itself a normal float, x needs no clamp, and p * 2^n rounds
/// once, as ldexp's two halves do: the same bits for a third of the
/// work. Other lanes (overflow, subnormal results, infinities, NaN) run
/// the general path in a cold region (a reduction's row loop tests it once
/// per trip of vectors, `Cold::Defer`).
pub fn exp(b: &mut KernelBuilder, x: Value) -> Value {
    let f = format(b.ty(x));
    let one = b.fconst(f.ty, 1.0);
    let fast = {
        let red = reduce_unclamped(b, x, None);
        let p = b.add(red.em1, one);
        let scale = pow2i(b, red.n);
        b.mul(p, scale)
    };
    let ax = b.unary(UnaryOp::Abs, x);
    let lim = b.fconst(f.ty, if f.mant == 52 { 708.0 } else { 87.0 });
    let normal = b.cmp(CmpOp::Le, ax, lim);
    let general = b.unary(UnaryOp::Not, normal);
    let begin = b.push(Op::ColdBegin(general, fast), f.ty);
    let red = reduce(b, x);
    let p = b.add(red.em1, one);
    let slow = ldexp(b, p, red.n);
    let v = b.select(general, slow, fast);
    b.cold_end(begin, v)
}

/// exp(x) = 2^n (1 + h + el) for x already clamped to the finite range,
/// with exp(r) - 1 = h + el a double-word: r = rh + rl recovers the
/// rounding of the reduction's last step (Fast2Sum), h + el that of
/// r + r^2 Q, and rl enters to first order as rl (1 + rh). `like` picks
/// the coefficients' dtype. Shared by expm1 and tanh, whose results are
/// small differences where a plain exp's rounding would show.
pub(super) fn em1_double_word(b: &mut KernelBuilder, x: Value, like: Value) -> (Value, Value, Value) {
    let f = format(b.ty(x));
    let ty = f.ty;
    let c = |b: &mut KernelBuilder, v: f64| b.fconst(ty, v);
    let log2e = c(b, std::f64::consts::LOG2_E);
    let magic = c(b, f.magic());
    let t = b.fma(x, log2e, magic);
    let n = b.sub(t, magic);
    let (ln2_hi, ln2_lo) = if f.mant == 52 {
        (std::f64::consts::LN_2, 2.3190468138462996e-17)
    } else {
        (0.6931471824645996, -1.9046542121259336e-09)
    };
    let mhi = c(b, -ln2_hi);
    let r1 = b.fma(n, mhi, x);
    let mlo = c(b, -ln2_lo);
    let p = b.mul(n, mlo);
    let (rh, rl) = fast_two_sum(b, r1, p);
    let q = pick(b, like, Q32, Q64);
    let q = horner(b, rh, q);
    let r2 = b.mul(rh, rh);
    let tq = b.mul(r2, q);
    let (h, el) = fast_two_sum(b, rh, tq);
    let rlr = b.fma(rl, rh, rl);
    let el = b.add(el, rlr);
    (n, h, el)
}

/// expm1(x) = 2^n (1 + e) - 1 with e = exp(r) - 1 kept as a double-word
/// h + l (r's own rounding and that of r + r^2 Q recovered by Fast2Sum),
/// then s*h + (s - 1) summed exactly by TwoSum (s = 2^n, so s*h is exact
/// and s - 1 is exact for |n| <= the mantissa width): for n = +-1, where
/// the result is only ~1.4 times e, a plain fma would add e's rounding
/// to its own. n is clamped to +-L for s (beyond, -1 or the scale
/// dominates) and the rest of a large n is applied as a power of two.
pub fn expm1(b: &mut KernelBuilder, x: Value) -> Value {
    let f = format(b.ty(x));
    let ty = f.ty;
    let is64 = f.mant == 52;
    let l = if is64 { 60.0 } else { 30.0 };
    let c = |b: &mut KernelBuilder, v: f64| b.fconst(ty, v);
    let (lo, hi) = if is64 { (-746.0, 710.0) } else { (-104.0, 89.0) };
    let xc = clamp::between(b, x, lo, hi);
    let (n, h, el) = em1_double_word(b, xc, x);

    let lc = c(b, l);
    let mlc = c(b, -l);
    let nc = clamp::upper(b, n, lc);
    let nc = clamp::lower(b, nc, mlc);
    let s = pow2i(b, nc);
    let one = c(b, 1.0);
    let sm1 = b.sub(s, one);
    let sh = b.mul(s, h);
    let (v, ve) = two_sum(b, sh, sm1);
    let sl = b.mul(s, el);
    let vl = b.add(ve, sl);
    let v = b.add(v, vl);
    let rest = b.sub(n, lc);
    let zero = c(b, 0.0);
    let rest = clamp::lower(b, rest, zero);
    let scale = pow2i(b, rest);
    let res = b.mul(v, scale);
    // The sum gives +0 for x = -0; the standard wants expm1(-0) = -0.
    let is_zero = b.cmp(CmpOp::Eq, x, zero);
    b.select(is_zero, x, res)
}

#[cfg(test)]
mod tests {
    use crate::kernel_ir::UnaryOp;
    use crate::math::hot_ops;
    use lazyxp_runtime::DType;

    #[test]
    fn fast_path_cost() {
        // With ldexp's two halves and the clamp in every lane: 30 (f64)
        // and 25 (f32); abs, compare, not, cold_begin and cold_end count
        // here too.
        for (ty, most) in [(DType::Float64, 25), (DType::Float32, 20)] {
            let (hot, all) = hot_ops(UnaryOp::Exp, ty);
            println!("exp {ty}: {hot} hot of {all}");
            assert!(hot <= most, "exp {ty}: {hot} ops outside the cold region");
        }
    }
}
