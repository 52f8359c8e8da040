//! Elementwise kernels over views and broadcasts (1000x1000 float32, one
//! core with `LAZYXP_NUM_THREADS=1`): how strided inputs load against
//! contiguous ones. Best of 200 evaluations each, with the kernel's compile
//! time from its first evaluation.
//!
//!     LAZYXP_NUM_THREADS=1 cargo run --release -p lazyxp-benches --example views
use lazyxp as xp;

fn main() -> xp::Result<()> {
    let n = 1000usize;
    let v: Vec<f32> = (0..n * n).map(|i| (((i as f64) * 0.7548776662466927).fract() * 2.0 - 1.0) as f32).collect();
    let a = xp::asarray(&v, &[n, n])?;
    let b = xp::asarray(&v, &[n, n])?;
    let x = xp::asarray(&v[..n], &[n])?;
    let y = xp::asarray(&v[n..2 * n], &[n])?;
    let p3 = xp::asarray(&v[..999_999], &[333_333, 3])?;
    let w3 = xp::asarray(&v[..3], &[3])?;
    let p20 = xp::asarray(&v, &[50_000, 20])?;
    let w20 = xp::asarray(&v[..20], &[20])?;
    for t in [&a, &b, &x, &y, &p3, &w3, &p20, &w20] {
        t.eval()?;
    }
    let every_other = xp::Index::Slice { start: None, stop: None, step: Some(2) };
    let cases: Vec<(&str, Box<dyn Fn() -> xp::Result<xp::Array>>)> = vec![
        ("a + b", Box::new(|| &a + &b)),
        ("a + y (row broadcast)", Box::new(|| &a + &y)),
        ("x[:,None] + y[None,:]", Box::new(|| &xp::expand_dims(&x, 1)? + &xp::expand_dims(&y, 0)?)),
        ("a[:, ::-1] * 2", Box::new(|| &xp::flip(&a, Some(&[1]))? * 2.0)),
        ("a[::2, ::2] * 2", Box::new(|| &xp::index(&a, &[every_other.clone(), every_other.clone()])? * 2.0)),
        ("a + b.T", Box::new(|| &a + &xp::matrix_transpose(&b)?)),
        ("[50000,20] + [20]", Box::new(|| &p20 + &w20)),
        ("[333333,3] + [3]", Box::new(|| &p3 + &w3)),
    ];
    println!("| case | best | compile |\n|---|---|---|");
    for (name, f) in cases {
        let first = f()?;
        first.eval()?;
        let report = first.explain()?;
        let compile = report.lines().find_map(|l| l.split(", ").find(|p| p.starts_with("compile ")).map(str::to_string)).unwrap_or_default();
        // A live result would be found again by the next call, evaluated.
        drop(first);
        let mut best = f64::MAX;
        for _ in 0..200 {
            let r = f()?;
            let t = std::time::Instant::now();
            r.eval()?;
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("| `{name}` | {:.1} us | {} |", best * 1e6, compile.trim_start_matches("compile "));
    }
    Ok(())
}
