//! Light elementwise bodies, four steps a trip.
//!
//! The rolled loop (`skeleton.rs`) pays about ten instructions of
//! bookkeeping a step: the bound test, the scratch-slot select that lets
//! the partial step share the body, the whole-step test after it. For
//! `a*x + y` that is more than the work, and over data in cache, as in
//! every call at n = 1,000, the kernel ran at a third of the speed the
//! loads and stores allow. Here whole trips of four full steps go first,
//! with plain loads and stores; the rolled loop takes the last one to
//! three steps and the partial one (and, over strided inputs, the steps
//! at each row's end). Heavy bodies stay rolled only: their
//! bookkeeping is a few percent, and each copy of the body costs compile
//! time (unrolling them was measured, benches/RESULTS.md).

use super::emit::Emitter;
use super::skeleton::{args_of, emit_insts, enter_loop, load_input_ahead, load_row_vectors, mask_to_bytes, mem, offset_at, store_output, unravel, InputPlan};
use crate::kernel_ir::{Op, Value};
use cranelift_codegen::ir::{condcodes::IntCC, types, Block, BlockArg, InstBuilder, Value as CValue};
use cranelift_frontend::FunctionBuilder;

const STEPS: i64 = 4;

/// Bodies of at most this many live kernel-IR instructions (loads and
/// constants included) are light: `a*x + y` has five, `where(x > 0, x,
/// 0) * y` eight; anything with a math-library function has dozens.
const LIGHT_BODY: usize = 24;

pub(super) fn is_light(em: &Emitter, live: &[bool]) -> bool {
    let k = em.kernel;
    let cold = k.insts.iter().any(|i| matches!(i.op, Op::ColdBegin(..)));
    !cold && em.outlined.is_empty() && live.iter().filter(|&&l| l).count() <= LIGHT_BODY
}

/// Runs trips of `STEPS` full steps from `start` while one fits before
/// `end`, and hands the rest to the rolled loop at `rolled` (a block
/// taking the index). Returns where the rolled loop's steps go on: None
/// for its own head; with strided inputs, back to the trips.
#[allow(clippy::too_many_arguments)]
pub(super) fn emit_trips(fb: &mut FunctionBuilder, em: &Emitter, live: &[bool], plans: &[InputPlan], dims: &[CValue], out_bases: &[CValue], start: CValue, end: CValue, rolled: Block) -> Option<Block> {
    let strided = plans.iter().any(|p| matches!(p, InputPlan::Strided { .. }));
    if strided && em.lanes > 1 && !dims.is_empty() {
        return Some(emit_row_trips(fb, em, live, plans, dims, out_bases, start, end, rolled));
    }
    let lanes = em.lanes as i64;
    let head = fb.create_block();
    let trip = fb.create_block();
    let (i, _) = enter_loop(fb, head, start, &[]);
    let trip_end = fb.ins().iadd_imm_s(i, STEPS * lanes);
    let fits = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, trip_end, end);
    fb.ins().brif(fits, trip, &[], rolled, &[BlockArg::Value(i)]);

    fb.switch_to_block(trip);
    emit_steps(fb, em, live, out_bases, i, &mut |fb, n, ahead| general_load(fb, em, plans, dims, n, i, ahead));
    fb.ins().jump(head, &[BlockArg::Value(trip_end)]);
    None
}

