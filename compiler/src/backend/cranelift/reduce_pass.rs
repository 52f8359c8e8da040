//! One pass of a reduction kernel over one row: the inner (reduced) index
//! space in blocks, following exactly the accumulation order of
//! `kernel_ir::reduce` (the interpreter spells the same order out element
//! by element).
//!
//! Per block, `8 / lanes` vector accumulators rotate through the steps, so
//! element `r` always lands in lane `r % 8`; whole groups of eight run
//! unrolled without masks, and what is left of a block runs in masked
//! steps (lanes past the block's end fold in the identity), which keeps one
//! copy of the kernel body for partial steps. At the block's end the eight
//! lanes combine pairwise in scalar code and join the running total.

use super::emit::{Cold, Emitter};
use super::reduce_loop::{emit_inner_body, Row};
use super::skeleton::{any_lane, args_of, pick_lanes};
use super::types::scalar_type;
use crate::kernel_ir::{Kernel, Op, ReduceOp, Value, REDUCE_BLOCK, REDUCE_LANES};
use cranelift_codegen::ir::{
    condcodes::{FloatCC, IntCC},
    types, BlockArg, InstBuilder, Type, Value as CValue,
};
use cranelift_frontend::FunctionBuilder;
use lazyxp_runtime::{DType, Scalar};

/// One `reduce` instruction's place in the loop state.
pub(super) struct Red {
    pub inst: usize,
    op: ReduceOp,
    ty: DType,
    /// Float sums of f64 values keep a Neumaier compensation term.
    compensated: bool,
    /// The running total's type: f64 when the op widens, else the value type.
    total_ty: Type,
}

impl Red {
    pub fn of(k: &Kernel, inst: usize) -> Option<Red> {
        let Op::Reduce(op, _) = k.insts[inst].op else { return None };
        let ty = k.insts[inst].ty;
        Some(Red {
            inst,
            op,
            ty,
            compensated: op == ReduceOp::Add && ty == DType::Float64,
            total_ty: if op.widens(ty) { types::F64 } else { scalar_type(ty) },
        })
    }

    pub fn operand(&self, k: &Kernel) -> Value {
        let Op::Reduce(_, a) = k.insts[self.inst].op else { unreachable!("a Red is a reduce instruction") };
        a
    }

    /// Float min/max split their exact fold (NaN from either side, -0 < +0:
    /// a dozen instructions on the accumulator's dependency chain) into two
    /// running values per accumulator: the extreme, and the elements up
    /// to the first NaN (which then sticks). The extreme is `minps(v, m) |
    /// minps(m, v)` (`maxps` and `&` for max): the two orders agree except
    /// on equal zeros, where each returns a different operand and the
    /// bitwise or (and) picks -0 (+0), the preferred zero. Past a NaN
    /// element the extreme is garbage, but the first NaN decides the
    /// result then. `lane_values` turns them back into exactly what the
    /// element-by-element fold gives.
    pub(super) fn split(&self) -> bool {
        self.ty.is_float() && matches!(self.op, ReduceOp::Min | ReduceOp::Max)
    }

    /// Whether folding in any order gives the canonical order's bits:
    /// integer and bool reductions (wrapping arithmetic, exact min/max and
    /// bit operations), and float min/max over values without a NaN
    /// (which NaN comes out depends on the order; `order_free_doubt`).
    pub(super) fn order_free(&self) -> bool {
        self.ty.is_int() || self.ty.is_bool() || self.split()
    }

    /// Two partial results of an order-free reduction combined, as one
    /// vector each. Float min/max join the two orders' results with `or`
    /// whatever the op: a NaN in either survives, so once in, a NaN
    /// sticks; for max, a -0 may then stand where a +0 belongs.
    pub(super) fn combine_order_free(&self, fb: &mut FunctionBuilder, em: &Emitter, a: CValue, b: CValue) -> CValue {
        if self.split() { self.extreme_joined(fb, em, a, b, false) } else { em.binary(fb, self.op.binary(), self.ty, a, b) }
    }

    /// Lanes of an order-free accumulator that the canonical order must
    /// decide (a compare's mask, scalar or vector): a NaN, and for max a
    /// -0 (`combine_order_free`). None for integer and bool reductions.
    pub(super) fn order_free_doubt(&self, fb: &mut FunctionBuilder, em: &Emitter, acc: CValue) -> Option<CValue> {
        if !self.split() {
            return None;
        }
        let nan = fb.ins().fcmp(FloatCC::Unordered, acc, acc);
        if self.op == ReduceOp::Min {
            return Some(nan);
        }
        let int = if self.ty.size() == 4 { DType::Int32 } else { DType::Int64 };
        let bits = em.as_type(fb, acc, fb.func.dfg.value_type(acc).as_int());
        let minus_zero = em.constant(fb, Scalar::from_bits(int, 1 << (8 * self.ty.size() - 1)));
        let is_minus_zero = fb.ins().icmp(IntCC::Equal, bits, minus_zero);
        Some(fb.ins().bor(nan, is_minus_zero))
    }

