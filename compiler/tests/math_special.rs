//! The array API standard's special cases, one row per rule, for every
//! function the math library expands (and NumPy's integer division
//! rules). Each row runs through the reference interpreter and through
//! the Cranelift backend on the scalar and (where the kernel allows) the
//! vector path, which must agree bit for bit with the interpreter.

use lazyxp_compiler::backend::cranelift::compile_with_lanes;
use lazyxp_compiler::interp;
use lazyxp_compiler::kernel_ir::{Access, BinaryOp, Kernel, KernelBuilder, UnaryOp};
use lazyxp_compiler::math;
use lazyxp_runtime::launch::LaunchArgs;
use lazyxp_runtime::{DType, Scalar};

const INF: f64 = f64::INFINITY;
const NAN: f64 = f64::NAN;
const PI: f64 = std::f64::consts::PI;
const PI2: f64 = std::f64::consts::FRAC_PI_2;
const PI4: f64 = std::f64::consts::FRAC_PI_4;
const FLOATS: [DType; 2] = [DType::Float32, DType::Float64];

fn kernel(u: Option<UnaryOp>, b: Option<BinaryOp>, ty: DType) -> Kernel {
    let mut k = KernelBuilder::new("special", 1);
    let i = k.input(ty, Access::Contiguous);
    let x = k.load(i);
    let r = match (u, b) {
        (Some(u), _) => k.unary(u, x),
        (_, Some(op)) => {
            let j = k.input(ty, Access::Contiguous);
            let y = k.load(j);
            k.binary(op, x, y)
        }
        _ => unreachable!(),
    };
    k.store(r);
    k.finish()
}

fn scalar(ty: DType, v: f64) -> Scalar {
    match ty {
        DType::Float32 => Scalar::F32(v as f32),
        DType::Float64 => Scalar::F64(v),
        t => Scalar::I64(v as i64).cast(t),
    }
}

/// Runs `k` over `inputs` (one column per operand) on the Cranelift
/// backend with `lanes` forced, returning raw result bits.
fn cranelift(k: &Kernel, lanes: Option<u32>, cols: &[Vec<Scalar>], ty: DType) -> Vec<u128> {
    let e = math::expand(k);
    let c = compile_with_lanes(&e, false, lanes).unwrap();
    let n = cols[0].len();
    let size = ty.size();
    let bufs: Vec<Vec<u8>> = cols
        .iter()
        .map(|col| {
            let mut v = vec![0u8; n * size];
            for (i, s) in col.iter().enumerate() {
                s.write(&mut v[i * size..]);
            }
            v
        })
        .collect();
    let mut out = vec![0u8; n * size];
    let mut args = LaunchArgs::default();
    for b in &bufs {
        args.push_ptr(b.as_ptr());
    }
    args.push_ptr(out.as_mut_ptr());
    args.push_usize(n);
    unsafe { (c.entry)(args.as_ptr(), 0, n as u64) };
    out.chunks(size).map(|c| Scalar::read(ty, c).to_bits()).collect()
}

fn same(got: f64, want: f64) -> bool {
    (got.is_nan() && want.is_nan()) || got.to_bits() == want.to_bits()
}

/// Checks one function on rows of (inputs, expected, rule) for f32 and
/// f64: `close` rows may differ from the expected value by 1e-6 relative
/// (for results such as pi/4 that are rounded constants), others must be
/// exact including the sign of zero.
fn check(u: Option<UnaryOp>, b: Option<BinaryOp>, rows: &[(&[f64], f64, &str)]) {
    for ty in FLOATS {
        let k = kernel(u, b, ty);
        let arity = rows[0].0.len();
        let mut cols: Vec<Vec<Scalar>> = vec![Vec::new(); arity];
        for (ins, want, rule) in rows {
            let args: Vec<Scalar> = ins.iter().map(|&v| scalar(ty, v)).collect();
            let got = interp::eval_element(&k, &args)[0].as_f64();
            let want_t = if ty == DType::Float32 { *want as f32 as f64 } else { *want };
            let ok = same(got, want_t) || (want.is_finite() && *want != 0.0 && ((got - want_t) / want_t).abs() < 1e-6);
            let name = u.map(|u| u.name()).or(b.map(|b| b.name())).unwrap();
            assert!(ok, "{name} {ty}: rule '{rule}': inputs {ins:?} gave {got:e}, want {want_t:e}");
            for (c, a) in cols.iter_mut().zip(args) {
                c.push(a);
            }
        }
        let want: Vec<u128> = (0..rows.len())
            .map(|i| {
                let args: Vec<Scalar> = cols.iter().map(|c| c[i]).collect();
                interp::eval_element(&k, &args)[0].to_bits()
            })
            .collect();
        for lanes in [Some(1), None] {
            let got = cranelift(&k, lanes, &cols, ty);
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                // NaN payloads may differ between paths; NaN-ness may not.
                let gf = Scalar::from_bits(ty, *g).as_f64();
                let wf = Scalar::from_bits(ty, *w).as_f64();
                assert!(g == w || (gf.is_nan() && wf.is_nan()), "{ty} row '{}': cranelift {lanes:?} {gf:e} != interp {wf:e}", rows[i].2);
            }
        }
    }
}

