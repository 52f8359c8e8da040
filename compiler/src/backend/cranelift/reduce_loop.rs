//! The loop skeleton of reduction kernels: for each output element, walk
//! the inner (reduced) index space in blocks, following exactly the
//! accumulation order of `kernel_ir::reduce` (the interpreter spells the
//! same order out element by element).
//!
//! Per block, `8 / lanes` vector accumulators rotate through the steps, so
//! element `r` always lands in lane `r % 8`; every step is masked (lanes
//! past the block's end fold in the identity), which keeps one copy of the
//! kernel body for full and partial steps. At the block's end the eight
//! lanes combine pairwise in scalar code and join the running total.

use super::emit::Emitter;
use super::skeleton::{element_addr, load_input, mem, strided_offset, unpack_launch_words, InputPlan, LaunchWords};
use super::types::scalar_type;
use crate::kernel_ir::{Kernel, Op, ReduceOp, Space, Value, REDUCE_BLOCK, REDUCE_LANES};
use cranelift_codegen::ir::{
    condcodes::{FloatCC, IntCC},
    types, BlockArg, Function, InstBuilder, Type, Value as CValue,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use lazyxp_runtime::{DType, Scalar};

/// One `reduce` instruction's place in the loop state.
struct Red {
    inst: usize,
    op: ReduceOp,
    ty: DType,
    /// Float sums of f64 values keep a Neumaier compensation term.
    compensated: bool,
    /// The running total's type: f64 when the op widens, else the value type.
    total_ty: Type,
}

fn args_of(vals: &[CValue]) -> Vec<BlockArg> {
    vals.iter().map(|&v| BlockArg::Value(v)).collect()
}

pub fn build_function(func: &mut Function, vem: &Emitter, sem: &Emitter, target: cranelift_codegen::isa::TargetFrontendConfig) {
    let k: &Kernel = vem.kernel;
    let lanes = vem.lanes as i64;
    let unroll = REDUCE_LANES as i64 / lanes;
    let (rank, rrank) = (k.rank as usize, k.reduce_rank as usize);
    let inner = k.inner_insts();
    let after = depends_on_reduce(k);
    let live = k.live();
    let reds: Vec<Red> = k
        .insts
        .iter()
        .enumerate()
        .filter_map(|(i, inst)| match inst.op {
            Op::Reduce(op, _) => Some(Red {
                inst: i,
                op,
                ty: inst.ty,
                compensated: op == ReduceOp::Add && inst.ty == DType::Float64,
                total_ty: if op.widens(inst.ty) { types::F64 } else { scalar_type(inst.ty) },
            }),
            _ => None,
        })
        .collect();

    let mut fctx = FunctionBuilderContext::new();
    let mut fb = FunctionBuilder::new(func, &mut fctx);
    let entry = fb.create_block();
    let outer_head = fb.create_block();
    let row = fb.create_block();
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
    let row_done = fb.create_block();
    let exit = fb.create_block();

    // entry: unpack the launch words.
    let LaunchWords { start, end, bases, dims, plans } = unpack_launch_words(&mut fb, k, entry);
    let n_in = k.inputs.len();
    let mut inner_len = fb.ins().iconst(types::I64, 1);
    for &d in &dims[rank..] {
        inner_len = fb.ins().imul(inner_len, d);
    }
    // Lane numbers and an all-lanes mask, for masking partial steps.
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
    fb.ins().brif(more, row, &[], exit, &[]);

    // row: outer values, in scalar form (for after the loop) and splatted
    // (for the inner body); the totals start.
    fb.switch_to_block(row);
    let mut scalar_vals: Vec<Option<CValue>> = vec![None; k.insts.len()];
    let mut vector_vals: Vec<Option<CValue>> = vec![None; k.insts.len()];
    for (i, inst) in k.insts.iter().enumerate() {
        if inner[i] || after[i] || !live[i] {
            continue;
        }
        let sv = match inst.op {
            Op::Load(n) => load_outer(&mut fb, &plans[n as usize], k.inputs[n as usize].dtype, o, &dims[..rank]),
            _ => sem.emit(&mut fb, i, &|v: Value| scalar_vals[v.0 as usize].expect("outer operand")),
        };
        scalar_vals[i] = Some(sv);
        vector_vals[i] = Some(if lanes > 1 { splat(&mut fb, vem, inst.ty, sv) } else { sv });
    }
    // Then a multiply per lane instead of an unravel per element.
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
    let mut init_totals = Vec::new();
    for r in &reds {
        init_totals.push(total_identity(&mut fb, r));
        if r.compensated {
            init_totals.push(fb.ins().f64const(0.0));
        }
    }
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
    let in_range = fb.ins().icmp(IntCC::UnsignedLessThan, r0, inner_len);
    fb.ins().brif(in_range, block_start, &[], row_done, &args_of(&totals));

    // block_start: the block's end and its step count (a multiple of the
    // rotation, so the accumulators are back in order at the fold).
    fb.switch_to_block(block_start);
    let blk_end = {
        let e = fb.ins().iadd_imm_s(r0, REDUCE_BLOCK as i64);
        fb.ins().umin(e, inner_len)
    };
    let mut idents = Vec::new();
    for r in &reds {
        let id = vem.constant(&mut fb, r.op.identity(r.ty));
        for _ in 0..unroll {
            idents.push(id);
        }
    }
    let inner_inputs: Vec<usize> = (0..n_in)
        .filter(|&n| k.inputs[n].space == Space::Inner && !matches!(plans[n], InputPlan::Invariant(_)))
        .collect();
    let mut a = vec![BlockArg::Value(r0)];
    a.extend(args_of(&idents));
    fb.ins().jump(group, &a);

    // group(r, accs...): whole groups of eight elements, unrolled over the
    // accumulators with plain loads and no masks -- the hot loop. What is
    // left of the block (fewer than eight) goes to the masked steps.
    let gr = fb.append_block_param(group, types::I64);
    let group_accs: Vec<CValue> = reds
        .iter()
        .flat_map(|r| std::iter::repeat_n(r.ty, unroll as usize))
        .map(|t| fb.append_block_param(group, vem.vty(t)))
        .collect();
    fb.switch_to_block(group);
    let group_end = fb.ins().iadd_imm_s(gr, REDUCE_LANES as i64);
    let whole = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, group_end, blk_end);
    fb.ins().brif(whole, group_body, &[], group_exit, &[]);
    // Leaving the hot loop in its own block keeps the tail's setup out of it.
    fb.switch_to_block(group_exit);
    let rest = fb.ins().icmp(IntCC::UnsignedLessThan, gr, blk_end);
    let unroll_c = fb.ins().iconst(types::I64, unroll);
    let zero_c = fb.ins().iconst(types::I64, 0);
    let rest_steps = fb.ins().select(rest, unroll_c, zero_c);
    let mut a = vec![BlockArg::Value(gr), BlockArg::Value(rest_steps)];
    a.extend(args_of(&group_accs));
    fb.ins().jump(step, &a);
    fb.switch_to_block(group_body);
    let mut next = group_accs.clone();
    for u in 0..unroll {
        let r_u = fb.ins().iadd_imm_s(gr, u * lanes);
        let row_base = fb.ins().imul(o, inner_len);
        let flat = fb.ins().iadd(row_base, r_u);
        let mut loaded = Vec::new();
        for &n in &inner_inputs {
            loaded.push(match row_offsets[n] {
                Some(row) => load_row_strided(&mut fb, vem, &plans[n], k.inputs[n].dtype, row, r_u, None),
                None => load_input(&mut fb, vem, &plans[n], k.inputs[n].dtype, flat, &dims, None),
            });
        }
        let vals = emit_inner_body(&mut fb, vem, &plans, &inner, &live, &vector_vals, &inner_inputs, &loaded);
        for (ri, r) in reds.iter().enumerate() {
            let Op::Reduce(_, operand) = k.insts[r.inst].op else { unreachable!() };
            let slot = ri * unroll as usize + u as usize;
            next[slot] = vem.binary(&mut fb, r.op.binary(), r.ty, next[slot], vals[operand.0 as usize].unwrap());
        }
    }
    let mut a = vec![BlockArg::Value(group_end)];
    a.extend(args_of(&next));
    fb.ins().jump(group, &a);

    // step(r, left, accs...)
    let sr = fb.append_block_param(step, types::I64);
    let left = fb.append_block_param(step, types::I64);
    let accs: Vec<CValue> = reds
        .iter()
        .flat_map(|r| std::iter::repeat_n(r.ty, unroll as usize))
        .map(|t| fb.append_block_param(step, vem.vty(t)))
        .collect();
    fb.switch_to_block(step);
    let done = fb.ins().icmp_imm_s(IntCC::Equal, left, 0);
    fb.ins().brif(done, fold, &args_of(&accs), body_full, &[]);

    // Loads: whole vectors when the step is inside the block, else lanes
    // clamped to the block's last element (masked below).
    fb.switch_to_block(body_full);
    let step_end = fb.ins().iadd_imm_s(sr, lanes);
    let full = fb.ins().icmp(IntCC::UnsignedLessThanOrEqual, step_end, blk_end);
    let row_base = fb.ins().imul(o, inner_len);
    let flat = fb.ins().iadd(row_base, sr);
    let body_full_loads = fb.create_block();
    fb.ins().brif(full, body_full_loads, &[], body_partial, &[]);
    fb.switch_to_block(body_full_loads);
    let mut loaded = Vec::new();
    for &n in &inner_inputs {
        loaded.push(match row_offsets[n] {
            Some(row) => load_row_strided(&mut fb, vem, &plans[n], k.inputs[n].dtype, row, sr, None),
            None => load_input(&mut fb, vem, &plans[n], k.inputs[n].dtype, flat, &dims, None),
        });
    }
    loaded.push(all_lanes);
    fb.ins().jump(compute, &args_of(&loaded));
    fb.switch_to_block(body_partial);
    let last_in_block = {
        let l = fb.ins().iadd(row_base, blk_end);
        fb.ins().iadd_imm_s(l, -1)
    };
    let last_r = fb.ins().iadd_imm_s(blk_end, -1);
    let mut loaded = Vec::new();
    for &n in &inner_inputs {
        loaded.push(match row_offsets[n] {
            Some(row) => load_row_strided(&mut fb, vem, &plans[n], k.inputs[n].dtype, row, sr, Some(last_r)),
            None => load_input(&mut fb, vem, &plans[n], k.inputs[n].dtype, flat, &dims, Some(last_in_block)),
        });
    }
    loaded.push(lane_mask(&mut fb, vem, iota, sr, blk_end));
    fb.ins().jump(compute, &args_of(&loaded));

    // compute(inputs...): the inner body once, then each reduction folds
    // its masked value into the first accumulator and rotates.
    let inner_params: Vec<CValue> = inner_inputs.iter().map(|&n| fb.append_block_param(compute, vem.vty(k.inputs[n].dtype))).collect();
    let mask = fb.append_block_param(compute, if lanes > 1 { vem.vty(DType::Bool) } else { types::I8 });
    fb.switch_to_block(compute);
    let body_vals = emit_inner_body(&mut fb, vem, &plans, &inner, &live, &vector_vals, &inner_inputs, &inner_params);
    let mut next_accs = Vec::new();
    for (ri, r) in reds.iter().enumerate() {
        let Op::Reduce(_, operand) = k.insts[r.inst].op else { unreachable!() };
        let v = body_vals[operand.0 as usize].unwrap();
        let id = vem.constant(&mut fb, r.op.identity(r.ty));
        let vt = fb.func.dfg.value_type(v);
        let m = if lanes > 1 { vem.as_type(&mut fb, mask, vt) } else { mask };
        let masked = if lanes > 1 { fb.ins().bitselect(m, v, id) } else { fb.ins().select(m, v, id) };
        let base = ri * unroll as usize;
        let folded = vem.binary(&mut fb, r.op.binary(), r.ty, accs[base], masked);
        next_accs.extend_from_slice(&accs[base + 1..base + unroll as usize]);
        next_accs.push(folded);
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
        let mut lane_vals = Vec::with_capacity(REDUCE_LANES);
        for u in 0..unroll as usize {
            let acc = fold_accs[ri * unroll as usize + u];
            for lane in 0..lanes {
                let e = if lanes > 1 { fb.ins().extractlane(acc, lane as u8) } else { acc };
                lane_vals.push(scalar_of(&mut fb, r.ty, e, lanes > 1));
            }
        }
        let f = |fb: &mut FunctionBuilder, a, b| sem.binary(fb, r.op.binary(), r.ty, a, b);
        let l = lane_vals;
        let (p01, p23, p45, p67) = (f(&mut fb, l[0], l[1]), f(&mut fb, l[2], l[3]), f(&mut fb, l[4], l[5]), f(&mut fb, l[6], l[7]));
        let (q0, q1) = (f(&mut fb, p01, p23), f(&mut fb, p45, p67));
        let block = f(&mut fb, q0, q1);
        let total = totals[t];
        if r.total_ty == types::F64 && r.ty == DType::Float32 {
            let b = fb.ins().fpromote(types::F64, block);
            new_totals.push(if r.op == ReduceOp::Add { fb.ins().fadd(total, b) } else { fb.ins().fmul(total, b) });
            t += 1;
        } else if r.compensated {
            let comp = totals[t + 1];
            let (nt, nc) = neumaier(&mut fb, total, comp, block);
            new_totals.push(nt);
            new_totals.push(nc);
            t += 2;
        } else {
            new_totals.push(sem.binary(&mut fb, r.op.binary(), r.ty, total, block));
            t += 1;
        }
    }
    let mut a = vec![BlockArg::Value(blk_end)];
    a.extend(args_of(&new_totals));
    fb.ins().jump(block_head, &a);

    // row_done(totals...): final values, the per-output work, stores.
    let total_types: Vec<Type> = totals.iter().map(|&v| fb.func.dfg.value_type(v)).collect();
    let done_totals: Vec<CValue> = total_types.into_iter().map(|t| fb.append_block_param(row_done, t)).collect();
    fb.switch_to_block(row_done);
    let empty = fb.ins().icmp_imm_s(IntCC::Equal, inner_len, 0);
    let mut t = 0;
    for r in &reds {
        let total = done_totals[t];
        let mut v = if r.compensated {
            t += 2;
            fb.ins().fadd(total, done_totals[t - 1])
        } else {
            t += 1;
            if r.total_ty == types::F64 && r.ty == DType::Float32 { fb.ins().fdemote(types::F32, total) } else { total }
        };
        if r.op == ReduceOp::Add {
            // The sum of nothing is +0 (the running total starts at -0).
            let zero = sem.zero(&mut fb, r.ty);
            v = fb.ins().select(empty, zero, v);
        }
        scalar_vals[r.inst] = Some(v);
    }
    for (i, inst) in k.insts.iter().enumerate() {
        if !after[i] || !live[i] || matches!(inst.op, Op::Reduce(..)) {
            continue;
        }
        let v = sem.emit(&mut fb, i, &|v: Value| scalar_vals[v.0 as usize].expect("operand precedes use"));
        scalar_vals[i] = Some(v);
    }
    for (n, v) in k.outputs.iter().enumerate() {
        let size = k.ty(*v).size() as i64;
        let addr = element_addr(&mut fb, bases[n_in + n], o, size);
        fb.ins().store(mem(), scalar_vals[v.0 as usize].unwrap(), addr, 0);
    }
    let no = fb.ins().iadd_imm_s(o, 1);
    match col {
        None => {
            fb.ins().jump(outer_head, &[BlockArg::Value(no)]);
        }
        Some(col) => {
            let next_col = fb.ins().iadd_imm_s(col, 1);
            let same_run = fb.ins().icmp(IntCC::UnsignedLessThan, next_col, dims[rank - 1]);
            let step = fb.create_block();
            let wrap = fb.create_block();
            fb.ins().brif(same_run, step, &[], wrap, &[]);
            fb.switch_to_block(step);
            let mut a = vec![BlockArg::Value(no), BlockArg::Value(next_col)];
            for (p, &n) in row_inputs.iter().enumerate() {
                let next = fb.ins().iadd(offsets[p], row_strides(n)[rank - 1]);
                a.push(BlockArg::Value(next));
            }
            fb.ins().jump(outer_head, &a);
            fb.switch_to_block(wrap);
            let zero = fb.ins().iconst(types::I64, 0);
            let mut a = vec![BlockArg::Value(no), BlockArg::Value(zero)];
            a.extend(args_of(&first_offsets(&mut fb, no)));
            fb.ins().jump(outer_head, &a);
        }
    }

    fb.switch_to_block(exit);
    fb.ins().return_(&[]);
    fb.seal_all_blocks();
    fb.finalize(target);
}

