//! The loop skeleton of reduction kernels: for each output row, one pass
//! over the row's inner (reduced) elements per level of reductions (see
//! `Kernel::levels`; `reduce_pass.rs` emits a pass), the per-row work after
//! each, and the stores: one value per row, or for a row kernel one more
//! walk over the row that stores every element. A softmax is then one
//! kernel: max, then the sum of `exp(x - max)`, then `exp(x - max) / sum`
//! stored, with the row still in cache for the second and third walks.

use super::emit::Emitter;
use super::column_group::{column_groups, column_inputs, emit_column_group, ColumnLayout, ColumnOutputs};
use super::column_strip::{emit_column_strip, strip_capacity, STRIP_MIN_VECTORS};
use super::reduce_columns::{is_heavy, rows_fit, ColumnInput, LaneStep};
use super::reduce_pass::{emit_pass, Red};
use super::skeleton::{args_of, element_addr, enter_loop, load_input_ahead, splat, store_output, load_lanes, mem, strided_offset, unpack_launch_words, InputPlan, LaunchWords};
use super::types::scalar_type;
use crate::kernel_ir::{Kernel, Op, Space, Value};
use cranelift_codegen::ir::{condcodes::IntCC, types, BlockArg, Function, InstBuilder, Value as CValue};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use lazyxp_runtime::{DType, Scalar};

/// What every walk over one row needs: where the row is and how its inner
/// inputs are read.
pub(super) struct Row<'a> {
    pub vem: &'a Emitter<'a>,
    pub sem: &'a Emitter<'a>,
    pub plans: &'a [InputPlan],
    dims: &'a [CValue],
    pub inner_len: CValue,
    /// `o * inner_len`: the row's first element in the full index space,
    /// computed once per row (Cranelift does not hoist it out of the loops).
    pub row_base: CValue,
    /// Per input: (row start, stride) for strided inner inputs over one
    /// reduced dim, which step by a multiply per lane instead of an
    /// unravel per element.
    row_offsets: &'a [Option<(CValue, CValue)>],
    /// Lane numbers, for masking partial steps.
    pub iota: CValue,
    pub all_lanes: CValue,
}

impl Row<'_> {
    /// Inner inputs read by the `needed` instructions (invariant ones are
    /// splatted where used, not loaded).
    pub fn inputs_used(&self, needed: &[bool]) -> Vec<usize> {
        let k = self.vem.kernel;
        let mut used: Vec<usize> = k
            .insts
            .iter()
            .enumerate()
            .filter_map(|(i, inst)| match inst.op {
                Op::Load(n) if needed[i] => Some(n as usize),
                _ => None,
            })
            .filter(|&n| k.inputs[n].space == Space::Inner && !matches!(self.plans[n], InputPlan::Invariant(_)))
            .collect();
        used.sort_unstable();
        used.dedup();
        used
    }

    /// `em.lanes` elements of each input from inner index `r`; with
    /// `last` (a partial step), lane indices stop at that inner index.
    pub fn load_inner(&self, fb: &mut FunctionBuilder, em: &Emitter, inputs: &[usize], r: CValue, last: Option<CValue>) -> Vec<CValue> {
        let flat = fb.ins().iadd(self.row_base, r);
        self.load_inner_at(fb, em, inputs, r, flat, 0, last)
    }

    /// As `load_inner` from inner index `r + ahead`, with `flat` = `row_base
    /// + r` already known (a hot loop carries it, so the row's base is not
    /// recomputed per trip). A constant `ahead` lands in contiguous loads'
    /// offset field, so an unrolled trip forms one address per input
    /// instead of one per load.
    #[allow(clippy::too_many_arguments)]
    pub fn load_inner_at(&self, fb: &mut FunctionBuilder, em: &Emitter, inputs: &[usize], r: CValue, flat: CValue, ahead: i64, last: Option<CValue>) -> Vec<CValue> {
        let k = em.kernel;
        let last_flat = last.map(|l| fb.ins().iadd(self.row_base, l));
        inputs
            .iter()
            .map(|&n| match self.row_offsets[n] {
                Some(row) => {
                    let r = fb.ins().iadd_imm_s(r, ahead);
                    load_row_strided(fb, em, &self.plans[n], k.inputs[n].dtype, row, r, last)
                }
                None => load_input_ahead(fb, em, &self.plans[n], k.inputs[n].dtype, flat, ahead, self.dims, last_flat),
            })
            .collect()
    }
}