fn un(op: UnaryOp, rows: &[(&[f64], f64, &str)]) {
    check(Some(op), None, rows)
}
fn bin(op: BinaryOp, rows: &[(&[f64], f64, &str)]) {
    check(None, Some(op), rows)
}

#[test]
fn exp_family() {
    use UnaryOp::*;
    un(Exp, &[(&[NAN], NAN, "NaN"), (&[0.0], 1.0, "+0"), (&[-0.0], 1.0, "-0"), (&[INF], INF, "+inf"), (&[-INF], 0.0, "-inf -> +0")]);
    un(Expm1, &[(&[NAN], NAN, "NaN"), (&[0.0], 0.0, "+0"), (&[-0.0], -0.0, "-0"), (&[INF], INF, "+inf"), (&[-INF], -1.0, "-inf -> -1"), (&[1e-30], 1e-30, "tiny -> x"), (&[1000.0], INF, "overflow")]);
    un(Sinh, &[(&[NAN], NAN, "NaN"), (&[0.0], 0.0, "+0"), (&[-0.0], -0.0, "-0"), (&[INF], INF, "+inf"), (&[-INF], -INF, "-inf")]);
    un(Cosh, &[(&[NAN], NAN, "NaN"), (&[0.0], 1.0, "+0"), (&[-0.0], 1.0, "-0"), (&[INF], INF, "+inf"), (&[-INF], INF, "-inf -> +inf")]);
    un(
        Tanh,
        &[
            (&[NAN], NAN, "NaN"),
            (&[0.0], 0.0, "+0"),
            (&[-0.0], -0.0, "-0"),
            (&[INF], 1.0, "+inf -> 1"),
            (&[-INF], -1.0, "-inf -> -1"),
            (&[1e-30], 1e-30, "tiny -> x"),
            (&[-1e-40], -1e-40, "tiny -> x (f32 subnormal)"),
            (&[5e-324], 5e-324, "tiny -> x (f64 subnormal)"),
            (&[30.0], 1.0, "large -> 1"),
            (&[-1e300], -1.0, "huge -> -1"),
            // Both sides of the switch to the double-word exp path at 0.3.
            (&[0.29999998], 0.2913125941488515, "polynomial"),
            (&[-0.3], -0.2913126124515909, "exp path"),
        ],
    );
}

#[test]
fn cosh_sinh_do_not_overflow_early() {
    // f64 cosh(710) is finite (exp(710) itself overflows).
    let k = kernel(Some(UnaryOp::Cosh), None, DType::Float64);
    let v = interp::eval_element(&k, &[Scalar::F64(710.0)])[0].as_f64();
    assert!(v.is_finite() && (v / 710f64.cosh() - 1.0).abs() < 1e-15, "cosh(710) = {v}");
}

#[test]
fn log_family() {
    use UnaryOp::*;
    for op in [Log, Log2, Log10] {
        un(op, &[(&[NAN], NAN, "NaN"), (&[-1.0], NAN, "< 0"), (&[0.0], -INF, "+0"), (&[-0.0], -INF, "-0"), (&[1.0], 0.0, "1 -> +0"), (&[INF], INF, "+inf")]);
    }
    un(Log2, &[(&[1024.0], 10.0, "powers of two are exact"), (&[0.125], -3.0, "powers of two are exact")]);
    un(Log10, &[(&[1000.0], 3.0, "powers of ten")]);
    un(Log1p, &[(&[NAN], NAN, "NaN"), (&[-2.0], NAN, "< -1"), (&[-1.0], -INF, "-1"), (&[0.0], 0.0, "+0"), (&[-0.0], -0.0, "-0"), (&[INF], INF, "+inf"), (&[1e-30], 1e-30, "tiny -> x")]);
}

