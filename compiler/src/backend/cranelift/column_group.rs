//! Where the column path (`reduce_columns.rs`) meets the reduction loop
//! skeleton (`reduce_loop.rs`): which kernels can take it, the launch's
//! layout test that decides group by group, how many outputs a group
//! holds, and one group emitted and stored.

use super::emit::Emitter;
use super::reduce_columns::{emit_columns, ColumnInput, LaneStep};
use super::reduce_loop::{emit_outer, needed_for};
use super::reduce_pass::Red;
use super::skeleton::{store_output, InputPlan};
use crate::kernel_ir::{Kernel, Op, Space};
use cranelift_codegen::ir::{condcodes::IntCC, types, InstBuilder, StackSlot, StackSlotData, StackSlotKind, Value as CValue};
use cranelift_frontend::FunctionBuilder;

/// The inputs of the column path (`reduce_columns.rs`), when the kernel
/// can take it: one level of reductions over one reduced dim, outputs
/// stored once per row, every inner input the reductions read strided or
/// contiguous, and nothing per row before the reductions but constants
/// and invariant inputs (the same in every lane). Whether a group of
/// outputs takes it is decided at run time from the strides.
#[allow(clippy::too_many_arguments)]
pub(super) fn column_inputs(k: &Kernel, plans: &[InputPlan], inner: &[bool], live: &[bool], level: &[u32], lanes: u32, rank: usize, rrank: usize, passes: u32) -> Option<Vec<usize>> {
    if k.row_outputs || passes != 1 || rrank != 1 || rank == 0 || lanes == 1 {
        return None;
    }
    // Uniform: the same in every lane. Constants, invariant inputs, and
    // what is computed from them alone (the math library turns
    // `copysign(1, x)` into bit operations on constants).
    let mut uniform = vec![false; k.insts.len()];
    for (i, inst) in k.insts.iter().enumerate() {
        uniform[i] = match inst.op {
            Op::Const(_) => true,
            Op::Load(n) => matches!(plans[n as usize], InputPlan::Invariant(_)),
            Op::Reduce(..) | Op::ColdBegin(..) | Op::ColdEnd(..) => false,
            ref op => {
                let mut all = true;
                op.for_each_operand(|v| all &= uniform[v.0 as usize]);
                all
            }
        };
    }
    let before = (0..k.insts.len()).all(|i| !live[i] || inner[i] || level[i] > 0 || matches!(k.insts[i].op, Op::Reduce(..)) || uniform[i]);
    let reds: Vec<Red> = (0..k.insts.len()).filter(|&i| live[i]).filter_map(|i| Red::of(k, i)).collect();
    let needed = needed_for(k, inner, reds.iter().map(|r| r.operand(k)), &[]);
    let mut inputs = Vec::new();
    for (i, inst) in k.insts.iter().enumerate() {
        if let (Op::Load(n), true) = (inst.op.clone(), needed[i]) {
            match (&plans[n as usize], k.inputs[n as usize].space) {
                (InputPlan::Invariant(_), _) => {}
                (InputPlan::Strided { .. } | InputPlan::Contiguous { .. }, Space::Inner) => inputs.push(n as usize),
                _ => return None,
            }
        }
    }
    inputs.sort_unstable();
    inputs.dedup();
    (before && !inputs.is_empty()).then_some(inputs)
}

/// What the launch's strides say about the column path, found once per
/// launch and kept in a stack slot: as plain values, Cranelift's
/// elaboration recomputed the whole test (multiplies and compares of
/// launch words) for every output, inside the row loop. The launcher
/// picks the variant whose lane steps its strides have, where the path
/// pays (`execute::column_steps`); the kernel tests the steps again so
/// that its loads never depend on the caller.
#[derive(Clone, Copy)]
pub(super) struct ColumnLayout {
    slot: StackSlot,
}

impl ColumnLayout {
    /// Bit `TAKEN`: every column input steps along the last outer dim as
    /// this variant loads it (`LaneStep`), so groups inside one run of the
    /// last outer coordinate take the path. Bit `FLAT`: every column
    /// input's outer dims are also flat (row-major without gaps), so
    /// groups may cross the end of a run too.
    const TAKEN: i64 = 1;
    const FLAT: i64 = 2;