    /// Each lane's value (scalar form) of an order-free accumulator that
    /// has no doubtful lane.
    pub(super) fn order_free_lane_values(&self, fb: &mut FunctionBuilder, em: &Emitter, acc: CValue) -> Vec<CValue> {
        // A NaN-free extreme is its own first-NaN half of the split state.
        let state = [acc, acc];
        self.lane_values(fb, em, &state[..self.width()])
    }

    /// Values per accumulator.
    pub(super) fn width(&self) -> usize {
        if self.split() { 2 } else { 1 }
    }

    /// Whether the column path can hand this reduction's results on as
    /// one vector of `vem.lanes` outputs (`only_block_value`): one
    /// accumulator of whole lanes, and not a bool mask (stored as bytes).
    pub(super) fn fills_lanes(&self, vem: &Emitter) -> bool {
        let t = vem.vty(self.ty);
        self.width() == 1 && !self.ty.is_bool() && vem.lanes > 1 && t.bits() == 128 && t.lane_count() == vem.lanes
    }

    /// Values of the running total: total and compensation, or the total.
    pub(super) fn total_width(&self) -> usize {
        if self.compensated { 2 } else { 1 }
    }

    /// The types of `initial_totals`' values.
    pub(super) fn total_types(&self) -> Vec<Type> {
        if self.compensated { vec![self.total_ty, types::F64] } else { vec![self.total_ty] }
    }

    pub(super) fn state_types(&self, em: &Emitter) -> Vec<Type> {
        let t = em.vty(self.ty);
        if self.split() { vec![t, t] } else { vec![t] }
    }

    pub(super) fn initial_state(&self, fb: &mut FunctionBuilder, em: &Emitter) -> Vec<CValue> {
        let id = em.constant(fb, self.op.identity(self.ty));
        if self.split() { vec![id, id] } else { vec![id] }
    }

    /// Folds `v` into one accumulator's state.
    pub(super) fn fold_in(&self, fb: &mut FunctionBuilder, em: &Emitter, state: &[CValue], v: CValue) -> Vec<CValue> {
        self.fold_in_all(fb, em, state, &[v])
    }

    /// Folds `vs`, in order, into one accumulator's state. A split
    /// min/max combines the values' extremes first, off the accumulator's
    /// dependency chain (exact in any order), so the chain has one step
    /// per call instead of one per value.
    pub(super) fn fold_in_all(&self, fb: &mut FunctionBuilder, em: &Emitter, state: &[CValue], vs: &[CValue]) -> Vec<CValue> {
        if !self.split() {
            return vec![vs.iter().fold(state[0], |acc, &v| em.binary(fb, self.op.binary(), self.ty, acc, v))];
        }
        // The first NaN among `vs`, else the last of them, then the first
        // NaN so far, else that: one step on `first`'s chain per call.
        let last = *vs.last().expect("values to fold");
        let w = vs.iter().rev().skip(1).fold(last, |w, &v| {
            let nan = fb.ins().fcmp(FloatCC::Unordered, v, v);
            em.select_lanes(fb, nan, v, w)
        });
        let first = state[1];
        let nan = fb.ins().fcmp(FloatCC::Unordered, first, first);
        let first = em.select_lanes(fb, nan, first, w);
        let values = vs[1..].iter().fold(vs[0], |e, &v| self.extreme(fb, em, e, v));
        vec![self.extreme(fb, em, state[0], values), first]
    }

    /// `fold_in_all` for values without a NaN (the caller tests them and
    /// folds again with `fold_in_all` where one is): the extreme alone.
    /// The first-NaN half may stay as it is: a value that is not NaN
    /// stands for any other, and a NaN sticks.
    pub(super) fn fold_in_all_nan_free(&self, fb: &mut FunctionBuilder, em: &Emitter, state: &[CValue], vs: &[CValue]) -> Vec<CValue> {
        let values = vs[1..].iter().fold(vs[0], |e, &v| self.extreme(fb, em, e, v));
        vec![self.extreme(fb, em, state[0], values), state[1]]
    }

