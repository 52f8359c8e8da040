//! Reduction kernels -> MLIR text: two entries that follow the one
//! accumulation order of `kernel_ir::reduce`, so a GPU sum has the CPU's
//! and the interpreter's bits.
//!
//! That order folds element `r` of a row into lane `r % 8` of block
//! `r / 1024`, combines each block's eight lanes pairwise, and folds the
//! blocks into a running total one after another. The lanes of all blocks
//! of all rows are independent, which is where the GPU's parallelism is:
//!
//! * `<name>_lanes` runs one thread per (row, block, lane): it folds that
//!   lane's (at most 128) elements in order and writes the lane value to a
//!   scratch buffer, slot `((row * blocks + block) * 8 + lane) * R + q`
//!   (8 bytes each) for the kernel's `R` reductions;
//! * `<name>` runs one thread per row: it combines each block's lanes in
//!   the fixed tree, folds the blocks into the total (f64 for float sums
//!   and f32 products, Neumaier-compensated for f64 sums, as the
//!   interpreter's `Acc`), finishes, computes what the row needs after its
//!   reductions, and stores the outputs.
//!
//! Both take the CPU ABI's words (inputs, outputs, outer then inner dims,
//! each strided input's strides over the dims of its space) and then the
//! scratch buffer's address. Kernels with several levels of reductions
//! (softmax's max then sum) or row outputs are not lowered yet.

use super::lower_inst::{const_op, mem_ty, mlir_ty, Body};
use super::mlir_text::{emit_insts, grid_stride_bounds, interleaved, store_outputs, strided_offset, unravel, GPU_MODULE};
use crate::kernel_ir::{Access, Kernel, Op, ReduceOp, Space, REDUCE_BLOCK, REDUCE_LANES};
use lazyxp_runtime::{DType, Error, Result};
use std::fmt::Write;

/// The entry of the lanes phase for finishing entry `entry`.
pub fn lanes_entry(entry: &str) -> String {
    format!("{entry}_lanes")
}

/// Bytes of one scratch slot.
pub const SLOT_BYTES: usize = 8;

/// The live reductions of `k`, in instruction order: (instruction, op,
/// operand, dtype).
fn reductions(k: &Kernel, live: &[bool]) -> Vec<(usize, ReduceOp, usize, DType)> {
    k.insts
        .iter()
        .enumerate()
        .filter_map(|(i, inst)| match inst.op {
            Op::Reduce(op, a) if live[i] => Some((i, op, a.0 as usize, inst.ty)),
            _ => None,
        })
        .collect()
}

/// Number of scratch slots per lane: the kernel's live reductions.
pub fn slots_per_lane(k: &Kernel) -> usize {
    reductions(k, &k.live()).len()
}

/// Emits the module with both entries for reduction kernel `k` (math
/// expanded), or `Error::Unsupported` for the shapes not lowered yet.
pub fn emit_module(k: &Kernel, entry: &str) -> Result<String> {
    let unsupported = |m: &str| Error::Unsupported(format!("CUDA backend, kernel {}: {m}", k.name));
    if k.reduction_passes() != 1 || k.row_outputs {
        return Err(unsupported("reductions over several passes or with row outputs are not lowered to PTX yet"));
    }
    let live = k.live();
    if reductions(k, &live).is_empty() {
        return Err(unsupported("a reduction kernel without a live reduction"));
    }
    for &(_, op, _, ty) in &reductions(k, &live) {
        if ty == DType::Bool && !matches!(op, ReduceOp::And | ReduceOp::Or) {
            return Err(unsupported(&format!("reduce.{op} of bool")));
        }
    }
    let mut m = String::new();
    let _ = writeln!(m, "// kernel {} (rank {}, reduced rank {}), lowered from kernel IR by lazyxp", k.name, k.rank, k.reduce_rank);
    let _ = writeln!(m, "module attributes {{gpu.container_module}} {{");
    let _ = writeln!(m, "  gpu.module @{GPU_MODULE} {{");
    for (name, body) in [(lanes_entry(entry), lanes_body(k, &live)?), (entry.to_string(), finish_body(k, &live)?)] {
        let _ = writeln!(m, "    gpu.func @{name}({}) kernel {{", params(k).join(", "));
        m.push_str(&body);
        let _ = writeln!(m, "    }}");
    }
    let _ = writeln!(m, "  }}");
    let _ = writeln!(m, "}}");
    Ok(m)
}

