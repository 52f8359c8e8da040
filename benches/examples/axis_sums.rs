//! Reductions of a 4096x1024 float32 (with argument `f64`: float64) array
//! along each axis, and of its
//! transpose: a sum over the leading axis should take the column path
//! (about as fast as along rows), not a strided walk per output (~20x
//! slower), with a weight per row broadcast along it too; and
//! pairwise-style broadcast inputs should not pay for testing it per
//! output.
//!
//!     cargo run --release -p lazyxp-benches --example axis_sums [f64]

use lazyxp as xp;
use lazyxp_benches::print_row;

fn main() -> xp::Result<()> {
    let (r, c) = (4096usize, 1024usize);
    let v: Vec<f32> = (0..r * c).map(|i| ((i as f64) * 0.7548776662466927).fract() as f32).collect();
    let x = xp::asarray(&v, &[r, c])?;
    let x = if std::env::args().nth(1).as_deref() == Some("f64") { xp::astype(&x, xp::DType::Float64)? } else { x };
    x.eval()?;
    let xt = xp::permute_dims(&x, &[1, 0])?;
    // A weight per row, broadcast along it.
    let w = xp::expand_dims(&xp::astype(&xp::asarray(&v[..r], &[r])?, x.dtype())?, 1)?;
    w.eval()?;
    let row = |name: &str, f: &dyn Fn() -> xp::Array| print_row(name, || f().eval().unwrap());
    println!("| case | median | min |\n|---|---|---|");
    row("sum(x, axis=1)", &|| xp::sum(&x, Some(&[1]), false).unwrap());
    row("sum(x, axis=0)", &|| xp::sum(&x, Some(&[0]), false).unwrap());
    row("sum(x.T, axis=1)", &|| xp::sum(&xt, Some(&[1]), false).unwrap());
    row("max(x, axis=0)", &|| xp::max(&x, Some(&[0]), false).unwrap());
    row("sum(x*x, axis=0)", &|| xp::sum(&(&x * &x).unwrap(), Some(&[0]), false).unwrap());
    row("sum(x*w[:,None], axis=0)", &|| xp::sum(&(&x * &w).unwrap(), Some(&[0]), false).unwrap());
    row("argmax(x, axis=0)", &|| xp::argmax(&x, Some(0), false).unwrap());
    row("argmax(x, axis=1)", &|| xp::argmax(&x, Some(1), false).unwrap());
    Ok(())
}
