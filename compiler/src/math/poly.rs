//! Polynomial evaluation shared by every function in the math library.

use crate::kernel_ir::{KernelBuilder, Value};

/// Horner's rule with one fma per coefficient (`coefs` lowest degree
/// first). Horner rather than Estrin: fewer instructions, and each step
/// rounds once, which the error bounds in docs/math-accuracy.md assume.
pub fn horner(b: &mut KernelBuilder, x: Value, coefs: &[f64]) -> Value {
    let ty = b.ty(x);
    let (last, rest) = coefs.split_last().expect("a polynomial has coefficients");
    let mut acc = b.fconst(ty, *last);
    for &c in rest.iter().rev() {
        let c = b.fconst(ty, c);
        acc = b.fma(acc, x, c);
    }
    acc
}

/// Picks the coefficient table of the value's precision.
pub fn pick<'a>(b: &KernelBuilder, x: Value, f32: &'a [f64], f64: &'a [f64]) -> &'a [f64] {
    if b.ty(x) == lazyxp_runtime::DType::Float32 {
        f32
    } else {
        f64
    }
}
