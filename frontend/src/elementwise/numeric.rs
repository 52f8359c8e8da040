//! Elementwise functions built from primitive nodes (comparisons, where,
//! casts) or from the integer-aware division ops: sign and classification,
//! clip, shifts with NumPy's out-of-range answers, floor_divide and
//! remainder with NumPy's signs, and the identities on real dtypes.

use super::{binary, broadcast_to, common, compare, constant, float_dtype, node, not_for_complex, where_};
use crate::array::Array;
use lazyxp_compiler::graph::{ComplexOp, NodeOp};
use lazyxp_compiler::kernel_ir::{BinaryOp, CmpOp};
use smallvec::smallvec;
use lazyxp_runtime::{DType, Error, Result, Scalar};

/// A 0-d array of `dtype` holding `v` (cast with `Scalar::cast`).
fn konst(v: f64, dtype: DType) -> Result<Array> {
    Ok(Array { node: constant(Scalar::F64(v).cast(dtype))? })
}
fn kint(v: i64, dtype: DType) -> Result<Array> {
    Ok(Array { node: constant(Scalar::I64(v).cast(dtype))? })
}

fn numeric(x: &Array, what: &str) -> Result<()> {
    if x.dtype().is_bool() {
        return Err(Error::DType(format!("{what} is not defined for bool")));
    }
    Ok(())
}

/// -1, 0 or +1 by the sign; NaN stays NaN, ±0 gives +0. For complex
/// numbers z/|z| (0 for 0, NaN for NaN), the standard's definition; with
/// one infinite part the unit number in its direction (NumPy's answer).
pub fn sign(x: &Array) -> Result<Array> {
    numeric(x, "sign")?;
    let t = x.dtype();
    if t.is_complex() {
        let m = super::abs(x)?;
        let f = t.real_part();
        let zero = konst(0.0, f)?;
        let one = konst(1.0, f)?;
        let is0 = compare(CmpOp::Eq, &m, &zero)?;
        let (re, im) = (real(x)?, imag(x)?);
        let (re_inf, im_inf) = (isinf(&re)?, isinf(&im)?);
        let one_inf = binary(BinaryOp::Xor, &re_inf, &im_inf)?;
        let part = |p: &Array, p_inf: &Array| -> Result<Array> {
            let unit = binary(BinaryOp::CopySign, &where_(p_inf, &one, &zero)?, p)?;
            let finite = where_(&is0, &zero, &binary(BinaryOp::Div, p, &m)?)?;
            where_(&one_inf, &unit, &finite)
        };
        return make_complex(&part(&re, &re_inf)?, &part(&im, &im_inf)?);
    }
    let zero = kint(0, t)?;
    let one = kint(1, t)?;
    let pos = compare(CmpOp::Gt, x, &zero)?;
    if t.is_unsigned_int() {
        return where_(&pos, &one, &zero);
    }
    let neg = compare(CmpOp::Lt, x, &zero)?;
    let m1 = kint(-1, t)?;
    // NaN fails both tests and is neither 0: it passes through.
    let rest = if t.is_float() { where_(&compare(CmpOp::Eq, x, &zero)?, &zero, x)? } else { zero };
    where_(&pos, &one, &where_(&neg, &m1, &rest)?)
}

/// Whether the sign bit is set (true for -0, -inf and negative NaNs).
pub fn signbit(x: &Array) -> Result<Array> {
    if !x.dtype().is_float() {
        return Err(Error::DType(format!("signbit needs a real floating-point array, got {}", x.dtype())));
    }
    let one = konst(1.0, x.dtype())?;
    let s = binary(BinaryOp::CopySign, &one, x)?;
    compare(CmpOp::Lt, &s, &konst(0.0, x.dtype())?)
}