/// With `columns` (how each column input's lanes step, see `LaneStep`),
/// emits the column path where the kernel allows it. Returns how many
/// adjacent outputs one step of the outer loop may handle together (a
/// column group, or 1 where every output is its own row), and the inputs
/// that decide the column path if the kernel allows it at all.
pub fn build_function(func: &mut Function, vem: &Emitter, sem: &Emitter, target: cranelift_codegen::isa::TargetFrontendConfig, columns: Option<&[LaneStep]>) -> (usize, Option<Vec<usize>>) {
    let k: &Kernel = vem.kernel;
    let (rank, rrank) = (k.rank as usize, k.reduce_rank as usize);
    let inner = k.inner_insts();
    let level = k.levels();
    let live = k.live();
    let passes = k.reduction_passes();

    let mut fctx = FunctionBuilderContext::new();
    let mut fb = FunctionBuilder::new(func, &mut fctx);
    let entry = fb.create_block();
    let outer_head = fb.create_block();
    let row_block = fb.create_block();
    let exit = fb.create_block();

    // entry: unpack the launch words.
    let LaunchWords { start, end, bases, dims, plans } = unpack_launch_words(&mut fb, k, entry);
    let n_in = k.inputs.len();
    let mut inner_len = fb.ins().iconst(types::I64, 1);
    for &d in &dims[rank..] {
        inner_len = fb.ins().imul(inner_len, d);
    }
    let iota = lane_iota(&mut fb, vem);
    let all_lanes = vem.constant(&mut fb, Scalar::Bool(true));
    // Strided inner inputs over one reduced dim get their row's start once
    // per row. Consecutive rows step it by the last outer stride; only when
    // the last outer coordinate wraps is the row index unravelled again, so
    // the divisions happen once per outer row of rows, not once per row.
    let row_inputs: Vec<usize> = (0..n_in)
        .filter(|&n| matches!(plans[n], InputPlan::Strided { .. }) && k.inputs[n].space == Space::Inner && rrank == 1 && rank > 0)
        .collect();
    let row_strides = |n: usize| match &plans[n] {
        InputPlan::Strided { strides, .. } => strides.clone(),
        _ => unreachable!("row inputs are strided"),
    };
    let first_offsets = |fb: &mut FunctionBuilder, o: CValue| -> Vec<CValue> {
        row_inputs.iter().map(|&n| strided_offset(fb, o, &dims[..rank], &row_strides(n)[..rank])).collect()
    };
    // On to output `o + by` (last outer coordinate `col`, row offsets
    // `offsets`): within a run of the last outer coordinate the offsets
    // step by its stride; only a wrap unravels the index again.
    // `by` is a value (a strip's width is known at run time); `one` says
    // it is 1.
    // The outer loop's state at output `no` = `o + by` in the same run.
    let in_run_state = |fb: &mut FunctionBuilder, no: CValue, next_col: CValue, offsets: &[CValue], by: CValue, one: bool| -> Vec<BlockArg> {
        let mut a = vec![BlockArg::Value(no), BlockArg::Value(next_col)];
        for (p, &n) in row_inputs.iter().enumerate() {
            let stride = row_strides(n)[rank - 1];
            let by_stride = if one { stride } else { fb.ins().imul(stride, by) };
            a.push(BlockArg::Value(fb.ins().iadd(offsets[p], by_stride)));
        }
        a
    };
    let advance = |fb: &mut FunctionBuilder, o: CValue, col: CValue, offsets: &[CValue], by: CValue, one: bool| {
        let no = fb.ins().iadd(o, by);
        let next_col = fb.ins().iadd(col, by);
        let same_run = fb.ins().icmp(IntCC::UnsignedLessThan, next_col, dims[rank - 1]);
        let step = fb.create_block();
        let wrap = fb.create_block();
        fb.ins().brif(same_run, step, &[], wrap, &[]);
        fb.switch_to_block(step);
        let a = in_run_state(fb, no, next_col, offsets, by, one);
        fb.ins().jump(outer_head, &a);
        fb.switch_to_block(wrap);
        // One step past a run's end starts the next run; a group may end
        // inside it.
        let c = if one { fb.ins().iconst(types::I64, 0) } else { fb.ins().urem(no, dims[rank - 1]) };
        let mut a = vec![BlockArg::Value(no), BlockArg::Value(c)];
        a.extend(args_of(&first_offsets(fb, no)));
        fb.ins().jump(outer_head, &a);
    };
    let column_inputs = column_inputs(k, &plans, &inner, &live, &level, vem.lanes, rank, rrank, passes);
    // Short rows need accumulators that transpose (`rows_fit`) and every
    // input loaded along its rows (the launcher never mixes the forms, but
    // the loads must not depend on it); a variant without the path has a
    // group of one, which the launcher checks.
    let first_level: Vec<Red> = (0..k.insts.len()).filter(|&i| live[i] && level[i] == 1).filter_map(|i| Red::of(k, i)).collect();
    let steps = columns
        .filter(|steps| column_inputs.as_ref().is_some_and(|cols| cols.len() == steps.len()))
        .filter(|steps| !steps.iter().any(|s| s.is_row()) || (steps.iter().all(|s| s.is_row()) && rows_fit(vem, &first_level)));
    // Each column input's strides over the outer dims and the reduced one:
    // its plan's, or a contiguous input's row-major ones.
    let taking = |n: usize| steps.is_some() && column_inputs.as_ref().is_some_and(|c| c.contains(&n));
    let column_strides: Vec<Option<Vec<CValue>>> = (0..n_in)
        .map(|n| match &plans[n] {
            InputPlan::Strided { .. } if taking(n) => Some(row_strides(n)),
            InputPlan::Contiguous { .. } if taking(n) => {
                let mut strides = vec![fb.ins().iconst(types::I64, 1)];
                for d in (0..rank).rev() {
                    let s = fb.ins().imul(strides[0], dims[d + 1]);
                    strides.insert(0, s);
                }
                Some(strides)
            }
            _ => None,
        })
        .collect();
    let strides_of = |n: usize| column_strides[n].clone().expect("column inputs have strides");
    let layout = column_inputs.as_ref().zip(steps).map(|(cols, steps)| ColumnLayout::find(&mut fb, cols, steps, &strides_of, &dims, rank));
    let mut a = vec![BlockArg::Value(start)];
    if rank > 0 {
        let col = fb.ins().urem(start, dims[rank - 1]);
        a.push(BlockArg::Value(col));
        a.extend(args_of(&first_offsets(&mut fb, start)));
    }
    fb.ins().jump(outer_head, &a);

    // outer_head(o, last outer coordinate, row offsets...)
    let o = fb.append_block_param(outer_head, types::I64);
    let (col, offsets): (Option<CValue>, Vec<CValue>) = if rank > 0 {
        let c = fb.append_block_param(outer_head, types::I64);
        (Some(c), row_inputs.iter().map(|_| fb.append_block_param(outer_head, types::I64)).collect())
    } else {
        (None, Vec::new())
    };
    fb.switch_to_block(outer_head);
    let more = fb.ins().icmp(IntCC::UnsignedLessThan, o, end);
    match (&column_inputs, col, layout.zip(steps)) {
        (Some(cols), Some(col), Some((layout, steps))) => {
            // Adjacent outputs whose inputs sit side by side in memory, and
            // walk their reduced elements with a stride: the column path.
            // The test per group is a few compares: the layout facts were
            // found once per launch, and within one run of the last outer
            // coordinate consecutive outputs are consecutive elements.
            let try_columns = fb.create_block();
            let columns = fb.create_block();
            fb.ins().brif(more, try_columns, &[], exit, &[]);
            fb.switch_to_block(try_columns);
            let lanes = (vem.lanes as usize * column_groups(steps)) as i64;
            let ok = layout.group_fits(&mut fb, o, col, end, dims[rank - 1], lanes);
            fb.ins().brif(ok, columns, &[], row_block, &[]);
            fb.switch_to_block(columns);
            let needed = needed_for(k, &inner, first_level.iter().map(|r| r.operand(k)), &[]);
            let most = strip_capacity(vem, &first_level);
            let strips = steps.iter().all(|s| !s.is_row()) && most >= STRIP_MIN_VECTORS;
            // Without strips, groups follow one another in a loop of their
            // own while the next one fits inside the same run of the last
            // outer coordinate: back through the outer loop, each group
            // paid its fit test, the step to the next output and the run's
            // bookkeeping (a third of a short-row group's instructions).
            let (o, col, offsets) = if strips {
                (o, col, offsets.clone())
            } else {
                let groups_head = fb.create_block();
                let (o, mut state) = enter_loop(&mut fb, groups_head, o, &[vec![col], offsets.clone()].concat());
                let offsets = state.split_off(1);
                (o, state[0], offsets)
            };
            // A strided column input is a row input, its offset at `o` at
            // hand; a contiguous one starts at `o`'s row.
            let inputs: Vec<ColumnInput> = cols
                .iter()
                .zip(steps)
                .map(|(&n, &step)| {
                    let first = match row_inputs.iter().position(|&m| m == n) {
                        Some(p) => offsets[p],
                        None => fb.ins().imul(o, inner_len),
                    };
                    let strides = strides_of(n);
                    ColumnInput { input: n, base: bases[n], first, stride: strides[rank], lane_stride: strides[rank - 1], step }
                })
                .collect();
            // Over a leading axis, a wide enough run of outputs takes one
            // strip (column_strip.rs) instead of groups, where the kernel's
            // reductions leave room for one. A heavy body gains nothing
            // from a group's accumulators in registers over the strip's in
            // memory, so there the strip serves every run (at least one
            // group wide, or the row loop would have it) and no group is
            // emitted: a quarter of the copies of the body.
            let strips_only = strips && is_heavy(&needed);
            if strips {
                let strip = fb.create_block();
                let vectors = layout.strip_vectors(&mut fb, o, col, end, dims[rank - 1], vem.lanes, most);
                let group = (!strips_only).then(|| fb.create_block());
                match group {
                    Some(group) => {
                        let wide = fb.ins().icmp_imm_s(IntCC::SignedGreaterThanOrEqual, vectors, STRIP_MIN_VECTORS);
                        fb.ins().brif(wide, strip, &[], group, &[]);
                    }
                    None => {
                        fb.ins().jump(strip, &[]);
                    }
                }
                fb.switch_to_block(strip);
                let outs = ColumnOutputs::new(&mut fb, vem, sem, &plans, &dims[..rank], &bases[n_in..], &inner, &live, &level, o);
                emit_column_strip(&mut fb, &outs, &inputs, &first_level, &needed, o, vectors, most, inner_len);
                let outputs = fb.ins().imul_imm_s(vectors, vem.lanes as i64);
                advance(&mut fb, o, col, &offsets, outputs, false);
                if let Some(group) = group {
                    fb.switch_to_block(group);
                }
            }
            if !strips_only {
                let outs = ColumnOutputs::new(&mut fb, vem, sem, &plans, &dims[..rank], &bases[n_in..], &inner, &live, &level, o);
                emit_column_group(&mut fb, &outs, &inputs, &first_level, &needed, o, inner_len);
                let by = fb.ins().iconst(types::I64, lanes);
                if !strips {
                    // The next group fits where it ends inside this run
                    // and inside the launch's range.
                    let (next_o, next_col) = (fb.ins().iadd(o, by), fb.ins().iadd(col, by));
                    let o_end = fb.ins().iadd(next_o, by);
                    let col_end = fb.ins().iadd(next_col, by);
                    let in_range = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, o_end, end);
                    let in_run = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, col_end, dims[rank - 1]);
                    let again = fb.ins().band(in_range, in_run);
                    let next_group = fb.create_block();
                    let leave = fb.create_block();
                    fb.ins().brif(again, next_group, &[], leave, &[]);
                    fb.switch_to_block(next_group);
                    let a = in_run_state(&mut fb, next_o, next_col, &offsets, by, false);
                    let groups_head = fb.func.dfg.value_def(o).unwrap_block();
                    fb.ins().jump(groups_head, &a);
                    fb.switch_to_block(leave);
                }
                advance(&mut fb, o, col, &offsets, by, false);
            }
        }
        _ => {
            fb.ins().brif(more, row_block, &[], exit, &[]);
        }
    }

    // The row: per-row values in scalar form (for per-row work and stores)
    // and splatted (for the inner bodies), then the passes.
    fb.switch_to_block(row_block);
    let mut scalar_vals: Vec<Option<CValue>> = vec![None; k.insts.len()];
    let mut vector_vals: Vec<Option<CValue>> = vec![None; k.insts.len()];
    let per_row = |i: usize, l: u32| live[i] && k.is_row_value(i, l, &inner, &level);
    emit_outer(&mut fb, vem, sem, &plans, &dims[..rank], o, |i| per_row(i, 0), &mut scalar_vals, &mut vector_vals);
    let zero_offset = fb.ins().iconst(types::I64, 0);
    let row_offsets: Vec<Option<(CValue, CValue)>> = (0..n_in)
        .map(|n| match (&plans[n], k.inputs[n].space) {
            (InputPlan::Strided { strides, .. }, Space::Inner) if rrank == 1 => {
                let off = row_inputs.iter().position(|&m| m == n).map_or(zero_offset, |p| offsets[p]);
                Some((off, strides[rank]))
            }
            _ => None,
        })
        .collect();
    let row_base = fb.ins().imul(o, inner_len);
    let row = Row { vem, sem, plans: &plans, dims: &dims, inner_len, row_base, row_offsets: &row_offsets, iota, all_lanes };
    let mut stash: Vec<(Value, usize)> = Vec::new();
    for pass in 0..passes {
        let reds: Vec<Red> = (0..k.insts.len()).filter(|&i| live[i] && level[i] == pass + 1).filter_map(|i| Red::of(k, i)).collect();
        let needed = needed_for(k, &inner, reds.iter().map(|r| r.operand(k)), &[]);
        if pass + 1 == passes && k.row_outputs && vem.lanes > 1 {
            stash = stash_plan(k, &inner, &needed);
        }
        let stash_to: Vec<(Value, CValue)> = stash.iter().map(|&(v, n)| (v, bases[n_in + n])).collect();
        let results = emit_pass(&mut fb, &row, &reds, &needed, &vector_vals, &stash_to);
        for (r, v) in reds.iter().zip(results) {
            scalar_vals[r.inst] = Some(v);
            vector_vals[r.inst] = Some(splat(&mut fb, vem, k.insts[r.inst].ty, v));
        }
        emit_outer(&mut fb, vem, sem, &plans, &dims[..rank], o, |i| per_row(i, pass + 1), &mut scalar_vals, &mut vector_vals);
    }
    if k.row_outputs {
        store_row(&mut fb, &row, &bases[n_in..], &inner, &vector_vals, &scalar_vals, &stash);
    } else {
        for (n, v) in k.outputs.iter().enumerate() {
            store_output(&mut fb, k, n, bases[n_in + n], o, scalar_vals[v.0 as usize].unwrap());
        }
    }
    match col {
        None => {
            let no = fb.ins().iadd_imm_s(o, 1);
            fb.ins().jump(outer_head, &[BlockArg::Value(no)]);
        }
        Some(col) => {
            let one = fb.ins().iconst(types::I64, 1);
            advance(&mut fb, o, col, &offsets, one, true)
        }
    }

    fb.switch_to_block(exit);
    fb.ins().return_(&[]);
    fb.seal_all_blocks();
    fb.finalize(target);
    // `layout` exists exactly when the column path was emitted.
    (layout.zip(steps).map_or(1, |(_, steps)| vem.lanes as usize * column_groups(steps)), column_inputs)
}

