//! The kernels every CUDA check runs over: each operation kernel IR has,
//! on every real dtype the verifier accepts it for, through every access
//! pattern; every cast; the math library's expansions; hand-written
//! chains; and the kernel IR filetests of the workspace.
//!
//! Operations are enumerated from `UnaryOp::ALL` / `BinaryOp::ALL` and
//! filtered by `verify`, so an operation added to kernel IR is covered
//! here without anyone remembering to list it.

use lazyxp_compiler::kernel_ir::{parse_kernel, verify, Access, BinaryOp, CmpOp, Kernel, KernelBuilder, UnaryOp, Value};
use lazyxp_runtime::DType;
use std::path::Path;

pub const REAL: [DType; 11] = DType::REAL;

/// Inputs of the operation kernels: element `i`, a broadcast scalar, and
/// a strided view, so each operation meets every access pattern.
fn three_inputs(b: &mut KernelBuilder, ty: DType) -> [Value; 3] {
    let i0 = b.input(ty, Access::Contiguous);
    let i1 = b.input(ty, Access::Scalar);
    let i2 = b.input(ty, Access::Strided);
    [b.load(i0), b.load(i1), b.load(i2)]
}

/// Whether a one-instruction kernel applying `f` to `ty` operands passes
/// the verifier.
fn accepted(ty: DType, f: impl Fn(&mut KernelBuilder, Value, Value) -> Value) -> bool {
    let mut b = KernelBuilder::new("probe", 1);
    let x = b.input(ty, Access::Contiguous);
    let (x, y) = (b.load(x), b.load(x));
    let r = f(&mut b, x, y);
    b.store(r);
    verify(&b.finish()).is_ok()
}

pub fn binary_kernel(ty: DType) -> Option<Kernel> {
    let mut b = KernelBuilder::new(format!("binary_{}", ty.short_name()), 2);
    let [x, s, st] = three_inputs(&mut b, ty);
    let mut any = false;
    for &op in BinaryOp::ALL {
        if op.is_math() || !accepted(ty, |b, x, y| b.binary(op, x, y)) {
            continue;
        }
        any = true;
        let r = b.binary(op, x, s);
        b.store(r);
        let r = b.binary(op, st, x);
        b.store(r);
    }
    any.then(|| b.finish())
}

pub fn unary_kernel(ty: DType) -> Option<Kernel> {
    let mut b = KernelBuilder::new(format!("unary_{}", ty.short_name()), 2);
    let [x, s, st] = three_inputs(&mut b, ty);
    let mut any = false;
    for &op in UnaryOp::ALL {
        if op.is_math() || !accepted(ty, |b, x, _| b.unary(op, x)) {
            continue;
        }
        any = true;
        for v in [x, s, st] {
            let r = b.unary(op, v);
            b.store(r);
        }
    }
    any.then(|| b.finish())
}

/// Every comparison, and select on its result.
pub fn cmp_select_kernel(ty: DType) -> Kernel {
    let mut b = KernelBuilder::new(format!("cmp_select_{}", ty.short_name()), 2);
    let [x, s, st] = three_inputs(&mut b, ty);
    for &op in CmpOp::ALL {
        let c = b.cmp(op, x, st);
        b.store(c);
        let c = b.cmp(op, s, x);
        let r = b.select(c, x, st);
        b.store(r);
    }
    b.finish()
}

/// `from` cast to every other real dtype, from a strided input so the
/// loads of every width are exercised too.
pub fn cast_kernel(from: DType) -> Kernel {
    let mut b = KernelBuilder::new(format!("casts_from_{}", from.short_name()), 1);
    let i = b.input(from, Access::Contiguous);
    let x = b.load(i);
    for to in REAL {
        if to != from {
            let r = b.cast(x, to);
            b.store(r);
        }
    }
    b.finish()
}

pub fn bitcast_kernels() -> Vec<Kernel> {
    let pairs = [
        (DType::Float32, DType::Int32),
        (DType::Float32, DType::UInt32),
        (DType::Int32, DType::Float32),
        (DType::UInt32, DType::Int32),
        (DType::Float64, DType::Int64),
        (DType::Float64, DType::UInt64),
        (DType::UInt64, DType::Float64),
    ];
    pairs
        .iter()
        .map(|&(from, to)| {
            let mut b = KernelBuilder::new(format!("bitcast_{}_{}", from.short_name(), to.short_name()), 1);
            let i = b.input(from, Access::Contiguous);
            let x = b.load(i);
            let r = b.bitcast(x, to);
            b.store(r);
            b.finish()
        })
        .collect()
}

