use lazyxp as xp;
use lazyxp_benches::{fmt_duration, measure};
fn main() -> xp::Result<()> {
    let small = xp::linspace(0.0, 10.0, 1000, xp::DType::Float32)?;
    let (med, _) = measure(100, 5000, || { let y: xp::Array = (&small + 1.0).unwrap(); y.eval().unwrap(); });
    println!("x+1 build+eval n=1000: {}", fmt_duration(med));
    let (med, _) = measure(100, 5000, || { std::hint::black_box((&small + 1.0).unwrap()); });
    println!("x+1 build only: {}", fmt_duration(med));
    let y = xp::log(&(xp::sin(&small)? + 5.0)?)?; y.eval()?;
    let (med, _) = measure(100, 5000, || { std::hint::black_box(xp::log(&(xp::sin(&small).unwrap() + 5.0).unwrap()).unwrap()); });
    println!("log_sin build only: {}", fmt_duration(med));
    Ok(())
}
