//! The loop around a kernel body: argument unpacking, the element loop,
//! input addressing per access pattern, and the tail.
//!
//! The body is emitted once. Full steps load `lanes` elements per input and
//! store whole vectors; the last partial step loads with clamped indices
//! (repeating the last valid element, so no load leaves the range), stores
//! to a scratch slot and copies the valid lanes out. One copy of the body
//! keeps compile time low: the math library's polynomials are most of a
//! kernel's instructions. (Unrolling was measured: Cranelift emits two
//! copies one after the other, so it saved only the loop overhead, a few
//! percent, for twice the compile time; see benches/RESULTS.md.) Light
//! bodies, whose loop overhead is most of the step, first run whole trips
//! of four steps (`unrolled.rs`).

use super::emit::Emitter;
use super::unrolled;
use super::types::scalar_type;
use crate::kernel_ir::{Access, Kernel, Op, Value};
use cranelift_codegen::ir::{
    condcodes::IntCC, types, AbiParam, BlockArg, Function, InstBuilder, MemFlagsData, Signature, StackSlotData,
    StackSlotKind, Value as CValue,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

/// Per input: how its elements are reached inside the loop.
pub(super) enum InputPlan {
    /// Loop-invariant value, loaded once before the loop.
    Invariant(CValue),
    Contiguous { base: CValue },
    Strided { base: CValue, strides: Vec<CValue> },
    /// `base` is the start of the pairs; element `i` is at `2 * i + part`.
    Interleaved { base: CValue, part: i64 },
}

/// The launch words of `runtime/src/launch.rs`, loaded in the entry block:
/// the range, every buffer's base, the dimensions (outer, then reduced) and
/// each input's plan (scalar inputs loaded once, unsplatted).
pub(super) struct LaunchWords {
    pub start: CValue,
    pub end: CValue,
    pub bases: Vec<CValue>,
    pub dims: Vec<CValue>,
    pub plans: Vec<InputPlan>,
}

/// Starts `entry` and unpacks the launch words of `k` there; both loop
/// skeletons begin this way.
pub(super) fn unpack_launch_words(fb: &mut FunctionBuilder, k: &crate::kernel_ir::Kernel, entry: cranelift_codegen::ir::Block) -> LaunchWords {
    fb.append_block_params_for_function_params(entry);
    fb.switch_to_block(entry);
    let (args, start, end) = {
        let p = fb.block_params(entry);
        (p[0], p[1], p[2])
    };
    let word = |fb: &mut FunctionBuilder, i: usize| fb.ins().load(types::I64, MemFlagsData::trusted(), args, (i * 8) as i32);
    let n_in = k.inputs.len();
    let n_bufs = n_in + k.outputs.len();
    let bases: Vec<CValue> = (0..n_bufs).map(|i| word(fb, i)).collect();
    let n_dims = (k.rank + k.reduce_rank) as usize;
    let dims: Vec<CValue> = (0..n_dims).map(|d| word(fb, n_bufs + d)).collect();
    let mut next_word = n_bufs + n_dims;
    let mut plans = Vec::with_capacity(n_in);
    for (i, input) in k.inputs.iter().enumerate() {
        plans.push(match input.access {
            Access::Scalar => InputPlan::Invariant(fb.ins().load(scalar_type(input.dtype), mem(), bases[i], 0)),
            Access::Contiguous => InputPlan::Contiguous { base: bases[i] },
            Access::Interleaved { part } => InputPlan::Interleaved { base: bases[i], part: part as i64 },
            Access::Strided => {
                let r = k.input_rank(i) as usize;
                let strides = (0..r).map(|d| word(fb, next_word + d)).collect();
                next_word += r;
                InputPlan::Strided { base: bases[i], strides }
            }
        });
    }
    LaunchWords { start, end, bases, dims, plans }
}

pub fn signature(call_conv: cranelift_codegen::isa::CallConv) -> Signature {
    let mut sig = Signature::new(call_conv);
    for _ in 0..3 {
        sig.params.push(AbiParam::new(types::I64));
    }
    sig
}

/// Values as a jump's block arguments.
pub(super) fn args_of(vals: &[CValue]) -> Vec<BlockArg> {
    vals.iter().map(|&v| BlockArg::Value(v)).collect()
}

/// Whether any lane of any of `masks` (compare results, vector or
/// scalar) is set; None for no masks.
pub(super) fn any_lane(fb: &mut FunctionBuilder, masks: &[CValue]) -> Option<CValue> {
    let mut any = None;
    for &m in masks {
        let m = if fb.func.dfg.value_type(m).is_vector() { fb.ins().vany_true(m) } else { m };
        any = Some(match any {
            Some(a) => fb.ins().bor(a, m),
            None => m,
        });
    }
    any
}

/// Jumps to the loop head `head` with `(counter, state...)`, gives `head`
/// those parameters and goes on in it; returns them there.
pub(super) fn enter_loop(fb: &mut FunctionBuilder, head: cranelift_codegen::ir::Block, counter: CValue, state: &[CValue]) -> (CValue, Vec<CValue>) {
    let mut a = vec![BlockArg::Value(counter)];
    a.extend(args_of(state));
    fb.ins().jump(head, &a);
    let c = fb.append_block_param(head, fb.func.dfg.value_type(counter));
    let params = state.iter().map(|&v| fb.append_block_param(head, fb.func.dfg.value_type(v))).collect();
    fb.switch_to_block(head);
    (c, params)
}

/// A loop over reduced indices `from .. end` (at least one), one a trip,
/// carrying `state`, which `step` updates for index `r`. Leaves the
/// builder in the loop's exit and returns the trip count and the state
/// there. The column blocks' tails (one to seven rows) take it instead of
/// a guarded copy of the body per row.
pub(super) fn emit_tail_loop(fb: &mut FunctionBuilder, from: CValue, end: CValue, state: &[CValue], step: &mut dyn FnMut(&mut FunctionBuilder, CValue, &mut Vec<CValue>)) -> (CValue, Vec<CValue>) {
    let types_of: Vec<cranelift_codegen::ir::Type> = state.iter().map(|&v| fb.func.dfg.value_type(v)).collect();
    let trip = fb.create_block();
    let exit = fb.create_block();
    let (r, mut carried) = enter_loop(fb, trip, from, state);
    step(fb, r, &mut carried);
    let next = fb.ins().iadd_imm_s(r, 1);
    let more = fb.ins().icmp(IntCC::UnsignedLessThan, next, end);
    let mut a = vec![BlockArg::Value(next)];
    a.extend(args_of(&carried));
    fb.ins().brif(more, trip, &a, exit, &a);
    let last = fb.append_block_param(exit, types::I64);
    let done: Vec<CValue> = types_of.iter().map(|&t| fb.append_block_param(exit, t)).collect();
    fb.switch_to_block(exit);
    let trips = fb.ins().isub(last, from);
    (trips, done)
}

pub(super) fn mem() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

pub fn build_function(func: &mut Function, em: &Emitter, target: cranelift_codegen::isa::TargetFrontendConfig) {
    let k = em.kernel;
    let lanes = em.lanes as i64;
    let mut fctx = FunctionBuilderContext::new();
    let mut fb = FunctionBuilder::new(func, &mut fctx);

    let entry = fb.create_block();
    let head = fb.create_block();
    let full = fb.create_block();
    let tail = fb.create_block();
    let body = fb.create_block();
    let partial_store = fb.create_block();
    let exit = fb.create_block();

    let LaunchWords { start, end, bases, dims, mut plans } = unpack_launch_words(&mut fb, k, entry);
    let n_in = k.inputs.len();
    for (plan, input) in plans.iter_mut().zip(&k.inputs) {
        if let (InputPlan::Invariant(v), true) = (&*plan, lanes > 1) {
            *plan = InputPlan::Invariant(splat(&mut fb, em, input.dtype, *v));
        }
    }
    let live = k.live();
    let out_bases = &bases[n_in..];
    // Where a full step goes on: the next step, or back to the trips.
    let resume = match unrolled::is_light(em, &live) {
        true => unrolled::emit_trips(&mut fb, em, &live, &plans, &dims, out_bases, start, end, head),
        false => {
            fb.ins().jump(head, &[BlockArg::Value(start)]);
            None
        }
    };

    // head(i): a full step if i + lanes <= end, else the tail.
    let i = fb.append_block_param(head, types::I64);
    fb.switch_to_block(head);
    let step_end = fb.ins().iadd_imm_s(i, lanes);
    let has_full = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, step_end, end);
    fb.ins().brif(has_full, full, &[BlockArg::Value(i)], tail, &[BlockArg::Value(i)]);

    // Body parameters: i, the count of valid lanes, then one value per
    // non-invariant input.
    let body_i = fb.append_block_param(body, types::I64);
    let body_valid = fb.append_block_param(body, types::I64);
    let mut body_inputs = Vec::new();
    for (n, input) in k.inputs.iter().enumerate() {
        if !matches!(plans[n], InputPlan::Invariant(_)) {
            body_inputs.push((n, fb.append_block_param(body, em.vty(input.dtype))));
        }
    }

    // full(i): every lane valid.
    let fi = fb.append_block_param(full, types::I64);
    fb.switch_to_block(full);
    // Strided inputs share one unravel of the index (`load_strided_step`).
    let (by_place, strided): (Vec<usize>, Vec<StridedInput>) = body_inputs
        .iter()
        .filter_map(|&(n, _)| match &plans[n] {
            InputPlan::Strided { base, strides } if lanes > 1 && !dims.is_empty() => Some((n, StridedInput { base: *base, strides, dtype: k.inputs[n].dtype })),
            _ => None,
        })
        .unzip();
    let placed = match strided.is_empty() {
        true => Vec::new(),
        false => load_strided_step(&mut fb, em, &dims, fi, &strided),
    };
    let mut vals = vec![BlockArg::Value(fi), BlockArg::Value(fb.ins().iconst(types::I64, lanes))];
    for (n, _) in &body_inputs {
        let v = match by_place.iter().position(|&m| m == *n) {
            Some(p) => placed[p],
            None => load_input(&mut fb, em, &plans[*n], k.inputs[*n].dtype, fi, &dims, None),
        };
        vals.push(BlockArg::Value(v));
    }
    fb.ins().jump(body, &vals);

    // tail(i): fewer than `lanes` elements remain (possibly none).
    let ti = fb.append_block_param(tail, types::I64);
    fb.switch_to_block(tail);
    let remaining = fb.ins().isub(end, ti);
    let any = fb.ins().icmp_imm_s(IntCC::SignedGreaterThan, remaining, 0);
    let tail_work = fb.create_block();
    fb.ins().brif(any, tail_work, &[], exit, &[]);
    fb.switch_to_block(tail_work);
    let last = fb.ins().iadd_imm_s(end, -1);
    let mut vals = vec![BlockArg::Value(ti), BlockArg::Value(remaining)];
    for (n, _) in &body_inputs {
        let v = load_input(&mut fb, em, &plans[*n], k.inputs[*n].dtype, ti, &dims, Some(last));
        vals.push(BlockArg::Value(v));
    }
    fb.ins().jump(body, &vals);

    // body: the kernel's instructions, once.
    fb.switch_to_block(body);
    let mut input = |_: &mut FunctionBuilder, n: u32| match &plans[n as usize] {
        InputPlan::Invariant(v) => *v,
        _ => body_inputs.iter().find(|(m, _)| *m == n as usize).unwrap().1,
    };
    let outs = emit_insts(&mut fb, em, &live, &mut input);
    // Every step stores its results in the body itself: full steps straight
    // to the outputs, the partial step to a scratch slot that
    // `partial_store` copies lane by lane. A store in the body keeps the
    // body's instructions there; with the results used only in two
    // successor blocks, Cranelift's elaboration would place a copy of the
    // whole body in each (twice the code and compile time).
    let complete = fb.ins().icmp_imm_s(IntCC::Equal, body_valid, lanes);
    let vec_bytes = (lanes * 8) as u32; // the widest element is 8 bytes
    let scratch = fb.create_sized_stack_slot(StackSlotData::new(
        StackSlotKind::ExplicitSlot,
        vec_bytes * outs.len().max(1) as u32,
        4,
    ));
    for (o, &v) in outs.iter().enumerate() {
        let size = k.ty(k.outputs[o]).size() as i64;
        let step = k.output_step(o) as i64;
        let addr = element_addr(&mut fb, out_bases[o], body_i, size * step);
        let spare = fb.ins().stack_addr(types::I64, scratch, (o as u32 * vec_bytes) as i32);
        let addr = fb.ins().select(complete, addr, spare);
        if k.ty(k.outputs[o]).is_bool() && lanes > 1 {
            // Bools are bytes in memory and lane masks in registers.
            let bytes = mask_to_bytes(&mut fb, em, v);
            fb.ins().store(mem(), bytes, addr, 0);
        } else if step == 1 {
            fb.ins().store(mem(), v, addr, 0);
        } else {
            // The scratch slot holds the lanes side by side.
            let apart = fb.ins().iconst(types::I64, size * step);
            let together = fb.ins().iconst(types::I64, size);
            let stride = fb.ins().select(complete, apart, together);
            store_strided(&mut fb, v, addr, stride);
        }
    }
    let ni = fb.ins().iadd_imm_s(body_i, lanes);
    let next = fb.create_block();
    fb.ins().brif(complete, next, &[], partial_store, &[]);
    fb.switch_to_block(next);
    fb.ins().jump(resume.unwrap_or(head), &[BlockArg::Value(ni)]);

    // partial_store: the valid lanes from the scratch slot, then exit.
    fb.switch_to_block(partial_store);
    for (o, &out) in k.outputs.iter().enumerate() {
        let ty = k.ty(out);
        let size = ty.size() as i64;
        let step = k.output_step(o) as i64;
        let addr = element_addr(&mut fb, out_bases[o], body_i, size * step);
        for lane in 0..lanes {
            let e = fb.ins().stack_load(types::I64, scalar_type(ty), scratch, (o as i64 * vec_bytes as i64 + lane * size) as i32);
            if lane == 0 {
                fb.ins().store(mem(), e, addr, 0);
                continue;
            }
            let store_blk = fb.create_block();
            let after = fb.create_block();
            let wanted = fb.ins().icmp_imm_s(IntCC::SignedGreaterThan, body_valid, lane);
            fb.ins().brif(wanted, store_blk, &[], after, &[]);
            fb.switch_to_block(store_blk);
            fb.ins().store(mem(), e, addr, (lane * size * step) as i32);
            fb.ins().jump(after, &[]);
            fb.switch_to_block(after);
        }
    }
    fb.ins().jump(exit, &[]);

    fb.switch_to_block(exit);
    fb.ins().return_(&[]);
    fb.seal_all_blocks();
    fb.finalize(target);
}

