//! log(x) = k*ln2 + log(m), x = m * 2^k with m in [sqrt(2)/2, sqrt(2)).
//!
//! k and m come from the bits (fdlibm/musl style): subtracting the bits of
//! sqrt(2)/2 makes the exponent field k directly and re-adding them to the
//! masked mantissa gives m. Subnormals are first scaled by 2^54 (2^25 for
//! f32). With f = m - 1 and s = f/(2+f), log(1+f) = f - hfsq + s*(hfsq+R)
//! where R(s^2) ~ 2 atanh(s)/s - 2 is a Chebyshev fit (near-minimax,
//! mpmath) of degree 7 in s^2 for f64 (as fdlibm's Lg1..Lg7) and 4 for f32;
//! this form keeps the large terms exact so the total stays near half an ulp.

use super::bits::{format, magic_plus_int};
use super::poly::{horner, pick};
use crate::kernel_ir::{BinaryOp, CmpOp, KernelBuilder, Value};
use lazyxp_runtime::DType;

const R64: &[f64] = &[
    0.666666666666667, 0.39999999999899444, 0.2857142862600327, 0.22222211130259878,
    0.18182889455674947, 0.15331710618210773, 0.14616585424888623,
];
const R32: &[f64] = &[0.6666666865348816, 0.4000012278556824, 0.2855081558227539, 0.23330582678318024];

/// x = m * 2^k with m in [sqrt(2)/2, sqrt(2)); k as an integer-valued
/// float. Subnormal x are scaled up first so m is always exact.
pub fn split(b: &mut KernelBuilder, x: Value) -> (Value, Value) {
    let f = format(b.ty(x));
    let ty = f.ty;
    let (tiny, up, sqrt_half_bits) = if f.mant == 52 {
        (f64::MIN_POSITIVE, 54.0, 0x3FE6A09E667F3BCDi64)
    } else {
        (f32::MIN_POSITIVE as f64, 25.0, 0x3F3504F3i64)
    };
    let tiny_c = b.fconst(ty, tiny);
    let sub = b.cmp(CmpOp::Lt, x, tiny_c);
    let scale = b.fconst(ty, 2f64.powf(up));
    let xs = b.mul(x, scale);
    let xs = b.select(sub, xs, x);

    let bits = b.bitcast(xs, f.int);
    let c = b.iconst(f.int, sqrt_half_bits);
    let ix = b.sub(bits, c);
    let sh = b.iconst(f.int, f.mant as i64);
    let k = b.binary(BinaryOp::Shr, ix, sh);
    // k as a float, with the scaling of subnormals taken off in the same
    // subtraction (magic + up is exact).
    let kt = magic_plus_int(b, k);
    let plain = b.fconst(ty, f.magic());
    let scaled = b.fconst(ty, f.magic() + up);
    let off = b.select(sub, scaled, plain);
    let k = b.sub(kt, off);
    let mask = b.iconst(f.int, (1i64 << f.mant) - 1);
    let mb = b.binary(BinaryOp::And, ix, mask);
    let mb = b.add(mb, c);
    (k, b.bitcast(mb, ty))
}

/// log(1 + f) = f - (hfsq - tail) for f = m - 1: returns (hfsq, tail),
/// the two terms whose sum must be subtracted last to stay accurate.
pub fn log1p_kernel(b: &mut KernelBuilder, fm: Value) -> (Value, Value) {
    let ty = b.ty(fm);
    let two = b.fconst(ty, 2.0);
    let half = b.fconst(ty, 0.5);
    let hf = b.mul(fm, half);
    let hfsq = b.mul(hf, fm);
    let den = b.add(fm, two);
    let s = b.div(fm, den);
    let z = b.mul(s, s);
    let coefs = pick(b, fm, R32, R64);
    let p = horner(b, z, coefs);
    let r = b.mul(z, p);
    let a = b.add(hfsq, r);
    let tail = b.mul(s, a);
    (hfsq, tail)
}

fn ln2_parts(is64: bool) -> (f64, f64) {
    if is64 {
        (6.93147180369123816490e-01, 1.90821492927058770002e-10)
    } else {
        (6.9313812256e-01, 9.0580006145e-06)
    }
}

/// k*ln2 + log(1+f) + c, fdlibm's arrangement, with an optional small
/// correction c (log1p's rounding of 1 + x, divided by 1 + x).
fn combine(b: &mut KernelBuilder, k: Value, m: Value, c: Option<Value>) -> Value {
    let ty = b.ty(m);
    let (ln2_hi, ln2_lo) = ln2_parts(ty == DType::Float64);
    let one = b.fconst(ty, 1.0);
    let fm = b.sub(m, one);
    let (hfsq, tail) = log1p_kernel(b, fm);
    let lo = b.fconst(ty, ln2_lo);
    let klo = match c {
        Some(c) => b.fma(k, lo, c),
        None => b.mul(k, lo),
    };
    let t = b.add(tail, klo);
    let t = b.sub(hfsq, t);
    let t = b.sub(fm, t);
    let hi = b.fconst(ty, ln2_hi);
    b.fma(k, hi, t)
}

