//! Where a row softmax's time goes: each of its pieces on its own, on the
//! benchmark's 4096x1024 float32 input.
//!
//!     cargo run --release -p lazyxp-benches --example softmax_parts

use lazyxp as xp;
use lazyxp_benches::print_row;

fn main() -> xp::Result<()> {
    let (r, c) = (4096usize, 1024usize);
    let v: Vec<f32> = (0..r * c).map(|i| (((i as f64) * 0.7548776662466927).fract() * 20.0 - 10.0) as f32).collect();
    let s = xp::asarray(&v, &[r, c])?;
    let row = |name: &str, f: &dyn Fn() -> xp::Array| print_row(name, || f().eval().unwrap());
    println!("| piece | median | min |\n|---|---|---|");
    row("max(x, axis=1)", &|| xp::max(&s, Some(&[1]), true).unwrap());
    row("sum(x, axis=1)", &|| xp::sum(&s, Some(&[1]), true).unwrap());
    row("exp(x)", &|| xp::exp(&s).unwrap());
    row("x / 3", &|| (&s / 3.0).unwrap());
    row("sum(exp(x), axis=1)", &|| xp::sum(&xp::exp(&s).unwrap(), Some(&[1]), true).unwrap());
    row("x - max(x)", &|| (&s - &xp::max(&s, Some(&[1]), true).unwrap()).unwrap());
    row("softmax", &|| {
        let m = xp::max(&s, Some(&[1]), true).unwrap();
        let e = xp::exp(&(&s - &m).unwrap()).unwrap();
        (&e / &xp::sum(&e, Some(&[1]), true).unwrap()).unwrap()
    });
    Ok(())
}
