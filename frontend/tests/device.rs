//! Devices through the public API.
//!
//! Without a GPU (or without the `cuda` feature) asking for one is an
//! `Error::Device` at the call, and the CPU path is untouched. With one
//! (`cargo test -p lazyxp --features cuda --test device -- --nocapture` on a
//! GPU machine), results computed on it must equal the CPU's bit for bit
//! for elementwise work; the GPU tests print why they skip otherwise.

use lazyxp as xp;
use xp::{Array, DType, Device, Error};

const GPU: Device = Device::Cuda(0);

/// Whether cuda:0 can be used; prints why not.
fn gpu() -> bool {
    match xp::asarray_on(&[0.0f32], &[1], &GPU) {
        Ok(_) => true,
        Err(e) => {
            eprintln!("skipping GPU execution test: {e}");
            false
        }
    }
}

fn bits32(a: &Array) -> Vec<u32> {
    a.to_vec::<f32>().unwrap().iter().map(|v| v.to_bits()).collect()
}

fn bits64(a: &Array) -> Vec<u64> {
    a.to_vec::<f64>().unwrap().iter().map(|v| v.to_bits()).collect()
}

// ---- without a GPU ------------------------------------------------------

#[test]
fn asking_for_a_missing_gpu_is_a_device_error_at_the_call() {
    if gpu() {
        return;
    }
    let e = xp::asarray_on(&[1.0f32, 2.0], &[2], &GPU).unwrap_err();
    assert!(matches!(e, Error::Device(_)), "{e:?}");
    assert!(e.to_string().contains("cuda") || e.to_string().contains("CUDA"), "{e}");
    let x = xp::asarray(&[1.0f32, 2.0], &[2]).unwrap();
    let y = xp::sin(&x).unwrap();
    assert!(matches!(y.to_device(&GPU), Err(Error::Device(_))));
    // The failed move evaluated nothing it should not have and broke nothing.
    assert_eq!(y.device(), Device::Cpu);
    assert_eq!(y.to_vec::<f32>().unwrap(), vec![1.0f32.sin(), 2.0f32.sin()]);
}

#[test]
fn shape_errors_come_before_device_errors() {
    let e = xp::asarray_on(&[1.0f32, 2.0], &[3], &Device::Cpu).unwrap_err();
    assert!(matches!(e, Error::Shape(_)), "{e:?}");
}

#[test]
fn cpu_arrays_report_and_stay_on_the_cpu() {
    let x = xp::asarray_on(&[1.0f32, 2.0, 3.0], &[3], &Device::Cpu).unwrap();
    assert_eq!(x.device(), Device::Cpu);
    let y = x.to_device(&Device::Cpu).unwrap();
    assert!(std::sync::Arc::ptr_eq(x.node(), y.node()), "moving to where it is returns the same array");
    let z = xp::log(&(xp::sin(&x).unwrap() + 5.0).unwrap()).unwrap();
    assert_eq!(z.device(), Device::Cpu);
    assert_eq!(format!("{z:?}"), "Array(float32, shape=[3], pending)");
    let v = z.to_vec::<f32>().unwrap();
    assert!((v[0] - (1.0f32.sin() + 5.0).ln()).abs() < 1e-6);
    assert_eq!(Device::Cpu.to_string(), "cpu");
    assert_eq!(GPU.to_string(), "cuda:0");
    assert_eq!(Device::default(), Device::Cpu);
    assert!(!z.explain().unwrap().contains("== on cuda"));
}

// ---- with a GPU ---------------------------------------------------------

fn f32_data(n: usize) -> Vec<f32> {
    (0..n).map(|i| ((i as f32) * 0.37 - 50.0) * if i % 7 == 0 { 1e-3 } else { 1.0 }).collect()
}

/// `f` on CPU arrays and on the same arrays on the GPU: same bits, and the
/// GPU result lives on the GPU until read.
fn same_bits_f32(what: &str, inputs: &[Vec<f32>], shape: &[usize], f: impl Fn(&[Array]) -> xp::Result<Array>) {
    let cpu: Vec<Array> = inputs.iter().map(|d| xp::asarray(d, shape).unwrap()).collect();
    let dev: Vec<Array> = inputs.iter().map(|d| xp::asarray_on(d, shape, &GPU).unwrap()).collect();
    let want = f(&cpu).unwrap();
    let got = f(&dev).unwrap();
    assert_eq!(got.device(), GPU, "{what}");
    got.eval().unwrap();
    assert_eq!(got.device(), GPU, "{what}");
    assert_eq!(bits32(&got), bits32(&want), "{what}");
}

