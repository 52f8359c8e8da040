//! atan and atan2: the ratio is reduced to |t| <= tan(pi/8) by the
//! identities atan(a) = pi/4 + atan((a-1)/(a+1)) and pi/2 + atan(-1/a),
//! chosen by selects; atan(t) = t + t^3 P(t^2) with P a Chebyshev fit
//! (fits.py) of degree 10 (f64) or 4 (f32). The offset is added as a
//! head and a tail so the sum rounds once. atan2 works on min(|y|,|x|) /
//! max(|y|,|x|) and places the angle in its octant afterwards, which also
//! yields every signed-zero and infinity rule of the standard.

use super::poly::{horner, pick};
use super::sign::{signbit, with_sign_of};
use crate::kernel_ir::{BinaryOp, CmpOp, KernelBuilder, UnaryOp, Value};
use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI};

const ATAN64: &[f64] = &[-0.3333333333333333, 0.1999999999999552, -0.14285714284666542, 0.11111111015256361, -0.09090904578123903, 0.07692183190826087, -0.06664511447381948, 0.0585814891280221, -0.0508544973794026, 0.03923165829558719, -0.01917688711906226];
const ATAN32: &[f64] = &[-0.3333333134651184, 0.19999539852142334, -0.14263956248760223, 0.10743731260299683, -0.06451927870512009];

/// The tail of pi/4, pi/2 or pi below its rounding to the format.
fn lo(is64: bool, head: f64) -> f64 {
    let (l64, l32) = if head == FRAC_PI_4 {
        (3.061616997868383e-17, -2.1855695000931213e-08)
    } else if head == FRAC_PI_2 {
        (6.123233995736766e-17, -4.3711390001862426e-08)
    } else {
        (1.2246467991473532e-16, -8.742278000372485e-08)
    };
    if is64 {
        l64
    } else {
        l32
    }
}

/// atan(num/den) for 0 <= num, 0 < den (or inf), with num <= den when
/// `ratio_le_1`: returns the angle in [0, pi/2].
fn atan_ratio(b: &mut KernelBuilder, num: Value, den: Value, ratio_le_1: bool) -> Value {
    let ty = b.ty(num);
    let is64 = ty == lazyxp_runtime::DType::Float64;
    let t8 = b.fconst(ty, 0.41421356237309503);
    let t38 = b.fconst(ty, 2.414213562373095);
    let d8 = b.mul(den, t8);
    let mid = b.cmp(CmpOp::Gt, num, d8);
    let nmd = b.sub(num, den);
    let npd = b.add(num, den);
    let zero = b.fconst(ty, 0.0);
    let mut n = b.select(mid, nmd, num);
    let mut d = b.select(mid, npd, den);
    let pi4 = b.fconst(ty, FRAC_PI_4);
    let pi4l = b.fconst(ty, lo(is64, FRAC_PI_4));
    let mut off = b.select(mid, pi4, zero);
    let mut off_lo = b.select(mid, pi4l, zero);
    if !ratio_le_1 {
        let d38 = b.mul(den, t38);
        let high = b.cmp(CmpOp::Gt, num, d38);
        let nden = b.unary(UnaryOp::Neg, den);
        n = b.select(high, nden, n);
        d = b.select(high, num, d);
        let pi2 = b.fconst(ty, FRAC_PI_2);
        let pi2l = b.fconst(ty, lo(is64, FRAC_PI_2));
        off = b.select(high, pi2, off);
        off_lo = b.select(high, pi2l, off_lo);
    }
    let t = b.div(n, d);
    let z = b.mul(t, t);
    let coefs = pick(b, t, ATAN32, ATAN64);
    let p = horner(b, z, coefs);
    let tz = b.mul(t, z);
    let small = b.fma(tz, p, off_lo);
    let s = b.add(t, small);
    b.add(off, s)
}

pub fn atan(b: &mut KernelBuilder, x: Value) -> Value {
    let ty = b.ty(x);
    let a = b.unary(UnaryOp::Abs, x);
    let one = b.fconst(ty, 1.0);
    let r = atan_ratio(b, a, one, false);
    with_sign_of(b, r, x)
}

/// head - r + tail, for the reflections pi/2 - r and pi - r.
fn reflect(b: &mut KernelBuilder, head: f64, r: Value) -> Value {
    let ty = b.ty(r);
    let is64 = ty == lazyxp_runtime::DType::Float64;
    let h = b.fconst(ty, head);
    let l = b.fconst(ty, lo(is64, head));
    let d = b.sub(h, r);
    b.add(d, l)
}

pub fn atan2(b: &mut KernelBuilder, y: Value, x: Value) -> Value {
    let ty = b.ty(y);
    let ay = b.unary(UnaryOp::Abs, y);
    let ax = b.unary(UnaryOp::Abs, x);
    let num = b.binary(BinaryOp::Min, ay, ax);
    let den = b.binary(BinaryOp::Max, ay, ax);
    // inf/inf is an angle of pi/4 and 0/0 one of 0: make the ratio 1 or 0.
    let inf = b.fconst(ty, f64::INFINITY);
    let one = b.fconst(ty, 1.0);
    let zero = b.fconst(ty, 0.0);
    let both_inf = b.cmp(CmpOp::Eq, num, inf);
    let num = b.select(both_inf, one, num);
    let den = b.select(both_inf, one, den);
    let den_zero = b.cmp(CmpOp::Eq, den, zero);
    let den = b.select(den_zero, one, den);
    let r = atan_ratio(b, num, den, true);
    let swap = b.cmp(CmpOp::Gt, ay, ax);
    let rs = reflect(b, FRAC_PI_2, r);
    let r = b.select(swap, rs, r);
    let left = signbit(b, x);
    let rl = reflect(b, PI, r);
    let r = b.select(left, rl, r);
    let r = with_sign_of(b, r, y);
    // NaN in, NaN out (the ratio logic above would hide some).
    let y_nan = b.cmp(CmpOp::Ne, y, y);
    let x_nan = b.cmp(CmpOp::Ne, x, x);
    let any_nan = b.binary(BinaryOp::Or, y_nan, x_nan);
    let nan = b.add(y, x);
    b.select(any_nan, nan, r)
}
