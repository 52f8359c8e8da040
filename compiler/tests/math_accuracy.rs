//! Accuracy of the math library in ULPs, through the reference interpreter.
//!
//! f32 results are compared with the f64 std function of the same input,
//! which is exact to ~2^-52 relative, so the error is measured in fractions
//! of an f32 ulp of the true value. f64 results are compared with the
//! double-double reference in `dd/` (~106 bits), again as fractions of an
//! ulp of the true value.
//! Printed tables: `cargo test -p lazyxp-compiler --test math_accuracy -- --nocapture`.

mod dd;

use lazyxp_compiler::interp;
use lazyxp_compiler::kernel_ir::{Access, KernelBuilder, UnaryOp};
use lazyxp_runtime::launch::LaunchArgs;
use lazyxp_runtime::{Buffer, DType, Scalar};

/// `v0 = load in0; v1 = op v0; store out0, v1` for `ty`.
fn kernel(op: UnaryOp, ty: DType) -> lazyxp_compiler::kernel_ir::Kernel {
    let mut b = KernelBuilder::new(format!("{op}_{}", ty.short_name()), 1);
    let i = b.input(ty, Access::Contiguous);
    let x = b.load(i);
    let y = b.unary(op, x);
    b.store(y);
    b.finish()
}

/// Runs the kernel over all of `xs` (through real buffers and launch words,
/// as a backend kernel would) and returns the outputs as f64.
fn run(op: UnaryOp, ty: DType, xs: &[f64]) -> Vec<f64> {
    let k = kernel(op, ty);
    let size = ty.size();
    let mut bytes = vec![0u8; xs.len() * size];
    for (i, &x) in xs.iter().enumerate() {
        let s = if ty == DType::Float32 { Scalar::F32(x as f32) } else { Scalar::F64(x) };
        s.write(&mut bytes[i * size..]);
    }
    let input = Buffer::from_bytes(&bytes).unwrap();
    let output = Buffer::uninit(xs.len() * size).unwrap();
    let mut args = LaunchArgs::default();
    args.push_ptr(input.as_ptr());
    args.push_ptr(output.as_ptr());
    args.push_usize(xs.len());
    unsafe { interp::run(&k, args.as_ptr(), 0, xs.len()) };
    output
        .as_bytes()
        .chunks(size)
        .map(|c| Scalar::read(ty, c).as_f64())
        .collect()
}

fn reference(op: UnaryOp) -> fn(f64) -> f64 {
    match op {
        UnaryOp::Sin => f64::sin,
        UnaryOp::Cos => f64::cos,
        UnaryOp::Exp => f64::exp,
        UnaryOp::Log => f64::ln,
        UnaryOp::Tanh => f64::tanh,
        _ => unreachable!(),
    }
}

/// Size of one ulp of `ty` at the magnitude of `v` (the subnormal ulp below).
fn ulp(ty: DType, v: f64) -> f64 {
    let (mant, min_exp) = if ty == DType::Float32 { (23, -126) } else { (52, -1022) };
    let e = if v == 0.0 { min_exp } else { (v.abs().log2().floor() as i32).max(min_exp) };
    // log2 can be off by one at binade edges; fix it with exact comparisons.
    let mut e = e;
    while e > min_exp && pow2(e) > v.abs() {
        e -= 1;
    }
    while e < 1023 && pow2(e + 1) <= v.abs() {
        e += 1;
    }
    pow2(e - mant)
}

/// 2^e for e in [-1074, 1023], built from bits (powi underflows through
/// its reciprocal for large negative e).
fn pow2(e: i32) -> f64 {
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074))
    }
}

/// Error of `got` against the reference, in ulps of `ty`. f32: fractional
/// distance to the (nearly exact) f64 value; f64: distance to glibc.
fn ulp_error(ty: DType, got: f64, want: f64) -> f64 {
    if got.is_nan() && want.is_nan() {
        return 0.0;
    }
    if got == want {
        return 0.0;
    }
    if !got.is_finite() || !want.is_finite() || got.is_nan() || want.is_nan() {
        // inf against a finite value that rounds to inf in f32 is exact.
        if ty == DType::Float32 && (want as f32) == (got as f32) {
            return 0.0;
        }
        return f64::INFINITY;
    }
    (got - want).abs() / ulp(ty, want)
}