#[test]
fn gpu_elementwise_chains_equal_the_cpu_bit_for_bit() {
    if !gpu() {
        return;
    }
    let n = 100_003;
    let (x, y) = (f32_data(n), f32_data(n).iter().rev().copied().collect::<Vec<_>>());
    let inputs = [x, y];
    same_bits_f32("a*x+y", &inputs, &[n], |v| (&v[0] * 2.0)? + &v[1]);
    same_bits_f32("log(sin(x)+5)", &inputs, &[n], |v| xp::log(&(xp::sin(&v[0])? + 5.0)?));
    same_bits_f32("exp/tanh/sqrt", &inputs, &[n], |v| xp::add(&xp::exp(&(&v[0] * 0.01)?)?, &xp::sqrt(&xp::abs(&xp::tanh(&v[1])?)?)?));
    same_bits_f32("cos, pow, atan2", &inputs, &[n], |v| xp::add(&xp::cos(&v[0])?, &xp::atan2(&v[0], &v[1])?));
    same_bits_f32("where/compare", &inputs, &[n], |v| xp::where_(&xp::greater(&v[0], &v[1])?, &v[0], &(&v[1] * -1.0)?));
    same_bits_f32("rounding", &inputs, &[n], |v| xp::add(&xp::floor(&v[0])?, &xp::round(&(&v[1] * 0.5)?)?));
}

#[test]
fn gpu_views_broadcasts_and_casts_equal_the_cpu() {
    if !gpu() {
        return;
    }
    let d = f32_data(300 * 200);
    same_bits_f32("transpose+slice+flip", &[d.clone()], &[300, 200], |v| {
        let t = xp::permute_dims(&v[0], &[1, 0])?;
        xp::sin(&xp::flip(&t, Some(&[0]))?)
    });
    same_bits_f32("broadcast row", &[d.clone()], &[300, 200], |v| {
        let row = xp::reshape(&xp::index(&v[0], &[xp::Index::Int(3)])?, &[1, 200])?;
        &v[0] - &row
    });
    // integer and f64 paths through casts
    let ints: Vec<i32> = (0..10_000).map(|i| i * 7919 % 1000 - 500).collect();
    let ci = xp::asarray(&ints, &[10_000]).unwrap();
    let gi = xp::asarray_on(&ints, &[10_000], &GPU).unwrap();
    let f = |a: &Array| -> xp::Result<Array> { xp::multiply(&xp::astype(&(a * 3i64)?, DType::Float64)?, &xp::exp(&xp::astype(a, DType::Float64)?)?) };
    assert_eq!(bits64(&f(&gi).unwrap()), bits64(&f(&ci).unwrap()));
    let g = |a: &Array| -> xp::Result<Array> { xp::bitwise_xor(&(a * a)?, &xp::floor_divide(a, &xp::asarray(&[7i32], &[1])?.to_device(&a.device())?)?) };
    assert_eq!(g(&gi).unwrap().to_vec::<i32>().unwrap(), g(&ci).unwrap().to_vec::<i32>().unwrap());
}

/// Library kernels (matmul) have no GPU code yet: they run on the CPU
/// inside a GPU eval, say so, and agree with the CPU. Float remainder,
/// which fell back too, now runs on the GPU with the CPU's bits.
#[test]
fn gpu_evals_fall_back_to_the_cpu_explicitly() {
    if !gpu() {
        return;
    }
    let d = f32_data(4096);
    let c = xp::asarray(&d, &[64, 64]).unwrap();
    let g = c.to_device(&GPU).unwrap();
    // Finite operands only: where both give a NaN, the GPU's is
    // 0x7fc00000 and x86's default NaN 0xffc00000.
    let rem = |a: &Array| -> xp::Result<Array> {
        let (big, by) = ((a * 1e4)?, xp::scalar_like(a, 0.3f64)?);
        &xp::remainder(&big, &by)? + &xp::floor_divide(&big, &by)?
    };
    let (want, got) = (rem(&c).unwrap(), rem(&g).unwrap());
    assert_eq!(got.device(), GPU);
    assert_eq!(bits32(&got), bits32(&want));
    let text = got.explain().unwrap();
    assert!(!text.contains("ran on the CPU"), "{text}");
    let mm = xp::matmul(&g, &g).unwrap();
    assert_eq!(mm.device(), GPU);
    assert_eq!(bits32(&mm), bits32(&xp::matmul(&c, &c).unwrap()));
    let text = mm.explain().unwrap();
    assert!(text.contains("ran on the CPU, not cuda:0") && text.contains("library kernel"), "{text}");
}

