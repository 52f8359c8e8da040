//! Reductions against straightforward f64 references, with axes, keepdims,
//! empty and zero-size cases, fused producers and consumers.

use lazyxp as xp;
use proptest::prelude::*;

mod common;

fn data(n: usize, seed: u64) -> Vec<f64> {
    common::data_in(n, seed, -2.0, 2.0)
}

/// Reference: reduce `x` (row-major, `shape`) over `axes` with `f` in f64.
fn reference(x: &[f64], shape: &[usize], axes: &[usize], init: f64, f: impl Fn(f64, f64) -> f64) -> Vec<f64> {
    let out_shape: Vec<usize> = shape.iter().enumerate().map(|(d, &n)| if axes.contains(&d) { 1 } else { n }).collect();
    let out_n: usize = out_shape.iter().product();
    let mut out = vec![init; out_n];
    let mut idx = vec![0usize; shape.len()];
    for &v in x.iter() {
        let mut o = 0;
        for d in 0..shape.len() {
            o = o * out_shape[d] + if axes.contains(&d) { 0 } else { idx[d] };
        }
        out[o] = f(out[o], v);
        for d in (0..shape.len()).rev() {
            idx[d] += 1;
            if idx[d] < shape[d] {
                break;
            }
            idx[d] = 0;
        }
    }
    out
}

fn close(a: f64, b: f64, rtol: f64) -> bool {
    (a - b).abs() <= rtol * b.abs().max(1.0) || (a.is_nan() && b.is_nan())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]
    #[test]
    fn sum_max_mean_match_f64_references(
        shape in prop::collection::vec(0usize..7, 1..4),
        seed in any::<u64>(),
        axis_mask in 0u32..16,
        keepdims in any::<bool>(),
    ) {
        let n: usize = shape.iter().product();
        let x64 = data(n, seed);
        let axes: Vec<usize> = (0..shape.len()).filter(|d| axis_mask & (1 << d) != 0).collect();
        let iaxes: Vec<isize> = axes.iter().map(|&a| a as isize - if a % 2 == 0 { shape.len() as isize } else { 0 }).collect();
        let x = xp::asarray(&x64, &shape).unwrap();

        let s = xp::sum(&x, Some(&iaxes), keepdims).unwrap();
        let expect = reference(&x64, &shape, &axes, 0.0, |a, b| a + b);
        let got = s.to_vec::<f64>().unwrap();
        prop_assert_eq!(got.len(), expect.len());
        for (g, e) in got.iter().zip(&expect) { prop_assert!(close(*g, *e, 1e-13), "{} vs {}", g, e); }
        let want_shape: Vec<usize> = shape.iter().enumerate().filter_map(|(d, &n)| if axes.contains(&d) { keepdims.then_some(1) } else { Some(n) }).collect();
        prop_assert_eq!(s.shape(), want_shape.as_slice());

        // The fused producer: sum(x*x) reads x once.
        let sq = xp::sum(&(&x * &x).unwrap(), Some(&iaxes), keepdims).unwrap();
        let expect = reference(&x64, &shape, &axes, 0.0, |a, b| a + b * b);
        for (g, e) in sq.to_vec::<f64>().unwrap().iter().zip(&expect) { prop_assert!(close(*g, *e, 1e-13)); }

        let count = axes.iter().map(|&a| shape[a]).product::<usize>();
        if count > 0 {
            let m = xp::max(&x, Some(&iaxes), keepdims).unwrap().to_vec::<f64>().unwrap();
            let expect = reference(&x64, &shape, &axes, f64::NEG_INFINITY, f64::max);
            prop_assert_eq!(m, expect);
            let mean = xp::mean(&x, Some(&iaxes), keepdims).unwrap().to_vec::<f64>().unwrap();
            let expect = reference(&x64, &shape, &axes, 0.0, |a, b| a + b);
            for (g, e) in mean.iter().zip(&expect) { prop_assert!(close(*g, e / count as f64, 1e-13)); }
        } else if !axes.is_empty() {
            prop_assert!(xp::max(&x, Some(&iaxes), keepdims).is_err());
        }

        // f32 through the interpreter and Cranelift: the same bits.
        let x32: Vec<f32> = x64.iter().map(|&v| v as f32).collect();
        let a = xp::sum(&xp::asarray(&x32, &shape).unwrap(), Some(&iaxes), keepdims).unwrap();
        let b = xp::sum(&xp::asarray(&x32, &shape).unwrap(), Some(&iaxes), keepdims).unwrap();
        xp::eval(&[&a]).unwrap();
        xp::eval_with(&[&b], xp::Engine::Interpreter).unwrap();
        let (a, b) = (a.to_vec::<f32>().unwrap(), b.to_vec::<f32>().unwrap());
        prop_assert_eq!(a.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), b.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
    }
}

#[test]
fn sum_of_ten_million_f32_is_accurate_and_thread_independent() {
    let n = 10_000_000;
    let v: Vec<f32> = (0..n).map(|i| ((i as f64 * 0.618033988749895).fract() as f32) + 0.5).collect();
    let exact: f64 = v.iter().map(|&x| x as f64).sum();
    let x = xp::asarray(&v, &[n]).unwrap();
    let s = xp::sum(&x, None, false).unwrap().to_vec::<f32>().unwrap()[0];
    let rel = ((s as f64 - exact) / exact).abs();
    assert!(rel <= 1e-6, "relative error {rel:e}");
    // Rows of a 2-D sum are split across threads; the result must not depend on it.
    let x2 = xp::asarray(&v, &[1000, 10_000]).unwrap();
    lazyxp_runtime::parallel::set_max_threads(1);
    let one = xp::sum(&x2, Some(&[1]), false).unwrap().to_vec::<f32>().unwrap();
    lazyxp_runtime::parallel::set_max_threads(usize::MAX);
    let many = xp::sum(&(&x2 * 1.0).unwrap(), Some(&[1]), false).unwrap().to_vec::<f32>().unwrap();
    assert_eq!(one, many);
}

#[test]
fn integer_bool_and_special_reductions() {
    let x = xp::asarray(&[1i32, -2, 3, 4, 5, 6], &[2, 3]).unwrap();
    let s = xp::sum(&x, Some(&[1]), false).unwrap();
    assert_eq!(s.dtype(), xp::DType::Int64);
    assert_eq!(s.to_vec::<i64>().unwrap(), vec![2, 15]);
    assert_eq!(xp::prod(&x, None, false).unwrap().to_vec::<i64>().unwrap(), vec![-720]);
    assert_eq!(xp::min(&x, Some(&[0]), true).unwrap().to_vec::<i32>().unwrap(), vec![1, -2, 3]);
    let b = xp::asarray(&[true, false, true, true], &[2, 2]).unwrap();
    assert_eq!(xp::all(&b, Some(&[1]), false).unwrap().to_vec::<bool>().unwrap(), vec![false, true]);
    assert_eq!(xp::any(&b, Some(&[0]), false).unwrap().to_vec::<bool>().unwrap(), vec![true, true]);
    assert_eq!(xp::count_nonzero(&x, None, false).unwrap().to_vec::<i64>().unwrap(), vec![6]);
    let e = xp::asarray::<f64>(&[], &[0]).unwrap();
    assert_eq!(xp::sum(&e, None, false).unwrap().to_vec::<f64>().unwrap()[0].to_bits(), 0f64.to_bits());
    assert_eq!(xp::prod(&e, None, false).unwrap().to_vec::<f64>().unwrap(), vec![1.0]);
    assert!(xp::mean(&e, None, false).unwrap().to_vec::<f64>().unwrap()[0].is_nan());
    assert!(xp::max(&e, None, false).is_err());
    let nan = xp::asarray(&[1.0f32, f32::NAN, 3.0], &[3]).unwrap();
    assert!(xp::max(&nan, None, false).unwrap().to_vec::<f32>().unwrap()[0].is_nan());
    let inf = xp::asarray(&[1.0f64, f64::INFINITY, 3.0], &[3]).unwrap();
    assert_eq!(xp::sum(&inf, None, false).unwrap().to_vec::<f64>().unwrap(), vec![f64::INFINITY]);
    assert!(xp::sum(&x, Some(&[2]), false).is_err());
    assert!(xp::sum(&x, Some(&[0, -2]), false).is_err());
}

#[test]
fn float_products_with_a_zero_are_zero_whatever_overflowed() {
    // Hypothesis's example: a 0 then 1626s. The blocked order multiplies
    // the 0 into one accumulator while others overflow to inf; the exact
    // product is 0, as NumPy's running product gives.
    let mut v = vec![1626.0f32; 25];
    v[0] = 0.0;
    let p = |v: &[f32], shape: &[usize], axis: Option<&[isize]>| {
        xp::prod(&xp::asarray(v, shape).unwrap(), axis, false).unwrap().to_vec::<f32>().unwrap()
    };
    assert_eq!(p(&v, &[25], None)[0].to_bits(), 0f32.to_bits());
    // The sign is the product of the signs, -0 counted as negative.
    let mut neg = v.clone();
    neg[3] = -1626.0;
    assert_eq!(p(&neg, &[25], None)[0].to_bits(), (-0f32).to_bits());
    neg[0] = -0.0;
    assert_eq!(p(&neg, &[25], None)[0].to_bits(), 0f32.to_bits());
    // A real inf with a zero stays NaN; a NaN stays NaN; no zero keeps inf.
    let mut inf = v.clone();
    inf[7] = f32::INFINITY;
    assert!(p(&inf, &[25], None)[0].is_nan());
    let mut nan = v.clone();
    nan[9] = f32::NAN;
    assert!(p(&nan, &[25], None)[0].is_nan());
    assert_eq!(p(&vec![1626.0f32; 25], &[25], None), vec![f32::INFINITY]);
    // Per axis, each output on its own, and past the chunked threshold.
    let mut rows = [v.clone(), vec![1626.0f32; 25], inf.clone()].concat();
    rows[25 + 24] = -1626.0;
    let got = p(&rows, &[3, 25], Some(&[1]));
    assert_eq!((got[0].to_bits(), got[1], got[2].is_nan()), (0f32.to_bits(), f32::NEG_INFINITY, true));
    let mut long = vec![3.0f64; 1 << 19];
    long[5] = 0.0;
    let got = xp::prod(&xp::asarray(&long, &[1 << 19]).unwrap(), None, false).unwrap().to_vec::<f64>().unwrap();
    assert_eq!(got[0].to_bits(), 0f64.to_bits());
}

