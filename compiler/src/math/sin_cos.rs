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
//! That reduction is accurate below 2^30 (f64) / 2^16 (f32); from there on
//! `trig_reduce.rs` reduces exactly, in a cold region (`kernel_ir/cold.rs`)
//! that the compiled loop skips unless some lane of the vector needs it,
//! and the same kernels run on its result. The fast path's rh and rl are
//! clamped so that the lanes the cold path replaces stay finite.

use super::bits::{format, Format};
use super::dw::fast_two_sum;
use super::poly::{horner, pick};
use super::trig_reduce::{reduce_huge, threshold_exp, Reduced};
use crate::kernel_ir::{BinaryOp, CmpOp, KernelBuilder, Op, UnaryOp, Value};

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
    let res = with_huge(b, x, |b, red| sin_cos(b, x, red, false));
    // The kernel sums to +0 for x = -0; the standard wants sin(-0) = -0.
    let zero = b.fconst(b.ty(x), 0.0);
    let is_zero = b.cmp(CmpOp::Eq, x, zero);
    b.select(is_zero, x, res)
}

pub fn cos(b: &mut KernelBuilder, x: Value) -> Value {
    with_huge(b, x, |b, red| sin_cos(b, x, red, true))
}

/// `finish(reduction)` for the fast reduction, replaced, in the lanes where
/// |x| >= 2^threshold_exp (and in a cold region), by `finish` of the exact
/// reduction.
fn with_huge(b: &mut KernelBuilder, x: Value, finish: impl Fn(&mut KernelBuilder, Reduced) -> Value) -> Value {
    let f = format(b.ty(x));
    let red = reduce_fast(b, x, f);
    let fast = finish(b, red);
    let ax = b.unary(UnaryOp::Abs, x);
    let lim = b.fconst(f.ty, (threshold_exp(f) as f64).exp2());
    let huge = b.cmp(CmpOp::Le, lim, ax);
    let begin = b.push(Op::ColdBegin(huge, fast), f.ty);
    let red = reduce_huge(b, x, f);
    let slow = finish(b, red);
    let v = b.select(huge, slow, fast);
    b.cold_end(begin, v)
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

fn reduce_fast(b: &mut KernelBuilder, x: Value, f: Format) -> Reduced {
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
    Reduced { t, n, rh, rl }
}

fn kernels(b: &mut KernelBuilder, x: Value, red: Reduced) -> Kernels {
    let ty = b.ty(x);
    let Reduced { t, n, rh, rl } = red;
    let c = |b: &mut KernelBuilder, v: f64| b.fconst(ty, v);
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

fn sin_cos(b: &mut KernelBuilder, x: Value, red: Reduced, is_cos: bool) -> Value {
    let f = format(b.ty(x));
    let k = kernels(b, x, red);
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
    let t = with_huge(b, x, |b, red| tan_of(b, x, red));
    let zero = b.fconst(b.ty(x), 0.0);
    let is_zero = b.cmp(CmpOp::Eq, x, zero);
    b.select(is_zero, x, t)
}

fn tan_of(b: &mut KernelBuilder, x: Value, red: Reduced) -> Value {
    let ty = b.ty(x);
    let k = kernels(b, x, red);
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
    b.select(odd, nt, t)
}

#[cfg(test)]
mod tests {
    use crate::kernel_ir::UnaryOp;
    use crate::math::hot_ops;
    use lazyxp_runtime::DType;

    #[test]
    fn fast_path_cost() {
        // Before the cold path: sin 49 (f64) / 45 (f32), cos 48 / 44, tan
        // 63 / 59; abs, compare, cold_begin and cold_end are the increase.
        for (op, f64_ops, f32_ops) in [(UnaryOp::Sin, 53, 49), (UnaryOp::Cos, 52, 48), (UnaryOp::Tan, 67, 63)] {
            let (h64, n64) = hot_ops(op, DType::Float64);
            let (h32, n32) = hot_ops(op, DType::Float32);
            println!("{op}: f64 {h64} hot of {n64}, f32 {h32} hot of {n32}");
            assert!(h64 <= f64_ops && h32 <= f32_ops, "{op}: {h64} / {h32} ops outside the cold region");
        }
    }
}