    /// The min (max) of `m` and `v` with -0 < +0, three x86 instructions: `a <
    /// b ? a : b` is minps(a, b) and `b < a ? a : b` is maxps(a, b); a NaN
    /// operand gives garbage.
    fn extreme(&self, fb: &mut FunctionBuilder, em: &Emitter, m: CValue, v: CValue) -> CValue {
        self.extreme_joined(fb, em, m, v, self.op == ReduceOp::Max)
    }

    /// `extreme` with the two orders' results joined by `and` (`with_and`)
    /// or by `or`.
    fn extreme_joined(&self, fb: &mut FunctionBuilder, em: &Emitter, m: CValue, v: CValue, with_and: bool) -> CValue {
        let t = fb.func.dfg.value_type(m);
        let v_lt_m = fb.ins().fcmp(FloatCC::LessThan, v, m);
        let m_lt_v = fb.ins().fcmp(FloatCC::LessThan, m, v);
        let it = t.as_int();
        let (a, b) = if self.op == ReduceOp::Max {
            (em.select_lanes(fb, m_lt_v, v, m), em.select_lanes(fb, v_lt_m, m, v))
        } else {
            (em.select_lanes(fb, v_lt_m, v, m), em.select_lanes(fb, m_lt_v, m, v))
        };
        let (a, b) = (em.as_type(fb, a, it), em.as_type(fb, b, it));
        let both = if with_and { fb.ins().band(a, b) } else { fb.ins().bor(a, b) };
        em.as_type(fb, both, t)
    }

    /// Each lane's exact value (scalar form) from an accumulator's state.
    pub(super) fn lane_values(&self, fb: &mut FunctionBuilder, em: &Emitter, state: &[CValue]) -> Vec<CValue> {
        let lanes = em.lanes as usize;
        let lane = |fb: &mut FunctionBuilder, v: CValue, l: usize| if lanes > 1 { fb.ins().extractlane(v, l as u8) } else { v };
        (0..lanes)
            .map(|l| {
                let e = lane(fb, state[0], l);
                if !self.split() {
                    return scalar_of(fb, self.ty, e, lanes > 1);
                }
                let first = lane(fb, state[1], l);
                // The first NaN, quieted as the exact fold's `acc + v` does.
                let nan = fb.ins().fcmp(FloatCC::Unordered, first, first);
                let quiet = fb.ins().fadd(first, first);
                fb.ins().select(nan, quiet, e)
            })
            .collect()
    }

    /// The pairwise combination of `pairwise_lanes` done on whole vectors:
    /// each level adds (or multiplies, ...) the even lanes to the odd ones,
    /// which pairs exactly the same values in the same operand order as the
    /// scalar tree, in a third of the instructions. `accs` are the block's
    /// accumulators, eight lanes in all. None where the scalar tree is
    /// needed: split min/max state, bool masks, vectors narrower than 128
    /// bits (an f32 reduction in a kernel of f64 lanes) or of other widths.
    fn vector_tree(&self, fb: &mut FunctionBuilder, vem: &Emitter, accs: &[CValue]) -> Option<CValue> {
        let lanes = vem.lanes as usize;
        let size = self.ty.size();
        if self.split() || self.ty.is_bool() || !matches!(lanes, 2 | 4) || lanes * size != 16 || accs.len() * lanes != REDUCE_LANES {
            return None;
        }
        let vty = vem.vty(self.ty);
        let op = self.op.binary();
        // `live` lanes of `level` hold the current partial results in order.
        let mut level: Vec<CValue> = accs.to_vec();
        let mut live = REDUCE_LANES;
        while live > 1 {
            // Consecutive vectors pair up; a last lone vector pairs with
            // itself (its upper half of the result is then unused).
            let mut next = Vec::with_capacity(level.len().div_ceil(2));
            for pair in level.chunks(2) {
                let (a, b) = (pair[0], *pair.get(1).unwrap_or(&pair[0]));
                let per = if pair.len() == 2 { lanes } else { live.min(lanes) / 2 };
                let evens = pick_lanes(fb, vem, a, b, vty, &|l| if l < per { 2 * l } else { 0 });
                let odds = pick_lanes(fb, vem, a, b, vty, &|l| if l < per { 2 * l + 1 } else { 1 });
                next.push(vem.binary(fb, op, self.ty, evens, odds));
            }
            level = next;
            live /= 2;
        }
        Some(fb.ins().extractlane(level[0], 0))
    }
}

