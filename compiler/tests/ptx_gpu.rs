//! Differential tests on a real GPU: every corpus kernel compiled to PTX
//! for the device, run through `runtime::cuda`, must give the
//! interpreter's bits (NaN payloads aside, see `differential::compare`).
//!
//! Without a CUDA driver or device each test prints why and passes, so the
//! suite runs everywhere; on a GPU machine:
//! `cargo test -p lazyxp-compiler --features cuda --test ptx_gpu -- --nocapture`.

#![cfg(feature = "cuda")]

mod ptx_support;

use lazyxp_compiler::backend::{cranelift, ptx};
use lazyxp_compiler::cache;
use lazyxp_compiler::kernel_ir::Kernel;
use lazyxp_compiler::math;
use lazyxp_runtime::cuda::CudaDevice;
use lazyxp_runtime::{Error, Result};
use ptx_support::corpus;
use ptx_support::differential::{compare, gen_inputs, output_sizes, run_interp, Layout};

fn device() -> Option<CudaDevice> {
    match CudaDevice::open(0) {
        Ok(d) => {
            eprintln!("running on {d:?}");
            Some(d)
        }
        Err(e) => {
            eprintln!("skipping GPU execution test: {e}");
            None
        }
    }
}

/// Compiles `k` for `dev`, uploads `inputs`, runs it over the layout and
/// downloads the outputs.
fn run_gpu(dev: &CudaDevice, k: &Kernel, layout: &Layout, inputs: &[Vec<u8>]) -> Result<Vec<Vec<u8>>> {
    let p = ptx::compile_for(k, &dev.chip())?;
    let f = dev.load(&p.ptx, &p.name, ptx::launch_word_count(k))?;
    let ins = inputs.iter().map(|b| dev.upload(b)).collect::<Result<Vec<_>>>()?;
    let outs = output_sizes(k, layout).into_iter().map(|n| dev.alloc(n)).collect::<Result<Vec<_>>>()?;
    let mut words: Vec<u64> = ins.iter().chain(&outs).map(|b| b.device_ptr()).collect();
    words.extend(layout.tail_words(k));
    // SAFETY: buffers sized by `Layout` for every element of the space.
    unsafe { dev.launch(&f, 0, layout.len(), &words)? };
    outs.iter().map(|b| dev.download_vec(b)).collect()
}

fn supported(k: &Kernel) -> bool {
    !matches!(ptx::compile(k), Err(Error::Unsupported(_)))
}

/// Runs reduction kernel `k` through the executor's own launch
/// (`GpuEntry::launch`: every phase, its scratch and totals buffers).
fn run_gpu_reduction(dev: &CudaDevice, k: &Kernel, layout: &Layout, inputs: &[Vec<u8>]) -> Result<Vec<Vec<u8>>> {
    let (entry, _) = cache::cuda::get_or_compile(k, dev)?;
    let ins = inputs.iter().map(|b| dev.upload(b)).collect::<Result<Vec<_>>>()?;
    let outs = output_sizes(k, layout).into_iter().map(|n| dev.alloc(n)).collect::<Result<Vec<_>>>()?;
    let mut words: Vec<u64> = ins.iter().chain(&outs).map(|b| b.device_ptr()).collect();
    words.extend(layout.tail_words(k));
    let inner = layout.len() / layout.launch_len().max(1);
    // SAFETY: buffers sized by `Layout` for every element of the space.
    unsafe { entry.launch(dev, layout.launch_len(), inner, &words)? };
    outs.iter().map(|b| dev.download_vec(b)).collect()
}