/// Reductions run on the GPU in the one accumulation order of
/// `kernel_ir::reduce`: the CPU's bits, for sums (f64 running totals and
/// Neumaier compensation included), products, min/max with NaNs, integer
/// and bool reductions, over rows, columns (strided), everything, empty
/// rows, and rows of many blocks; and so do kernels of several levels
/// (var, std) and row kernels (a softmax, a centring, a layer norm), whose
/// phases pass each row's totals on through the device's memory.
#[test]
fn gpu_reductions_equal_the_cpu_bit_for_bit() {
    if !gpu() {
        return;
    }
    type F = fn(&Array) -> xp::Result<Array>;
    let cases: [(&str, F); 12] = [
        ("sum rows", |a| xp::sum(a, Some(&[1]), false)),
        ("sum(x*x) all", |a| xp::sum(&(a * a)?, None, false)),
        ("max columns", |a| xp::max(a, Some(&[0]), true)),
        ("min(sin) rows", |a| xp::min(&xp::sin(a)?, Some(&[1]), false)),
        ("prod columns", |a| xp::prod(&((a * 0.001)? + 1.0)?, Some(&[0]), false)),
        ("mean rows", |a| xp::mean(a, Some(&[-1]), false)),
        ("sum of a transpose", |a| xp::sum(&xp::permute_dims(a, &[1, 0])?, Some(&[1]), false)),
        ("var rows", |a| xp::var(a, Some(&[1]), 1.0, false)),
        ("std columns", |a| xp::std(a, Some(&[0]), 0.0, true)),
        ("centred rows", |a| &xp::sin(a)? - &xp::mean(a, Some(&[1]), true)?),
        ("softmax rows", |a| {
            let e = xp::exp(&(a - &xp::max(a, Some(&[1]), true)?)?)?;
            &e / &xp::sum(&e, Some(&[1]), true)?
        }),
        ("layer norm rows", |a| {
            let c = (a - &xp::mean(a, Some(&[1]), true)?)?;
            &c / &xp::sqrt(&(&xp::mean(&(&c * &c)?, Some(&[1]), true)? + 1e-5)?)?
        }),
    ];
    for &(r, c) in &[(64usize, 64usize), (3, 5000), (2000, 3), (1, 1), (2, 2049)] {
        let mut d = f32_data(r * c);
        if r * c > 100 {
            d[37] = f32::NAN;
        }
        let (cpu, dev) = (xp::asarray(&d, &[r, c]).unwrap(), xp::asarray_on(&d, &[r, c], &GPU).unwrap());
        for (what, f) in cases {
            let (want, got) = (f(&cpu).unwrap(), f(&dev).unwrap());
            assert_eq!(got.device(), GPU, "{what}");
            let (w, g) = (want.to_vec::<f32>().unwrap(), got.to_vec::<f32>().unwrap());
            let same = w.iter().zip(&g).all(|(a, b)| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()));
            assert!(same && w.len() == g.len(), "{what} over {r}x{c}: {w:?} vs {g:?}");
            let text = got.explain().unwrap();
            assert!(!text.contains("ran on the CPU"), "{what}: {text}");
        }
    }
    // One long row: many blocks, the f64 running total.
    let n = 10_000_019;
    let big: Vec<f32> = (0..n).map(|i| ((i % 1000) as f32 - 499.5) * 1e-3).collect();
    let s = |a: &Array| xp::sum(a, None, false).unwrap();
    let (w, g) = (s(&xp::asarray(&big, &[n]).unwrap()), s(&xp::asarray_on(&big, &[n], &GPU).unwrap()));
    assert_eq!(bits32(&g), bits32(&w));
    // f64 sums (compensated), integers, bools, empty rows.
    let d64: Vec<f64> = (0..30_000).map(|i| ((i * 7919 % 10007) as f64 - 5000.0) * 1.000001e10f64.powi(i % 3)).collect();
    let f64sum = |a: &Array| xp::sum(a, Some(&[1]), false).unwrap();
    let (w, g) = (f64sum(&xp::asarray(&d64, &[3, 10_000]).unwrap()), f64sum(&xp::asarray_on(&d64, &[3, 10_000], &GPU).unwrap()));
    assert_eq!(bits64(&g), bits64(&w));
    let ints: Vec<i32> = (0..9000).map(|i| i * 7919 % 2001 - 1000).collect();
    let (ci, gi) = (xp::asarray(&ints, &[9, 1000]).unwrap(), xp::asarray_on(&ints, &[9, 1000], &GPU).unwrap());
    for f in [|a: &Array| xp::sum(a, Some(&[1]), false), |a: &Array| xp::max(a, Some(&[0]), false), |a: &Array| xp::min(a, None, false)] {
        assert_eq!(f(&gi).unwrap().to_vec::<i64>().ok(), f(&ci).unwrap().to_vec::<i64>().ok());
        assert_eq!(f(&gi).unwrap().to_vec::<i32>().ok(), f(&ci).unwrap().to_vec::<i32>().ok());
    }
    let pos = |a: &Array| xp::greater(a, &xp::scalar_like(a, 0i64).unwrap()).unwrap();
    for f in [|a: &Array| xp::any(a, Some(&[1]), false), |a: &Array| xp::all(a, Some(&[0]), false)] {
        assert_eq!(f(&pos(&gi)).unwrap().to_vec::<bool>().unwrap(), f(&pos(&ci)).unwrap().to_vec::<bool>().unwrap());
    }
    let empty = xp::asarray_on::<f32>(&[], &[4, 0], &GPU).unwrap();
    assert_eq!(xp::sum(&empty, Some(&[1]), false).unwrap().to_vec::<f32>().unwrap(), vec![0.0; 4]);
    assert_eq!(xp::prod(&empty, Some(&[1]), false).unwrap().to_vec::<f32>().unwrap(), vec![1.0; 4]);
}