/// Flattened accumulator state: slot `u` of reduction `ri` starts at
/// `offsets[ri] + u * reds[ri].width()`.
fn state_offsets(reds: &[Red], unroll: usize) -> Vec<usize> {
    let mut offsets = Vec::with_capacity(reds.len());
    let mut at = 0;
    for r in reds {
        offsets.push(at);
        at += unroll * r.width();
    }
    offsets
}

/// Folds `reds` over the row. `needed` marks the inner instructions their
/// operands need, `outer_vals` the vector forms of the outer values known
/// so far. Starts from the current block and leaves the builder in a new
/// one, returning each reduction's final scalar value.
///
/// `stash` (value, output base): values written at their element of that
/// output in every whole vector step, for the storing walk to read back.
pub(super) fn emit_pass(fb: &mut FunctionBuilder, row: &Row, reds: &[Red], needed: &[bool], outer_vals: &[Option<CValue>], stash: &[(Value, CValue)]) -> Vec<CValue> {
    let (vem, sem) = (row.vem, row.sem);
    let k: &Kernel = vem.kernel;
    let lanes = vem.lanes as i64;
    let unroll = REDUCE_LANES as i64 / lanes;
    let inner_inputs = row.inputs_used(needed);

    let block_head = fb.create_block();
    let block_start = fb.create_block();
    let group = fb.create_block();
    let group_body = fb.create_block();
    let group_exit = fb.create_block();
    let step = fb.create_block();
    let body_full = fb.create_block();
    let body_partial = fb.create_block();
    let compute = fb.create_block();
    let fold = fb.create_block();
    let done = fb.create_block();

    let init_totals: Vec<CValue> = reds.iter().flat_map(|r| initial_totals(fb, r)).collect();
    let zero = fb.ins().iconst(types::I64, 0);
    let mut a = vec![BlockArg::Value(zero)];
    a.extend(args_of(&init_totals));
    fb.ins().jump(block_head, &a);

    // block_head(r, totals...)
    let r0 = fb.append_block_param(block_head, types::I64);
    let totals: Vec<CValue> = reds
        .iter()
        .flat_map(|r| if r.compensated { vec![r.total_ty, types::F64] } else { vec![r.total_ty] })
        .map(|t| fb.append_block_param(block_head, t))
        .collect();
    fb.switch_to_block(block_head);
    let in_range = fb.ins().icmp(IntCC::UnsignedLessThan, r0, row.inner_len);
    fb.ins().brif(in_range, block_start, &[], done, &args_of(&totals));

    // block_start: the block's end and fresh accumulators.
    fb.switch_to_block(block_start);
    let blk_end = {
        let e = fb.ins().iadd_imm_s(r0, REDUCE_BLOCK as i64);
        fb.ins().umin(e, row.inner_len)
    };
    let mut idents = Vec::new();
    for r in reds {
        let init = r.initial_state(fb, vem);
        for _ in 0..unroll {
            idents.extend_from_slice(&init);
        }
    }
    let offsets = state_offsets(reds, unroll as usize);
    let state_types: Vec<Type> = reds.iter().flat_map(|r| std::iter::repeat_n(r.state_types(vem), unroll as usize).flatten()).collect();
    let flat0 = fb.ins().iadd(row.row_base, r0);
    let mut a = vec![BlockArg::Value(r0), BlockArg::Value(flat0)];
    a.extend(args_of(&idents));
    fb.ins().jump(group, &a);

    // group(r, accs...): whole groups of eight elements, unrolled over the
    // accumulators with plain loads and no masks -- the hot loop, two
    // groups per trip while two fit: fewer loop instructions per load keep
    // more loads in flight, which is what streaming from L3 is limited by.
    // (Four groups of 8-byte elements spilled: 16 loads, the accumulators
    // and the carried totals are more than 16 vector registers.) Single
    // groups follow; what is left of the block (fewer than eight) goes to
    // the masked steps.
    let gr = fb.append_block_param(group, types::I64);
    // The flat index `row_base + r` rides along as a second counter: left
    // to Cranelift, the row base's multiply was recomputed on every trip.
    let flat = fb.append_block_param(group, types::I64);
    let group_accs: Vec<CValue> = state_types.iter().map(|&t| fb.append_block_param(group, t)).collect();
    fb.switch_to_block(group);
    let trip_groups: i64 = 2;
    let trip_end = fb.ins().iadd_imm_s(gr, trip_groups * REDUCE_LANES as i64);
    let trip_fits = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, trip_end, blk_end);
    let group_trip = fb.create_block();
    let group_one = fb.create_block();
    fb.ins().brif(trip_fits, group_trip, &[], group_one, &[]);
    fb.switch_to_block(group_one);
    let group_end = fb.ins().iadd_imm_s(gr, REDUCE_LANES as i64);
    let whole = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, group_end, blk_end);
    fb.ins().brif(whole, group_body, &[], group_exit, &[]);
    // Leaving the hot loop in its own block keeps the tail's setup out of it.
    // A block that ends on a whole group (every block but a row's last, and
    // rows of a multiple of eight) goes straight to the fold, past the
    // masked steps' setup.
    fb.switch_to_block(group_exit);
    let rest = fb.ins().icmp(IntCC::UnsignedLessThan, gr, blk_end);
    let rest_block = fb.create_block();
    fb.ins().brif(rest, rest_block, &[], fold, &args_of(&group_accs));
    fb.switch_to_block(rest_block);
    let unroll_c = fb.ins().iconst(types::I64, unroll);
    let mut a = vec![BlockArg::Value(gr), BlockArg::Value(unroll_c)];
    a.extend(args_of(&group_accs));
    fb.ins().jump(step, &a);
    // One trip of `count` whole groups. `checked`: float min/max fold
    // their extremes only and cold regions are deferred, and the masks of
    // lanes where that falls short (a NaN, a cold region's condition) come
    // back for the caller to test once for the whole trip.
    let trip = |fb: &mut FunctionBuilder, count: i64, checked: bool| -> (Vec<BlockArg>, Vec<CValue>) {
        let mut next = group_accs.clone();
        let mut doubts = Vec::new();
        // reduced[ri][u]: reduction ri's operand for vector u of the trip.
        let mut reduced = vec![Vec::new(); reds.len()];
        for u in 0..unroll * count {
            let flat_u = fb.ins().iadd_imm_s(flat, u * lanes);
            let loaded = row.load_inner_at(fb, vem, &inner_inputs, gr, flat, u * lanes, None);
            let vals = emit_inner_body(fb, vem, row.plans, needed, outer_vals, &inner_inputs, &loaded);
            store_stash(fb, row, stash, &vals, flat_u);
            for (ri, r) in reds.iter().enumerate() {
                reduced[ri].push(vals[r.operand(k).0 as usize].unwrap());
            }
        }
        for (ri, r) in reds.iter().enumerate() {
            for slot in 0..unroll as usize {
                let at = offsets[ri] + slot * r.width();
                let vs: Vec<CValue> = reduced[ri].iter().skip(slot).step_by(unroll as usize).copied().collect();
                let folded = if checked && r.split() {
                    doubts.extend(vs.chunks(2).map(|p| fb.ins().fcmp(FloatCC::Unordered, p[0], p[p.len() - 1])));
                    r.fold_in_all_nan_free(fb, vem, &next[at..at + r.width()], &vs)
                } else {
                    r.fold_in_all(fb, vem, &next[at..at + r.width()], &vs)
                };
                next[at..at + r.width()].copy_from_slice(&folded);
            }
        }
        if checked {
            doubts.extend(vem.take_deferred());
        }
        let step = count * REDUCE_LANES as i64;
        let mut a = vec![BlockArg::Value(fb.ins().iadd_imm_s(gr, step)), BlockArg::Value(fb.ins().iadd_imm_s(flat, step))];
        a.extend(args_of(&next));
        (a, doubts)
    };
    // A checked trip first (cold regions deferred, min/max without their
    // first-NaN chain): one test for the trip, and only a trip where some
    // lane needs more runs again with every region computed and the whole
    // fold.
    let has_cold = k.insts.iter().enumerate().any(|(i, inst)| needed[i] && matches!(inst.op, Op::ColdBegin(..)));
    let check = has_cold || reds.iter().any(|r| r.split());
    let whole_groups = |fb: &mut FunctionBuilder, count: i64| {
        if !check {
            let (next, _) = trip(fb, count, false);
            return fb.ins().jump(group, &next);
        }
        let (next, doubts) = vem.with_cold(Cold::Defer, || trip(fb, count, true));
        let any = any_lane(fb, &doubts).expect("a checked trip has a doubt to test");
        let slow = fb.create_block();
        fb.set_cold_block(slow);
        fb.ins().brif(any, slow, &[], group, &next);
        fb.switch_to_block(slow);
        let (next, _) = vem.with_cold(Cold::Compute, || trip(fb, count, false));
        fb.ins().jump(group, &next)
    };
    fb.switch_to_block(group_trip);
    whole_groups(fb, trip_groups);
    fb.switch_to_block(group_body);
    whole_groups(fb, 1);

    // step(r, left, accs...)
    let sr = fb.append_block_param(step, types::I64);
    let left = fb.append_block_param(step, types::I64);
    let accs: Vec<CValue> = state_types.iter().map(|&t| fb.append_block_param(step, t)).collect();
    fb.switch_to_block(step);
    let finished = fb.ins().icmp_imm_s(IntCC::Equal, left, 0);
    fb.ins().brif(finished, fold, &args_of(&accs), body_full, &[]);

    // Loads: whole vectors when the step is inside the block, else lanes
    // clamped to the block's last element (masked below).
    fb.switch_to_block(body_full);
    let step_end = fb.ins().iadd_imm_s(sr, lanes);
    let full = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, step_end, blk_end);
    let body_full_loads = fb.create_block();
    fb.ins().brif(full, body_full_loads, &[], body_partial, &[]);
    fb.switch_to_block(body_full_loads);
    let mut loaded = row.load_inner(fb, vem, &inner_inputs, sr, None);
    loaded.push(row.all_lanes);
    loaded.push(fb.ins().iconst(types::I8, 1));
    fb.ins().jump(compute, &args_of(&loaded));
    fb.switch_to_block(body_partial);
    let last_r = fb.ins().iadd_imm_s(blk_end, -1);
    let mut loaded = row.load_inner(fb, vem, &inner_inputs, sr, Some(last_r));
    loaded.push(lane_mask(fb, vem, row.iota, sr, blk_end));
    loaded.push(fb.ins().iconst(types::I8, 0));
    fb.ins().jump(compute, &args_of(&loaded));

    // compute(inputs..., mask): the inner body once, then each reduction
    // folds its masked value into the first accumulator and rotates.
    let inner_params: Vec<CValue> = inner_inputs.iter().map(|&n| fb.append_block_param(compute, vem.vty(k.inputs[n].dtype))).collect();
    let mask = fb.append_block_param(compute, if lanes > 1 { vem.vty(DType::Bool) } else { types::I8 });
    let whole_step = fb.append_block_param(compute, types::I8);
    fb.switch_to_block(compute);
    let body_vals = emit_inner_body(fb, vem, row.plans, needed, outer_vals, &inner_inputs, &inner_params);
    if !stash.is_empty() {
        // Only whole vectors: a partial step ends the row, and its lanes
        // past the end belong to the next row or to nothing.
        let store = fb.create_block();
        let after = fb.create_block();
        fb.ins().brif(whole_step, store, &[], after, &[]);
        fb.switch_to_block(store);
        let at = fb.ins().iadd(row.row_base, sr);
        store_stash(fb, row, stash, &body_vals, at);
        fb.ins().jump(after, &[]);
        fb.switch_to_block(after);
    }
    let mut next_accs = Vec::new();
    for (ri, r) in reds.iter().enumerate() {
        let v = body_vals[r.operand(k).0 as usize].unwrap();
        let id = vem.constant(fb, r.op.identity(r.ty));
        let masked = vem.select_lanes(fb, mask, v, id);
        let (base, w) = (offsets[ri], r.width());
        let folded = r.fold_in(fb, vem, &accs[base..base + w], masked);
        next_accs.extend_from_slice(&accs[base + w..base + unroll as usize * w]);
        next_accs.extend_from_slice(&folded);
    }
    let nr = fb.ins().iadd_imm_s(sr, lanes);
    let nleft = fb.ins().iadd_imm_s(left, -1);
    let mut a = vec![BlockArg::Value(nr), BlockArg::Value(nleft)];
    a.extend(args_of(&next_accs));
    fb.ins().jump(step, &a);

    // fold(accs...): eight lanes pairwise, then into the running total.
    let acc_types: Vec<Type> = accs.iter().map(|&a| fb.func.dfg.value_type(a)).collect();
    let fold_accs: Vec<CValue> = acc_types.into_iter().map(|t| fb.append_block_param(fold, t)).collect();
    fb.switch_to_block(fold);
    let mut new_totals = Vec::new();
    let mut t = 0;
    for (ri, r) in reds.iter().enumerate() {
        let (at, w) = (offsets[ri], r.width());
        let block = match r.vector_tree(fb, vem, &fold_accs[at..at + unroll as usize * w]) {
            Some(block) => block,
            None => {
                let mut lane_vals = Vec::with_capacity(REDUCE_LANES);
                for u in 0..unroll as usize {
                    lane_vals.extend(r.lane_values(fb, vem, &fold_accs[at + u * w..at + (u + 1) * w]));
                }
                pairwise_lanes(fb, sem, r, &lane_vals)
            }
        };
        new_totals.extend(join_total(fb, sem, r, block, &totals[t..t + r.total_width()]));
        t += r.total_width();
    }
    let mut a = vec![BlockArg::Value(blk_end)];
    a.extend(args_of(&new_totals));
    fb.ins().jump(block_head, &a);

    // done(totals...): each reduction's final value.
    let total_types: Vec<Type> = totals.iter().map(|&v| fb.func.dfg.value_type(v)).collect();
    let done_totals: Vec<CValue> = total_types.into_iter().map(|t| fb.append_block_param(done, t)).collect();
    fb.switch_to_block(done);
    let empty = fb.ins().icmp_imm_s(IntCC::Equal, row.inner_len, 0);
    let mut t = 0;
    let mut results = Vec::with_capacity(reds.len());
    for r in reds {
        results.push(finish_total(fb, sem, r, &done_totals[t..t + r.total_width()], empty));
        t += r.total_width();
    }
    results
}