#[test]
fn trig() {
    use UnaryOp::*;
    // Small and huge arguments in one vector: the cold huge-argument path
    // runs for some lanes of a vector and must leave the others alone, and
    // be skipped (same bits) when no lane needs it. Inputs exact in f32.
    let xs = [0.5, 3.0 * 2f64.powi(70), 2.0, 100000.0, -1.0, 1.5 * 2f64.powi(100), -123456.0, 0.25, 1.0, 2.0, 3.0, 4.0];
    for (op, f) in [(Sin, f64::sin as fn(f64) -> f64), (Cos, f64::cos), (Tan, f64::tan)] {
        let rows: Vec<([f64; 1], f64)> = xs.iter().map(|&x| ([x], f(x))).collect();
        let rows: Vec<(&[f64], f64, &str)> = rows.iter().map(|(i, w)| (&i[..], *w, "mixed lanes")).collect();
        un(op, &rows);
    }
    for op in [Sin, Tan] {
        un(op, &[(&[NAN], NAN, "NaN"), (&[0.0], 0.0, "+0"), (&[-0.0], -0.0, "-0"), (&[INF], NAN, "+inf"), (&[-INF], NAN, "-inf")]);
    }
    un(Cos, &[(&[NAN], NAN, "NaN"), (&[0.0], 1.0, "+0"), (&[-0.0], 1.0, "-0"), (&[INF], NAN, "+inf"), (&[-INF], NAN, "-inf")]);
    un(Asin, &[(&[NAN], NAN, "NaN"), (&[1.5], NAN, "> 1"), (&[-1.5], NAN, "< -1"), (&[0.0], 0.0, "+0"), (&[-0.0], -0.0, "-0"), (&[1.0], PI2, "1 -> pi/2")]);
    un(Acos, &[(&[NAN], NAN, "NaN"), (&[1.5], NAN, "> 1"), (&[-1.5], NAN, "< -1"), (&[1.0], 0.0, "1 -> +0"), (&[-1.0], PI, "-1 -> pi")]);
    un(Atan, &[(&[NAN], NAN, "NaN"), (&[0.0], 0.0, "+0"), (&[-0.0], -0.0, "-0"), (&[INF], PI2, "+inf -> pi/2"), (&[-INF], -PI2, "-inf -> -pi/2")]);
}

#[test]
fn inverse_hyperbolic() {
    use UnaryOp::*;
    un(Asinh, &[(&[NAN], NAN, "NaN"), (&[0.0], 0.0, "+0"), (&[-0.0], -0.0, "-0"), (&[INF], INF, "+inf"), (&[-INF], -INF, "-inf")]);
    un(Acosh, &[(&[NAN], NAN, "NaN"), (&[0.5], NAN, "< 1"), (&[-INF], NAN, "-inf"), (&[1.0], 0.0, "1 -> +0"), (&[INF], INF, "+inf")]);
    un(Atanh, &[(&[NAN], NAN, "NaN"), (&[-1.5], NAN, "< -1"), (&[1.5], NAN, "> 1"), (&[-1.0], -INF, "-1"), (&[1.0], INF, "+1"), (&[0.0], 0.0, "+0"), (&[-0.0], -0.0, "-0")]);
}