/// The kernel's live instructions once, in order, with `input(n)` as the
/// value input `n`'s load gives; returns the outputs' values.
pub(super) fn emit_insts(fb: &mut FunctionBuilder, em: &Emitter, live: &[bool], input: &mut dyn FnMut(&mut FunctionBuilder, u32) -> CValue) -> Vec<CValue> {
    let k = em.kernel;
    let mut cv: Vec<Option<CValue>> = vec![None; k.insts.len()];
    for (idx, inst) in k.insts.iter().enumerate() {
        if !live[idx] {
            continue;
        }
        let v = match inst.op {
            Op::Load(n) => input(fb, n),
            _ => {
                let get = |v: Value| cv[v.0 as usize].expect("operands precede their uses");
                em.emit(fb, idx, &get)
            }
        };
        cv[idx] = Some(v);
    }
    k.outputs.iter().map(|v| cv[v.0 as usize].unwrap()).collect()
}

/// A value read once for every step, as the step's vector (the value
/// itself on the scalar path); a 0/1 byte becomes an all-ones or
/// all-zeros lane mask.
pub(super) fn splat(fb: &mut FunctionBuilder, vem: &Emitter, ty: lazyxp_runtime::DType, s: CValue) -> CValue {
    if vem.lanes == 1 {
        return s;
    }
    if ty.is_bool() {
        let lane = vem.vty(ty).lane_type();
        let wide = fb.ins().uextend(lane, s);
        let m = fb.ins().ineg(wide);
        return fb.ins().splat(vem.vty(ty), m);
    }
    fb.ins().splat(vem.vty(ty), s)
}