/// A reduction's running total before its first block (two values, total
/// and compensation, for compensated sums).
pub(super) fn initial_totals(fb: &mut FunctionBuilder, r: &Red) -> Vec<CValue> {
    let mut v = vec![total_identity(fb, r)];
    if r.compensated {
        v.push(fb.ins().f64const(0.0));
    }
    v
}

/// One block's end for one output: its eight canonical lane values
/// combined pairwise, then joined to the running total; returns the new
/// total.
pub(super) fn join_block(fb: &mut FunctionBuilder, sem: &Emitter, r: &Red, l: &[CValue], totals: &[CValue]) -> Vec<CValue> {
    let block = pairwise_lanes(fb, sem, r, l);
    join_total(fb, sem, r, block, totals)
}

/// The eight canonical lane values combined pairwise, `((l0 op l1) op (l2
/// op l3)) op ((l4 op l5) op (l6 op l7))`: scalars with the scalar
/// emitter, or vectors whose lanes are separate outputs (the column path).
pub(super) fn pairwise_lanes(fb: &mut FunctionBuilder, sem: &Emitter, r: &Red, l: &[CValue]) -> CValue {
    let f = |fb: &mut FunctionBuilder, a, b| sem.binary(fb, r.op.binary(), r.ty, a, b);
    let (p01, p23, p45, p67) = (f(fb, l[0], l[1]), f(fb, l[2], l[3]), f(fb, l[4], l[5]), f(fb, l[6], l[7]));
    let (q0, q1) = (f(fb, p01, p23), f(fb, p45, p67));
    f(fb, q0, q1)
}

