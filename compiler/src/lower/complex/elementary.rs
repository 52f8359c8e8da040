//! sqrt, exp, expm1, log and log1p of complex numbers (C99 Annex G
//! special values; scaling against overflow and underflow; log near the
//! unit circle from an FMA-exact |z|^2 - 1).

use super::cx::{Cx, C};
use crate::kernel_ir::{BinaryOp, CmpOp, UnaryOp, Value};
use lazyxp_runtime::DType;

impl Cx<'_> {
    /// Principal square root (C99 Annex G / FreeBSD `csqrt` special cases).
    pub(super) fn sqrt_c(&mut self, (a, b): C) -> C {
        // Scale so that |a| + hypot(a, b) neither overflows nor loses bits
        // to subnormals; the root scales by the square root of the factor.
        let (ma, mb) = (self.abs(a), self.abs(b));
        let m = self.bin(BinaryOp::Max, ma, mb);
        let (big_at, tiny_at) = if self.t == DType::Float64 { (f64::MAX / 4.0, 2f64.powi(-1000)) } else { (f32::MAX as f64 / 4.0, 2f64.powi(-120)) };
        let (down, up) = if self.t == DType::Float64 { (2f64.powi(-2), 2f64.powi(600)) } else { (2f64.powi(-2), 2f64.powi(60)) };
        let big_k = self.k(big_at);
        let tiny_k = self.k(tiny_at);
        let big = self.cmp(CmpOp::Gt, m, big_k);
        let tiny = self.cmp(CmpOp::Lt, m, tiny_k);
        let one = self.k(1.0);
        let fd = self.k(down);
        let fu = self.k(up);
        let f = self.sel(tiny, fu, one);
        let f = self.sel(big, fd, f);
        let gd = self.k(down.sqrt().recip());
        let gu = self.k(up.sqrt().recip());
        let g = self.sel(tiny, gu, one);
        let g = self.sel(big, gd, g);
        let sa = self.mul(a, f);
        let sb = self.mul(b, f);
        let h = self.bin(BinaryOp::Hypot, sa, sb);
        let msa = self.abs(sa);
        let s = self.add(msa, h);
        let half = self.k(0.5);
        let s = self.mul(s, half);
        let t = self.un(UnaryOp::Sqrt, s);
        let two = self.k(2.0);
        let t2 = self.mul(t, two);
        let other = self.div(sb, t2);
        let msb = self.abs(sb);
        let other_neg = self.div(msb, t2);
        let t = self.mul(t, g);
        let other = self.mul(other, g);
        let other_neg = self.mul(other_neg, g);
        let zero = self.k(0.0);
        let nonneg = self.cmp(CmpOp::Ge, a, zero);
        let t_signed = self.copysign(t, b);
        let mut r = self.selc(nonneg, (t, other), (other_neg, t_signed));
        // Special values, lowest priority first.
        let nan = self.k(f64::NAN);
        let inf = self.k(f64::INFINITY);
        let b_nan = self.is_nan(b);
        r = self.selc(b_nan, (nan, nan), r);
        let a_inf = self.is_inf(a);
        let bb = self.sub(b, b);
        let abs_bb = self.abs(bb);
        let neg_inf_case = (abs_bb, self.copysign(a, b));
        let pos_inf_case = (a, self.copysign(bb, b));
        let a_neg = self.cmp(CmpOp::Lt, a, zero);
        let inf_case = self.selc(a_neg, neg_inf_case, pos_inf_case);
        r = self.selc(a_inf, inf_case, r);
        let a_nan = self.is_nan(a);
        r = self.selc(a_nan, (nan, nan), r);
        let b_inf = self.is_inf(b);
        r = self.selc(b_inf, (inf, b), r);
        let a0 = self.is_zero(a);
        let b0 = self.is_zero(b);
        let z0 = self.and(a0, b0);
        self.selc(z0, (zero, b), r)
    }

    /// e^z; large real parts are scaled so that e^a * cos b does not
    /// overflow before the product does.
    pub(super) fn exp_c(&mut self, (a, b): C) -> C {
        let ea = self.un(UnaryOp::Exp, a);
        let c = self.un(UnaryOp::Cos, b);
        let s = self.un(UnaryOp::Sin, b);
        let (re, im) = (self.mul(ea, c), self.mul(ea, s));
        let half = self.k(0.5);
        let ha = self.mul(a, half);
        let h = self.un(UnaryOp::Exp, ha);
        let hc = self.mul(h, c);
        let hs = self.mul(h, s);
        let big_re = self.mul(hc, h);
        let big_im = self.mul(hs, h);
        let limit = self.k(if self.t == DType::Float64 { 709.0 } else { 88.0 });
        let big = self.cmp(CmpOp::Gt, a, limit);
        let mut r = self.selc(big, (big_re, big_im), (re, im));
        let b_fin = self.is_finite(b);
        let b_nonfin = self.not(b_fin);
        let ninf = self.eq_k(a, f64::NEG_INFINITY);
        let pinf = self.eq_k(a, f64::INFINITY);
        let zero = self.k(0.0);
        let nan = self.k(f64::NAN);
        let c1 = self.and(ninf, b_nonfin);
        r = self.selc(c1, (zero, zero), r);
        let c2 = self.and(pinf, b_nonfin);
        r = self.selc(c2, (a, nan), r);
        let b0 = self.is_zero(b);
        self.selc(b0, (ea, b), r)
    }

    /// e^z - 1, accurate near 0: Re = expm1(a) cos b - 2 sin^2(b/2).
    pub(super) fn expm1_c(&mut self, z: C) -> C {
        let (a, b) = z;
        let e = self.exp_c(z);
        let one = self.k(1.0);
        let e_re = self.sub(e.0, one);
        let em1 = self.un(UnaryOp::Expm1, a);
        let c = self.un(UnaryOp::Cos, b);
        let half = self.k(0.5);
        let hb = self.mul(b, half);
        let sh = self.un(UnaryOp::Sin, hb);
        let two = self.k(2.0);
        let t = self.mul(sh, sh);
        let t = self.mul(t, two);
        let nt = self.neg(t);
        let re = self.b.fma(em1, c, nt);
        // Near zero the accurate form; elsewhere (and for every special
        // value) e^z - 1 is exact enough and has exp's rules.
        let ma = self.abs(a);
        let mb = self.abs(b);
        let lim = self.k(1.0);
        let sa = self.cmp(CmpOp::Lt, ma, lim);
        let sb = self.cmp(CmpOp::Lt, mb, lim);
        let small = self.and(sa, sb);
        let mut r = (self.sel(small, re, e_re), e.1);
        // exp(-inf + bj) - 1 is exactly -1 + 0 cis(b).
        let ninf = self.eq_k(a, f64::NEG_INFINITY);
        let m1 = self.k(-1.0);
        let zero = self.k(0.0);
        let s = self.un(UnaryOp::Sin, b);
        let zi = self.mul(zero, s);
        let b_fin = self.is_finite(b);
        let zi = self.sel(b_fin, zi, zero);
        r = self.selc(ninf, (m1, zi), r);
        // On the real axis the real expm1, except that the standard makes
        // expm1(-0 + 0j) = +0 + 0j (the real function keeps -0): adding +0
        // turns -0 into +0 and changes nothing else.
        let b0 = self.is_zero(b);
        let em1_p0 = self.add(em1, zero);
        self.selc(b0, (em1_p0, b), r)
    }

    /// ln|z| given z's parts, with `near_one` = |z|^2 - 1 computed with
    /// care for the case |z| close to 1 (where log(hypot) cancels).
    pub(super) fn log_abs(&mut self, a: Value, b: Value, near_one: Value) -> Value {
        let (ma, mb) = (self.abs(a), self.abs(b));
        let m = self.bin(BinaryOp::Max, ma, mb);
        let h = self.bin(BinaryOp::Hypot, a, b);
        let plain = self.un(UnaryOp::Log, h);
        // Huge or tiny parts: scale by a power of two first.
        let (big_at, tiny_at, down, up) = if self.t == DType::Float64 {
            (2f64.powi(1000), 2f64.powi(-1000), 2f64.powi(-8), 2f64.powi(600))
        } else {
            (2f64.powi(120), 2f64.powi(-120), 2f64.powi(-8), 2f64.powi(60))
        };
        let kd = self.k(down);
        let ku = self.k(up);
        let (sa, sb) = (self.mul(a, kd), self.mul(b, kd));
        let hs = self.bin(BinaryOp::Hypot, sa, sb);
        let ls = self.un(UnaryOp::Log, hs);
        let adj = self.k(-down.ln());
        let big_v = self.add(ls, adj);
        let (ta, tb) = (self.mul(a, ku), self.mul(b, ku));
        let ht = self.bin(BinaryOp::Hypot, ta, tb);
        let lt = self.un(UnaryOp::Log, ht);
        let adj = self.k(-up.ln());
        let tiny_v = self.add(lt, adj);
        let l1 = self.un(UnaryOp::Log1p, near_one);
        let half = self.k(0.5);
        let near_v = self.mul(l1, half);
        let bk = self.k(big_at);
        let tk = self.k(tiny_at);
        let big = self.cmp(CmpOp::Gt, m, bk);
        let tiny = self.cmp(CmpOp::Lt, m, tk);
        let lo = self.k(0.7);
        let hi = self.k(1.4);
        let ge = self.cmp(CmpOp::Ge, h, lo);
        let le = self.cmp(CmpOp::Le, h, hi);
        let near = self.and(ge, le);
        let r = self.sel(near, near_v, plain);
        let r = self.sel(big, big_v, r);
        let zero = self.k(0.0);
        let nz = self.cmp(CmpOp::Gt, m, zero);
        let tiny = self.and(tiny, nz);
        self.sel(tiny, tiny_v, r)
    }

    /// x^2 + y^2 - 1 with the squares' rounding errors kept (FMA), which
    /// is what decides ln|z| near the unit circle.
    pub(super) fn abs2_minus_one(&mut self, a: Value, b: Value) -> Value {
        let (ma, mb) = (self.abs(a), self.abs(b));
        let x = self.bin(BinaryOp::Max, ma, mb);
        let y = self.bin(BinaryOp::Min, ma, mb);
        let p = self.mul(x, x);
        let np = self.neg(p);
        let pe = self.b.fma(x, x, np);
        let q = self.mul(y, y);
        let nq = self.neg(q);
        let qe = self.b.fma(y, y, nq);
        let one = self.k(1.0);
        let pm1 = self.sub(p, one);
        // two-sum of (p - 1) and q
        let s = self.add(pm1, q);
        let bv = self.sub(s, pm1);
        let av = self.sub(s, bv);
        let db = self.sub(q, bv);
        let da = self.sub(pm1, av);
        let err = self.add(da, db);
        let tail = self.add(pe, qe);
        let tail = self.add(tail, err);
        self.add(s, tail)
    }

    pub(super) fn log_c(&mut self, (a, b): C) -> C {
        let n1 = self.abs2_minus_one(a, b);
        let re = self.log_abs(a, b, n1);
        let im = self.bin(BinaryOp::Atan2, b, a);
        (re, im)
    }

    /// log(1 + z) without losing small z to the addition.
    pub(super) fn log1p_c(&mut self, (a, b): C) -> C {
        let one = self.k(1.0);
        let x = self.add(one, a);
        // |1+z|^2 - 1: for small z as 2a + a^2 + b^2; from a <= -1/2 on,
        // 1 + a is exact (Sterbenz) and the unit-circle form applies.
        let two = self.k(2.0);
        let ta = self.mul(a, two);
        let t = self.b.fma(a, a, ta);
        let small = self.b.fma(b, b, t);
        let circle = self.abs2_minus_one(x, b);
        let m_half = self.k(-0.5);
        let left = self.cmp(CmpOp::Le, a, m_half);
        let n1 = self.sel(left, circle, small);
        let re = self.log_abs(x, b, n1);
        let im = self.bin(BinaryOp::Atan2, b, x);
        (re, im)
    }
}
