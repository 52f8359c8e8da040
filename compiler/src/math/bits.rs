//! Exponent tricks on float bits that stay inside the ops every SIMD
//! target has: no float<->int conversions (x86 has none for 64-bit lanes)
//! and only add/and/shift on integers of the float's own width.

use crate::kernel_ir::{BinaryOp, KernelBuilder, Value};
use lazyxp_runtime::DType;

/// Layout facts of one float format.
#[derive(Clone, Copy)]
pub struct Format {
    pub ty: DType,
    pub int: DType,
    /// Explicit mantissa bits (23 or 52).
    pub mant: u32,
    pub bias: i64,
}

pub fn format(ty: DType) -> Format {
    match ty {
        DType::Float32 => Format { ty, int: DType::Int32, mant: 23, bias: 127 },
        DType::Float64 => Format { ty, int: DType::Int64, mant: 52, bias: 1023 },
        other => panic!("math library: {other} is not a real float type"),
    }
}

impl Format {
    /// 1.5 * 2^mant: adding it to a float below 2^(mant-1) in magnitude
    /// rounds to an integer (ties to even) and leaves that integer in the
    /// low mantissa bits.
    pub fn magic(self) -> f64 {
        1.5 * (2f64).powi(self.mant as i32)
    }
}

/// `2^n` for a float `n` that holds an integer in `[1-bias, bias]`: the
/// biased exponent is put in the mantissa's low bits by the magic add,
/// then shifted into the exponent field.
pub fn pow2i(b: &mut KernelBuilder, n: Value) -> Value {
    pow2i_offset(b, n, 0)
}

/// `2^(n + k)` for a constant `k`, folded into `pow2i`'s magic add (no
/// extra instruction); `n + k` must be in `[1-bias, bias]`.
pub fn pow2i_offset(b: &mut KernelBuilder, n: Value, k: i32) -> Value {
    let f = format(b.ty(n));
    let magic = b.fconst(f.ty, f.magic() + (f.bias + k as i64) as f64);
    let t = b.add(n, magic);
    let bits = b.bitcast(t, f.int);
    let shift = b.iconst(f.int, f.mant as i64);
    let e = b.binary(BinaryOp::Shl, bits, shift);
    b.bitcast(e, f.ty)
}

/// `x * 2^n` for integer-valued `n` in `[2-2*bias, 2*bias+1]`, with one
/// rounding even when the result is subnormal or overflows: the scale is
/// applied in two halves, the first of which is exact.
pub fn ldexp(b: &mut KernelBuilder, x: Value, n: Value) -> Value {
    let ty = b.ty(x);
    let half = b.fconst(ty, 0.5);
    let nh = b.mul(n, half);
    let n1 = b.unary(crate::kernel_ir::UnaryOp::Floor, nh);
    let s1 = pow2i(b, n1);
    // n - 2*n1 is 0 or 1, so the second factor is s1 or 2*s1.
    let one = b.fconst(ty, 1.0);
    let n_plus_1 = b.add(n, one);
    let m2 = b.fconst(ty, -2.0);
    let d = b.fma(n1, m2, n_plus_1);
    let s2 = b.mul(s1, d);
    let y = b.mul(x, s1);
    b.mul(y, s2)
}

/// The float `magic + i` for an integer `i` in `(-2^(mant-1), 2^(mant-1))`
/// (of the float's width), made by adding `i` into the magic number's
/// mantissa bits; subtracting the magic (exact) leaves `i` as a float.
pub fn magic_plus_int(b: &mut KernelBuilder, i: Value) -> Value {
    let f = format(b.ty_float_of(i));
    let magic = f.magic();
    let magic_bits = if f.ty == DType::Float32 {
        (magic as f32).to_bits() as i64
    } else {
        magic.to_bits() as i64
    };
    let mb = b.iconst(f.int, magic_bits);
    let t = b.add(i, mb);
    b.bitcast(t, f.ty)
}

trait FloatOf {
    fn ty_float_of(&self, v: Value) -> DType;
}
impl FloatOf for KernelBuilder {
    fn ty_float_of(&self, v: Value) -> DType {
        if self.ty(v) == DType::Int32 {
            DType::Float32
        } else {
            DType::Float64
        }
    }
}
