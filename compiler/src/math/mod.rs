//! The math library: transcendental functions expanded into primitive
//! kernel-IR arithmetic, once, so the CPU and GPU backends run one
//! algorithm and produce the same bits.
//!
//! Every expansion is branch-free (select, never control flow: the IR has
//! none and SIMD lanes cannot diverge) and uses only ops every vector
//! target lowers cheaply: float arithmetic, fma, comparisons, select,
//! bitcasts to the same-width integer and integer add/and/shift. Accuracy
//! and its measurement are in docs/math-accuracy.md.

mod bits;
mod exp;
mod log;
mod poly;
mod sin_cos;
mod tanh;

use crate::kernel_ir::{Kernel, KernelBuilder, Op, UnaryOp, Value};

/// Returns a copy of `k` with every math instruction replaced by primitive
/// instructions; other instructions are kept, in order, and outputs keep
/// their meaning (renumbered).
pub fn expand(k: &Kernel) -> Kernel {
    let mut b = KernelBuilder::new(k.name.clone(), k.rank);
    for input in &k.inputs {
        b.input(input.dtype, input.access);
    }
    let mut map: Vec<Value> = Vec::with_capacity(k.insts.len());
    for inst in &k.insts {
        let op = inst.op.map_operands(|v| map[v.0 as usize]);
        let v = match op {
            Op::Unary(u, a) if u.is_math() => expand_unary(&mut b, u, a),
            op => b.push(op, inst.ty),
        };
        map.push(v);
    }
    for v in &k.outputs {
        b.store(map[v.0 as usize]);
    }
    b.finish()
}

/// Expands one math op applied to `x` (f32 or f64) into primitives
/// appended to `b`; returns the result.
pub fn expand_unary(b: &mut KernelBuilder, op: UnaryOp, x: Value) -> Value {
    match op {
        UnaryOp::Sin => sin_cos::sin(b, x),
        UnaryOp::Cos => sin_cos::cos(b, x),
        UnaryOp::Exp => exp::exp(b, x),
        UnaryOp::Log => log::log(b, x),
        UnaryOp::Tanh => tanh::tanh(b, x),
        other => panic!("math::expand_unary: {other} is not a math op"),
    }
}
