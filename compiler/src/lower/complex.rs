//! Complex numbers in kernels: lowering gives every complex graph value a
//! pair of real kernel values, and this file expands each complex
//! operation into real instructions (whose transcendentals the math library
//! expands in turn), so every backend runs complex code it never sees as
//! such.
//!
//! Arithmetic follows NumPy's formulas (`mul` the schoolbook product,
//! `div` Smith's algorithm with NumPy's branches), so results agree with it
//! bit for bit where the formulas are the same. The functions follow C99's
//! Annex G (as FreeBSD's libm and NumPy do) for special values, and Kahan's
//! "Branch cuts for complex elementary functions" for the inverse
//! functions: formulas made of complex square roots, `atan2` and `asinh`
//! that keep the branch cuts and signed zeros right without cases.
//!
//! Accuracy: complex64 functions compute in float64 and round once, so
//! their parts are within about 0.5 ULP wherever the float64 formula is
//! accurate; complex128 uses the same formulas with scaling against
//! overflow and double-word steps where cancellation would cost bits
//! (measured figures in docs/math-accuracy.md).

use crate::graph::ComplexOp;
use crate::kernel_ir::{BinaryOp, CmpOp, KernelBuilder, UnaryOp, Value};
use lazyxp_runtime::DType;

/// A lowered graph value: one real kernel value, or a complex one's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lv {
    Real(Value),
    Complex(Value, Value),
}

impl Lv {
    pub fn real(self) -> Value {
        match self {
            Lv::Real(v) => v,
            Lv::Complex(..) => unreachable!("a real value was expected"),
        }
    }
}

/// The float type of a complex dtype's parts.
pub fn component(t: DType) -> DType {
    match t {
        DType::Complex64 => DType::Float32,
        DType::Complex128 => DType::Float64,
        other => other,
    }
}

/// Complex arithmetic on pairs of real values of one float type.
struct Cx<'b> {
    b: &'b mut KernelBuilder,
    t: DType,
}

type C = (Value, Value);

