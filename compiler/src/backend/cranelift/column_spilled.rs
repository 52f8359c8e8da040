//! The canonical column block with its accumulators in memory, one column
//! vector a trip.
//!
//! The register form (`reduce_columns.rs`) holds eight accumulators for
//! each of the group's column vectors and unrolls its trip over all of
//! them: 32 copies of the body in the loop, 36 with the tail. That is the
//! fastest form for a light body, whose trip is a few loads and adds. For
//! two kinds of kernel it costs compile time for no run time:
//!
//! * order-free reductions (`Red::order_free`), whose canonical block only
//!   runs again a block that had a NaN (`column_order_free.rs`);
//! * heavy bodies (exp's), where the body's arithmetic outweighs a load
//!   and a store of the accumulator per row.
//!
//! Here the accumulators live in a stack slot, indexed by column vector
//! and canonical lane, so a trip is eight rows of one column vector and
//! the tail one row of one column vector: nine copies of the body in all.
//! The order and the folds are the register form's, so the bits are too.

use super::emit::Emitter;
use super::reduce_columns::{emit_tail_loop, ColumnInput, LaneStep};
use super::reduce_pass::Red;
use super::skeleton::{args_of, enter_loop};
use crate::kernel_ir::REDUCE_LANES;
use cranelift_codegen::ir::{condcodes::IntCC, types, Block, BlockArg, InstBuilder, MemFlagsData, StackSlotData, StackSlotKind, Type, Value as CValue};
use cranelift_frontend::FunctionBuilder;

/// Bytes per accumulator value in the slot: every state value is at most
/// one 128-bit vector.
const SLOT_BYTES: i64 = 16;

/// One block of the canonical column loop, as the register form lays out
/// its state: reduction `ri`'s accumulator `(u, g)` (canonical lane `u`,
/// column vector `g`) is at `slots[ri].0 + (u * groups + g) * width`.
pub(super) struct SpilledBlock<'a> {
    pub reds: &'a [Red],
    pub groups: usize,
    pub slots: &'a [(usize, usize)],
    pub state_types: &'a [Type],
    /// The block's rows, `start` a multiple of eight.
    pub start: CValue,
    pub end: CValue,
    /// Where the block's accumulators go, as block arguments in the
    /// register form's order.
    pub exit: Block,
}

/// The inputs of column vector `g` (a value): `inputs` with unit-step ones
/// moved `g` vectors along the row. A short row's inputs never come here.
pub(super) fn inputs_of_group(fb: &mut FunctionBuilder, vem: &Emitter, inputs: &[ColumnInput], g: CValue) -> Vec<ColumnInput> {
    let along = fb.ins().imul_imm_s(g, vem.lanes as i64);
    inputs
        .iter()
        .map(|c| {
            debug_assert!(!c.step.is_row(), "short rows keep the register form");
            let first = if c.step == LaneStep::Unit { fb.ins().iadd(c.first, along) } else { c.first };
            ColumnInput { input: c.input, base: c.base, first, stride: c.stride, lane_stride: c.lane_stride, step: c.step }
        })
        .collect()
}

