use lazyxp as xp;
fn main() -> xp::Result<()> {
    let n = 10_000_000;
    let x = xp::asarray(&vec![1.0f32; n], &[n])?;
    for _ in 0..3 {
        let s = xp::sum(&(&x * &x)?, None, false)?;
        let t = std::time::Instant::now();
        s.eval()?;
        println!("eval {:?}", t.elapsed());
        if std::env::args().count() > 1 { println!("{}", s.explain()?); }
    }
    Ok(())
}
