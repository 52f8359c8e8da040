//! PTX generation checked without a GPU: every corpus kernel lowers through
//! MLIR to PTX that `ptxas -arch=sm_90` accepts, and the PTX keeps the
//! interpreter's arithmetic (no contraction into fma, no flush-to-zero, no
//! approximate division or square root, no calls into libraries we do not
//! link).
//!
//! Run with `cargo test -p lazyxp-compiler --features cuda --test ptx_corpus`;
//! it needs `ptxas` (see `ptx_support::PTXAS_HELP`).

#![cfg(feature = "cuda")]

mod ptx_support;

use lazyxp_compiler::backend::ptx::{self, PtxKernel};
use lazyxp_compiler::kernel_ir::{Access, BinaryOp, Kernel, KernelBuilder, Op, UnaryOp};
use lazyxp_compiler::math;
use lazyxp_runtime::DType;
use ptx_support::{assemble, corpus, require_ptxas};
use std::time::{Duration, Instant};

/// PTX instructions (first token of a line), without the operands.
fn opcodes(ptx: &str) -> impl Iterator<Item = &str> {
    ptx.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with('.') && !l.starts_with('$'))
        .map(|l| l.trim_start_matches(|c| c == '@' || c == '!').split_whitespace().next().unwrap_or(""))
        .map(|op| op.trim_end_matches(';'))
}

/// What the PTX of `k` must not contain, whatever the kernel.
fn check_arithmetic(k: &Kernel, p: &PtxKernel) -> Result<(), String> {
    let expanded = if k.has_math() { math::expand(k) } else { k.clone() };
    let has_fma = expanded.insts.iter().any(|i| matches!(i.op, Op::Fma(..)));
    for op in opcodes(&p.ptx) {
        // Float add/sub/mul without a rounding modifier may be contracted
        // into fma by ptxas; LLVM must have written the `.rn` forms.
        if matches!(op, "add.f32" | "sub.f32" | "mul.f32" | "add.f64" | "sub.f64" | "mul.f64") {
            return Err(format!("contractible `{op}` (needs .rn)"));
        }
        if op.contains(".ftz") || op.contains(".approx") {
            return Err(format!("inexact `{op}`"));
        }
        if op.starts_with("call") {
            return Err(format!("`{op}`: calls a function we do not link"));
        }
        if op.starts_with("fma") && !has_fma {
            return Err(format!("`{op}` where the kernel IR has no fma"));
        }
    }
    Ok(())
}

#[test]
fn every_corpus_kernel_assembles_for_sm_90() {
    let ptxas = require_ptxas();
    let mut kernels = corpus::all();
    kernels.extend(corpus::reductions());
    let (mut failures, mut compiled) = (Vec::new(), 0);
    let (mut t_mlir, mut t_ptxas) = (Duration::ZERO, Duration::ZERO);
    for k in &kernels {
        let p = match ptx::compile(k) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{}: {e}", k.name));
                continue;
            }
        };
        t_mlir += p.compile_time;
        compiled += 1;
        if let Err(e) = check_arithmetic(k, &p) {
            failures.push(format!("{}: {e}\n{}", k.name, p.ptx));
        }
        if let Some(ptxas) = &ptxas {
            let t = Instant::now();
            if let Err(e) = assemble(ptxas, &p.ptx, "sm_90", &p.name) {
                failures.push(format!("{}: ptxas rejected the PTX:\n{e}\n{}", k.name, p.ptx));
            }
            t_ptxas += t.elapsed();
        }
    }
    eprintln!(
        "{compiled} of {} kernels compiled to PTX in {t_mlir:?} (MLIR+LLVM), ptxas took {t_ptxas:?}",
        kernels.len()
    );
    assert!(compiled >= 40, "the corpus shrank to {compiled} kernels");
    assert!(failures.is_empty(), "{} kernels failed:\n{}", failures.len(), failures.join("\n\n"));
}

/// `a*x + y` stays a rounded multiply then a rounded add: the GPU must not
/// give the fused answer the CPU does not.
#[test]
fn mul_then_add_is_not_contracted() {
    let k = corpus::chains().into_iter().find(|k| k.name == "axpy_f32").unwrap();
    let p = ptx::compile(&k).unwrap();
    let ops: Vec<&str> = opcodes(&p.ptx).collect();
    assert!(ops.contains(&"mul.rn.f32") && ops.contains(&"add.rn.f32"), "{}", p.ptx);
    assert!(!ops.iter().any(|o| o.starts_with("fma")), "{}", p.ptx);
}