/// A vector of lane masks (a bool per lane) as the 0/1 bytes it is in
/// memory, lane after lane: one integer of `lanes` bytes to store. The
/// low byte of each lane, anded with 1, is gathered by one byte shuffle
/// (`pick_lanes` over byte lanes).
pub(super) fn mask_to_bytes(fb: &mut FunctionBuilder, em: &Emitter, v: CValue) -> CValue {
    let vty = fb.func.dfg.value_type(v);
    let (lanes, size) = (vty.lane_count() as usize, vty.lane_bits() as usize / 8);
    let ity = vty.as_int();
    let v = em.as_type(fb, v, ity);
    let one = fb.ins().iconst(ity.lane_type(), 1);
    let ones = fb.ins().splat(ity, one);
    let bits = fb.ins().band(v, ones);
    let packed = pick_lanes(fb, em, bits, bits, types::I8X16, &|l| if l < lanes { l * size } else { 0 });
    let as_int = match lanes {
        2 => types::I16X8,
        4 => types::I32X4,
        _ => unreachable!("vector kernels run 2 or 4 lanes"),
    };
    let packed = em.as_type(fb, packed, as_int);
    fb.ins().extractlane(packed, 0)
}

pub(super) fn element_addr(fb: &mut FunctionBuilder, base: CValue, index: CValue, size: i64) -> CValue {
    let off = fb.ins().imul_imm_s(index, size);
    fb.ins().iadd(base, off)
}