#[test]
fn var_and_std_use_the_correction() {
    let v = [1.0f64, 2.0, 3.0, 4.0, 1e8 + 1.0, 1e8 + 2.0];
    let x = xp::asarray(&v, &[3, 2]).unwrap();
    let var0 = xp::var(&x, Some(&[1]), 0.0, false).unwrap().to_vec::<f64>().unwrap();
    assert_eq!(var0, vec![0.25, 0.25, 0.25]);
    let std1 = xp::std(&x, None, 1.0, false).unwrap().to_vec::<f64>().unwrap()[0];
    let m = v.iter().sum::<f64>() / 6.0;
    let expect = (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / 5.0).sqrt();
    assert!(((std1 - expect) / expect).abs() < 1e-14);
}

#[test]
fn softmax_runs_in_one_kernel_and_is_right() {
    let (r, c) = (64, 33);
    let v: Vec<f32> = data(r * c, 7).iter().map(|&x| x as f32 * 10.0).collect();
    let x = xp::asarray(&v, &[r, c]).unwrap();
    let m = xp::max(&x, Some(&[1]), true).unwrap();
    let e = xp::exp(&(&x - &m).unwrap()).unwrap();
    let y = (&e / &xp::sum(&e, Some(&[1]), true).unwrap()).unwrap();
    let out = y.to_vec::<f32>().unwrap();
    let report = y.explain().unwrap();
    let kernels = report.lines().filter(|l| l.starts_with("kernel ") && l.contains(" key ")).count();
    // max, the sum of exp(x - max) and the division are passes of one row
    // kernel (the issue asks for at most two).
    assert_eq!(kernels, 1, "{report}");
    assert!(report.contains(", rows)"), "{report}");
    for i in 0..r {
        let row = &v[i * c..(i + 1) * c];
        let mx = row.iter().cloned().fold(f32::MIN, f32::max) as f64;
        let den: f64 = row.iter().map(|&x| (x as f64 - mx).exp()).sum();
        for j in 0..c {
            let want = ((row[j] as f64 - mx).exp() / den) as f32;
            assert!((out[i * c + j] - want).abs() <= 2e-6 * want.abs().max(1e-30) + 1e-9, "{i},{j}");
        }
    }
}

/// The first index of the largest (`max`) or smallest value of `v`, a NaN
/// counting as the extreme (NumPy's argmax/argmin), -0 equal to +0.
fn arg_ref(v: &[f64], max: bool) -> i64 {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        let b = v[best];
        if b.is_nan() {
            break;
        }
        if x.is_nan() || (max && x > b) || (!max && x < b) {
            best = i;
        }
    }
    best as i64
}

#[test]
fn argmax_fuses_with_its_producer_and_keeps_numpys_rules() {
    // Rows of a product: one row kernel, no array of x*x's size.
    let (r, c) = (37, 129);
    let mut v = common::data_in(r * c, 4, -3.0, 3.0);
    v[5] = f64::NAN;
    v[c + 7] = -0.0;
    v[c + 9] = 0.0;
    let x = xp::asarray(&v, &[r, c]).unwrap();
    let sq = (&x * &x).unwrap();
    let am = xp::argmax(&sq, Some(-1), false).unwrap();
    let got = am.to_vec::<i64>().unwrap();
    let report = am.explain().unwrap();
    assert_eq!(report.lines().filter(|l| l.starts_with("kernel ") && l.contains(" key ")).count(), 1, "{report}");
    for i in 0..r {
        let row: Vec<f64> = v[i * c..(i + 1) * c].iter().map(|x| x * x).collect();
        assert_eq!(got[i], arg_ref(&row, true), "row {i}");
    }
    // Along a leading axis, and argmin with signed zeros.
    let cols = xp::argmin(&x, Some(0), true).unwrap();
    assert_eq!(cols.shape(), &[1, c]);
    let got = cols.to_vec::<i64>().unwrap();
    for j in 0..c {
        let col: Vec<f64> = (0..r).map(|i| v[i * c + j]).collect();
        assert_eq!(got[j], arg_ref(&col, false), "column {j}");
    }
    // Flattened: fused up to 2^18 elements, the library scan beyond; the
    // same answers either way.
    for n in [1000usize, (1 << 18) + 5] {
        let mut w = common::data_in(n, 9, -1.0, 1.0);
        w[n / 2] = 5.0;
        w[n - 3] = 5.0;
        let y = xp::asarray(&w, &[n]).unwrap();
        assert_eq!(xp::argmax(&y, None, false).unwrap().to_vec::<i64>().unwrap(), vec![(n / 2) as i64], "n={n}");
        assert_eq!(xp::argmin(&y, None, true).unwrap().shape(), &[1]);
        assert_eq!(xp::argmin(&y, None, false).unwrap().to_vec::<i64>().unwrap(), vec![arg_ref(&w, false)], "n={n}");
        w[n - 1] = f64::NAN;
        let y = xp::asarray(&w, &[n]).unwrap();
        assert_eq!(xp::argmax(&y, None, false).unwrap().to_vec::<i64>().unwrap(), vec![(n - 1) as i64], "n={n} NaN");
    }
}

/// 64-bit integer min/max run in two-lane vectors (a compare and a blend;
/// SSE has no single instruction for them): elementwise, along rows,
/// along columns and over everything, at the ends of each type's range and
/// where values differ only in the sign bit (uint64 past int64::MAX must
/// not compare as negative), with argmax/argmin over them. Results must
/// be the interpreter's and the obvious loop's.
#[test]
fn wide_integer_min_max_match_the_interpreter() {
    let (r, c) = (23usize, 37usize);
    let raw: Vec<u64> = (0..(r * c) as u64).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17)).collect();
    let mut s: Vec<i64> = raw.iter().map(|&u| u as i64).collect();
    s[3] = i64::MIN;
    s[5 * c + 4] = i64::MAX;
    s[c + 1] = s[c + 30];
    let mut u = raw.clone();
    u[7] = u64::MAX;
    u[2 * c] = 0;
    u[9] = 1 << 63;
    for dtype in [xp::DType::Int64, xp::DType::UInt64] {
        // A fresh leaf for each engine: equal expressions over one leaf
        // are one node, which the first eval would realize for both.
        let leaf = || if dtype == xp::DType::Int64 { xp::asarray(&s, &[r, c]).unwrap() } else { xp::asarray(&u, &[r, c]).unwrap() };
        let build = |x: &xp::Array| -> Vec<xp::Array> {
            let flip = xp::flip(x, Some(&[1])).unwrap();
            vec![
                xp::maximum(x, &flip).unwrap(),
                xp::minimum(x, &flip).unwrap(),
                xp::max(x, Some(&[1]), false).unwrap(),
                xp::min(x, Some(&[1]), false).unwrap(),
                xp::max(x, Some(&[0]), false).unwrap(),
                xp::min(x, Some(&[0]), false).unwrap(),
                xp::max(x, None, false).unwrap(),
                xp::min(x, None, false).unwrap(),
                xp::argmax(x, Some(-1), false).unwrap(),
                xp::argmin(x, Some(-1), false).unwrap(),
            ]
        };
        let x = leaf();
        let (want, got) = (build(&leaf()), build(&x));
        xp::eval_with(&want.iter().collect::<Vec<_>>(), xp::Engine::Interpreter).unwrap();
        xp::eval_with(&got.iter().collect::<Vec<_>>(), xp::Engine::Cranelift).unwrap();
        for (k, (w, g)) in want.iter().zip(&got).enumerate() {
            assert_eq!(common::bits(w), common::bits(g), "case {k}, {}", x.dtype());
        }
        // The row reductions against a plain loop, in the array's own order.
        let rows_ref = |max: bool| -> Vec<u64> {
            (0..r)
                .map(|i| {
                    let row = (i * c..(i + 1) * c).map(|k| if x.dtype() == xp::DType::Int64 { (s[k] as i128, s[k] as u64) } else { (u[k] as i128, u[k]) });
                    if max { row.max_by_key(|e| e.0).unwrap().1 } else { row.min_by_key(|e| e.0).unwrap().1 }
                })
                .collect()
        };
        assert_eq!(common::bits(&got[2]), rows_ref(true), "max along rows, {}", x.dtype());
        assert_eq!(common::bits(&got[3]), rows_ref(false), "min along rows, {}", x.dtype());
        let first = |max: bool| -> Vec<u64> {
            (0..r)
                .map(|i| {
                    let key = |k: usize| if x.dtype() == xp::DType::Int64 { s[k] as i128 } else { u[k] as i128 };
                    let best = (i * c..(i + 1) * c).map(key).fold(if max { i128::MIN } else { i128::MAX }, |a, b| if max { a.max(b) } else { a.min(b) });
                    (0..c).find(|&j| key(i * c + j) == best).unwrap() as u64
                })
                .collect()
        };
        assert_eq!(common::bits(&got[8]), first(true), "argmax, {}", x.dtype());
        assert_eq!(common::bits(&got[9]), first(false), "argmin, {}", x.dtype());
    }
}