/// f64 error against the double-double reference.
fn dd_error(op: UnaryOp, x: f64, got: f64) -> f64 {
    let (v, k) = match op {
        UnaryOp::Exp => {
            if x > 709.8 || x < -746.0 {
                // Saturated: inf or 0 exactly, checked against std.
                return ulp_error(DType::Float64, got, x.exp());
            }
            dd::exp(x)
        }
        UnaryOp::Log => {
            if x <= 0.0 || x.is_infinite() {
                return ulp_error(DType::Float64, got, x.ln());
            }
            (dd::log(x), 0)
        }
        UnaryOp::Sin => (dd::sin_cos(x, false), 0),
        UnaryOp::Cos => (dd::sin_cos(x, true), 0),
        UnaryOp::Tanh => (dd::tanh(x), 0),
        _ => unreachable!(),
    };
    dd::ulp_error(got, v, k)
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64: deterministic, so a failure reproduces.
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }
    /// Any finite value of `ty`, uniform over bit patterns, so every binade
    /// is sampled as often as every other.
    fn any_finite(&mut self, ty: DType) -> f64 {
        loop {
            let v = if ty == DType::Float32 {
                f32::from_bits(self.next() as u32) as f64
            } else {
                f64::from_bits(self.next())
            };
            if v.is_finite() {
                return v;
            }
        }
    }
}

/// Samples: a dense sweep and uniform randoms over `[lo, hi]`, plus
/// bit-uniform values over the whole finite range inside `[lo, hi]`.
fn samples(ty: DType, lo: f64, hi: f64, n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Rng(seed);
    let mut xs = Vec::with_capacity(3 * n);
    let round = |v: f64| if ty == DType::Float32 { v as f32 as f64 } else { v };
    for i in 0..n {
        xs.push(round(lo + (hi - lo) * (i as f64 / n as f64)));
        xs.push(round(rng.uniform(lo, hi)));
        let v = rng.any_finite(ty);
        if v >= lo && v <= hi {
            xs.push(v);
        }
    }
    xs
}

/// Max ulp error of `op` over `xs`, and the worst input.
fn max_error(op: UnaryOp, ty: DType, xs: &[f64]) -> (f64, f64) {
    let got = run(op, ty, xs);
    let f = reference(op);
    let mut worst = (0.0, f64::NAN);
    for (&x, &y) in xs.iter().zip(&got) {
        let e = if ty == DType::Float64 { dd_error(op, x, y) } else { ulp_error(ty, y, f(x)) };
        if e > worst.0 || e.is_nan() {
            worst = (e, x);
        }
    }
    worst
}

const N: usize = 200_000;

fn check(op: UnaryOp, ty: DType, ranges: &[(f64, f64)], bound: f64) {
    let mut xs = Vec::new();
    for (i, &(lo, hi)) in ranges.iter().enumerate() {
        xs.extend(samples(ty, lo, hi, N / ranges.len(), 17 + i as u64));
    }
    let (err, at) = max_error(op, ty, &xs);
    println!("{op:>5} {:>8}: max error {err:.3} ulp at x = {at:e} ({} samples)", ty.name(), xs.len());
    assert!(err <= bound, "{op} {ty}: {err} ulp at x = {at:e} exceeds {bound}");
}

const F32_MAX: f64 = f32::MAX as f64;

#[test]
fn exp_accuracy() {
    let r32 = [(-F32_MAX, F32_MAX), (-104.0, 89.0), (-1.0, 1.0), (-88.0, -80.0)];
    check(UnaryOp::Exp, DType::Float32, &r32, 1.0);
    let r64 = [(-f64::MAX, f64::MAX), (-746.0, 710.0), (-1.0, 1.0), (-745.2, -700.0)];
    check(UnaryOp::Exp, DType::Float64, &r64, 1.0);
}

