//! `sum(x*x)` over float64 (or with argument `f32`, float32) arrays of several sizes, from L2-resident to
//! L3-sized: GB/s of the fused reduction kernel alone, for telling a
//! compute-bound loop from a memory-bound one (`LAZYXP_NUM_THREADS` sets
//! the threads).
use lazyxp as xp;
fn main() -> xp::Result<()> {
    let dtype = if std::env::args().nth(1).as_deref() == Some("f32") { xp::DType::Float32 } else { xp::DType::Float64 };
    for n in [200_000usize, 1_000_000, 10_000_000, 50_000_000] {
        let x = xp::linspace(0.0, 1.0, n, dtype)?;
        x.eval()?;
        let reps = (200_000_000 / n).clamp(5, 200);
        let mut best = f64::MAX;
        for _ in 0..reps {
            let s = xp::sum(&(&x * &x)?, None, false)?;
            let t = std::time::Instant::now();
            s.eval()?;
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("n {n:>9}: {:8.3} ms  {:5.1} GB/s", best * 1e3, (n * dtype.size()) as f64 / best / 1e9);
    }
    Ok(())
}