/// count_nonzero counts in int32 and answers in int64: over a long array
/// (the chunked full reduction), along an axis, of floats with NaNs and
/// signed zeros (NaN counts, -0.0 does not) and of bools.
#[test]
fn count_nonzero_counts_exactly_in_int64() {
    let (r, c) = (700usize, 600usize);
    let mut v = common::data_in(r * c, 5, -1.0, 1.0);
    for i in (0..r * c).step_by(7) {
        v[i] = if i % 3 == 0 { -0.0 } else { 0.0 };
    }
    v[11] = f64::NAN;
    let x = xp::asarray(&v, &[r, c]).unwrap();
    let x32 = xp::astype(&x, xp::DType::Float32).unwrap();
    let want_all = v.iter().filter(|&&e| e != 0.0).count() as i64;
    for a in [&x, &x32] {
        let all = xp::count_nonzero(a, None, false).unwrap();
        assert_eq!(all.dtype(), xp::DType::Int64);
        assert_eq!(all.to_vec::<i64>().unwrap(), vec![want_all]);
        let cols = xp::count_nonzero(a, Some(&[0]), true).unwrap();
        assert_eq!(cols.shape(), &[1, c]);
        let want: Vec<i64> = (0..c).map(|j| (0..r).filter(|&i| v[i * c + j] != 0.0).count() as i64).collect();
        assert_eq!(cols.to_vec::<i64>().unwrap(), want);
    }
    let b = xp::greater(&x, &xp::full(&[], 0.5, xp::DType::Float64).unwrap()).unwrap();
    let want = v.iter().filter(|&&e| e > 0.5).count() as i64;
    assert_eq!(xp::count_nonzero(&b, None, false).unwrap().to_vec::<i64>().unwrap(), vec![want]);
}

/// Flattened argmax/argmin past the fused size run the library's chunked
/// search: the answer must be the first extreme wherever it falls (chunk
/// edges, ties across chunks, a NaN after or before the extreme, signed
/// zeros), for floats of both widths and integers.
#[test]
fn long_flattened_argmax_finds_the_first_extreme_in_any_chunk() {
    let n = (1 << 18) + 40_000;
    let chunk = 1 << 14;
    let base = common::data_in(n, 21, -1.0, 1.0);
    let cases: Vec<(&str, Vec<(usize, f64)>)> = vec![
        ("at a chunk's first element", vec![(3 * chunk, 7.0)]),
        ("at a chunk's last element, tied later", vec![(5 * chunk - 1, 7.0), (9 * chunk, 7.0), (n - 1, 7.0)]),
        ("in the short last chunk", vec![(n - 2, 7.0)]),
        ("a NaN after the extreme", vec![(2 * chunk + 3, 7.0), (11 * chunk + 1, f64::NAN)]),
        ("a NaN before the extreme, and a later NaN", vec![(4 * chunk + 9, f64::NAN), (6 * chunk, 7.0), (8 * chunk, f64::NAN)]),
        ("zeros of both signs as the extreme", vec![(chunk + 5, -0.0), (7 * chunk, 0.0)]),
    ];
    for (what, sets) in cases {
        let mut w = base.clone();
        for &(i, v) in &sets {
            w[i] = v;
        }
        // Zeros as the extreme need every other element on one side.
        if what.starts_with("zeros") {
            w.iter_mut().enumerate().filter(|(i, _)| *i != chunk + 5 && *i != 7 * chunk).for_each(|(_, x)| *x = -1.0 - x.abs());
        }
        let neg: Vec<f64> = w.iter().map(|x| -x).collect();
        let x64 = xp::asarray(&w, &[n]).unwrap();
        let x32 = xp::asarray(&w.iter().map(|&v| v as f32).collect::<Vec<_>>(), &[n]).unwrap();
        for (x, dt) in [(&x64, "f64"), (&x32, "f32")] {
            assert_eq!(xp::argmax(x, None, false).unwrap().to_vec::<i64>().unwrap(), vec![arg_ref(&w, true)], "argmax {dt}: {what}");
            assert_eq!(xp::argmin(&(-x).unwrap(), None, false).unwrap().to_vec::<i64>().unwrap(), vec![arg_ref(&neg, false)], "argmin {dt}: {what}");
        }
    }
    // Integers, with the extreme repeated across chunks.
    let ints: Vec<i32> = (0..n).map(|i| ((i * 7919) % 100_003) as i32 - 50_000).collect();
    let first_max = ints.iter().enumerate().fold(0, |b, (i, &v)| if v > ints[b] { i } else { b });
    let first_min = ints.iter().enumerate().fold(0, |b, (i, &v)| if v < ints[b] { i } else { b });
    let xi = xp::asarray(&ints, &[n]).unwrap();
    assert_eq!(xp::argmax(&xi, None, false).unwrap().to_vec::<i64>().unwrap(), vec![first_max as i64]);
    assert_eq!(xp::argmin(&xi, None, false).unwrap().to_vec::<i64>().unwrap(), vec![first_min as i64]);
}

/// Reductions over leading axes and of transposed views take the column
/// path (several outputs per vector); results must be the interpreter's
/// bit for bit, for every reduction, with NaNs, signed zeros, tails of
/// blocks and of output groups.
#[test]
fn column_reductions_match_the_interpreter() {
    let cases: &[(usize, usize)] = &[(2100, 13), (9, 8), (1030, 64), (70, 37), (3, 5), (8, 1)];
    for &(r, c) in cases {
        let mut v: Vec<f32> = common::data_in(r * c, (r * c) as u64, -3.0, 3.0).into_iter().map(|x| x as f32).collect();
        if r * c > 40 {
            v[17] = f32::NAN;
            v[33] = -0.0;
            v[34] = 0.0;
        }
        let leaf = || xp::asarray(&v, &[r, c]).unwrap();
        let build = |x: &xp::Array| -> Vec<xp::Array> {
            let t = xp::matrix_transpose(x).unwrap();
            vec![
                xp::sum(x, Some(&[0]), false).unwrap(),
                xp::max(x, Some(&[0]), false).unwrap(),
                xp::min(&(x * 2.0).unwrap(), Some(&[0]), true).unwrap(),
                xp::prod(&xp::astype(x, xp::DType::Float64).unwrap(), Some(&[0]), false).unwrap(),
                xp::mean(&t, Some(&[1]), false).unwrap(),
                xp::any(&xp::greater(x, &xp::scalar_like(x, 2.5).unwrap()).unwrap(), Some(&[0]), false).unwrap(),
                xp::argmax(x, Some(0), false).unwrap(),
            ]
        };
        // One at a time, and all in one eval (several reductions in one
        // kernel share the column path).
        let (a, b) = (build(&leaf()), build(&leaf()));
        let (together_i, together_c) = (build(&leaf()), build(&leaf()));
        xp::eval_with(&together_i.iter().collect::<Vec<_>>(), xp::Engine::Interpreter).unwrap();
        xp::eval_with(&together_c.iter().collect::<Vec<_>>(), xp::Engine::Cranelift).unwrap();
        for (k, (x, y)) in a.iter().zip(&b).enumerate() {
            xp::eval_with(&[x], xp::Engine::Interpreter).unwrap();
            xp::eval_with(&[y], xp::Engine::Cranelift).unwrap();
            let bits = common::bits;
            assert_eq!(bits(x), bits(y), "case {k} over {r}x{c}");
            assert_eq!(bits(&together_i[k]), bits(x), "case {k} over {r}x{c}, one eval (interpreter)");
            assert_eq!(bits(&together_c[k]), bits(x), "case {k} over {r}x{c}, one eval (compiled)");
        }
    }
}