/// The inner instructions once, for one set of loaded inner inputs; outer
/// values come from `outer_vals` (splatted in the row block).
#[allow(clippy::too_many_arguments)]
fn emit_inner_body(
    fb: &mut FunctionBuilder,
    vem: &Emitter,
    plans: &[InputPlan],
    inner: &[bool],
    live: &[bool],
    outer_vals: &[Option<CValue>],
    inner_inputs: &[usize],
    loaded: &[CValue],
) -> Vec<Option<CValue>> {
    let k = vem.kernel;
    let mut vals = outer_vals.to_vec();
    for (i, inst) in k.insts.iter().enumerate() {
        if !inner[i] || !live[i] {
            continue;
        }
        let v = match inst.op {
            Op::Load(n) => match &plans[n as usize] {
                InputPlan::Invariant(s) => splat(fb, vem, inst.ty, *s),
                _ => loaded[inner_inputs.iter().position(|&m| m == n as usize).expect("inner loads are loaded")],
            },
            _ => vem.emit(fb, i, &|v: Value| vals[v.0 as usize].expect("operand precedes use")),
        };
        vals[i] = Some(v);
    }
    vals
}

/// Instructions that need a reduction's final value (directly or not).
fn depends_on_reduce(k: &Kernel) -> Vec<bool> {
    let mut dep = vec![false; k.insts.len()];
    for (i, inst) in k.insts.iter().enumerate() {
        let mut any = matches!(inst.op, Op::Reduce(..));
        inst.op.for_each_operand(|v| any |= dep[v.0 as usize]);
        dep[i] = any;
    }
    dep
}

