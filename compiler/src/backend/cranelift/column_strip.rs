//! The column path over a wide strip of outputs, row by row in memory.
//!
//! A column group (`reduce_columns.rs`) walks its few outputs' reduced
//! elements from the first row to the last: one cache line of each row,
//! every line in another page. From memory that is a walk the hardware
//! prefetchers do not follow, so each row costs a full miss:
//! `sum(x, axis=0)` of a 4096x1024 float64 array read at 5-6 GB/s on one
//! core, against 20+ for a sum along rows (and 0.44 ns an element with the
//! array in L2, against 1.4 from memory).
//!
//! Here a strip of up to `STRIP_VECTORS` column vectors (1 KB of each row)
//! shares each trip of eight rows: the trip sweeps the strip's vectors for
//! those rows, so each row is read as a run of whole lines, as NumPy's
//! row-by-row accumulation reads it. The accumulators (eight canonical
//! lanes per column vector, as the register form keeps them) and the
//! running totals live in stack slots, and a loop over the strip's vectors
//! ends each block and stores the outputs. Each output's order of
//! accumulation is the register form's, so the bits are the interpreter's.
//! Order-free reductions (integers, bools, float min/max) first try each
//! block with one accumulator per column vector, as their groups do
//! (`column_order_free.rs`), and run a block with a NaN (or -0, for max)
//! again in the canonical order.

use super::column_order_free::{combine_rows, pure_load};
use super::column_spilled::{emit_block_loops, inputs_of_group, StateSlot};
use super::emit::Emitter;
use super::reduce_columns::{load_across, ColumnInput};
use super::column_group::ColumnOutputs;
use super::reduce_loop::emit_inner_body;
use super::reduce_pass::{finish_total, initial_totals, join_block, join_total, pairwise_lanes, Red};
use super::column_spilled::SLOT_BYTES;
use super::skeleton::{any_lane, emit_tail_loop, enter_loop, mem, InputPlan};
use crate::kernel_ir::{REDUCE_BLOCK, REDUCE_LANES};
use cranelift_codegen::ir::{condcodes::IntCC, types, Block, BlockArg, InstBuilder, Value as CValue};
use cranelift_frontend::FunctionBuilder;

/// Column vectors a strip holds at most: 1 KB of each row per trip of
/// eight rows, long runs of lines for the prefetchers, with the
/// accumulators (8 KB a state value) in L1. The launcher prefers chunks
/// of at least this many vectors of outputs (`execute::run_cpu_kernel`).
pub const STRIP_VECTORS: i64 = 64;

/// Bytes of stack a strip's state may take: the slots are sized for the
/// widest strip, on every launch, on the pool's threads' stacks. A kernel
/// with many reductions gets narrower strips, or none.
const STRIP_STATE_BYTES: i64 = 64 << 10;

/// The widest strip `reds` may take within `STRIP_STATE_BYTES`; below
/// `STRIP_MIN_VECTORS` the kernel takes no strips.
pub(super) fn strip_capacity(vem: &Emitter, reds: &[Red]) -> i64 {
    let order_free = reds.iter().all(|r| r.order_free());
    let values_per_vector: usize = reds.iter().map(|r| REDUCE_LANES * r.width() + vem.lanes as usize * r.total_width() + usize::from(order_free)).sum();
    (STRIP_STATE_BYTES / (values_per_vector.max(1) as i64 * SLOT_BYTES)).min(STRIP_VECTORS)
}

/// Column vectors below which a strip is not worth its block-end loop:
/// the launcher's ranges are 4 vectors apart, so a launch range of fewer
/// takes the register form's groups.
pub(super) const STRIP_MIN_VECTORS: i64 = 8;