/// The per-row instructions `wanted` picks, in scalar form and splatted.
#[allow(clippy::too_many_arguments)]
pub(super) fn emit_outer(
    fb: &mut FunctionBuilder,
    vem: &Emitter,
    sem: &Emitter,
    plans: &[InputPlan],
    outer_dims: &[CValue],
    o: CValue,
    wanted: impl Fn(usize) -> bool,
    scalar_vals: &mut [Option<CValue>],
    vector_vals: &mut [Option<CValue>],
) {
    let k = vem.kernel;
    let mut in_cold_region = false;
    for (i, inst) in k.insts.iter().enumerate() {
        match inst.op {
            Op::ColdBegin(..) => in_cold_region = true,
            Op::ColdEnd(..) => in_cold_region = false,
            _ => {}
        }
        if !wanted(i) {
            continue;
        }
        let sv = match inst.op {
            Op::Load(n) => load_outer(fb, &plans[n as usize], k.inputs[n as usize].dtype, o, outer_dims),
            _ => sem.emit(fb, i, &|v: Value| scalar_vals[v.0 as usize].expect("per-row operand")),
        };
        scalar_vals[i] = Some(sv);
        // Per-row values of another element size than the vectors' are
        // never used by the inner loops (`lanes::vector_part`).
        // Nor are a per-row cold region's values, which never leave it
        // (`kernel_ir/cold.rs`): splatted where they are made, in the
        // region's block or as its join's parameter, the splat would sit
        // where the join does not dominate it.
        let fits = !in_cold_region && (vem.lanes == 1 || inst.ty.is_bool() || inst.ty.size() * vem.lanes as usize == 16);
        vector_vals[i] = fits.then(|| splat(fb, vem, inst.ty, sv));
    }
}

