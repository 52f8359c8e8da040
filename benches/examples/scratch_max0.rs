use lazyxp as xp;
fn main() -> xp::Result<()> {
    let (r, c) = (4096usize, 1024usize);
    let v: Vec<f32> = (0..r * c).map(|i| ((i as f64) * 0.7548776662466927).fract() as f32).collect();
    let x = xp::asarray(&v, &[r, c])?;
    x.eval()?;
    let s = xp::max(&x, Some(&[0]), false)?;
    s.eval()?;
    Ok(())
}
