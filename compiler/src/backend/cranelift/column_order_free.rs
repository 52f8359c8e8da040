//! Column blocks of order-free reductions: one accumulator per column
//! vector instead of the canonical eight.
//!
//! Integer and bool reductions, and float min/max over values without a
//! NaN, give the same bits in any order (`Red::order_free`). The canonical
//! order (`reduce_columns.rs`) keeps eight accumulators per column vector,
//! and float min/max two values each (the extreme and the first NaN):
//! `max(x, axis=0)`'s four column vectors held 64 vectors of state for 16
//! registers, and spilled on every step. Here each block of rows folds
//! into one accumulator per column vector, eight rows combined pairwise
//! first so that the accumulator's dependency chain takes one step per
//! eight rows. Float min/max combine so that a NaN sticks
//! (`Red::combine_order_free`), and a block whose result has a lane in
//! doubt (a NaN, or -0 for max) runs again in the canonical order: every
//! result keeps the interpreter's bits, and data with a NaN in every block
//! pays for both loops.

use super::emit::Emitter;
use super::reduce_pass::{join_total, Red};
use super::skeleton::{any_lane, args_of, emit_tail_loop, enter_loop};
use crate::kernel_ir::REDUCE_LANES;
use cranelift_codegen::ir::{condcodes::IntCC, Block, BlockArg, InstBuilder, MemFlagsData, Type, Value as CValue};
use cranelift_frontend::FunctionBuilder;

/// Where one block of the column loop starts and goes on.
pub(super) struct OrderFreeBlock<'a> {
    /// The (empty) block to fill: the block loop's way into each block.
    pub entry: Block,
    /// The canonical block over the same rows, for a block with a NaN.
    pub canonical: Block,
    /// The block loop's head, which takes the block's end and the new
    /// running totals.
    pub next: Block,
    pub start: CValue,
    pub end: CValue,
    /// Running totals per reduction, per output, as the canonical block
    /// end joins them.
    pub totals: &'a [CValue],
}

/// The kernel's values at reduced index `r` for column vector `g`.
pub(super) type RowValues<'a> = dyn Fn(&mut FunctionBuilder, CValue, usize) -> Vec<Option<CValue>> + 'a;

/// Loads for the order-free loop: pure, so that Cranelift places each
/// next to its use instead of all of a step's loads first (which spilled
/// them). The loop stores nothing, its addresses depend on the row (so
/// none is hoisted above the loop's bounds), and an input is never an
/// output's buffer (in-place operators rebind to a new lazy node).
pub(super) fn pure_load() -> MemFlagsData {
    MemFlagsData::new().with_notrap().with_readonly().with_can_move()
}