/// Stores `v` (a vector, or a scalar) at `addr` with consecutive lanes
/// `stride` bytes apart: one part of an interleaved complex output.
pub(super) fn store_strided(fb: &mut FunctionBuilder, v: CValue, addr: CValue, stride: CValue) {
    let ty = fb.func.dfg.value_type(v);
    if !ty.is_vector() {
        fb.ins().store(mem(), v, addr, 0);
        return;
    }
    for lane in 0..ty.lane_count() {
        let e = fb.ins().extractlane(v, lane as u8);
        let off = fb.ins().imul_imm_s(stride, lane as i64);
        let at = fb.ins().iadd(addr, off);
        fb.ins().store(mem(), e, at, 0);
    }
}

/// Stores output `o`'s value `v` at element `index` of its buffer, at the
/// output's element step.
pub(super) fn store_output(fb: &mut FunctionBuilder, k: &Kernel, o: usize, base: CValue, index: CValue, v: CValue) {
    let size = k.ty(k.outputs[o]).size() as i64;
    let step = k.output_step(o) as i64;
    let addr = element_addr(fb, base, index, size * step);
    if step == 1 {
        fb.ins().store(mem(), v, addr, 0);
    } else {
        let stride = fb.ins().iconst(types::I64, size * step);
        store_strided(fb, v, addr, stride);
    }
}