fn params(k: &Kernel) -> Vec<String> {
    let dims = (k.rank + k.reduce_rank) as usize;
    let mut p = vec!["%start: i64".to_string(), "%end: i64".to_string()];
    p.extend((0..k.inputs.len()).map(|i| format!("%in{i}: !llvm.ptr<1>")));
    p.extend((0..k.outputs.len()).map(|o| format!("%out{o}: !llvm.ptr<1>")));
    p.extend((0..dims).map(|d| format!("%dim{d}: i64")));
    for i in k.strided_inputs() {
        p.extend((0..k.input_rank(i)).map(|d| format!("%st{i}_{d}: i64")));
    }
    p.push("%scratch: !llvm.ptr<1>".to_string());
    p
}

/// The grid-stride loop's bounds, the row length, the blocks per row and
/// nonzero divisors for unravelling.
fn prelude(b: &mut Body, k: &Kernel) {
    grid_stride_bounds(b);
    b.line("%c1 = arith.constant 1 : i64");
    b.line(&format!("%clanes = arith.constant {REDUCE_LANES} : i64"));
    b.line(&format!("%cblock = arith.constant {REDUCE_BLOCK} : i64"));
    b.line(&format!("%cblockm1 = arith.constant {} : i64", REDUCE_BLOCK - 1));
    b.line(&format!("%cslots = arith.constant {} : i64", slots_per_lane(k)));
    let (rank, dims) = (k.rank as usize, (k.rank + k.reduce_rank) as usize);
    b.line("%len0 = arith.constant 1 : i64");
    for d in rank..dims {
        b.line(&format!("%len{} = arith.muli %len{}, %dim{d} : i64", d - rank + 1, d - rank));
    }
    b.line(&format!("%inner = arith.addi %len{}, %c0 : i64", dims - rank));
    b.line("%nb0 = arith.addi %inner, %cblockm1 : i64");
    b.line("%nb = arith.divui %nb0, %cblock : i64");
    b.line("%nb1 = arith.maxui %nb, %c1 : i64");
    for d in 0..dims {
        b.line(&format!("%dm{d} = arith.maxui %dim{d}, %c1 : i64"));
    }
}

/// Where input `n` is read for row `%o` (outer inputs) or for inner element
/// `flat` (inner inputs), with the row's coordinates in `%ox..` and the
/// element's in `%ix..`.
fn element_of(b: &mut Body, k: &Kernel, n: u32, flat: &str) -> String {
    let input = k.inputs[n as usize];
    let (index, prefix) = match input.space {
        Space::Outer => ("%o", "ox"),
        Space::Inner => (flat, "ix"),
    };
    match input.access {
        Access::Scalar => "%c0".to_string(),
        Access::Contiguous => index.to_string(),
        Access::Interleaved { part } => interleaved(b, index, part),
        Access::Strided => strided_offset(b, n, k.input_rank(n as usize) as usize, prefix),
    }
}

/// The row's values of `level` (per row, not per inner element), e.g.
/// outer loads and what is computed from them.
fn per_row(b: &mut Body, k: &Kernel, live: &[bool], level: u32) -> Result<()> {
    let (inner, levels) = (k.inner_insts(), k.levels());
    let wanted = |i: usize| live[i] && !inner[i] && levels[i] == level && !matches!(k.insts[i].op, Op::Reduce(..));
    emit_insts(b, k, &wanted, &mut |b: &mut Body, n: u32| element_of(b, k, n, "%o"))
}

