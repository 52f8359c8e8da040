//! The canonical column block with its accumulators in memory, one column
//! vector a trip.
//!
//! The register form (`reduce_columns.rs`) holds eight accumulators for
//! each of the group's column vectors and unrolls its trip over all of
//! them: 32 copies of the body in the loop, 36 with the tail. That is the
//! fastest form for a light body, whose trip is a few loads and adds. For
//! order-free reductions (`Red::order_free`), whose canonical block only
//! runs again a block that had a NaN (`column_order_free.rs`), it costs
//! compile time for no run time.
//!
//! Here the accumulators live in a stack slot, indexed by column vector
//! and canonical lane, so a trip is eight rows of one column vector and
//! the tail one row of one column vector: nine copies of the body in all.
//! The order and the folds are the register form's, so the bits are too.
//! The same loops (`emit_block_loops`, `StateSlot`) serve the strips
//! (`column_strip.rs`), where every body's accumulators are in memory.

use super::emit::Emitter;
use super::reduce_columns::{ColumnInput, LaneStep};
use super::reduce_pass::Red;
use super::skeleton::{args_of, emit_tail_loop, enter_loop};
use crate::kernel_ir::REDUCE_LANES;
use cranelift_codegen::ir::{condcodes::IntCC, types, Block, BlockArg, InstBuilder, MemFlagsData, StackSlotData, StackSlotKind, Type, Value as CValue};
use cranelift_frontend::FunctionBuilder;

/// Bytes per accumulator value in the slot: every state value is at most
/// one 128-bit vector.
pub(super) const SLOT_BYTES: i64 = 16;

/// One block of the canonical column loop, as the register form lays out
/// its state: reduction `ri`'s accumulator `(u, g)` (canonical lane `u`,
/// column vector `g`) is at `slots[ri].0 + (u * groups + g) * width`.
pub(super) struct SpilledBlock<'a> {
    pub reds: &'a [Red],
    pub groups: usize,
    pub slots: &'a [(usize, usize)],
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

/// The kernel's values at row `r` for column vector `g` (a value).
pub(super) type GroupRowValues<'a> = dyn Fn(&mut FunctionBuilder, CValue, CValue) -> Vec<Option<CValue>> + 'a;

/// Column loop state in a stack slot, one 16-byte place per value.
pub(super) struct StateSlot {
    base: CValue,
    types: Vec<Type>,
}

impl StateSlot {
    /// A slot holding `init`.
    pub(super) fn new(fb: &mut FunctionBuilder, init: &[CValue]) -> StateSlot {
        let types: Vec<Type> = init.iter().map(|&v| fb.func.dfg.value_type(v)).collect();
        let state = StateSlot::uninit(fb, types);
        for (i, &v) in init.iter().enumerate() {
            fb.ins().store(MemFlagsData::trusted(), v, state.base, (i as i64 * SLOT_BYTES) as i32);
        }
        state
    }

    /// A slot for values of `types`, which the caller fills (in a loop,
    /// where there are too many to store one by one).
    pub(super) fn uninit(fb: &mut FunctionBuilder, types: Vec<Type>) -> StateSlot {
        debug_assert!(types.iter().all(|t| t.bytes() as i64 <= SLOT_BYTES));
        let slot = fb.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, types.len() as u32 * SLOT_BYTES as u32, 4));
        let base = fb.ins().stack_addr(types::I64, slot, 0);
        StateSlot { base, types }
    }

    /// Where values `at ..` after the first `idx * stride` (`idx` a value)
    /// are, for `store`.
    pub(super) fn addr(&self, fb: &mut FunctionBuilder, idx: CValue, stride: usize) -> CValue {
        let off = fb.ins().imul_imm_s(idx, stride as i64 * SLOT_BYTES);
        fb.ins().iadd(self.base, off)
    }

    /// Values `at .. at + n` after the first `idx * stride` (`idx` a value),
    /// and the address they are at (for `store`). Load them before the row's
    /// values: a load right before the fadd or fmul that uses it is merged
    /// into it as its memory operand, for which Cranelift swaps the
    /// operands, and with two NaNs the other payload would win. The row's
    /// input loads in between keep them apart.
    pub(super) fn load(&self, fb: &mut FunctionBuilder, idx: CValue, stride: usize, at: usize, n: usize) -> (CValue, Vec<CValue>) {
        let addr = self.addr(fb, idx, stride);
        let vals = (at..at + n).map(|i| fb.ins().load(self.types[i], MemFlagsData::trusted(), addr, (i as i64 * SLOT_BYTES) as i32)).collect();
        (addr, vals)
    }

    /// Stores `vals` where `load` found values `at ..`.
    pub(super) fn store(&self, fb: &mut FunctionBuilder, addr: CValue, at: usize, vals: &[CValue]) {
        for (i, &v) in vals.iter().enumerate() {
            fb.ins().store(MemFlagsData::trusted(), v, addr, ((at + i) as i64 * SLOT_BYTES) as i32);
        }
    }

    /// Each reduction's operand among `values_of`'s folded into its
    /// accumulator `idx` (reduction `ri`'s at `slots[ri]` = (first value,
    /// width)), the accumulators loaded first (see `load`).
    pub(super) fn fold_in(&self, fb: &mut FunctionBuilder, vem: &Emitter, reds: &[Red], slots: &[(usize, usize)], idx: CValue, values_of: &dyn Fn(&mut FunctionBuilder) -> Vec<Option<CValue>>) {
        let held: Vec<(CValue, Vec<CValue>)> = slots.iter().map(|&(at, w)| self.load(fb, idx, w, at, w)).collect();
        let vals = values_of(fb);
        for ((r, &(at, _)), (addr, acc)) in reds.iter().zip(slots).zip(held) {
            let v = vals[r.operand(vem.kernel).0 as usize].expect("reduced values are computed");
            let folded = r.fold_in(fb, vem, &acc, v);
            self.store(fb, addr, at, &folded);
        }
    }

    /// Every value, in order.
    pub(super) fn load_all(&self, fb: &mut FunctionBuilder) -> Vec<CValue> {
        let zero = fb.ins().iconst(types::I64, 0);
        self.load(fb, zero, 0, 0, self.types.len()).1
    }
}

