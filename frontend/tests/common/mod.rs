//! Helpers shared by the frontend's test binaries (each uses some).
#![allow(dead_code)]

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

/// `a (n x k) @ b (k x m)` of row-major f64 matrices, the plain triple loop.
pub fn matmul_ref(a: &[f64], b: &[f64], n: usize, k: usize, m: usize) -> Vec<f64> {
    let mut out = vec![0.0; n * m];
    for i in 0..n {
        for j in 0..m {
            out[i * m + j] = (0..k).map(|p| a[i * k + p] * b[p * m + j]).sum();
        }
    }
    out
}
