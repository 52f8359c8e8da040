//! Timing helpers and input data shared by the benchmarks: robust statistics over repeated
//! runs, printed as one table row each.

use std::time::{Duration, Instant};

/// Median and minimum of `reps` timed calls of `f`, after `warmup` calls.
pub fn measure(warmup: usize, reps: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    for _ in 0..warmup {
        f();
    }
    let mut times: Vec<Duration> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], times[0])
}

/// `1.23 ms`, `45.6 µs`: three significant figures in a fitting unit.
pub fn fmt_duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

/// Times `f` (2 warm-up calls, 15 timed) and prints `| name | median | min |`.
pub fn print_row(name: &str, f: impl FnMut()) {
    let (med, min) = measure(2, 15, f);
    println!("| {name} | {} | {} |", fmt_duration(med), fmt_duration(min));
}

/// Deterministic uniform values in [lo, hi) (the distribution of
/// ../shared/bench/peers.py), the same for every run and every program.
pub fn uniform(n: usize, lo: f64, hi: f64, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            lo + (hi - lo) * ((s >> 11) as f64 / (1u64 << 53) as f64)
        })
        .collect()
}
