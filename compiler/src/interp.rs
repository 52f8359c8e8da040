//! The reference interpreter of kernel IR: the oracle every backend is
//! compared with, so it favours being obviously right over being fast.
//!
//! It evaluates one element at a time on [`Scalar`]s with the exact
//! semantics the backends promise (wrapping integers, NaN-propagating
//! min/max, ordered comparisons, one-rounding fma). Math ops are expanded
//! by [`crate::math::expand`] first, so a backend that runs the same
//! expansion must produce the same bits, not merely close ones.

use crate::kernel_ir::{Access, BinaryOp, CmpOp, Inst, Kernel, Op, UnaryOp, Value};
use crate::math;
use lazyxp_runtime::Scalar;

/// Runs flat elements `[start, end)` of `k`, reading and writing memory the
/// way a compiled CPU kernel does with the launch words of
/// `lazyxp_runtime::launch` (buffer bases: inputs then outputs; `rank`
/// dimensions; `rank` element strides per strided input).
///
/// # Safety
/// `args` must describe live buffers large enough for every element in
/// `[start, end)`, exactly as for a compiled kernel.
pub unsafe fn run(k: &Kernel, args: *const u64, start: usize, end: usize) {
    let k = expand_if_needed(k);
    if k.is_reduction() {
        return unsafe { crate::interp_reduce::run(&k, args, start, end) };
    }
    let n_in = k.inputs.len();
    let n_bufs = n_in + k.outputs.len();
    let rank = k.rank as usize;
    let word = |i: usize| unsafe { *args.add(i) };
    let dims: Vec<u64> = (0..rank).map(|d| word(n_bufs + d)).collect();
    // Strides of each strided input, in input order, as the ABI lays them out.
    let mut strides: Vec<Vec<i64>> = vec![Vec::new(); n_in];
    let mut next = n_bufs + rank;
    for i in k.strided_inputs() {
        strides[i] = (0..rank).map(|d| word(next + d) as i64).collect();
        next += rank;
    }
    let mut vals = Vec::with_capacity(k.insts.len());
    let mut idx = vec![0u64; rank];
    for flat in start..end {
        unravel(flat as u64, &dims, &mut idx);
        let load = |input: u32| -> Scalar {
            let inp = k.inputs[input as usize];
            let size = inp.dtype.size();
            let elem: i64 = match inp.access {
                Access::Contiguous => flat as i64,
                Access::Interleaved { part } => 2 * flat as i64 + part as i64,
                Access::Scalar => 0,
                Access::Strided => idx
                    .iter()
                    .zip(&strides[input as usize])
                    .map(|(&i, &s)| (i as i64).wrapping_mul(s))
                    .fold(0i64, i64::wrapping_add),
            };
            let addr = (word(input as usize) as i64).wrapping_add(elem.wrapping_mul(size as i64));
            // SAFETY: the caller guarantees the buffers cover every element.
            let bytes = unsafe { std::slice::from_raw_parts(addr as usize as *const u8, size) };
            Scalar::read(inp.dtype, bytes)
        };
        eval_into(&k, &mut vals, load);
        for (o, v) in k.outputs.iter().enumerate() {
            let s = vals[v.0 as usize];
            let size = s.dtype().size();
            let addr = word(n_in + o) as usize + flat * k.output_step(o) * size;
            // SAFETY: outputs cover [start, end) at their element step.
            let out = unsafe { std::slice::from_raw_parts_mut(addr as *mut u8, size) };
            s.write(out);
        }
    }
}

/// Evaluates `k` for one element whose inputs are given by value, ignoring
/// access patterns; returns the stored outputs.
pub fn eval_element(k: &Kernel, inputs: &[Scalar]) -> Vec<Scalar> {
    let k = expand_if_needed(k);
    let mut vals = Vec::with_capacity(k.insts.len());
    eval_into(&k, &mut vals, |i| inputs[i as usize]);
    k.outputs.iter().map(|v| vals[v.0 as usize]).collect()
}

fn expand_if_needed(k: &Kernel) -> std::borrow::Cow<'_, Kernel> {
    if k.has_math() {
        std::borrow::Cow::Owned(math::expand(k))
    } else {
        std::borrow::Cow::Borrowed(k)
    }
}

/// Row-major unravel of `flat` over `dims` (last dimension fastest).
pub(crate) fn unravel(mut flat: u64, dims: &[u64], idx: &mut [u64]) {
    for d in (0..dims.len()).rev() {
        let n = dims[d].max(1);
        idx[d] = flat % n;
        flat /= n;
    }
}