/// Wide reductions over a leading axis take strips of up to 64 column
/// vectors (column_strip.rs): accumulators and running totals in memory,
/// widths known at run time. Results must be the interpreter's bit for
/// bit: partial strips and blocks (rows past 1024, tails of one to seven
/// rows), strips cut by the end of a run of the last outer coordinate (a
/// 3-d reduction over its middle axis) or crossing runs of flat inputs (a
/// 3-d reduction over its first), a broadcast weight, a transposed view,
/// a heavy body (exp's, which takes strips for every run), several
/// reductions of different state widths in one kernel, NaNs (the first of
/// two payloads must win, in the running total across blocks too), a max
/// whose first block ends at -0 (the order-free block's doubt), on one
/// thread and on two (the launch ranges differ).
#[test]
fn column_strips_match_the_interpreter() {
    let cases: &[(&[usize], usize)] = &[(&[1100, 300], 0), (&[1030, 37], 0), (&[3, 40, 50], 1), (&[17, 2000], 0), (&[200, 7, 5], 0)];
    for threads in [1, 2] {
        lazyxp_runtime::parallel::set_max_threads(threads);
        for &(shape, axis) in cases {
            let n: usize = shape.iter().product();
            let rows = shape[axis];
            let cols = n / shape[..=axis].iter().product::<usize>();
            let mut v: Vec<f32> = common::data_in(n, n as u64, -3.0, 3.0).into_iter().map(|x| x as f32).collect();
            v[n / 2 + 5] = f32::NAN;
            v[33] = -0.0;
            v[34] = 0.0;
            if shape.len() == 2 && rows > 1024 && cols > 20 {
                // Two NaN payloads in one column, in different blocks.
                v[5 * cols + 11] = f32::from_bits(0x7fc0_0001);
                v[(rows - 1) * cols + 11] = f32::from_bits(0x7fc0_0002);
                // A column of negatives but for -0 and +0 in its first
                // block, whose max is +0 (the order-free fold may say -0),
                // far from the NaNs (whose doubt would send its whole
                // strip to the canonical order anyway).
                let c = cols - 20;
                for r in 0..rows {
                    v[r * cols + c] = -1.0 - r as f32;
                }
                v[2 * cols + c] = -0.0;
                v[5 * cols + c] = 0.0;
            }
            let w: Vec<f32> = common::data_in(rows, 3, 0.5, 1.5).into_iter().map(|x| x as f32).collect();
            let ax = [axis as isize];
            let alone = |x: &xp::Array| -> Vec<xp::Array> {
                let x64 = xp::astype(x, xp::DType::Float64).unwrap();
                let mut wshape = vec![1usize; shape.len()];
                wshape[axis] = rows;
                let wt = xp::asarray(&w, &wshape).unwrap();
                let mut out = vec![
                    xp::sum(x, Some(&ax), false).unwrap(),
                    xp::sum(&x64, Some(&ax), true).unwrap(),
                    xp::max(x, Some(&ax), false).unwrap(),
                    xp::min(&x64, Some(&ax), false).unwrap(),
                    xp::prod(&(&x64 * 0.5).unwrap(), Some(&ax), false).unwrap(),
                    xp::mean(&(x * &wt).unwrap(), Some(&ax), false).unwrap(),
                    xp::sqrt(&xp::sum(&(&x64 * &x64).unwrap(), Some(&ax), false).unwrap()).unwrap(),
                    xp::sum(&xp::astype(&(x * 100.0).unwrap(), xp::DType::Int32).unwrap(), Some(&ax), false).unwrap(),
                    xp::any(&xp::greater(x, &xp::scalar_like(x, 2.9).unwrap()).unwrap(), Some(&ax), false).unwrap(),
                    xp::argmax(x, Some(axis as isize), false).unwrap(),
                    // A heavy body: strips only, no groups.
                    xp::sum(&xp::exp(x).unwrap(), Some(&ax), false).unwrap(),
                ];
                if shape.len() == 2 {
                    out.push(xp::sum(&xp::matrix_transpose(&x64).unwrap(), Some(&[1]), false).unwrap());
                }
                out
            };
            // Several reductions of one kernel: sums (one value of state),
            // max and min (two), a product; a NaN or -0 in doubt sends the
            // whole block back to the canonical order.
            let together = |x: &xp::Array| -> Vec<xp::Array> {
                vec![
                    xp::sum(x, Some(&ax), false).unwrap(),
                    xp::max(x, Some(&ax), false).unwrap(),
                    xp::sum(&(x * x).unwrap(), Some(&ax), false).unwrap(),
                    xp::min(x, Some(&ax), false).unwrap(),
                    xp::prod(&(x * 0.01).unwrap(), Some(&ax), false).unwrap(),
                ]
            };
            // Order-free reductions together: an int32 max (never in
            // doubt) first, then float max and min, whose doubt must send
            // the block back for all three.
            let together_free = |x: &xp::Array| -> Vec<xp::Array> {
                vec![
                    xp::max(&xp::astype(&(x * 100.0).unwrap(), xp::DType::Int32).unwrap(), Some(&ax), false).unwrap(),
                    xp::max(x, Some(&ax), false).unwrap(),
                    xp::min(x, Some(&ax), false).unwrap(),
                ]
            };
            let leaf = || xp::asarray(&v, shape).unwrap();
            for (what, build) in [("alone", &alone as &dyn Fn(&xp::Array) -> Vec<xp::Array>), ("together", &together), ("together, order-free", &together_free)] {
                let want = build(&leaf());
                xp::eval_with(&want.iter().collect::<Vec<_>>(), xp::Engine::Interpreter).unwrap();
                let all = build(&leaf());
                xp::eval_with(&all.iter().collect::<Vec<_>>(), xp::Engine::Cranelift).unwrap();
                for (k, x) in want.iter().enumerate() {
                    assert_eq!(common::bits(x), common::bits(&all[k]), "{what} case {k} in one eval over {shape:?}, threads {threads}");
                    if what == "alone" {
                        let one = build(&leaf()).swap_remove(k);
                        xp::eval_with(&[&one], xp::Engine::Cranelift).unwrap();
                        assert_eq!(common::bits(x), common::bits(&one), "case {k} alone over {shape:?}, threads {threads}");
                    }
                }
                if what != "alone" {
                    let report = all[0].explain().unwrap();
                    assert!(report.contains("column path"), "the reductions take the column path: {report}");
                }
            }
            // The f64 sum against a plain loop over each output's column
            // (which the canonical order must stay close to).
            let got_sums = alone(&leaf()).swap_remove(1);
            let sums = common::bits(&got_sums);
            let lead: usize = shape[..axis].iter().product();
            for a in 0..lead {
                for c in 0..cols {
                    let plain: f64 = (0..rows).map(|r| v[(a * rows + r) * cols + c] as f64).sum();
                    let got = f64::from_bits(sums[a * cols + c]);
                    assert!(got == plain || (got - plain).abs() <= 1e-12 * plain.abs().max(1.0) || (got.is_nan() && plain.is_nan()), "sum at {a},{c}: {got} vs {plain}");
                }
            }
        }
    }
    lazyxp_runtime::parallel::set_max_threads(usize::MAX);
}

/// Reductions over functions with a cold region (sin/cos/tan's exact
/// reduction of huge arguments) along rows and columns, huge arguments
/// included so the region runs: compiled bits equal the interpreter's.
/// The region's constants once counted as per-row values, and every such
/// row kernel panicked while compiling; later, a region after the
/// reductions (`sin(sum(x, axis=1))`) panicked the same way.
#[test]
fn reductions_over_cold_regions_match_the_interpreter() {
    for &(r, c) in &[(64usize, 64usize), (3, 5), (1000, 8), (8, 1000)] {
        let mut v: Vec<f32> = common::data_in(r * c, 7, -50.0, 50.0).into_iter().map(|x| x as f32).collect();
        v[1] = 1e30;
        v[r * c - 2] = -3e37;
        let build = || -> Vec<xp::Array> {
            let x = xp::asarray(&v, &[r, c]).unwrap();
            vec![
                xp::sum(&xp::sin(&x).unwrap(), Some(&[1]), false).unwrap(),
                xp::sum(&xp::cos(&x).unwrap(), Some(&[0]), false).unwrap(),
                xp::max(&xp::tan(&x).unwrap(), Some(&[1]), true).unwrap(),
                (&xp::sin(&x).unwrap() - &xp::mean(&xp::cos(&x).unwrap(), Some(&[1]), true).unwrap()).unwrap(),
                // The region after the reduction, once per output: its
                // constants were placed a pass before its condition.
                xp::sin(&xp::sum(&x, Some(&[1]), false).unwrap()).unwrap(),
                xp::cos(&xp::max(&x, Some(&[0]), true).unwrap()).unwrap(),
                xp::tan(&xp::sum(&xp::sin(&x).unwrap(), None, false).unwrap()).unwrap(),
            ]
        };
        let (want, got) = (build(), build());
        xp::eval_with(&want.iter().collect::<Vec<_>>(), xp::Engine::Interpreter).unwrap();
        xp::eval_with(&got.iter().collect::<Vec<_>>(), xp::Engine::Cranelift).unwrap();
        for (k, (w, g)) in want.iter().zip(&got).enumerate() {
            let bits = |z: &xp::Array| z.to_vec::<f32>().unwrap().into_iter().map(f32::to_bits).collect::<Vec<_>>();
            assert_eq!(bits(g), bits(w), "case {k} over {r}x{c}");
        }
    }
}

