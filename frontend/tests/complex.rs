//! Complex arrays through the whole pipeline: kernels get complex values
//! as pairs of real parts (interleaved in memory), so these tests check
//! the parts against straightforward references, the compiled code
//! against the interpreter bit for bit, and every read and store layout
//! (strided, broadcast, row kernels, reductions, scalar tails).
//! Accuracy of the functions against a multi-precision reference is in
//! python/tests/test_complex.py (mpmath).

mod common;

use common::data_in;
use lazyxp as xp;
use xp::{DType, Engine};

/// `n` complex values: random parts, then the special values every
/// function has rules for (zeros of both signs, infinities, NaN).
fn values(n: usize, seed: u64, scale: f64) -> Vec<[f64; 2]> {
    let re = data_in(n, seed, -scale, scale);
    let im = data_in(n, seed + 7, -scale, scale);
    let mut v: Vec<[f64; 2]> = re.into_iter().zip(im).map(|(a, b)| [a, b]).collect();
    let special = [0.0, -0.0, 1.0, -1.0, 0.5, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 1e300, -1e-300];
    for &a in &special {
        for &b in &special {
            v.push([a, b]);
        }
    }
    v
}

fn c64(v: &[[f64; 2]]) -> Vec<[f32; 2]> {
    v.iter().map(|&[a, b]| [a as f32, b as f32]).collect()
}

/// Bits of every part, NaNs as one pattern (IEEE leaves the payload of an
/// operation on two NaNs open, and the engines may pick either operand's).
fn bits(a: &xp::Array) -> Vec<u64> {
    let canon = |x: f64| if x.is_nan() { u64::MAX } else { x.to_bits() };
    match a.dtype() {
        DType::Complex128 => a.to_vec::<[f64; 2]>().unwrap().iter().flat_map(|p| [canon(p[0]), canon(p[1])]).collect(),
        DType::Complex64 => a.to_vec::<[f32; 2]>().unwrap().iter().flat_map(|p| [canon(p[0] as f64), canon(p[1] as f64)]).collect(),
        DType::Float64 => a.to_vec::<f64>().unwrap().into_iter().map(canon).collect(),
        DType::Float32 => a.to_vec::<f32>().unwrap().into_iter().map(|x| canon(x as f64)).collect(),
        DType::Bool => a.to_vec::<bool>().unwrap().into_iter().map(|b| b as u64).collect(),
        d => panic!("unexpected {d}"),
    }
}

type Unary = fn(&xp::Array) -> xp::Result<xp::Array>;
const UNARY: &[(&str, Unary)] = &[
    ("negative", xp::negative),
    ("abs", xp::abs),
    ("sqrt", xp::sqrt),
    ("exp", xp::exp),
    ("expm1", xp::expm1),
    ("log", xp::log),
    ("log1p", xp::log1p),
    ("log2", xp::log2),
    ("log10", xp::log10),
    ("sin", xp::sin),
    ("cos", xp::cos),
    ("tan", xp::tan),
    ("sinh", xp::sinh),
    ("cosh", xp::cosh),
    ("tanh", xp::tanh),
    ("asin", xp::asin),
    ("acos", xp::acos),
    ("atan", xp::atan),
    ("asinh", xp::asinh),
    ("acosh", xp::acosh),
    ("atanh", xp::atanh),
    ("round", xp::round),
    ("sign", xp::sign),
    ("conj", xp::conj),
    ("real", xp::real),
    ("imag", xp::imag),
    ("isnan", xp::isnan),
    ("isinf", xp::isinf),
    ("isfinite", xp::isfinite),
    ("square", xp::square),
    ("reciprocal", xp::reciprocal),
];

type Binary = fn(&xp::Array, &xp::Array) -> xp::Result<xp::Array>;
const BINARY: &[(&str, Binary)] = &[
    ("add", xp::add),
    ("subtract", xp::subtract),
    ("multiply", xp::multiply),
    ("divide", xp::divide),
    ("pow", xp::pow),
    ("equal", xp::equal),
    ("not_equal", xp::not_equal),
];

/// Two separate leaves holding the same data, so the interpreter and the
/// compiled code each evaluate their own graph (one leaf would hand the
/// second engine the first one's realized node).
fn leaves(v: &[[f64; 2]], dtype: DType) -> (xp::Array, xp::Array) {
    let make = || match dtype {
        DType::Complex64 => xp::asarray(&c64(v), &[v.len()]).unwrap(),
        _ => xp::asarray(v, &[v.len()]).unwrap(),
    };
    (make(), make())
}

