//! Issue 6's GPU figures: `a*x+y` and `log(sin(x)+5)` over n = 100M
//! float32 on cuda:0, against the device's own copy bandwidth (a
//! device-to-device memcpy of the same size) measured in the same run; and
//! two reductions over the same data, `sum(x*x)` (one row) and the row
//! sums of it as a 10000x10000 matrix, and that matrix's row softmax.
//!
//!     cargo run --release -p lazyxp-benches --features cuda --example gpu_stream -- [n] [--json FILE] [--explain FILE]
//!
//! Each case is checked first: the GPU result must equal the CPU's bit for
//! bit over all n elements. Then it is timed three ways, medians of
//! `REPS` samples:
//! * `device`: CUDA events around `BATCH` back-to-back evals, divided by
//!   `BATCH` (the kernels' throughput, what a profiler shows);
//! * `eval`: host wall time of one eval until the GPU has finished (what a
//!   program waiting for each result sees: graph walk, plan, launch);
//! * `GB/s`: bytes the kernel must move (inputs read once, output written
//!   once) over the `device` time, and that over the copy's GB/s.
//!
//! `benches/gpu_cupy.py` times CuPy on the same machine and prints the
//! side-by-side table from this program's JSON.

use lazyxp as xp;
use lazyxp_runtime::cuda;
use std::time::{Duration, Instant};

const REPS: usize = 15;
const BATCH: usize = 10;
const GPU: xp::Device = xp::Device::Cuda(0);

type Expr = fn(&[xp::Array]) -> xp::Result<xp::Array>;

fn saxpy(a: &[xp::Array]) -> xp::Result<xp::Array> {
    (&a[0] * 2.5)? + &a[1]
}
fn log_sin(a: &[xp::Array]) -> xp::Result<xp::Array> {
    xp::log(&(xp::sin(&a[0])? + 5.0)?)
}

fn sum_squares(a: &[xp::Array]) -> xp::Result<xp::Array> {
    xp::sum(&(&a[0] * &a[0])?, None, false)
}
/// Row sums of the data as a square matrix (n must be a square).
fn row_sums(a: &[xp::Array]) -> xp::Result<xp::Array> {
    let side = (a[0].size() as f64).sqrt() as isize;
    xp::sum(&xp::reshape(&a[0], &[side, side])?, Some(&[1]), false)
}

/// A row softmax of the same square matrix: one row kernel, its
/// reductions broadcast back over their rows.
fn softmax_rows(a: &[xp::Array]) -> xp::Result<xp::Array> {
    let side = (a[0].size() as f64).sqrt() as isize;
    let m = xp::reshape(&a[0], &[side, side])?;
    let e = xp::exp(&(&m - &xp::max(&m, Some(&[1]), true)?)?)?;
    &e / &xp::sum(&e, Some(&[1]), true)?
}

/// The cases: name, expression, arrays read, bytes moved per element
/// (a reduction's output is negligible; a softmax reads its input once
/// and writes its output once at best).
const CASES: [(&str, Expr, usize, usize); 5] = [
    ("a*x+y", saxpy, 2, 12),
    ("log(sin(x)+5)", log_sin, 1, 8),
    ("sum(x*x)", sum_squares, 1, 4),
    ("sum(X, axis=1)", row_sums, 1, 4),
    ("softmax(X, axis=1)", softmax_rows, 1, 8),
];