/// Inner instructions that the values `roots` depend on, stopping at
/// per-row values (those are computed once per row) and at `given` ones.
pub(super) fn needed_for(k: &Kernel, inner: &[bool], roots: impl IntoIterator<Item = Value>, given: &[Value]) -> Vec<bool> {
    let wanted = |v: Value| inner[v.0 as usize] && !given.contains(&v);
    let mut need = vec![false; k.insts.len()];
    for v in roots {
        need[v.0 as usize] = wanted(v);
    }
    for i in (0..k.insts.len()).rev() {
        if need[i] {
            k.insts[i].op.for_each_operand(|v| {
                if wanted(v) {
                    need[v.0 as usize] = true;
                }
            });
        }
    }
    need
}

/// Costly inner values that a row kernel's last reduction pass computes
/// and its storing walk needs again (softmax's `exp(x - max)`), each with
/// an output of its type: the pass writes the value into that output's
/// row, and the storing walk reads it back instead of computing it again
/// (then overwrites it with the output's value). Vector path only: the
/// storing walk's scalar tail, which covers exactly the pass's partial
/// step, recomputes.
fn stash_plan(k: &Kernel, inner: &[bool], last_pass: &[bool]) -> Vec<(Value, usize)> {
    /// Inner instructions below which recomputing beats a store and a load.
    const WORTH_STASHING: usize = 8;
    let storing = needed_for(k, inner, k.outputs.iter().copied(), &[]);
    let mut plan: Vec<(Value, usize)> = Vec::new();
    for (n, out) in k.outputs.iter().enumerate() {
        let best = (0..k.insts.len())
            .filter(|&i| k.output_step(n) == 1 && last_pass[i] && storing[i] && k.insts[i].ty == k.ty(*out) && !plan.iter().any(|p| p.0 .0 as usize == i))
            .map(|i| (needed_for(k, inner, [Value(i as u32)], &[]).iter().filter(|&&b| b).count(), i))
            .max();
        if let Some((cost, i)) = best {
            if cost >= WORTH_STASHING {
                plan.push((Value(i as u32), n));
            }
        }
    }
    plan
}

