//! Per-call cost of cached small expressions (n = 1,000), split into
//! building the graph and evaluating it, for profiling the eval path:
//!     cargo run --release -p lazyxp-benches --example overhead [iters]
//!     perf record --call-graph dwarf target/release/examples/overhead 100000 'a*x'
//! Each figure is the minimum over 5 rounds (the machine is shared).
use lazyxp as xp;
use std::hint::black_box;
use std::time::Instant;

type Case = (&'static str, fn(&xp::Array, &xp::Array) -> xp::Result<xp::Array>);

const CASES: [Case; 5] = [
    ("a*x+y", |x, y| (x * 2.0)? + y),
    ("log(sin(x)+5)", |x, _| xp::log(&(xp::sin(x)? + 5.0)?)),
    ("exp(-abs(tanh(((x*1.1+0.3)*x-0.7)*x+2)))", |x, _| {
        let p = (((((x * 1.1)? + 0.3)? * x)? - 0.7)? * x)? + 2.0;
        xp::exp(&(-&xp::abs(&xp::tanh(&p?)?)?)?)
    }),
    ("where(x>0, sqrt(x), -x)*cos(x)", |x, _| {
        let zero = xp::full(&[], 0.0, x.dtype())?;
        xp::where_(&xp::greater(x, &zero)?, &xp::sqrt(x)?, &(-x)?)? * xp::cos(x)?
    }),
    ("sum(x*x)", |x, _| xp::sum(&(x * x)?, None, false)),
];

fn main() -> xp::Result<()> {
    let iters: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let only = std::env::args().nth(2).unwrap_or_default();
    for dtype in [xp::DType::Float32, xp::DType::Float64] {
        let x = xp::linspace(-5.0, 5.0, 1000, dtype)?;
        let y = xp::linspace(0.0, 1.0, 1000, dtype)?;
        for (name, f) in CASES.into_iter().filter(|(name, _)| name.contains(only.as_str())) {
            f(&x, &y)?.eval()?;
            let (mut total, mut build) = (f64::INFINITY, f64::INFINITY);
            for _ in 0..5 {
                let t = Instant::now();
                for _ in 0..iters {
                    f(&x, &y)?.eval()?;
                }
                total = total.min(t.elapsed().as_secs_f64());
                let t = Instant::now();
                for _ in 0..iters {
                    black_box(f(&x, &y)?);
                }
                build = build.min(t.elapsed().as_secs_f64());
            }
            let us = |s: f64| s * 1e6 / iters as f64;
            println!("{dtype} {name:42} n=1000: {:5.2} µs per call (build {:.2}, eval {:.2})", us(total), us(build), us(total - build));
        }
    }
    Ok(())
}