/// Deterministic uniform f32 values in [lo, hi).
fn uniform(n: usize, lo: f32, hi: f32, seed: u64) -> Vec<f32> {
    lazyxp_benches::uniform(n, lo.into(), hi.into(), seed).into_iter().map(|v| v as f32).collect()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn gbps(bytes: usize, t: Duration) -> f64 {
    bytes as f64 / t.as_secs_f64() / 1e9
}

fn main() -> xp::Result<()> {
    let mut n = 100_000_000usize;
    let (mut json, mut explain) = (None, None);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--json" => json = args.next(),
            "--explain" => explain = args.next(),
            _ => n = a.parse().map_err(|_| xp::Error::Value(format!("not a size or flag: {a}")))?,
        }
    }
    let dev = cuda::device(0)?;
    println!("device: {dev:?}, {} SMs; n = {n} float32", dev.sm_count());

    // The device's copy bandwidth, bytes read plus bytes written.
    let src = dev.upload(&uniform(n, 0.0, 1.0, 9).iter().flat_map(|v| v.to_ne_bytes()).collect::<Vec<u8>>())?;
    drop(dev.copy(&src)?);
    let copy = median((0..REPS).map(|_| dev.time_on_stream(|| dev.copy(&src)).map(|(_, t)| t)).collect::<xp::Result<_>>()?);
    let copy_gbps = gbps(2 * 4 * n, copy);
    drop(src);
    println!("device-to-device copy of {} MB: {:.3} ms, {copy_gbps:.0} GB/s", 4 * n / 1_000_000, copy.as_secs_f64() * 1e3);

    let host = [uniform(n, -10.0, 10.0, 1), uniform(n, -10.0, 10.0, 2)];
    let cpu: Vec<xp::Array> = host.iter().map(|d| xp::asarray(d, &[n])).collect::<xp::Result<_>>()?;
    let gpu: Vec<xp::Array> = host.iter().map(|d| xp::asarray_on(d, &[n], &GPU)).collect::<xp::Result<_>>()?;
    xp::eval(&gpu.iter().collect::<Vec<_>>())?;

    let mut rows = Vec::new();
    let mut explained = String::new();
    for (name, f, reads, bytes_per_element) in CASES {
        let ins = &gpu[..reads];
        // Correctness over every element before any timing.
        let got = f(ins)?;
        got.eval()?;
        let (g, c) = (got.to_vec::<f32>()?, f(&cpu[..reads])?.to_vec::<f32>()?);
        let differ = g.iter().zip(&c).filter(|(a, b)| a.to_bits() != b.to_bits()).count();
        explained.push_str(&format!("==== {name} ====\n{}\n", got.explain()?));
        drop((got, g, c));

        let device = median(
            (0..REPS)
                .map(|_| {
                    dev.time_on_stream(|| (0..BATCH).map(|_| f(ins).and_then(|r| r.eval())).collect::<xp::Result<Vec<_>>>())
                        .map(|(_, t)| t / BATCH as u32)
                })
                .collect::<xp::Result<_>>()?,
        );
        let eval = median(
            (0..REPS)
                .map(|_| {
                    let r = f(ins)?;
                    let t = Instant::now();
                    r.eval()?;
                    dev.synchronize()?;
                    Ok(t.elapsed())
                })
                .collect::<xp::Result<_>>()?,
        );
        let rate = gbps(bytes_per_element * n, device);
        println!(
            "{name:>18}: device {:.3} ms, {rate:.0} GB/s = {:.0}% of copy; eval until done {:.3} ms; GPU bits == CPU bits: {}",
            device.as_secs_f64() * 1e3,
            100.0 * rate / copy_gbps,
            eval.as_secs_f64() * 1e3,
            if differ == 0 { "all".to_string() } else { format!("NO, {differ} differ") }
        );
        rows.push(format!(
            "{{\"case\": \"{name}\", \"n\": {n}, \"bytes\": {}, \"device_ms\": {:.5}, \"eval_ms\": {:.5}, \"gbps\": {rate:.1}, \"copy_gbps\": {copy_gbps:.1}, \"bits_differ\": {differ}}}",
            bytes_per_element * n,
            device.as_secs_f64() * 1e3,
            eval.as_secs_f64() * 1e3
        ));
    }
    if let Some(path) = json {
        let text = format!("{{\"device\": \"{}\", \"copy_ms\": {:.5}, \"copy_gbps\": {copy_gbps:.1}, \"cases\": [\n  {}\n]}}\n", dev.name(), copy.as_secs_f64() * 1e3, rows.join(",\n  "));
        std::fs::write(&path, text).map_err(|e| xp::Error::Value(format!("writing {path}: {e}")))?;
    }
    if let Some(path) = explain {
        std::fs::write(&path, explained).map_err(|e| xp::Error::Value(format!("writing {path}: {e}")))?;
    }
    Ok(())
}