    pub(super) fn find(fb: &mut FunctionBuilder, cols: &[usize], steps: &[LaneStep], row_strides: &dyn Fn(usize) -> Vec<CValue>, dims: &[CValue], rank: usize) -> ColumnLayout {
        let mut taken = fb.ins().iconst(types::I8, 1);
        let mut flat = fb.ins().iconst(types::I8, 1);
        for (&n, &step) in cols.iter().zip(steps) {
            let strides = row_strides(n);
            // (dim, stride) pairs the variant's loads rely on.
            let expected: &[(usize, i64)] = match step {
                LaneStep::Unit => &[(rank - 1, 1)],
                LaneStep::Same => &[(rank - 1, 0)],
                LaneStep::Row => &[(rank, 1)],
                LaneStep::SharedRow => &[(rank, 1), (rank - 1, 0)],
            };
            for &(d, e) in expected {
                let fits = fb.ins().icmp_imm_s(IntCC::Equal, strides[d], e);
                taken = fb.ins().band(taken, fits);
            }
            for d in 0..rank - 1 {
                let packed = fb.ins().imul(strides[d + 1], dims[d + 1]);
                let same = fb.ins().icmp(IntCC::Equal, strides[d], packed);
                flat = fb.ins().band(flat, same);
            }
        }
        let flat = fb.ins().ishl_imm_s(flat, 1);
        let bits = fb.ins().bor(taken, flat);
        let slot = fb.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 1, 0));
        fb.ins().stack_store(types::I64, bits, slot, 0);
        ColumnLayout { slot }
    }

    /// Whether each of `flags` is set in the layout's bits (one load).
    fn flags<const N: usize>(&self, fb: &mut FunctionBuilder, flags: [i64; N]) -> [CValue; N] {
        let bits = fb.ins().stack_load(types::I64, types::I8, self.slot, 0);
        flags.map(|flag| {
            let set = fb.ins().band_imm_s(bits, flag);
            fb.ins().icmp_imm_s(IntCC::NotEqual, set, 0)
        })
    }

    /// Whether the group of `lanes` outputs from `o` (last outer coordinate
    /// `col`) takes the path.
    pub(super) fn group_fits(&self, fb: &mut FunctionBuilder, o: CValue, col: CValue, end: CValue, last_dim: CValue, lanes: i64) -> CValue {
        let [taken, flat] = self.flags(fb, [Self::TAKEN, Self::FLAT]);
        let group_end = fb.ins().iadd_imm_s(o, lanes);
        let fits = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, group_end, end);
        let col_end = fb.ins().iadd_imm_s(col, lanes);
        let one_run = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, col_end, last_dim);
        let consecutive = fb.ins().bor(one_run, flat);
        let ok = fb.ins().band(fits, consecutive);
        fb.ins().band(ok, taken)
    }

    /// How many column vectors from output `o` (last outer coordinate
    /// `col`) one strip may take (`column_strip.rs`): at most `most`,
    /// within the launch's range, and within one run of the last outer
    /// coordinate unless the inputs are flat. Only asked where the group
    /// from `o` fits.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn strip_vectors(&self, fb: &mut FunctionBuilder, o: CValue, col: CValue, end: CValue, last_dim: CValue, lanes: u32, most: i64) -> CValue {
        let [flat] = self.flags(fb, [Self::FLAT]);
        let in_range = fb.ins().isub(end, o);
        let in_run = fb.ins().isub(last_dim, col);
        let in_run = fb.ins().umin(in_range, in_run);
        let outputs = fb.ins().select(flat, in_range, in_run);
        let vectors = fb.ins().ushr_imm_s(outputs, lanes.trailing_zeros() as i64);
        let most = fb.ins().iconst(types::I64, most);
        fb.ins().umin(vectors, most)
    }
}

/// Vectors of outputs per step of the column path: over a leading axis,
/// four make a 64-byte cache line of each row for 4-byte elements; short
/// rows take one (`lanes` outputs, whose accumulators make one square
/// block).
pub(super) fn column_groups(steps: &[LaneStep]) -> usize {
    if steps.iter().any(|s| s.is_row()) {
        1
    } else {
        4
    }
}

/// The kernel around a column group's or strip's reductions, over the
/// outputs from `o` on: the per-row values before the reductions, the same
/// for every output (`column_inputs`), found once at `o`; then, output by
/// output, what follows the reductions, and the stores.
pub(super) struct ColumnOutputs<'a> {
    pub vem: &'a Emitter<'a>,
    pub sem: &'a Emitter<'a>,
    pub plans: &'a [InputPlan],
    outer_dims: &'a [CValue],
    out_bases: &'a [CValue],
    pub inner: &'a [bool],
    live: &'a [bool],
    level: &'a [u32],
    scalar_vals: Vec<Option<CValue>>,
    /// Per-row values splatted, for the inner bodies.
    pub vector_vals: Vec<Option<CValue>>,
}

