//! Error-free transformations (a value and its rounding error as a pair),
//! for the functions whose result needs more than the format's precision
//! inside: tan's quotient, asin/acos near the ends, log10/log2 and pow.

use crate::kernel_ir::{KernelBuilder, Value};

/// `a + b = s + e` exactly, given |a| >= |b| or a = 0 (Dekker's Fast2Sum).
pub fn fast_two_sum(b: &mut KernelBuilder, x: Value, y: Value) -> (Value, Value) {
    let s = b.add(x, y);
    let t = b.sub(s, x);
    let e = b.sub(y, t);
    (s, e)
}

/// `a + b = s + e` exactly, for any order of magnitude (Knuth's TwoSum).
pub fn two_sum(b: &mut KernelBuilder, x: Value, y: Value) -> (Value, Value) {
    let s = b.add(x, y);
    let bb = b.sub(s, x);
    let ab = b.sub(s, bb);
    let ea = b.sub(x, ab);
    let eb = b.sub(y, bb);
    let e = b.add(ea, eb);
    (s, e)
}

/// `x * y = p + e` exactly (with fma).
pub fn two_prod(b: &mut KernelBuilder, x: Value, y: Value) -> (Value, Value) {
    let p = b.mul(x, y);
    let np = b.unary(crate::kernel_ir::UnaryOp::Neg, p);
    let e = b.fma(x, y, np);
    (p, e)
}
