//! sin and cos: Cody-Waite reduction by pi/2 to |r| <= pi/4, then both
//! kernel polynomials, chosen and signed by the quadrant without branches.
//!
//! pi/2 is split in three parts of the format's full precision (P1+P2+P3,
//! 159 bits for f64, 72 for f32). With fma, x - n*P1 is exact for every n
//! (both terms sit on the grid of P1's ulp and the difference is below 1),
//! and n*P2 is split exactly into head and tail (2MultFMA), so r is kept as
//! a double-word rh + rl; the tail enters the kernels as the first-order
//! term sin(rh+rl) ~ sin(rh) + rl, cos(rh+rl) ~ cos(rh) - rh*rl. Kernel
//! coefficients are Chebyshev fits (near-minimax, mpmath) on [0, (pi/4)^2]:
//! sin = r + r^3 S(r^2), cos = 1 - r^2/2 + r^4 C(r^2), S and C of degree 5
//! (f64) or 3 (f32); cos is summed fdlibm-style so 1 - r^2/2 loses nothing.
//!
//! The quadrant n comes from the magic-number rounding, which is exact for
//! |x| < 2^51 (2^22 for f32) times pi/2; beyond that, and beyond the range
//! where three parts of pi/2 suffice (see docs/math-accuracy.md), rh and rl
//! are clamped, so results stay finite in [-1, 1] without being accurate.

use super::bits::format;
use super::dw::fast_two_sum;
use super::poly::{horner, pick};
use crate::kernel_ir::{BinaryOp, CmpOp, KernelBuilder, UnaryOp, Value};

const S64: &[f64] = &[
    -0.16666666666666666, 0.008333333333330948, -0.00019841269836756774, 2.7557316101617874e-06,
    -2.505113165023518e-08, 1.5918115263265974e-10,
];
const C64: &[f64] = &[
    0.041666666666666664, -0.0013888888888887398, 2.480158729876456e-05, -2.7557317271145144e-07,
    2.087614614655861e-09, -1.1382623647474604e-11,
];
const S32: &[f64] = &[-0.1666666716337204, 0.008333331905305386, -0.00019840087043121457, 2.7249895993008977e-06];
const C32: &[f64] = &[0.0416666679084301, -0.00138888880610466, 2.480059993104078e-05, -2.730093342506734e-07];

pub fn sin(b: &mut KernelBuilder, x: Value) -> Value {
    let res = sin_cos(b, x, false);
    // The kernel sums to +0 for x = -0; the standard wants sin(-0) = -0.
    let zero = b.fconst(b.ty(x), 0.0);
    let is_zero = b.cmp(CmpOp::Eq, x, zero);
    b.select(is_zero, x, res)
}

pub fn cos(b: &mut KernelBuilder, x: Value) -> Value {
    sin_cos(b, x, true)
}

fn clamp(b: &mut KernelBuilder, v: Value, c: f64) -> Value {
    super::clamp::between(b, v, -c, c)
}

/// sin and cos of the reduced argument, each as a head and the small
/// term added to it last (the caller may recover that add's rounding).
struct Kernels {
    n: Value,
    /// `n` plus the magic number: its bits hold n in the low bits.
    t: Value,
    sin_head: Value,
    sin_tail: Value,
    cos_head: Value,
    cos_tail: Value,
}

