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
//!   lane's (at most 128) elements in order, the block's eight lane
//!   threads combine their values in the fixed tree with warp shuffles,
//!   and lane 0 writes the block's value to a scratch buffer, slot
//!   `(block * rows + row) * R + q` (8 bytes each) for the kernel's `R`
//!   reductions (block-major: the rows phase's warps read 32 rows' values
//!   of a block together);
//! * `<name>` runs one thread per row: it folds the blocks' values into
//!   the total one after another (f64 for float sums
//!   and f32 products, Neumaier-compensated for f64 sums, as the
//!   interpreter's `Acc`), finishes, computes what the row needs after its
//!   reductions, and stores the outputs.
//!
//! Both take the CPU ABI's words (inputs, outputs, outer then inner dims,
//! each strided input's strides over the dims of its space) and then the
//! scratch buffer's address, then the totals buffer's.
//!
//! Kernels with several levels of reductions (a softmax's max, then the
//! sum of `exp(x - max)`) repeat the two phases once per level, as the
//! interpreter walks a row once per level: the rows phase of every level
//! but the last stores each row's finished values to the totals buffer,
//! slot `row * R + q`, where later levels' lanes read them back. A row
//! kernel (`Kernel::row_outputs`: the reductions broadcast back over the
//! row) ends with one more entry, one thread per (row, element), that
//! reads every total of its row and stores the outputs at that element.
//! [`launches`] lists the entries in launch order.

use super::lower_inst::{const_op, mem_ty, mlir_ty, Body};
use super::mlir_text::{emit_insts, grid_stride_bounds, interleaved, store_outputs, strided_offset, unravel, GPU_MODULE};
use crate::kernel_ir::{cold_regions_small, Access, Kernel, Op, ReduceOp, Space, REDUCE_BLOCK, REDUCE_LANES};
use lazyxp_runtime::{DType, Error, Result};
use std::fmt::Write;

/// How many threads an entry of a reduction kernel is launched over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grid {
    /// One per (row, block, lane).
    Lanes,
    /// One per row (output of the reduction).
    Rows,
    /// One per element of every row (a row kernel's stores).
    Elements,
}