/// sin's huge-argument reduction (a cold region) is a branch on the GPU:
/// threads whose arguments are ordinary skip it instead of computing it
/// and selecting the fast value. It is emitted once per element of the
/// unrolled trip and once in the loop that finishes the rest.
#[test]
fn cold_regions_are_branches() {
    let k = corpus::chains().into_iter().find(|k| k.name == "fused_sin_add_log_f32").unwrap();
    let expanded = math::expand(&k);
    let regions = expanded.insts.iter().filter(|i| matches!(i.op, Op::ColdBegin(..))).count();
    assert!(regions > 0, "sin has a cold region");
    let p = ptx::compile(&k).unwrap();
    assert!(p.mlir_before.contains("iter_args"), "unrolled:\n{}", p.mlir_before);
    assert_eq!(p.mlir_before.matches("scf.if").count(), regions * 5, "{}", p.mlir_before);
    assert!(p.mlir_before.contains("} else {") && p.mlir_before.contains("scf.yield"), "{}", p.mlir_before);
    // More branches than the grid-stride loop alone has (axpy's).
    let axpy = ptx::compile(&corpus::chains().into_iter().find(|k| k.name == "axpy_f32").unwrap()).unwrap();
    let branches = |ptx: &str| opcodes(ptx).filter(|o| o.starts_with("bra")).count();
    assert!(branches(&p.ptx) > branches(&axpy.ptx), "{}", p.ptx);
}

/// Streaming kernels without strided loads handle four
/// elements a trip, all loads first, then finish with a one-element loop;
/// strided kernels keep one element a trip.
#[test]
fn streaming_kernels_issue_their_loads_together() {
    let chains = corpus::chains();
    let axpy = ptx::compile(&chains.iter().find(|k| k.name == "axpy_f32").unwrap().clone()).unwrap();
    let body: Vec<&str> = axpy.mlir_before.lines().skip_while(|l| !l.contains("iter_args")).take_while(|l| !l.contains("scf.yield")).collect();
    let first_store = body.iter().position(|l| l.contains("llvm.store")).expect("the unrolled loop stores");
    let loads = body.iter().filter(|l| l.contains("= llvm.load")).count();
    assert_eq!(loads, 8, "two inputs, four elements:\n{}", axpy.mlir_before);
    assert!(body.iter().rposition(|l| l.contains("= llvm.load")).unwrap() < first_store, "{}", axpy.mlir_before);
    assert_eq!(body.iter().filter(|l| l.contains("llvm.store")).count(), 4, "{}", axpy.mlir_before);
    let strided = chains.iter().find(|k| k.inputs.iter().any(|i| i.access == lazyxp_compiler::kernel_ir::Access::Strided)).expect("the corpus has a strided kernel");
    assert!(!ptx::compile(strided).unwrap().mlir_before.contains("iter_args"), "{}", strided.name);
    // A cold region (exp's) is copied into each of the four elements and
    // the one-element loop after.
    let mut b = KernelBuilder::new("fused_exp_f32", 1);
    let i = b.input(DType::Float32, Access::Contiguous);
    let x = b.load(i);
    let e = b.unary(UnaryOp::Exp, x);
    b.store(e);
    let exp = ptx::compile(&b.finish()).unwrap();
    assert!(exp.mlir_before.contains("iter_args"), "{}", exp.mlir_before);
    assert_eq!(exp.mlir_before.matches("scf.if").count(), 5, "{}", exp.mlir_before);
}

/// The stages `explain()` and `LAZYXP_DUMP` show are all kept.
#[test]
fn compiled_kernel_keeps_every_stage() {
    let k = corpus::chains().into_iter().find(|k| k.name == "fused_sin_add_log_f32").unwrap();
    let p = ptx::compile(&k).unwrap();
    assert_eq!(p.name, "fused_sin_add_log_f32");
    assert!(p.mlir_before.contains("gpu.func @fused_sin_add_log_f32"), "{}", p.mlir_before);
    assert!(p.mlir_before.contains("scf.for"), "{}", p.mlir_before);
    assert!(p.mlir_after.contains("llvm.func") && p.mlir_after.contains("nvvm"), "{}", p.mlir_after);
    assert!(p.ptx.contains(".entry fused_sin_add_log_f32") && p.ptx.contains(".target sm_90"), "{}", p.ptx);
    eprintln!("log(sin(x)+5) f32: {:?}, PTX {} lines", p.compile_time, p.ptx.lines().count());
}