/// One kernel per math op and float type, if the math library expands it
/// (an op kernel IR names but the library does not implement yet is left
/// out and reported).
pub fn math_kernels() -> Vec<Kernel> {
    let mut out = Vec::new();
    for ty in [DType::Float32, DType::Float64] {
        for &op in UnaryOp::ALL.iter().filter(|o| o.is_math()) {
            let mut b = KernelBuilder::new(format!("math_{op}_{}", ty.short_name()), 1);
            let i = b.input(ty, Access::Contiguous);
            let x = b.load(i);
            let r = b.unary(op, x);
            b.store(r);
            push_if_expandable(&mut out, b.finish());
        }
        for &op in BinaryOp::ALL.iter().filter(|o| o.is_math()) {
            let mut b = KernelBuilder::new(format!("math_{op}_{}", ty.short_name()), 1);
            let (i, j) = (b.input(ty, Access::Contiguous), b.input(ty, Access::Contiguous));
            let (x, y) = (b.load(i), b.load(j));
            let r = b.binary(op, x, y);
            b.store(r);
            push_if_expandable(&mut out, b.finish());
        }
    }
    out
}

fn push_if_expandable(out: &mut Vec<Kernel>, k: Kernel) {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let expanded = std::panic::catch_unwind(|| lazyxp_compiler::math::expand(&k));
    let ok = expanded.is_ok_and(|e| !e.has_math());
    std::panic::set_hook(prev);
    if ok {
        out.push(k);
    } else {
        eprintln!("corpus: {} left out (math::expand does not implement it yet)", k.name);
    }
}

/// `log(sin(x) + c)`, `a*x + y`, an explicit fma, a rank-3 broadcast and a
/// rank-0 kernel.
pub fn chains() -> Vec<Kernel> {
    let mut out = Vec::new();
    for ty in [DType::Float32, DType::Float64] {
        let t = ty.short_name();
        let mut b = KernelBuilder::new(format!("fused_sin_add_log_{t}"), 1);
        let (i, c) = (b.input(ty, Access::Contiguous), b.input(ty, Access::Scalar));
        let (x, c) = (b.load(i), b.load(c));
        let s = b.unary(UnaryOp::Sin, x);
        let s = b.add(s, c);
        let r = b.unary(UnaryOp::Log, s);
        b.store(r);
        out.push(b.finish());

        let mut b = KernelBuilder::new(format!("axpy_{t}"), 1);
        let (a, x, y) = (b.input(ty, Access::Scalar), b.input(ty, Access::Contiguous), b.input(ty, Access::Contiguous));
        let (a, x, y) = (b.load(a), b.load(x), b.load(y));
        let m = b.mul(a, x);
        let r = b.add(m, y);
        b.store(r);
        out.push(b.finish());

        let mut b = KernelBuilder::new(format!("fma_{t}"), 1);
        let [x, s, st] = three_inputs(&mut b, ty);
        let r = b.fma(x, s, st);
        b.store(r);
        out.push(b.finish());
    }
    let mut b = KernelBuilder::new("broadcast3_i32", 3);
    let (i, j, k) = (b.input(DType::Int32, Access::Strided), b.input(DType::Int32, Access::Strided), b.input(DType::Int32, Access::Contiguous));
    let (x, y, z) = (b.load(i), b.load(j), b.load(k));
    let s = b.add(x, y);
    let r = b.mul(s, z);
    b.store(r);
    out.push(b.finish());

    let mut b = KernelBuilder::new("rank0_add_f64", 0);
    let (i, j) = (b.input(DType::Float64, Access::Contiguous), b.input(DType::Float64, Access::Scalar));
    let (x, y) = (b.load(i), b.load(j));
    let r = b.add(x, y);
    b.store(r);
    out.push(b.finish());
    out
}

/// The workspace's kernel IR filetests (`tests/filetests/*.kir`).
pub fn filetests() -> Vec<Kernel> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/filetests");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "kir")).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            parse_kernel(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        })
        .collect()
}

/// Everything above.
pub fn all() -> Vec<Kernel> {
    let mut out = Vec::new();
    for ty in REAL {
        out.extend(binary_kernel(ty));
        out.extend(unary_kernel(ty));
        out.push(cmp_select_kernel(ty));
        out.push(cast_kernel(ty));
    }
    out.extend(bitcast_kernels());
    out.extend(math_kernels());
    out.extend(chains());
    out.extend(filetests());
    out
}

