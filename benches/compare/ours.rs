//! lazyxp's side of the peer comparison (issue 3): the cases of
//! ../shared/bench/peers.py, each timed as a full call that builds the
//! expression and evaluates it (what a peer's call does), printed as JSON
//! rows in peers.py's format so compare.py can put them side by side.
//! Also the machine's copy bandwidth (the saxpy target is relative to it).
//!
//!     cargo bench -p lazyxp-benches --bench compare -- [n ...] [case ...]
//!
//! Arguments that are not numbers name the cases to run (default: all).

use lazyxp as xp;
use lazyxp_benches::{measure, uniform};
use std::time::Duration;

type Expr = fn(&[xp::Array]) -> xp::Result<xp::Array>;

fn log_sin(a: &[xp::Array]) -> xp::Result<xp::Array> {
    xp::log(&(xp::sin(&a[0])? + 5.0)?)
}
fn saxpy(a: &[xp::Array]) -> xp::Result<xp::Array> {
    xp::add(&xp::multiply(&a[0], &a[1])?, &a[2])
}
fn where_sqrt_cos(a: &[xp::Array]) -> xp::Result<xp::Array> {
    let x = &a[0];
    let zero = xp::scalar_like(x, 0.0)?;
    let w = xp::where_(&xp::greater(x, &zero)?, &xp::sqrt(x)?, &xp::negative(x)?)?;
    xp::multiply(&w, &xp::cos(x)?)
}
fn chain_tanh(a: &[xp::Array]) -> xp::Result<xp::Array> {
    let x = &a[0];
    let p = ((((x * 1.1)? + 0.3)? * x)? - 0.7)?;
    let p = ((&p * x)? + 2.0)?;
    xp::exp(&xp::negative(&xp::abs(&xp::tanh(&p)?)?)?)
}

fn array(v: &[f64], dt: xp::DType) -> xp::Array {
    if dt == xp::DType::Float32 {
        let f: Vec<f32> = v.iter().map(|&x| x as f32).collect();
        xp::asarray(&f, &[v.len()]).unwrap()
    } else {
        xp::asarray(v, &[v.len()]).unwrap()
    }
}

fn reps_for(n: usize) -> (usize, usize) {
    if n >= 1_000_000 {
        (3, 15)
    } else if n >= 100_000 {
        (20, 200)
    } else {
        (200, 3000)
    }
}

fn row(case: &str, dt: xp::DType, n: usize, med: Duration, min: Duration) {
    println!(
        "{{\"case\": \"{case}\", \"dtype\": \"{}\", \"size\": \"{n}\", \"backend\": \"lazyxp\", \"mode\": \"default\", \"median_s\": {:e}, \"min_s\": {:e}, \"ok\": true}}",
        dt.name(),
        med.as_secs_f64(),
        min.as_secs_f64()
    );
}

/// Copy bandwidth of 10M f64 (80 MB) with both threads, GB/s counting
/// the read and the write, as peers.py's np.copyto row does.
fn copy_bandwidth() -> f64 {
    let n = 10_000_000usize;
    let src = vec![1.0f64; n];
    let mut dst = vec![0.0f64; n];
    let (med, _) = measure(2, 15, || {
        let (a, b) = dst.split_at_mut(n / 2);
        std::thread::scope(|s| {
            s.spawn(|| a.copy_from_slice(&src[..n / 2]));
            b.copy_from_slice(&src[n / 2..]);
        });
    });
    2.0 * 8.0 * n as f64 / med.as_secs_f64() / 1e9
}

fn main() {
    let sizes: Vec<usize> = {
        let v: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
        if v.is_empty() {
            vec![1_000, 100_000, 10_000_000]
        } else {
            v
        }
    };
    let only: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-') && a.parse::<usize>().is_err()).collect();
    use xp::DType::{Float32 as F32, Float64 as F64};
    let cases: [(&str, Expr, &[xp::DType], (f64, f64)); 4] = [
        ("log_sin", log_sin, &[F32, F64], (-10.0, 10.0)),
        ("saxpy", saxpy, &[F32, F64], (0.0, 1.0)),
        ("where_sqrt_cos", where_sqrt_cos, &[F64], (-10.0, 10.0)),
        ("chain_tanh", chain_tanh, &[F32], (-1.5, 1.5)),
    ];
    for &n in &sizes {
        for (name, f, dts, (lo, hi)) in &cases {
            if !only.is_empty() && !only.iter().any(|o| o == name) {
                continue;
            }
            for &dt in *dts {
                let x = array(&uniform(n, *lo, *hi, 1), dt);
                let inputs = if *name == "saxpy" {
                    let a = xp::full(&[], 2.5, dt).unwrap();
                    vec![a, x, array(&uniform(n, 0.0, 1.0, 2), dt)]
                } else {
                    vec![x]
                };
                f(&inputs).unwrap().eval().unwrap();
                let (w, r) = reps_for(n);
                let (med, min) = measure(w, r, || {
                    f(&inputs).unwrap().eval().unwrap();
                });
                row(name, dt, n, med, min);
            }
        }
    }
    println!("{{\"copy_gbps\": {:.3}}}", copy_bandwidth());
}
