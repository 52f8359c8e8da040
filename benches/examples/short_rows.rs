//! Reductions over short rows, where the row loop's per-row cost outweighs
//! the elements and the column path's short-row form shares it among a
//! vector of outputs: pairwise distances over 16 coordinates, norms of 3-d
//! points, and row sums of contiguous float32 arrays whose rows are 3 to 128
//! long (the form is used up to 64).
//!
//!     cargo run --release -p lazyxp-benches --example short_rows

use lazyxp as xp;
use lazyxp_benches::print_row;

fn main() -> xp::Result<()> {
    let data = |n: usize, seed: f64| -> Vec<f32> { (0..n).map(|i| (((i as f64 + seed) * 0.7548776662466927).fract() * 2.0 - 1.0) as f32).collect() };
    let row = |name: &str, f: &dyn Fn() -> xp::Array| print_row(name, || f().eval().unwrap());
    println!("| case | median | min |\n|---|---|---|");
    let (n, d) = (1000usize, 16usize);
    let (x, y) = (xp::asarray(&data(n * d, 0.0), &[n, d])?, xp::asarray(&data(n * d, 0.5), &[n, d])?);
    row("pairwise 1000x1000x16", &|| {
        let diff = (&xp::expand_dims(&x, 1).unwrap() - &xp::expand_dims(&y, 0).unwrap()).unwrap();
        xp::sqrt(&xp::sum(&(&diff * &diff).unwrap(), Some(&[-1]), false).unwrap()).unwrap()
    });
    let total = 1usize << 22;
    for k in [3usize, 8, 16, 32, 64, 128] {
        let a = xp::asarray(&data(total / k * k, 0.25), &[total / k, k])?;
        a.eval()?;
        if k == 3 {
            row("norms of 1.4M 3-d points", &|| xp::sqrt(&xp::sum(&(&a * &a).unwrap(), Some(&[-1]), false).unwrap()).unwrap());
        }
        row(&format!("sum(x, axis=1), x {}x{k}", total / k), &|| xp::sum(&a, Some(&[-1]), false).unwrap());
    }
    Ok(())
}