/// Float remainder is integer long division on the bits (`fmod.rs`), not
/// LLVM's `frem`, whose NVPTX lowering `x - y * trunc(x / y)` rounds: no
/// float division or truncation may appear, and the loop must.
#[test]
fn float_remainder_is_exact_integer_work() {
    for ty in [DType::Float32, DType::Float64] {
        let mut b = KernelBuilder::new("frem", 1);
        let i = b.input(ty, Access::Contiguous);
        let j = b.input(ty, Access::Contiguous);
        let (x, y) = (b.load(i), b.load(j));
        let r = b.binary(BinaryOp::Rem, x, y);
        b.store(r);
        let p = ptx::compile(&b.finish()).unwrap();
        assert!(p.mlir_before.contains("scf.while") && p.mlir_before.contains("llvm.ctlz"), "{}", p.mlir_before);
        let ops: Vec<&str> = opcodes(&p.ptx).collect();
        assert!(!ops.iter().any(|o| o.starts_with("div") || o.starts_with("cvt.rzi") || o.starts_with("rem")), "{}", p.ptx);
    }
}

/// The text of entry `name` of a PTX module.
fn entry_text<'a>(ptx: &'a str, name: &str) -> &'a str {
    let start = ptx.find(&format!(".entry {name}(")).unwrap_or_else(|| panic!("no entry {name}:\n{ptx}"));
    let len = ptx[start..].find("\n}\n").unwrap_or(ptx.len() - start);
    &ptx[start..start + len]
}

/// The lanes phase combines each block's eight lane values itself, with
/// three shuffles down (1, 2, 4 lanes) per 32-bit word of each reduction,
/// kept inside segments of eight lanes (clamp 0x181f = 6175) so no block
/// reads another's; the rows phase then reads one slot per block and
/// shuffles nothing.
#[test]
fn lanes_phase_combines_each_block_with_segmented_shuffles() {
    // (kernel, 32-bit words shuffled: per reduction, two for 64-bit types)
    for (name, words) in [("red_sum_sq_f32", 1), ("red_sum_f64_all", 2), ("red_int_i32", 6), ("red_any_all_bool", 2)] {
        let k = corpus::reductions().into_iter().find(|k| k.name == name).unwrap();
        let p = ptx::compile(&k).unwrap();
        let lanes = entry_text(&p.ptx, &format!("{name}_lanes"));
        let shuffles: Vec<&str> = lanes.lines().filter(|l| l.contains("shfl.sync.down.b32")).collect();
        assert_eq!(shuffles.len(), 3 * words, "{name}:\n{lanes}");
        for step in [1, 2, 4] {
            let at = shuffles.iter().filter(|l| l.contains(&format!(", {step}, 6175,"))).count();
            assert_eq!(at, words, "{name}: shuffles by {step}:\n{lanes}");
        }
        let rows = entry_text(&p.ptx, name);
        assert!(!rows.contains("shfl"), "{name}:\n{rows}");
    }
}

/// A lane folds its elements in runs of 16 with the run's loads first,
/// and a row its blocks the same way; lanes over strided inputs (shared
/// unravelled names) or with sin's large cold region keep one element a
/// trip.
#[test]
fn reduction_loops_issue_runs_of_loads() {
    let reductions = corpus::reductions();
    let mlir = |name: &str| ptx::compile(reductions.iter().find(|k| k.name == name).unwrap()).unwrap().mlir_before;
    let sum_sq = mlir("red_sum_sq_f32");
    let lanes = sum_sq.split("gpu.func @red_sum_sq_f32(").next().unwrap();
    let run: Vec<&str> = lanes.lines().skip_while(|l| !l.contains("%runv:")).take_while(|l| !l.contains("scf.yield")).collect();
    let loads = run.iter().filter(|l| l.contains("= llvm.load")).count();
    assert_eq!(loads, 16, "{lanes}");
    let first_mul = run.iter().position(|l| l.contains("arith.mulf")).expect("x*x in the run");
    assert!(run.iter().rposition(|l| l.contains("= llvm.load")).unwrap() < first_mul, "{lanes}");
    let rows = sum_sq.split("gpu.func @red_sum_sq_f32(").nth(1).unwrap();
    let block_run: Vec<&str> = rows.lines().skip_while(|l| !l.contains("%bk0 =")).take_while(|l| !l.contains("scf.yield")).collect();
    assert_eq!(block_run.iter().filter(|l| l.contains("= llvm.load")).count(), 16, "{rows}");
    for plain in ["red_prod_f32", "red_sum_sin_scaled_f32"] {
        assert!(!mlir(plain).contains("%runv:"), "{plain} keeps one element a trip");
    }
}