/// A block's value joined to the running total; returns the new total.
pub(super) fn join_total(fb: &mut FunctionBuilder, sem: &Emitter, r: &Red, block: CValue, totals: &[CValue]) -> Vec<CValue> {
    let total = totals[0];
    if r.total_ty == types::F64 && r.ty == DType::Float32 {
        let b = fb.ins().fpromote(types::F64, block);
        vec![if r.op == ReduceOp::Add { fb.ins().fadd(total, b) } else { fb.ins().fmul(total, b) }]
    } else if r.compensated {
        let (nt, nc) = neumaier(fb, total, totals[1], block);
        vec![nt, nc]
    } else {
        vec![sem.binary(fb, r.op.binary(), r.ty, total, block)]
    }
}

/// The reduction's value from its final running total (`empty`: the
/// reduced extent is zero).
pub(super) fn finish_total(fb: &mut FunctionBuilder, sem: &Emitter, r: &Red, totals: &[CValue], empty: CValue) -> CValue {
    let mut v = if r.compensated {
        fb.ins().fadd(totals[0], totals[1])
    } else if r.total_ty == types::F64 && r.ty == DType::Float32 {
        fb.ins().fdemote(types::F32, totals[0])
    } else {
        totals[0]
    };
    if r.op == ReduceOp::Add {
        // The sum of nothing is +0 (the running total starts at -0).
        let zero = sem.zero(fb, r.ty);
        v = fb.ins().select(empty, zero, v);
    }
    v
}

