//! log(x) = k*ln2 + log(m), x = m * 2^k with m in [sqrt(2)/2, sqrt(2)).
//!
//! k and m come from the bits (fdlibm/musl style): subtracting the bits of
//! sqrt(2)/2 makes the exponent field k directly and re-adding them to the
//! masked mantissa gives m. Subnormals are first scaled by 2^54 (2^25 for
//! f32). With f = m - 1 and s = f/(2+f), log(1+f) = f - hfsq + s*(hfsq+R)
//! where R(s^2) ~ 2 atanh(s)/s - 2 is a Chebyshev fit (near-minimax,
//! mpmath) of degree 7 in s^2 for f64 (as fdlibm's Lg1..Lg7) and 4 for f32;
//! this form keeps the large terms exact so the total stays near half an ulp.

use super::bits::{format, int_to_float};
use super::poly::{horner, pick};
use crate::kernel_ir::{BinaryOp, CmpOp, KernelBuilder, Value};

const R64: &[f64] = &[
    0.666666666666667, 0.39999999999899444, 0.2857142862600327, 0.22222211130259878,
    0.18182889455674947, 0.15331710618210773, 0.14616585424888623,
];
const R32: &[f64] = &[0.6666666865348816, 0.4000012278556824, 0.2855081558227539, 0.23330582678318024];

pub fn log(b: &mut KernelBuilder, x: Value) -> Value {
    let f = format(b.ty(x));
    let ty = f.ty;
    let is64 = f.mant == 52;
    let (tiny, up, sqrt_half_bits, ln2_hi, ln2_lo) = if is64 {
        (f64::MIN_POSITIVE, 54.0, 0x3FE6A09E667F3BCDi64, 6.93147180369123816490e-01, 1.90821492927058770002e-10)
    } else {
        (f32::MIN_POSITIVE as f64, 25.0, 0x3F3504F3i64, 6.9313812256e-01, 9.0580006145e-06)
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
    let k = int_to_float(b, k);
    let adj = b.fconst(ty, up);
    let zero = b.fconst(ty, 0.0);
    let adj = b.select(sub, adj, zero);
    let k = b.sub(k, adj);
    let mask = b.iconst(f.int, (1i64 << f.mant) - 1);
    let mb = b.binary(BinaryOp::And, ix, mask);
    let mb = b.add(mb, c);
    let m = b.bitcast(mb, ty);

    let one = b.fconst(ty, 1.0);
    let two = b.fconst(ty, 2.0);
    let half = b.fconst(ty, 0.5);
    let fm = b.sub(m, one);
    let hf = b.mul(fm, half);
    let hfsq = b.mul(hf, fm);
    let den = b.add(fm, two);
    let s = b.div(fm, den);
    let z = b.mul(s, s);
    let coefs = pick(b, x, R32, R64);
    let p = horner(b, z, coefs);
    let r = b.mul(z, p);
    let a = b.add(hfsq, r);
    let lo = b.fconst(ty, ln2_lo);
    let klo = b.mul(k, lo);
    let t = b.fma(s, a, klo);
    let t = b.sub(hfsq, t);
    let t = b.sub(fm, t);
    let hi = b.fconst(ty, ln2_hi);
    let res = b.fma(k, hi, t);

    // Special cases: 0 -> -inf, negative or NaN -> NaN, +inf -> +inf.
    let ninf = b.fconst(ty, f64::NEG_INFINITY);
    let nan = b.fconst(ty, f64::NAN);
    let is_zero = b.cmp(CmpOp::Eq, x, zero);
    let bad = b.select(is_zero, ninf, nan);
    let pos = b.cmp(CmpOp::Gt, x, zero);
    let res = b.select(pos, res, bad);
    let inf = b.fconst(ty, f64::INFINITY);
    let is_inf = b.cmp(CmpOp::Eq, x, inf);
    b.select(is_inf, x, res)
}