/// One elementwise step of a random chain feeding a reduction; the math
/// library's functions with cold regions (sin, cos, tan) among them.
fn chain_step(f: usize, x: &xp::Array) -> xp::Result<xp::Array> {
    match f {
        0 => xp::sin(x),
        1 => xp::cos(x),
        2 => xp::tan(x),
        3 => xp::exp(&(x * 0.1)?),
        4 => xp::log(&(&xp::abs(x)? + 1.0)?),
        5 => xp::tanh(x),
        6 => xp::sqrt(&xp::abs(x)?),
        _ => &(x * x)? - 1.0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Random elementwise chains under every reduction kind, along rows,
    /// columns or everything, alone or broadcast back (`y - mean(y)`, a
    /// two-pass row kernel): the compiled kernels give the interpreter's
    /// bits. Huge arguments make sin/cos/tan's cold regions run.
    #[test]
    fn reductions_of_random_chains_match_the_interpreter(
        (r, c) in (1usize..40, 1usize..40),
        chain in prop::collection::vec(0usize..8, 1..4),
        kind in 0usize..6,
        axis in 0usize..3,
        keepdims in any::<bool>(),
        huge in any::<bool>(),
        weighted in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let mut v: Vec<f32> = common::data_in(r * c, seed, -20.0, 20.0).into_iter().map(|x| x as f32).collect();
        if huge {
            v[0] = 3e35;
        }
        let axes: Option<Vec<isize>> = match axis { 0 => Some(vec![0]), 1 => Some(vec![-1]), _ => None };
        let build = || -> xp::Result<Vec<xp::Array>> {
            let mut y = xp::asarray(&v, &[r, c])?;
            for &f in &chain {
                y = chain_step(f, &y)?;
            }
            if weighted {
                // A weight per row, broadcast along it: over axis 0 the
                // column path splats one element per step.
                y = (&y * &xp::asarray(&v[..r], &[r, 1])?)?;
            }
            let ax = axes.as_deref();
            let red = match kind {
                0 => xp::sum(&y, ax, keepdims)?,
                1 => xp::max(&y, ax, keepdims)?,
                2 => xp::min(&y, ax, keepdims)?,
                3 => xp::prod(&y, ax, keepdims)?,
                4 => xp::mean(&y, ax, keepdims)?,
                _ => xp::astype(&xp::argmax(&y, ax.map(|a| a[0]), keepdims)?, xp::DType::Float32)?,
            };
            let centered = (&y - &xp::mean(&y, ax, true)?)?;
            Ok(vec![red, centered])
        };
        // Each alone, then both in one eval (one row kernel for both).
        let bits = |z: &xp::Array| z.to_vec::<f32>().unwrap().into_iter().map(f32::to_bits).collect::<Vec<_>>();
        let (want, alone, together) = (build().unwrap(), build().unwrap(), build().unwrap());
        xp::eval_with(&want.iter().collect::<Vec<_>>(), xp::Engine::Interpreter).unwrap();
        for a in &alone {
            xp::eval_with(&[a], xp::Engine::Cranelift).unwrap();
        }
        xp::eval_with(&together.iter().collect::<Vec<_>>(), xp::Engine::Cranelift).unwrap();
        for (k, w) in want.iter().enumerate() {
            prop_assert_eq!(bits(&alone[k]), bits(w), "{:?} -> kind {} over axis {} of {}x{} (weighted {}), output {}", &chain, kind, axis, r, c, weighted, k);
            prop_assert_eq!(bits(&together[k]), bits(w), "{:?} -> kind {} over axis {} of {}x{} (weighted {}), output {}, one eval", &chain, kind, axis, r, c, weighted, k);
        }
    }
}

/// The column path is a variant compiled when a launch's strides fit it:
/// a sum over the leading axis of a contiguous array runs it, and so does
/// one whose product has a weight per row broadcast along it (one element
/// splatted per step), with the interpreter's bits; an input read down its
/// columns beside one read along its rows keeps the row loop.
#[test]
fn the_column_path_is_compiled_only_for_launches_that_fit() {
    let v: Vec<f32> = common::data_in(64 * 40, 7, -1.0, 1.0).into_iter().map(|x| x as f32).collect();
    let x = xp::asarray(&v, &[64, 40]).unwrap();
    let down = xp::sum(&x, Some(&[0]), false).unwrap();
    let report = down.explain().unwrap();
    assert!(report.contains("lanes, column path"), "{report}");
    // A float product's extra accumulators (zeros, signs) and the
    // constants after the fold keep it on the column path too.
    let report = xp::prod(&x, Some(&[0]), false).unwrap().explain().unwrap();
    assert!(report.contains("lanes, column path"), "{report}");
    let weighted = |engine: xp::Engine| {
        let w = xp::expand_dims(&xp::asarray(&v[..64], &[64]).unwrap(), 1).unwrap();
        let xw = (&x * &w).unwrap();
        let outs = [xp::sum(&xw, Some(&[0]), false).unwrap(), xp::max(&xw, Some(&[0]), false).unwrap(), xp::prod(&(&xw + 1.0).unwrap(), Some(&[0]), false).unwrap()];
        xp::eval_with(&outs.iter().collect::<Vec<_>>(), engine).unwrap();
        let bits: Vec<Vec<u32>> = outs.iter().map(|o| o.to_vec::<f32>().unwrap().into_iter().map(f32::to_bits).collect()).collect();
        (bits, outs[0].explain().unwrap())
    };
    let ((got, report), (want, _)) = (weighted(xp::Engine::Cranelift), weighted(xp::Engine::Interpreter));
    assert!(report.contains("lanes, column path"), "{report}");
    assert_eq!(got, want);
    // Over a leading axis with an input whose outputs are neither side by
    // side nor one element: the row loop.
    let sq = xp::asarray(&v[..40 * 40], &[40, 40]).unwrap();
    let report = xp::sum(&(&sq * &xp::permute_dims(&sq, &[1, 0]).unwrap()).unwrap(), Some(&[0]), false).unwrap().explain().unwrap();
    assert!(report.contains(" lanes, compile") && !report.contains("column path"), "{report}");
}

/// Column groups of 3-d outputs: a contiguous array's groups run across the
/// end of each run of the last outer coordinate (its outer dims are flat);
/// a sliced one's may not, and take the row loop there. Either way the
/// bits are the interpreter's.
#[test]
fn column_groups_across_outer_runs_match_the_interpreter() {
    for &(r, a, b, keep) in &[(40usize, 3usize, 7usize, 7usize), (33, 5, 24, 24), (33, 5, 24, 19), (20, 2, 40, 37)] {
        let v: Vec<f32> = common::data_in(r * a * b, (r * a * b) as u64, -3.0, 3.0).into_iter().map(|x| x as f32).collect();
        let run = |engine: xp::Engine| -> Vec<Vec<u32>> {
            let x = xp::asarray(&v, &[r, a, b]).unwrap();
            let x = xp::index(&x, &[xp::Index::Slice { start: None, stop: None, step: None }, xp::Index::Slice { start: None, stop: None, step: None }, xp::Index::Slice { start: None, stop: Some(keep as isize), step: None }]).unwrap();
            // Weights per (row, middle) and per row, broadcast: the first
            // is not flat (groups stay in a run), the second is one element
            // for every output (groups may cross runs).
            let w_rows_mid = xp::asarray(&v[..r * a], &[r, a, 1]).unwrap();
            let w_rows = xp::asarray(&v[..r], &[r, 1, 1]).unwrap();
            let outs = [
                xp::sum(&(&x * &x).unwrap(), Some(&[0]), false).unwrap(),
                xp::max(&x, Some(&[0]), true).unwrap(),
                xp::sum(&(&x * &w_rows_mid).unwrap(), Some(&[0]), false).unwrap(),
                xp::max(&(&x * &w_rows).unwrap(), Some(&[0]), false).unwrap(),
            ];
            xp::eval_with(&outs.iter().collect::<Vec<_>>(), engine).unwrap();
            outs.iter().map(|o| o.to_vec::<f32>().unwrap().into_iter().map(f32::to_bits).collect()).collect()
        };
        assert_eq!(run(xp::Engine::Cranelift), run(xp::Engine::Interpreter), "{r}x{a}x{b} keeping {keep} of the last axis");
    }
}

/// Short rows take the column path's short-row form where every input's
/// reduced elements are side by side: whole groups of eight load each
/// output's row, the accumulators are transposed for the tail and the
/// block's end. Pairwise distances (one row shared by a group's outputs,
/// the other a row each), norms of Nx3 points, sliced and flipped rows
/// (outputs a stride apart that is not the row length, or negative), every
/// single-pass reduction kind, f32 (4x4 blocks) and f64 (2x2), integers,
/// NaN and signed zeros deciding min/max, every tail length, empty rows,
/// and output counts that leave outputs to the row loop: each kernel takes
/// the path and gives the interpreter's bits.
#[test]
fn short_rows_match_the_interpreter() {
    fn leaf(v: &[f64], shape: &[usize], dtype: xp::DType) -> xp::Array {
        let a = match dtype {
            xp::DType::Float32 => xp::asarray(&v.iter().map(|&x| x as f32).collect::<Vec<_>>(), shape),
            xp::DType::Float64 => xp::asarray(v, shape),
            _ => xp::asarray(&v.iter().map(|&x| (x * 1000.0) as i32).collect::<Vec<_>>(), shape),
        };
        let a = a.unwrap();
        a.eval().unwrap();
        a
    }
    use common::bits;
    for dtype in [xp::DType::Float32, xp::DType::Float64, xp::DType::Int32] {
        for &(n, m, k) in &[(9usize, 13usize, 16usize), (6, 8, 3), (5, 11, 1), (4, 9, 8), (7, 10, 17), (3, 12, 64), (8, 5, 23), (6, 9, 10), (5, 8, 12), (7, 6, 13), (6, 7, 14), (5, 9, 0)] {
            let mut v = common::data_in((2 * n + 2 * m) * k + 64, (n * 1000 + m * 10 + k) as u64, -2.0, 2.0);
            // NaN and signed zeros that decide min and max in some rows.
            for (i, x) in v.iter_mut().enumerate() {
                if i % 101 == 5 {
                    *x = f64::NAN;
                }
                match i % 37 {
                    11 => *x = -0.0,
                    12 => *x = 0.0,
                    _ => {}
                }
            }
            let v = if dtype == xp::DType::Int32 { v.iter().map(|x| if x.is_nan() { 1.0 } else { *x }).collect() } else { v };
            // (output, whether it must take the path): int64 sums of
            // int32 rows widen in the kernel (one lane), and rows of 0 or
            // 1 element have strides the launcher may read either way.
            let build = || -> Vec<(xp::Array, bool)> {
                let a = xp::expand_dims(&leaf(&v[..n * k], &[n, k], dtype), 1).unwrap();
                let b = xp::expand_dims(&leaf(&v[n * k..(n + m) * k], &[m, k], dtype), 0).unwrap();
                let d = (&a - &b).unwrap();
                let pts = leaf(&v[..m * k], &[m, k], dtype);
                // Every other row of a (2m, k) array: outputs 2k apart; and
                // the rows in reverse order: outputs -k apart.
                let sliced = xp::index(&leaf(&v[..2 * m * k], &[2 * m, k], dtype), &[xp::Index::Slice { start: None, stop: None, step: Some(2) }]).unwrap();
                let flipped = xp::flip(&pts, Some(&[0])).unwrap();
                let last = Some(&[-1isize][..]);
                let float = dtype != xp::DType::Int32;
                let rows = k >= 2;
                let mut outs = vec![(xp::sum(&(&pts * &pts).unwrap(), last, false).unwrap(), rows && float), (xp::sum(&flipped, last, false).unwrap(), rows && float)];
                if k > 0 {
                    // Empty rows have no extremes.
                    outs.push((xp::max(&d, last, false).unwrap(), rows));
                    outs.push((xp::min(&d, last, true).unwrap(), rows));
                    outs.push((xp::max(&sliced, last, false).unwrap(), rows));
                }
                if float {
                    let threshold = xp::astype(&xp::asarray(&[1.5f64], &[1]).unwrap(), dtype).unwrap();
                    outs.push((xp::sqrt(&xp::sum(&(&d * &d).unwrap(), last, false).unwrap()).unwrap(), rows));
                    outs.push((xp::prod(&(&(&d * 0.25).unwrap() + 1.0).unwrap(), last, false).unwrap(), rows));
                    outs.push((xp::any(&xp::greater(&pts, &threshold).unwrap(), last, false).unwrap(), rows));
                    outs.push((xp::all(&xp::less(&sliced, &threshold).unwrap(), last, false).unwrap(), rows));
                }
                outs
            };
            let (got, want) = (build(), build());
            for ((g, _), (w, _)) in got.iter().zip(&want) {
                xp::eval_with(&[g], xp::Engine::Cranelift).unwrap();
                xp::eval_with(&[w], xp::Engine::Interpreter).unwrap();
            }
            for (i, ((g, path), (w, _))) in got.iter().zip(&want).enumerate() {
                assert_eq!(bits(g), bits(w), "{dtype:?} {n}x{m}x{k}, output {i}");
                let report = g.explain().unwrap();
                assert!(!path || report.contains("column path"), "{dtype:?} {n}x{m}x{k}, output {i}: {report}");
            }
        }
    }
    // Rows longer than SHORT_ROW (64) keep the row loop.
    let x = xp::asarray(&common::data_in(40 * 70, 3, -1.0, 1.0), &[40, 70]).unwrap();
    let short = xp::index(&x, &[xp::Index::Slice { start: None, stop: None, step: None }, xp::Index::Slice { start: None, stop: Some(16), step: None }]).unwrap();
    let report = xp::sum(&short, Some(&[-1]), false).unwrap().explain().unwrap();
    assert!(report.contains("lanes, column path"), "{report}");
    let report = xp::sum(&x, Some(&[-1]), false).unwrap().explain().unwrap();
    assert!(!report.contains("column path"), "{report}");
}

/// Short rows whose results leave the column path as whole vectors (a row
/// of one block, what follows the reductions computed and stored four or
/// two outputs at a time) give the bits of the per-output path and of the
/// interpreter: a row of -0.0 sums to -0.0 in f32 and to +0.0 in f64 (the
/// compensated total), infinities and NaN pass through, products too; what
/// follows may be arithmetic with constants, a mean, several outputs, or
/// (taking the per-output path) a cast to a wider type or a function with
/// a cold region; a per-row input keeps the kernel off the column path.
#[test]
fn short_rows_stored_as_vectors_match_the_interpreter() {
    use common::bits;
    let (n, k) = (37usize, 6usize);
    let mut v = common::data_in(n * k, 29, -2.0, 2.0);
    for (row, special) in [(0, -0.0), (1, 0.0), (2, f64::INFINITY), (3, f64::NEG_INFINITY), (4, f64::NAN), (9, -0.0)] {
        for x in &mut v[row * k..(row + 1) * k] {
            *x = special;
        }
    }
    v[5 * k + 2] = f64::NAN;
    v[6 * k + 1] = f64::INFINITY;
    v[6 * k + 4] = f64::NEG_INFINITY;
    for dtype in [xp::DType::Float32, xp::DType::Float64] {
        let build = || -> Vec<xp::Array> {
            let x = xp::astype(&xp::asarray(&v, &[n, k]).unwrap(), dtype).unwrap();
            let per_row = xp::astype(&xp::asarray(&v[..n], &[n]).unwrap(), dtype).unwrap();
            xp::eval(&[&x, &per_row]).unwrap();
            let last = Some(&[-1isize][..]);
            // Each output's own sum, so that none reads another's result.
            let sum_of = |scale: f64| xp::sum(&(&x * scale).unwrap(), last, false).unwrap();
            let s = xp::sum(&x, last, false).unwrap();
            vec![
                s.clone(),
                xp::prod(&x, last, false).unwrap(),
                (&(&xp::sum(&(&x * &x).unwrap(), last, false).unwrap() * 2.0).unwrap() + 1.0).unwrap(),
                xp::mean(&(&x * 3.0).unwrap(), last, false).unwrap(),
                xp::sqrt(&s).unwrap(),
                (&sum_of(0.5) + &per_row).unwrap(),
                xp::astype(&sum_of(0.25), xp::DType::Float64).unwrap(),
                xp::exp(&sum_of(0.125)).unwrap(),
            ]
        };
        let (got, want) = (build(), build());
        // The sum with its square root: one kernel of two outputs. Then
        // the others, a kernel each.
        xp::eval_with(&[&got[0], &got[4]], xp::Engine::Cranelift).unwrap();
        xp::eval_with(&[&want[0], &want[4]], xp::Engine::Interpreter).unwrap();
        for (g, w) in got.iter().zip(&want) {
            xp::eval_with(&[g], xp::Engine::Cranelift).unwrap();
            xp::eval_with(&[w], xp::Engine::Interpreter).unwrap();
        }
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(bits(g), bits(w), "{dtype:?} output {i}");
            // A per-row input keeps the kernel off the column path.
            let report = g.explain().unwrap();
            assert_eq!(report.contains("column path"), i != 5, "{dtype:?} output {i}: {report}");
        }
        let zero_sums = bits(&got[0]);
        let sign = if dtype == xp::DType::Float32 { 1u64 << 31 } else { 0 };
        assert_eq!(zero_sums[0], sign, "{dtype:?}: a row of -0.0 sums to -0.0 in f32, +0.0 in f64");
    }
}