/// The entries of reduction kernel `k` (main entry `entry`) in launch
/// order, each with its grid: per level, its lanes phase (`<entry>_lanes`
/// for the first level, `<entry>_lanes<p>` for level `p + 1`) and its
/// rows phase (`<entry>_totals<p>` where it only stores totals, `<entry>`
/// where it stores the outputs), then a row kernel's `<entry>` over every
/// element.
pub fn launches(k: &Kernel, entry: &str) -> Vec<(String, Grid)> {
    let passes = live_passes(k, &k.live()).max(1);
    let mut v = Vec::new();
    for p in 0..passes {
        let lanes = if p == 0 { format!("{entry}_lanes") } else { format!("{entry}_lanes{p}") };
        v.push((lanes, Grid::Lanes));
        let last = p + 1 == passes && !k.row_outputs;
        v.push((if last { entry.to_string() } else { format!("{entry}_totals{p}") }, Grid::Rows));
    }
    if k.row_outputs {
        v.push((entry.to_string(), Grid::Elements));
    }
    v
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

/// A live reduction with its slot number `q` (its place among all live
/// reductions): `(q, (instruction, op, operand, dtype))`.
type SlotReduction = (usize, (usize, ReduceOp, usize, DType));

/// The live reductions whose level `keep` accepts, each with its slot
/// number.
fn reductions_at(k: &Kernel, live: &[bool], keep: impl Fn(u32) -> bool) -> Vec<SlotReduction> {
    let levels = k.levels();
    reductions(k, live).into_iter().enumerate().filter(|(_, r)| keep(levels[r.0])).collect()
}

/// The deepest level of `k`'s live reductions: dead ones emit nothing, so
/// a dead reduction deeper than every live one adds no phase.
fn live_passes(k: &Kernel, live: &[bool]) -> u32 {
    let levels = k.levels();
    reductions(k, live).iter().map(|r| levels[r.0]).max().unwrap_or(0)
}

/// Scratch slots per block (and totals slots per row): the kernel's live
/// reductions.
pub fn slots_per_block(k: &Kernel) -> usize {
    reductions(k, &k.live()).len()
}

/// Emits the module with every entry of reduction kernel `k` (math
/// expanded; see [`launches`]), or `Error::Unsupported` for what is not
/// lowered yet.
pub fn emit_module(k: &Kernel, entry: &str) -> Result<String> {
    let unsupported = |m: &str| Error::Unsupported(format!("CUDA backend, kernel {}: {m}", k.name));
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
    let passes = live_passes(k, &live).max(1);
    for (n, (name, grid)) in launches(k, entry).into_iter().enumerate() {
        // Entries come in (lanes, rows) pairs, one pair per pass.
        let pass = (n / 2) as u32;
        let body = match grid {
            Grid::Lanes => lanes_body(k, &live, pass)?,
            Grid::Rows if pass + 1 < passes || k.row_outputs => totals_body(k, &live, pass)?,
            Grid::Rows => finish_body(k, &live)?,
            Grid::Elements => elements_body(k, &live)?,
        };
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
    p.push("%totals: !llvm.ptr<1>".to_string());
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
    b.line(&format!("%cslots = arith.constant {} : i64", slots_per_block(k)));
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

/// The row's values up to level `through` (per row, not per inner
/// element): outer loads and what is computed from them and from the
/// reductions of those levels, which must be named already.
fn per_row(b: &mut Body, k: &Kernel, live: &[bool], through: u32) -> Result<()> {
    let (inner, levels) = (k.inner_insts(), k.levels());
    for level in 0..=through {
        let wanted = |i: usize| live[i] && k.is_row_value(i, level, &inner, &levels);
        emit_insts(b, k, &wanted, &mut |b: &mut Body, n: u32| element_of(b, k, n, "%o"))?;
    }
    Ok(())
}

/// Address of scratch slot `slot` (an i64 name) of buffer `buf`
/// (`%scratch` or `%totals`).
fn slot_ptr(b: &mut Body, buf: &str, slot: &str) -> String {
    let p = b.fresh();
    b.line(&format!("{p} = llvm.getelementptr {buf}[{slot}] : (!llvm.ptr<1>, i64) -> !llvm.ptr<1>, i64"));
    p
}

/// Stores `v` (of `ty`; a bool as one byte) into a slot.
fn store_slot(b: &mut Body, v: &str, ty: DType, p: &str) {
    let v = if ty == DType::Bool { b.emit(format!("arith.extui {v} : i1 to i8")) } else { v.to_string() };
    b.line(&format!("llvm.store {v}, {p} {{alignment = {} : i64}} : {}, !llvm.ptr<1>", ty.size().max(1), mem_ty(ty)));
}

/// Loads a slot as a `ty`.
fn load_slot(b: &mut Body, ty: DType, p: &str) -> String {
    if ty == DType::Bool {
        let byte = b.emit(format!("llvm.load {p} : !llvm.ptr<1> -> i8"));
        b.emit(format!("arith.trunci {byte} : i8 to i1"))
    } else {
        b.emit(format!("llvm.load {p} {{alignment = {} : i64}} : !llvm.ptr<1> -> {}", ty.size(), mlir_ty(ty)))
    }
}

/// Address of row `%o`'s totals slot for reduction `q`, slot `o * R + q`
/// from `%tot_row` (`o * R`, which the body names first).
fn total_ptr(b: &mut Body, q: usize) -> String {
    let slot = b.emit(format!("arith.addi %tot_row, {} : i64", b_const(q)));
    slot_ptr(b, "%totals", &slot)
}

/// Names row `%o`'s finished reductions of levels `1..=through` by
/// loading them from the totals buffer.
fn load_totals(b: &mut Body, k: &Kernel, live: &[bool], through: u32) {
    b.line("%tot_row = arith.muli %o, %cslots : i64");
    for (q, (i, _, _, ty)) in reductions_at(k, live, |l| l <= through) {
        let p = total_ptr(b, q);
        b.names[i] = load_slot(b, ty, &p);
    }
}

/// `<name>_lanes<p>`: thread `t` folds lane `t % 8` of block `t / 8 % blocks`
/// of row `t / 8 / blocks` for the reductions of level `pass + 1`; the
/// block's eight lanes combine their values and lane 0 writes them to the
/// block's slots. The inner values of levels up to `pass` are computed
/// from the totals of earlier levels.
fn lanes_body(k: &Kernel, live: &[bool], pass: u32) -> Result<String> {
    let mut b = Body::new(k);
    prelude(&mut b, k);
    let reds = reductions_at(k, live, |l| l == pass + 1);
    let (inner, levels) = (k.inner_insts(), k.levels());
    let dims = (k.rank + k.reduce_rank) as usize;
    b.line("scf.for %t = %lb to %end step %step : i64 {");
    b.indent += 1;
    b.line("%lane = arith.remui %t, %clanes : i64");
    b.line("%q = arith.divui %t, %clanes : i64");
    b.line("%blk = arith.remui %q, %nb1 : i64");
    b.line("%o = arith.divui %q, %nb1 : i64");
    unravel(&mut b, "%o", k.rank as usize, "ox");
    if pass > 0 {
        load_totals(&mut b, k, live, pass);
    }
    per_row(&mut b, k, live, pass)?;
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
    let ids: Vec<String> = reds.iter().map(|&(_, (_, op, _, ty))| const_op(ty, op.identity(ty).to_bits())).collect();
    for (j, id) in ids.iter().enumerate() {
        b.line(&format!("%id{j} = {id}"));
    }
    let tys: Vec<&str> = reds.iter().map(|r| mlir_ty(r.1 .3)).collect();
    let strided_inner = k.inputs.iter().any(|i| i.access == Access::Strided && i.space == Space::Inner);
    let wanted = |i: usize| live[i] && inner[i] && levels[i] <= pass;
    // Whole runs of UNROLL elements first, all their loads before any
    // arithmetic, folded in element order; a plain loop takes the rest.
    // A lane is a chain of up to 128 elements: where few lanes run (a
    // short reduction, the tail of a chunked one) each trip waits a whole
    // memory latency, so the trips must carry many loads. Strided inner
    // inputs unravel into shared names and large cold regions would be
    // copied UNROLL times: those keep the plain loop.
    let mut carried: Vec<String> = (0..reds.len()).map(|j| format!("%id{j}")).collect();
    if !strided_inner && cold_regions_small(k) {
        b.line(&format!("%cunroll = arith.constant {UNROLL} : i64"));
        b.line("%nruns = arith.divui %count, %cunroll : i64");
        b.line("%nfull = arith.muli %nruns, %cunroll : i64");
        let accs: Vec<String> = (0..reds.len()).map(|j| format!("%racc{j} = %id{j}")).collect();
        b.line(&format!("%runv:{} = scf.for %m0 = %c0 to %nfull step %cunroll iter_args({}) -> ({}) : i64 {{", reds.len(), accs.join(", "), tys.join(", ")));
        b.indent += 1;
        let saved = b.names.clone();
        let mut copies: Vec<Vec<String>> = (0..UNROLL)
            .map(|u| saved.iter().enumerate().map(|(i, n)| if wanted(i) { format!("%v{i}_{u}") } else { n.clone() }).collect())
            .collect();
        for (u, names) in copies.iter_mut().enumerate() {
            let flat = lane_element(&mut b, "%m0", u);
            b.names = std::mem::take(names);
            let loads = |i: usize| wanted(i) && matches!(k.insts[i].op, Op::Load(_));
            emit_insts(&mut b, k, &loads, &mut |b: &mut Body, n: u32| element_of(b, k, n, &flat))?;
            *names = std::mem::take(&mut b.names);
        }
        let mut accs: Vec<String> = (0..reds.len()).map(|j| format!("%racc{j}")).collect();
        for names in copies.iter_mut() {
            b.names = std::mem::take(names);
            let rest = |i: usize| wanted(i) && !matches!(k.insts[i].op, Op::Load(_));
            emit_insts(&mut b, k, &rest, &mut |_: &mut Body, _: u32| unreachable!("loads were emitted first"))?;
            for (j, &(_, (_, op, a, ty))) in reds.iter().enumerate() {
                let v = b.name(a).to_string();
                let rhs = b.binary(op.binary(), ty, &accs[j], &v)?;
                accs[j] = b.emit(rhs);
            }
        }
        b.names = saved;
        b.line(&format!("scf.yield {} : {}", accs.join(", "), tys.join(", ")));
        b.indent -= 1;
        b.line("}");
        carried = (0..reds.len()).map(|j| format!("%runv#{j}")).collect();
    } else {
        b.line("%nfull = arith.addi %c0, %c0 : i64");
    }
    let accs: Vec<String> = (0..reds.len()).map(|j| format!("%acc{j} = {}", carried[j])).collect();
    b.line(&format!("%lanev:{} = scf.for %m = %nfull to %count step %c1 iter_args({}) -> ({}) : i64 {{", reds.len(), accs.join(", "), tys.join(", ")));
    b.indent += 1;
    let flat = lane_element(&mut b, "%m", 0);
    if strided_inner {
        unravel(&mut b, &flat, dims, "ix");
    }
    emit_insts(&mut b, k, &wanted, &mut |b: &mut Body, n: u32| element_of(b, k, n, &flat))?;
    let mut next = Vec::new();
    for (j, &(_, (_, op, a, ty))) in reds.iter().enumerate() {
        let v = b.name(a).to_string();
        let rhs = b.binary(op.binary(), ty, &format!("%acc{j}"), &v)?;
        next.push(b.emit(rhs));
    }
    b.line(&format!("scf.yield {} : {}", next.join(", "), tys.join(", ")));
    b.indent -= 1;
    b.line("}");
    let mut values: Vec<String> = (0..reds.len()).map(|j| format!("%lanev#{j}")).collect();
    combine_lanes(&mut b, &reds, &mut values)?;
    // Lane 0 of each block stores the block's values.
    b.line("%first_lane = arith.cmpi eq, %lane, %c0 : i64");
    b.line("scf.if %first_lane {");
    b.indent += 1;
    // Block-major slots, so the rows phase's threads (consecutive rows)
    // read consecutive slots. Lane threads run from 0 to rows * blocks * 8.
    b.line("%lanes_per_row = arith.muli %nb1, %clanes : i64");
    b.line("%nrows = arith.divui %end, %lanes_per_row : i64");
    b.line("%bslot = arith.muli %blk, %nrows : i64");
    b.line("%bslot_o = arith.addi %bslot, %o : i64");
    b.line("%slot0 = arith.muli %bslot_o, %cslots : i64");
    for (j, &(q, (_, _, _, ty))) in reds.iter().enumerate() {
        let slot = b.emit(format!("arith.addi %slot0, {} : i64", b_const(q)));
        let p = slot_ptr(&mut b, "%scratch", &slot);
        store_slot(&mut b, &values[j], ty, &p);
    }
    b.indent -= 1;
    b.line("}");
    Ok(end_body(b, k))
}

/// Elements of a lane (`lanes_body`), or blocks of a row (`fold_rows`),
/// loaded together each trip before they are folded in order.
const UNROLL: usize = 16;

/// The flat index (a new name) of element `m + u` of this lane (`m` an
/// i64 name): `rowstart + first + 8 (m + u)`.
fn lane_element(b: &mut Body, m: &str, u: usize) -> String {
    let mu = if u == 0 {
        m.to_string()
    } else {
        let c = b.emit(format!("arith.constant {u} : i64"));
        b.emit(format!("arith.addi {m}, {c} : i64"))
    };
    let m8 = b.emit(format!("arith.muli {mu}, %clanes : i64"));
    let r = b.emit(format!("arith.addi %first, {m8} : i64"));
    b.emit(format!("arith.addi %rowstart, {r} : i64"))
}

/// Combines each block's eight lane values in the fixed tree
/// `((l0 op l1) op (l2 op l3)) op ((l4 op l5) op (l6 op l7))` with warp
/// shuffles: after steps of 1, 2 and 4 lanes down, lane 0 of the block
/// holds it (`values` are renamed to the combined ones; other lanes hold
/// partial values nobody reads). The eight lanes of a block are eight
/// aligned threads of one warp, all active or all not: lane threads are
/// launched from 0 in blocks of `BLOCK_SIZE` (a multiple of 32) and their
/// count is a multiple of 8, so `t % 8` is the warp lane's `% 8`, and the
/// shuffles name only the block's own eight threads.
fn combine_lanes(b: &mut Body, reds: &[SlotReduction], values: &mut [String]) -> Result<()> {
    b.line("%warp_lane = nvvm.read.ptx.sreg.laneid : i32");
    b.line("%c24_i32 = arith.constant 24 : i32");
    b.line("%c255_i32 = arith.constant 255 : i32");
    b.line("%group = arith.andi %warp_lane, %c24_i32 : i32");
    b.line("%group_mask = arith.shli %c255_i32, %group : i32");
    // Segments of 8 lanes: a shuffle never reads outside its block.
    b.line(&format!("%clamp = arith.constant {} : i32", ((32 - REDUCE_LANES) << 8) | 31));
    for step in [1, 2, 4] {
        b.line(&format!("%down{step} = arith.constant {step} : i32"));
        for (j, &(_, (_, op, _, ty))) in reds.iter().enumerate() {
            let other = shuffle_down(b, &values[j], ty, &format!("%down{step}"));
            let rhs = b.binary(op.binary(), ty, &values[j], &other)?;
            values[j] = b.emit(rhs);
        }
    }
    Ok(())
}

/// `v` (of `ty`) from the thread `offset` lanes down in the block, moved
/// as 32-bit words: narrower values widened, 64-bit ones in two halves.
fn shuffle_down(b: &mut Body, v: &str, ty: DType, offset: &str) -> String {
    let word = |b: &mut Body, w: &str| b.emit(format!("nvvm.shfl.sync down %group_mask, {w}, {offset}, %clamp : i32 -> i32"));
    let mty = mlir_ty(ty);
    let bits = if ty == DType::Bool { 1 } else { ty.size() * 8 };
    let int = format!("i{bits}");
    let as_int = if ty.is_float() { b.emit(format!("arith.bitcast {v} : {mty} to {int}")) } else { v.to_string() };
    let moved = match bits {
        32 => word(b, &as_int),
        64 => {
            let lo = b.emit(format!("arith.trunci {as_int} : i64 to i32"));
            let c32 = b.emit("arith.constant 32 : i64".to_string());
            let hi64 = b.emit(format!("arith.shrui {as_int}, {c32} : i64"));
            let hi = b.emit(format!("arith.trunci {hi64} : i64 to i32"));
            let (lo, hi) = (word(b, &lo), word(b, &hi));
            let lo = b.emit(format!("arith.extui {lo} : i32 to i64"));
            let hi = b.emit(format!("arith.extui {hi} : i32 to i64"));
            let hi = b.emit(format!("arith.shli {hi}, {c32} : i64"));
            b.emit(format!("arith.ori {hi}, {lo} : i64"))
        }
        _ => {
            let wide = b.emit(format!("arith.extui {as_int} : {int} to i32"));
            let moved = word(b, &wide);
            b.emit(format!("arith.trunci {moved} : i32 to {int}"))
        }
    };
    if ty.is_float() {
        b.emit(format!("arith.bitcast {moved} : {int} to {mty}"))
    } else {
        moved
    }
}

/// The name of the i64 constant `q` (MLIR has no inline constant operands).
fn b_const(q: usize) -> String {
    format!("%cq{q}")
}

/// Inside a loop over rows `%o`: folds each block's value of the
/// reductions of level `level` into their totals (f64 where the op widens,
/// with a Neumaier compensation for f64 sums, as the interpreter's `Acc`),
/// finishes them, and names each reduction by its finished value.
fn fold_rows(b: &mut Body, k: &Kernel, live: &[bool], level: u32) -> Result<()> {
    let reds = reductions_at(k, live, |l| l == level);
    let mut carried = Vec::new();
    let mut carried_tys = Vec::new();
    for &(_, (_, op, _, ty)) in &reds {
        let tt = total_ty(op, ty);
        let init = if op.widens(ty) { const_op(tt, (if op == ReduceOp::Add { -0.0f64 } else { 1.0 }).to_bits() as u128) } else { const_op(ty, op.identity(ty).to_bits()) };
        let init_name = b.emit(init);
        carried.push(init_name);
        carried.push("%zero64".to_string());
        carried_tys.push(mlir_ty(tt));
        carried_tys.push("f64");
    }
    // Runs of UNROLL blocks, their values all loaded before the folds (a
    // row's blocks are a chain of f64 adds, cheap once the values are in
    // registers; one load per trip cost a memory latency per block), then
    // a plain loop for the rest.
    let names = |prefix: &str| -> Vec<String> { (0..reds.len()).flat_map(|j| [format!("%{prefix}tot{j}"), format!("%{prefix}cmp{j}")]).collect() };
    let args = |names: &[String], init: &[String]| -> String { names.iter().zip(init).map(|(n, v)| format!("{n} = {v}")).collect::<Vec<_>>().join(", ") };
    b.line(&format!("%cunroll = arith.constant {UNROLL} : i64"));
    b.line("%bruns = arith.divui %nb, %cunroll : i64");
    b.line("%bfull = arith.muli %bruns, %cunroll : i64");
    let run = b.fresh();
    let run_names = names("r");
    b.line(&format!("{run}:{} = scf.for %bk0 = %c0 to %bfull step %cunroll iter_args({}) -> ({}) : i64 {{", carried.len(), args(&run_names, &carried), carried_tys.join(", ")));
    b.indent += 1;
    let blocks: Vec<Vec<String>> = (0..UNROLL).map(|u| block_values(b, &reds, "%bk0", u)).collect();
    let mut state = run_names;
    for values in &blocks {
        state = fold_block(b, &reds, &state, values)?;
    }
    b.line(&format!("scf.yield {} : {}", state.join(", "), carried_tys.join(", ")));
    b.indent -= 1;
    b.line("}");
    let fin = b.fresh();
    let after_runs: Vec<String> = (0..carried.len()).map(|c| format!("{run}#{c}")).collect();
    let plain = names("");
    b.line(&format!("{fin}:{} = scf.for %bk = %bfull to %nb step %c1 iter_args({}) -> ({}) : i64 {{", carried.len(), args(&plain, &after_runs), carried_tys.join(", ")));
    b.indent += 1;
    let values = block_values(b, &reds, "%bk", 0);
    let next = fold_block(b, &reds, &plain, &values)?;
    b.line(&format!("scf.yield {} : {}", next.join(", "), carried_tys.join(", ")));
    b.indent -= 1;
    b.line("}");
    let empty = b.emit("arith.cmpi eq, %inner, %c0 : i64".to_string());
    for (j, &(_, (i, op, _, ty))) in reds.iter().enumerate() {
        let (tot, cmp) = (format!("{fin}#{}", 2 * j), format!("{fin}#{}", 2 * j + 1));
        let done = match (op, ty) {
            (ReduceOp::Add, DType::Float64) => b.emit(format!("arith.addf {tot}, {cmp} : f64")),
            (ReduceOp::Add | ReduceOp::Mul, DType::Float32) => b.emit(format!("arith.truncf {tot} : f64 to f32")),
            _ => tot,
        };
        let done = if op == ReduceOp::Add {
            let zero = b.emit(const_op(ty, 0));
            b.emit(format!("arith.select {empty}, {zero}, {done} : {}", mlir_ty(ty)))
        } else {
            done
        };
        b.names[i] = done;
    }
    Ok(())
}

/// A row's running total of `op` over `ty`: f64 where the op widens.
fn total_ty(op: ReduceOp, ty: DType) -> DType {
    if op.widens(ty) {
        DType::Float64
    } else {
        ty
    }
}

/// Values of block `bk + u` (`bk` an i64 name) of row `%o` for each of
/// `reds`, loaded from the scratch slots its lanes phase wrote.
fn block_values(b: &mut Body, reds: &[SlotReduction], bk: &str, u: usize) -> Vec<String> {
    let c = b.emit(format!("arith.constant {u} : i64"));
    let at = b.emit(format!("arith.addi {bk}, {c} : i64"));
    // Rows threads run from 0 to the row count `%end`.
    let first_of_block = b.emit(format!("arith.muli {at}, %end : i64"));
    let slot_row = b.emit(format!("arith.addi {first_of_block}, %o : i64"));
    let blk_slot = b.emit(format!("arith.muli {slot_row}, %cslots : i64"));
    reds.iter()
        .map(|&(q, (_, _, _, ty))| {
            let slot = b.emit(format!("arith.addi {blk_slot}, {} : i64", b_const(q)));
            let p = slot_ptr(b, "%scratch", &slot);
            load_slot(b, ty, &p)
        })
        .collect()
}

/// Folds one block's `values` into the running `state` (total and
/// compensation of each of `reds`, as `fold_rows` carries them): f64 for
/// float sums and f32 products, Neumaier-compensated for f64 sums, as the
/// interpreter's `Acc`. Returns the new state.
fn fold_block(b: &mut Body, reds: &[SlotReduction], state: &[String], values: &[String]) -> Result<Vec<String>> {
    let mut next = Vec::new();
    for (j, &(_, (_, op, _, ty))) in reds.iter().enumerate() {
        let (tot, cmp, block) = (state[2 * j].clone(), state[2 * j + 1].clone(), values[j].clone());
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
    Ok(next)
}

/// `<name>_totals<p>`: thread `o` finishes row `o`'s reductions of level
/// `pass + 1` and stores them to the totals buffer for the entries after.
fn totals_body(k: &Kernel, live: &[bool], pass: u32) -> Result<String> {
    let mut b = Body::new(k);
    prelude(&mut b, k);
    b.line("%zero64 = arith.constant 0.0 : f64");
    b.line("scf.for %o = %lb to %end step %step : i64 {");
    b.indent += 1;
    fold_rows(&mut b, k, live, pass + 1)?;
    b.line("%tot_row = arith.muli %o, %cslots : i64");
    for (q, (i, _, _, ty)) in reductions_at(k, live, |l| l == pass + 1) {
        let p = total_ptr(&mut b, q);
        let v = b.name(i).to_string();
        store_slot(&mut b, &v, ty, &p);
    }
    Ok(end_body(b, k))
}

/// `<name>` of a kernel with outputs per row: thread `o` finishes row
/// `o`'s reductions of the last level, reads the earlier levels' totals,
/// computes what the row needs after its reductions, and stores the
/// outputs.
fn finish_body(k: &Kernel, live: &[bool]) -> Result<String> {
    let mut b = Body::new(k);
    prelude(&mut b, k);
    let passes = live_passes(k, live);
    b.line("%zero64 = arith.constant 0.0 : f64");
    b.line("scf.for %o = %lb to %end step %step : i64 {");
    b.indent += 1;
    unravel(&mut b, "%o", k.rank as usize, "ox");
    fold_rows(&mut b, k, live, passes)?;
    if passes > 1 {
        load_totals(&mut b, k, live, passes - 1);
    }
    per_row(&mut b, k, live, passes)?;
    store_outputs(&mut b, k, "%o");
    Ok(end_body(b, k))
}

/// `<name>` of a row kernel: thread `t` is element `t % inner` of row
/// `t / inner`; it reads its row's totals of every level and computes and
/// stores the outputs there.
fn elements_body(k: &Kernel, live: &[bool]) -> Result<String> {
    let mut b = Body::new(k);
    prelude(&mut b, k);
    let dims = (k.rank + k.reduce_rank) as usize;
    b.line("%innerm1 = arith.maxui %inner, %c1 : i64");
    b.line("scf.for %flat = %lb to %end step %step : i64 {");
    b.indent += 1;
    b.line("%o = arith.divui %flat, %innerm1 : i64");
    unravel(&mut b, "%o", k.rank as usize, "ox");
    let passes = live_passes(k, live);
    load_totals(&mut b, k, live, passes);
    per_row(&mut b, k, live, passes)?;
    if k.inputs.iter().any(|i| i.access == Access::Strided && i.space == Space::Inner) {
        unravel(&mut b, "%flat", dims, "ix");
    }
    let inner = k.inner_insts();
    let wanted = |i: usize| live[i] && inner[i];
    emit_insts(&mut b, k, &wanted, &mut |b: &mut Body, n: u32| element_of(b, k, n, "%flat"))?;
    store_outputs(&mut b, k, "%flat");
    Ok(end_body(b, k))
}

/// Closes a body's loop over threads and the function, and puts the
/// small constants first.
fn end_body(mut b: Body, k: &Kernel) -> String {
    b.indent -= 1;
    b.line("}");
    b.line("gpu.return");
    with_small_constants(b.text, slots_per_block(k))
}

/// `text` after the small constants the bodies name (`%cq<j>`, the
/// reductions' slot numbers up to `reductions`).
fn with_small_constants(text: String, reductions: usize) -> String {
    let consts: String = (0..reductions)
        .map(|j| format!("{}{} = arith.constant {j} : i64\n", "  ".repeat(3), b_const(j)))
        .collect();
    consts + &text
}