/// Fills the current (empty) block with one canonical block over `b`'s
/// rows and jumps to `b.exit`. `row_values(fb, r, g)` gives the kernel's
/// values at row `r` for column vector `g`.
pub(super) fn emit_spilled_block(fb: &mut FunctionBuilder, vem: &Emitter, b: &SpilledBlock, row_values: &dyn Fn(&mut FunctionBuilder, CValue, CValue) -> Vec<Option<CValue>>) {
    let k = vem.kernel;
    let flags = MemFlagsData::trusted();
    debug_assert!(b.state_types.iter().all(|t| t.bytes() as i64 <= SLOT_BYTES));
    let slot = fb.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, b.state_types.len() as u32 * SLOT_BYTES as u32, 4));
    let base = fb.ins().stack_addr(types::I64, slot, 0);
    for (i, r) in b.reds.iter().enumerate() {
        let ident = r.initial_state(fb, vem);
        let (at, w) = b.slots[i];
        for a in 0..REDUCE_LANES * b.groups {
            for (d, &v) in ident.iter().enumerate() {
                fb.ins().store(flags, v, base, ((at + a * w + d) as i64 * SLOT_BYTES) as i32);
            }
        }
    }
    // Accumulator `idx` (`u * groups + g`) of every reduction, and its
    // address. Loaded before the row's values are: a load right before the
    // fadd that uses it is merged into the fadd as its memory operand, for
    // which Cranelift swaps the operands, and with two NaNs the other
    // payload would win. The row's input loads in between keep it apart.
    let load_state = |fb: &mut FunctionBuilder, idx: CValue| -> Vec<(CValue, Vec<CValue>)> {
        b.reds
            .iter()
            .enumerate()
            .map(|(i, _)| {
                let (at, w) = b.slots[i];
                let off = fb.ins().imul_imm_s(idx, w as i64 * SLOT_BYTES);
                let addr = fb.ins().iadd(base, off);
                (addr, (0..w).map(|d| fb.ins().load(b.state_types[at + d], flags, addr, ((at + d) as i64 * SLOT_BYTES) as i32)).collect())
            })
            .collect()
    };
    let fold = |fb: &mut FunctionBuilder, state: Vec<(CValue, Vec<CValue>)>, vals: &[Option<CValue>]| {
        for ((i, r), (addr, acc)) in b.reds.iter().enumerate().zip(state) {
            let at = b.slots[i].0;
            let v = vals[r.operand(k).0 as usize].expect("reduced values are computed");
            for (d, s) in r.fold_in(fb, vem, &acc, v).into_iter().enumerate() {
                fb.ins().store(flags, s, addr, ((at + d) as i64 * SLOT_BYTES) as i32);
            }
        }
    };

    let rows = fb.create_block();
    let trip = fb.create_block();
    let tail_test = fb.create_block();
    let tail = fb.create_block();
    let out = fb.create_block();
    // rows(r): eight rows at a time, each column vector in turn.
    let (r, _) = enter_loop(fb, rows, b.start, &[]);
    let r8 = fb.ins().iadd_imm_s(r, REDUCE_LANES as i64);
    let whole = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, r8, b.end);
    let zero = fb.ins().iconst(types::I64, 0);
    fb.ins().brif(whole, trip, &[BlockArg::Value(zero)], tail_test, &[]);

    // trip(g): rows r .. r + 8 of column vector g.
    let g = fb.append_block_param(trip, types::I64);
    fb.switch_to_block(trip);
    for u in 0..REDUCE_LANES {
        let idx = fb.ins().iadd_imm_s(g, (u * b.groups) as i64);
        let state = load_state(fb, idx);
        let at = fb.ins().iadd_imm_s(r, u as i64);
        let vals = row_values(fb, at, g);
        fold(fb, state, &vals);
    }
    let next_g = fb.ins().iadd_imm_s(g, 1);
    let more = fb.ins().icmp_imm_s(IntCC::UnsignedLessThan, next_g, b.groups as i64);
    fb.ins().brif(more, trip, &[BlockArg::Value(next_g)], rows, &[BlockArg::Value(r8)]);

    // tail_test: a block whose length is a multiple of eight has no tail.
    fb.switch_to_block(tail_test);
    let some_left = fb.ins().icmp(IntCC::UnsignedLessThan, r, b.end);
    fb.ins().brif(some_left, tail, &[], out, &[]);

    // tail: one to seven rows (row r + u belongs to canonical lane u), each
    // column vector in turn, one row of one vector a trip.
    fb.switch_to_block(tail);
    let groups = fb.ins().iconst(types::I64, b.groups as i64);
    let first = fb.ins().imul(r, groups);
    let last = fb.ins().imul(b.end, groups);
    // Trip t is row t / groups of column vector t % groups: accumulator
    // (row - r) * groups + g, which is t - first.
    emit_tail_loop(fb, first, last, &[], &mut |fb, t, _| {
        let row = fb.ins().udiv(t, groups);
        let g = fb.ins().urem(t, groups);
        let idx = fb.ins().isub(t, first);
        let state = load_state(fb, idx);
        let vals = row_values(fb, row, g);
        fold(fb, state, &vals);
    });
    fb.ins().jump(out, &[]);

    // out: the accumulators, in the register form's order.
    fb.switch_to_block(out);
    let state: Vec<CValue> = b.state_types.iter().enumerate().map(|(i, &t)| fb.ins().load(t, flags, base, (i as i64 * SLOT_BYTES) as i32)).collect();
    fb.ins().jump(b.exit, &args_of(&state));
}
