//! Prints the evaluation report (kernel IR, CLIF, machine code) of a
//! float32 max reduction over rows, for reading the reduction loop's code.
use lazyxp as xp;
fn main() -> xp::Result<()> {
    let x = xp::asarray(&vec![1.0f32; 100_000], &[100, 1000])?;
    let s = xp::max(&x, Some(&[1]), false)?;
    let t = std::time::Instant::now();
    s.eval()?;
    println!("first {:?}", t.elapsed());
    for _ in 0..3 {
        let s = xp::max(&(&x * 1.0)?, Some(&[1]), false)?;
        let t = std::time::Instant::now();
        s.eval()?;
        println!("again {:?}", t.elapsed());
    }
    println!("{}", s.explain()?);
    Ok(())
}
