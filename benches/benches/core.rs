//! Core pipeline benchmarks (issue: core pipeline on the CPU):
//!
//! * a cache hit: build + eval of an already compiled expression, 1,000 elements;
//! * first compile of `log(sin(x)+5)`: graph -> schedule -> kernel IR ->
//!   math expansion -> Cranelift -> callable code, without the cache;
//! * `log(sin(x)+5)` on 10M float32 values against a plain Rust loop, 1 and 2 threads.
//!
//!     cargo bench -p lazyxp-benches --bench core

use lazyxp as xp;
use lazyxp_benches::{fmt_duration, measure};
use lazyxp_compiler::{cache, schedule::Schedule};
use lazyxp_runtime::parallel::set_max_threads;

fn log_sin(x: &xp::Array) -> xp::Result<xp::Array> {
    xp::log(&(xp::sin(x)? + 5.0)?)
}

fn main() -> xp::Result<()> {
    println!("| benchmark | median | min |");
    println!("|---|---|---|");

    // Cache hit, end to end: graph build, schedule, lower, cache lookup,
    // output allocation and the kernel run over 1,000 elements.
    let small = xp::linspace(0.0, 10.0, 1000, xp::DType::Float32)?;
    log_sin(&small)?.eval()?;
    let (med, min) = measure(100, 2000, || {
        log_sin(&small).and_then(|y| y.eval()).unwrap();
    });
    println!("| cache hit: build + eval `log(sin(x)+5)`, n=1,000 f32 | {} | {} |", fmt_duration(med), fmt_duration(min));

    // First compile, without the cache: everything from the graph to a
    // callable kernel.
    let (med, min) = measure(5, 50, || {
        let y = log_sin(&small).unwrap();
        let s = Schedule::build_uncached(std::slice::from_ref(y.node())).unwrap();
        let low = s.lowered[0].as_ref().expect("an elementwise kernel");
        let entry = cache::compile_uncached(&low.kernel).unwrap();
        std::hint::black_box(entry.cpu.entry);
    });
    println!("| first compile of `log(sin(x)+5)` f32 (graph to callable kernel) | {} | {} |", fmt_duration(med), fmt_duration(min));

    // 10M float32 elements against plain Rust loops.
    const N: usize = 10_000_000;
    let x = xp::linspace(0.0, 100.0, N, xp::DType::Float32)?;
    let xs: Vec<f32> = x.to_vec()?;
    let mut out = vec![0f32; N];
    for threads in [1usize, 2] {
        set_max_threads(threads);
        let (med, min) = measure(2, 15, || {
            log_sin(&x).and_then(|y| y.eval()).unwrap();
        });
        println!("| lazyxp `log(sin(x)+5)` f32 n=10M, {threads} thread(s) | {} | {} |", fmt_duration(med), fmt_duration(min));
        let (pmed, pmin) = measure(1, 7, || plain_loop(&xs, &mut out, threads));
        println!("| plain Rust loop (std sin/ln) f32 n=10M, {threads} thread(s) | {} | {} |", fmt_duration(pmed), fmt_duration(pmin));
        println!("| ratio plain / lazyxp, {threads} thread(s) | {:.2}x | |", pmed.as_secs_f64() / med.as_secs_f64());
    }
    set_max_threads(usize::MAX);
    Ok(())
}

fn plain_loop(xs: &[f32], out: &mut [f32], threads: usize) {
    let chunk = xs.len().div_ceil(threads);
    std::thread::scope(|s| {
        for (xc, oc) in xs.chunks(chunk).zip(out.chunks_mut(chunk)) {
            s.spawn(move || {
                for (o, &v) in oc.iter_mut().zip(xc) {
                    *o = (v.sin() + 5.0).ln();
                }
            });
        }
    });
    std::hint::black_box(out);
}