/// The loops of a block in memory over rows `start .. end` (`start` a
/// multiple of eight), one column vector at a time, ending where the
/// builder is left: `trip(fb, r, g)` does rows `r .. r + 8` of vector `g`,
/// `step(fb, row, g, idx)` one row of the tail (`idx` = `(row - r) *
/// groups + g`, canonical lane `row - r`). `groups` (a value: a strip's
/// width is known at run time only) is at least one.
pub(super) fn emit_block_loops(fb: &mut FunctionBuilder, groups: CValue, start: CValue, end: CValue, trip_fn: &dyn Fn(&mut FunctionBuilder, CValue, CValue), step: &dyn Fn(&mut FunctionBuilder, CValue, CValue, CValue)) {
    let rows = fb.create_block();
    let trip = fb.create_block();
    let tail_test = fb.create_block();
    let tail = fb.create_block();
    let out = fb.create_block();
    // rows(r): eight rows at a time, each column vector in turn.
    let (r, _) = enter_loop(fb, rows, start, &[]);
    let r8 = fb.ins().iadd_imm_s(r, REDUCE_LANES as i64);
    let whole = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, r8, end);
    let zero = fb.ins().iconst(types::I64, 0);
    fb.ins().brif(whole, trip, &[BlockArg::Value(zero)], tail_test, &[]);

    // trip(g): rows r .. r + 8 of column vector g.
    let g = fb.append_block_param(trip, types::I64);
    fb.switch_to_block(trip);
    trip_fn(fb, r, g);
    let next_g = fb.ins().iadd_imm_s(g, 1);
    let more = fb.ins().icmp(IntCC::UnsignedLessThan, next_g, groups);
    fb.ins().brif(more, trip, &[BlockArg::Value(next_g)], rows, &[BlockArg::Value(r8)]);

    // tail_test: a block whose length is a multiple of eight has no tail.
    fb.switch_to_block(tail_test);
    let some_left = fb.ins().icmp(IntCC::UnsignedLessThan, r, end);
    fb.ins().brif(some_left, tail, &[], out, &[]);

    // tail: one to seven rows, each column vector in turn, one row of one
    // vector a trip. Trip t is row t / groups of vector t % groups.
    fb.switch_to_block(tail);
    let first = fb.ins().imul(r, groups);
    let last = fb.ins().imul(end, groups);
    emit_tail_loop(fb, first, last, &[], &mut |fb, t, _| {
        let row = fb.ins().udiv(t, groups);
        let g = fb.ins().urem(t, groups);
        let idx = fb.ins().isub(t, first);
        step(fb, row, g, idx);
    });
    fb.ins().jump(out, &[]);
    fb.switch_to_block(out);
}

/// Fills the current (empty) block with one canonical block over `b`'s
/// rows and jumps to `b.exit`.
pub(super) fn emit_spilled_block(fb: &mut FunctionBuilder, vem: &Emitter, b: &SpilledBlock, row_values: &GroupRowValues) {
    let mut init = Vec::new();
    for r in b.reds {
        let ident = r.initial_state(fb, vem);
        for _ in 0..REDUCE_LANES * b.groups {
            init.extend_from_slice(&ident);
        }
    }
    let state = StateSlot::new(fb, &init);
    // Row `row` into accumulator `idx` (`u * groups + g`) of every reduction.
    let fold_row = |fb: &mut FunctionBuilder, row: CValue, g: CValue, idx: CValue| {
        state.fold_in(fb, vem, b.reds, b.slots, idx, &|fb| row_values(fb, row, g));
    };
    let trip = |fb: &mut FunctionBuilder, r: CValue, g: CValue| {
        for u in 0..REDUCE_LANES {
            let row = fb.ins().iadd_imm_s(r, u as i64);
            let idx = fb.ins().iadd_imm_s(g, (u * b.groups) as i64);
            fold_row(fb, row, g, idx);
        }
    };
    let groups = fb.ins().iconst(types::I64, b.groups as i64);
    emit_block_loops(fb, groups, b.start, b.end, &trip, &fold_row);
    let accs = state.load_all(fb);
    fb.ins().jump(b.exit, &args_of(&accs));
}