/// `vectors * vem.lanes` outputs from `o` on (`vectors` a value, 1 to
/// `most`, the kernel's `strip_capacity`) through the column path,
/// stored; `reds` are the kernel's (one level of) reductions, `needed`
/// the inner values they fold (`needed_for`).
#[allow(clippy::too_many_arguments)]
pub(super) fn emit_column_strip(fb: &mut FunctionBuilder, outs: &ColumnOutputs, inputs: &[ColumnInput], reds: &[Red], needed: &[bool], o: CValue, vectors: CValue, most: i64, inner_len: CValue) {
    let (vem, sem, plans) = (outs.vem, outs.sem, outs.plans);
    let lanes = vem.lanes as i64;
    let most = most as usize;
    let vector_vals = &outs.vector_vals;
    let order: Vec<usize> = inputs.iter().map(|c| c.input).collect();

    // Accumulator (u, g) of reduction ri: value `acc_at[ri] + (u * vectors
    // + g) * width` of `accs` (the spilled block's layout, `vectors` for
    // its groups); output j's running total: `total_at[ri] + j *
    // total_width` of `totals`.
    let (mut acc_types, mut acc_at) = (Vec::new(), Vec::new());
    let (mut total_types, mut total_at) = (Vec::new(), Vec::new());
    for r in reds {
        acc_at.push(acc_types.len());
        for _ in 0..REDUCE_LANES * most {
            acc_types.extend(r.state_types(vem));
        }
        total_at.push(total_types.len());
        for _ in 0..most * lanes as usize {
            total_types.extend(r.total_types());
        }
    }
    let accs = StateSlot::uninit(fb, acc_types);
    let totals = StateSlot::uninit(fb, total_types);
    // Order-free reductions first try each block with one accumulator per
    // column vector (`column_order_free.rs`): value `free_at[ri] + g`.
    let order_free = reds.iter().all(|r| r.order_free());
    let (mut free_types, mut free_at) = (Vec::new(), Vec::new());
    for r in reds {
        free_at.push(free_types.len());
        free_types.extend(std::iter::repeat_n(r.state_types(vem)[0], most));
    }
    let free = order_free.then(|| StateSlot::uninit(fb, free_types));
    let outputs = fb.ins().imul_imm_s(vectors, lanes);
    let zero = fb.ins().iconst(types::I64, 0);
    emit_tail_loop(fb, zero, outputs, &[], &mut |fb, j, _| {
        for (ri, r) in reds.iter().enumerate() {
            let init = initial_totals(fb, r);
            let addr = totals.addr(fb, j, r.total_width());
            totals.store(fb, addr, total_at[ri], &init);
        }
    });

    // block_head(r0): blocks of REDUCE_BLOCK rows, as every loop has them.
    let block_head = fb.create_block();
    let block = fb.create_block();
    let done = fb.create_block();
    let (r0, _) = enter_loop(fb, block_head, zero, &[]);
    let more = fb.ins().icmp(IntCC::UnsignedLessThan, r0, inner_len);
    fb.ins().brif(more, block, &[], done, &[]);
    fb.switch_to_block(block);
    let blk_end = {
        let e = fb.ins().iadd_imm_s(r0, REDUCE_BLOCK as i64);
        fb.ins().umin(e, inner_len)
    };
    let canonical = fb.create_block();
    match &free {
        Some(free) => {
            let free_strip = OrderFreeStrip { vem, sem, reds, inputs, plans, needed: &needed, outer_vals: vector_vals, order: &order, free, free_at: &free_at, totals: &totals, total_at: &total_at };
            free_strip.emit_block(fb, r0, blk_end, vectors, canonical, block_head);
        }
        None => {
            fb.ins().jump(canonical, &[]);
        }
    }

    // canonical: the block with eight accumulators per column vector.
    fb.switch_to_block(canonical);
    let slots = fb.ins().imul_imm_s(vectors, REDUCE_LANES as i64);
    emit_tail_loop(fb, zero, slots, &[], &mut |fb, idx, _| {
        for (ri, r) in reds.iter().enumerate() {
            let init = r.initial_state(fb, vem);
            let addr = accs.addr(fb, idx, r.width());
            accs.store(fb, addr, acc_at[ri], &init);
        }
    });
    // Row `row` of column vector `g` into accumulator `idx` (`u * vectors
    // + g`), accumulators loaded first (see `StateSlot::load`).
    let acc_slots: Vec<(usize, usize)> = reds.iter().zip(&acc_at).map(|(r, &at)| (at, r.width())).collect();
    let fold_row = |fb: &mut FunctionBuilder, row: CValue, g: CValue, idx: CValue| {
        accs.fold_in(fb, vem, reds, &acc_slots, idx, &|fb| {
            let moved = inputs_of_group(fb, vem, inputs, g);
            let loaded = load_across(fb, vem, &moved, row, 0, mem());
            emit_inner_body(fb, vem, plans, &needed, vector_vals, &order, &loaded)
        });
    };
    let trip = |fb: &mut FunctionBuilder, r: CValue, g: CValue| {
        for u in 0..REDUCE_LANES {
            let row = fb.ins().iadd_imm_s(r, u as i64);
            let lane_base = fb.ins().imul_imm_s(vectors, u as i64);
            let idx = fb.ins().iadd(lane_base, g);
            fold_row(fb, row, g, idx);
        }
    };
    emit_block_loops(fb, vectors, r0, blk_end, &trip, &fold_row);

    // The block's end, column vector by column vector: each output's eight
    // canonical lanes combined pairwise and joined to its running total.
    emit_tail_loop(fb, zero, vectors, &[], &mut |fb, g, _| {
        for (ri, r) in reds.iter().enumerate() {
            let w = r.width();
            let tw = r.total_width();
            // The totals are loaded before the accumulators (see
            // `StateSlot::load`): a total loaded right before `total +
            // block` is merged into it with the operands swapped, and of
            // two NaNs the block's would win.
            let first_output = fb.ins().imul_imm_s(g, lanes);
            let held: Vec<(CValue, Vec<CValue>)> = (0..lanes)
                .map(|l| {
                    let j = fb.ins().iadd_imm_s(first_output, l);
                    totals.load(fb, j, tw, total_at[ri], tw)
                })
                .collect();
            let states: Vec<Vec<CValue>> = (0..REDUCE_LANES)
                .map(|u| {
                    let lane_base = fb.ins().imul_imm_s(vectors, u as i64);
                    let idx = fb.ins().iadd(lane_base, g);
                    accs.load(fb, idx, w, acc_at[ri], w).1
                })
                .collect();
            let join = |fb: &mut FunctionBuilder, l: usize, block_value: &dyn Fn(&mut FunctionBuilder, &[CValue]) -> Vec<CValue>| {
                let (addr, t) = &held[l];
                let new = block_value(fb, t);
                totals.store(fb, *addr, total_at[ri], &new);
            };
            if w == 1 && lanes > 1 {
                // One pairwise tree on whole vectors serves every lane
                // (`emit_columns`' block end).
                let heads: Vec<CValue> = states.iter().map(|s| s[0]).collect();
                let tree = pairwise_lanes(fb, vem, r, &heads);
                for (l, v) in r.lane_values(fb, vem, &[tree]).into_iter().enumerate() {
                    join(fb, l, &|fb, t| join_total(fb, sem, r, v, t));
                }
            } else {
                let per_acc: Vec<Vec<CValue>> = states.iter().map(|s| r.lane_values(fb, vem, s)).collect();
                for l in 0..lanes as usize {
                    let lane_vals: Vec<CValue> = per_acc.iter().map(|v| v[l]).collect();
                    join(fb, l, &|fb, t| join_block(fb, sem, r, &lane_vals, t));
                }
            }
        }
    });
    fb.ins().jump(block_head, &[BlockArg::Value(blk_end)]);

    // done: each output from its total, then what follows the reductions.
    fb.switch_to_block(done);
    let empty = fb.ins().icmp_imm_s(IntCC::Equal, inner_len, 0);
    emit_tail_loop(fb, zero, outputs, &[], &mut |fb, j, _| {
        let oj = fb.ins().iadd(o, j);
        let values: Vec<CValue> = reds
            .iter()
            .enumerate()
            .map(|(ri, r)| {
                let t = totals.load(fb, j, r.total_width(), total_at[ri], r.total_width()).1;
                finish_total(fb, sem, r, &t, empty)
            })
            .collect();
        outs.store(fb, reds, oj, &values);
    });
}