/// Loads `lanes` elements starting at flat index `i`. With `clamp` (the
/// tail), lane indices stop at that last valid index, so every address
/// stays inside the input.
pub(super) fn load_input(
    fb: &mut FunctionBuilder,
    em: &Emitter,
    plan: &InputPlan,
    dtype: lazyxp_runtime::DType,
    i: CValue,
    dims: &[CValue],
    clamp: Option<CValue>,
) -> CValue {
    let lanes = em.lanes as i64;
    let size = dtype.size() as i64;
    if let (InputPlan::Contiguous { base }, None) = (plan, clamp) {
        let addr = element_addr(fb, *base, i, size);
        return fb.ins().load(em.vty(dtype), mem(), addr, 0);
    }
    if let (InputPlan::Strided { base, strides }, None, true) = (plan, clamp, lanes > 1 && !dims.is_empty()) {
        return load_strided_step(fb, em, dims, i, &[StridedInput { base: *base, strides, dtype }])[0];
    }
    if let (InputPlan::Interleaved { base, part }, None, true) = (plan, clamp, lanes > 1) {
        return load_part(fb, em, *base, *part, dtype, i);
    }
    load_lanes(fb, em, dtype, |fb, lane| {
        let mut idx = fb.ins().iadd_imm_s(i, lane);
        if let Some(last) = clamp {
            idx = fb.ins().umin(idx, last);
        }
        match plan {
            InputPlan::Contiguous { base } => element_addr(fb, *base, idx, size),
            InputPlan::Interleaved { base, part } => {
                let e = fb.ins().imul_imm_s(idx, 2);
                let e = fb.ins().iadd_imm_s(e, *part);
                element_addr(fb, *base, e, size)
            }
            InputPlan::Strided { base, strides } => {
                let off = strided_offset(fb, idx, dims, strides);
                element_addr(fb, *base, off, size)
            }
            InputPlan::Invariant(_) => unreachable!("invariant inputs are not loaded in the loop"),
        }
    })
}