/// Fills `b.entry` with one block of `reds` (all order-free) over `groups`
/// column vectors, ending in a jump to `b.next` or, for a block with a
/// NaN, to `b.canonical`.
/// (A heavy body never comes here: its runs take strips, whose order-free
/// block keeps the accumulators in memory, `column_strip.rs`.)
pub(super) fn emit_order_free_block(fb: &mut FunctionBuilder, vem: &Emitter, sem: &Emitter, reds: &[Red], groups: usize, b: &OrderFreeBlock, row_values: &RowValues) {
    let k = vem.kernel;
    let lanes = vem.lanes as usize;
    let operand = |vals: &[Option<CValue>], r: &Red| vals[r.operand(k).0 as usize].expect("reduced values are computed");
    // Accumulator (ri, g) is state[ri * groups + g].
    let end = fb.create_block();
    let join = fb.create_block();

    // entry: identities.
    fb.switch_to_block(b.entry);
    let mut init = Vec::new();
    for r in reds {
        let id = r.initial_state(fb, vem)[0];
        init.extend(std::iter::repeat_n(id, groups));
    }
    let state_types: Vec<Type> = init.iter().map(|&v| fb.func.dfg.value_type(v)).collect();
    let group = fb.create_block();
    let body = fb.create_block();
    let tail_test = fb.create_block();
    let tail = fb.create_block();
    // group(r, state...): eight rows at a time.
    let (gr, state) = enter_loop(fb, group, b.start, &init);
    let group_end = fb.ins().iadd_imm_s(gr, REDUCE_LANES as i64);
    let whole = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, group_end, b.end);
    fb.ins().brif(whole, body, &[], tail_test, &[]);

    // body: per column vector, the eight rows' values combined pairwise,
    // then folded into the accumulator once.
    fb.switch_to_block(body);
    let mut next = state.clone();
    for g in 0..groups {
        for (ri, (r, rows)) in reds.iter().zip(combine_rows(fb, vem, reds, gr, &|fb, row| row_values(fb, row, g))).enumerate() {
            let a = ri * groups + g;
            next[a] = r.combine_order_free(fb, vem, next[a], rows);
        }
    }
    let mut a = vec![BlockArg::Value(group_end)];
    a.extend(args_of(&next));
    fb.ins().jump(group, &a);

    // tail_test: a block whose length is a multiple of eight has no tail.
    fb.switch_to_block(tail_test);
    let some_left = fb.ins().icmp(IntCC::UnsignedLessThan, gr, b.end);
    fb.ins().brif(some_left, tail, &[], end, &args_of(&state));

    // tail: one to seven rows, a loop of one row a trip.
    fb.switch_to_block(tail);
    let (_, left) = emit_tail_loop(fb, gr, b.end, &state, &mut |fb, r, state| {
        for g in 0..groups {
            let vals = row_values(fb, r, g);
            for (ri, red) in reds.iter().enumerate() {
                let a = ri * groups + g;
                state[a] = red.combine_order_free(fb, vem, state[a], operand(&vals, red));
            }
        }
    });
    fb.ins().jump(end, &args_of(&left));

    // end(state...): back to the canonical order if a lane is in doubt.
    let done: Vec<CValue> = state_types.iter().map(|&t| fb.append_block_param(end, t)).collect();
    fb.switch_to_block(end);
    let mut doubts = Vec::new();
    for (ri, r) in reds.iter().enumerate() {
        for g in 0..groups {
            doubts.extend(r.order_free_doubt(fb, vem, done[ri * groups + g]));
        }
    }
    match any_lane(fb, &doubts) {
        Some(any) => {
            fb.ins().brif(any, b.canonical, &[], join, &[]);
        }
        None => {
            fb.ins().jump(join, &[]);
        }
    }

    // join: each output's block value joined to its running total, in
    // the order of the canonical block end.
    fb.switch_to_block(join);
    let mut totals = Vec::with_capacity(b.totals.len());
    let mut t = 0;
    for (ri, r) in reds.iter().enumerate() {
        for g in 0..groups {
            for v in r.order_free_lane_values(fb, vem, done[ri * groups + g]) {
                totals.extend(join_total(fb, sem, r, v, &b.totals[t..t + r.total_width()]));
                t += r.total_width();
            }
        }
    }
    debug_assert_eq!(totals.len(), b.totals.len());
    debug_assert_eq!(lanes * groups * reds.len(), t);
    let mut a = vec![BlockArg::Value(b.end)];
    a.extend(args_of(&totals));
    fb.ins().jump(b.next, &a);
}

/// Per reduction, its operands in the eight rows from `r` (`values_of`
/// gives a row's kernel values) combined pairwise: the block's dependency
/// chain takes one step for all of them.
pub(super) fn combine_rows(fb: &mut FunctionBuilder, vem: &Emitter, reds: &[Red], r: CValue, values_of: &dyn Fn(&mut FunctionBuilder, CValue) -> Vec<Option<CValue>>) -> Vec<CValue> {
    let k = vem.kernel;
    let rows: Vec<Vec<Option<CValue>>> = (0..REDUCE_LANES)
        .map(|u| {
            let row = fb.ins().iadd_imm_s(r, u as i64);
            values_of(fb, row)
        })
        .collect();
    reds.iter()
        .map(|r| {
            let mut level: Vec<CValue> = rows.iter().map(|vals| vals[r.operand(k).0 as usize].expect("reduced values are computed")).collect();
            while level.len() > 1 {
                level = level.chunks(2).map(|p| r.combine_order_free(fb, vem, p[0], p[1])).collect();
            }
            level[0]
        })
        .collect()
}