#[test]
fn corpus_on_the_gpu_matches_the_interpreter() {
    let Some(dev) = device() else { return };
    let mut failures = Vec::new();
    let mut ran = 0;
    for k in corpus::all().into_iter().filter(|k| !k.is_reduction() && supported(k)) {
        for (seed, n) in [(1u64, 1037u64), (2, 1)] {
            let layout = Layout::for_kernel(&k, n);
            let inputs = gen_inputs(&k, &layout, seed);
            let want = run_interp(&k, &layout, &inputs);
            match run_gpu(&dev, &k, &layout, &inputs) {
                Ok(got) => failures.extend(compare(&k, &want, &got)),
                Err(e) => failures.push(format!("{}: {e}", k.name)),
            }
            ran += 1;
        }
    }
    eprintln!("{ran} GPU runs");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every reduction of the corpus and the filetests (one level, several
/// levels, row kernels) through all its phases on the GPU gives the
/// interpreter's bits, over rows shorter than a block, rows of several
/// blocks with a partial last one, rows of 20 blocks (a run of 16 blocks
/// in the rows phase, then the rest), one row, and empty rows.
#[test]
fn reductions_on_the_gpu_match_the_interpreter() {
    let Some(dev) = device() else { return };
    let mut kernels = corpus::reductions();
    kernels.extend(corpus::filetests().into_iter().filter(|k| k.is_reduction()));
    let (mut failures, mut ran, mut multi) = (Vec::new(), 0, 0);
    for k in &kernels {
        multi += usize::from(k.reduction_passes() > 1 || k.row_outputs);
        for (seed, rows, cols) in [(1u64, 37u64, 45u64), (2, 6, 2500), (3, 1, 3000), (4, 4, 0), (5, 6, 20_000)] {
            let layout = Layout::for_reduction(k, rows, cols);
            let inputs = gen_inputs(k, &layout, seed);
            let want = run_interp(k, &layout, &inputs);
            match run_gpu_reduction(&dev, k, &layout, &inputs) {
                Ok(got) => failures.extend(compare(k, &want, &got)),
                Err(e) => failures.push(format!("{}: {e}", k.name)),
            }
            ran += 1;
        }
    }
    eprintln!("{ran} GPU runs of reduction kernels, {multi} of them with several levels or row outputs");
    assert!(multi >= 5, "the corpus lost its multi-level kernels");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Float remainder (integer long division on the bits) against the
/// interpreter's `%` on the cases that break a rounding `fmod`: huge
/// quotients (the loop's longest runs), subnormal operands and results,
/// equal magnitudes (signed zeros), infinities, zeros and NaNs.
#[test]
fn float_remainder_on_the_gpu_is_exact() {
    use lazyxp_compiler::kernel_ir::{Access, BinaryOp, KernelBuilder};
    use lazyxp_runtime::DType;
    let Some(dev) = device() else { return };
    let (inf, nan) = (f64::INFINITY, f64::NAN);
    let common = [
        (5.5, 2.0), (-5.5, 2.0), (5.5, -2.0), (7.0, 0.1), (1e30, 3.0), (3.0, 1e30), (2.5, 2.5), (-2.5, 2.5), (0.0, 1.0), (-0.0, 1.0),
        (1.0, 0.0), (inf, 1.0), (1.0, inf), (-1.0, -inf), (nan, 1.0), (1.0, nan), (0.0, 0.0), (123456.789, 0.001), (-1e-3, 7e-4),
    ];
    let f32_cases = [(3e38, 1e-45), (1.0, 1e-45), (1e-40, 3e-41), (1.1754942e-38, 1e-39), (-3.4e38, 1.17549435e-38), (16777217.0, 3.0)];
    let f64_cases = [(1.7e308, 5e-324), (1e308, 3.3), (1e-310, 3e-311), (2.2250738585072014e-308, 1e-309), (-1e300, 1e-300), (9007199254740993.0, 7.0)];
    for (ty, extra) in [(DType::Float32, &f32_cases), (DType::Float64, &f64_cases)] {
        let mut b = KernelBuilder::new("frem", 1);
        let (i, j) = (b.input(ty, Access::Contiguous), b.input(ty, Access::Contiguous));
        let (x, y) = (b.load(i), b.load(j));
        let r = b.binary(BinaryOp::Rem, x, y);
        b.store(r);
        let k = b.finish();
        let pairs: Vec<(f64, f64)> = common.iter().chain(extra.iter()).flat_map(|&(x, y)| [(x, y), (-x, y), (y, x)]).collect();
        let bytes = |v: f64| if ty == DType::Float32 { (v as f32).to_ne_bytes().to_vec() } else { v.to_ne_bytes().to_vec() };
        let inputs = vec![pairs.iter().flat_map(|p| bytes(p.0)).collect(), pairs.iter().flat_map(|p| bytes(p.1)).collect()];
        let layout = Layout::for_kernel(&k, pairs.len() as u64);
        let want = run_interp(&k, &layout, &inputs);
        let got = run_gpu(&dev, &k, &layout, &inputs).unwrap();
        let bad = compare(&k, &want, &got);
        assert!(bad.is_empty(), "{ty}:\n{}", bad.join("\n"));
    }
}

/// More elements than one grid covers: the grid-stride loop must visit
/// each exactly once, and a launch of a sub-range only that range.
#[test]
fn grid_stride_loop_covers_large_arrays_and_sub_ranges() {
    let Some(dev) = device() else { return };
    let k = corpus::chains().into_iter().find(|k| k.name == "fused_sin_add_log_f32").unwrap();
    let n = 5_000_003;
    let layout = Layout::for_kernel(&k, n);
    let inputs = gen_inputs(&k, &layout, 7);
    let want = run_interp(&k, &layout, &inputs);
    let got = run_gpu(&dev, &k, &layout, &inputs).unwrap();
    let bad = compare(&k, &want, &got);
    assert!(bad.is_empty(), "{}", bad.join("\n"));

    // [10, 20) only: the rest of the output keeps its sentinel bytes.
    let p = ptx::compile_for(&k, &dev.chip()).unwrap();
    let f = dev.load(&p.ptx, &p.name, ptx::launch_word_count(&k)).unwrap();
    let small = Layout::for_kernel(&k, 32);
    let ins: Vec<_> = gen_inputs(&k, &small, 3).iter().map(|b| dev.upload(b).unwrap()).collect();
    let out = dev.upload(&[0xAB; 32 * 4]).unwrap();
    let mut words: Vec<u64> = ins.iter().chain([&out]).map(|b| b.device_ptr()).collect();
    words.extend(small.tail_words(&k));
    unsafe { dev.launch(&f, 10, 20, &words).unwrap() };
    let bytes = dev.download_vec(&out).unwrap();
    for (e, chunk) in bytes.chunks(4).enumerate() {
        assert_eq!(chunk == [0xAB; 4], !(10..20).contains(&e), "element {e}");
    }
}

/// Runs the same harness against the Cranelift backend, so the
/// differential machinery (layouts, inputs, comparison) is itself tested
/// on machines without a GPU.
#[test]
fn harness_agrees_with_itself_on_the_cpu() {
    let picks = ["fused_sin_add_log_f32", "axpy_f64", "broadcast3_i32", "rank0_add_f64", "casts_from_f32", "cmp_select_u8"];
    let mut runs: Vec<(Kernel, Layout)> = Vec::new();
    let all = corpus::all();
    for name in picks {
        let k = all.iter().find(|k| k.name == name).unwrap_or_else(|| panic!("{name} not in corpus"));
        runs.push((k.clone(), Layout::for_kernel(k, 1037)));
    }
    // The reductions' layouts, as the GPU test uses them.
    for k in corpus::reductions() {
        for (rows, cols) in [(37, 45), (6, 2500), (4, 0), (6, 20_000)] {
            let layout = Layout::for_reduction(&k, rows, cols);
            runs.push((k.clone(), layout));
        }
    }
    for (k, layout) in &runs {
        let inputs = gen_inputs(k, layout, 5);
        let want = run_interp(k, layout, &inputs);
        let compiled = cranelift::compile(&math::expand(k), false).unwrap();
        let mut outs: Vec<Vec<u8>> = output_sizes(k, layout).into_iter().map(|n| vec![0u8; n.max(1)]).collect();
        let mut words: Vec<u64> = inputs.iter().map(|b| b.as_ptr() as u64).collect();
        words.extend(outs.iter_mut().map(|b| b.as_mut_ptr() as u64));
        words.extend(layout.tail_words(k));
        // SAFETY: buffers sized by `Layout`.
        unsafe { (compiled.entry)(words.as_ptr(), 0, layout.launch_len()) };
        let bad = compare(k, &want, &outs);
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }
}
