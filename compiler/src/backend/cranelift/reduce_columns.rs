//! Reductions several outputs at once: the lanes of a vector are adjacent
//! outputs instead of one output's adjacent reduced elements.
//!
//! * Over a leading axis (`sum(x, axis=0)`, any reduction of a transposed
//!   view) the row loop walks one output's reduced elements a column apart
//!   in memory: every vector a gather, every element another cache line.
//!   Here each step is one vector load along a row of memory.
//!   An input broadcast along the outputs (`sum(x * w[:, None], axis=0)`)
//!   is one element per step, splatted.
//! * Over short rows (up to 64 elements: pairwise distances' coordinates,
//!   norms of 3-d points) the row loop spends more on each row's setup,
//!   fold and running total than on its elements. Here `lanes` outputs
//!   share that work: whole groups of eight load each output's row as
//!   vectors into accumulators of its own (the row loop's, side by side),
//!   which are transposed into the column form below for the last few
//!   elements and the block's end.
//!
//! The accumulation order of `kernel_ir::reduce` is kept output by
//! output: canonical lane `j = r % 8` is accumulator `j` (a vector whose
//! lane `l` belongs to output `o + l`), and at each block's end lane `l` of
//! the eight accumulators is combined pairwise and joined to output
//! `o + l`'s running total with the same code as the row loop. So both
//! loops, and the interpreter, give the same bits.

use super::column_order_free::{emit_order_free_block, pure_load, OrderFreeBlock};
use super::column_spilled::{emit_spilled_block, inputs_of_group, SpilledBlock};
use super::emit::Emitter;
use super::reduce_loop::emit_inner_body;
use super::reduce_pass::{finish_total, initial_totals, join_block, join_total, only_block_value, pairwise_lanes, Red};
use super::skeleton::{args_of, element_addr, emit_tail_loop, enter_loop, load_lanes, mem, pick_lanes, InputPlan};
use super::types::scalar_type;
use crate::kernel_ir::{REDUCE_BLOCK, REDUCE_LANES};
use cranelift_codegen::ir::{condcodes::IntCC, types, Block, BlockArg, BlockCall, InstBuilder, JumpTableData, MemFlagsData, Type, Value as CValue};
use cranelift_frontend::FunctionBuilder;

/// How a column input's elements for adjacent outputs lie in memory, which
/// decides how a step loads a vector of them. A compiled column variant
/// has one per column input, and a launch picks the variant its strides
/// need (`execute::column_steps`); the kernel checks them again.
///
/// `Unit` and `Same` are for reductions over a leading axis; `Row` and
/// `SharedRow` for short rows (every input's reduced elements side by
/// side), where whole groups of eight load each output's row as vectors
/// and transpose the accumulators once at the group loop's end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LaneStep {
    /// Side by side (stride 1 along the last outer dim): one vector load.
    Unit,
    /// The same element for every output (stride 0, a broadcast): one
    /// load, splatted.
    Same,
    /// Short rows, any stride between outputs: each output's row in
    /// vectors of its own.
    Row,
    /// Short rows, the same row for every output (stride 0 between them).
    SharedRow,
}

impl LaneStep {
    /// The step for an input over a leading axis whose stride along the
    /// last outer dim is `s`, where the column path can load it.
    pub fn across(s: isize) -> Option<LaneStep> {
        match s {
            1 => Some(LaneStep::Unit),
            0 => Some(LaneStep::Same),
            _ => None,
        }
    }

    /// The step for an input of short rows whose stride along the last
    /// outer dim is `s` (its reduced stride must be 1).
    pub fn along(s: isize) -> LaneStep {
        if s == 0 {
            LaneStep::SharedRow
        } else {
            LaneStep::Row
        }
    }

    /// Whether this is a short-row step (`Row`, `SharedRow`).
    pub fn is_row(self) -> bool {
        matches!(self, LaneStep::Row | LaneStep::SharedRow)
    }

    /// One letter per input, for variant names in dumps (`columns-us`).
    pub fn letter(self) -> char {
        match self {
            LaneStep::Unit => 'u',
            LaneStep::Same => 's',
            LaneStep::Row => 'r',
            LaneStep::SharedRow => 'h',
        }
    }
}

/// Whether the short-row form fits these reductions: every accumulator a
/// 128-bit vector of two or four lanes, so that the accumulators of
/// `lanes` outputs make square blocks to transpose.
pub(super) fn rows_fit(vem: &Emitter, reds: &[Red]) -> bool {
    matches!(vem.lanes, 2 | 4) && reds.iter().flat_map(|r| r.state_types(vem)).all(|t| t.bits() == 128 && t.lane_count() == vem.lanes)
}

