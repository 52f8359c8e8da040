//! Light elementwise bodies, four steps a trip.
//!
//! The rolled loop (`skeleton.rs`) pays about ten instructions of
//! bookkeeping a step: the bound test, the scratch-slot select that lets
//! the partial step share the body, the whole-step test after it. For
//! `a*x + y` that is more than the work, and over data in cache, as in
//! every call at n = 1,000, the kernel ran at a third of the speed the
//! loads and stores allow. Here whole trips of four full steps go first,
//! with plain loads and stores; the rolled loop takes the last one to
//! three steps and the partial one. Heavy bodies stay rolled only: their
//! bookkeeping is a few percent, and each copy of the body costs compile
//! time (unrolling them was measured, benches/RESULTS.md).

use super::emit::Emitter;
use super::skeleton::{emit_insts, load_input_ahead, mask_to_bytes, mem, store_output, InputPlan};
use crate::kernel_ir::{Op, Value};
use cranelift_codegen::ir::{condcodes::IntCC, types, BlockArg, InstBuilder, Value as CValue};
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
/// `end`. Leaves the builder after the trips and returns the index where
/// they stopped, for the rolled loop to go on from.
pub(super) fn emit_trips(fb: &mut FunctionBuilder, em: &Emitter, live: &[bool], plans: &[InputPlan], dims: &[CValue], out_bases: &[CValue], start: CValue, end: CValue) -> CValue {
    let k = em.kernel;
    let lanes = em.lanes as i64;
    let head = fb.create_block();
    let trip = fb.create_block();
    let done = fb.create_block();
    fb.ins().jump(head, &[BlockArg::Value(start)]);
    let i = fb.append_block_param(head, types::I64);
    fb.switch_to_block(head);
    let trip_end = fb.ins().iadd_imm_s(i, STEPS * lanes);
    let fits = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, trip_end, end);
    fb.ins().brif(fits, trip, &[], done, &[BlockArg::Value(i)]);

    fb.switch_to_block(trip);
    for step in 0..STEPS {
        let ahead = step * lanes;
        let input = |fb: &mut FunctionBuilder, n: u32| match &plans[n as usize] {
            InputPlan::Invariant(v) => *v,
            plan => load_input_ahead(fb, em, plan, k.inputs[n as usize].dtype, i, ahead, dims, None),
        };
        let outs = emit_insts(fb, em, live, &mut { input });
        let at = fb.ins().iadd_imm_s(i, ahead);
        for (o, (&v, &base)) in outs.iter().zip(out_bases).enumerate() {
            store_step(fb, em, o, base, at, v);
        }
    }
    fb.ins().jump(head, &[BlockArg::Value(trip_end)]);

    let stopped = fb.append_block_param(done, types::I64);
    fb.switch_to_block(done);
    stopped
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