/// A strip's block of order-free reductions (`column_order_free.rs`):
/// one accumulator per column vector, eight rows combined pairwise before
/// they meet it; a block with a lane in doubt (a NaN, or -0 for max) runs
/// again in the canonical order.
struct OrderFreeStrip<'a> {
    vem: &'a Emitter<'a>,
    sem: &'a Emitter<'a>,
    reds: &'a [Red],
    inputs: &'a [ColumnInput],
    plans: &'a [InputPlan],
    needed: &'a [bool],
    outer_vals: &'a [Option<CValue>],
    order: &'a [usize],
    free: &'a StateSlot,
    free_at: &'a [usize],
    totals: &'a StateSlot,
    total_at: &'a [usize],
}

impl OrderFreeStrip<'_> {
    /// Rows `start .. end` folded into the accumulators, then on to
    /// `canonical` (a lane in doubt) or, with each output's value joined
    /// to its total, to `next` with `end`.
    fn emit_block(&self, fb: &mut FunctionBuilder, start: CValue, end: CValue, vectors: CValue, canonical: Block, next: Block) {
        let (vem, k) = (self.vem, self.vem.kernel);
        let zero = fb.ins().iconst(types::I64, 0);
        emit_tail_loop(fb, zero, vectors, &[], &mut |fb, g, _| {
            for (r, &at) in self.reds.iter().zip(self.free_at) {
                let id = r.initial_state(fb, vem)[0];
                let addr = self.free.addr(fb, g, 1);
                self.free.store(fb, addr, at, &[id]);
            }
        });
        // Accumulators are loaded before the rows' values (`StateSlot::load`).
        let held = |fb: &mut FunctionBuilder, g: CValue| -> Vec<(CValue, CValue)> {
            self.free_at.iter().map(|&at| {
                let (addr, v) = self.free.load(fb, g, 1, at, 1);
                (addr, v[0])
            })
            .collect()
        };
        let row_values = |fb: &mut FunctionBuilder, row: CValue, g: CValue| {
            let moved = inputs_of_group(fb, vem, self.inputs, g);
            let loaded = load_across(fb, vem, &moved, row, 0, pure_load());
            emit_inner_body(fb, vem, self.plans, self.needed, self.outer_vals, self.order, &loaded)
        };
        let trip = |fb: &mut FunctionBuilder, r: CValue, g: CValue| {
            let accs = held(fb, g);
            let rows = combine_rows(fb, vem, self.reds, r, &|fb, row| row_values(fb, row, g));
            for (((red, &at), (addr, acc)), v) in self.reds.iter().zip(self.free_at).zip(accs).zip(rows) {
                let folded = red.combine_order_free(fb, vem, acc, v);
                self.free.store(fb, addr, at, &[folded]);
            }
        };
        let step = |fb: &mut FunctionBuilder, row: CValue, g: CValue, _: CValue| {
            let accs = held(fb, g);
            let vals = row_values(fb, row, g);
            for ((red, &at), (addr, acc)) in self.reds.iter().zip(self.free_at).zip(accs) {
                let v = vals[red.operand(k).0 as usize].expect("reduced values are computed");
                let folded = red.combine_order_free(fb, vem, acc, v);
                self.free.store(fb, addr, at, &[folded]);
            }
        };
        emit_block_loops(fb, vectors, start, end, &trip, &step);

        let join = fb.create_block();
        if self.reds.iter().any(|r| r.split()) {
            let none = fb.ins().iconst(types::I8, 0);
            let (_, doubt) = emit_tail_loop(fb, zero, vectors, &[none], &mut |fb, g, doubt| {
                let accs = held(fb, g);
                let masks: Vec<CValue> = self.reds.iter().zip(accs).filter_map(|(r, (_, acc))| r.order_free_doubt(fb, vem, acc)).collect();
                if let Some(any) = any_lane(fb, &masks) {
                    doubt[0] = fb.ins().bor(doubt[0], any);
                }
            });
            fb.ins().brif(doubt[0], canonical, &[], join, &[]);
        } else {
            fb.ins().jump(join, &[]);
        }

        // join: each output's block value joined to its running total.
        fb.switch_to_block(join);
        let lanes = vem.lanes as i64;
        emit_tail_loop(fb, zero, vectors, &[], &mut |fb, g, _| {
            // Totals first, as at the canonical block's end.
            let first_output = fb.ins().imul_imm_s(g, lanes);
            let totals: Vec<Vec<(CValue, Vec<CValue>)>> = self
                .reds
                .iter()
                .zip(self.total_at)
                .map(|(r, &at)| {
                    (0..lanes)
                        .map(|l| {
                            let j = fb.ins().iadd_imm_s(first_output, l);
                            self.totals.load(fb, j, r.total_width(), at, r.total_width())
                        })
                        .collect()
                })
                .collect();
            let accs = held(fb, g);
            for (((r, &at), (_, acc)), held_totals) in self.reds.iter().zip(self.total_at).zip(accs).zip(totals) {
                for (v, (addr, t)) in r.order_free_lane_values(fb, vem, acc).into_iter().zip(held_totals) {
                    let new = join_total(fb, self.sem, r, v, &t);
                    self.totals.store(fb, addr, at, &new);
                }
            }
        });
        fb.ins().jump(next, &[BlockArg::Value(end)]);
    }
}
