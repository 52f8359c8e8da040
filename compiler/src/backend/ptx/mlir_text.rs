//! Kernel IR -> MLIR text: one `gpu.func` in a `gpu.module`, a grid-stride
//! loop over the flat index, loads through each input's access pattern,
//! the body (see `lower_inst.rs`), contiguous stores.
//!
//! We write MLIR as text and let melior parse and verify it, rather than
//! building operations through the API: the text is exactly the "MLIR
//! before lowering" dump, it reads like the kernel IR it comes from, and
//! a bad lowering is reported by MLIR's verifier with a line number.
//!
//! Pointers are `!llvm.ptr<1>` (global memory) kernel parameters, not
//! memrefs, so the launch parameters are plain 64-bit words (see
//! `super::abi`) and loads are `llvm.getelementptr` + `llvm.load`.

use super::lower_inst::{mem_ty, mlir_ty, Body};
use crate::kernel_ir::{Access, Kernel, Op};
use lazyxp_runtime::{DType, Error, Result};
use std::fmt::Write;

/// Name of the `gpu.module` every kernel is emitted into.
pub const GPU_MODULE: &str = "lazyxp_kernels";

/// Turns a kernel name into a PTX entry name: identifier characters only,
/// so the name in the PTX, in a profiler and in `cuModuleGetFunction` is
/// the one we chose.
pub fn entry_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' })
        .collect();
    if !s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        s.insert_str(0, "k_");
    }
    s
}

/// Emits the MLIR module for elementwise kernel `k`, whose math must
/// already be expanded (reductions: `reduce_text.rs`).
pub fn emit_module(k: &Kernel, entry: &str) -> Result<String> {
    if k.is_reduction() {
        return Err(Error::Compile { kernel: k.name.clone(), message: "a reduction kernel reached the elementwise PTX emitter".into() });
    }
    let rank = k.rank as usize;
    let live = k.live();
    let live_load = |access: Access| {
        k.insts
            .iter()
            .enumerate()
            .any(|(i, inst)| live[i] && matches!(inst.op, Op::Load(n) if k.inputs[n as usize].access == access))
    };

    let mut params = vec!["%start: i64".to_string(), "%end: i64".to_string()];
    params.extend((0..k.inputs.len()).map(|i| format!("%in{i}: !llvm.ptr<1>")));
    params.extend((0..k.outputs.len()).map(|o| format!("%out{o}: !llvm.ptr<1>")));
    params.extend((0..rank).map(|d| format!("%dim{d}: i64")));
    for i in k.strided_inputs() {
        params.extend((0..rank).map(|d| format!("%st{i}_{d}: i64")));
    }

    let mut b = Body::new(k);
    grid_stride_bounds(&mut b);
    let strided = live_load(Access::Strided);
    if strided {
        // Divisors for the unravel, never zero (a zero dimension means an
        // empty launch, but a division by zero must not be reachable).
        b.line("%one = arith.constant 1 : i64");
        for d in 0..rank {
            b.line(&format!("%dm{d} = arith.maxui %dim{d}, %one : i64"));
        }
    }
    // Broadcast scalars are read once per thread, before the loop.
    for (i, inst) in k.insts.iter().enumerate() {
        if let Op::Load(n) = inst.op {
            if live[i] && k.inputs[n as usize].access == Access::Scalar {
                b.load(i, n, "%c0");
            }
        }
    }
    if strided {
        // One element a trip: strided loads unravel `%i` into shared names.
        b.line("scf.for %i = %lb to %end step %step : i64 {");
        b.indent += 1;
        unravel(&mut b, "%i", rank, "ix");
        emit_element(&mut b, k, &live, rank, "%i", Part::Loads)?;
        emit_element(&mut b, k, &live, rank, "%i", Part::Rest)?;
        b.indent -= 1;
        b.line("}");
    } else {
        // UNROLL elements a trip, all their loads first: each thread has
        // UNROLL times the bytes in flight, which a streaming kernel needs
        // to approach the copy bandwidth (one 4-byte load per thread at a
        // time left a*x+y at 75% of it on an H200). The elements of a trip
        // are a grid stride apart, so each load instruction of a warp still
        // reads consecutive addresses. The trips stop UNROLL - 1 strides
        // before the end; a plain loop finishes the rest. Cold regions are
        // copied into every element, large ones too: sin's huge-argument
        // reduction is ~150 PTX instructions a copy that ordinary
        // arguments branch over, and `log(sin(x)+5)`, bound by its
        // instructions, spends fewer of them on the loop (60-63% of the
        // copy bandwidth on an H100 with one element a trip, 69% so).
        // Each copy names its own values; broadcast scalars, read once
        // before the loop, keep their one name.
        let copies: Vec<Vec<String>> = (0..UNROLL)
            .map(|u| {
                k.insts
                    .iter()
                    .enumerate()
                    .map(|(i, inst)| match inst.op {
                        Op::Load(n) if k.inputs[n as usize].access == Access::Scalar => b.names[i].clone(),
                        _ => format!("%v{i}_{u}"),
                    })
                    .collect()
            })
            .collect();
        b.line(&format!("%unroll = arith.constant {UNROLL} : i64"));
        b.line(&format!("%last = arith.constant {} : i64", UNROLL - 1));
        b.line("%trip = arith.muli %step, %unroll : i64");
        b.line("%lastoff = arith.muli %step, %last : i64");
        b.line("%mend = arith.subi %end, %lastoff : i64");
        b.line("%rest = scf.for %j = %lb to %mend step %trip iter_args(%nx = %lb) -> (i64) : i64 {");
        b.indent += 1;
        for u in 0..UNROLL {
            b.line(&format!("%off{u} = arith.constant {u} : i64"));
            b.line(&format!("%d{u} = arith.muli %step, %off{u} : i64"));
            b.line(&format!("%i{u} = arith.addi %j, %d{u} : i64"));
        }
        let saved = std::mem::take(&mut b.names);
        let mut names = copies;
        for part in [Part::Loads, Part::Rest] {
            for (u, n) in names.iter_mut().enumerate() {
                b.names = std::mem::take(n);
                emit_element(&mut b, k, &live, rank, &format!("%i{u}"), part)?;
                *n = std::mem::take(&mut b.names);
            }
        }
        b.names = saved;
        b.line("%nj = arith.addi %j, %trip : i64");
        b.line("scf.yield %nj : i64");
        b.indent -= 1;
        b.line("}");
        b.line("scf.for %i = %rest to %end step %step : i64 {");
        b.indent += 1;
        emit_element(&mut b, k, &live, rank, "%i", Part::Loads)?;
        emit_element(&mut b, k, &live, rank, "%i", Part::Rest)?;
        b.indent -= 1;
        b.line("}");
    }
    b.line("gpu.return");

    let mut m = String::new();
    let _ = writeln!(m, "// kernel {} (rank {}), lowered from kernel IR by lazyxp", k.name, k.rank);
    let _ = writeln!(m, "module attributes {{gpu.container_module}} {{");
    let _ = writeln!(m, "  gpu.module @{GPU_MODULE} {{");
    let _ = writeln!(m, "    gpu.func @{entry}({}) kernel {{", params.join(", "));
    m.push_str(&b.text);
    let _ = writeln!(m, "    }}");
    let _ = writeln!(m, "  }}");
    let _ = writeln!(m, "}}");
    Ok(m)
}