/// `finish_total(join_total(initial_totals, block))` for a row of one
/// non-empty block, on a vector whose lanes are separate outputs (the
/// column path's short rows, `reduce_columns.rs`), in one instruction or
/// none instead of a widening, a join and a narrowing per lane:
/// * an f32 sum or product: the block itself. `-0.0 + b` and `1.0 * b` in
///   f64 are `b` exactly, and narrowing gives `b` back; a NaN here comes
///   out of arithmetic, so it is quiet already and keeps its bits.
/// * an f64 sum: `block + 0.0`. One Neumaier join from `(-0.0, 0.0)`
///   leaves the compensation at +0 whatever the block (`(x - x) + -0` is
///   +0; an infinite or NaN total keeps the initial one), and the finish
///   adds it: a block of -0.0 ends as +0.0, as in the scalar path.
/// * anything else: the join's own operation on the identity and the
///   block.
pub(super) fn only_block_value(fb: &mut FunctionBuilder, vem: &Emitter, r: &Red, block: CValue) -> CValue {
    if r.total_ty == types::F64 && r.ty == DType::Float32 {
        block
    } else if r.compensated {
        let zero = vem.zero(fb, r.ty);
        fb.ins().fadd(block, zero)
    } else {
        let identity = vem.constant(fb, r.op.identity(r.ty));
        vem.binary(fb, r.op.binary(), r.ty, identity, block)
    }
}