#[test]
fn compiled_kernels_match_the_interpreter_bit_for_bit() {
    for dtype in [DType::Complex64, DType::Complex128] {
        // 131 random values plus 100 special pairs: full vectors and a tail.
        let v = values(131, 3, 4.0);
        let w = values(131, 11, 4.0);
        for &(name, f) in UNARY {
            let (a, b) = leaves(&v, dtype);
            let (x, y) = (f(&a).unwrap(), f(&b).unwrap());
            xp::eval_with(&[&x], Engine::Interpreter).unwrap();
            xp::eval_with(&[&y], Engine::Cranelift).unwrap();
            assert_eq!(bits(&x), bits(&y), "{name} {dtype}");
        }
        for &(name, f) in BINARY {
            let (a, b) = leaves(&v, dtype);
            let (c, d) = leaves(&w, dtype);
            let (x, y) = (f(&a, &c).unwrap(), f(&b, &d).unwrap());
            xp::eval_with(&[&x], Engine::Interpreter).unwrap();
            xp::eval_with(&[&y], Engine::Cranelift).unwrap();
            assert_eq!(bits(&x), bits(&y), "{name} {dtype}");
        }
    }
}

/// NumPy's complex product and quotient (Smith's algorithm) in the parts'
/// own precision, written out in plain Rust.
fn mul_ref(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]]
}
fn div_ref(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    let (ar, ai, br, bi) = (a[0], a[1], b[0], b[1]);
    if br.abs() >= bi.abs() {
        if br == 0.0 && bi == 0.0 {
            return [ar / br.abs(), ai / br.abs()];
        }
        let rat = bi / br;
        let scl = 1.0 / (br + bi * rat);
        [(ar + ai * rat) * scl, (ai - ar * rat) * scl]
    } else {
        let rat = br / bi;
        let scl = 1.0 / (bi + br * rat);
        [(ar * rat + ai) * scl, (ai * rat - ar) * scl]
    }
}

#[test]
fn arithmetic_matches_numpys_formulas_exactly() {
    let v = values(200, 5, 3.0);
    let w = values(200, 9, 3.0);
    let (a, b) = (xp::asarray(&v, &[v.len()]).unwrap(), xp::asarray(&w, &[w.len()]).unwrap());
    let same = |x: f64, y: f64| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan());
    for (name, got, want) in [
        ("multiply", xp::multiply(&a, &b).unwrap(), v.iter().zip(&w).map(|(&x, &y)| mul_ref(x, y)).collect::<Vec<_>>()),
        ("divide", xp::divide(&a, &b).unwrap(), v.iter().zip(&w).map(|(&x, &y)| div_ref(x, y)).collect()),
        ("add", xp::add(&a, &b).unwrap(), v.iter().zip(&w).map(|(x, y)| [x[0] + y[0], x[1] + y[1]]).collect()),
    ] {
        let got: Vec<[f64; 2]> = got.to_vec().unwrap();
        for (i, (g, e)) in got.iter().zip(&want).enumerate() {
            assert!(same(g[0], e[0]) && same(g[1], e[1]), "{name}({:?}, {:?}) = {g:?}, want {e:?}", v[i], w[i]);
        }
    }
    // complex64 in float32, the same formulas.
    let (a32, b32) = (xp::asarray(&c64(&v), &[v.len()]).unwrap(), xp::asarray(&c64(&w), &[w.len()]).unwrap());
    let got: Vec<[f32; 2]> = xp::multiply(&a32, &b32).unwrap().to_vec().unwrap();
    for (i, g) in got.iter().enumerate() {
        let (x, y) = (c64(&v[i..i + 1])[0], c64(&w[i..i + 1])[0]);
        let e = [x[0] * y[0] - x[1] * y[1], x[0] * y[1] + x[1] * y[0]];
        assert!(same(g[0] as f64, e[0] as f64) && same(g[1] as f64, e[1] as f64), "c64 multiply {x:?} {y:?}");
    }
}