#[test]
fn log_accuracy() {
    let r32 = [(0.0, F32_MAX), (0.5, 2.0), (0.0, 1e-37), (0.9, 1.1)];
    check(UnaryOp::Log, DType::Float32, &r32, 1.0);
    let r64 = [(0.0, f64::MAX), (0.5, 2.0), (0.0, 1e-307), (0.9, 1.1)];
    check(UnaryOp::Log, DType::Float64, &r64, 1.0);
}

#[test]
fn sin_cos_accuracy() {
    for op in [UnaryOp::Sin, UnaryOp::Cos] {
        // The whole range (bit-uniform: every binade, huge ones included),
        // both sides of the switch to the exact reduction at 2^16 / 2^30,
        // and small arguments.
        let r32 = [(-F32_MAX, F32_MAX), (-1e5, 1e5), (6e4, 7e4), (-10.0, 10.0), (-1e-3, 1e-3)];
        check(op, DType::Float32, &r32, 1.0);
        let r64 = [(-f64::MAX, 0.0), (0.0, f64::MAX), (-1e13, 1e13), (1.0e9, 1.2e9), (-10.0, 10.0), (-1e-3, 1e-3)];
        check(op, DType::Float64, &r64, 1.0);
    }
}

/// Arguments extremely close to a multiple of pi/2, where a reduction with
/// too few bits of pi loses everything: the worst case of all doubles
/// (Muller, "Elementary Functions", x mod pi/2 ~ 2^-61 relative to x's
/// size), the worst of all floats, and their neighbours.
#[test]
fn sin_cos_hard_arguments() {
    let f64_hard = [6381956970095103.0 * 2f64.powi(797), 5261692873635770.0 * 2f64.powi(499), 8.0e307, 1e22];
    let f32_hard = [16367173.0 * 2f64.powi(72), 1.5707963e38, 3.3e38];
    for op in [UnaryOp::Sin, UnaryOp::Cos] {
        let mut xs64 = Vec::new();
        for x in f64_hard {
            let b = x.to_bits();
            for d in 0..5u64 {
                for v in [f64::from_bits(b + d), f64::from_bits(b - d)] {
                    xs64.push(v);
                    xs64.push(-v);
                }
            }
        }
        let (err, at) = max_error(op, DType::Float64, &xs64);
        println!("{op:>5}      f64: hard arguments, max error {err:.3} ulp at x = {at:e}");
        assert!(err <= 1.0, "{op} f64: {err} ulp at x = {at:e}");
        let mut xs32 = Vec::new();
        for x in f32_hard {
            let b = (x as f32).to_bits();
            for d in 0..5u32 {
                for v in [f32::from_bits(b + d), f32::from_bits(b - d)] {
                    xs32.push(v as f64);
                    xs32.push(-v as f64);
                }
            }
        }
        let (err, at) = max_error(op, DType::Float32, &xs32);
        println!("{op:>5}      f32: hard arguments, max error {err:.3} ulp at x = {at:e}");
        assert!(err <= 1.0, "{op} f32: {err} ulp at x = {at:e}");
    }
}

#[test]
fn tanh_accuracy() {
    // Whole range; f32 around its switch at 1.0 (the polynomial's edge
    // and the plain exp form's worst, d ~ 0.24) and its peak near 0.85;
    // f64 around its switch at 0.3 and the peak of the double-word exp
    // form's error (a ~ 0.52, just below where tanh crosses 0.5).
    let r32 = [(-F32_MAX, F32_MAX), (-1.0, 1.0), (-10.0, 10.0), (0.75, 0.95), (-1.2, -0.8), (0.8, 1.2), (1.0, 3.0)];
    check(UnaryOp::Tanh, DType::Float32, &r32, 1.0);
    let r64 = [(-f64::MAX, f64::MAX), (-1.0, 1.0), (-20.0, 20.0), (-0.35, -0.25), (0.25, 0.35), (0.45, 0.6)];
    check(UnaryOp::Tanh, DType::Float64, &r64, 1.0);
}

