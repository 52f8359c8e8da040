//! Reductions, views and matmul (issue: reductions, views, matmul), the
//! cases of ../shared/bench/peers.py with lazyxp on the same inputs:
//!
//! * `sum(x*x)` float32 and float64, n = 10M;
//! * row softmax 4096x1024 float32;
//! * pairwise distances `sqrt(sum((x[:,None,:]-y[None,:,:])**2, -1))`, 1000x1000x16 float32;
//! * matmul 1024x1024 float32 and float64.
//!
//!     cargo bench -p lazyxp-benches --bench arrays

use lazyxp as xp;
use lazyxp_benches::{fmt_duration, measure, print_row as row};
use xp::Index::{NewAxis, Slice};

fn values(n: usize) -> Vec<f64> {
    (0..n).map(|i| ((i as f64) * 0.7548776662466927).fract() * 2.0 - 1.0).collect()
}


fn main() -> xp::Result<()> {
    println!("| benchmark | median | min |");
    println!("|---|---|---|");
    let n = 10_000_000;
    let v = values(n);
    let x64 = xp::asarray(&v, &[n])?;
    let x32 = xp::astype(&x64, xp::DType::Float32)?;
    x32.eval()?;
    row("sum(x*x) f32 n=10M", || {
        xp::sum(&(&x32 * &x32).unwrap(), None, false).unwrap().eval().unwrap();
    });
    row("sum(x*x) f64 n=10M", || {
        xp::sum(&(&x64 * &x64).unwrap(), None, false).unwrap().eval().unwrap();
    });

    let s = xp::reshape(&xp::index(&x32, &[Slice { start: Some(0), stop: Some(4096 * 1024), step: None }])?, &[4096, 1024])?;
    let s = (&s * 10.0)?;
    s.eval()?;
    row("row softmax 4096x1024 f32", || {
        let m = xp::max(&s, Some(&[1]), true).unwrap();
        let e = xp::exp(&(&s - &m).unwrap()).unwrap();
        let y = (&e / &xp::sum(&e, Some(&[1]), true).unwrap()).unwrap();
        y.eval().unwrap();
    });

    let (m, k, d) = (1000, 1000, 16);
    let px = xp::reshape(&xp::index(&x32, &[Slice { start: Some(0), stop: Some((m * d) as isize), step: None }])?, &[m as isize, d as isize])?;
    let py = xp::reshape(&xp::index(&x32, &[Slice { start: Some(1_000_000), stop: Some((1_000_000 + k * d) as isize), step: None }])?, &[k as isize, d as isize])?;
    px.eval()?;
    py.eval()?;
    let all = Slice { start: None, stop: None, step: None };
    row("pairwise distances 1000x1000x16 f32", || {
        let a = xp::index(&px, &[all, NewAxis, all]).unwrap();
        let b = xp::index(&py, &[NewAxis, all, all]).unwrap();
        let diff = (&a - &b).unwrap();
        xp::sqrt(&xp::sum(&(&diff * &diff).unwrap(), Some(&[-1]), false).unwrap()).unwrap().eval().unwrap();
    });

    for dtype in [xp::DType::Float32, xp::DType::Float64] {
        let a = xp::astype(&xp::reshape(&xp::index(&x64, &[Slice { start: Some(0), stop: Some(1 << 20), step: None }])?, &[1024, 1024])?, dtype)?;
        let b = xp::astype(&xp::reshape(&xp::index(&x64, &[Slice { start: Some(1 << 20), stop: Some(2 << 20), step: None }])?, &[1024, 1024])?, dtype)?;
        xp::eval(&[&a, &b])?;
        let (med, min) = measure(2, 10, || {
            xp::matmul(&a, &b).unwrap().eval().unwrap();
        });
        println!(
            "| matmul 1024x1024 {dtype} | {} | {} ({:.1} GFLOP/s) |",
            fmt_duration(med),
            fmt_duration(min),
            2.0 * 1024f64.powi(3) / med.as_secs_f64() / 1e9
        );
    }
    Ok(())
}
