//! Float min/max reductions against a sum over the same data (4096x1024,
//! float32, or float64 with argument `f64`): the NaN- and signed-zero-exact
//! min/max fold should cost little more than the sum's add.
//!
//!     cargo run --release -p lazyxp-benches --example extremes [f64]

use lazyxp as xp;
use lazyxp_benches::print_row;

fn main() -> xp::Result<()> {
    let (r, c) = (4096usize, 1024usize);
    let v: Vec<f32> = (0..r * c).map(|i| ((i as f64) * 0.7548776662466927).fract() as f32 - 0.5).collect();
    let x = xp::asarray(&v, &[r, c])?;
    let x = if std::env::args().nth(1).as_deref() == Some("f64") { xp::astype(&x, xp::DType::Float64)? } else { x };
    x.eval()?;
    let row = |name: &str, f: &dyn Fn() -> xp::Array| print_row(name, || f().eval().unwrap());
    println!("| case | median | min |\n|---|---|---|");
    row("sum(x)", &|| xp::sum(&x, None, false).unwrap());
    row("min(x)", &|| xp::min(&x, None, false).unwrap());
    row("max(x)", &|| xp::max(&x, None, false).unwrap());
    row("sum(x, axis=1)", &|| xp::sum(&x, Some(&[1]), false).unwrap());
    row("max(x, axis=1)", &|| xp::max(&x, Some(&[1]), false).unwrap());
    row("min(x, axis=0)", &|| xp::min(&x, Some(&[0]), false).unwrap());
    Ok(())
}