/// An inner input read across the group's outputs: the element of output
/// `l` at reduced index `r` is `first + l * lane_stride + r * stride` (in
/// elements); `step` says which of these are 0 or 1.
pub(super) struct ColumnInput {
    pub input: usize,
    pub base: CValue,
    pub first: CValue,
    pub stride: CValue,
    pub lane_stride: CValue,
    pub step: LaneStep,
}

/// Vector `g` of a column group at reduced index `r`, per input (lane `l`
/// is output `g * lanes + l`'s element), loaded with `flags`.
pub(super) fn load_across(fb: &mut FunctionBuilder, vem: &Emitter, inputs: &[ColumnInput], r: CValue, g: usize, flags: MemFlagsData) -> Vec<CValue> {
    let k = vem.kernel;
    let lanes = vem.lanes as usize;
    inputs
        .iter()
        .map(|c| {
            let dtype = k.inputs[c.input].dtype;
            let step = fb.ins().imul(r, c.stride);
            let at = fb.ins().iadd(c.first, step);
            let addr = element_addr(fb, c.base, at, dtype.size() as i64);
            match c.step {
                LaneStep::Unit => fb.ins().load(vem.vty(dtype), flags, addr, (g * lanes * dtype.size()) as i32),
                LaneStep::Same | LaneStep::SharedRow => {
                    let e = fb.ins().load(scalar_type(dtype), flags, addr, 0);
                    if lanes == 1 { e } else { fb.ins().splat(vem.vty(dtype), e) }
                }
                // Only the tail: a short row's whole groups load
                // along the rows (`load_along`).
                LaneStep::Row => load_lanes(fb, vem, dtype, |fb, l| {
                    let lane = fb.ins().imul_imm_s(c.lane_stride, (g * lanes) as i64 + l);
                    let off = fb.ins().iadd(at, lane);
                    element_addr(fb, c.base, off, dtype.size() as i64)
                }),
            }
        })
        .collect()
}