/// Address of scratch slot `slot` (an i64 name).
fn slot_ptr(b: &mut Body, slot: &str) -> String {
    let p = b.fresh();
    b.line(&format!("{p} = llvm.getelementptr %scratch[{slot}] : (!llvm.ptr<1>, i64) -> !llvm.ptr<1>, i64"));
    p
}

/// `<name>_lanes`: thread `t` folds lane `t % 8` of block `t / 8 % blocks`
/// of row `t / 8 / blocks` and writes it to its slots.
fn lanes_body(k: &Kernel, live: &[bool]) -> Result<String> {
    let mut b = Body::new(k);
    prelude(&mut b, k);
    let reds = reductions(k, live);
    let inner = k.inner_insts();
    let dims = (k.rank + k.reduce_rank) as usize;
    b.line("scf.for %t = %lb to %end step %step : i64 {");
    b.indent += 1;
    b.line("%lane = arith.remui %t, %clanes : i64");
    b.line("%q = arith.divui %t, %clanes : i64");
    b.line("%blk = arith.remui %q, %nb1 : i64");
    b.line("%o = arith.divui %q, %nb1 : i64");
    unravel(&mut b, "%o", k.rank as usize, "ox");
    per_row(&mut b, k, live, 0)?;
    // This lane's elements: r = blk * 1024 + lane + 8 m, m < count.
    b.line("%first0 = arith.muli %blk, %cblock : i64");
    b.line("%first = arith.addi %first0, %lane : i64");
    b.line("%left = arith.subi %inner, %first : i64");
    b.line("%left0 = arith.maxsi %left, %c0 : i64");
    b.line("%cl1 = arith.constant 7 : i64");
    b.line("%count0 = arith.addi %left0, %cl1 : i64");
    b.line("%count1 = arith.divui %count0, %clanes : i64");
    b.line(&format!("%cper = arith.constant {} : i64", REDUCE_BLOCK / REDUCE_LANES));
    b.line("%count = arith.minui %count1, %cper : i64");
    b.line("%rowstart = arith.muli %o, %inner : i64");
    let ids: Vec<String> = reds.iter().map(|&(_, op, _, ty)| const_op(ty, op.identity(ty).to_bits())).collect();
    for (q, id) in ids.iter().enumerate() {
        b.line(&format!("%id{q} = {id}"));
    }
    let accs: Vec<String> = (0..reds.len()).map(|q| format!("%acc{q} = %id{q}")).collect();
    let tys: Vec<&str> = reds.iter().map(|r| mlir_ty(r.3)).collect();
    b.line(&format!("%lanev:{} = scf.for %m = %c0 to %count step %c1 iter_args({}) -> ({}) : i64 {{", reds.len(), accs.join(", "), tys.join(", ")));
    b.indent += 1;
    b.line("%m8 = arith.muli %m, %clanes : i64");
    b.line("%r = arith.addi %first, %m8 : i64");
    b.line("%flat = arith.addi %rowstart, %r : i64");
    if k.inputs.iter().any(|i| i.access == Access::Strided && i.space == Space::Inner) {
        unravel(&mut b, "%flat", dims, "ix");
    }
    let wanted = |i: usize| live[i] && inner[i];
    emit_insts(&mut b, k, &wanted, &mut |b: &mut Body, n: u32| element_of(b, k, n, "%flat"))?;
    let mut next = Vec::new();
    for (q, &(_, op, a, ty)) in reds.iter().enumerate() {
        let v = b.name(a).to_string();
        let rhs = b.binary(op.binary(), ty, &format!("%acc{q}"), &v)?;
        next.push(b.emit(rhs));
    }
    b.line(&format!("scf.yield {} : {}", next.join(", "), tys.join(", ")));
    b.indent -= 1;
    b.line("}");
    b.line("%slot0 = arith.muli %t, %cslots : i64");
    for (q, &(_, _, _, ty)) in reds.iter().enumerate() {
        let slot = b.emit(format!("arith.addi %slot0, {} : i64", b_const(q)));
        let p = slot_ptr(&mut b, &slot);
        let v = if ty == DType::Bool { b.emit(format!("arith.extui %lanev#{q} : i1 to i8")) } else { format!("%lanev#{q}") };
        b.line(&format!("llvm.store {v}, {p} {{alignment = {} : i64}} : {}, !llvm.ptr<1>", ty.size().max(1), mem_ty(ty)));
    }
    b.indent -= 1;
    b.line("}");
    b.line("gpu.return");
    Ok(with_small_constants(b.text, reds.len()))
}