#[test]
fn atan2_rules() {
    bin(BinaryOp::Atan2, &[
        (&[NAN, 1.0], NAN, "y NaN"), (&[1.0, NAN], NAN, "x NaN"),
        (&[1.0, 0.0], PI2, "y > 0, x = +0"), (&[1.0, -0.0], PI2, "y > 0, x = -0"),
        (&[0.0, 1.0], 0.0, "y = +0, x > 0"), (&[0.0, 0.0], 0.0, "+0, +0"), (&[0.0, -0.0], PI, "+0, -0"), (&[0.0, -1.0], PI, "+0, x < 0"),
        (&[-0.0, 1.0], -0.0, "-0, x > 0"), (&[-0.0, 0.0], -0.0, "-0, +0"), (&[-0.0, -0.0], -PI, "-0, -0"), (&[-0.0, -1.0], -PI, "-0, x < 0"),
        (&[-1.0, 0.0], -PI2, "y < 0, x = +0"), (&[-1.0, -0.0], -PI2, "y < 0, x = -0"),
        (&[1.0, INF], 0.0, "y > 0 finite, x = +inf"), (&[1.0, -INF], PI, "y > 0 finite, x = -inf"),
        (&[-1.0, INF], -0.0, "y < 0 finite, x = +inf"), (&[-1.0, -INF], -PI, "y < 0 finite, x = -inf"),
        (&[INF, 1.0], PI2, "y = +inf, x finite"), (&[-INF, 1.0], -PI2, "y = -inf, x finite"),
        (&[INF, INF], PI4, "+inf, +inf"), (&[INF, -INF], 3.0 * PI4, "+inf, -inf"),
        (&[-INF, INF], -PI4, "-inf, +inf"), (&[-INF, -INF], -3.0 * PI4, "-inf, -inf"),
    ]);
}

#[test]
fn pow_rules() {
    bin(BinaryOp::Pow, &[
        (&[NAN, 1.0], NAN, "x NaN, y != 0"), (&[1.5, NAN], NAN, "y NaN, x != 1"),
        (&[NAN, 0.0], 1.0, "y = +0"), (&[NAN, -0.0], 1.0, "y = -0"), (&[1.0, NAN], 1.0, "x = 1"),
        (&[2.0, INF], INF, "|x| > 1, y = +inf"), (&[-2.0, -INF], 0.0, "|x| > 1, y = -inf"),
        (&[-1.0, INF], 1.0, "|x| = 1, y = +inf"), (&[-1.0, -INF], 1.0, "|x| = 1, y = -inf"),
        (&[0.5, INF], 0.0, "|x| < 1, y = +inf"), (&[-0.5, -INF], INF, "|x| < 1, y = -inf"),
        (&[INF, 0.5], INF, "+inf, y > 0"), (&[INF, -0.5], 0.0, "+inf, y < 0"),
        (&[-INF, 3.0], -INF, "-inf, y > 0 odd"), (&[-INF, 2.0], INF, "-inf, y > 0 not odd"),
        (&[-INF, -3.0], -0.0, "-inf, y < 0 odd"), (&[-INF, -2.5], 0.0, "-inf, y < 0 not odd"),
        (&[0.0, 2.5], 0.0, "+0, y > 0"), (&[0.0, -1.0], INF, "+0, y < 0"),
        (&[-0.0, 3.0], -0.0, "-0, y > 0 odd"), (&[-0.0, 2.0], 0.0, "-0, y > 0 not odd"),
        (&[-0.0, -3.0], -INF, "-0, y < 0 odd"), (&[-0.0, -4.0], INF, "-0, y < 0 not odd"),
        (&[-2.0, 0.5], NAN, "x < 0 finite, y finite not integer"),
        (&[-2.0, 3.0], -8.0, "negative base, odd integer"), (&[-2.0, 2.0], 4.0, "negative base, even integer"),
        (&[2.0, 10.0], 1024.0, "exact powers"), (&[10.0, 400.0], INF, "overflow"), (&[10.0, -400.0], 0.0, "underflow"),
    ]);
}

#[test]
fn two_argument_rules() {
    bin(BinaryOp::Hypot, &[
        (&[INF, NAN], INF, "x1 inf wins over NaN"), (&[NAN, -INF], INF, "x2 inf wins over NaN"),
        (&[NAN, 1.0], NAN, "NaN"), (&[0.0, -3.0], 3.0, "x1 = ±0 -> |x2|"), (&[-0.0, 0.0], 0.0, "zeros -> +0"),
        (&[3.0, 4.0], 5.0, "exact"), (&[1e300, 1e300], 1.4142135623730951e300, "no overflow (f64)"),
    ]);
    bin(BinaryOp::LogAddExp, &[
        (&[NAN, 1.0], NAN, "x1 NaN"), (&[1.0, NAN], NAN, "x2 NaN"),
        (&[INF, 1.0], INF, "x1 +inf"), (&[1.0, INF], INF, "x2 +inf"), (&[INF, INF], INF, "both +inf"),
        (&[-INF, -INF], -INF, "both -inf"), (&[-INF, 2.0], 2.0, "x1 -inf"),
    ]);
    bin(BinaryOp::CopySign, &[
        (&[2.0, -1.0], -2.0, "x2 < 0"), (&[-2.0, -0.0], -2.0, "x2 = -0"), (&[-2.0, 0.0], 2.0, "x2 = +0"),
        (&[-2.0, 3.0], 2.0, "x2 > 0"), (&[-2.0, NAN], 2.0, "x2 NaN, sign bit clear"), (&[2.0, -NAN], -2.0, "x2 NaN, sign bit set"),
        (&[NAN, 1.0], NAN, "x1 NaN"),
    ]);
    bin(BinaryOp::NextAfter, &[
        (&[NAN, 1.0], NAN, "x1 NaN"), (&[1.0, NAN], NAN, "x2 NaN"), (&[1.0, 1.0], 1.0, "equal -> x2"),
        (&[-0.0, 0.0], 0.0, "-0 to +0 -> +0"), (&[0.0, -0.0], -0.0, "+0 to -0 -> -0"),
        (&[1.0, 2.0], 1.0 + f32::EPSILON as f64, "up (f32 value)"),
    ]);
}