/// Elements each trip of the main loop handles (see `emit_module`).
const UNROLL: usize = 4;

/// One element's loads, or everything after them (its arithmetic, cold
/// regions and stores).
#[derive(Clone, Copy, PartialEq)]
enum Part {
    Loads,
    Rest,
}

/// Emits `part` of the work of flat element `index` (an i64 SSA name),
/// naming values by `b.names`.
fn emit_element(b: &mut Body, k: &Kernel, live: &[bool], rank: usize, index: &str, part: Part) -> Result<()> {
    let is_load = |i: usize| matches!(k.insts[i].op, Op::Load(_));
    let scalar = |i: usize| matches!(k.insts[i].op, Op::Load(n) if k.inputs[n as usize].access == Access::Scalar);
    let wanted = |i: usize| live[i] && !scalar(i) && is_load(i) == (part == Part::Loads);
    emit_insts(b, k, &wanted, &mut |b: &mut Body, n: u32| match k.inputs[n as usize].access {
        Access::Scalar => "%c0".to_string(),
        Access::Contiguous => index.to_string(),
        Access::Interleaved { part } => interleaved(b, index, part),
        Access::Strided => strided_offset(b, n, rank, "ix"),
    })?;
    if part == Part::Rest {
        store_outputs(b, k, index);
    }
    Ok(())
}

/// Emits the instructions `wanted` picks, in kernel order: loads from the
/// element `elem` gives for their input, cold regions as `scf.if` (one
/// runs only in the threads whose condition holds; `kernel_ir/cold.rs`:
/// its values never escape, so it can be a region), the rest through
/// `Body::inst`.
pub(super) fn emit_insts(b: &mut Body, k: &Kernel, wanted: &dyn Fn(usize) -> bool, elem: &mut dyn FnMut(&mut Body, u32) -> String) -> Result<()> {
    // (result, fast value) of each cold region being emitted.
    let mut open_regions: Vec<(String, String)> = Vec::new();
    for (i, inst) in k.insts.iter().enumerate() {
        if !wanted(i) {
            continue;
        }
        match inst.op {
            Op::Load(n) => {
                let at = elem(b, n);
                b.load(i, n, &at);
            }
            Op::ColdBegin(cond, fast) => {
                let (result, t) = (b.fresh(), mlir_ty(inst.ty));
                b.line(&format!("{result} = scf.if {} -> ({t}) {{", b.name(cond.0 as usize)));
                b.indent += 1;
                let fast = b.name(fast.0 as usize).to_string();
                b.names[i] = fast.clone();
                open_regions.push((result, fast));
            }
            Op::ColdEnd(_, v) => {
                let (result, fast) = open_regions.pop().expect("cold regions are balanced (verify)");
                let t = mlir_ty(inst.ty);
                b.line(&format!("scf.yield {} : {t}", b.name(v.0 as usize)));
                b.indent -= 1;
                b.line("} else {");
                b.indent += 1;
                b.line(&format!("scf.yield {fast} : {t}"));
                b.indent -= 1;
                b.line("}");
                b.names[i] = result;
            }
            _ => b.inst(i)?,
        }
    }
    Ok(())
}