#[test]
fn functions_match_textbook_formulas_on_ordinary_values() {
    // Away from overflow, cancellation and special values the careful
    // formulas must agree with the textbook ones to a few ulps.
    let v: Vec<[f64; 2]> = data_in(300, 21, -2.0, 2.0).chunks(2).map(|p| [p[0], p[1] + 0.1]).collect();
    let a = xp::asarray(&v, &[v.len()]).unwrap();
    let close = |g: [f64; 2], e: [f64; 2], what: &str| {
        let scale = e[0].hypot(e[1]).max(1e-300);
        let err = (g[0] - e[0]).hypot(g[1] - e[1]) / scale;
        assert!(err < 1e-13, "{what}: got {g:?}, want {e:?} (relative error {err:e})");
    };
    let cexp = |[a, b]: [f64; 2]| [a.exp() * b.cos(), a.exp() * b.sin()];
    let clog = |[a, b]: [f64; 2]| [a.hypot(b).ln(), b.atan2(a)];
    let checks: Vec<(&str, xp::Array, Box<dyn Fn([f64; 2]) -> [f64; 2]>)> = vec![
        ("exp", xp::exp(&a).unwrap(), Box::new(cexp)),
        ("log", xp::log(&a).unwrap(), Box::new(clog)),
        ("sin", xp::sin(&a).unwrap(), Box::new(|[a, b]: [f64; 2]| [a.sin() * b.cosh(), a.cos() * b.sinh()])),
        ("cos", xp::cos(&a).unwrap(), Box::new(|[a, b]: [f64; 2]| [a.cos() * b.cosh(), -a.sin() * b.sinh()])),
        ("sinh", xp::sinh(&a).unwrap(), Box::new(|[a, b]: [f64; 2]| [a.sinh() * b.cos(), a.cosh() * b.sin()])),
        ("sqrt", xp::sqrt(&a).unwrap(), Box::new(move |z: [f64; 2]| {
            let l = clog(z);
            cexp([l[0] / 2.0, l[1] / 2.0])
        })),
        ("tanh", xp::tanh(&a).unwrap(), Box::new(|[a, b]: [f64; 2]| {
            let d = (2.0 * a).cosh() + (2.0 * b).cos();
            [(2.0 * a).sinh() / d, (2.0 * b).sin() / d]
        })),
    ];
    for (name, got, f) in checks {
        let got: Vec<[f64; 2]> = got.to_vec().unwrap();
        for (g, &z) in got.iter().zip(&v) {
            close(*g, f(z), &format!("{name}({z:?})"));
        }
    }
    // The inverses undo their functions.
    for (name, inv, fwd) in [
        ("asin", xp::asin as Unary, xp::sin as Unary),
        ("acos", xp::acos, xp::cos),
        ("atan", xp::atan, xp::tan),
        ("asinh", xp::asinh, xp::sinh),
        ("acosh", xp::acosh, xp::cosh),
        ("atanh", xp::atanh, xp::tanh),
    ] {
        let back: Vec<[f64; 2]> = fwd(&inv(&a).unwrap()).unwrap().to_vec().unwrap();
        for (g, &z) in back.iter().zip(&v) {
            let err = (g[0] - z[0]).hypot(g[1] - z[1]) / z[0].hypot(z[1]);
            assert!(err < 1e-12, "{name}: f(f^-1({z:?})) = {g:?}");
        }
    }
}