pub fn isnan(x: &Array) -> Result<Array> {
    compare(CmpOp::Ne, x, x)
}
pub fn isinf(x: &Array) -> Result<Array> {
    if x.dtype().is_complex() {
        return binary(BinaryOp::Or, &isinf(&real(x)?)?, &isinf(&imag(x)?)?);
    }
    if !x.dtype().is_float() {
        return compare(CmpOp::Ne, x, x);
    }
    compare(CmpOp::Eq, &super::abs(x)?, &konst(f64::INFINITY, x.dtype())?)
}
pub fn isfinite(x: &Array) -> Result<Array> {
    if x.dtype().is_complex() {
        return binary(BinaryOp::And, &isfinite(&real(x)?)?, &isfinite(&imag(x)?)?);
    }
    if !x.dtype().is_float() {
        return compare(CmpOp::Eq, x, x);
    }
    compare(CmpOp::Lt, &super::abs(x)?, &konst(f64::INFINITY, x.dtype())?)
}

/// Clamps to [min, max] (either may be absent): maximum first, then
/// minimum, so min > max gives max as in NumPy; NaN in any operand gives
/// NaN. The result keeps x's dtype.
pub fn clip(x: &Array, min: Option<&Array>, max: Option<&Array>) -> Result<Array> {
    numeric(x, "clip")?;
    if x.dtype().is_complex() {
        return Err(not_for_complex("clip"));
    }
    let t = x.dtype();
    let mut y = x.clone();
    if let Some(lo) = min {
        y = binary(BinaryOp::Max, &y, &super::astype(lo, t)?)?;
    }
    if let Some(hi) = max {
        y = binary(BinaryOp::Min, &y, &super::astype(hi, t)?)?;
    }
    Ok(y)
}

pub fn square(x: &Array) -> Result<Array> {
    numeric(x, "square")?;
    binary(BinaryOp::Mul, x, x)
}
pub fn positive(x: &Array) -> Result<Array> {
    numeric(x, "positive")?;
    Ok(x.clone())
}
/// 1/x in the float dtype of x.
pub fn reciprocal(x: &Array) -> Result<Array> {
    numeric(x, "reciprocal")?;
    let t = float_dtype(x.dtype());
    binary(BinaryOp::Div, &konst(1.0, t)?, &super::astype(x, t)?)
}
fn complex_part(op: ComplexOp, x: &Array) -> Result<Array> {
    let t = if op == ComplexOp::Conj { x.dtype() } else { x.dtype().real_part() };
    node(NodeOp::Complex(op), t, x.node.shape.clone(), smallvec![x.node.clone()])
}
/// The complex conjugate: the identity on real dtypes.
pub fn conj(x: &Array) -> Result<Array> {
    if !x.dtype().is_complex() {
        return Ok(x.clone());
    }
    complex_part(ComplexOp::Conj, x)
}
/// The real part: the identity on real dtypes.
pub fn real(x: &Array) -> Result<Array> {
    if !x.dtype().is_complex() {
        return Ok(x.clone());
    }
    complex_part(ComplexOp::Real, x)
}
/// The imaginary part: zeros of x's dtype and shape on real dtypes.
pub fn imag(x: &Array) -> Result<Array> {
    if !x.dtype().is_complex() {
        return broadcast_to(&kint(0, x.dtype())?, x.shape());
    }
    complex_part(ComplexOp::Imag, x)
}
/// `re + im*j` from two real float arrays (promoted together and
/// broadcast): complex64 from float32 parts, complex128 from float64.
pub fn make_complex(re: &Array, im: &Array) -> Result<Array> {
    let (v, t, shape) = common(&[re, im], "complex")?;
    let t = float_dtype(t);
    let c = match t {
        DType::Float32 => DType::Complex64,
        DType::Float64 => DType::Complex128,
        _ => return Err(Error::DType(format!("complex parts must be real, got {} and {}", re.dtype(), im.dtype()))),
    };
    let (re, im) = (super::astype(&v[0], t)?, super::astype(&v[1], t)?);
    node(NodeOp::Complex(ComplexOp::Make), c, shape, smallvec![re.node.clone(), im.node.clone()])
}