#[test]
fn gpu_explain_shows_mlir_and_ptx_and_moves_are_exact() {
    if !gpu() {
        return;
    }
    let x = xp::linspace(0.0, 10.0, 1000, DType::Float32).unwrap().to_device(&GPU).unwrap();
    let y = xp::log(&(xp::sin(&x).unwrap() + 5.0).unwrap()).unwrap();
    let text = y.explain().unwrap();
    for needle in ["== on cuda:0 ==", "PTX for sm_", "-- MLIR (as emitted) --", "-- MLIR (lowered to NVVM) --", ".entry"] {
        assert!(text.contains(needle), "explain lacks {needle:?}:\n{text}");
    }
    // A second eval of the same structure hits the GPU cache.
    let y2 = xp::log(&(xp::sin(&(&x + 0.0).unwrap()).unwrap() + 5.0).unwrap()).unwrap();
    y2.eval().unwrap();
    let back = y.to_device(&Device::Cpu).unwrap();
    assert_eq!(back.device(), Device::Cpu);
    assert_eq!(bits32(&back), bits32(&y));
    let again = back.to_device(&GPU).unwrap();
    assert_eq!(bits32(&again), bits32(&y));
    assert!(y.item().is_err(), "item needs size 1");
    assert_eq!(xp::sum(&y, None, false).unwrap().item().unwrap().dtype(), DType::Float32);
    assert!(format!("{y}").starts_with("array(["));
}

#[test]
fn gpu_mixing_with_cpu_arrays_is_an_error_at_the_call() {
    if !gpu() {
        return;
    }
    let g = xp::asarray_on(&[1.0f32, 2.0], &[2], &GPU).unwrap();
    let c = xp::asarray(&[1.0f32, 2.0], &[2]).unwrap();
    match &g + &c {
        Err(Error::Device(m)) => assert!(m.contains("cpu") && m.contains("cuda:0"), "{m}"),
        other => panic!("expected a device error, got {other:?}"),
    }
    // Constants and constant-only arrays follow the GPU operand.
    let z = (&xp::zeros(&[2], DType::Float32).unwrap() + &(&g * 3.0).unwrap()).unwrap();
    assert_eq!(z.device(), GPU);
    assert_eq!(z.to_vec::<f32>().unwrap(), vec![3.0, 6.0]);
}

#[test]
fn gpu_empty_and_single_element_arrays() {
    if !gpu() {
        return;
    }
    let e = xp::asarray_on::<f32>(&[], &[0], &GPU).unwrap();
    assert_eq!(xp::sin(&e).unwrap().to_vec::<f32>().unwrap(), Vec::<f32>::new());
    let one = xp::asarray_on(&[2.5f64], &[], &GPU).unwrap();
    assert_eq!((&one * 2.0).unwrap().item().unwrap().as_f64(), 5.0);
}

