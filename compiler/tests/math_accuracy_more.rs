//! Accuracy in ULPs of the functions added with issue 3 (expm1, log1p,
//! log2, log10, sinh, cosh, tan, asin, acos, atan, asinh, acosh, atanh,
//! pow, atan2, hypot, logaddexp), through the reference interpreter, by
//! the same method as math_accuracy.rs: f32 against the f64 std function
//! (exact to ~2^-52), f64 against the double-double reference in dd/.
//! Printed table: `cargo test -p lazyxp-compiler --test math_accuracy_more -- --nocapture`.

mod dd;

use dd::DD;
use lazyxp_compiler::interp;
use lazyxp_compiler::kernel_ir::{Access, BinaryOp, Kernel, KernelBuilder, UnaryOp};
use lazyxp_runtime::launch::LaunchArgs;
use lazyxp_runtime::{Buffer, DType, Scalar};

#[derive(Clone, Copy, Debug)]
enum F {
    U(UnaryOp),
    B(BinaryOp),
}

fn kernel(f: F, ty: DType) -> Kernel {
    let mut b = KernelBuilder::new("acc", 1);
    let i = b.input(ty, Access::Contiguous);
    let x = b.load(i);
    let y = match f {
        F::U(op) => b.unary(op, x),
        F::B(op) => {
            let j = b.input(ty, Access::Contiguous);
            let y = b.load(j);
            b.binary(op, x, y)
        }
    };
    b.store(y);
    b.finish()
}

fn buffer(ty: DType, xs: &[f64]) -> Buffer {
    let size = ty.size();
    let mut bytes = vec![0u8; xs.len() * size];
    for (i, &x) in xs.iter().enumerate() {
        let s = if ty == DType::Float32 { Scalar::F32(x as f32) } else { Scalar::F64(x) };
        s.write(&mut bytes[i * size..]);
    }
    Buffer::from_bytes(&bytes).unwrap()
}

/// Runs the kernel over the inputs through launch words, as a backend would.
fn run(f: F, ty: DType, xs: &[f64], ys: &[f64]) -> Vec<f64> {
    let k = kernel(f, ty);
    let size = ty.size();
    let bx = buffer(ty, xs);
    let by = buffer(ty, ys);
    let out = Buffer::uninit(xs.len() * size).unwrap();
    let mut args = LaunchArgs::default();
    args.push_ptr(bx.as_ptr());
    if matches!(f, F::B(_)) {
        args.push_ptr(by.as_ptr());
    }
    args.push_ptr(out.as_ptr());
    args.push_usize(xs.len());
    unsafe { interp::run(&k, args.as_ptr(), 0, xs.len()) };
    out.as_bytes().chunks(size).map(|c| Scalar::read(ty, c).as_f64()).collect()
}

fn pow2(e: i32) -> f64 {
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074))
    }
}

fn ulp32(v: f64) -> f64 {
    let a = v.abs();
    let mut e = if a == 0.0 { -126 } else { (a.log2().floor() as i32).max(-126) };
    while e > -126 && pow2(e) > a {
        e -= 1;
    }
    while pow2(e + 1) <= a {
        e += 1;
    }
    pow2(e - 23)
}

/// f32 error of `got` against a near-exact f64 value.
fn err32(got: f64, want: f64) -> f64 {
    if (got.is_nan() && want.is_nan()) || got == want {
        return 0.0;
    }
    if !got.is_finite() || !want.is_finite() {
        return if (want as f32) == (got as f32) { 0.0 } else { f64::INFINITY };
    }
    (got - want).abs() / ulp32(want)
}