/// Integer operands only (the standard's shifts and NumPy's).
fn shift_operands(x1: &Array, x2: &Array, what: &str) -> Result<(Array, Array, DType)> {
    let (v, t, _) = common(&[x1, x2], what)?;
    if !t.is_int() {
        return Err(Error::DType(format!("{what} needs integer operands, got {} and {}", x1.dtype(), x2.dtype())));
    }
    Ok((v[0].clone().into_owned(), v[1].clone().into_owned(), t))
}

/// Whether 0 <= count < bit width (negative counts are out of range too,
/// as NumPy compares them as unsigned).
fn count_in_range(count: &Array, t: DType) -> Result<Array> {
    let bits = kint(t.size() as i64 * 8, t)?;
    // The width (8 to 64) fits every integer type.
    let below = compare(CmpOp::Lt, count, &bits)?;
    if t.is_unsigned_int() {
        return Ok(below);
    }
    let nonneg = compare(CmpOp::Ge, count, &kint(0, t)?)?;
    binary(BinaryOp::And, &below, &nonneg)
}

/// x1 << x2; counts outside [0, width) give 0, as NumPy.
pub fn bitwise_left_shift(x1: &Array, x2: &Array) -> Result<Array> {
    let (x, c, t) = shift_operands(x1, x2, "bitwise_left_shift")?;
    let shifted = binary(BinaryOp::Shl, &x, &c)?;
    where_(&count_in_range(&c, t)?, &shifted, &kint(0, t)?)
}

/// x1 >> x2 (arithmetic for signed types); counts outside [0, width)
/// give -1 for negative x1 and 0 otherwise, as NumPy.
pub fn bitwise_right_shift(x1: &Array, x2: &Array) -> Result<Array> {
    let (x, c, t) = shift_operands(x1, x2, "bitwise_right_shift")?;
    let shifted = binary(BinaryOp::Shr, &x, &c)?;
    let zero = kint(0, t)?;
    let out = if t.is_signed_int() { where_(&compare(CmpOp::Lt, &x, &zero)?, &kint(-1, t)?, &zero)? } else { zero };
    where_(&count_in_range(&c, t)?, &shifted, &out)
}

/// Division rounded towards -inf, NumPy's floor_divide (integers: x // 0
/// is 0, MIN // -1 wraps; floats: NumPy's divmod rules).
pub fn floor_divide(x1: &Array, x2: &Array) -> Result<Array> {
    let (_, t, _) = common(&[x1, x2], "floor_divide")?;
    if t.is_complex() {
        return Err(not_for_complex("floor_divide"));
    }
    if t.is_bool() {
        return Err(Error::DType("floor_divide is not defined for bool".into()));
    }
    binary(BinaryOp::FloorDiv, x1, x2)
}

/// The remainder with the divisor's sign, NumPy's remainder (x % 0 is 0
/// for integers, NaN for floats).
pub fn remainder(x1: &Array, x2: &Array) -> Result<Array> {
    let (_, t, _) = common(&[x1, x2], "remainder")?;
    if t.is_complex() {
        return Err(not_for_complex("remainder"));
    }
    if t.is_bool() {
        return Err(Error::DType("remainder is not defined for bool".into()));
    }
    binary(BinaryOp::Remainder, x1, x2)
}

#[cfg(test)]
mod tests {
    use crate as xp;

    fn v<T: xp::Element>(a: xp::Result<xp::Array>) -> Vec<T> {
        a.unwrap().to_vec().unwrap()
    }

    #[test]
    fn shifts_give_numpys_answers_out_of_range() {
        let x = xp::asarray(&[1i8, -128, -5, 7], &[4]).unwrap();
        let c = xp::asarray(&[3i8, 8, 9, -1], &[4]).unwrap();
        assert_eq!(v::<i8>(xp::bitwise_left_shift(&x, &c)), vec![8, 0, 0, 0]);
        assert_eq!(v::<i8>(xp::bitwise_right_shift(&x, &c)), vec![0, -1, -1, 0]);
        let u = xp::asarray(&[200u8, 255], &[2]).unwrap();
        let cu = xp::asarray(&[1u8, 8], &[2]).unwrap();
        assert_eq!(v::<u8>(xp::bitwise_right_shift(&u, &cu)), vec![100, 0]);
        assert!(xp::bitwise_left_shift(&xp::asarray(&[1.0f32], &[1]).unwrap(), &xp::asarray(&[1.0f32], &[1]).unwrap()).is_err());
    }