/// Folds `reds` over `inner_len` reduced elements for `groups * vem.lanes`
/// adjacent outputs (`groups` vectors side by side: a whole cache line of
/// each row per step); returns, per reduction, its value for each output
/// (scalar), in output order, and with `lanes_out` (short rows, one group,
/// reductions that `fill_lanes`) also as vectors for rows of one block.
/// `needed` are the inner instructions the reductions' operands need and
/// `outer_vals` the vector forms of the values that are the same for all
/// outputs (constants and invariant inputs).
#[allow(clippy::too_many_arguments)]
pub(super) fn emit_columns(
    fb: &mut FunctionBuilder,
    vem: &Emitter,
    sem: &Emitter,
    plans: &[InputPlan],
    reds: &[Red],
    needed: &[bool],
    outer_vals: &[Option<CValue>],
    inputs: &[ColumnInput],
    inner_len: CValue,
    groups: usize,
    lanes_out: bool,
) -> ColumnResults {
    let k = vem.kernel;
    let lanes = vem.lanes as usize;
    let order: Vec<usize> = inputs.iter().map(|c| c.input).collect();
    let load = |fb: &mut FunctionBuilder, r: CValue, g: usize| load_across(fb, vem, inputs, r, g, mem());
    // Short rows: elements `r .. r + lanes` of output `l`'s row (reduced
    // stride 1, checked by the layout), per input; a shared row is loaded
    // once for all outputs.
    let load_along = |fb: &mut FunctionBuilder, r: CValue, l: usize, shared: &mut Vec<Option<CValue>>| -> Vec<CValue> {
        inputs
            .iter()
            .zip(shared.iter_mut())
            .map(|(c, kept)| {
                if let Some(v) = *kept {
                    return v;
                }
                let dtype = k.inputs[c.input].dtype;
                let mut at = fb.ins().iadd(c.first, r);
                if c.step == LaneStep::Row {
                    let lane = fb.ins().imul_imm_s(c.lane_stride, l as i64);
                    at = fb.ins().iadd(at, lane);
                }
                let addr = element_addr(fb, c.base, at, dtype.size() as i64);
                // Pure (see `pure_load`; the group loop stores nothing and
                // every address moves with `r`): loaded next to their use,
                // not all of a trip's first, where ten rows spilled.
                let v = fb.ins().load(vem.vty(dtype), pure_load(), addr, 0);
                if c.step == LaneStep::SharedRow {
                    *kept = Some(v);
                }
                v
            })
            .collect()
    };
    let along = inputs.iter().any(|c| c.step.is_row());
    // Per reduction: (offset of its accumulators in the flat state, width);
    // accumulator (u, g) of reduction ri starts at offset + (u * groups + g) * width.
    let mut at = 0;
    let slots: Vec<(usize, usize)> = reds
        .iter()
        .map(|r| {
            let s = (at, r.width());
            at += REDUCE_LANES * groups * r.width();
            s
        })
        .collect();
    let state_types: Vec<Type> = reds.iter().flat_map(|r| std::iter::repeat_n(r.state_types(vem), REDUCE_LANES * groups).flatten()).collect();
    let fold = |fb: &mut FunctionBuilder, accs: &mut [CValue], u: usize, g: usize, vals: &[Option<CValue>]| {
        for (ri, r) in reds.iter().enumerate() {
            let (base, w) = slots[ri];
            let a = base + (u * groups + g) * w;
            let folded = r.fold_in(fb, vem, &accs[a..a + w], vals[r.operand(k).0 as usize].expect("reduced values are computed"));
            accs[a..a + w].copy_from_slice(&folded);
        }
    };

    // Short rows' accumulators (see the group body) in the column form:
    // slot `u` holds canonical lane `u` of every output, lane `l` output
    // `l`'s, one transposed block per `lanes` canonical lanes.
    let to_columns = |fb: &mut FunctionBuilder, accs: &[CValue]| -> Vec<CValue> {
        let unroll = REDUCE_LANES / lanes;
        let mut out = accs.to_vec();
        for &(base, w) in &slots {
            for h in 0..unroll {
                for d in 0..w {
                    let rows: Vec<CValue> = (0..lanes).map(|l| accs[base + (l * unroll + h) * w + d]).collect();
                    for (j, col) in transpose(fb, vem, &rows).into_iter().enumerate() {
                        out[base + (h * lanes + j) * w + d] = col;
                    }
                }
            }
        }
        out
    };

    let block_head = fb.create_block();
    let block_start = fb.create_block();
    let block_end = fb.create_block();
    let done = fb.create_block();

    // Running totals: per reduction, per output lane.
    let mut init = Vec::new();
    for r in reds {
        for _ in 0..groups * lanes {
            init.extend(initial_totals(fb, r));
        }
    }
    let total_types: Vec<Type> = init.iter().map(|&v| fb.func.dfg.value_type(v)).collect();
    let zero = fb.ins().iconst(types::I64, 0);
    // block_head(r, totals...)
    let (r0, totals) = enter_loop(fb, block_head, zero, &init);
    let blk_end = {
        let e = fb.ins().iadd_imm_s(r0, REDUCE_BLOCK as i64);
        fb.ins().umin(e, inner_len)
    };
    let more = fb.ins().icmp(IntCC::UnsignedLessThan, r0, inner_len);
    // Order-free reductions try each block with one accumulator per
    // vector first (column_order_free.rs), and come back to block_start
    // only for a block with a NaN.
    let order_free = (!along && reds.iter().all(|r| r.order_free())).then(|| fb.create_block());
    fb.ins().brif(more, order_free.unwrap_or(block_start), &[], done, &args_of(&totals));

    // block_start: fresh accumulators in the canonical order.
    fb.switch_to_block(block_start);
    if order_free.is_some() {
        // A quarter of the code (column_spilled.rs): the canonical block
        // only re-runs order-free reductions' blocks with a NaN. (Heavy
        // bodies over a leading axis take strips only, column_strip.rs.)
        let block = SpilledBlock { reds, groups, slots: &slots, start: r0, end: blk_end, exit: block_end };
        emit_spilled_block(fb, vem, &block, &|fb, r, g| {
            let moved = inputs_of_group(fb, vem, inputs, g);
            let loaded = load_across(fb, vem, &moved, r, 0, mem());
            emit_inner_body(fb, vem, plans, needed, outer_vals, &order, &loaded)
        });
    } else {
        let group = fb.create_block();
        let group_body = fb.create_block();
        let tail_test = fb.create_block();
        let tail = fb.create_block();
        let mut idents = Vec::new();
        for r in reds {
            let s = r.initial_state(fb, vem);
            for _ in 0..REDUCE_LANES * groups {
                idents.extend_from_slice(&s);
            }
        }
        // Slot `l * unroll + h` is output `l`'s accumulator of canonical
        // lanes `h * lanes ..`: the row loop's order, output by output.
        // `first`: the block's first eight, whose values are the
        // accumulators (what folding them into the identities gives).
        let along_trip = |fb: &mut FunctionBuilder, gr: CValue, accs: &mut Vec<CValue>, first: bool| {
            let unroll = REDUCE_LANES / lanes;
            for h in 0..unroll {
                let r = fb.ins().iadd_imm_s(gr, (h * lanes) as i64);
                let mut shared = vec![None; inputs.len()];
                for l in 0..lanes {
                    let loaded = load_along(fb, r, l, &mut shared);
                    let vals = emit_inner_body(fb, vem, plans, needed, outer_vals, &order, &loaded);
                    if first {
                        for (ri, r) in reds.iter().enumerate() {
                            accs[slots[ri].0 + l * unroll + h] = vals[r.operand(k).0 as usize].expect("reduced values are computed");
                        }
                    } else {
                        fold(fb, accs, l * unroll + h, 0, &vals);
                    }
                }
            }
        };
        // Short rows start with their first eight in place of the
        // identities: `-0.0 + v`, `1 * v`, `min(MAX, v)`... are `v` (a
        // NaN that the fold would quiet here is quieted by the next
        // fold or the block's tree, keeping its payload), so a trip's
        // eight folds per output are saved, of some thirty instructions.
        let peel = along && reds.iter().all(|r| r.width() == 1);
        if peel {
            let first = fb.create_block();
            let rest = fb.create_block();
            let first_end = fb.ins().iadd_imm_s(r0, REDUCE_LANES as i64);
            let whole = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, first_end, blk_end);
            fb.ins().brif(whole, first, &[], rest, &[]);
            fb.switch_to_block(first);
            let mut accs = idents.clone();
            along_trip(fb, r0, &mut accs, true);
            let mut a = vec![BlockArg::Value(first_end)];
            a.extend(args_of(&accs));
            // `group`'s parameters come with `enter_loop` below.
            fb.ins().jump(group, &a);
            fb.switch_to_block(rest);
        }
        // group(r, accs...): eight reduced indices, one per accumulator.
        let (gr, accs) = enter_loop(fb, group, r0, &idents);
        let group_end = fb.ins().iadd_imm_s(gr, REDUCE_LANES as i64);
        let whole = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, group_end, blk_end);
        fb.ins().brif(whole, group_body, &[], tail_test, &[]);
        // A block whose length is a multiple of eight has no tail to run.
        fb.switch_to_block(tail_test);
        let columns = if along { to_columns(fb, &accs) } else { accs.clone() };
        let some_left = fb.ins().icmp(IntCC::UnsignedLessThan, gr, blk_end);
        fb.ins().brif(some_left, tail, &args_of(&columns), block_end, &args_of(&columns));
        fb.switch_to_block(group_body);
        let mut next = accs.clone();
        if along {
            along_trip(fb, gr, &mut next, false);
        } else {
            for u in 0..REDUCE_LANES {
                let r = fb.ins().iadd_imm_s(gr, u as i64);
                for g in 0..groups {
                    let loaded = load(fb, r, g);
                    let vals = emit_inner_body(fb, vem, plans, needed, outer_vals, &order, &loaded);
                    fold(fb, &mut next, u, g, &vals);
                }
            }
        }
        let mut a = vec![BlockArg::Value(group_end)];
        a.extend(args_of(&next));
        fb.ins().jump(group, &a);

        // tail(accs...): one to seven left in the block (blocks start at
        // multiples of eight, so index gr + u belongs to accumulator u).
        let tail_accs: Vec<CValue> = state_types.iter().map(|&t| fb.append_block_param(tail, t)).collect();
        fb.switch_to_block(tail);
        if along {
            // Most of a short row's work (Nx3 is all tail): a step each,
            // unrolled, leaving at the block's end. A loop (below) made
            // norms of 3-d points 15-30% slower.
            let mut next = tail_accs;
            for u in 0..REDUCE_LANES - 1 {
                let r = fb.ins().iadd_imm_s(gr, u as i64);
                if u > 0 {
                    let in_block = fb.ins().icmp(IntCC::UnsignedLessThan, r, blk_end);
                    let step = fb.create_block();
                    fb.ins().brif(in_block, step, &[], block_end, &args_of(&next));
                    fb.switch_to_block(step);
                }
                let loaded = load(fb, r, 0);
                let vals = emit_inner_body(fb, vem, plans, needed, outer_vals, &order, &loaded);
                fold(fb, &mut next, u, 0, &vals);
            }
            fb.ins().jump(block_end, &args_of(&next));
        } else {
            // Once per block of a leading axis: one index a trip. Each trip
            // folds into slot 0 and rotates the slots by one, bringing the
            // next index's accumulator to slot 0; leaving, they rotate back
            // by the trip count. Seven copies of the body per column vector
            // made heavy bodies' (exp's) variants take 20-60 ms to compile.
            let (trips, rotated) = emit_tail_loop(fb, gr, blk_end, &tail_accs, &mut |fb, r, accs| {
                for g in 0..groups {
                    let loaded = load(fb, r, g);
                    let vals = emit_inner_body(fb, vem, plans, needed, outer_vals, &order, &loaded);
                    fold(fb, accs, 0, g, &vals);
                }
                *accs = rotate_slots(accs, &slots, groups, 1);
            });
            let trips = fb.ins().ireduce(types::I32, trips);
            let back: Vec<BlockCall> = (0..REDUCE_LANES)
                .map(|_| {
                    let b = fb.create_block();
                    fb.func.dfg.block_call(b, &[])
                })
                .collect();
            let table = fb.create_jump_table(JumpTableData::new(back[0], &back));
            fb.ins().br_table(trips, table);
            for (t, call) in back.iter().enumerate() {
                let b = call.block(&fb.func.dfg.value_lists);
                fb.switch_to_block(b);
                let accs = rotate_slots(&rotated, &slots, groups, REDUCE_LANES - t);
                fb.ins().jump(block_end, &args_of(&accs));
            }
        }
    }

    // block_end(accs...): the block's end, output by output.
    let next: Vec<CValue> = state_types.iter().map(|&t| fb.append_block_param(block_end, t)).collect();
    fb.switch_to_block(block_end);
    // Lane `l` of every accumulator is output `o + l`'s, so the pairwise
    // tree on whole vectors is each output's tree, in a lane each: 7
    // vector ops for the group instead of 7 scalar ones per output (what
    // short rows spend most on).
    let vector_block = |fb: &mut FunctionBuilder, ri: usize, g: usize| {
        let (base, _) = slots[ri];
        let accs: Vec<CValue> = (0..REDUCE_LANES).map(|u| next[base + u * groups + g]).collect();
        pairwise_lanes(fb, vem, &reds[ri], &accs)
    };
    let mut blocks: Vec<Option<CValue>> = vec![None; reds.len() * groups];
    let mut only = None;
    if lanes_out {
        // A row of one block (every short row) is done here: its results
        // leave as vectors, with no running total (`only_block_value`).
        debug_assert!(groups == 1 && reds.iter().all(|r| r.fills_lanes(vem)));
        for (ri, block) in blocks.iter_mut().enumerate() {
            *block = Some(vector_block(fb, ri, 0));
        }
        // Computed before the branch (they cost an add at most), so that
        // the caller fills `single`, which they dominate, from scratch.
        let values = reds.iter().zip(&blocks).map(|(r, b)| only_block_value(fb, vem, r, b.expect("computed above"))).collect();
        let single = fb.create_block();
        let joins = fb.create_block();
        let one_block = fb.ins().icmp_imm_s(IntCC::UnsignedLessThanOrEqual, inner_len, REDUCE_BLOCK as i64);
        fb.ins().brif(one_block, single, &[], joins, &[]);
        only = Some((single, values));
        fb.switch_to_block(joins);
    }
    let mut new_totals = Vec::new();
    let mut t = 0;
    for (ri, r) in reds.iter().enumerate() {
        let (base, w) = slots[ri];
        for g in 0..groups {
            let acc = |u: usize| base + (u * groups + g) * w;
            if w == 1 && lanes > 1 {
                let block = match blocks[ri * groups + g] {
                    Some(b) => b,
                    None => vector_block(fb, ri, g),
                };
                for v in r.lane_values(fb, vem, &[block]) {
                    new_totals.extend(join_total(fb, sem, r, v, &totals[t..t + r.total_width()]));
                    t += r.total_width();
                }
                continue;
            }
            let per_acc: Vec<Vec<CValue>> = (0..REDUCE_LANES).map(|u| r.lane_values(fb, vem, &next[acc(u)..acc(u) + w])).collect();
            for l in 0..lanes {
                let lane_vals: Vec<CValue> = per_acc.iter().map(|v| v[l]).collect();
                new_totals.extend(join_block(fb, sem, r, &lane_vals, &totals[t..t + r.total_width()]));
                t += r.total_width();
            }
        }
    }
    let mut a = vec![BlockArg::Value(blk_end)];
    a.extend(args_of(&new_totals));
    fb.ins().jump(block_head, &a);

    if let Some(entry) = order_free {
        let block = OrderFreeBlock { entry, canonical: block_start, next: block_head, start: r0, end: blk_end, totals: &totals };
        let row_values = |fb: &mut FunctionBuilder, r: CValue, g: usize| {
            let loaded = load_across(fb, vem, inputs, r, g, pure_load());
            emit_inner_body(fb, vem, plans, needed, outer_vals, &order, &loaded)
        };
        emit_order_free_block(fb, vem, sem, reds, groups, &block, &row_values);
    }

    // done(totals...)
    let done_totals: Vec<CValue> = total_types.iter().map(|&t| fb.append_block_param(done, t)).collect();
    fb.switch_to_block(done);
    let empty = fb.ins().icmp_imm_s(IntCC::Equal, inner_len, 0);
    let mut t = 0;
    let per_output = reds
        .iter()
        .map(|r| {
            (0..groups * lanes)
                .map(|_| {
                    let v = finish_total(fb, sem, r, &done_totals[t..t + r.total_width()], empty);
                    t += r.total_width();
                    v
                })
                .collect()
        })
        .collect();
    ColumnResults { per_output, only }
}

