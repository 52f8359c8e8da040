//! asin, acos, acosh and atanh of complex numbers by Kahan's formulas
//! ("Branch cuts for complex elementary functions"), with the asymptotic
//! forms for huge arguments and Annex G's values for NaN and infinity.

use super::cx::{Cx, C};
use crate::kernel_ir::{BinaryOp, CmpOp, UnaryOp};
use lazyxp_runtime::DType;

#[derive(Clone, Copy)]
pub(super) enum InverseFn {
    Asin,
    Acos,
    Acosh,
    Atanh,
}

impl Cx<'_> {
    /// asin by Kahan: Re = atan2(a, Re(sqrt(1-z) sqrt(1+z))),
    /// Im = asinh(Im(conj(sqrt(1-z)) sqrt(1+z))).
    pub(super) fn asin_c(&mut self, z: C) -> C {
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
    pub(super) fn acos_c(&mut self, z: C) -> C {
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
    pub(super) fn acosh_c(&mut self, z: C) -> C {
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
    pub(super) fn atanh_c(&mut self, z: C) -> C {
        let one = self.k(1.0);
        let s = self.copysign(one, z.0);
        let zr = (self.mul(s, z.0), self.mul(s, z.1));
        let w = self.atanh_right(zr);
        let w = (self.mul(s, w.0), self.mul(s, w.1));
        self.big_inverse(z, w, InverseFn::Atanh)
    }

    pub(super) fn atanh_right(&mut self, z: C) -> C {
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
    pub(super) fn big_inverse(&mut self, z: C, r: C, f: InverseFn) -> C {
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