fn kernels(b: &mut KernelBuilder, x: Value) -> Kernels {
    let f = format(b.ty(x));
    let ty = f.ty;
    let (p1, p2, p3) = if f.mant == 52 {
        (1.5707963267948966, 6.123233995736766e-17, -1.4973849048591698e-33)
    } else {
        (1.5707963705062866, -4.371138828673793e-08, -1.7151245100058819e-15)
    };
    let c = |b: &mut KernelBuilder, v: f64| b.fconst(ty, v);

    // Reduction: x = n*pi/2 + rh + rl.
    let two_over_pi = c(b, std::f64::consts::FRAC_2_PI);
    let magic = c(b, f.magic());
    let t = b.fma(x, two_over_pi, magic);
    let n = b.sub(t, magic);
    let mp1 = c(b, -p1);
    let r1 = b.fma(n, mp1, x);
    let mp2 = c(b, -p2);
    let pp2 = c(b, p2);
    let mth = b.mul(n, mp2);
    let tl = b.fma(n, pp2, mth);
    let rh = b.add(r1, mth);
    let e = b.sub(r1, rh);
    let e = b.add(e, mth);
    let e = b.sub(e, tl);
    let mp3 = c(b, -p3);
    let rl = b.fma(n, mp3, e);
    let rh = clamp(b, rh, 0.79);
    let rl = clamp(b, rl, if f.mant == 52 { 1e-12 } else { 1e-5 });
    let s = b.mul(rh, rh);

    let sp = pick(b, x, S32, S64);
    let ps = horner(b, s, sp);
    let rs = b.mul(rh, s);
    let st = b.fma(rs, ps, rl);

    let half = c(b, 0.5);
    let one = c(b, 1.0);
    let hs = b.mul(s, half);
    let w = b.sub(one, hs);
    let a = b.sub(one, w);
    let a = b.sub(a, hs);
    let hl = b.mul(rh, rl);
    let a = b.sub(a, hl);
    let cp = pick(b, x, C32, C64);
    let pc = horner(b, s, cp);
    let s2 = b.mul(s, s);
    let ct = b.fma(s2, pc, a);
    Kernels { n, t, sin_head: rh, sin_tail: st, cos_head: w, cos_tail: ct }
}

fn sin_cos(b: &mut KernelBuilder, x: Value, is_cos: bool) -> Value {
    let f = format(b.ty(x));
    let k = kernels(b, x);
    let sinr = b.add(k.sin_head, k.sin_tail);
    let cosr = b.add(k.cos_head, k.cos_tail);
    // Quadrant q = n, or n + 1 for cos (cos(x) = sin(x + pi/2)), from the
    // low bits of t = magic + n (the magic number's are zero, and t stays
    // in the magic's binade wherever n is exact): odd q picks the cos
    // kernel, bit 1 of q is the sign, moved into the sign bit.
    let tb = b.bitcast(k.t, f.int);
    let one = b.iconst(f.int, 1);
    let q = if is_cos { b.add(tb, one) } else { tb };
    let low = b.binary(BinaryOp::And, q, one);
    let zero = b.iconst(f.int, 0);
    let even = b.cmp(CmpOp::Eq, low, zero);
    let res = b.select(even, sinr, cosr);
    let width = if f.mant == 52 { 64 } else { 32 };
    let sh = b.iconst(f.int, width - 2);
    let sign = b.binary(BinaryOp::Shl, q, sh);
    let sign_bit = b.iconst(f.int, if width == 64 { i64::MIN } else { 0x8000_0000 });
    let sign = b.binary(BinaryOp::And, sign, sign_bit);
    let rb = b.bitcast(res, f.int);
    let rb = b.binary(BinaryOp::Xor, rb, sign);
    b.bitcast(rb, f.ty)
}

/// tan(x) = sin(r)/cos(r) for even quadrants, -cos(r)/sin(r) for odd
/// ones. The rounding errors of both kernel sums (Fast2Sum) and of the
/// quotient (fma residual) are folded into one correction, so the result
/// carries the kernels' polynomial error plus one rounding, not three.
pub fn tan(b: &mut KernelBuilder, x: Value) -> Value {
    let ty = b.ty(x);
    let k = kernels(b, x);
    let (sh, se) = fast_two_sum(b, k.sin_head, k.sin_tail);
    let (ch, ce) = fast_two_sum(b, k.cos_head, k.cos_tail);
    let half = b.fconst(ty, 0.5);
    let h = b.mul(k.n, half);
    let fh = b.unary(UnaryOp::Floor, h);
    let odd = b.cmp(CmpOp::Ne, h, fh);
    let num = b.select(odd, ch, sh);
    let num_e = b.select(odd, ce, se);
    let den = b.select(odd, sh, ch);
    let den_e = b.select(odd, se, ce);
    let q = b.div(num, den);
    let nq = b.unary(UnaryOp::Neg, q);
    let res = b.fma(nq, den, num);
    let res = b.add(res, num_e);
    let res = b.fma(nq, den_e, res);
    let corr = b.div(res, den);
    let t = b.add(q, corr);
    let nt = b.unary(UnaryOp::Neg, t);
    let t = b.select(odd, nt, t);
    let zero = b.fconst(ty, 0.0);
    let is_zero = b.cmp(CmpOp::Eq, x, zero);
    b.select(is_zero, x, t)
}
