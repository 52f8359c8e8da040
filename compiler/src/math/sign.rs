//! Sign-bit manipulation on the float's bits: copysign, and the pieces the
//! odd functions use to put the argument's sign back on a magnitude.

use super::bits::format;
use crate::kernel_ir::{BinaryOp, KernelBuilder, Value};

fn sign_mask(b: &mut KernelBuilder, x: Value) -> (Value, Value) {
    let f = format(b.ty(x));
    let bits = if f.mant == 52 { i64::MIN } else { 0x8000_0000 };
    let m = b.iconst(f.int, bits);
    let xb = b.bitcast(x, f.int);
    (xb, m)
}

/// The sign bit of `x` alone, as bits of the float's integer type.
pub fn sign_bits(b: &mut KernelBuilder, x: Value) -> Value {
    let (xb, m) = sign_mask(b, x);
    b.binary(BinaryOp::And, xb, m)
}

/// `mag` (whose sign bit is clear) with the sign bit of `of` set on it.
pub fn with_sign_of(b: &mut KernelBuilder, mag: Value, of: Value) -> Value {
    let f = format(b.ty(mag));
    let s = sign_bits(b, of);
    let mb = b.bitcast(mag, f.int);
    let r = b.binary(BinaryOp::Xor, mb, s);
    b.bitcast(r, f.ty)
}

/// |x| with the sign bit of y (IEEE copySign; NaNs keep their payload).
pub fn copysign(b: &mut KernelBuilder, x: Value, y: Value) -> Value {
    let f = format(b.ty(x));
    let xb = b.bitcast(x, f.int);
    let not_m = b.iconst(f.int, if f.mant == 52 { i64::MAX } else { 0x7FFF_FFFF });
    let mag = b.binary(BinaryOp::And, xb, not_m);
    let s = sign_bits(b, y);
    let r = b.binary(BinaryOp::Or, mag, s);
    b.bitcast(r, f.ty)
}

/// Whether the sign bit of `x` is set (true for -0 and negative NaNs).
pub fn signbit(b: &mut KernelBuilder, x: Value) -> Value {
    let f = format(b.ty(x));
    let s = sign_bits(b, x);
    let zero = b.iconst(f.int, 0);
    b.cmp(crate::kernel_ir::CmpOp::Ne, s, zero)
}