impl<'a> ColumnOutputs<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(fb: &mut FunctionBuilder, vem: &'a Emitter<'a>, sem: &'a Emitter<'a>, plans: &'a [InputPlan], outer_dims: &'a [CValue], out_bases: &'a [CValue], inner: &'a [bool], live: &'a [bool], level: &'a [u32], o: CValue) -> Self {
        let k = vem.kernel;
        let mut c = ColumnOutputs { vem, sem, plans, outer_dims, out_bases, inner, live, level, scalar_vals: Vec::new(), vector_vals: Vec::new() };
        let (mut scalar_vals, mut vector_vals) = (vec![None; k.insts.len()], vec![None; k.insts.len()]);
        emit_outer(fb, vem, sem, plans, outer_dims, o, |i| c.per_row(i, 0), &mut scalar_vals, &mut vector_vals);
        (c.scalar_vals, c.vector_vals) = (scalar_vals, vector_vals);
        c
    }

    fn per_row(&self, i: usize, l: u32) -> bool {
        self.live[i] && self.vem.kernel.is_row_value(i, l, self.inner, self.level)
    }

    /// Whether `store_lanes` can take the group's outputs: what follows
    /// the reductions is computed from their results and from values the
    /// same in every lane only (no per-row load, no cold region), in
    /// vectors of the group's lanes, and stored into outputs whose
    /// elements are side by side.
    pub(super) fn lanes_fit(&self, reds: &[Red]) -> bool {
        let (k, vem) = (self.vem.kernel, self.vem);
        if !reds.iter().all(|r| r.fills_lanes(vem)) {
            return false;
        }
        let mut known: Vec<bool> = self.vector_vals.iter().map(Option::is_some).collect();
        for r in reds {
            known[r.inst] = true;
        }
        let mut in_cold_region = false;
        for (i, inst) in k.insts.iter().enumerate() {
            in_cold_region |= matches!(inst.op, Op::ColdBegin(..));
            if !self.per_row(i, 1) {
                in_cold_region &= !matches!(inst.op, Op::ColdEnd(..));
                continue;
            }
            let mut operands_known = true;
            inst.op.for_each_operand(|v| operands_known &= known[v.0 as usize]);
            let lanes_wide = !inst.ty.is_bool() && inst.ty.size() * vem.lanes as usize == 16;
            if in_cold_region || matches!(inst.op, Op::Load(_) | Op::ColdBegin(..) | Op::ColdEnd(..)) || !operands_known || !lanes_wide {
                return false;
            }
            known[i] = true;
        }
        k.outputs.iter().enumerate().all(|(n, v)| known[v.0 as usize] && k.output_step(n) == 1 && !k.ty(*v).is_bool())
    }

    /// The outputs from `o` on, `values[i]` holding reduction `i`'s value
    /// of each in a lane (where `lanes_fit`): what follows the
    /// reductions, in vectors, and one vector store per output.
    pub(super) fn store_lanes(&self, fb: &mut FunctionBuilder, reds: &[Red], o: CValue, values: &[CValue]) {
        let k = self.vem.kernel;
        let mut vals = self.vector_vals.clone();
        for (r, &v) in reds.iter().zip(values) {
            vals[r.inst] = Some(v);
        }
        for i in 0..k.insts.len() {
            if self.per_row(i, 1) {
                let v = self.vem.emit(fb, i, &|a| vals[a.0 as usize].expect("lanes_fit found every operand"));
                vals[i] = Some(v);
            }
        }
        for (n, v) in k.outputs.iter().enumerate() {
            store_output(fb, k, n, self.out_bases[n], o, vals[v.0 as usize].expect("lanes_fit found every output"));
        }
    }

    /// Output `ol`, given its value of each of `reds`: what follows the
    /// reductions, and the stores.
    pub(super) fn store(&self, fb: &mut FunctionBuilder, reds: &[Red], ol: CValue, values: &[CValue]) {
        let k = self.vem.kernel;
        let mut lane_vals = self.scalar_vals.clone();
        let mut unused = self.vector_vals.clone();
        for (r, &v) in reds.iter().zip(values) {
            lane_vals[r.inst] = Some(v);
        }
        emit_outer(fb, self.vem, self.sem, self.plans, self.outer_dims, ol, |i| self.per_row(i, 1), &mut lane_vals, &mut unused);
        for (n, v) in k.outputs.iter().enumerate() {
            store_output(fb, k, n, self.out_bases[n], ol, lane_vals[v.0 as usize].expect("outputs are computed"));
        }
    }
}

/// `column_groups(steps) * vem.lanes` outputs from `o` on through the column
/// path, stored; `reds` are the kernel's (one level of) reductions,
/// `needed` the inner values they fold (`needed_for`).
pub(super) fn emit_column_group(fb: &mut FunctionBuilder, outs: &ColumnOutputs, inputs: &[ColumnInput], reds: &[Red], needed: &[bool], o: CValue, inner_len: CValue) {
    let vem = outs.vem;
    let steps: Vec<LaneStep> = inputs.iter().map(|c| c.step).collect();
    let groups = column_groups(&steps);
    let lanes_out = groups == 1 && steps.iter().any(|s| s.is_row()) && outs.lanes_fit(reds);
    let results = emit_columns(fb, vem, outs.sem, outs.plans, reds, needed, &outs.vector_vals, inputs, inner_len, groups, lanes_out);
    for l in 0..vem.lanes as usize * groups {
        let ol = fb.ins().iadd_imm_s(o, l as i64);
        let values: Vec<CValue> = results.per_output.iter().map(|per_lane| per_lane[l]).collect();
        outs.store(fb, reds, ol, &values);
    }
    if let Some((single, values)) = results.only {
        let stored = fb.create_block();
        fb.ins().jump(stored, &[]);
        fb.switch_to_block(single);
        outs.store_lanes(fb, reds, o, &values);
        fb.ins().jump(stored, &[]);
        fb.switch_to_block(stored);
    }
}