/// Short rows begin each block with their first eight values in place of
/// the identities: a signalling NaN taken in unfolded comes out quieted
/// with its payload, as folding it into -0.0 (or 1.0) does, alone or
/// beside another NaN, in rows of 8, 16 and 21.
#[test]
fn short_rows_starting_without_the_identity_quiet_signalling_nans() {
    use common::bits;
    for k in [8usize, 16, 21] {
        let n = 13;
        let mut v32: Vec<f32> = common::data_in(n * k, k as u64, -2.0, 2.0).into_iter().map(|x| x as f32).collect();
        let mut v64: Vec<f64> = common::data_in(n * k, k as u64 + 1, -2.0, 2.0);
        for (row, at) in [(0usize, 0usize), (1, 3), (2, 7), (3, 0), (5, k - 1)] {
            v32[row * k + at] = f32::from_bits(0x7fa0_0001 + row as u32);
            v64[row * k + at] = f64::from_bits(0x7ff4_0000_0000_0001 + row as u64);
        }
        // A second NaN beside the first, in the same canonical lane and in another.
        v32[3 * k + (8 % k)] = f32::from_bits(0xffa0_0002);
        v64[3 * k + 1] = f64::from_bits(0xfff4_0000_0000_0002);
        let build = || {
            let (a, b) = (xp::asarray(&v32, &[n, k]).unwrap(), xp::asarray(&v64, &[n, k]).unwrap());
            let last = Some(&[-1isize][..]);
            vec![xp::sum(&a, last, false).unwrap(), xp::prod(&a, last, false).unwrap(), xp::sum(&b, last, false).unwrap(), xp::prod(&b, last, false).unwrap()]
        };
        let (got, want) = (build(), build());
        for (g, w) in got.iter().zip(&want) {
            xp::eval_with(&[g], xp::Engine::Cranelift).unwrap();
            xp::eval_with(&[w], xp::Engine::Interpreter).unwrap();
            assert_eq!(bits(g), bits(w), "rows of {k}");
            assert!(g.explain().unwrap().contains("column path"));
        }
    }
}

#[test]
fn reductions_with_a_wider_tail_match_the_interpreter() {
    // The inner loops run in 4-lane vectors while each row's result is
    // cast to an 8-byte type in scalar form (lanes::vector_part): compiled
    // code and interpreter agree bit for bit.
    let (r, c) = (9, 133);
    let mut v: Vec<f32> = common::data_in(r * c, 17, -2.0, 2.0).into_iter().map(|x| x as f32).collect();
    v[40] = f32::NAN;
    v[c + 3] = -0.0;
    let leaf = || xp::asarray(&v, &[r, c]).unwrap();
    let build = |x: &xp::Array| -> Vec<xp::Array> {
        vec![
            xp::argmax(x, Some(1), false).unwrap(),
            xp::argmin(&(x * x).unwrap(), Some(1), true).unwrap(),
            xp::astype(&xp::sum(x, Some(&[1]), false).unwrap(), xp::DType::Float64).unwrap(),
        ]
    };
    let (a, b) = (build(&leaf()), build(&leaf()));
    for (x, y) in a.iter().zip(&b) {
        xp::eval_with(&[x], xp::Engine::Interpreter).unwrap();
        xp::eval_with(&[y], xp::Engine::Cranelift).unwrap();
        let bits = |z: &xp::Array| match z.dtype() {
            xp::DType::Int64 => z.to_vec::<i64>().unwrap().into_iter().map(|i| i as u64).collect::<Vec<_>>(),
            _ => z.to_vec::<f64>().unwrap().into_iter().map(f64::to_bits).collect(),
        };
        assert_eq!(bits(x), bits(y));
        assert!(y.explain().unwrap().contains(" 4 lanes"), "{}", y.explain().unwrap());
    }
}

#[test]
fn argmax_argmin_find_the_first_extreme() {
    let x = xp::asarray(&[3.0f64, 7.0, 7.0, -1.0, f64::NAN, 2.0], &[2, 3]).unwrap();
    assert_eq!(xp::argmax(&x, Some(1), false).unwrap().to_vec::<i64>().unwrap(), vec![1, 1]);
    assert_eq!(xp::argmin(&x, Some(0), true).unwrap().shape(), &[1, 3]);
    assert_eq!(xp::argmin(&x, Some(0), true).unwrap().to_vec::<i64>().unwrap(), vec![1, 1, 1]);
    assert_eq!(xp::argmax(&x, None, false).unwrap().to_vec::<i64>().unwrap(), vec![4]);
    let i = xp::asarray(&[5i16, -3, 9, 9], &[4]).unwrap();
    assert_eq!(xp::argmax(&(&i * 2).unwrap(), None, false).unwrap().to_vec::<i64>().unwrap(), vec![2]);
    assert!(xp::argmax(&xp::asarray::<f32>(&[], &[0]).unwrap(), None, false).is_err());
    assert!(xp::argmax(&x, Some(2), false).is_err());
}