/// A row kernel's last walk: every element of the row computed and stored,
/// whole vectors first, then the rest one element at a time in the scalar
/// form (which gives the same bits).
#[allow(clippy::too_many_arguments)]
fn store_row(
    fb: &mut FunctionBuilder,
    row: &Row,
    out_bases: &[CValue],
    inner: &[bool],
    vector_vals: &[Option<CValue>],
    scalar_vals: &[Option<CValue>],
    stash: &[(Value, usize)],
) {
    let (vem, sem) = (row.vem, row.sem);
    let k = vem.kernel;
    let lanes = vem.lanes as i64;
    let needed = needed_for(k, inner, k.outputs.iter().copied(), &[]);
    let inputs = row.inputs_used(&needed);
    let stashed: Vec<Value> = stash.iter().map(|s| s.0).collect();
    let needed_vector = needed_for(k, inner, k.outputs.iter().copied(), &stashed);
    let vector_inputs = row.inputs_used(&needed_vector);
    let row_base = row.row_base;
    let head = fb.create_block();
    let body = fb.create_block();
    let tail_head = fb.create_block();
    let tail_body = fb.create_block();
    let done = fb.create_block();
    let zero = fb.ins().iconst(types::I64, 0);
    fb.ins().jump(head, &[BlockArg::Value(zero)]);

    // head(r): a whole vector if r + lanes <= the row's length.
    let r = fb.append_block_param(head, types::I64);
    fb.switch_to_block(head);
    let step_end = fb.ins().iadd_imm_s(r, lanes);
    let whole = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, step_end, row.inner_len);
    fb.ins().brif(whole, body, &[], tail_head, &[BlockArg::Value(r)]);
    fb.switch_to_block(body);
    let at = fb.ins().iadd(row_base, r);
    let mut given = vector_vals.to_vec();
    for &(v, n) in stash {
        let addr = element_addr(fb, out_bases[n], at, k.ty(v).size() as i64);
        given[v.0 as usize] = Some(fb.ins().load(vem.vty(k.ty(v)), mem(), addr, 0));
    }
    let loaded = row.load_inner(fb, vem, &vector_inputs, r, None);
    let vals = emit_inner_body(fb, vem, row.plans, &needed_vector, &given, &vector_inputs, &loaded);
    for (n, v) in k.outputs.iter().enumerate() {
        store_output(fb, k, n, out_bases[n], at, vals[v.0 as usize].expect("outputs are computed"));
    }
    fb.ins().jump(head, &[BlockArg::Value(step_end)]);

    // tail_head(r): the last elements, one at a time.
    let tr = fb.append_block_param(tail_head, types::I64);
    fb.switch_to_block(tail_head);
    let left = fb.ins().icmp(IntCC::UnsignedLessThan, tr, row.inner_len);
    fb.ins().brif(left, tail_body, &[], done, &[]);
    fb.switch_to_block(tail_body);
    let loaded = row.load_inner(fb, sem, &inputs, tr, None);
    let vals = emit_inner_body(fb, sem, row.plans, &needed, scalar_vals, &inputs, &loaded);
    let at = fb.ins().iadd(row_base, tr);
    for (n, v) in k.outputs.iter().enumerate() {
        store_output(fb, k, n, out_bases[n], at, vals[v.0 as usize].expect("outputs are computed"));
    }
    let next = fb.ins().iadd_imm_s(tr, 1);
    fb.ins().jump(tail_head, &[BlockArg::Value(next)]);
    fb.switch_to_block(done);
}