#[test]
fn nextafter_steps_one_ulp_in_both_types() {
    let k = kernel(None, Some(BinaryOp::NextAfter), DType::Float64);
    let at = |x: f64, y: f64| interp::eval_element(&k, &[Scalar::F64(x), Scalar::F64(y)])[0].as_f64();
    assert_eq!(at(1.0, 2.0), 1.0 + f64::EPSILON);
    assert_eq!(at(1.0, 0.0), 1.0 - f64::EPSILON / 2.0);
    assert_eq!(at(-1.0, 0.0), -1.0 + f64::EPSILON / 2.0);
    assert_eq!(at(0.0, 1.0), f64::from_bits(1));
    assert_eq!(at(0.0, -1.0), -f64::from_bits(1));
    assert_eq!(at(f64::MAX, INF), INF);
    assert_eq!(at(INF, 0.0), f64::MAX);
}

#[test]
fn float_floor_divide_and_remainder() {
    bin(BinaryOp::Remainder, &[
        (&[NAN, 1.0], NAN, "NaN"), (&[INF, 2.0], NAN, "x1 inf"), (&[1.0, 0.0], NAN, "x2 zero"),
        (&[0.0, 2.0], 0.0, "+0, x2 > 0"), (&[-0.0, 2.0], 0.0, "-0, x2 > 0 -> +0"), (&[0.0, -2.0], -0.0, "+0, x2 < 0 -> -0"),
        (&[5.0, INF], 5.0, "x1 > 0, +inf -> x1"), (&[-5.0, INF], INF, "x1 < 0, +inf -> +inf"),
        (&[5.0, -INF], -INF, "x1 > 0, -inf -> -inf"), (&[-5.0, -INF], -5.0, "x1 < 0, -inf -> x1"),
        (&[5.0, 3.0], 2.0, "sign of divisor"), (&[-5.0, 3.0], 1.0, "sign of divisor"), (&[5.0, -3.0], -1.0, "sign of divisor"),
    ]);
    bin(BinaryOp::FloorDiv, &[
        (&[NAN, 1.0], NAN, "NaN"), (&[INF, INF], NAN, "inf, inf"), (&[0.0, 0.0], NAN, "0, 0"),
        (&[0.0, 2.0], 0.0, "+0, x2 > 0"), (&[-0.0, 2.0], -0.0, "-0, x2 > 0"), (&[0.0, -2.0], -0.0, "+0, x2 < 0"), (&[-0.0, -2.0], 0.0, "-0, x2 < 0"),
        (&[1.0, 0.0], INF, "x1 > 0, +0"), (&[1.0, -0.0], -INF, "x1 > 0, -0"), (&[-1.0, 0.0], -INF, "x1 < 0, +0"), (&[-1.0, -0.0], INF, "x1 < 0, -0"),
        (&[INF, 2.0], INF, "+inf, x2 > 0"), (&[INF, -2.0], -INF, "+inf, x2 < 0"), (&[-INF, 2.0], -INF, "-inf, x2 > 0"), (&[-INF, -2.0], INF, "-inf, x2 < 0"),
        (&[1.0, INF], 0.0, "x1 > 0, +inf"), (&[-1.0, INF], -0.0, "x1 < 0, +inf"), (&[1.0, -INF], -0.0, "x1 > 0, -inf"), (&[-1.0, -INF], 0.0, "x1 < 0, -inf"),
        (&[7.0, 2.0], 3.0, "floor"), (&[-7.0, 2.0], -4.0, "floor of negative"), (&[7.0, -2.0], -4.0, "floor, negative divisor"),
    ]);
}