#[test]
fn special_values_follow_the_standard() {
    let inf = f64::INFINITY;
    let nan = f64::NAN;
    let one = |f: Unary, z: [f64; 2]| -> [f64; 2] { f(&xp::asarray(&[z], &[1]).unwrap()).unwrap().to_vec::<[f64; 2]>().unwrap()[0] };
    let is = |got: [f64; 2], want: [f64; 2], what: &str| {
        let same = |x: f64, y: f64| (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits();
        assert!(same(got[0], want[0]) && same(got[1], want[1]), "{what}: got {got:?}, want {want:?}");
    };
    is(one(xp::exp, [0.0, 0.0]), [1.0, 0.0], "exp(+0+0j)");
    is(one(xp::exp, [-0.0, -0.0]), [1.0, -0.0], "exp(-0-0j)");
    is(one(xp::exp, [inf, 0.0]), [inf, 0.0], "exp(inf+0j)");
    is(one(xp::exp, [inf, nan]), [inf, nan], "exp(inf+NaNj)");
    is(one(xp::exp, [nan, 0.0]), [nan, 0.0], "exp(NaN+0j)");
    let r = one(xp::exp, [-inf, inf]);
    assert!(r[0] == 0.0 && r[1] == 0.0, "exp(-inf+inf j) = ±0±0j, got {r:?}");
    is(one(xp::exp, [1.0, inf]), [nan, nan], "exp(1+inf j)");
    // expm1: exp's rules, minus one (NumPy's naive exp(z) - 1 departs).
    is(one(xp::expm1, [0.0, 0.0]), [0.0, 0.0], "expm1(+0+0j)");
    is(one(xp::expm1, [-0.0, 0.0]), [0.0, 0.0], "expm1(-0+0j) = +0+0j (the standard; the real expm1 keeps -0)");
    is(one(xp::expm1, [1.0, inf]), [nan, nan], "expm1(1+inf j)");
    is(one(xp::expm1, [1.0, nan]), [nan, nan], "expm1(1+NaN j)");
    is(one(xp::expm1, [inf, 0.0]), [inf, 0.0], "expm1(inf+0j)");
    is(one(xp::expm1, [-inf, 1.0]), [-1.0, 0.0], "expm1(-inf+1j)");
    is(one(xp::expm1, [inf, 1.0]), [inf, inf], "expm1(inf+1j) = inf cis(1) - 1");
    let r = one(xp::expm1, [-inf, inf]);
    assert!(r[0] == -1.0 && r[1] == 0.0, "expm1(-inf+inf j) = -1±0j, got {r:?}");
    let r = one(xp::expm1, [inf, inf]);
    assert!(r[0].is_infinite() && r[1].is_nan(), "expm1(inf+inf j) = ±inf+NaN j, got {r:?}");
    let r = one(xp::expm1, [-inf, nan]);
    assert!(r[0] == -1.0 && r[1] == 0.0, "expm1(-inf+NaN j) = -1±0j, got {r:?}");
    is(one(xp::expm1, [inf, nan]), [inf, nan], "expm1(inf+NaN j)");
    is(one(xp::expm1, [nan, 0.0]), [nan, 0.0], "expm1(NaN+0j)");
    is(one(xp::expm1, [nan, 1.0]), [nan, nan], "expm1(NaN+1j)");
    is(one(xp::expm1, [1e300, 0.0]), [inf, 0.0], "expm1(1e300+0j)");
    is(one(xp::log, [-0.0, 0.0]), [-inf, std::f64::consts::PI], "log(-0+0j)");
    is(one(xp::log, [0.0, 0.0]), [-inf, 0.0], "log(+0+0j)");
    is(one(xp::log, [-inf, 1.0]), [inf, std::f64::consts::PI], "log(-inf+1j)");
    is(one(xp::log, [nan, inf]), [inf, nan], "log(NaN+inf j)");
    is(one(xp::sqrt, [0.0, 0.0]), [0.0, 0.0], "sqrt(+0+0j)");
    is(one(xp::sqrt, [-0.0, -0.0]), [0.0, -0.0], "sqrt(-0-0j)");
    is(one(xp::sqrt, [1.0, inf]), [inf, inf], "sqrt(1+inf j)");
    is(one(xp::sqrt, [nan, inf]), [inf, inf], "sqrt(NaN+inf j)");
    is(one(xp::sqrt, [-inf, 1.0]), [0.0, inf], "sqrt(-inf+1j)");
    is(one(xp::sqrt, [inf, 1.0]), [inf, 0.0], "sqrt(inf+1j)");
    is(one(xp::sqrt, [-4.0, 0.0]), [0.0, 2.0], "sqrt(-4+0j)");
    is(one(xp::sqrt, [-4.0, -0.0]), [0.0, -2.0], "sqrt(-4-0j)");
    is(one(xp::tanh, [0.0, 0.0]), [0.0, 0.0], "tanh(+0+0j)");
    is(one(xp::tanh, [inf, 1.0]), [1.0, 0.0], "tanh(inf+1j)");
    // The standard: 1 + 0j for any finite b > 0 (C99 would give -0 here, sin(4) < 0).
    is(one(xp::tanh, [inf, 2.0]), [1.0, 0.0], "tanh(inf+2j)");
    is(one(xp::tanh, [inf, -2.0]), [1.0, -0.0], "tanh(inf-2j) = conj(tanh(inf+2j))");
    is(one(xp::tanh, [-inf, 2.0]), [-1.0, 0.0], "tanh(-inf+2j) = -tanh(inf-2j)");
    is(one(xp::tanh, [0.0, inf]), [0.0, nan], "tanh(+0+inf j)");
    is(one(xp::tanh, [nan, 0.0]), [nan, 0.0], "tanh(NaN+0j)");
    is(one(xp::sinh, [inf, 0.0]), [inf, 0.0], "sinh(inf+0j)");
    is(one(xp::cosh, [0.0, 0.0]), [1.0, 0.0], "cosh(+0+0j)");
    is(one(xp::cosh, [inf, 0.0]), [inf, 0.0], "cosh(inf+0j)");
    is(one(xp::asin, [0.0, 0.0]), [0.0, 0.0], "asin(+0+0j)");
    is(one(xp::acos, [0.0, 0.0]), [std::f64::consts::FRAC_PI_2, -0.0], "acos(+0+0j)");
    is(one(xp::atanh, [1.0, 0.0]), [inf, 0.0], "atanh(1+0j)");
    is(one(xp::acosh, [1.0, 0.0]), [0.0, 0.0], "acosh(1+0j)");
    // Real arguments beyond the branch points take the side of the cut
    // that the imaginary zero's sign names.
    let a = one(xp::asin, [2.0, 0.0]);
    let b = one(xp::asin, [2.0, -0.0]);
    assert!(a[1] > 0.0 && b[1] < 0.0 && a[0] == b[0], "asin on its cut: {a:?} {b:?}");
    let a = one(xp::log, [-1.0, 0.0]);
    let b = one(xp::log, [-1.0, -0.0]);
    assert!(a[1] == std::f64::consts::PI && b[1] == -std::f64::consts::PI, "log on its cut: {a:?} {b:?}");
}

#[test]
fn layouts_views_and_reductions() {
    let v = values(60, 13, 2.0)[..60].to_vec();
    let a = xp::asarray(&v, &[6, 10]).unwrap();
    // A transposed, sliced read and a broadcast complex scalar.
    let t = xp::matrix_transpose(&a).unwrap();
    let s = xp::index(&t, &[xp::Index::Slice { start: Some(1), stop: None, step: Some(3) }]).unwrap();
    let k = xp::asarray(&[[0.5f64, -2.0]], &[]).unwrap();
    let got: Vec<[f64; 2]> = xp::multiply(&s, &k).unwrap().to_vec().unwrap();
    let mut want = Vec::new();
    for i in (1..10).step_by(3) {
        for j in 0..6 {
            want.push(mul_ref(v[j * 10 + i], [0.5, -2.0]));
        }
    }
    assert_eq!(got, want);
    // Sums over each axis and everything, against f64 sums of the parts.
    let sum_ref = |idx: &dyn Fn(usize, usize) -> bool| {
        let mut s = [0.0f64; 2];
        for (k, z) in v.iter().enumerate() {
            if idx(k / 10, k % 10) {
                s[0] += z[0];
                s[1] += z[1];
            }
        }
        s
    };
    let rows: Vec<[f64; 2]> = xp::sum(&a, Some(&[1]), false).unwrap().to_vec().unwrap();
    for (r, got) in rows.iter().enumerate() {
        let e = sum_ref(&|i, _| i == r);
        assert!((got[0] - e[0]).abs() < 1e-12 && (got[1] - e[1]).abs() < 1e-12, "row {r}");
    }
    let cols: Vec<[f64; 2]> = xp::sum(&a, Some(&[0]), true).unwrap().to_vec().unwrap();
    for (c, got) in cols.iter().enumerate() {
        let e = sum_ref(&|_, j| j == c);
        assert!((got[0] - e[0]).abs() < 1e-12 && (got[1] - e[1]).abs() < 1e-12, "col {c}");
    }
    let m: Vec<[f64; 2]> = xp::mean(&a, None, false).unwrap().to_vec().unwrap();
    let e = sum_ref(&|_, _| true);
    assert!((m[0][0] - e[0] / 60.0).abs() < 1e-14 && (m[0][1] - e[1] / 60.0).abs() < 1e-14);
    // Products multiply complex numbers, in order, per output element.
    let p: Vec<[f64; 2]> = xp::prod(&a, Some(&[0]), false).unwrap().to_vec().unwrap();
    for (c, got) in p.iter().enumerate() {
        let e = (0..6).fold([1.0, 0.0], |acc, i| mul_ref(acc, v[i * 10 + c]));
        assert_eq!(*got, e, "prod of column {c}");
    }
    let empty = xp::asarray::<[f64; 2]>(&[], &[0]).unwrap();
    assert_eq!(xp::prod(&empty, None, false).unwrap().to_vec::<[f64; 2]>().unwrap(), vec![[1.0, 0.0]]);
    let cs: Vec<[f64; 2]> = xp::cumulative_sum(&xp::index(&a, &[xp::Index::Int(0)]).unwrap(), None, false).unwrap().to_vec().unwrap();
    assert_eq!(cs[9], (0..10).fold([0.0, 0.0], |s, j| [s[0] + v[j][0], s[1] + v[j][1]]));
    // A row kernel storing complex outputs: centre each row.
    let centred = xp::subtract(&a, &xp::mean(&a, Some(&[1]), true).unwrap()).unwrap();
    let got: Vec<[f64; 2]> = centred.to_vec().unwrap();
    for r in 0..6 {
        let e = sum_ref(&|i, _| i == r);
        for j in 0..10 {
            let w = [v[r * 10 + j][0] - e[0] / 10.0, v[r * 10 + j][1] - e[1] / 10.0];
            assert!((got[r * 10 + j][0] - w[0]).abs() < 1e-14 && (got[r * 10 + j][1] - w[1]).abs() < 1e-14);
        }
    }
    // Complex from parts, and parts from complex, fused with real math.
    let re = xp::real(&a).unwrap();
    let im = xp::imag(&a).unwrap();
    let back = xp::make_complex(&re, &xp::negative(&im).unwrap()).unwrap();
    assert_eq!(bits(&back), bits(&xp::conj(&a).unwrap()));
    assert_eq!(xp::abs(&a).unwrap().dtype(), DType::Float64);
    assert!(xp::all(&xp::equal(&a, &a.clone()).unwrap(), None, false).is_ok());
}

#[test]
fn promotion_with_real_arrays_and_python_scalars() {
    let f32s = xp::asarray(&[1.0f32, 2.0], &[2]).unwrap();
    let z64 = xp::astype(&f32s, DType::Complex64).unwrap();
    assert_eq!(z64.to_vec::<[f32; 2]>().unwrap(), vec![[1.0, 0.0], [2.0, 0.0]]);
    assert_eq!(xp::add(&z64, &xp::asarray(&[1.0f64], &[1]).unwrap()).unwrap().dtype(), DType::Complex128);
    let i = xp::asarray(&[3i32], &[1]).unwrap();
    let r = xp::add(&i, &xp::asarray(&[[0.0f64, 1.0]], &[1]).unwrap()).unwrap();
    assert_eq!(r.to_vec::<[f64; 2]>().unwrap(), vec![[3.0, 1.0]]);
    // A complex Python scalar keeps a float32 array's precision.
    let s = xp::scalar_like(&f32s, xp::PyScalar::Complex(0.0, 2.0)).unwrap();
    assert_eq!(s.dtype(), DType::Complex64);
}

/// A function whose expansion has a cold region working in f64 (complex64
/// `tanh`), applied to each output of a reduction: the region runs once per
/// row, one element at a time, and must not be compiled as a vector of the
/// kernel's four f32 lanes (an f64x4 Cranelift has no registers for; the
/// kernel failed to compile). The interpreter's bits, for every function
/// of the unary list.
#[test]
fn functions_after_complex64_reductions_compile_and_match_the_interpreter() {
    let v = values(6 * 9, 21, 0.3)[..6 * 9].to_vec();
    for &(name, f) in UNARY {
        let make = || f(&xp::sum(&xp::asarray(&c64(&v), &[6, 9]).unwrap(), Some(&[0]), false).unwrap()).unwrap();
        let (x, y) = (make(), make());
        xp::eval_with(&[&x], Engine::Interpreter).unwrap();
        xp::eval_with(&[&y], Engine::Cranelift).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(bits(&x), bits(&y), "{name}");
    }
}

/// Sums of real arrays cast to complex: the imaginary part is a constant
/// zero, which the reduction reads from memory (it failed to compile as a
/// reduction of no loop value). Found by a differential fuzzer.
#[test]
fn sums_of_real_arrays_cast_to_complex() {
    let x = xp::asarray(&[1.0f64, 2.0, 4.5], &[3]).unwrap();
    for dtype in [DType::Complex64, DType::Complex128] {
        let c = xp::astype(&x, dtype).unwrap();
        let s: Vec<[f64; 2]> = xp::astype(&xp::sum(&c, None, false).unwrap(), DType::Complex128).unwrap().to_vec().unwrap();
        assert_eq!(s, vec![[7.5, 0.0]], "{dtype}");
        let m: Vec<[f64; 2]> = xp::astype(&xp::mean(&c, None, false).unwrap(), DType::Complex128).unwrap().to_vec().unwrap();
        assert_eq!(m, vec![[2.5, 0.0]], "{dtype}");
    }
}