/// Reduction kernels: every reduce op on its dtypes, inner inputs
/// contiguous and strided, per-row work before and after the reductions,
/// sin's cold region inside the folded values, several reductions in one
/// kernel, rank 0 (one row), several levels and row kernels. Not in
/// [`all`]: their launches take scratch words and several entries.
pub fn reductions() -> Vec<Kernel> {
    let texts = [
        "kernel red_sum_sq_f32(rank 1, reduce 1) {\n  in0: f32 contiguous inner\n  v0: f32 = load in0\n  v1: f32 = mul v0, v0\n  v2: f32 = reduce.add v1\n  store out0, v2\n}",
        "kernel red_sum_f64_all(rank 0, reduce 1) {\n  in0: f64 contiguous inner\n  v0: f64 = load in0\n  v1: f64 = reduce.add v0\n  store out0, v1\n}",
        "kernel red_prod_f32(rank 1, reduce 1) {\n  in0: f32 strided inner\n  v0: f32 = load in0\n  v1: f32 = reduce.mul v0\n  store out0, v1\n}",
        "kernel red_min_max_f32(rank 1, reduce 2) {\n  in0: f32 strided inner\n  v0: f32 = load in0\n  v1: f32 = reduce.min v0\n  v2: f32 = reduce.max v0\n  v3: f32 = sub v2, v1\n  store out0, v3\n}",
        "kernel red_sum_sin_scaled_f32(rank 2, reduce 1) {\n  in0: f32 contiguous inner\n  in1: f32 strided\n  v0: f32 = load in0\n  v1: f32 = load in1\n  v2: f32 = sin v0\n  v3: f32 = mul v2, v1\n  v4: f32 = reduce.add v3\n  v5: f32 = div v4, v1\n  store out0, v5\n}",
        "kernel red_int_i32(rank 1, reduce 1) {\n  in0: i32 contiguous inner\n  v0: i32 = load in0\n  v1: i32 = reduce.add v0\n  v2: i32 = reduce.min v0\n  v3: i32 = reduce.max v0\n  v4: i32 = reduce.and v0\n  v5: i32 = reduce.or v0\n  v6: i32 = reduce.mul v0\n  store out0, v1\n  store out1, v2\n  store out2, v3\n  store out3, v4\n  store out4, v5\n  store out5, v6\n}",
        "kernel red_any_all_bool(rank 1, reduce 1) {\n  in0: f64 contiguous inner\n  v0: f64 = load in0\n  v1: f64 = const 0.5\n  v2: bool = cmp.gt v0, v1\n  v3: bool = reduce.or v2\n  v4: bool = reduce.and v2\n  store out0, v3\n  store out1, v4\n}",
        "kernel red_count_u64(rank 1, reduce 1) {\n  in0: u8 contiguous inner\n  v0: u8 = load in0\n  v1: u64 = cast v0\n  v2: u64 = reduce.add v1\n  store out0, v2\n}",
        // Several levels and row kernels: a softmax (max, then the sum of
        // exp(x - max), then every element); a variance whose mean is an
        // output too (read back from the totals); three levels over ints
        // with a bool row output and a third-level total broadcast; a
        // per-row scale from a strided outer input with sin's cold region
        // per row; a row kernel over bool reductions.
        "kernel red_softmax_f32(rank 1, reduce 1, rows) {\n  in0: f32 contiguous inner\n  v0: f32 = load in0\n  v1: f32 = reduce.max v0\n  v2: f32 = sub v0, v1\n  v3: f32 = exp v2\n  v4: f32 = reduce.add v3\n  v5: f32 = div v3, v4\n  store out0, v5\n}",
        "kernel red_var_mean_f64(rank 1, reduce 1) {\n  in0: f64 strided inner\n  v0: f64 = load in0\n  v1: f64 = reduce.add v0\n  v2: f64 = const 7.0\n  v3: f64 = div v1, v2\n  v4: f64 = sub v0, v3\n  v5: f64 = mul v4, v4\n  v6: f64 = reduce.add v5\n  v7: f64 = div v6, v2\n  store out0, v7\n  store out1, v3\n}",
        "kernel red_three_levels_i32(rank 1, reduce 1, rows) {\n  in0: i32 contiguous inner\n  v0: i32 = load in0\n  v1: i32 = reduce.max v0\n  v2: i32 = sub v0, v1\n  v3: i32 = reduce.min v2\n  v4: i32 = sub v2, v3\n  v5: i32 = reduce.add v4\n  v6: bool = cmp.gt v4, v5\n  store out0, v6\n  store out1, v5\n}",
        "kernel red_row_scale_sin_f32(rank 2, reduce 1, rows) {\n  in0: f32 strided inner\n  in1: f32 strided\n  v0: f32 = load in0\n  v1: f32 = load in1\n  v2: f32 = mul v0, v1\n  v3: f32 = reduce.add v2\n  v4: f32 = sin v3\n  v5: f32 = mul v0, v4\n  store out0, v5\n}",
        "kernel red_row_any_f64(rank 1, reduce 1, rows) {\n  in0: f64 contiguous inner\n  v0: f64 = load in0\n  v1: f64 = const 0.0\n  v2: bool = cmp.gt v0, v1\n  v3: bool = reduce.or v2\n  v4: bool = reduce.and v2\n  v5: bool = and v3, v4\n  v6: f64 = select v5, v0, v1\n  store out0, v6\n  store out1, v3\n}",
    ];
    texts.iter().map(|t| parse_kernel(t).unwrap_or_else(|e| panic!("{e}\n{t}"))).collect()
}