    #[test]
    fn sign_classification_and_clip() {
        let x = xp::asarray(&[-2.5f64, -0.0, 0.0, 3.0, f64::NAN, f64::INFINITY], &[6]).unwrap();
        let s: Vec<f64> = v(xp::sign(&x));
        assert_eq!(&s[..4], &[-1.0, 0.0, 0.0, 1.0]);
        assert!(s[4].is_nan());
        assert_eq!(v::<bool>(xp::signbit(&x)), vec![true, true, false, false, false, false]);
        assert_eq!(v::<bool>(xp::isnan(&x)), vec![false, false, false, false, true, false]);
        assert_eq!(v::<bool>(xp::isinf(&x)), vec![false, false, false, false, false, true]);
        assert_eq!(v::<bool>(xp::isfinite(&x)), vec![true, true, true, true, false, false]);
        let i = xp::asarray(&[-3i32, 0, 9], &[3]).unwrap();
        assert_eq!(v::<i32>(xp::sign(&i)), vec![-1, 0, 1]);
        assert_eq!(v::<bool>(xp::isfinite(&i)), vec![true, true, true]);
        let lo = xp::asarray(&[0i32], &[1]).unwrap();
        let hi = xp::asarray(&[5i32], &[1]).unwrap();
        assert_eq!(v::<i32>(xp::clip(&i, Some(&lo), Some(&hi))), vec![0, 0, 5]);
        assert_eq!(v::<i32>(xp::imag(&i)), vec![0, 0, 0]);
        assert_eq!(v::<i32>(xp::square(&i)), vec![9, 0, 81]);
    }

    #[test]
    fn integer_division_follows_numpy() {
        let a = xp::asarray(&[7i32, -7, 7, -7, 5, i32::MIN], &[6]).unwrap();
        let b = xp::asarray(&[2i32, 2, -2, -2, 0, -1], &[6]).unwrap();
        assert_eq!(v::<i32>(xp::floor_divide(&a, &b)), vec![3, -4, -4, 3, 0, i32::MIN]);
        assert_eq!(v::<i32>(xp::remainder(&a, &b)), vec![1, 1, -1, -1, 0, 0]);
        let p = xp::asarray(&[3i64, -2, 2], &[3]).unwrap();
        let e = xp::asarray(&[4i64, 3, 63], &[3]).unwrap();
        assert_eq!(v::<i64>(xp::pow(&p, &e)), vec![81, -8, i64::MIN]);
    }

    #[test]
    fn transcendentals_evaluate_in_kernels() {
        let x = xp::asarray(&[0.5f32, 2.0], &[2]).unwrap();
        let y: Vec<f32> = v(xp::atan2(&x, &xp::asarray(&[1.0f32, 1.0], &[2]).unwrap()));
        assert!((y[0] - 0.5f32.atan()).abs() < 1e-7 && (y[1] - 2f32.atan()).abs() < 1e-6);
        let p: Vec<f32> = v(xp::pow(&x, &x));
        assert!((p[0] - 0.5f32.powf(0.5)).abs() < 1e-7 && p[1] == 4.0);
        let l: Vec<f64> = v(xp::log1p(&xp::asarray(&[1e-20f64], &[1]).unwrap()));
        assert_eq!(l, vec![1e-20]);
        // Integers compute in a float dtype.
        let i = xp::asarray(&[1i16], &[1]).unwrap();
        assert_eq!(xp::expm1(&i).unwrap().dtype(), xp::DType::Float32);
    }
}
