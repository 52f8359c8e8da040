//! Kernels over data that stays in L2 (64K float32), on one thread: what
//! each costs in instructions, without the memory system's and the second
//! core's noise. Minimum of 3000 evaluations each.
//!
//!     LAZYXP_NUM_THREADS=1 cargo run --release -p lazyxp-benches --example resident

use lazyxp as xp;
fn main() -> xp::Result<()> {
    let n = 1 << 16;
    let v: Vec<f32> = (0..n).map(|i| (((i as f64) * 0.7548776662466927).fract() * 20.0 - 10.0) as f32).collect();
    let s = xp::asarray(&v, &[n])?;
    s.eval()?;
    let s1k = xp::asarray(&v[..1000], &[1000])?;
    s1k.eval()?;
    let r = 64usize;
    let m = xp::asarray(&v, &[r, n / r])?;
    m.eval()?;
    let cases: Vec<(&str, Box<dyn Fn() -> xp::Array>)> = vec![
        ("exp 64K", Box::new(|| xp::exp(&s).unwrap())),
        ("max rows 64x1024", Box::new(|| xp::max(&m, Some(&[1]), true).unwrap())),
        ("sum rows 64x1024", Box::new(|| xp::sum(&m, Some(&[1]), true).unwrap())),
        ("sum exp rows 64x1024", Box::new(|| xp::sum(&xp::exp(&m).unwrap(), Some(&[1]), true).unwrap())),
        ("sum exp cols 64x1024", Box::new(|| xp::sum(&xp::exp(&m).unwrap(), Some(&[0]), true).unwrap())),
        ("max exp cols 64x1024", Box::new(|| xp::max(&xp::exp(&m).unwrap(), Some(&[0]), true).unwrap())),
        ("x/3 64K", Box::new(|| (&s / 3.0).unwrap())),
        ("x*2+x 1000", Box::new(|| (&(&s1k * 2.0).unwrap() + &s1k).unwrap())),
        ("x*2+x 64K", Box::new(|| (&(&s * 2.0).unwrap() + &s).unwrap())),
        ("x - max 64x1024", Box::new(|| (&m - &xp::max(&m, Some(&[1]), true).unwrap()).unwrap())),
        ("softmax 64x1024", Box::new(|| {
            let mx = xp::max(&m, Some(&[1]), true).unwrap();
            let e = xp::exp(&(&m - &mx).unwrap()).unwrap();
            (&e / &xp::sum(&e, Some(&[1]), true).unwrap()).unwrap()
        })),
    ];
    for (name, f) in cases {
        let mut best = f64::MAX;
        for _ in 0..3000 {
            let a = f();
            let t = std::time::Instant::now();
            a.eval()?;
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("{name}: {:.1} us", best * 1e6);
    }
    Ok(())
}
