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

/// An evaluated array's elements as bits (widened to 64), for comparing
/// two engines' results exactly, NaN payloads and signed zeros included.
pub fn bits(a: &lazyxp::Array) -> Vec<u64> {
    use lazyxp::DType;
    match a.dtype() {
        DType::Float32 => a.to_vec::<f32>().unwrap().into_iter().map(|x| x.to_bits() as u64).collect(),
        DType::Float64 => a.to_vec::<f64>().unwrap().into_iter().map(f64::to_bits).collect(),
        DType::Bool => a.to_vec::<bool>().unwrap().into_iter().map(u64::from).collect(),
        DType::Int32 => a.to_vec::<i32>().unwrap().into_iter().map(|x| x as u64).collect(),
        DType::UInt64 => a.to_vec::<u64>().unwrap(),
        _ => a.to_vec::<i64>().unwrap().into_iter().map(|x| x as u64).collect(),
    }
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
