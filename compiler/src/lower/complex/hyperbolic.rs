//! sinh, cosh and tanh of complex numbers, and the rotations by i that
//! give sin, cos and tan (and asinh, atan) from them.

use super::cx::{Cx, C};
use crate::kernel_ir::{CmpOp, UnaryOp};
use lazyxp_runtime::DType;

impl Cx<'_> {
    /// sinh z = sinh a cos b + i cosh a sin b.
    pub(super) fn sinh_c(&mut self, (a, b): C) -> C {
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
    pub(super) fn cosh_c(&mut self, (a, b): C) -> C {
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
    pub(super) fn tanh_c(&mut self, (a, b): C) -> C {
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
        // a infinite: ±1 + 0j with b's sign on the zero. The standard says
        // 1 + 0j for b > 0 (C99 and NumPy take sin(2b)'s sign instead), and
        // tanh(conj z) = conj(tanh z) gives -0 for b < 0.
        let a_inf = self.is_inf(a);
        let zero = self.k(0.0);
        let im = self.copysign(zero, b);
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

    /// i z: the rotation behind cos z = cosh(iz).
    pub(super) fn times_i(&mut self, (a, b): C) -> C {
        (self.neg(b), a)
    }

    /// -i f(i z): sin, tan, asinh and atan from sinh, tanh, asin, atanh.
    pub(super) fn rotated(&mut self, z: C, f: impl FnOnce(&mut Self, C) -> C) -> C {
        let w = self.times_i(z);
        let (a, b) = f(self, w);
        (b, self.neg(a))
    }
}