#[test]
fn float_remainder_is_exact_for_huge_quotients() {
    let k = kernel(None, Some(BinaryOp::Remainder), DType::Float64);
    for (x, y) in [(1e300, 3.0), (-1e300, 7.0), (1e-300, 3e-310), (123456789.0, -0.1)] {
        let got = interp::eval_element(&k, &[Scalar::F64(x), Scalar::F64(y)])[0].as_f64();
        let m = x % y;
        let want = if m != 0.0 && (m < 0.0) != (y < 0.0) { m + y } else { m };
        assert_eq!(got, want, "remainder({x:e}, {y:e})");
    }
}

/// Integer floor_divide / remainder / pow against i128 reference
/// arithmetic for every dtype, including division by zero and MIN / -1,
/// on the interpreter and the (scalar) Cranelift path.
#[test]
fn integer_division_and_pow() {
    let types = [DType::Int8, DType::Int16, DType::Int32, DType::Int64, DType::UInt8, DType::UInt16, DType::UInt32, DType::UInt64];
    for ty in types {
        let bits = ty.size() as u32 * 8;
        let (min, max): (i128, i128) = if ty.is_signed_int() { (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1) } else { (0, (1i128 << bits) - 1) };
        let wrap = |v: i128| -> i128 { Scalar::from_bits(ty, v as u128).as_i128().unwrap() };
        let vals: Vec<i128> = [min, min + 1, -7, -3, -2, -1, 0, 1, 2, 3, 7, 100, max - 1, max].iter().copied().filter(|v| *v >= min && *v <= max).collect();
        for op in [BinaryOp::FloorDiv, BinaryOp::Remainder, BinaryOp::Pow] {
            let k = kernel(None, Some(op), ty);
            let mut cols = vec![Vec::new(), Vec::new()];
            let mut want = Vec::new();
            for &x in &vals {
                for &y in &vals {
                    let w = match op {
                        BinaryOp::FloorDiv if y == 0 => 0,
                        BinaryOp::FloorDiv => wrap(x.div_euclid(y) - if y < 0 && x.rem_euclid(y) != 0 { 1 } else { 0 }),
                        BinaryOp::Remainder if y == 0 => 0,
                        BinaryOp::Remainder => wrap(x - y * (x as f64 / y as f64).floor() as i128).min(max).max(min),
                        _ if y < 0 => if x == 1 { 1 } else if x == -1 { if y % 2 == 0 { 1 } else { -1 } } else { 0 },
                        _ => {
                            let (mut acc, mut base, mut e) = (1i128, x, y);
                            while e > 0 {
                                if e & 1 == 1 {
                                    acc = wrap(acc.wrapping_mul(base));
                                }
                                base = wrap(base.wrapping_mul(base));
                                e >>= 1;
                            }
                            acc
                        }
                    };
                    let (sx, sy) = (Scalar::I64(x as i64).cast(ty), Scalar::I64(y as i64).cast(ty));
                    let sx = if ty == DType::UInt64 { Scalar::from_bits(ty, x as u128) } else { sx };
                    let sy = if ty == DType::UInt64 { Scalar::from_bits(ty, y as u128) } else { sy };
                    let got = interp::eval_element(&k, &[sx, sy])[0].as_i128().unwrap();
                    if op != BinaryOp::Remainder || (x.abs() < (1 << 50) && y.abs() < (1 << 50)) {
                        assert_eq!(got, w, "{op} {ty}: {x}, {y}");
                    }
                    cols[0].push(sx);
                    cols[1].push(sy);
                    want.push(got as u128 & ((1u128 << bits) - 1).max(if bits == 128 { u128::MAX } else { 0 }));
                }
            }
            let got = cranelift(&k, None, &cols, ty);
            for (i, g) in got.iter().enumerate() {
                let gi = Scalar::from_bits(ty, *g).as_i128().unwrap();
                let wi = Scalar::from_bits(ty, want[i]).as_i128().unwrap();
                assert_eq!(gi, wi, "cranelift {op} {ty}: {:?} {:?}", cols[0][i], cols[1][i]);
            }
        }
    }
}