/// The f32 reference (f64 std) and the f64 double-double reference.
fn ref32(f: F, x: f64, y: f64) -> f64 {
    match f {
        F::U(op) => match op {
            UnaryOp::Expm1 => x.exp_m1(),
            UnaryOp::Log1p => x.ln_1p(),
            UnaryOp::Log2 => x.log2(),
            UnaryOp::Log10 => x.log10(),
            UnaryOp::Sinh => x.sinh(),
            UnaryOp::Cosh => x.cosh(),
            UnaryOp::Tan => x.tan(),
            UnaryOp::Asin => x.asin(),
            UnaryOp::Acos => x.acos(),
            UnaryOp::Atan => x.atan(),
            UnaryOp::Asinh => x.asinh(),
            UnaryOp::Acosh => x.acosh(),
            UnaryOp::Atanh => x.atanh(),
            _ => unreachable!(),
        },
        F::B(op) => match op {
            BinaryOp::Pow => x.powf(y),
            BinaryOp::Atan2 => x.atan2(y),
            BinaryOp::Hypot => x.hypot(y),
            BinaryOp::LogAddExp => x.max(y) + (-(x - y).abs()).exp().ln_1p(),
            _ => unreachable!(),
        },
    }
}

fn err64(f: F, x: f64, y: f64, got: f64) -> f64 {
    // Infinite, zero or NaN results (poles, x = 0 in pow) are exact in
    // std; the double-double reference is for finite nonzero values.
    let want = ref32(f, x, y);
    if !want.is_finite() || want == 0.0 || x == 0.0 {
        return if (got.is_nan() && want.is_nan()) || got == want { 0.0 } else { f64::INFINITY };
    }
    let (v, k): (DD, i32) = match f {
        F::U(op) => match op {
            UnaryOp::Expm1 => (dd::expm1(x), 0),
            UnaryOp::Log1p => (dd::log1p(x), 0),
            UnaryOp::Log2 => (dd::log2(x), 0),
            UnaryOp::Log10 => (dd::log10(x), 0),
            UnaryOp::Sinh => dd::sinh_cosh(x, false),
            UnaryOp::Cosh => dd::sinh_cosh(x, true),
            UnaryOp::Tan => (dd::tan(x), 0),
            UnaryOp::Asin => (dd::asin(x), 0),
            UnaryOp::Acos => (dd::acos(x), 0),
            UnaryOp::Atan => (dd::atan(x), 0),
            UnaryOp::Asinh => (dd::asinh(x), 0),
            UnaryOp::Acosh => (dd::acosh(x), 0),
            UnaryOp::Atanh => (dd::atanh(x), 0),
            _ => unreachable!(),
        },
        F::B(op) => match op {
            BinaryOp::Pow => dd::pow(x, y),
            BinaryOp::Atan2 => (dd::atan2(x, y), 0),
            BinaryOp::Hypot => (dd::hypot(x, y), 0),
            BinaryOp::LogAddExp => (dd::logaddexp(x, y), 0),
            _ => unreachable!(),
        },
    };
    dd::ulp_error(got, v, k)
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [lo, hi], or log-uniform in magnitude when `log` (every
    /// binade as often as every other).
    fn sample(&mut self, lo: f64, hi: f64, log: bool) -> f64 {
        if !log {
            return lo + (hi - lo) * self.unit();
        }
        let (a, b) = (lo.abs().max(1e-300), hi.abs().max(1e-300));
        let mag = (a.ln() + (b.ln() - a.ln()) * self.unit()).exp();
        if lo < 0.0 && (hi <= 0.0 || self.next() & 1 == 1) {
            -mag.min(a)
        } else {
            mag.min(b)
        }
    }
}

/// One sampled region: x (and y) ranges, log-uniform or not.
#[derive(Clone, Copy)]
struct Region {
    x: (f64, f64),
    y: (f64, f64),
    log: bool,
}
fn r(lo: f64, hi: f64) -> Region {
    Region { x: (lo, hi), y: (0.0, 0.0), log: false }
}
fn rl(lo: f64, hi: f64) -> Region {
    Region { x: (lo, hi), y: (0.0, 0.0), log: true }
}
fn r2(x: (f64, f64), y: (f64, f64), log: bool) -> Region {
    Region { x, y, log }
}

const N: usize = 60_000;

/// Max error over the regions; prints the row of the table.
fn measure(f: F, ty: DType, regions: &[Region]) -> f64 {
    let mut rng = Rng(0x5EED ^ ty.size() as u64);
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    let round = |v: f64| if ty == DType::Float32 { v as f32 as f64 } else { v };
    for reg in regions {
        for i in 0..N / regions.len() {
            // Half a dense sweep (x only), half random.
            let x = if i % 2 == 0 && !reg.log {
                reg.x.0 + (reg.x.1 - reg.x.0) * i as f64 / (N / regions.len()) as f64
            } else {
                rng.sample(reg.x.0, reg.x.1, reg.log)
            };
            xs.push(round(x));
            ys.push(round(rng.sample(reg.y.0, reg.y.1, reg.log)));
        }
    }
    let got = run(f, ty, &xs, &ys);
    let mut worst = (0.0f64, 0.0, 0.0);
    for ((&x, &y), &g) in xs.iter().zip(&ys).zip(&got) {
        let e = if ty == DType::Float32 { err32(g, ref32(f, x, y)) } else { err64(f, x, y, g) };
        if e > worst.0 || e.is_nan() {
            worst = (e, x, y);
        }
    }
    let name = match f {
        F::U(op) => op.name(),
        F::B(op) => op.name(),
    };
    println!("| {name} | {} | {:.3} | x = {:e}, y = {:e} |", ty.name(), worst.0, worst.1, worst.2);
    worst.0
}

fn check(f: F, regions32: &[Region], regions64: &[Region], bound: f64) {
    for (ty, regions) in [(DType::Float32, regions32), (DType::Float64, regions64)] {
        let e = measure(f, ty, regions);
        assert!(e <= bound, "{f:?} {ty}: {e} ulp exceeds {bound}");
    }
}

const M32: f64 = f32::MAX as f64;

#[test]
fn expm1_accuracy() {
    let a = [r(-1.0, 1.0), r(-0.5, 0.5), rl(-1e-10, 1e-10), r(-30.0, 88.7), r(0.3, 0.4), r(-0.4, -0.3)];
    let b = [r(-1.0, 1.0), r(-0.5, 0.5), rl(-1e-10, 1e-10), r(-40.0, 709.0), r(0.3, 0.4), r(-0.4, -0.3)];
    check(F::U(UnaryOp::Expm1), &a, &b, 1.0);
}

#[test]
fn log1p_accuracy() {
    let a = [r(-1.0, 1.0), rl(-1e-10, 1e-10), rl(1e-3, M32), r(-0.999, -0.5)];
    let b = [r(-1.0, 1.0), rl(-1e-10, 1e-10), rl(1e-3, 1e300), r(-0.999, -0.5)];
    check(F::U(UnaryOp::Log1p), &a, &b, 1.0);
}

#[test]
fn log2_log10_accuracy() {
    for op in [UnaryOp::Log2, UnaryOp::Log10] {
        let a = [rl(1e-45, M32), r(0.5, 2.0), r(0.9, 1.1)];
        let b = [rl(1e-320, 1e308), r(0.5, 2.0), r(0.9, 1.1)];
        check(F::U(op), &a, &b, 2.0);
    }
}

#[test]
fn sinh_cosh_accuracy() {
    for op in [UnaryOp::Sinh, UnaryOp::Cosh] {
        let a = [r(-1.5, 1.5), r(-89.0, 89.0), rl(-1e-10, 1e-10), r(0.9, 1.1)];
        let b = [r(-1.5, 1.5), r(-709.0, 709.0), rl(-1e-10, 1e-10), r(0.9, 1.1)];
        check(F::U(op), &a, &b, 2.0);
    }
}

#[test]
fn tan_accuracy() {
    // Log-uniform up to the largest finite value: the exact reduction.
    let a = [r(-10.0, 10.0), r(-1e5, 1e5), rl(-1e-3, 1e-3), rl(-M32, M32), r(6e4, 7e4)];
    let b = [r(-10.0, 10.0), r(-1e13, 1e13), rl(-1e-3, 1e-3), rl(-f64::MAX, f64::MAX), r(1.0e9, 1.2e9)];
    check(F::U(UnaryOp::Tan), &a, &b, 2.0);
}

#[test]
fn inverse_trig_accuracy() {
    for op in [UnaryOp::Asin, UnaryOp::Acos] {
        let a = [r(-1.0, 1.0), r(0.45, 0.55), r(0.99, 1.0), r(-1.0, -0.99), rl(-1e-10, 1e-10)];
        check(F::U(op), &a, &a, 2.0);
    }
    let a = [r(-3.0, 3.0), rl(-M32, M32), r(0.35, 0.45), r(2.3, 2.5)];
    let b = [r(-3.0, 3.0), rl(-1e300, 1e300), r(0.35, 0.45), r(2.3, 2.5)];
    check(F::U(UnaryOp::Atan), &a, &b, 2.0);
}

#[test]
fn inverse_hyperbolic_accuracy() {
    let a = [r(-3.0, 3.0), rl(-1e30, 1e30), rl(-1e-10, 1e-10)];
    let b = [r(-3.0, 3.0), rl(-1e300, 1e300), rl(-1e-10, 1e-10)];
    check(F::U(UnaryOp::Asinh), &a, &b, 2.0);
    let a = [r(1.0, 3.0), rl(1.0, 1e30), r(1.0, 1.001)];
    let b = [r(1.0, 3.0), rl(1.0, 1e300), r(1.0, 1.001)];
    check(F::U(UnaryOp::Acosh), &a, &b, 2.0);
    let a = [r(-1.0, 1.0), rl(-1e-10, 1e-10), r(0.99, 1.0)];
    check(F::U(UnaryOp::Atanh), &a, &a, 2.0);
}

#[test]
fn pow_accuracy() {
    let a = [
        r2((0.0, 10.0), (-10.0, 10.0), false),
        r2((0.5, 2.0), (-150.0, 150.0), false),
        r2((1e-30, 1e30), (-3.0, 3.0), true),
        r2((0.9, 1.1), (-800.0, 800.0), false),
    ];
    let b = [
        r2((0.0, 10.0), (-10.0, 10.0), false),
        r2((0.5, 2.0), (-1000.0, 1000.0), false),
        r2((1e-300, 1e300), (-2.0, 2.0), true),
        r2((0.99, 1.01), (-60000.0, 60000.0), false),
    ];
    check(F::B(BinaryOp::Pow), &a, &b, 4.0);
}

#[test]
fn two_argument_accuracy() {
    let a = [r2((-10.0, 10.0), (-10.0, 10.0), false), r2((-1e30, 1e30), (-1e30, 1e30), true)];
    let b = [r2((-10.0, 10.0), (-10.0, 10.0), false), r2((-1e100, 1e100), (-1e100, 1e100), true)];
    check(F::B(BinaryOp::Atan2), &a, &b, 2.0);
    let b = [r2((-10.0, 10.0), (-10.0, 10.0), false), r2((-1e150, 1e150), (-1e150, 1e150), true)];
    check(F::B(BinaryOp::Hypot), &a, &b, 2.0);
    // Away from results near 0, where max + log1p(..) cancels (see docs).
    let a = [r2((-20.0, 20.0), (0.0, 20.0), false), r2((1.0, 80.0), (-80.0, 80.0), false)];
    let b = [r2((-20.0, 20.0), (0.0, 20.0), false), r2((1.0, 700.0), (-700.0, 700.0), false)];
    check(F::B(BinaryOp::LogAddExp), &a, &b, 2.0);
}
