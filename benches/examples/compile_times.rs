//! First-call cost of reduction kernels: 15 distinct kernels of one kind
//! (a chain of 0..15 additions before it, so that each compiles afresh),
//! each a row kernel, its column variant where it has one, and one run of
//! 64x1024 float32. Prints the mean per kernel; run it a few times.
//!
//!     LAZYXP_NUM_THREADS=1 cargo run --release -p lazyxp-benches --example compile_times -- CASE
//!
//! CASE: sum, max, sumexp, maxexp (over axis 0: the column variant),
//! sumexprows, softmax, maxrows (over axis 1); light (elementwise: four
//! additions or multiplications, picked by the bits of the kernel's number).

use lazyxp as xp;
fn main() -> xp::Result<()> {
    let (r, c) = (64usize, 1024usize);
    let v: Vec<f32> = (0..r * c).map(|i| (i % 17) as f32 * 0.1).collect();
    let m = xp::asarray(&v, &[r, c])?;
    m.eval()?;
    let which = std::env::args().nth(1).unwrap_or_default();
    let t = std::time::Instant::now();
    for i in 0..15 {
        let mut y = m.clone();
        if which != "light" {
            for _ in 0..i { y = (&y + 0.5).unwrap(); }
        }
        let a = match which.as_str() {
            "light" => {
                for bit in 0..4 {
                    y = if (i >> bit) & 1 == 1 { (&y * &m)? } else { (&y + &m)? };
                }
                y
            }
            "sumexp" => xp::sum(&xp::exp(&y)?, Some(&[0]), true)?,
            "maxexp" => xp::max(&xp::exp(&y)?, Some(&[0]), true)?,
            "sum" => xp::sum(&y, Some(&[0]), true)?,
            "max" => xp::max(&y, Some(&[0]), true)?,
            "sumexprows" => xp::sum(&xp::exp(&y)?, Some(&[1]), true)?,
            "softmax" => {
                let e = xp::exp(&(&y - &xp::max(&y, Some(&[1]), true)?)?)?;
                (&e / &xp::sum(&e, Some(&[1]), true)?)?
            }
            "maxrows" => xp::max(&y, Some(&[1]), true)?,
            _ => panic!("case?"),
        };
        a.eval()?;
    }
    println!("{which}: {:.2} ms per kernel (row kernel + column variant + one run)", t.elapsed().as_secs_f64() * 1e3 / 15.0);
    Ok(())
}
