//! Bounds on a value by a constant, in the form every target does in one
//! instruction.
//!
//! `select(c < v, c, v)` and `select(v < c, c, v)` are exact IR (ordered
//! comparisons, so a NaN `v` fails the test and is returned unchanged), and
//! they are the operand order of x86's `minps`/`maxps` (`a < b ? a : b`,
//! the second operand on NaN or equal values), which Cranelift's x86-64
//! backend emits for exactly this pattern, vector and scalar. The
//! IEEE-style `min`/`max` of kernel IR (NaN from either side, -0 < +0)
//! costs about ten instructions in SSE; a clamp by a non-NaN constant
//! needs neither property, only that a NaN argument stays NaN.

use crate::kernel_ir::{CmpOp, KernelBuilder, Value};

/// `min(v, c)` for a non-NaN `c`; a NaN `v` is returned as it is.
pub fn upper(b: &mut KernelBuilder, v: Value, c: Value) -> Value {
    let lt = b.cmp(CmpOp::Lt, c, v);
    b.select(lt, c, v)
}

/// `max(v, c)` for a non-NaN `c`; a NaN `v` is returned as it is.
pub fn lower(b: &mut KernelBuilder, v: Value, c: Value) -> Value {
    let lt = b.cmp(CmpOp::Lt, v, c);
    b.select(lt, c, v)
}

/// `v` clamped to `[lo, hi]` (constants of `v`'s type); NaN stays NaN.
pub fn between(b: &mut KernelBuilder, v: Value, lo: f64, hi: f64) -> Value {
    let ty = b.ty(v);
    let lo = b.fconst(ty, lo);
    let hi = b.fconst(ty, hi);
    let v = lower(b, v, lo);
    upper(b, v, hi)
}