#[test]
fn cumulative_sums_and_products() {
    let x = xp::asarray(&[1i32, 2, 3, 4, 5, 6], &[2, 3]).unwrap();
    let c = xp::cumulative_sum(&x, Some(1), false).unwrap();
    assert_eq!(c.dtype(), xp::DType::Int64);
    assert_eq!(c.to_vec::<i64>().unwrap(), vec![1, 3, 6, 4, 9, 15]);
    let c0 = xp::cumulative_sum(&x, Some(0), true).unwrap();
    assert_eq!(c0.shape(), &[3, 3]);
    assert_eq!(c0.to_vec::<i64>().unwrap(), vec![0, 0, 0, 1, 2, 3, 5, 7, 9]);
    let f = xp::asarray(&[0.5f32, 2.0, 4.0], &[3]).unwrap();
    assert_eq!(xp::cumulative_prod(&f, None, false).unwrap().to_vec::<f32>().unwrap(), vec![0.5, 1.0, 4.0]);
    assert!(xp::cumulative_sum(&x, None, false).is_err());
    let b = xp::asarray(&[true, true, false], &[3]).unwrap();
    assert_eq!(xp::cumulative_sum(&b, None, false).unwrap().to_vec::<i64>().unwrap(), vec![1, 2, 2]);
}

/// Values where min and max are delicate: NaNs with payloads (quiet and
/// signalling, both signs), both zeros, infinities.
fn delicate_f64(bits: u64) -> f64 {
    const POOL: [u64; 10] = [
        0x7ff8_0000_0000_0001, // quiet NaN with a payload
        0xfff8_0000_0000_0abc, // negative quiet NaN
        0x7ff0_0000_0000_0077, // signalling NaN
        0x0000_0000_0000_0000, // +0
        0x8000_0000_0000_0000, // -0
        0x7ff0_0000_0000_0000, // +inf
        0xfff0_0000_0000_0000, // -inf
        0x3ff8_0000_0000_0000, // 1.5
        0xc004_0000_0000_0000, // -2.5
        0x0000_0000_0000_0001, // smallest subnormal
    ];
    f64::from_bits(POOL[(bits % POOL.len() as u64) as usize])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// min and max reductions fold NaNs (payload included) and signed zeros
    /// exactly as the interpreter does, in SIMD and scalar loops, across
    /// block boundaries and partial steps.
    #[test]
    fn min_max_match_the_interpreter_bit_for_bit(
        rows in 1usize..4,
        len in prop_oneof![1usize..40, 1000usize..2200],
        picks in prop::collection::vec(any::<u64>(), 1..64),
        density in 1u64..12,
        f32_too in any::<bool>(),
        negative in any::<bool>(),
    ) {
        let n = rows * len;
        // Mostly ordinary values, with the delicate ones at random places.
        let v: Vec<f64> = (0..n).map(|i| {
            let p = picks[i % picks.len()].rotate_left(i as u32 % 64);
            // All-negative ordinary values leave zeros and NaNs as the
            // maxima, and min over their negations does the same.
            let ordinary = ((p >> 20) % 1000) as f64 / 7.0 + 1.0;
            if p % 16 < density { delicate_f64(p / 16) } else if negative { -ordinary } else { ordinary - 70.0 }
        }).collect();
        for (op, sign) in [(xp::max as fn(&xp::Array, Option<&[isize]>, bool) -> xp::Result<xp::Array>, 1.0), (xp::min, -1.0)] {
            let v: Vec<f64> = v.iter().map(|&f| if f.is_nan() { f } else { f * sign }).collect();
            // Two leaves: the same one would give the same (hash-consed,
            // already evaluated) node to both engines.
            let a = op(&xp::asarray(&v, &[rows, len]).unwrap(), Some(&[1]), false).unwrap();
            let b = op(&xp::asarray(&v, &[rows, len]).unwrap(), Some(&[1]), false).unwrap();
            xp::eval(&[&a]).unwrap();
            xp::eval_with(&[&b], xp::Engine::Interpreter).unwrap();
            let bits = |t: &xp::Array| t.to_vec::<f64>().unwrap().iter().map(|f| f.to_bits()).collect::<Vec<_>>();
            prop_assert_eq!(bits(&a), bits(&b));
            if f32_too {
                let v32: Vec<f32> = v.iter().map(|&f| f as f32).collect();
                let a = op(&xp::asarray(&v32, &[rows, len]).unwrap(), Some(&[1]), false).unwrap();
                let b = op(&xp::asarray(&v32, &[rows, len]).unwrap(), Some(&[1]), false).unwrap();
                xp::eval(&[&a]).unwrap();
                xp::eval_with(&[&b], xp::Engine::Interpreter).unwrap();
                let bits = |t: &xp::Array| t.to_vec::<f32>().unwrap().iter().map(|f| f.to_bits()).collect::<Vec<_>>();
                prop_assert_eq!(bits(&a), bits(&b));
            }
        }
    }
}

/// The f32 values a min/max fold must get exactly right, built from bits
/// (an `f64 as f32` conversion would quiet the signalling NaN).
fn delicate_f32(bits: u64) -> f32 {
    const POOL: [u32; 9] = [0x7fc0_0001, 0xffc0_0abc, 0x7f80_0077, 0x0000_0000, 0x8000_0000, 0x7f80_0000, 0xff80_0000, 0x3fc0_0000, 0x0000_0001];
    f32::from_bits(POOL[(bits % POOL.len() as u64) as usize])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    /// min and max along every axis (the column path for axis 0, rows for
    /// axis 1, the chunked flat path for all) of f32 data with NaN
    /// payloads (signalling ones included), signed zeros and infinities at
    /// random places: the interpreter's bits.
    #[test]
    fn min_max_along_any_axis_fold_f32_specials_exactly(
        (r, c) in prop_oneof![(1usize..80, 1usize..40), (1000usize..1100, 8usize..20)],
        picks in prop::collection::vec(any::<u64>(), 1..48),
        specials in 0u64..6,
        zeros in 1u64..40,
    ) {
        // Ordinary values are all negative, so for max the signed zeros
        // are the extremes that decide the result (min folds the negation);
        // specials (NaNs, infinities...) are rare enough that many
        // rows and columns hold none.
        let v: Vec<f32> = (0..r * c).map(|i| {
            let p = picks[i % picks.len()].rotate_left(i as u32 % 64);
            match p % 1024 {
                k if k < specials => delicate_f32(p / 1024),
                k if k < specials + zeros => if p & (1 << 40) == 0 { 0.0 } else { -0.0 },
                _ => -(((p >> 20) % 1000) as f32 / 7.0 + 1.0),
            }
        }).collect();
        let ops: [(fn(&xp::Array, Option<&[isize]>, bool) -> xp::Result<xp::Array>, f32); 2] = [(xp::max, 1.0), (xp::min, -1.0)];
        for (op, sign) in ops {
            let v: Vec<f32> = v.iter().map(|&f| if f.is_nan() { f } else { f * sign }).collect();
            for axes in [Some(&[0isize][..]), Some(&[1][..]), None] {
                let a = op(&xp::asarray(&v, &[r, c]).unwrap(), axes, false).unwrap();
                let b = op(&xp::asarray(&v, &[r, c]).unwrap(), axes, false).unwrap();
                xp::eval(&[&a]).unwrap();
                xp::eval_with(&[&b], xp::Engine::Interpreter).unwrap();
                let bits = |t: &xp::Array| t.to_vec::<f32>().unwrap().iter().map(|f| f.to_bits()).collect::<Vec<_>>();
                prop_assert_eq!(bits(&a), bits(&b), "axes {:?}", axes);
            }
        }
    }
}

/// Rows built so one accumulator lane sees exactly the cases the SIMD fold
/// must get right: -0 then +0 (max prefers +0, min -0), two NaN payloads
/// (the first wins, quieted), a NaN after a zero; at the start of a row,
/// past the first block of 1024, and in the partial step at a row's end.
#[test]
fn min_max_fold_nans_and_zeros_exactly() {
    let nan1 = f64::from_bits(0x7ff0_0000_0000_0011); // signalling
    let nan2 = f64::from_bits(0xfff8_0000_0000_0abc);
    for len in [16usize, 21, 1024 + 16, 2051] {
        for at in [0usize, len.saturating_sub(9).min(len - 9)] {
            let cases: [&[(usize, f64)]; 3] = [&[(0, -0.0), (8, 0.0)], &[(0, nan1), (8, nan2)], &[(0, 0.0), (8, nan2), (16 % len, -0.0)]];
            for case in cases {
                for (sign, is_max) in [(-1.0, true), (1.0, false)] {
                    let mut v = vec![sign * 3.0; len];
                    for &(i, x) in case {
                        if at + i < len {
                            v[at + i] = if x.is_nan() { x } else if is_max { x } else { -x };
                        }
                    }
                    let op = if is_max { xp::max } else { xp::min };
                    let a = op(&xp::asarray(&v, &[1, len]).unwrap(), Some(&[1]), false).unwrap();
                    let b = op(&xp::asarray(&v, &[1, len]).unwrap(), Some(&[1]), false).unwrap();
                    xp::eval(&[&a]).unwrap();
                    xp::eval_with(&[&b], xp::Engine::Interpreter).unwrap();
                    let (a, b) = (a.to_vec::<f64>().unwrap()[0], b.to_vec::<f64>().unwrap()[0]);
                    assert_eq!(a.to_bits(), b.to_bits(), "len {len} at {at} {case:?} max {is_max}: {a} vs {b}");
                    let v32: Vec<f32> = v.iter().map(|&f| f as f32).collect();
                    let a = op(&xp::asarray(&v32, &[1, len]).unwrap(), Some(&[1]), false).unwrap();
                    let b = op(&xp::asarray(&v32, &[1, len]).unwrap(), Some(&[1]), false).unwrap();
                    xp::eval(&[&a]).unwrap();
                    xp::eval_with(&[&b], xp::Engine::Interpreter).unwrap();
                    let (a, b) = (a.to_vec::<f32>().unwrap()[0], b.to_vec::<f32>().unwrap()[0]);
                    assert_eq!(a.to_bits(), b.to_bits(), "f32 len {len} at {at} {case:?} max {is_max}: {a} vs {b}");
                }
            }
        }
    }
}

