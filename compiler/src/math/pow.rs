//! pow(x, y) = exp(y log|x|) with log|x| as a double-word, so the product
//! y log|x| — up to ~745 — keeps its fraction to well below an ulp of the
//! result; then signs and the standard's special cases by selects.
//!
//! log(m) = 2 atanh(s), s = (m-1)/(m+1) in [-0.172, 0.172], is summed as
//! k ln2 + 2s + (2/3)s^3 + s^5 T(s^2) with s, s^3 and (2/3)s^3 as
//! double-words and T a Chebyshev fit (fits.py, degree 7 f64 / 3 f32);
//! only s^5 T (< 2^-12 relative) is in plain precision. The exp side is
//! exp.rs's reduction with the low part added to r.
//!
//! Integer pow (both operands integers) is square-and-multiply over every
//! bit of the exponent, wrapping like multiplication; a negative exponent
//! gives the truncated integer answer (0, or +-1 for bases +-1), as NumPy
//! cannot be followed there (it raises, and a lazy kernel cannot).

use super::bits::{format, ldexp};
use super::dw::{fast_two_sum, two_prod};
use super::exp;
use super::log::split;
use super::poly::{horner, pick};
use super::sign::signbit;
use crate::kernel_ir::{BinaryOp, CmpOp, KernelBuilder, UnaryOp, Value};

const LOGT64: &[f64] = &[0.4, 0.28571428571429425, 0.2222222222162076, 0.18181818343316125, 0.1538459412012637, 0.13334850282547114, 0.11705021567538627, 0.11735818855512968];
const LOGT32: &[f64] = &[0.4000000059604645, 0.28571534156799316, 0.22204406559467316, 0.19130083918571472];

/// log(a) for finite a > 0 as hi + lo.
fn log_dw(b: &mut KernelBuilder, a: Value) -> (Value, Value) {
    let f = format(b.ty(a));
    let ty = f.ty;
    let is64 = f.mant == 52;
    let c = |b: &mut KernelBuilder, v: f64| b.fconst(ty, v);
    let (k, m) = split(b, a);
    let one = c(b, 1.0);
    let num = b.sub(m, one);
    let den = b.add(m, one);
    let dm1 = b.sub(den, one);
    let den_lo = b.sub(m, dm1);
    let sh = b.div(num, den);
    let nsh = b.unary(UnaryOp::Neg, sh);
    let r = b.fma(nsh, den, num);
    let r = b.fma(nsh, den_lo, r);
    let sl = b.div(r, den);
    // s^2 and s^3 as double-words (sl enters s^3 to first order).
    let (z, zl) = two_prod(b, sh, sh);
    let (s3, s3e) = two_prod(b, sh, z);
    let three = c(b, 3.0);
    let zsl = b.mul(z, sl);
    let s3l = b.fma(sh, zl, s3e);
    let s3l = b.fma(three, zsl, s3l);
    // (2/3) s^3 as a double-word.
    let (c_hi, c_lo) = if is64 { (0.6666666666666666, 3.700743415417188e-17) } else { (0.6666666865348816, -1.9868214925130207e-08) };
    let chi = c(b, c_hi);
    let clo = c(b, c_lo);
    let (c1, c1e) = two_prod(b, chi, s3);
    let c1l = b.fma(chi, s3l, c1e);
    let c1l = b.fma(clo, s3, c1l);
    // s^5 T(s^2).
    let coefs = pick(b, a, LOGT32, LOGT64);
    let t = horner(b, z, coefs);
    let s5 = b.mul(s3, z);
    let c2 = b.mul(s5, t);
    // k ln2 with a head short enough that k * head is exact.
    let (ln2_hi, ln2_lo) = if is64 { (6.93147180369123816490e-01, 1.90821492927058770002e-10) } else { (0.693145751953125, 1.4286068203094173e-06) };
    let lh = c(b, ln2_hi);
    let ll = c(b, ln2_lo);
    let ka = b.mul(k, lh);
    let two_sh = b.add(sh, sh);
    let (h1, e1) = fast_two_sum(b, ka, two_sh);
    let (h2, e2) = fast_two_sum(b, h1, c1);
    let two_sl = b.add(sl, sl);
    let lo = b.add(e1, e2);
    let lo = b.add(lo, two_sl);
    let lo = b.add(lo, c1l);
    let lo = b.add(lo, c2);
    let lo = b.fma(k, ll, lo);
    fast_two_sum(b, h2, lo)
}