/// The `needed` inner instructions once, for one set of loaded inner
/// inputs; per-row values come from `outer_vals` (in `em`'s form).
pub(super) fn emit_inner_body(
    fb: &mut FunctionBuilder,
    em: &Emitter,
    plans: &[InputPlan],
    needed: &[bool],
    outer_vals: &[Option<CValue>],
    inner_inputs: &[usize],
    loaded: &[CValue],
) -> Vec<Option<CValue>> {
    let k = em.kernel;
    let mut vals = outer_vals.to_vec();
    for (i, inst) in k.insts.iter().enumerate() {
        if !needed[i] {
            continue;
        }
        let v = match inst.op {
            Op::Load(n) => match &plans[n as usize] {
                InputPlan::Invariant(s) => splat(fb, em, inst.ty, *s),
                _ => loaded[inner_inputs.iter().position(|&m| m == n as usize).expect("inner loads are loaded")],
            },
            _ => em.emit(fb, i, &|v: Value| vals[v.0 as usize].expect("operand precedes use")),
        };
        vals[i] = Some(v);
    }
    vals
}

/// Reads an outer-space input at outer element `o`.
fn load_outer(fb: &mut FunctionBuilder, plan: &InputPlan, dtype: DType, o: CValue, outer_dims: &[CValue]) -> CValue {
    let size = dtype.size() as i64;
    match plan {
        InputPlan::Invariant(v) => *v,
        InputPlan::Contiguous { base } => {
            let addr = element_addr(fb, *base, o, size);
            fb.ins().load(scalar_type(dtype), mem(), addr, 0)
        }
        InputPlan::Strided { base, strides } => {
            let off = strided_offset(fb, o, outer_dims, strides);
            let addr = element_addr(fb, *base, off, size);
            fb.ins().load(scalar_type(dtype), mem(), addr, 0)
        }
        InputPlan::Interleaved { base, part } => {
            let addr = element_addr(fb, *base, o, 2 * size);
            fb.ins().load(scalar_type(dtype), mem(), addr, (part * size) as i32)
        }
    }
}