/// Trips over inputs with strides (views, broadcasts) that stay inside one
/// row of the innermost dimension. The row and column travel from trip to
/// trip, so a trip finds each strided input's vectors with no division,
/// and one test of the input's step serves the trip's four vectors. A
/// division per step and input ran `a + y` (a row broadcast) at half the
/// speed of `a + b`; the rolled loop still divides once a step. Steps near a row's end go
/// to the rolled loop, which comes back through the returned block (one
/// division there); rows shorter than a trip use the rolled loop only.
#[allow(clippy::too_many_arguments)]
fn emit_row_trips(fb: &mut FunctionBuilder, em: &Emitter, live: &[bool], plans: &[InputPlan], dims: &[CValue], out_bases: &[CValue], start: CValue, end: CValue, rolled: Block) -> Block {
    let trip_len = STEPS * em.lanes as i64;
    let last = dims.len() - 1;
    let width = dims[last];
    // Rows shorter than a trip never hold one.
    let long_rows = fb.ins().icmp_imm_s(IntCC::UnsignedGreaterThanOrEqual, width, trip_len);
    let reenter = fb.create_block();
    let divide = fb.create_block();
    let head = fb.create_block();
    let trip = fb.create_block();
    fb.ins().jump(reenter, &[BlockArg::Value(start)]);

    // reenter(i): the trips' way in, from the start and after rolled steps.
    let i = fb.append_block_param(reenter, types::I64);
    fb.switch_to_block(reenter);
    fb.ins().brif(long_rows, divide, &[], rolled, &[BlockArg::Value(i)]);
    fb.switch_to_block(divide);
    let row = fb.ins().udiv(i, width);
    let row_start = fb.ins().imul(row, width);
    let col = fb.ins().isub(i, row_start);

    // head(i, row, col): a trip if four steps fit before the end and in the row.
    let (i, at) = enter_loop(fb, head, i, &[row, col]);
    let (row, col) = (at[0], at[1]);
    let trip_end = fb.ins().iadd_imm_s(i, trip_len);
    let col_end = fb.ins().iadd_imm_s(col, trip_len);
    let in_range = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, trip_end, end);
    let in_row = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, col_end, width);
    let fits = fb.ins().band(in_range, in_row);
    fb.ins().brif(fits, trip, &[], rolled, &[BlockArg::Value(i)]);

    fb.switch_to_block(trip);
    let row_at = unravel(fb, row, &dims[..last]);
    let vectors: Vec<Option<Vec<CValue>>> = plans
        .iter()
        .enumerate()
        .map(|(n, p)| match p {
            InputPlan::Strided { base, strides } => {
                let above = offset_at(fb, &row_at, &strides[..last]);
                let along = fb.ins().imul(col, strides[last]);
                let first = fb.ins().iadd(above, along);
                Some(load_row_vectors(fb, em, *base, strides[last], em.kernel.inputs[n].dtype, first, STEPS as usize))
            }
            _ => None,
        })
        .collect();
    let lanes = em.lanes as i64;
    emit_steps(fb, em, live, out_bases, i, &mut |fb, n, ahead| match &vectors[n] {
        Some(vs) => vs[(ahead / lanes) as usize],
        None => general_load(fb, em, plans, dims, n, i, ahead),
    });
    // A trip that ends its row starts the next one.
    let wraps = fb.ins().icmp(IntCC::Equal, col_end, width);
    let next_row = fb.ins().iadd_imm_s(row, 1);
    let zero = fb.ins().iconst(types::I64, 0);
    let next = [fb.ins().select(wraps, next_row, row), fb.ins().select(wraps, zero, col_end)];
    let mut a = vec![BlockArg::Value(trip_end)];
    a.extend(args_of(&next));
    fb.ins().jump(head, &a);
    reenter
}

/// One trip's `STEPS` steps from index `i`: the body once per step, with
/// `load(n, ahead)` as input `n`'s vector at `i + ahead`, and whole-vector
/// stores.
fn emit_steps(fb: &mut FunctionBuilder, em: &Emitter, live: &[bool], out_bases: &[CValue], i: CValue, load: &mut dyn FnMut(&mut FunctionBuilder, usize, i64) -> CValue) {
    let lanes = em.lanes as i64;
    for step in 0..STEPS {
        let ahead = step * lanes;
        let outs = emit_insts(fb, em, live, &mut |fb: &mut FunctionBuilder, n: u32| load(fb, n as usize, ahead));
        let at = fb.ins().iadd_imm_s(i, ahead);
        for (o, (&v, &base)) in outs.iter().zip(out_bases).enumerate() {
            store_step(fb, em, o, base, at, v);
        }
    }
}

/// Input `n`'s full vector at `i + ahead` by its plan.
fn general_load(fb: &mut FunctionBuilder, em: &Emitter, plans: &[InputPlan], dims: &[CValue], n: usize, i: CValue, ahead: i64) -> CValue {
    match &plans[n] {
        InputPlan::Invariant(v) => *v,
        plan => load_input_ahead(fb, em, plan, em.kernel.inputs[n].dtype, i, ahead, dims, None),
    }
}

/// A whole step's values of output `o` at element `at`; bools go out as
/// the 0/1 bytes they are in memory.
fn store_step(fb: &mut FunctionBuilder, em: &Emitter, o: usize, base: CValue, at: CValue, v: CValue) {
    let k = em.kernel;
    let out: Value = k.outputs[o];
    if k.ty(out).is_bool() && em.lanes > 1 {
        let bytes = mask_to_bytes(fb, em, v);
        let off = fb.ins().imul_imm_s(at, k.output_step(o) as i64);
        let addr = fb.ins().iadd(base, off);
        fb.ins().store(mem(), bytes, addr, 0);
    } else {
        store_output(fb, k, o, base, at, v);
    }
}