/// Every float32 from 0.25 to 4: the top of the polynomial's range, where
/// its error peaks, the switch at 1.0 and the exp form where d = 2/(e+1)
/// carries most of its roundings into the result. Sampling alone left the
/// maximum moving between runs of different density (0.88 and 0.93 ulp).
#[test]
fn tanh_f32_every_value_around_the_switch() {
    let (lo, hi) = (0.25f32.to_bits(), 4.0f32.to_bits());
    let mut worst = (0.0, f64::NAN);
    let mut bits = lo;
    while bits < hi {
        let end = (bits + (1 << 20)).min(hi);
        let xs: Vec<f64> = (bits..end).map(|b| f32::from_bits(b) as f64).collect();
        let (e, at) = max_error(UnaryOp::Tanh, DType::Float32, &xs);
        if e > worst.0 {
            worst = (e, at);
        }
        bits = end;
    }
    println!(" tanh  float32: max error {:.3} ulp at x = {:e} (every value in [0.25, 4))", worst.0, worst.1);
    assert!(worst.0 <= 1.0, "tanh f32: {} ulp at x = {:e}", worst.0, worst.1);
}

/// One evaluation through `eval_element`, as the bits of the result.
fn at(op: UnaryOp, ty: DType, x: f64) -> f64 {
    let s = if ty == DType::Float32 { Scalar::F32(x as f32) } else { Scalar::F64(x) };
    interp::eval_element(&kernel(op, ty), &[s])[0].as_f64()
}

const FLOATS: [DType; 2] = [DType::Float32, DType::Float64];
const INF: f64 = f64::INFINITY;

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

#[test]
fn nan_in_nan_out() {
    for ty in FLOATS {
        for op in [UnaryOp::Sin, UnaryOp::Cos, UnaryOp::Exp, UnaryOp::Log, UnaryOp::Tanh] {
            assert!(at(op, ty, f64::NAN).is_nan(), "{op}({ty} NaN) is not NaN");
        }
    }
}

#[test]
fn sin_cos_special_values() {
    for ty in FLOATS {
        assert!(same(at(UnaryOp::Sin, ty, 0.0), 0.0), "sin(+0) {ty}");
        assert!(same(at(UnaryOp::Sin, ty, -0.0), -0.0), "sin(-0) {ty}");
        assert_eq!(at(UnaryOp::Cos, ty, 0.0), 1.0, "cos(+0) {ty}");
        assert_eq!(at(UnaryOp::Cos, ty, -0.0), 1.0, "cos(-0) {ty}");
        for x in [INF, -INF] {
            assert!(at(UnaryOp::Sin, ty, x).is_nan(), "sin({x}) {ty}");
            assert!(at(UnaryOp::Cos, ty, x).is_nan(), "cos({x}) {ty}");
        }
        let tiny = if ty == DType::Float32 { 1e-40 } else { 1e-310 };
        assert_eq!(at(UnaryOp::Sin, ty, tiny), at(UnaryOp::Sin, ty, tiny), "sin(subnormal) {ty}");
        let want = if ty == DType::Float32 { tiny as f32 as f64 } else { tiny };
        assert_eq!(at(UnaryOp::Sin, ty, tiny), want, "sin(subnormal) = x {ty}");
        // Beyond the accurate range results stay finite in [-1, 1].
        let max = if ty == DType::Float32 { f32::MAX as f64 } else { f64::MAX };
        for x in [1e15, 3e17, 1e30, -1e35, max, -max] {
            for op in [UnaryOp::Sin, UnaryOp::Cos] {
                let y = at(op, ty, x);
                assert!((-1.0..=1.0).contains(&y), "{op}({x:e}) {ty} = {y}");
            }
        }
    }
}

