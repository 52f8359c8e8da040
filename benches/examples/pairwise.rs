//! The benchmark's pairwise distances, `sqrt(sum((x[:,None,:] - y[None,:,:])**2,
//! axis=-1))` over 1000x1000x16 float32: its time, and with any argument
//! the evaluation report (fusion plan, kernel IR, machine code), for
//! reading what the one reduction kernel does per output.
//!
//!     cargo run --release -p lazyxp-benches --example pairwise [report]

use lazyxp as xp;
use lazyxp_benches::{fmt_duration, measure};

fn main() -> xp::Result<()> {
    let (n, d) = (1000usize, 16usize);
    let data = |seed: f64| -> Vec<f32> { (0..n * d).map(|i| (((i as f64 + seed) * 0.7548776662466927).fract() * 2.0 - 1.0) as f32).collect() };
    let (x, y) = (xp::asarray(&data(0.0), &[n, d])?, xp::asarray(&data(0.5), &[n, d])?);
    let dist = || -> xp::Result<xp::Array> {
        let xs = xp::expand_dims(&x, 1)?;
        let ys = xp::expand_dims(&y, 0)?;
        let diff = (&xs - &ys)?;
        xp::sqrt(&xp::sum(&(&diff * &diff)?, Some(&[-1]), false)?)
    };
    let (med, min) = measure(2, 15, || dist().unwrap().eval().unwrap());
    println!("pairwise {n}x{n}x{d} f32: median {}, min {}", fmt_duration(med), fmt_duration(min));
    if std::env::args().count() > 1 {
        let r = dist()?;
        r.eval()?;
        println!("{}", r.explain()?);
    }
    Ok(())
}