/// What `emit_columns` leaves to store. The builder is in the block where
/// `per_output` are known; `only`, where asked for, is another block that
/// knows every output of a row of one block at once.
pub(super) struct ColumnResults {
    /// Per reduction, its value for each output (scalar), in output order.
    pub per_output: Vec<Vec<CValue>>,
    /// The block, and per reduction one vector whose lane `l` is output
    /// `o + l`'s value.
    pub only: Option<(Block, Vec<CValue>)>,
}

/// Inner instructions above which a body is heavy (exp's takes ~54 with
/// its cold region): over a leading axis its runs take strips only
/// (`column_strip.rs`, accumulators in memory), for a quarter of the
/// register form's copies of the body.
const HEAVY_BODY: usize = 24;

/// Whether the body of the `needed` inner instructions is heavy.
pub(super) fn is_heavy(needed: &[bool]) -> bool {
    needed.iter().filter(|&&n| n).count() > HEAVY_BODY
}

/// `state` with each reduction's accumulator slots rotated by `by`: slot
/// `(u, g)` takes slot `((u + by) % 8, g)` (`slots` as in `emit_columns`).
fn rotate_slots(state: &[CValue], slots: &[(usize, usize)], groups: usize, by: usize) -> Vec<CValue> {
    let mut out = state.to_vec();
    for &(base, w) in slots {
        for u in 0..REDUCE_LANES {
            for g in 0..groups {
                let to = base + (u * groups + g) * w;
                let from = base + (((u + by) % REDUCE_LANES) * groups + g) * w;
                out[to..to + w].copy_from_slice(&state[from..from + w]);
            }
        }
    }
    out
}