fn eval_into(k: &Kernel, vals: &mut Vec<Scalar>, load: impl Fn(u32) -> Scalar) {
    vals.clear();
    for inst in &k.insts {
        let r = eval_inst(inst, |x| vals[x.0 as usize], &load);
        vals.push(r);
    }
}

/// One instruction on scalar operands (`v` gives operand values, `load`
/// an input's element); shared by the elementwise and reduction drivers.
pub(crate) fn eval_inst(inst: &Inst, v: impl Fn(Value) -> Scalar, load: impl Fn(u32) -> Scalar) -> Scalar {
    let r = match inst.op {
        Op::Load(i) => load(i),
        Op::Const(c) => c,
        Op::Unary(u, a) => unary(u, v(a)),
        Op::Binary(o, a, b) => binary(o, v(a), v(b)),
        Op::Fma(a, b, c) => fma(v(a), v(b), v(c)),
        Op::Cmp(c, a, b) => Scalar::Bool(cmp(c, v(a), v(b))),
        Op::Select(c, a, b) => {
            if matches!(v(c), Scalar::Bool(true)) {
                v(a)
            } else {
                v(b)
            }
        }
        Op::Cast(a) => v(a).cast(inst.ty),
        Op::Bitcast(a) => Scalar::from_bits(inst.ty, v(a).to_bits()),
        Op::Reduce(..) => unreachable!("reductions are folded by interp_reduce, not evaluated per element"),
        // The region always runs here; its result already is the select.
        Op::ColdBegin(_, a) | Op::ColdEnd(_, a) => v(a),
    };
    debug_assert_eq!(r.dtype(), inst.ty, "interp: {:?}", inst.op);
    r
}

/// Applies an integer operation on the two's complement bits, so every
/// width and signedness wraps the same way.
fn int_map(a: Scalar, f: impl Fn(i128) -> i128) -> Scalar {
    Scalar::from_bits(a.dtype(), f(a.as_i128().unwrap()) as u128)
}

fn is_rounding(op: UnaryOp) -> bool {
    matches!(op, UnaryOp::Floor | UnaryOp::Ceil | UnaryOp::Trunc | UnaryOp::RoundEven)
}

fn unary(op: UnaryOp, a: Scalar) -> Scalar {
    match a {
        // Rounding a NaN quiets it (IEEE 754 roundToIntegral, and what
        // SSE4.1 `round` does); the C library's floor may return a
        // signalling NaN unchanged, so NaNs take `x + x` explicitly.
        Scalar::F32(x) if x.is_nan() && is_rounding(op) => Scalar::F32(x + x),
        Scalar::F32(x) => Scalar::F32(match op {
            UnaryOp::Neg => -x,
            UnaryOp::Abs => x.abs(),
            UnaryOp::Sqrt => x.sqrt(),
            UnaryOp::Floor => x.floor(),
            UnaryOp::Ceil => x.ceil(),
            UnaryOp::Trunc => x.trunc(),
            UnaryOp::RoundEven => x.round_ties_even(),
            _ => panic!("interp: {op} on f32 must be expanded or is ill-typed"),
        }),
        // Rounding a NaN quiets it (IEEE 754 roundToIntegral, and what
        // SSE4.1 `round` does); the C library's floor may return a
        // signalling NaN unchanged, so NaNs take `x + x` explicitly.
        Scalar::F64(x) if x.is_nan() && is_rounding(op) => Scalar::F64(x + x),
        Scalar::F64(x) => Scalar::F64(match op {
            UnaryOp::Neg => -x,
            UnaryOp::Abs => x.abs(),
            UnaryOp::Sqrt => x.sqrt(),
            UnaryOp::Floor => x.floor(),
            UnaryOp::Ceil => x.ceil(),
            UnaryOp::Trunc => x.trunc(),
            UnaryOp::RoundEven => x.round_ties_even(),
            _ => panic!("interp: {op} on f64 must be expanded or is ill-typed"),
        }),
        Scalar::Bool(b) if op == UnaryOp::Not => Scalar::Bool(!b),
        _ => {
            let signed = a.dtype().is_signed_int();
            match op {
                UnaryOp::Neg => int_map(a, |x| x.wrapping_neg()),
                UnaryOp::Abs if signed => int_map(a, |x| x.abs()),
                UnaryOp::Abs => a,
                UnaryOp::Not => int_map(a, |x| !x),
                _ => panic!("interp: {op} on {}", a.dtype()),
            }
        }
    }
}

