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

mod cx;
mod elementary;
mod hyperbolic;
mod inverse;

use crate::graph::ComplexOp;
use crate::kernel_ir::{BinaryOp, CmpOp, KernelBuilder, UnaryOp, Value};
use cx::{Cx, C};
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

/// Values of `t`'s parts cast to `to` (complex64 functions compute in
/// float64 and round once at the end).
fn cast_c(b: &mut KernelBuilder, (x, y): C, to: DType) -> C {
    (b.cast(x, to), b.cast(y, to))
}

/// Runs `f` on the operands `zs` in float64 and rounds the result's parts
/// back to `t`.
fn in_f64<const N: usize>(b: &mut KernelBuilder, t: DType, zs: [C; N], f: impl FnOnce(&mut Cx, [C; N]) -> C) -> C {
    let wide = zs.map(|z| cast_c(b, z, DType::Float64));
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
        UnaryOp::Sqrt => in_f64(b, t, [z], |c, [z]| c.sqrt_c(z)),
        UnaryOp::Exp => in_f64(b, t, [z], |c, [z]| c.exp_c(z)),
        UnaryOp::Expm1 => in_f64(b, t, [z], |c, [z]| c.expm1_c(z)),
        UnaryOp::Log => in_f64(b, t, [z], |c, [z]| c.log_c(z)),
        UnaryOp::Log1p => in_f64(b, t, [z], |c, [z]| c.log1p_c(z)),
        UnaryOp::Log2 | UnaryOp::Log10 => {
            let k = if op == UnaryOp::Log2 { std::f64::consts::LOG2_E } else { std::f64::consts::LOG10_E };
            in_f64(b, t, [z], |c, [z]| {
                let (re, im) = c.log_c(z);
                let kk = c.k(k);
                (c.mul(re, kk), c.mul(im, kk))
            })
        }
        UnaryOp::Sinh => in_f64(b, t, [z], |c, [z]| c.sinh_c(z)),
        UnaryOp::Cosh => in_f64(b, t, [z], |c, [z]| c.cosh_c(z)),
        UnaryOp::Tanh => in_f64(b, t, [z], |c, [z]| c.tanh_c(z)),
        // sin z = -i sinh(iz), cos z = cosh(iz), tan z = -i tanh(iz).
        UnaryOp::Sin => in_f64(b, t, [z], |c, [z]| c.rotated(z, Cx::sinh_c)),
        UnaryOp::Cos => in_f64(b, t, [z], |c, [z]| {
            let w = c.times_i(z);
            c.cosh_c(w)
        }),
        UnaryOp::Tan => in_f64(b, t, [z], |c, [z]| c.rotated(z, Cx::tanh_c)),
        UnaryOp::Asin => in_f64(b, t, [z], |c, [z]| c.asin_c(z)),
        UnaryOp::Acos => in_f64(b, t, [z], |c, [z]| c.acos_c(z)),
        UnaryOp::Acosh => in_f64(b, t, [z], |c, [z]| c.acosh_c(z)),
        UnaryOp::Atanh => in_f64(b, t, [z], |c, [z]| c.atanh_c(z)),
        // asinh z = -i asin(iz), atan z = -i atanh(iz).
        UnaryOp::Asinh => in_f64(b, t, [z], |c, [z]| c.rotated(z, Cx::asin_c)),
        UnaryOp::Atan => in_f64(b, t, [z], |c, [z]| c.rotated(z, Cx::atanh_c)),
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
        BinaryOp::Pow => in_f64(b, t, [x, y], |c, [x, y]| {
            let l = c.log_c(x);
            let p = c.mul_c(y, l);
            let e = c.exp_c(p);
            let y0 = c.is_zero(y.0);
            let y1 = c.is_zero(y.1);
            let y_zero = c.and(y0, y1);
            let one = c.k(1.0);
            let zero = c.k(0.0);
            let e = c.selc(y_zero, (one, zero), e);
            // 0^y for Re y > 0 is 0 (log 0 = -inf would give NaN parts).
            let x0 = c.is_zero(x.0);
            let x1 = c.is_zero(x.1);
            let x_zero = c.and(x0, x1);
            let pos = c.cmp(CmpOp::Gt, y.0, zero);
            let zpow = c.and(x_zero, pos);
            c.selc(zpow, (zero, zero), e)
        }),
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
            let t = to.real_part();
            let re = b.cast(v, t);
            let im = b.fconst(t, 0.0);
            Lv::Complex(re, im)
        }
        (Lv::Complex(re, im), true) => {
            let t = to.real_part();
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