/// Writes each stashed value at flat element `at` (`row_base + r`) of its output.
fn store_stash(fb: &mut FunctionBuilder, row: &Row, stash: &[(Value, CValue)], vals: &[Option<CValue>], at: CValue) {
    if stash.is_empty() {
        return;
    }
    let k = row.vem.kernel;
    for &(v, base) in stash {
        let addr = super::skeleton::element_addr(fb, base, at, k.ty(v).size() as i64);
        fb.ins().store(super::skeleton::mem(), vals[v.0 as usize].expect("stashed values are computed"), addr, 0);
    }
}

/// Lanes `r + lane < blk_end` as a mask (vector path) or a bool (scalar).
fn lane_mask(fb: &mut FunctionBuilder, vem: &Emitter, iota: CValue, r: CValue, blk_end: CValue) -> CValue {
    if vem.lanes == 1 {
        return fb.ins().icmp(IntCC::UnsignedLessThan, r, blk_end);
    }
    let int_ty = vem.vty(DType::Bool);
    let lane_ty = int_ty.lane_type();
    // lane < blk_end - r for the valid lanes.
    let room = fb.ins().isub(blk_end, r);
    let room = if lane_ty == types::I64 { room } else { fb.ins().ireduce(lane_ty, room) };
    let room = fb.ins().splat(int_ty, room);
    fb.ins().icmp(IntCC::SignedLessThan, iota, room)
}

/// An extracted lane as the scalar form of `ty` (bool masks become 0/1).
fn scalar_of(fb: &mut FunctionBuilder, ty: DType, e: CValue, from_vector: bool) -> CValue {
    if ty.is_bool() && from_vector {
        return fb.ins().icmp_imm_s(IntCC::NotEqual, e, 0);
    }
    e
}

fn total_identity(fb: &mut FunctionBuilder, r: &Red) -> CValue {
    if r.total_ty == types::F64 && r.ty == DType::Float32 {
        return fb.ins().f64const(if r.op == ReduceOp::Add { -0.0 } else { 1.0 });
    }
    match r.op.identity(r.ty) {
        Scalar::F32(v) => fb.ins().f32const(v),
        Scalar::F64(v) => fb.ins().f64const(v),
        other => {
            let t = scalar_type(r.ty);
            let bits = other.to_bits() as u64 as i64;
            let masked = if t.bits() == 64 { bits } else { bits & ((1i64 << t.bits()) - 1) };
            fb.ins().iconst(t, masked)
        }
    }
}

/// One Neumaier step: `total + b` with the rounding error kept in `comp`
/// (only while the total is finite, so infinities do not turn into NaN).
fn neumaier(fb: &mut FunctionBuilder, total: CValue, comp: CValue, b: CValue) -> (CValue, CValue) {
    let t = fb.ins().fadd(total, b);
    let at = fb.ins().fabs(total);
    let ab = fb.ins().fabs(b);
    let big_total = fb.ins().fcmp(FloatCC::GreaterThanOrEqual, at, ab);
    let c1 = {
        let d = fb.ins().fsub(total, t);
        fb.ins().fadd(d, b)
    };
    let c2 = {
        let d = fb.ins().fsub(b, t);
        fb.ins().fadd(d, total)
    };
    let c = fb.ins().select(big_total, c1, c2);
    let nc = fb.ins().fadd(comp, c);
    let inf = fb.ins().f64const(f64::INFINITY);
    let at_new = fb.ins().fabs(t);
    let finite = fb.ins().fcmp(FloatCC::LessThan, at_new, inf);
    let nc = fb.ins().select(finite, nc, comp);
    (t, nc)
}