/// `load_input` from flat index `i + ahead`: a contiguous whole vector
/// takes `ahead` in its load's offset field (`movups 0x30(base,i,4)`),
/// where a computed index costs an instruction per load.
#[allow(clippy::too_many_arguments)]
pub(super) fn load_input_ahead(
    fb: &mut FunctionBuilder,
    em: &Emitter,
    plan: &InputPlan,
    dtype: lazyxp_runtime::DType,
    i: CValue,
    ahead: i64,
    dims: &[CValue],
    clamp: Option<CValue>,
) -> CValue {
    if let (InputPlan::Contiguous { base }, None) = (plan, clamp) {
        let size = dtype.size() as i64;
        let addr = element_addr(fb, *base, i, size);
        return fb.ins().load(em.vty(dtype), mem(), addr, (ahead * size) as i32);
    }
    let i = fb.ins().iadd_imm_s(i, ahead);
    load_input(fb, em, plan, dtype, i, dims, clamp)
}

/// A full vector of one part of interleaved pairs from element `i` on:
/// the two vectors of pairs it spans, loaded whole, and the part's lanes
/// picked out by one byte shuffle (`shufps`/`unpck` on x86).
fn load_part(fb: &mut FunctionBuilder, em: &Emitter, base: CValue, part: i64, dtype: lazyxp_runtime::DType, i: CValue) -> CValue {
    let (lanes, size) = (em.lanes as i64, dtype.size() as i64);
    let vty = em.vty(dtype);
    let addr = element_addr(fb, base, i, 2 * size);
    let lo = fb.ins().load(vty, mem(), addr, 0);
    let hi = fb.ins().load(vty, mem(), addr, (lanes * size) as i32);
    // Lane l of the result is element 2l + part of lo:hi.
    pick_lanes(fb, em, lo, hi, vty, &|l| 2 * l + part as usize)
}

/// The vector of type `vty` (128 bits) whose lane `l` is lane `pick(l)` of
/// `a:b` (the two vectors side by side, `b`'s lanes numbered after `a`'s):
/// one byte shuffle.
pub(super) fn pick_lanes(fb: &mut FunctionBuilder, em: &Emitter, a: CValue, b: CValue, vty: cranelift_codegen::ir::Type, pick: &dyn Fn(usize) -> usize) -> CValue {
    let size = vty.lane_bits() as usize / 8;
    let bytes = types::I8X16;
    let (a, b) = (em.as_type(fb, a, bytes), em.as_type(fb, b, bytes));
    let mut mask = [0u8; 16];
    for l in 0..vty.lane_count() as usize {
        for byte in 0..size {
            mask[l * size + byte] = (pick(l) * size + byte) as u8;
        }
    }
    let mask = fb.func.dfg.immediates.push(cranelift_codegen::ir::ConstantData::from(&mask[..]));
    let picked = fb.ins().shuffle(a, b, mask);
    em.as_type(fb, picked, vty)
}

/// `em.lanes` elements of `dtype`, lane `l` loaded from `addr(fb, l)`, as
/// one vector (or the element itself on the scalar path): every gather of
/// the loop skeletons ends this way.
pub(super) fn load_lanes(fb: &mut FunctionBuilder, em: &Emitter, dtype: lazyxp_runtime::DType, mut addr: impl FnMut(&mut FunctionBuilder, i64) -> CValue) -> CValue {
    let et = scalar_type(dtype);
    let mut vec: Option<CValue> = None;
    for lane in 0..em.lanes as i64 {
        let a = addr(fb, lane);
        let e = fb.ins().load(et, mem(), a, 0);
        vec = Some(match vec {
            None if em.lanes == 1 => e,
            None => fb.ins().splat(em.vty(dtype), e),
            Some(v) => fb.ins().insertlane(v, e, lane as u8),
        });
    }
    vec.expect("at least one lane")
}

/// A strided input as `load_strided_step` reads it.
#[derive(Clone, Copy)]
pub(super) struct StridedInput<'a> {
    pub base: CValue,
    pub strides: &'a [CValue],
    pub dtype: lazyxp_runtime::DType,
}