#[test]
fn exp_special_values() {
    for ty in FLOATS {
        let is32 = ty == DType::Float32;
        assert!(same(at(UnaryOp::Exp, ty, -INF), 0.0), "exp(-inf) = +0 {ty}");
        assert_eq!(at(UnaryOp::Exp, ty, INF), INF, "exp(+inf) {ty}");
        assert_eq!(at(UnaryOp::Exp, ty, 0.0), 1.0, "exp(+0) {ty}");
        assert_eq!(at(UnaryOp::Exp, ty, -0.0), 1.0, "exp(-0) {ty}");
        let (over, big_finite) = if is32 { (88.73, 88.72) } else { (709.79, 709.78) };
        assert_eq!(at(UnaryOp::Exp, ty, over), INF, "exp overflow {ty}");
        assert!(at(UnaryOp::Exp, ty, big_finite).is_finite(), "exp near overflow {ty}");
        let max = if is32 { f32::MAX as f64 } else { f64::MAX };
        assert_eq!(at(UnaryOp::Exp, ty, max), INF, "exp(MAX) {ty}");
        assert!(same(at(UnaryOp::Exp, ty, -max), 0.0), "exp(-MAX) {ty}");
        // Smallest subnormal, and below half of it, zero.
        let (sub, zero, min_sub) = if is32 {
            (-103.9, -104.0, f32::from_bits(1) as f64)
        } else {
            (-745.1, -745.2, f64::from_bits(1))
        };
        assert_eq!(at(UnaryOp::Exp, ty, sub), min_sub, "exp underflow to min subnormal {ty}");
        assert!(same(at(UnaryOp::Exp, ty, zero), 0.0), "exp underflow to +0 {ty}");
    }
}

#[test]
fn log_special_values() {
    for ty in FLOATS {
        let is32 = ty == DType::Float32;
        assert_eq!(at(UnaryOp::Log, ty, 0.0), -INF, "log(+0) {ty}");
        assert_eq!(at(UnaryOp::Log, ty, -0.0), -INF, "log(-0) {ty}");
        assert!(at(UnaryOp::Log, ty, -1.0).is_nan(), "log(-1) {ty}");
        assert!(at(UnaryOp::Log, ty, -1e-40).is_nan() || is32, "log(negative subnormal) {ty}");
        assert!(at(UnaryOp::Log, ty, -INF).is_nan(), "log(-inf) {ty}");
        assert_eq!(at(UnaryOp::Log, ty, INF), INF, "log(+inf) {ty}");
        assert!(same(at(UnaryOp::Log, ty, 1.0), 0.0), "log(1) = +0 {ty}");
        let min_sub = if is32 { f32::from_bits(1) as f64 } else { f64::from_bits(1) };
        let want = min_sub.ln();
        let got = at(UnaryOp::Log, ty, min_sub);
        let want = if is32 { want as f32 as f64 } else { want };
        assert_eq!(got, want, "log(min subnormal) {ty}");
        let max = if is32 { f32::MAX as f64 } else { f64::MAX };
        let want = if is32 { max.ln() as f32 as f64 } else { max.ln() };
        assert_eq!(at(UnaryOp::Log, ty, max), want, "log(MAX) {ty}");
    }
}

#[test]
fn tanh_special_values() {
    for ty in FLOATS {
        assert_eq!(at(UnaryOp::Tanh, ty, INF), 1.0, "tanh(+inf) {ty}");
        assert_eq!(at(UnaryOp::Tanh, ty, -INF), -1.0, "tanh(-inf) {ty}");
        assert!(same(at(UnaryOp::Tanh, ty, 0.0), 0.0), "tanh(+0) {ty}");
        assert!(same(at(UnaryOp::Tanh, ty, -0.0), -0.0), "tanh(-0) {ty}");
        let tiny = if ty == DType::Float32 { [1e-30, -1e-40, 1e-10] } else { [1e-300, -1e-310, 1e-10] };
        for x in tiny {
            let x = if ty == DType::Float32 { x as f32 as f64 } else { x };
            assert_eq!(at(UnaryOp::Tanh, ty, x), x, "tanh(tiny {x:e}) = x {ty}");
        }
        assert_eq!(at(UnaryOp::Tanh, ty, 30.0), 1.0, "tanh(30) {ty}");
        assert_eq!(at(UnaryOp::Tanh, ty, -1e300_f64.min(if ty == DType::Float32 { 1e38 } else { 1e300 })), -1.0, "tanh(-huge) {ty}");
    }
}
