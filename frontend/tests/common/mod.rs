//! Helpers shared by the frontend's test binaries.

/// `n` reproducible values, uniform in [lo, hi), from `seed` (an LCG: test
/// data only needs to be spread out and the same on every run).
pub fn data_in(n: usize, seed: u64, lo: f64, hi: f64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            lo + ((s >> 11) as f64 / (1u64 << 53) as f64) * (hi - lo)
        })
        .collect()
}
