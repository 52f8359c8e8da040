//! The standard's transcendental functions beyond sin/cos/exp/log/tanh:
//! each is one kernel-IR op that the math library expands (accuracy in
//! docs/math-accuracy.md). Integer and bool inputs compute in a float
//! dtype, as in NumPy.

use super::{binary, common, float_dtype, float_unary};
use crate::array::Array;
use lazyxp_compiler::kernel_ir::{BinaryOp, UnaryOp};
use lazyxp_runtime::{Error, Result};

macro_rules! unary_math {
    ($($(#[$m:meta])* $name:ident => $op:ident),* $(,)?) => {$(
        $(#[$m])*
        pub fn $name(x: &Array) -> Result<Array> { float_unary(UnaryOp::$op, x) }
    )*};
}
unary_math!(
    /// exp(x) - 1, accurate near 0.
    expm1 => Expm1,
    /// log(1 + x), accurate near 0.
    log1p => Log1p,
    log2 => Log2,
    log10 => Log10,
    sinh => Sinh,
    cosh => Cosh,
    tan => Tan,
    asin => Asin,
    acos => Acos,
    atan => Atan,
    asinh => Asinh,
    acosh => Acosh,
    atanh => Atanh,
);

/// Promotes to a common dtype, then to a float one for integer operands.
fn float_binary(op: BinaryOp, a: &Array, b: &Array) -> Result<Array> {
    let (v, dtype, _) = common(&[a, b], op.name())?;
    let f = float_dtype(dtype);
    if f.is_complex() {
        return Err(super::not_for_complex(op.name()));
    }
    binary(op, &super::astype(&v[0], f)?, &super::astype(&v[1], f)?)
}

/// The angle of the point (x2, x1), in (-pi, pi].
pub fn atan2(x1: &Array, x2: &Array) -> Result<Array> {
    float_binary(BinaryOp::Atan2, x1, x2)
}
/// sqrt(x1^2 + x2^2) without intermediate overflow or underflow.
pub fn hypot(x1: &Array, x2: &Array) -> Result<Array> {
    float_binary(BinaryOp::Hypot, x1, x2)
}
/// log(exp(x1) + exp(x2)) without overflow.
pub fn logaddexp(x1: &Array, x2: &Array) -> Result<Array> {
    float_binary(BinaryOp::LogAddExp, x1, x2)
}
/// |x1| with the sign bit of x2.
pub fn copysign(x1: &Array, x2: &Array) -> Result<Array> {
    float_binary(BinaryOp::CopySign, x1, x2)
}
/// The next representable value after x1 towards x2.
pub fn nextafter(x1: &Array, x2: &Array) -> Result<Array> {
    float_binary(BinaryOp::NextAfter, x1, x2)
}

/// x1 to the power x2: float pow (≤ 4 ULP, see docs/math-accuracy.md), or
/// integer pow with wrapping multiplication when both are integers (a
/// negative integer exponent gives the truncated result: 0, or ±1 for
/// bases ±1; NumPy raises instead, which a lazy kernel cannot).
pub fn pow(x1: &Array, x2: &Array) -> Result<Array> {
    let (_, dtype, _) = common(&[x1, x2], "pow")?;
    if dtype.is_bool() {
        return Err(Error::DType("pow is not defined for bool operands".into()));
    }
    binary(BinaryOp::Pow, x1, x2)
}