/// The vector `[0, 1, 2, ...]` in the lane width of bool masks (unused in
/// the scalar path).
fn lane_iota(fb: &mut FunctionBuilder, vem: &Emitter) -> CValue {
    if vem.lanes == 1 {
        return fb.ins().iconst(types::I8, 0);
    }
    let int_ty = vem.vty(DType::Bool);
    let lane_ty = int_ty.lane_type();
    let z = fb.ins().iconst(lane_ty, 0);
    let mut v = fb.ins().splat(int_ty, z);
    for lane in 1..vem.lanes {
        let c = fb.ins().iconst(lane_ty, lane as i64);
        v = fb.ins().insertlane(v, c, lane as u8);
    }
    v
}

/// Lanes of a strided input along the one reduced dimension: element
/// `row + min(r + lane, last) * stride`. A unit stride at run time (the
/// reduced dimension is the input's innermost, as for `sum(.., axis=-1)` of
/// a broadcast) takes one vector load instead of a gather.
fn load_row_strided(fb: &mut FunctionBuilder, vem: &Emitter, plan: &InputPlan, dtype: DType, (row, stride): (CValue, CValue), r: CValue, last: Option<CValue>) -> CValue {
    let InputPlan::Strided { base, .. } = plan else { unreachable!("only strided inputs have row offsets") };
    let size = dtype.size() as i64;
    if vem.lanes > 1 && last.is_none() {
        let unit = fb.ins().icmp_imm_s(IntCC::Equal, stride, 1);
        let vector = fb.create_block();
        let gather = fb.create_block();
        let done = fb.create_block();
        let result = fb.append_block_param(done, vem.vty(dtype));
        fb.ins().brif(unit, vector, &[], gather, &[]);
        fb.switch_to_block(vector);
        let off = fb.ins().iadd(row, r);
        let addr = element_addr(fb, *base, off, size);
        let v = fb.ins().load(vem.vty(dtype), mem(), addr, 0);
        fb.ins().jump(done, &[BlockArg::Value(v)]);
        fb.switch_to_block(gather);
        let g = gather_row(fb, vem, *base, dtype, (row, stride), r, None);
        fb.ins().jump(done, &[BlockArg::Value(g)]);
        fb.switch_to_block(done);
        return result;
    }
    gather_row(fb, vem, *base, dtype, (row, stride), r, last)
}

fn gather_row(fb: &mut FunctionBuilder, vem: &Emitter, base: CValue, dtype: DType, (row, stride): (CValue, CValue), r: CValue, last: Option<CValue>) -> CValue {
    let size = dtype.size() as i64;
    load_lanes(fb, vem, dtype, |fb, lane| {
        let mut idx = fb.ins().iadd_imm_s(r, lane);
        if let Some(last) = last {
            idx = fb.ins().umin(idx, last);
        }
        let step = fb.ins().imul(idx, stride);
        let off = fb.ins().iadd(row, step);
        element_addr(fb, base, off, size)
    })
}