/// Rows of a square block (`rows[l]` lane `j`) as its columns (vector `j`
/// lane `l`), by interleaving lanes and then pairs of lanes: one unpack
/// instruction each on x86, a zip on Arm.
fn transpose(fb: &mut FunctionBuilder, vem: &Emitter, rows: &[CValue]) -> Vec<CValue> {
    let vty = fb.func.dfg.value_type(rows[0]);
    let mut pick = |a: CValue, b: CValue, lanes: [usize; 4]| pick_lanes(fb, vem, a, b, vty, &|l| lanes[l]);
    match *rows {
        [r0, r1] => vec![pick(r0, r1, [0, 2, 0, 0]), pick(r0, r1, [1, 3, 0, 0])],
        [r0, r1, r2, r3] => {
            let (lo01, lo23) = (pick(r0, r1, [0, 4, 1, 5]), pick(r2, r3, [0, 4, 1, 5]));
            let (hi01, hi23) = (pick(r0, r1, [2, 6, 3, 7]), pick(r2, r3, [2, 6, 3, 7]));
            vec![pick(lo01, lo23, [0, 1, 4, 5]), pick(lo01, lo23, [2, 3, 6, 7]), pick(hi01, hi23, [0, 1, 4, 5]), pick(hi01, hi23, [2, 3, 6, 7])]
        }
        _ => unreachable!("rows_fit allows 2x2 and 4x4 blocks"),
    }
}