/// IEEE min/max with NaN propagation and -0 < +0, which neither Rust's
/// `f64::min` (NaN-ignoring) nor a plain `<` (sign-blind) give.
macro_rules! fminmax {
    ($x:expr, $y:expr, $min:expr) => {{
        let (x, y) = ($x, $y);
        if x.is_nan() || y.is_nan() {
            x + y
        } else if x == y {
            // Equal values differ at most in the sign of zero.
            if $min == (x.is_sign_negative()) { x } else { y }
        } else if (x < y) == $min {
            x
        } else {
            y
        }
    }};
}

macro_rules! float_binary {
    ($op:expr, $x:expr, $y:expr) => {{
        let (x, y) = ($x, $y);
        match $op {
            BinaryOp::Add => x + y,
            BinaryOp::Sub => x - y,
            BinaryOp::Mul => x * y,
            BinaryOp::Div => x / y,
            // Rust's float `%` is C's fmod: exact, the dividend's sign.
            BinaryOp::Rem => x % y,
            BinaryOp::Min => fminmax!(x, y, true),
            BinaryOp::Max => fminmax!(x, y, false),
            o => panic!("interp: {o} on floats"),
        }
    }};
}

pub(crate) fn binary(op: BinaryOp, a: Scalar, b: Scalar) -> Scalar {
    match (a, b) {
        (Scalar::F32(x), Scalar::F32(y)) => Scalar::F32(float_binary!(op, x, y)),
        (Scalar::F64(x), Scalar::F64(y)) => Scalar::F64(float_binary!(op, x, y)),
        (Scalar::Bool(x), Scalar::Bool(y)) => Scalar::Bool(match op {
            BinaryOp::And => x & y,
            BinaryOp::Or => x | y,
            BinaryOp::Xor => x ^ y,
            o => panic!("interp: {o} on bool"),
        }),
        _ => {
            let ty = a.dtype();
            assert!(ty.is_int() && b.dtype() == ty, "interp: {op} on {ty} and {}", b.dtype());
            let bits = (ty.size() * 8) as u32;
            let (x, y) = (a.as_i128().unwrap(), b.as_i128().unwrap());
            // Shift counts are modulo the width; the raw bits of y decide.
            let count = (b.to_bits() as u32) & (bits - 1);
            let r = match op {
                BinaryOp::Add => x.wrapping_add(y),
                BinaryOp::Sub => x.wrapping_sub(y),
                BinaryOp::Mul => x.wrapping_mul(y),
                BinaryOp::Min => x.min(y),
                BinaryOp::Max => x.max(y),
                BinaryOp::And => x & y,
                BinaryOp::Or => x | y,
                BinaryOp::Xor => x ^ y,
                BinaryOp::Shl => x << count,
                // as_i128 sign-extends signed and zero-extends unsigned
                // values, so this is arithmetic or logical as the type says.
                BinaryOp::Shr => x >> count,
                // In i128 no operand pair overflows; MIN/-1 wraps when the
                // result is cut back to the type's width. Division by zero
                // gives 0, as NumPy does.
                BinaryOp::Div if y == 0 => 0,
                BinaryOp::Div => x / y,
                BinaryOp::Rem if y == 0 => 0,
                BinaryOp::Rem => x % y,
                o => panic!("interp: {o} must be expanded or is ill-typed"),
            };
            Scalar::from_bits(ty, r as u128)
        }
    }
}

fn fma(a: Scalar, b: Scalar, c: Scalar) -> Scalar {
    match (a, b, c) {
        (Scalar::F32(x), Scalar::F32(y), Scalar::F32(z)) => Scalar::F32(x.mul_add(y, z)),
        (Scalar::F64(x), Scalar::F64(y), Scalar::F64(z)) => Scalar::F64(x.mul_add(y, z)),
        _ => panic!("interp: fma on {}", a.dtype()),
    }
}

fn cmp(op: CmpOp, a: Scalar, b: Scalar) -> bool {
    let ord = if a.dtype().is_float() {
        // f32 -> f64 is exact, so comparing in f64 is comparing in f32.
        a.as_f64().partial_cmp(&b.as_f64())
    } else {
        Some(a.as_i128().unwrap().cmp(&b.as_i128().unwrap()))
    };
    use std::cmp::Ordering::*;
    match (op, ord) {
        (CmpOp::Ne, None) => true,
        (_, None) => false,
        (CmpOp::Eq, Some(o)) => o == Equal,
        (CmpOp::Ne, Some(o)) => o != Equal,
        (CmpOp::Lt, Some(o)) => o == Less,
        (CmpOp::Le, Some(o)) => o != Greater,
        (CmpOp::Gt, Some(o)) => o == Greater,
        (CmpOp::Ge, Some(o)) => o != Less,
    }
}