#[test]
fn names_become_ptx_identifiers() {
    assert_eq!(ptx::entry_name("fused_sin_add_log_f32"), "fused_sin_add_log_f32");
    assert_eq!(ptx::entry_name("a-b.c"), "a_b_c");
    assert_eq!(ptx::entry_name("0k"), "k_0k");
}

/// A reduction is two PTX entries per level of reductions (lanes, then
/// rows), the last rows entry named after the kernel; a row kernel ends
/// with an entry over every element instead. The executor launches them
/// in `ptx::launches` order, which must name entries the PTX has.
#[test]
fn reductions_are_two_entries_per_level() {
    use lazyxp_compiler::kernel_ir::{ReduceOp, Space};
    let mut b = KernelBuilder::new("sum_f32", 1);
    b.set_reduce_rank(1);
    let i = b.input_in(DType::Float32, Access::Strided, Space::Inner);
    let x = b.load(i);
    let r = b.reduce(ReduceOp::Add, x);
    b.store(r);
    let k = b.finish();
    let p = ptx::compile(&k).unwrap();
    let entries = |p: &PtxKernel| p.ptx.lines().filter_map(|l| l.strip_prefix(".visible .entry ")).map(|l| l.split('(').next().unwrap().to_string()).collect::<Vec<_>>();
    let names = |k: &Kernel| ptx::launches(k, &k.name).into_iter().map(|(e, g)| format!("{e} {g:?}")).collect::<Vec<_>>();
    assert_eq!(names(&k), ["sum_f32_lanes Lanes", "sum_f32 Rows"]);
    assert_eq!(entries(&p), ["sum_f32_lanes", "sum_f32"], "{}", p.ptx);

    // sum(x - sum(x)) over each row, storing the outer sum (a second
    // level) or only the first sum (the second level dead).
    let two_levels = |name: &str, store_second: bool| {
        let mut b = KernelBuilder::new(name, 1);
        b.set_reduce_rank(1);
        let i = b.input_in(DType::Float32, Access::Contiguous, Space::Inner);
        let x = b.load(i);
        let s = b.reduce(ReduceOp::Add, x);
        let d = b.binary(BinaryOp::Sub, x, s);
        let r = b.reduce(ReduceOp::Add, d);
        b.store(if store_second { r } else { s });
        b.finish()
    };
    let two = two_levels("sum_dev_f32", true);
    assert_eq!(names(&two), ["sum_dev_f32_lanes Lanes", "sum_dev_f32_totals0 Rows", "sum_dev_f32_lanes1 Lanes", "sum_dev_f32 Rows"]);
    let p = ptx::compile(&two).unwrap();
    let mut want: Vec<String> = ptx::launches(&two, &two.name).into_iter().map(|(e, _)| e).collect();
    let mut got = entries(&p);
    want.sort();
    got.sort();
    assert_eq!(got, want, "{}", p.ptx);
    assert_eq!(p.entries, ptx::launches(&two, &two.name));

    // A dead reduction deeper than every live one adds no phase (its
    // empty phase would not parse).
    let dead = two_levels("sum_dead_f32", false);
    assert_eq!(names(&dead), ["sum_dead_f32_lanes Lanes", "sum_dead_f32 Rows"]);
    assert_eq!(entries(&ptx::compile(&dead).unwrap()).len(), 2);

    let softmax = corpus::reductions().into_iter().find(|k| k.name == "red_softmax_f32").unwrap();
    assert_eq!(
        names(&softmax),
        ["red_softmax_f32_lanes Lanes", "red_softmax_f32_totals0 Rows", "red_softmax_f32_lanes1 Lanes", "red_softmax_f32_totals1 Rows", "red_softmax_f32 Elements"]
    );
    // The second level reads the first's totals back; the stores read both.
    let p = ptx::compile(&softmax).unwrap();
    assert_eq!(entries(&p).len(), 5, "{}", p.ptx);
    assert!(p.mlir_before.matches("llvm.getelementptr %totals").count() >= 4, "{}", p.mlir_before);
}