/// sin computed once per row (its input is not reduced) with its cold
/// region inline in the row code, beside a reduction: the region's values
/// were splatted where its join block did not dominate them (a Cranelift
/// verifier error). Shrunk from the random-chain property above.
#[test]
fn per_row_cold_regions_beside_reductions_compile() {
    for v in [0.5f32, 3e35] {
        let build = || {
            let y = xp::sin(&xp::asarray(&[v], &[1, 1]).unwrap()).unwrap();
            (&y - &xp::mean(&y, Some(&[0]), true).unwrap()).unwrap()
        };
        let (want, got) = (build(), build());
        xp::eval_with(&[&want], xp::Engine::Interpreter).unwrap();
        xp::eval_with(&[&got], xp::Engine::Cranelift).unwrap();
        assert_eq!(got.to_vec::<f32>().unwrap()[0].to_bits(), want.to_vec::<f32>().unwrap()[0].to_bits(), "{v}");
    }
}

/// Column reductions that fold in any order (integer and bool ones, float
/// min/max) take one accumulator per column vector, and a block of 1024
/// rows in which float min/max meet a NaN (or max a -0) runs again in the
/// canonical order. Rows span three blocks; the doubtful values sit in one
/// block of some columns only, so fast and re-run blocks meet in one
/// column and one launch: every result is the interpreter's, bit for bit.
#[test]
fn order_free_column_blocks_match_the_interpreter() {
    let (r, c) = (2500usize, 37usize);
    let base = common::data_in(r * c, 7, -40.0, -1.0);
    let mut v = base.clone();
    // Column 7: +0 after -0 in the first block (the only doubt there);
    // column 3: a NaN in the second block; column 4: two NaN payloads in
    // the third; column 5: -0 is the max of the second block and +0 sits
    // in the first; column 6: only -0 (max -0); column 20 (another group
    // of columns): a NaN in every block.
    let nan_a = f64::from_bits(0x7ff0_0000_0000_0011);
    let nan_b = f64::from_bits(0xfff8_0000_0000_0abc);
    let at = |row: usize, col: usize| row * c + col;
    v[at(1500, 3)] = f64::NAN;
    v[at(2100, 4)] = nan_b;
    v[at(2300, 4)] = nan_a;
    v[at(1100, 5)] = -0.0;
    v[at(10, 5)] = 0.0;
    v[at(1200, 6)] = -0.0;
    v[at(500, 7)] = -0.0;
    v[at(510, 7)] = 0.0;
    for b in 0..3 {
        v[at(b * 1024 + 5, 20)] = nan_a;
    }
    let ints: Vec<i32> = base.iter().map(|&f| (f * 1000.0) as i32).collect();
    for dtype in [xp::DType::Float32, xp::DType::Float64] {
        let build = || -> Vec<xp::Array> {
            // Leaves of the dtype itself: a cast in the kernel would make
            // its lanes those of the f64 input.
            let x = match dtype {
                xp::DType::Float32 => xp::asarray(&v.iter().map(|&f| f as f32).collect::<Vec<_>>(), &[r, c]).unwrap(),
                _ => xp::asarray(&v, &[r, c]).unwrap(),
            };
            let neg = (&x * -1.0).unwrap();
            let i = xp::asarray(&ints, &[r, c]).unwrap();
            vec![
                xp::max(&x, Some(&[0]), false).unwrap(),
                xp::min(&neg, Some(&[0]), false).unwrap(),
                xp::argmax(&x, Some(0), false).unwrap(),
                xp::argmin(&neg, Some(0), false).unwrap(),
                xp::max(&i, Some(&[0]), false).unwrap(),
                xp::min(&i, Some(&[0]), false).unwrap(),
                xp::sum(&i, Some(&[0]), false).unwrap(),
                xp::prod(&xp::remainder(&i, &xp::scalar_like(&i, 3.0).unwrap()).unwrap(), Some(&[0]), false).unwrap(),
                xp::all(&xp::less(&x, &xp::scalar_like(&x, -1.5).unwrap()).unwrap(), Some(&[0]), false).unwrap(),
                xp::any(&xp::greater(&x, &xp::scalar_like(&x, -1.01).unwrap()).unwrap(), Some(&[0]), false).unwrap(),
            ]
        };
        // One at a time (a kernel of its own, on the column path) and all
        // in one eval (argmax's two levels share a kernel with the rest).
        let (want, got, together) = (build(), build(), build());
        xp::eval_with(&together.iter().collect::<Vec<_>>(), xp::Engine::Cranelift).unwrap();
        for (k, (w, g)) in want.iter().zip(&got).enumerate() {
            xp::eval_with(&[w], xp::Engine::Interpreter).unwrap();
            xp::eval_with(&[g], xp::Engine::Cranelift).unwrap();
            assert_eq!(common::bits(w), common::bits(g), "case {k}, {dtype:?}");
            assert_eq!(common::bits(w), common::bits(&together[k]), "case {k}, {dtype:?}, one eval");
        }
        // The doubtful columns hold what they should (the interpreter's
        // bits could be wrong the same way).
        let m = want[0].to_vec::<f64>().unwrap_or_else(|_| want[0].to_vec::<f32>().unwrap().iter().map(|&f| f as f64).collect());
        assert!(m[3].is_nan() && m[4].is_nan() && m[20].is_nan(), "{dtype:?}: {:?}", &m[..8]);
        assert_eq!(m[5].to_bits(), 0.0f64.to_bits(), "{dtype:?}: max of -0 and +0");
        assert_eq!(m[6].to_bits(), (-0.0f64).to_bits(), "{dtype:?}: max of only -0");
        assert_eq!(m[7].to_bits(), 0.0f64.to_bits(), "{dtype:?}");
    }
}

/// A reduction kernel whose only sized values are per-row ones of 8 bytes
/// (a bool array of one element reduced, and the same array cast to int64
/// beside it, fused into one kernel): its bool masks take the width of the
/// vector lanes, not of the per-row cast (4 lanes with i64x4 masks failed
/// to compile). Found by a differential fuzzer against NumPy.
#[test]
fn reductions_beside_wider_per_row_casts_compile() {
    for (data, shape) in [(vec![true], vec![1usize]), (vec![false], vec![1]), (vec![true, false, false, true, true, false], vec![6])] {
        let x = xp::asarray(&data, &shape).unwrap();
        x.eval().unwrap();
        let any = xp::any(&x, Some(&[0]), true).unwrap();
        let all = xp::all(&x, Some(&[0]), true).unwrap();
        let cast = xp::astype(&xp::flip(&x, Some(&[0])).unwrap(), xp::DType::Int64).unwrap();
        let wide = xp::astype(&x, xp::DType::Float64).unwrap();
        xp::eval(&[&any, &all, &cast, &wide]).unwrap();
        assert_eq!(any.to_vec::<bool>().unwrap(), vec![data.iter().any(|&b| b)]);
        assert_eq!(all.to_vec::<bool>().unwrap(), vec![data.iter().all(|&b| b)]);
        assert_eq!(cast.to_vec::<i64>().unwrap(), data.iter().rev().map(|&b| b as i64).collect::<Vec<_>>());
        assert_eq!(wide.to_vec::<f64>().unwrap(), data.iter().map(|&b| b as u8 as f64).collect::<Vec<_>>());
    }
}

/// A reduction whose operand is the same all along the reduced axes —
/// another reduction's result seen over a length-1 axis — reads it from
/// memory (the plan says why) instead of failing to compile with an
/// operand that is no loop value. Found by a differential fuzzer.
#[test]
fn reductions_of_reductions_over_length_one_axes() {
    let x = xp::asarray(&[3i64], &[1]).unwrap();
    let s = xp::sum(&xp::expand_dims(&xp::sum(&x, None, false).unwrap(), 0).unwrap(), None, false).unwrap();
    assert_eq!(s.to_vec::<i64>().unwrap(), vec![3]);
    assert!(s.explain().unwrap().contains("the same all along the reduced axes"), "{}", s.explain().unwrap());
    let f = xp::asarray(&[1.5f64], &[1]).unwrap();
    assert_eq!(xp::argmax(&xp::max(&f, None, true).unwrap(), None, false).unwrap().to_vec::<i64>().unwrap(), vec![0]);
    let v = xp::asarray(&[3i32, 1, 2], &[3, 1]).unwrap();
    let am = xp::argmin(&xp::argmax(&v, Some(-1), true).unwrap(), Some(1), true).unwrap();
    assert_eq!((am.to_vec::<i64>().unwrap(), am.shape().to_vec()), (vec![0, 0, 0], vec![3, 1]));
    let p = xp::prod(&xp::argmin(&xp::asarray(&[1.0f64, 2.0], &[2, 1]).unwrap(), Some(1), true).unwrap(), Some(&[1]), false).unwrap();
    assert_eq!(p.to_vec::<i64>().unwrap(), vec![0, 0]);
}
