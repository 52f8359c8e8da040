//! Per-call cost of a cached small expression, for profiling the eval path:
//!     perf record -g target/release/examples/overhead
use lazyxp as xp;
fn main() -> xp::Result<()> {
    let x = xp::linspace(0.0, 10.0, 1000, xp::DType::Float32)?;
    let y = xp::linspace(0.0, 1.0, 1000, xp::DType::Float32)?;
    let iters: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let t = std::time::Instant::now();
    for _ in 0..iters {
        let r = ((&x * 2.0)? + &y)?;
        r.eval()?;
    }
    println!("a*x+y n=1000: {:.2} µs per call", t.elapsed().as_secs_f64() * 1e6 / iters as f64);
    Ok(())
}