pub fn pow(b: &mut KernelBuilder, x: Value, y: Value) -> Value {
    if b.ty(x).is_int() {
        return int_pow(b, x, y);
    }
    let f = format(b.ty(x));
    let ty = f.ty;
    let is64 = f.mant == 52;
    let c = |b: &mut KernelBuilder, v: f64| b.fconst(ty, v);
    let zero = c(b, 0.0);
    let one = c(b, 1.0);
    let inf = c(b, f64::INFINITY);
    let nan = c(b, f64::NAN);

    let ax = b.unary(UnaryOp::Abs, x);
    let (lh, ll) = log_dw(b, ax);
    let (ph, pe) = two_prod(b, y, lh);
    let pl = b.fma(y, ll, pe);
    // Far outside exp's range the low part is meaningless (even NaN).
    let lim = c(b, if is64 { 2000.0 } else { 300.0 });
    let aph = b.unary(UnaryOp::Abs, ph);
    let in_range = b.cmp(CmpOp::Lt, aph, lim);
    let pl = b.select(in_range, pl, zero);
    let (lo, hi) = if is64 { (-746.0, 710.0) } else { (-104.0, 89.0) };
    let red = exp::reduce_in(b, ph, Some(pl), lo, hi);
    let p = b.add(red.em1, one);
    let mag = ldexp(b, p, red.n);

    // |x| = 0 or inf, and y = +-inf, by the standard's table.
    let y_neg = b.cmp(CmpOp::Lt, y, zero);
    let at_zero = b.select(y_neg, inf, zero);
    let at_inf = b.select(y_neg, zero, inf);
    let x_zero = b.cmp(CmpOp::Eq, ax, zero);
    let mag = b.select(x_zero, at_zero, mag);
    let x_inf = b.cmp(CmpOp::Eq, ax, inf);
    let mag = b.select(x_inf, at_inf, mag);
    let ay = b.unary(UnaryOp::Abs, y);
    let y_inf = b.cmp(CmpOp::Eq, ay, inf);
    let gt1 = b.cmp(CmpOp::Gt, ax, one);
    let y_pos = b.cmp(CmpOp::Gt, y, zero);
    let grows = b.binary(BinaryOp::Xor, gt1, y_pos);
    let by_inf = b.select(grows, zero, inf);
    let ax_one = b.cmp(CmpOp::Eq, ax, one);
    let by_inf = b.select(ax_one, one, by_inf);
    let mag = b.select(y_inf, by_inf, mag);

    // Negative bases: odd integer y flips the sign, non-integer y is NaN.
    let fy = b.unary(UnaryOp::Floor, y);
    let y_int = b.cmp(CmpOp::Eq, fy, y);
    let half = c(b, 0.5);
    let hy = b.mul(y, half);
    let fhy = b.unary(UnaryOp::Floor, hy);
    let y_odd = b.cmp(CmpOp::Ne, fhy, hy);
    let y_odd = b.binary(BinaryOp::And, y_odd, y_int);
    let x_neg = signbit(b, x);
    let flip = b.binary(BinaryOp::And, x_neg, y_odd);
    let nmag = b.unary(UnaryOp::Neg, mag);
    let r = b.select(flip, nmag, mag);
    let x_lt0 = b.cmp(CmpOp::Lt, x, zero);
    let x_fin = b.cmp(CmpOp::Lt, ax, inf);
    let neg_fin = b.binary(BinaryOp::And, x_lt0, x_fin);
    let y_frac = b.unary(UnaryOp::Not, y_int);
    let bad = b.binary(BinaryOp::And, neg_fin, y_frac);
    let r = b.select(bad, nan, r);
    // NaN unless x = 1 or y = 0, which give 1 whatever the other is.
    let x_nan = b.cmp(CmpOp::Ne, x, x);
    let y_nan = b.cmp(CmpOp::Ne, y, y);
    let any_nan = b.binary(BinaryOp::Or, x_nan, y_nan);
    let sum = b.add(x, y);
    let r = b.select(any_nan, sum, r);
    let x_one = b.cmp(CmpOp::Eq, x, one);
    let y_zero = b.cmp(CmpOp::Eq, y, zero);
    let unit = b.binary(BinaryOp::Or, x_one, y_zero);
    b.select(unit, one, r)
}

/// x^y on integers by square-and-multiply over all bits of y; y < 0 gives
/// the truncation of the real answer.
fn int_pow(b: &mut KernelBuilder, x: Value, y: Value) -> Value {
    let ty = b.ty(x);
    let bits = ty.size() as i64 * 8;
    let one = b.iconst(ty, 1);
    let zero = b.iconst(ty, 0);
    let mut acc = one;
    let mut base = x;
    for i in 0..bits {
        let sh = b.iconst(ty, i);
        let yi = b.binary(BinaryOp::Shr, y, sh);
        let bit = b.binary(BinaryOp::And, yi, one);
        let set = b.cmp(CmpOp::Ne, bit, zero);
        let m = b.mul(acc, base);
        acc = b.select(set, m, acc);
        if i + 1 < bits {
            base = b.mul(base, base);
        }
    }
    if !ty.is_signed_int() {
        return acc;
    }
    // y < 0: 1 for x = 1; +-1 for x = -1 (by y's parity); 0 otherwise.
    let y_neg = b.cmp(CmpOp::Lt, y, zero);
    let y_odd = b.binary(BinaryOp::And, y, one);
    let odd = b.cmp(CmpOp::Ne, y_odd, zero);
    let m1 = b.iconst(ty, -1);
    let x_one = b.cmp(CmpOp::Eq, x, one);
    let x_m1 = b.cmp(CmpOp::Eq, x, m1);
    let at_m1 = b.select(odd, m1, one);
    let neg_v = b.select(x_m1, at_m1, zero);
    let neg_v = b.select(x_one, one, neg_v);
    b.select(y_neg, neg_v, acc)
}
