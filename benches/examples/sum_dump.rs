//! Prints the evaluation report of `sum(x*x)` over 10M values (float32, or
//! float64 with any argument), for reading the reduction kernels' code.
use lazyxp as xp;
fn main() -> xp::Result<()> {
    let n = 10_000_000;
    let x = xp::astype(&xp::linspace(0.0, 1.0, n, xp::DType::Float64)?, if std::env::args().count() > 1 { xp::DType::Float64 } else { xp::DType::Float32 })?;
    x.eval()?;
    for _ in 0..3 {
        let s = xp::sum(&(&x * &x)?, None, false)?;
        let t = std::time::Instant::now();
        s.eval()?;
        println!("eval {:?}", t.elapsed());
    }
    let s = xp::sum(&(&x * &x)?, None, false)?;
    print!("{}", s.explain()?.lines().filter(|l| l.starts_with("kernel ") && l.contains(" key ")).collect::<Vec<_>>().join("\n"));
    println!();
    Ok(())
}