/// The standard's special cases of every logarithm, by the argument `u`
/// (x, or 1 + x for log1p): 0 -> -inf, negative or NaN -> NaN, +inf ->
/// +inf.
fn specials(b: &mut KernelBuilder, u: Value, res: Value) -> Value {
    let ty = b.ty(u);
    let zero = b.fconst(ty, 0.0);
    let ninf = b.fconst(ty, f64::NEG_INFINITY);
    let nan = b.fconst(ty, f64::NAN);
    let is_zero = b.cmp(CmpOp::Eq, u, zero);
    let bad = b.select(is_zero, ninf, nan);
    let pos = b.cmp(CmpOp::Gt, u, zero);
    let res = b.select(pos, res, bad);
    let inf = b.fconst(ty, f64::INFINITY);
    let is_inf = b.cmp(CmpOp::Eq, u, inf);
    b.select(is_inf, u, res)
}

pub fn log(b: &mut KernelBuilder, x: Value) -> Value {
    let (k, m) = split(b, x);
    let res = combine(b, k, m, None);
    specials(b, x, res)
}

/// log1p(x) = log(u) + log(1 + c/u) with u = 1 + x rounded and c its exact
/// rounding error (TwoSum), so log(1 + c/u) ~ c/u enters as a correction
/// (fdlibm's log1p idea, without its branches).
pub fn log1p(b: &mut KernelBuilder, x: Value) -> Value {
    log1p_dw(b, x, None)
}

/// log1p(x + xl) for a low part xl far below an ulp of x (the callers'
/// rounding of x, folded into the correction).
pub fn log1p_dw(b: &mut KernelBuilder, x: Value, xl: Option<Value>) -> Value {
    let ty = b.ty(x);
    let one = b.fconst(ty, 1.0);
    let (u, c) = super::dw::two_sum(b, one, x);
    let c = match xl {
        Some(l) => b.add(c, l),
        None => c,
    };
    let cu = b.div(c, u);
    let (k, m) = split(b, u);
    let res = combine(b, k, m, Some(cu));
    let res = specials(b, u, res);
    // Keeps the sign of zero (and a NaN for x = NaN, where u is NaN too).
    let zero = b.fconst(ty, 0.0);
    let is_zero = b.cmp(CmpOp::Eq, x, zero);
    b.select(is_zero, x, res)
}

/// log2 and log10: k*log_b(2) + log(m)*log_b(e), where log(m) = f - (hfsq
/// - tail) keeps f exact, f*log_b(e) is split exactly with fma, and the
/// integer part is added last by Fast2Sum, so the result carries about
/// one rounding.
pub fn log_base(b: &mut KernelBuilder, x: Value, base10: bool) -> Value {
    let ty = b.ty(x);
    let is64 = ty == DType::Float64;
    // log_b(e) = inv; log_b(2) = k_hi + k_lo with k_hi short so k*k_hi is exact.
    let (inv, inv_lo, k_hi, k_lo) = match (base10, is64) {
        (false, true) => (std::f64::consts::LOG2_E, 2.0355273740931033e-17, 1.0, 0.0),
        (false, false) => (1.4426950216293335, 1.9259629911266175e-08, 1.0, 0.0),
        (true, true) => (std::f64::consts::LOG10_E, 1.098319650216765e-17, 0.30102999566361177, 3.694239077158931e-13),
        (true, false) => (0.4342944920063019, -1.0103050052231683e-08, 0.301025390625, 4.605038981195214e-06),
    };
    let (k, m) = split(b, x);
    let one = b.fconst(ty, 1.0);
    let fm = b.sub(m, one);
    let (hfsq, tail) = log1p_kernel(b, fm);
    let invc = b.fconst(ty, inv);
    let (p, pe) = super::dw::two_prod(b, fm, invc);
    let inv_lo = b.fconst(ty, inv_lo);
    let flo = b.fma(fm, inv_lo, pe);
    let corr = b.sub(hfsq, tail);
    let ncorr = b.unary(crate::kernel_ir::UnaryOp::Neg, corr);
    let lo = b.fma(ncorr, invc, flo);
    let khi = b.fconst(ty, k_hi);
    let klo = b.fconst(ty, k_lo);
    let a = b.mul(k, khi);
    let lo = b.fma(k, klo, lo);
    let (hi, e) = super::dw::fast_two_sum(b, a, p);
    let lo = b.add(e, lo);
    let res = b.add(hi, lo);
    specials(b, x, res)
}
