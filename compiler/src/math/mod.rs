//! The math library: transcendental (and other composite) functions expanded into primitive
//! kernel-IR arithmetic, once, so the CPU and GPU backends run one
//! algorithm and produce the same bits.
//!
//! Every expansion is branch-free (select, never control flow: the IR has
//! none and SIMD lanes cannot diverge; a cold region, `kernel_ir/cold.rs`,
//! is the one place a backend may branch, around rare lanes' general
//! path, with the same bits either way) and uses only ops every vector
//! target lowers cheaply: float arithmetic, fma, comparisons, select,
//! bitcasts to the same-width integer and integer add/and/shift. Accuracy
//! and its measurement are in docs/math-accuracy.md.

mod asin_acos;
mod atan;
mod bits;
mod clamp;
mod division;
mod dw;
mod exp;
mod hyperbolic;
mod inverse_hyperbolic;
mod log;
mod poly;
mod pow;
mod sign;
mod sin_cos;
mod tanh;
mod trig_reduce;
mod two_arg;

use crate::kernel_ir::{BinaryOp, Kernel, KernelBuilder, Op, UnaryOp, Value};

/// Returns a copy of `k` with every math instruction replaced by primitive
/// instructions; other instructions are kept, in order, and outputs keep
/// their meaning (renumbered).
pub fn expand(k: &Kernel) -> Kernel {
    let mut b = KernelBuilder::like(k);
    let mut map: Vec<Value> = Vec::with_capacity(k.insts.len());
    for inst in &k.insts {
        let op = inst.op.map_operands(|v| map[v.0 as usize]);
        let v = match op {
            Op::Unary(u, a) if u.is_math() => expand_unary(&mut b, u, a),
            Op::Binary(o, x, y) if o.is_math() => expand_binary(&mut b, o, x, y),
            op => b.push(op, inst.ty),
        };
        map.push(v);
    }
    for (v, &step) in k.outputs.iter().zip(&k.output_steps) {
        b.store_step(map[v.0 as usize], step);
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
        UnaryOp::Expm1 => exp::expm1(b, x),
        UnaryOp::Log1p => log::log1p(b, x),
        UnaryOp::Log2 => log::log_base(b, x, false),
        UnaryOp::Log10 => log::log_base(b, x, true),
        UnaryOp::Sinh => hyperbolic::sinh(b, x),
        UnaryOp::Cosh => hyperbolic::cosh(b, x),
        UnaryOp::Tan => sin_cos::tan(b, x),
        UnaryOp::Asin => asin_acos::asin(b, x),
        UnaryOp::Acos => asin_acos::acos(b, x),
        UnaryOp::Atan => atan::atan(b, x),
        UnaryOp::Asinh => inverse_hyperbolic::asinh(b, x),
        UnaryOp::Acosh => inverse_hyperbolic::acosh(b, x),
        UnaryOp::Atanh => inverse_hyperbolic::atanh(b, x),
        other => panic!("math::expand_unary: {other} is not a math op"),
    }
}

/// Expands one two-operand math op; operands share one type (a float, or
/// any integer for pow, floor division and remainder).
pub fn expand_binary(b: &mut KernelBuilder, op: BinaryOp, x: Value, y: Value) -> Value {
    match op {
        BinaryOp::Pow => pow::pow(b, x, y),
        BinaryOp::Atan2 => atan::atan2(b, x, y),
        BinaryOp::Hypot => two_arg::hypot(b, x, y),
        BinaryOp::LogAddExp => two_arg::logaddexp(b, x, y),
        BinaryOp::CopySign => sign::copysign(b, x, y),
        BinaryOp::NextAfter => two_arg::nextafter(b, x, y),
        BinaryOp::FloorDiv => division::floor_divide(b, x, y),
        BinaryOp::Remainder => division::remainder(b, x, y),
        other => panic!("math::expand_binary: {other} is not a math op"),
    }
}

/// Instructions of `op`'s expansion outside cold regions, other than
/// loads, constants and bitcasts (what every element pays), and all of
/// them: for tests that keep a function's fast path from growing.
#[cfg(test)]
pub(crate) fn hot_ops(op: UnaryOp, ty: lazyxp_runtime::DType) -> (usize, usize) {
    use crate::kernel_ir::{cold_regions, Access, KernelBuilder, Op};
    let mut b = KernelBuilder::new("t", 1);
    let i = b.input(ty, Access::Contiguous);
    let x = b.load(i);
    let y = b.unary(op, x);
    b.store(y);
    let k = expand(&b.finish());
    let regions = cold_regions(&k).unwrap();
    let cold = |i: usize| regions.iter().any(|&(s, e)| i > s && i < e);
    let counted = |(i, inst): &(usize, &crate::kernel_ir::Inst)| !cold(*i) && !matches!(inst.op, Op::Load(_) | Op::Const(_) | Op::Bitcast(_));
    let hot = k.insts.iter().enumerate().filter(counted).count();
    (hot, k.insts.len())
}