/// Full vectors of the strided inputs `wanted` at flat index `i`, one
/// unravel serving them all (a division is not shared by Cranelift, which
/// keeps every instruction that could trap; per input, `[N, 3] + [3]` took
/// ten a step). Where the lanes stay within one row of the innermost
/// dimension, the common case, each input's lanes are `first + lane *
/// step`. A step across rows finds each lane's row and column from the
/// step's: with rows at least `lanes - 1` long a lane wraps at most once,
/// a compare; shorter rows divide per lane.
pub(super) fn load_strided_step(fb: &mut FunctionBuilder, em: &Emitter, dims: &[CValue], i: CValue, wanted: &[StridedInput]) -> Vec<CValue> {
    let lanes = em.lanes as i64;
    let last = dims.len() - 1;
    let width = dims[last];
    let row = fb.ins().udiv(i, width);
    let row_start = fb.ins().imul(row, width);
    let col = fb.ins().isub(i, row_start);
    let col_end = fb.ins().iadd_imm_s(col, lanes);
    let in_row = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, col_end, width);
    let (one_row, crossing, done) = (fb.create_block(), fb.create_block(), fb.create_block());
    let results: Vec<CValue> = wanted.iter().map(|w| fb.append_block_param(done, em.vty(w.dtype))).collect();
    fb.ins().brif(in_row, one_row, &[], crossing, &[]);

    fb.switch_to_block(one_row);
    let row_at = unravel(fb, row, &dims[..last]);
    let vs: Vec<CValue> = wanted
        .iter()
        .map(|&StridedInput { base, strides, dtype }| {
            let along = fb.ins().imul(col, strides[last]);
            let above = offset_at(fb, &row_at, &strides[..last]);
            let first = fb.ins().iadd(above, along);
            load_row_vectors(fb, em, base, strides[last], dtype, first, 1)[0]
        })
        .collect();
    fb.ins().jump(done, &args_of(&vs));

    // crossing: (row, column) of every lane, then the gathers.
    fb.switch_to_block(crossing);
    let (by_compare, by_division, placed) = (fb.create_block(), fb.create_block(), fb.create_block());
    let long_enough = fb.ins().icmp_imm_s(IntCC::UnsignedGreaterThanOrEqual, width, lanes - 1);
    fb.ins().brif(long_enough, by_compare, &[], by_division, &[]);
    fb.switch_to_block(by_compare);
    let mut at = Vec::with_capacity(2 * lanes as usize);
    for lane in 0..lanes {
        let c = fb.ins().iadd_imm_s(col, lane);
        let wraps = fb.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, c, width);
        let next_row = fb.ins().iadd_imm_s(row, 1);
        let wrapped = fb.ins().isub(c, width);
        at.push(fb.ins().select(wraps, next_row, row));
        at.push(fb.ins().select(wraps, wrapped, c));
    }
    fb.ins().jump(placed, &args_of(&at));
    fb.switch_to_block(by_division);
    let mut at = Vec::with_capacity(2 * lanes as usize);
    for lane in 0..lanes {
        let idx = fb.ins().iadd_imm_s(i, lane);
        let r = fb.ins().udiv(idx, width);
        let r_start = fb.ins().imul(r, width);
        at.push(r);
        at.push(fb.ins().isub(idx, r_start));
    }
    fb.ins().jump(placed, &args_of(&at));
    let at: Vec<CValue> = (0..2 * lanes).map(|_| fb.append_block_param(placed, types::I64)).collect();
    fb.switch_to_block(placed);
    let rows_at: Vec<Vec<CValue>> = (0..lanes as usize).map(|lane| unravel(fb, at[2 * lane], &dims[..last])).collect();
    let vs: Vec<CValue> = wanted
        .iter()
        .map(|&StridedInput { base, strides, dtype }| {
            load_lanes(fb, em, dtype, |fb, lane| {
                let c = at[2 * lane as usize + 1];
                let above = offset_at(fb, &rows_at[lane as usize], &strides[..last]);
                let along = fb.ins().imul(c, strides[last]);
                let off = fb.ins().iadd(above, along);
                element_addr(fb, base, off, dtype.size() as i64)
            })
        })
        .collect();
    fb.ins().jump(done, &args_of(&vs));

    fb.switch_to_block(done);
    results
}

