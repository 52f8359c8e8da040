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
        let reps = (200_000_000 / n).clamp(20, 200);
        let mut times = Vec::with_capacity(reps);
        for _ in 0..reps {
            let s = xp::sum(&(&x * &x)?, None, false)?;
            let t = std::time::Instant::now();
            s.eval()?;
            times.push(t.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let (best, median) = (times[0], times[reps / 2]);
        println!("n {n:>9}: {:8.3} ms  {:5.1} GB/s  (median {:.3} ms)", best * 1e3, (n * dtype.size()) as f64 / best / 1e9, median * 1e3);
    }
    Ok(())
}