impl Cx<'_> {
    fn k(&mut self, v: f64) -> Value {
        self.b.fconst(self.t, v)
    }
    fn un(&mut self, op: UnaryOp, a: Value) -> Value {
        self.b.unary(op, a)
    }
    fn bin(&mut self, op: BinaryOp, a: Value, b: Value) -> Value {
        self.b.binary(op, a, b)
    }
    fn add(&mut self, a: Value, b: Value) -> Value {
        self.b.add(a, b)
    }
    fn sub(&mut self, a: Value, b: Value) -> Value {
        self.b.sub(a, b)
    }
    fn mul(&mut self, a: Value, b: Value) -> Value {
        self.b.mul(a, b)
    }
    fn div(&mut self, a: Value, b: Value) -> Value {
        self.b.div(a, b)
    }
    fn neg(&mut self, a: Value) -> Value {
        self.un(UnaryOp::Neg, a)
    }
    fn abs(&mut self, a: Value) -> Value {
        self.un(UnaryOp::Abs, a)
    }
    fn cmp(&mut self, op: CmpOp, a: Value, b: Value) -> Value {
        self.b.cmp(op, a, b)
    }
    fn and(&mut self, a: Value, b: Value) -> Value {
        self.b.binary(BinaryOp::And, a, b)
    }
    fn or(&mut self, a: Value, b: Value) -> Value {
        self.b.binary(BinaryOp::Or, a, b)
    }
    fn not(&mut self, a: Value) -> Value {
        self.b.unary(UnaryOp::Not, a)
    }
    fn sel(&mut self, c: Value, a: Value, b: Value) -> Value {
        self.b.select(c, a, b)
    }
    fn selc(&mut self, c: Value, a: C, b: C) -> C {
        (self.sel(c, a.0, b.0), self.sel(c, a.1, b.1))
    }
    fn copysign(&mut self, mag: Value, sign: Value) -> Value {
        self.bin(BinaryOp::CopySign, mag, sign)
    }
    fn is_nan(&mut self, a: Value) -> Value {
        self.cmp(CmpOp::Ne, a, a)
    }
    fn is_inf(&mut self, a: Value) -> Value {
        let m = self.abs(a);
        let inf = self.k(f64::INFINITY);
        self.cmp(CmpOp::Eq, m, inf)
    }
    fn is_finite(&mut self, a: Value) -> Value {
        let m = self.abs(a);
        let inf = self.k(f64::INFINITY);
        self.cmp(CmpOp::Lt, m, inf)
    }
    fn is_zero(&mut self, a: Value) -> Value {
        let z = self.k(0.0);
        self.cmp(CmpOp::Eq, a, z)
    }
    fn eq_k(&mut self, a: Value, v: f64) -> Value {
        let c = self.k(v);
        self.cmp(CmpOp::Eq, a, c)
    }
    fn mul_c(&mut self, (a, b): C, (c, d): C) -> C {
        let (ac, bd, ad, bc) = (self.mul(a, c), self.mul(b, d), self.mul(a, d), self.mul(b, c));
        (self.sub(ac, bd), self.add(ad, bc))
    }
    /// NumPy's complex division: Smith's algorithm, dividing by the larger
    /// part of the divisor; a zero divisor gives infinities or NaNs.
    fn div_c(&mut self, (ar, ai): C, (br, bi): C) -> C {
        let (abr, abi) = (self.abs(br), self.abs(bi));
        let real_major = self.cmp(CmpOp::Ge, abr, abi);
        // |br| >= |bi|
        let rat = self.div(bi, br);
        let t = self.mul(bi, rat);
        let den = self.add(br, t);
        let one = self.k(1.0);
        let scl = self.div(one, den);
        let t = self.mul(ai, rat);
        let t = self.add(ar, t);
        let r1 = self.mul(t, scl);
        let t = self.mul(ar, rat);
        let t = self.sub(ai, t);
        let i1 = self.mul(t, scl);
        // Both zero: the dividend over |br|.
        let zero = self.is_zero(abr);
        let zero_i = self.is_zero(abi);
        let both_zero = self.and(zero, zero_i);
        let rz = self.div(ar, abr);
        let iz = self.div(ai, abr);
        let first = self.selc(both_zero, (rz, iz), (r1, i1));
        // |br| < |bi| (or NaNs)
        let rat = self.div(br, bi);
        let t = self.mul(br, rat);
        let den = self.add(bi, t);
        let scl = self.div(one, den);
        let t = self.mul(ar, rat);
        let t = self.add(t, ai);
        let r2 = self.mul(t, scl);
        let t = self.mul(ai, rat);
        let t = self.sub(t, ar);
        let i2 = self.mul(t, scl);
        self.selc(real_major, first, (r2, i2))
    }

    /// Principal square root (C99 Annex G / FreeBSD `csqrt` special cases).
    fn sqrt_c(&mut self, (a, b): C) -> C {
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
    fn exp_c(&mut self, (a, b): C) -> C {
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
    fn expm1_c(&mut self, z: C) -> C {
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
        let b0 = self.is_zero(b);
        self.selc(b0, (em1, b), r)
    }

    /// ln|z| given z's parts, with `near_one` = |z|^2 - 1 computed with
    /// care for the case |z| close to 1 (where log(hypot) cancels).
    fn log_abs(&mut self, a: Value, b: Value, near_one: Value) -> Value {
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
    fn abs2_minus_one(&mut self, a: Value, b: Value) -> Value {
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

    fn log_c(&mut self, (a, b): C) -> C {
        let n1 = self.abs2_minus_one(a, b);
        let re = self.log_abs(a, b, n1);
        let im = self.bin(BinaryOp::Atan2, b, a);
        (re, im)
    }

    /// log(1 + z) without losing small z to the addition.
    fn log1p_c(&mut self, (a, b): C) -> C {
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

    /// sinh z = sinh a cos b + i cosh a sin b.
    fn sinh_c(&mut self, (a, b): C) -> C {
        let (sh, ch) = (self.un(UnaryOp::Sinh, a), self.un(UnaryOp::Cosh, a));
        let (c, s) = (self.un(UnaryOp::Cos, b), self.un(UnaryOp::Sin, b));
        let mut r = (self.mul(sh, c), self.mul(ch, s));
        // a infinite, b infinite or NaN: ±inf + NaN j.
        let a_inf = self.is_inf(a);
        let b_fin = self.is_finite(b);
        let b_nonfin = self.not(b_fin);
        let nan = self.k(f64::NAN);
        let c1 = self.and(a_inf, b_nonfin);
        r = self.selc(c1, (a, nan), r);
        // a = ±0: ±0 + i sin b (the real part keeps a's sign times cos b's).
        let a0 = self.is_zero(a);
        let ac = self.mul(a, c);
        let ac_nan = self.is_nan(ac);
        let re0 = self.sel(ac_nan, a, ac);
        r = self.selc(a0, (re0, s), r);
        // b = ±0: sinh a + b j (exact zero part even for infinite a).
        let b0 = self.is_zero(b);
        self.selc(b0, (sh, b), r)
    }

    /// cosh z = cosh a cos b + i sinh a sin b.
    fn cosh_c(&mut self, (a, b): C) -> C {
        let (sh, ch) = (self.un(UnaryOp::Sinh, a), self.un(UnaryOp::Cosh, a));
        let (c, s) = (self.un(UnaryOp::Cos, b), self.un(UnaryOp::Sin, b));
        let mut r = (self.mul(ch, c), self.mul(sh, s));
        let a_inf = self.is_inf(a);
        let b_fin = self.is_finite(b);
        let b_nonfin = self.not(b_fin);
        let inf = self.k(f64::INFINITY);
        let nan = self.k(f64::NAN);
        let c1 = self.and(a_inf, b_nonfin);
        r = self.selc(c1, (inf, nan), r);
        // a = ±0: cos b + (±0 sin b) j; b infinite or NaN: NaN + ±0 j.
        let a0 = self.is_zero(a);
        let as_ = self.mul(a, s);
        let as_nan = self.is_nan(as_);
        let zero = self.k(0.0);
        let im0 = self.sel(as_nan, zero, as_);
        r = self.selc(a0, (c, im0), r);
        // b = ±0: cosh a + (sign(a) * b) j.
        let b0 = self.is_zero(b);
        let one = self.k(1.0);
        let sa = self.copysign(one, a);
        let im = self.mul(sa, b);
        self.selc(b0, (ch, im), r)
    }

    /// tanh z by Kahan's formula (FreeBSD `ctanh`): with t = tan b,
    /// beta = 1 + t^2, s = sinh a, rho = sqrt(1 + s^2):
    /// tanh z = (beta rho s + i t) / (1 + beta s^2); for |a| >= 22 (f64)
    /// the real part is ±1 and the imaginary part 4 sin b cos b e^(-2|a|).
    fn tanh_c(&mut self, (a, b): C) -> C {
        let t = self.un(UnaryOp::Tan, b);
        let one = self.k(1.0);
        let beta = self.b.fma(t, t, one);
        let s = self.un(UnaryOp::Sinh, a);
        let s2 = self.mul(s, s);
        let rho2 = self.add(one, s2);
        let rho = self.un(UnaryOp::Sqrt, rho2);
        let den = self.b.fma(beta, s2, one);
        let n = self.mul(beta, rho);
        let n = self.mul(n, s);
        let mut r = (self.div(n, den), self.div(t, den));
        let ma = self.abs(a);
        let lim = self.k(if self.t == DType::Float64 { 22.0 } else { 11.0 });
        let far = self.cmp(CmpOp::Ge, ma, lim);
        let (sb, cb) = (self.un(UnaryOp::Sin, b), self.un(UnaryOp::Cos, b));
        let nma = self.neg(ma);
        let e = self.un(UnaryOp::Exp, nma);
        let four = self.k(4.0);
        let v = self.mul(four, sb);
        let v = self.mul(v, cb);
        let v = self.mul(v, e);
        let v = self.mul(v, e);
        let sgn = self.copysign(one, a);
        r = self.selc(far, (sgn, v), r);
        // b infinite or NaN: NaN + NaN j, except a = 0: a + NaN j.
        let b_fin = self.is_finite(b);
        let b_nonfin = self.not(b_fin);
        let nan = self.k(f64::NAN);
        let a0 = self.is_zero(a);
        let bad = self.selc(a0, (a, nan), (nan, nan));
        r = self.selc(b_nonfin, bad, r);
        // a infinite: ±1 + i 0 with sin b cos b's sign (b infinite: b's).
        let a_inf = self.is_inf(a);
        let zero = self.k(0.0);
        let sc = self.mul(sb, cb);
        let b_inf = self.is_inf(b);
        let sgn_src = self.sel(b_inf, b, sc);
        let im = self.copysign(zero, sgn_src);
        r = self.selc(a_inf, (sgn, im), r);
        // a NaN: NaN + (b == 0 ? b : NaN) j.
        let a_nan = self.is_nan(a);
        let b0 = self.is_zero(b);
        let im = self.sel(b0, b, nan);
        r = self.selc(a_nan, (a, im), r);
        // b = 0 (a finite or not): tanh a + b j.
        let th = self.un(UnaryOp::Tanh, a);
        let a_not_nan = self.not(a_nan);
        let c = self.and(b0, a_not_nan);
        self.selc(c, (th, b), r)
    }

    /// i z and -i z: the rotations behind sin = -i sinh(iz) and friends.
    fn times_i(&mut self, (a, b): C) -> C {
        (self.neg(b), a)
    }
    fn times_neg_i(&mut self, (a, b): C) -> C {
        (b, self.neg(a))
    }

    /// asin by Kahan: Re = atan2(a, Re(sqrt(1-z) sqrt(1+z))),
    /// Im = asinh(Im(conj(sqrt(1-z)) sqrt(1+z))).
    fn asin_c(&mut self, z: C) -> C {
        let (a, b) = z;
        let one = self.k(1.0);
        let na = self.sub(one, a);
        let nb = self.neg(b);
        let s1 = self.sqrt_c((na, nb));
        let pa = self.add(one, a);
        let s2 = self.sqrt_c((pa, b));
        let p = self.mul_c(s1, s2);
        let re = self.bin(BinaryOp::Atan2, a, p.0);
        let c1 = (s1.0, self.neg(s1.1));
        let q = self.mul_c(c1, s2);
        let im = self.un(UnaryOp::Asinh, q.1);
        let r = (re, im);
        self.big_inverse(z, r, InverseFn::Asin)
    }

    /// acos by Kahan: Re = 2 atan2(Re sqrt(1-z), Re sqrt(1+z)),
    /// Im = asinh(Im(conj(sqrt(1+z)) sqrt(1-z))).
    fn acos_c(&mut self, z: C) -> C {
        let (a, b) = z;
        let one = self.k(1.0);
        let na = self.sub(one, a);
        let nb = self.neg(b);
        let s1 = self.sqrt_c((na, nb));
        let pa = self.add(one, a);
        let s2 = self.sqrt_c((pa, b));
        let at = self.bin(BinaryOp::Atan2, s1.0, s2.0);
        let two = self.k(2.0);
        let re = self.mul(two, at);
        let c2 = (s2.0, self.neg(s2.1));
        let q = self.mul_c(c2, s1);
        let im = self.un(UnaryOp::Asinh, q.1);
        self.big_inverse(z, (re, im), InverseFn::Acos)
    }

    /// acosh by Kahan: Re = asinh(Re(conj(sqrt(z-1)) sqrt(z+1))),
    /// Im = 2 atan2(Im sqrt(z-1), Re sqrt(z+1)).
    fn acosh_c(&mut self, z: C) -> C {
        let (a, b) = z;
        let one = self.k(1.0);
        let ma = self.sub(a, one);
        let s1 = self.sqrt_c((ma, b));
        let pa = self.add(a, one);
        let s2 = self.sqrt_c((pa, b));
        let c1 = (s1.0, self.neg(s1.1));
        let p = self.mul_c(c1, s2);
        let re = self.un(UnaryOp::Asinh, p.0);
        let at = self.bin(BinaryOp::Atan2, s1.1, s2.0);
        let two = self.k(2.0);
        let im = self.mul(two, at);
        self.big_inverse(z, (re, im), InverseFn::Acosh)
    }

    /// atanh by Kahan: Re = log1p(4a / ((1-a)^2 + b^2)) / 4,
    /// Im = atan2(2b, (1-a)(1+a) - b^2) / 2, computed for Re z >= 0 (where
    /// the log1p argument is not near -1) and reflected, atanh being odd.
    fn atanh_c(&mut self, z: C) -> C {
        let one = self.k(1.0);
        let s = self.copysign(one, z.0);
        let zr = (self.mul(s, z.0), self.mul(s, z.1));
        let w = self.atanh_right(zr);
        let w = (self.mul(s, w.0), self.mul(s, w.1));
        self.big_inverse(z, w, InverseFn::Atanh)
    }

    fn atanh_right(&mut self, z: C) -> C {
        let (a, b) = z;
        let one = self.k(1.0);
        let four = self.k(4.0);
        let two = self.k(2.0);
        let half = self.k(0.5);
        let quarter = self.k(0.25);
        let oma = self.sub(one, a);
        let b2 = self.mul(b, b);
        let d = self.b.fma(oma, oma, b2);
        let fa = self.mul(four, a);
        let q = self.div(fa, d);
        let l = self.un(UnaryOp::Log1p, q);
        let re = self.mul(l, quarter);
        let opa = self.add(one, a);
        let nb2 = self.neg(b2);
        let den = self.b.fma(oma, opa, nb2);
        let tb = self.mul(two, b);
        let at = self.bin(BinaryOp::Atan2, tb, den);
        let im = self.mul(at, half);
        (re, im)
    }

    /// Large or non-finite arguments of the inverse functions, where the
    /// formulas above overflow or meet inf - inf: the asymptotic forms
    /// (asin z ~ -i log(2iz) and so on, from log's careful scaling) and
    /// Annex G's special values.
    fn big_inverse(&mut self, z: C, r: C, f: InverseFn) -> C {
        let (a, b) = z;
        let (ma, mb) = (self.abs(a), self.abs(b));
        let m = self.bin(BinaryOp::Max, ma, mb);
        let lim = self.k(if self.t == DType::Float64 { 2f64.powi(500) } else { 2f64.powi(60) });
        let big = self.cmp(CmpOp::Gt, m, lim);
        let nan_in = {
            let an = self.is_nan(a);
            let bn = self.is_nan(b);
            self.or(an, bn)
        };
        let ln2 = self.k(std::f64::consts::LN_2);
        let pi2 = self.k(std::f64::consts::FRAC_PI_2);
        let zero = self.k(0.0);
        let nan = self.k(f64::NAN);
        let inf = self.k(f64::INFINITY);
        let asym = match f {
            InverseFn::Atanh => {
                // atanh z ~ 1/z + i pi/2 sign(b); 0 with a's sign at infinity.
                let h = self.bin(BinaryOp::Hypot, a, b);
                let t = self.div(a, h);
                let re = self.div(t, h);
                let h_inf = self.is_inf(h);
                let z0 = self.copysign(zero, a);
                let re = self.sel(h_inf, z0, re);
                let im = self.copysign(pi2, b);
                (re, im)
            }
            _ => {
                // acosh z ~ log(2z) (Re >= 0); asin z = -i asinh(iz) with
                // asinh w ~ sign(Re w) log(2|w|)-ish; acos z = pi/2 - asin z.
                let l = self.log_c(z);
                let re_l = self.add(l.0, ln2);
                match f {
                    InverseFn::Acosh => {
                        // Im in [0, pi] for b >= +0 after the sign fix below.
                        let im = self.bin(BinaryOp::Atan2, mb, a);
                        let im = self.copysign(im, b);
                        (re_l, im)
                    }
                    InverseFn::Asin => {
                        // asin z = Re: atan2(|a|, |b|)·sign(a); Im: ±(ln|2z|).
                        let at = self.bin(BinaryOp::Atan2, ma, mb);
                        let re = self.copysign(at, a);
                        let im = self.copysign(re_l, b);
                        (re, im)
                    }
                    InverseFn::Acos => {
                        let at = self.bin(BinaryOp::Atan2, mb, a);
                        let nb = self.neg(b);
                        let im = self.copysign(re_l, nb);
                        (at, im)
                    }
                    InverseFn::Atanh => unreachable!(),
                }
            }
        };
        let mut out = self.selc(big, asym, r);
        // NaN in: Annex G keeps an infinite part where the result's
        // magnitude is known, NaN elsewhere.
        let a_inf = self.is_inf(a);
        let b_inf = self.is_inf(b);
        let an = self.is_nan(a);
        let bn = self.is_nan(b);
        let nan_case = match f {
            InverseFn::Asin => {
                // asin(NaN + inf j) = NaN + inf j; asin(inf + NaN j) = NaN ± inf j
                let any_inf = self.or(a_inf, b_inf);
                let im = self.sel(any_inf, inf, nan);
                let im = self.sel(b_inf, b, im);
                // asin(±0 + NaN j) = ±0 + NaN j
                let a0 = self.is_zero(a);
                let re = self.sel(a0, a, nan);
                (re, im)
            }
            InverseFn::Acos => {
                let any_inf = self.or(a_inf, b_inf);
                let ninf = self.k(f64::NEG_INFINITY);
                let im = self.sel(any_inf, ninf, nan);
                let nb = self.neg(b);
                let im = self.sel(b_inf, nb, im);
                // acos(±0 + NaN j) = pi/2 + NaN j
                let a0 = self.is_zero(a);
                let re = self.sel(a0, pi2, nan);
                (re, im)
            }
            InverseFn::Acosh => {
                // acosh(±0 + NaN j) = NaN + pi/2 j; an infinity gives +inf.
                let any_inf = self.or(a_inf, b_inf);
                let re = self.sel(any_inf, inf, nan);
                let a0 = self.is_zero(a);
                let im = self.sel(a0, pi2, nan);
                (re, im)
            }
            InverseFn::Atanh => {
                // atanh(NaN ± inf j) = ±0 ± pi/2 j; atanh(±inf + NaN j) = ±0 + NaN j;
                // atanh(±0 + NaN j) = ±0 + NaN j
                let pi2b = self.copysign(pi2, b);
                let im = self.sel(b_inf, pi2b, nan);
                let z0 = self.copysign(zero, a);
                let a0 = self.is_zero(a);
                let keep_a = self.or(a_inf, a0);
                let re = self.sel(keep_a, z0, nan);
                let re = self.sel(b_inf, zero, re);
                (re, im)
            }
        };
        let _ = (an, bn);
        out = self.selc(nan_in, nan_case, out);
        out
    }
}

#[derive(Clone, Copy)]
enum InverseFn {
    Asin,
    Acos,
    Acosh,
    Atanh,
}

/// Values of `t`'s parts cast to `to` (complex64 functions compute in
/// float64 and round once at the end).
fn cast_c(b: &mut KernelBuilder, (x, y): C, to: DType) -> C {
    (b.cast(x, to), b.cast(y, to))
}

/// Runs `f` on `z` in float64 and rounds the parts back to `t`.
fn in_f64(b: &mut KernelBuilder, t: DType, z: C, f: impl FnOnce(&mut Cx, C) -> C) -> C {
    let wide = cast_c(b, z, DType::Float64);
    let mut cx = Cx { b: &mut *b, t: DType::Float64 };
    let r = f(&mut cx, wide);
    cast_c(b, r, t)
}

/// One complex unary function of `z` (parts of float type `t`).
pub fn unary(b: &mut KernelBuilder, op: UnaryOp, t: DType, z: C) -> Lv {
    let (re, im) = match op {
        UnaryOp::Neg => (b.unary(UnaryOp::Neg, z.0), b.unary(UnaryOp::Neg, z.1)),
        UnaryOp::Abs => {
            let h = if t == DType::Float32 {
                // In float64 the squares of float32 parts are exact and
                // cannot overflow: one rounded sum and a square root give
                // |z| within 0.5 ULP after the cast, without hypot's
                // scaling. An infinite part wins over a NaN (hypot's rule).
                let (x, y) = cast_c(b, z, DType::Float64);
                let mut c = Cx { b: &mut *b, t: DType::Float64 };
                let yy = c.mul(y, y);
                let s = c.b.fma(x, x, yy);
                let r = c.un(UnaryOp::Sqrt, s);
                let (xi, yi) = (c.is_inf(x), c.is_inf(y));
                let any_inf = c.or(xi, yi);
                let inf = c.k(f64::INFINITY);
                let r = c.sel(any_inf, inf, r);
                b.cast(r, t)
            } else {
                b.binary(BinaryOp::Hypot, z.0, z.1)
            };
            return Lv::Real(h);
        }
        UnaryOp::RoundEven => (b.unary(UnaryOp::RoundEven, z.0), b.unary(UnaryOp::RoundEven, z.1)),
        UnaryOp::Sqrt => in_f64(b, t, z, |c, z| c.sqrt_c(z)),
        UnaryOp::Exp => in_f64(b, t, z, |c, z| c.exp_c(z)),
        UnaryOp::Expm1 => in_f64(b, t, z, |c, z| c.expm1_c(z)),
        UnaryOp::Log => in_f64(b, t, z, |c, z| c.log_c(z)),
        UnaryOp::Log1p => in_f64(b, t, z, |c, z| c.log1p_c(z)),
        UnaryOp::Log2 | UnaryOp::Log10 => {
            let k = if op == UnaryOp::Log2 { std::f64::consts::LOG2_E } else { std::f64::consts::LOG10_E };
            in_f64(b, t, z, |c, z| {
                let (re, im) = c.log_c(z);
                let kk = c.k(k);
                (c.mul(re, kk), c.mul(im, kk))
            })
        }
        UnaryOp::Sinh => in_f64(b, t, z, |c, z| c.sinh_c(z)),
        UnaryOp::Cosh => in_f64(b, t, z, |c, z| c.cosh_c(z)),
        UnaryOp::Tanh => in_f64(b, t, z, |c, z| c.tanh_c(z)),
        // sin z = -i sinh(iz), cos z = cosh(iz), tan z = -i tanh(iz).
        UnaryOp::Sin => in_f64(b, t, z, |c, z| {
            let w = c.times_i(z);
            let s = c.sinh_c(w);
            c.times_neg_i(s)
        }),
        UnaryOp::Cos => in_f64(b, t, z, |c, z| {
            let w = c.times_i(z);
            c.cosh_c(w)
        }),
        UnaryOp::Tan => in_f64(b, t, z, |c, z| {
            let w = c.times_i(z);
            let s = c.tanh_c(w);
            c.times_neg_i(s)
        }),
        UnaryOp::Asin => in_f64(b, t, z, |c, z| c.asin_c(z)),
        UnaryOp::Acos => in_f64(b, t, z, |c, z| c.acos_c(z)),
        UnaryOp::Acosh => in_f64(b, t, z, |c, z| c.acosh_c(z)),
        UnaryOp::Atanh => in_f64(b, t, z, |c, z| c.atanh_c(z)),
        // asinh z = -i asin(iz), atan z = -i atanh(iz).
        UnaryOp::Asinh => in_f64(b, t, z, |c, z| {
            let w = c.times_i(z);
            let s = c.asin_c(w);
            c.times_neg_i(s)
        }),
        UnaryOp::Atan => in_f64(b, t, z, |c, z| {
            let w = c.times_i(z);
            let s = c.atanh_c(w);
            c.times_neg_i(s)
        }),
        UnaryOp::Floor | UnaryOp::Ceil | UnaryOp::Trunc | UnaryOp::Not => {
            unreachable!("the frontend refuses {op} on complex values")
        }
    };
    Lv::Complex(re, im)
}

/// One complex binary operation on `x` and `y` (parts of float type `t`).
pub fn binary(b: &mut KernelBuilder, op: BinaryOp, t: DType, x: C, y: C) -> Lv {
    let mut cx = Cx { b: &mut *b, t };
    let (re, im) = match op {
        BinaryOp::Add => (cx.add(x.0, y.0), cx.add(x.1, y.1)),
        BinaryOp::Sub => (cx.sub(x.0, y.0), cx.sub(x.1, y.1)),
        BinaryOp::Mul => cx.mul_c(x, y),
        BinaryOp::Div => cx.div_c(x, y),
        // x^y = exp(y log x); x^0 = 1 for every x, as NumPy gives.
        BinaryOp::Pow => {
            let wx = cast_c(b, x, DType::Float64);
            let wy = cast_c(b, y, DType::Float64);
            let mut c = Cx { b: &mut *b, t: DType::Float64 };
            let l = c.log_c(wx);
            let p = c.mul_c(wy, l);
            let e = c.exp_c(p);
            let y0 = c.is_zero(wy.0);
            let y1 = c.is_zero(wy.1);
            let y_zero = c.and(y0, y1);
            let one = c.k(1.0);
            let zero = c.k(0.0);
            let e = c.selc(y_zero, (one, zero), e);
            // 0^y for Re y > 0 is 0 (log 0 = -inf would give NaN parts).
            let x0 = c.is_zero(wx.0);
            let x1 = c.is_zero(wx.1);
            let x_zero = c.and(x0, x1);
            let pos = c.cmp(CmpOp::Gt, wy.0, zero);
            let zpow = c.and(x_zero, pos);
            let e = c.selc(zpow, (zero, zero), e);
            cast_c(b, e, t)
        }
        _ => unreachable!("the frontend refuses {op} on complex values"),
    };
    Lv::Complex(re, im)
}

/// `==` and `!=` of complex values: both parts equal (NaN unequal).
pub fn compare(b: &mut KernelBuilder, op: CmpOp, x: C, y: C) -> Lv {
    let e0 = b.cmp(CmpOp::Eq, x.0, y.0);
    let e1 = b.cmp(CmpOp::Eq, x.1, y.1);
    let eq = b.binary(BinaryOp::And, e0, e1);
    Lv::Real(match op {
        CmpOp::Eq => eq,
        CmpOp::Ne => b.unary(UnaryOp::Not, eq),
        _ => unreachable!("the frontend refuses ordering comparisons of complex values"),
    })
}

/// Conversions to and from complex dtypes: reals gain a zero imaginary
/// part; complex to bool is "either part nonzero"; complex to a real type
/// keeps the real part (as NumPy does).
pub fn cast(b: &mut KernelBuilder, x: Lv, to: DType) -> Lv {
    match (x, to.is_complex()) {
        (Lv::Real(v), true) => {
            let t = component(to);
            let re = b.cast(v, t);
            let im = b.fconst(t, 0.0);
            Lv::Complex(re, im)
        }
        (Lv::Complex(re, im), true) => {
            let t = component(to);
            Lv::Complex(b.cast(re, t), b.cast(im, t))
        }
        (Lv::Complex(re, im), false) if to == DType::Bool => {
            let zero = b.fconst(b.ty(re), 0.0);
            let r = b.cmp(CmpOp::Ne, re, zero);
            let i = b.cmp(CmpOp::Ne, im, zero);
            Lv::Real(b.binary(BinaryOp::Or, r, i))
        }
        (Lv::Complex(re, _), false) => Lv::Real(b.cast(re, to)),
        (Lv::Real(v), false) => Lv::Real(b.cast(v, to)),
    }
}

/// Real/imag/conj/make.
pub fn parts(b: &mut KernelBuilder, op: ComplexOp, args: &[Lv]) -> Lv {
    match (op, args) {
        (ComplexOp::Real, [Lv::Complex(re, _)]) => Lv::Real(*re),
        (ComplexOp::Imag, [Lv::Complex(_, im)]) => Lv::Real(*im),
        (ComplexOp::Conj, [Lv::Complex(re, im)]) => Lv::Complex(*re, b.unary(UnaryOp::Neg, *im)),
        (ComplexOp::Make, [Lv::Real(re), Lv::Real(im)]) => Lv::Complex(*re, *im),
        _ => unreachable!("ill-typed {} node", op.name()),
    }
}

/// `where` on complex values: both parts selected by one condition.
pub fn select(b: &mut KernelBuilder, cond: Value, x: C, y: C) -> Lv {
    Lv::Complex(b.select(cond, x.0, y.0), b.select(cond, x.1, y.1))
}