/// Element `2 * index + part` (one half of an interleaved complex value).
pub(super) fn interleaved(b: &mut Body, index: &str, part: u8) -> String {
    let (two, p, t, e) = (b.fresh(), b.fresh(), b.fresh(), b.fresh());
    b.line(&format!("{two} = arith.constant 2 : i64"));
    b.line(&format!("{p} = arith.constant {part} : i64"));
    b.line(&format!("{t} = arith.muli {index}, {two} : i64"));
    b.line(&format!("{e} = arith.addi {t}, {p} : i64"));
    e
}

/// Stores every output of element `index`.
pub(super) fn store_outputs(b: &mut Body, k: &Kernel, index: &str) {
    for (o, v) in k.outputs.iter().enumerate() {
        let ty = k.ty(*v);
        let val = b.name(v.0 as usize).to_string();
        let val = if ty == DType::Bool {
            let t = b.fresh();
            b.line(&format!("{t} = arith.extui {val} : i1 to i8"));
            t
        } else {
            val
        };
        let at = match k.output_step(o) {
            1 => index.to_string(),
            step => {
                let (c, t) = (b.fresh(), b.fresh());
                b.line(&format!("{c} = arith.constant {step} : i64"));
                b.line(&format!("{t} = arith.muli {index}, {c} : i64"));
                t
            }
        };
        let p = b.fresh();
        b.line(&format!(
            "{p} = llvm.getelementptr %out{o}[{at}] : (!llvm.ptr<1>, i64) -> !llvm.ptr<1>, {}",
            mem_ty(ty)
        ));
        b.line(&format!("llvm.store {val}, {p} {{alignment = {} : i64}} : {}, !llvm.ptr<1>", ty.size(), mem_ty(ty)));
    }
}

/// The grid-stride loop's bounds for this thread (`%lb`, `%step`) and
/// the i64 zero `%c0`. The thread index and the grid's size are 64-bit, so
/// launches past 2^32 elements index correctly.
pub(super) fn grid_stride_bounds(b: &mut Body) {
    b.line("%tid = gpu.thread_id x");
    b.line("%bid = gpu.block_id x");
    b.line("%bdim = gpu.block_dim x");
    b.line("%gdim = gpu.grid_dim x");
    for n in ["tid", "bid", "bdim", "gdim"] {
        b.line(&format!("%{n}64 = arith.index_cast %{n} : index to i64"));
    }
    b.line("%base = arith.muli %bid64, %bdim64 : i64");
    b.line("%gid = arith.addi %base, %tid64 : i64");
    b.line("%lb = arith.addi %start, %gid : i64");
    b.line("%step = arith.muli %gdim64, %bdim64 : i64");
    b.line("%c0 = arith.constant 0 : i64");
}

/// Row-major unravel of `flat` over dims `0..dims` (divisors `%dm<d>`)
/// into `%<prefix><d>`, last dimension fastest, as `interp::unravel` does.
pub(super) fn unravel(b: &mut Body, flat: &str, dims: usize, prefix: &str) {
    let mut rest = flat.to_string();
    for d in (1..dims).rev() {
        b.line(&format!("%{prefix}{d} = arith.remui {rest}, %dm{d} : i64"));
        let q = b.fresh();
        b.line(&format!("{q} = arith.divui {rest}, %dm{d} : i64"));
        rest = q;
    }
    if dims > 0 {
        b.line(&format!("%{prefix}0 = arith.remui {rest}, %dm0 : i64"));
    }
}

/// The element offset of strided input `n` over `dims` dims: the index
/// `%<prefix>0..` dotted with its strides, wrapping like the interpreter's
/// i64 arithmetic (`%c0` over no dims).
pub(super) fn strided_offset(b: &mut Body, n: u32, dims: usize, prefix: &str) -> String {
    let mut acc: Option<String> = None;
    for d in 0..dims {
        let t = b.fresh();
        b.line(&format!("{t} = arith.muli %{prefix}{d}, %st{n}_{d} : i64"));
        acc = Some(match acc {
            None => t,
            Some(a) => {
                let s = b.fresh();
                b.line(&format!("{s} = arith.addi {a}, {t} : i64"));
                s
            }
        });
    }
    acc.unwrap_or_else(|| "%c0".to_string())
}
