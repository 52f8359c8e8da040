//! The main job: evaluate `log(sin(x) + 5)` over ten million float32 values,
//! show that it ran as one fused kernel, time it against a plain Rust loop,
//! and print every stage the compiler went through.
//!
//!     cargo run --release --example quickstart

use lazyxp as xp;
use std::time::Instant;

fn main() -> xp::Result<()> {
    const N: usize = 10_000_000;
    let x = xp::linspace(0.0, 100.0, N, xp::DType::Float32)?;

    // Building the expression computes nothing.
    let build = Instant::now();
    let y = xp::log(&(xp::sin(&x)? + 5.0)?)?;
    let build = build.elapsed();

    // First evaluation: fuse, compile, run.
    let first = Instant::now();
    xp::eval(&[&y])?;
    let first = first.elapsed();

    // Later evaluations of the same expression hit the kernel cache.
    let mut best = f64::INFINITY;
    for _ in 0..10 {
        let again = xp::log(&(xp::sin(&x)? + 6.0)?)?; // another constant: still the same kernel
        let t = Instant::now();
        again.eval()?;
        best = best.min(t.elapsed().as_secs_f64());
    }

    let xs: Vec<f32> = x.to_vec()?;
    let t = Instant::now();
    let plain: Vec<f32> = xs.iter().map(|v| (v.sin() + 5.0).ln()).collect();
    let plain_time = t.elapsed().as_secs_f64();

    let ys: Vec<f32> = y.to_vec()?;
    let max_diff = ys.iter().zip(&plain).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
    let record = y.explain()?;
    let kernels = record.lines().filter(|l| l.starts_with("kernel ") && l.contains(" key ")).count();

    println!("log(sin(x) + 5) over {N} float32 values");
    println!("  kernels run:              {kernels}");
    println!("  graph build:              {:.1} µs", build.as_secs_f64() * 1e6);
    println!("  first eval (compile+run): {:.2} ms", first.as_secs_f64() * 1e3);
    println!("  cached eval (best of 10): {:.2} ms on {} threads", best * 1e3, lazyxp_runtime_threads());
    println!("  plain Rust loop (1 thread, libm): {:.2} ms", plain_time * 1e3);
    println!("  values: y[0]={} y[1]={} y[N-1]={}", ys[0], ys[1], ys[N - 1]);
    println!("  max |lazyxp - Rust libm| = {max_diff:e}");
    println!();
    println!("{record}");
    Ok(())
}

fn lazyxp_runtime_threads() -> usize {
    xp::num_threads()
}