fn splat(fb: &mut FunctionBuilder, vem: &Emitter, ty: DType, s: CValue) -> CValue {
    if vem.lanes == 1 {
        return s;
    }
    if ty.is_bool() {
        // A 0/1 byte becomes an all-ones / all-zeros lane mask.
        let lane = vem.vty(ty).lane_type();
        let wide = fb.ins().uextend(lane, s);
        let m = fb.ins().ineg(wide);
        return fb.ins().splat(vem.vty(ty), m);
    }
    fb.ins().splat(vem.vty(ty), s)
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
    let mut vec: Option<CValue> = None;
    for lane in 0..vem.lanes as i64 {
        let mut idx = fb.ins().iadd_imm_s(r, lane);
        if let Some(last) = last {
            idx = fb.ins().umin(idx, last);
        }
        let step = fb.ins().imul(idx, stride);
        let off = fb.ins().iadd(row, step);
        let addr = element_addr(fb, base, off, size);
        let e = fb.ins().load(scalar_type(dtype), mem(), addr, 0);
        vec = Some(match vec {
            None if vem.lanes == 1 => e,
            None => fb.ins().splat(vem.vty(dtype), e),
            Some(v) => fb.ins().insertlane(v, e, lane as u8),
        });
    }
    vec.unwrap()
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