/// Without a GPU: every kernel the scheduler makes for typical graphs
/// compiles to PTX, and the executor binds exactly the launch words the PTX
/// entry takes (the check `CudaDevice::launch` repeats on a GPU); kernels
/// the PTX backend refuses are reported as CPU fallbacks, not lost.
#[cfg(feature = "cuda")]
#[test]
fn executor_and_ptx_agree_on_launch_words_for_scheduled_kernels() {
    use lazyxp_compiler::execute::gpu_dry_run;
    let d = f32_data(60 * 40);
    let x = xp::asarray(&d, &[60, 40]).unwrap();
    let y = xp::sin(&x).unwrap();
    let ints = xp::asarray(&(0..2400).map(|i| i % 97 - 40).collect::<Vec<i32>>(), &[60, 40]).unwrap();
    let t = xp::permute_dims(&x, &[1, 0]).unwrap();
    let row = xp::reshape(&xp::index(&x, &[xp::Index::Int(3)]).unwrap(), &[1, 40]).unwrap();
    let cases: Vec<(&str, Vec<Array>, bool)> = vec![
        ("a*x+y", vec![((&x * 2.0).unwrap() + &y).unwrap()], true),
        ("log(sin(x)+5)", vec![xp::log(&(xp::sin(&x).unwrap() + 5.0).unwrap()).unwrap()], true),
        ("transpose+flip", vec![xp::sin(&xp::flip(&t, Some(&[0])).unwrap()).unwrap()], true),
        ("broadcast row", vec![(&x - &row).unwrap()], true),
        ("where", vec![xp::where_(&xp::greater(&x, &y).unwrap(), &x, &(&y * -1.0).unwrap()).unwrap()], true),
        ("int casts", vec![xp::exp(&xp::astype(&(&ints * 3i64).unwrap(), DType::Float64).unwrap()).unwrap()], true),
        ("int ops", vec![xp::bitwise_xor(&(&ints * &ints).unwrap(), &xp::floor_divide(&ints, &(&(&ints * 0i64).unwrap() + 7i64).unwrap()).unwrap()).unwrap()], true),
        ("two outputs", vec![xp::sin(&x).unwrap(), xp::cos(&x).unwrap()], true),
        ("reshape of a transpose", vec![xp::exp(&xp::reshape(&t, &[2400]).unwrap()).unwrap()], false),
        ("row kernel", vec![(&x - &xp::mean(&x, Some(&[1]), true).unwrap()).unwrap()], true),
        ("softmax", vec![{
            let e = xp::exp(&(&x - &xp::max(&x, Some(&[1]), true).unwrap()).unwrap()).unwrap();
            (&e / &xp::sum(&e, Some(&[1]), true).unwrap()).unwrap()
        }], true),
        ("var of columns", vec![xp::var(&t, Some(&[1]), 1.0, false).unwrap()], true),
        ("float remainder", vec![xp::remainder(&x, &y).unwrap(), xp::floor_divide(&x, &(&y * 0.01).unwrap()).unwrap()], true),
        ("sum rows", vec![xp::sum(&xp::sin(&x).unwrap(), Some(&[1]), false).unwrap()], true),
        ("max of a transpose", vec![xp::max(&t, Some(&[1]), true).unwrap()], true),
        ("int sum of all", vec![xp::sum(&ints, None, false).unwrap()], true),
        ("any", vec![xp::any(&xp::greater(&x, &y).unwrap(), Some(&[0]), false).unwrap()], true),
        ("matmul", vec![xp::matmul(&x, &t).unwrap()], false),
    ];
    for (what, arrays, all_ptx) in cases {
        let roots: Vec<_> = arrays.iter().map(|a| a.node().clone()).collect();
        let lines = gpu_dry_run(&roots, "sm_90").unwrap_or_else(|e| panic!("{what}: {e}"));
        eprintln!("{what}: {lines:?}");
        assert!(!lines.is_empty(), "{what}");
        assert!(lines.iter().any(|l| l.contains(": ptx,")) || !all_ptx, "{what}: {lines:?}");
        if all_ptx {
            assert!(lines.iter().all(|l| l.contains(": ptx,")), "{what}: {lines:?}");
        }
    }
}

/// The eval report (explain and the LAZYXP_DUMP eval file) says, right
/// after the fusion plan, which kernels of a GPU eval ran on the CPU and why.
#[test]
fn gpu_eval_reports_name_cpu_fallbacks() {
    use lazyxp_compiler::cache::{DeviceCode, DeviceRun};
    use lazyxp_compiler::graph::EvalRecord;
    let record = EvalRecord {
        device_runs: vec![DeviceRun {
            device: GPU,
            plan_index: 1,
            name: "fused_sum_f32".into(),
            elements: 64,
            time: std::time::Duration::from_micros(5),
            code: DeviceCode::CpuFallback { reason: "the PTX backend does not support it (reductions)".into() },
        }],
        ..Default::default()
    };
    let text = record.report();
    let plan = text.find("== fusion plan").unwrap();
    let dev = text.find("== on cuda:0 ==").expect(&text);
    assert!(plan < dev && dev < text.find("== kernels run ==").unwrap(), "{text}");
    assert!(text.contains("kernel 1 fused_sum_f32: ran on the CPU, not cuda:0: the PTX backend does not support it (reductions)"), "{text}");
}