/// `count` full vectors of a strided input, one after the other, whose
/// lanes all lie in one row of the innermost dimension, from element
/// offset `first`, `step` elements apart. The step is the same for the
/// whole launch, so one test picks the form for all of them: rows read
/// forwards (a slice of whole rows) or backwards (`x[:, ::-1]`) are a
/// vector load each, reversed by a shuffle for the latter; a row broadcast
/// along the last dimension (`x[:, None]`, step 0) is one element
/// splatted; other steps gather lane by lane.
pub(super) fn load_row_vectors(fb: &mut FunctionBuilder, em: &Emitter, base: CValue, step: CValue, dtype: lazyxp_runtime::DType, first: CValue, count: usize) -> Vec<CValue> {
    let lanes = em.lanes as i64;
    let size = dtype.size() as i64;
    let vty = em.vty(dtype);
    let done = fb.create_block();
    let results: Vec<CValue> = (0..count).map(|_| fb.append_block_param(done, vty)).collect();
    let (forwards, not_forwards, backwards, not_backwards, same, gather) =
        (fb.create_block(), fb.create_block(), fb.create_block(), fb.create_block(), fb.create_block(), fb.create_block());
    let unit = fb.ins().icmp_imm_s(IntCC::Equal, step, 1);
    fb.ins().brif(unit, forwards, &[], not_forwards, &[]);
    fb.switch_to_block(not_forwards);
    let back = fb.ins().icmp_imm_s(IntCC::Equal, step, -1);
    fb.ins().brif(back, backwards, &[], not_backwards, &[]);
    fb.switch_to_block(not_backwards);
    let zero = fb.ins().icmp_imm_s(IntCC::Equal, step, 0);
    fb.ins().brif(zero, same, &[], gather, &[]);

    fb.switch_to_block(forwards);
    let addr = element_addr(fb, base, first, size);
    let vs: Vec<CValue> = (0..count as i64).map(|c| fb.ins().load(vty, mem(), addr, (c * lanes * size) as i32)).collect();
    fb.ins().jump(done, &args_of(&vs));

    // Vector c holds elements first - c * lanes - lanes + 1 ..= first - c * lanes.
    fb.switch_to_block(backwards);
    let lowest = fb.ins().iadd_imm_s(first, 1 - lanes);
    let addr = element_addr(fb, base, lowest, size);
    let vs: Vec<CValue> = (0..count as i64)
        .map(|c| {
            let v = fb.ins().load(vty, mem(), addr, (-c * lanes * size) as i32);
            pick_lanes(fb, em, v, v, vty, &|l| lanes as usize - 1 - l)
        })
        .collect();
    fb.ins().jump(done, &args_of(&vs));

    fb.switch_to_block(same);
    let addr = element_addr(fb, base, first, size);
    let e = fb.ins().load(scalar_type(dtype), mem(), addr, 0);
    let v = fb.ins().splat(vty, e);
    fb.ins().jump(done, &args_of(&vec![v; count]));

    fb.switch_to_block(gather);
    let step_bytes = fb.ins().imul_imm_s(step, size);
    let mut addr = element_addr(fb, base, first, size);
    let vs: Vec<CValue> = (0..count)
        .map(|_| {
            load_lanes(fb, em, dtype, |fb, _| {
                let here = addr;
                addr = fb.ins().iadd(addr, step_bytes);
                here
            })
        })
        .collect();
    fb.ins().jump(done, &args_of(&vs));

    fb.switch_to_block(done);
    results
}

/// Element offset of flat index `idx`: unravel over `dims` (row-major) and
/// dot with `strides`. One division per dimension past the first: the
/// coordinate is what the quotient leaves (a separate `urem` would be a
/// second divide instruction).
pub(super) fn strided_offset(fb: &mut FunctionBuilder, idx: CValue, dims: &[CValue], strides: &[CValue]) -> CValue {
    let at = unravel(fb, idx, dims);
    offset_at(fb, &at, strides)
}

/// The row-major coordinates of flat index `idx` over `dims`: one division
/// per dimension past the first. Inputs read at the same index share them
/// (Cranelift keeps every division, as one that may trap).
pub(super) fn unravel(fb: &mut FunctionBuilder, idx: CValue, dims: &[CValue]) -> Vec<CValue> {
    let mut at = vec![idx; dims.len()];
    let mut rest = idx;
    for d in (1..dims.len()).rev() {
        let q = fb.ins().udiv(rest, dims[d]);
        let whole = fb.ins().imul(q, dims[d]);
        at[d] = fb.ins().isub(rest, whole);
        rest = q;
    }
    if let Some(first) = at.first_mut() {
        *first = rest;
    }
    at
}

/// The element offset of coordinates `at` under `strides`.
pub(super) fn offset_at(fb: &mut FunctionBuilder, at: &[CValue], strides: &[CValue]) -> CValue {
    let mut off = fb.ins().iconst(types::I64, 0);
    for (&c, &s) in at.iter().zip(strides).rev() {
        let term = fb.ins().imul(c, s);
        off = fb.ins().iadd(off, term);
    }
    off
}