/// The name of the i64 constant `q` (MLIR has no inline constant operands).
fn b_const(q: usize) -> String {
    format!("%cq{q}")
}

/// `<name>`: thread `o` folds row `o`'s blocks into its totals, finishes
/// them and stores the row's outputs.
fn finish_body(k: &Kernel, live: &[bool]) -> Result<String> {
    let mut b = Body::new(k);
    prelude(&mut b, k);
    let reds = reductions(k, live);
    b.line("%zero64 = arith.constant 0.0 : f64");
    b.line("scf.for %o = %lb to %end step %step : i64 {");
    b.indent += 1;
    unravel(&mut b, "%o", k.rank as usize, "ox");
    per_row(&mut b, k, live, 0)?;
    // Each reduction carries its total (f64 where the op widens) and a
    // Neumaier compensation (used by f64 sums only).
    let total_ty = |op: ReduceOp, ty: DType| if op.widens(ty) { DType::Float64 } else { ty };
    let mut carried = Vec::new();
    let mut carried_tys = Vec::new();
    for (q, &(_, op, _, ty)) in reds.iter().enumerate() {
        let tt = total_ty(op, ty);
        let init = if op.widens(ty) { const_op(tt, (if op == ReduceOp::Add { -0.0f64 } else { 1.0 }).to_bits() as u128) } else { const_op(ty, op.identity(ty).to_bits()) };
        b.line(&format!("%init{q} = {init}"));
        carried.push(format!("%tot{q} = %init{q}"));
        carried.push(format!("%cmp{q} = %zero64"));
        carried_tys.push(mlir_ty(tt));
        carried_tys.push("f64");
    }
    b.line(&format!(
        "%fin:{} = scf.for %bk = %c0 to %nb step %c1 iter_args({}) -> ({}) : i64 {{",
        carried.len(),
        carried.join(", "),
        carried_tys.join(", ")
    ));
    b.indent += 1;
    b.line("%rb = arith.muli %o, %nb : i64");
    b.line("%rbk = arith.addi %rb, %bk : i64");
    b.line("%lane0 = arith.muli %rbk, %clanes : i64");
    let mut next = Vec::new();
    for (q, &(_, op, _, ty)) in reds.iter().enumerate() {
        let t = mlir_ty(ty);
        let mut lanes = Vec::new();
        for j in 0..REDUCE_LANES {
            let tj = b.emit(format!("arith.addi %lane0, {} : i64", b_const(j)));
            let s0 = b.emit(format!("arith.muli {tj}, %cslots : i64"));
            let slot = b.emit(format!("arith.addi {s0}, {} : i64", b_const(q)));
            let p = slot_ptr(&mut b, &slot);
            let v = if ty == DType::Bool {
                let byte = b.emit(format!("llvm.load {p} : !llvm.ptr<1> -> i8"));
                b.emit(format!("arith.trunci {byte} : i8 to i1"))
            } else {
                b.emit(format!("llvm.load {p} {{alignment = {} : i64}} : !llvm.ptr<1> -> {t}", ty.size()))
            };
            lanes.push(v);
        }
        // ((l0 op l1) op (l2 op l3)) op ((l4 op l5) op (l6 op l7))
        while lanes.len() > 1 {
            let mut paired = Vec::new();
            for pair in lanes.chunks(2) {
                let rhs = b.binary(op.binary(), ty, &pair[0], &pair[1])?;
                paired.push(b.emit(rhs));
            }
            lanes = paired;
        }
        let block = lanes.pop().expect("eight lanes");
        let (tot, cmp) = (format!("%tot{q}"), format!("%cmp{q}"));
        let (nt, nc) = match (op, ty) {
            (ReduceOp::Add, DType::Float64) => {
                let s = b.emit(format!("arith.addf {tot}, {block} : f64"));
                let at = b.unary(crate::kernel_ir::UnaryOp::Abs, DType::Float64, &tot)?.expect("float abs");
                let at = b.emit(at);
                let ab = b.unary(crate::kernel_ir::UnaryOp::Abs, DType::Float64, &block)?.expect("float abs");
                let ab = b.emit(ab);
                let ge = b.emit(format!("arith.cmpf oge, {at}, {ab} : f64"));
                let d1 = b.emit(format!("arith.subf {tot}, {s} : f64"));
                let c1 = b.emit(format!("arith.addf {d1}, {block} : f64"));
                let d2 = b.emit(format!("arith.subf {block}, {s} : f64"));
                let c2 = b.emit(format!("arith.addf {d2}, {tot} : f64"));
                let c = b.emit(format!("arith.select {ge}, {c1}, {c2} : f64"));
                let ss = b.emit(format!("arith.subf {s}, {s} : f64"));
                let finite = b.emit(format!("arith.cmpf oeq, {ss}, %zero64 : f64"));
                let added = b.emit(format!("arith.addf {cmp}, {c} : f64"));
                let nc = b.emit(format!("arith.select {finite}, {added}, {cmp} : f64"));
                (s, nc)
            }
            (ReduceOp::Add | ReduceOp::Mul, DType::Float32) => {
                let wide = b.emit(format!("arith.extf {block} : f32 to f64"));
                let f = if op == ReduceOp::Add { "addf" } else { "mulf" };
                (b.emit(format!("arith.{f} {tot}, {wide} : f64")), cmp.clone())
            }
            _ => {
                let rhs = b.binary(op.binary(), total_ty(op, ty), &tot, &block)?;
                (b.emit(rhs), cmp.clone())
            }
        };
        next.push(nt);
        next.push(nc);
    }
    b.line(&format!("scf.yield {} : {}", next.join(", "), carried_tys.join(", ")));
    b.indent -= 1;
    b.line("}");
    b.line("%empty = arith.cmpi eq, %inner, %c0 : i64");
    for (q, &(i, op, _, ty)) in reds.iter().enumerate() {
        let (tot, cmp) = (format!("%fin#{}", 2 * q), format!("%fin#{}", 2 * q + 1));
        let done = match (op, ty) {
            (ReduceOp::Add, DType::Float64) => b.emit(format!("arith.addf {tot}, {cmp} : f64")),
            (ReduceOp::Add | ReduceOp::Mul, DType::Float32) => b.emit(format!("arith.truncf {tot} : f64 to f32")),
            _ => tot,
        };
        let done = if op == ReduceOp::Add {
            let zero = b.emit(const_op(ty, 0));
            b.emit(format!("arith.select %empty, {zero}, {done} : {}", mlir_ty(ty)))
        } else {
            done
        };
        b.names[i] = done;
    }
    per_row(&mut b, k, live, 1)?;
    store_outputs(&mut b, k, "%o");
    b.indent -= 1;
    b.line("}");
    b.line("gpu.return");
    Ok(with_small_constants(b.text, reds.len()))
}

/// `text` after the small constants the bodies name (`%cq<j>`, for lanes
/// and reduction numbers up to `reductions`).
fn with_small_constants(text: String, reductions: usize) -> String {
    let consts: String = (0..REDUCE_LANES.max(reductions))
        .map(|j| format!("{}{} = arith.constant {j} : i64\n", "  ".repeat(3), b_const(j)))
        .collect();
    consts + &text
}
