//! Reductions broadcast back over their rows (softmax, centering, layer
//! norm, variance) run as passes of one row kernel: checked against f64
//! references, against the reference interpreter bit for bit, across
//! thread counts, and for the number of kernels the plan uses.

use lazyxp as xp;
use proptest::prelude::*;

mod common;

fn data(n: usize, seed: u64) -> Vec<f64> {
    common::data_in(n, seed, -4.0, 4.0)
}

fn kernels(a: &xp::Array) -> usize {
    a.explain().unwrap().lines().filter(|l| l.starts_with("kernel ") && l.contains(" key ")).count()
}

/// The rows of `v` (row-major, `shape`) when the last `k` dims are reduced.
fn rows(v: &[f64], shape: &[usize], k: usize) -> Vec<Vec<f64>> {
    let len: usize = shape[shape.len() - k..].iter().product();
    if len == 0 {
        return Vec::new();
    }
    v.chunks(len).map(|c| c.to_vec()).collect()
}

fn softmax(x: &xp::Array, axes: &[isize]) -> xp::Array {
    let m = xp::max(x, Some(axes), true).unwrap();
    let e = xp::exp(&(x - &m).unwrap()).unwrap();
    (&e / &xp::sum(&e, Some(axes), true).unwrap()).unwrap()
}

fn layer_norm(x: &xp::Array, axes: &[isize]) -> xp::Array {
    let m = xp::mean(x, Some(axes), true).unwrap();
    let s = xp::std(x, Some(axes), 0.0, true).unwrap();
    (&(x - &m).unwrap() / &(&s + 1e-5).unwrap()).unwrap()
}

fn bits<T: xp::Element + Copy>(a: &xp::Array, f: impl Fn(T) -> u64) -> Vec<u64> {
    a.to_vec::<T>().unwrap().into_iter().map(f).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn row_patterns_match_references_and_the_interpreter(
        lead in prop::collection::vec(1usize..5, 0..3),
        (small, last) in (prop::collection::vec(0usize..12, 0..2), prop_oneof![0usize..12, 1000usize..2100]),
        seed in any::<u64>(),
    ) {
        let tail: Vec<usize> = small.iter().chain([&last]).copied().collect();
        let shape: Vec<usize> = lead.iter().chain(&tail).copied().collect();
        let k = tail.len();
        let axes: Vec<isize> = (0..k as isize).map(|a| -1 - a).collect();
        let n: usize = shape.iter().product();
        let v = data(n, seed);
        let x64 = xp::asarray(&v, &shape).unwrap();
        let v32: Vec<f32> = v.iter().map(|&a| a as f32).collect();
        let x32 = xp::asarray(&v32, &shape).unwrap();
        // A second leaf for the interpreter: the same leaf would give both
        // engines the same (hash-consed, already evaluated) nodes.
        let x32b = xp::asarray(&v32, &shape).unwrap();
        let len: usize = tail.iter().product();
        let one_kernel = if len <= lazyxp_compiler::schedule::ROW_FUSION_MAX { 1 } else { 2 };

        // softmax in f64 against the f64 formula, in f32 against the
        // interpreter bit for bit (max of an empty row is an error).
        if len > 0 {
        let y = softmax(&x64, &axes);
        let got = y.to_vec::<f64>().unwrap();
        prop_assert!(kernels(&y) <= one_kernel);
        // (Rows of one element broadcast nothing: a plain kernel then.)
        if one_kernel == 1 && len > 1 {
            let report = y.explain().unwrap();
            prop_assert!(report.contains("(row kernel: 2 reduction passes over each row, then a walk that stores it)"), "{}", report);
        }
        for (r, row) in rows(&v, &shape, k).iter().enumerate() {
            let mx = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let den: f64 = row.iter().map(|&a| (a - mx).exp()).sum();
            for (j, &a) in row.iter().enumerate() {
                let want = (a - mx).exp() / den;
                let g = got[r * len + j];
                // Ours and libm's exp are each within 1 ulp, and the
                // denominators sum up to ~25,000 terms in different orders.
                prop_assert!((g - want).abs() <= 1e-13 * want, "{} vs {}", g, want);
            }
        }
        let a = softmax(&x32, &axes);
        let b = softmax(&x32b, &axes);
        xp::eval(&[&a]).unwrap();
        xp::eval_with(&[&b], xp::Engine::Interpreter).unwrap();
        prop_assert_eq!(bits::<f32>(&a, |v| v.to_bits() as u64), bits::<f32>(&b, |v| v.to_bits() as u64));
        }

        // Layer norm: mean and std feed the elementwise output in one kernel.
        let ln = layer_norm(&x64, &axes);
        let got = ln.to_vec::<f64>().unwrap();
        if n > 0 {
            prop_assert!(kernels(&ln) <= one_kernel);
        }
        for (r, row) in rows(&v, &shape, k).iter().enumerate() {
            let m = row.iter().sum::<f64>() / len as f64;
            let sd = (row.iter().map(|a| (a - m) * (a - m)).sum::<f64>() / len as f64).sqrt();
            for (j, &a) in row.iter().enumerate() {
                let want = (a - m) / (sd + 1e-5);
                prop_assert!((got[r * len + j] - want).abs() <= 1e-12 * want.abs().max(1.0));
            }
        }
        let a = layer_norm(&x32, &axes);
        let b = layer_norm(&x32b, &axes);
        xp::eval(&[&a]).unwrap();
        xp::eval_with(&[&b], xp::Engine::Interpreter).unwrap();
        prop_assert_eq!(bits::<f32>(&a, |v| v.to_bits() as u64), bits::<f32>(&b, |v| v.to_bits() as u64));

        // var: two passes of a kernel that stores once per row.
        let var = xp::var(&x64, Some(&axes), 0.0, false).unwrap();
        let got = var.to_vec::<f64>().unwrap();
        if len > 0 {
            prop_assert!(kernels(&var) <= one_kernel);
            for (r, row) in rows(&v, &shape, k).iter().enumerate() {
                let m = row.iter().sum::<f64>() / len as f64;
                let want = row.iter().map(|a| (a - m) * (a - m)).sum::<f64>() / len as f64;
                prop_assert!((got[r] - want).abs() <= 1e-13 * want.max(1.0));
            }
        }
    }
}

#[test]
fn rows_read_through_views_and_requested_intermediates() {
    let (r, c) = (37, 29);
    let v = data(r * c, 3);
    let x = xp::asarray(&v, &[c, r]).unwrap();
    // Rows of the transpose are columns of x: strided inner reads.
    let xt = xp::matrix_transpose(&x).unwrap();
    let y = softmax(&xt, &[-1]);
    let got = y.to_vec::<f64>().unwrap();
    for i in 0..r {
        let row: Vec<f64> = (0..c).map(|j| v[j * r + i]).collect();
        let mx = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let den: f64 = row.iter().map(|&a| (a - mx).exp()).sum();
        for j in 0..c {
            let want = (row[j] - mx).exp() / den;
            assert!((got[i * c + j] - want).abs() <= 1e-13 * want, "{i},{j}");
        }
    }
    // Asking for the max too: it is its own output, read by the row kernel.
    let x = xp::asarray(&v, &[r, c]).unwrap();
    let m = xp::max(&x, Some(&[1]), true).unwrap();
    let centered = (&x - &m).unwrap();
    xp::eval(&[&m, &centered]).unwrap();
    let (mv, cv) = (m.to_vec::<f64>().unwrap(), centered.to_vec::<f64>().unwrap());
    for i in 0..r {
        let mx = v[i * c..(i + 1) * c].iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(mv[i], mx);
        for j in 0..c {
            assert_eq!(cv[i * c + j], v[i * c + j] - mx);
        }
    }
}

#[test]
fn row_kernels_do_not_depend_on_the_thread_count() {
    let (r, c) = (512, 300);
    let v: Vec<f32> = data(r * c, 11).iter().map(|&a| a as f32).collect();
    let x = xp::asarray(&v, &[r, c]).unwrap();
    lazyxp_runtime::parallel::set_max_threads(1);
    let one = softmax(&x, &[1]).to_vec::<f32>().unwrap();
    lazyxp_runtime::parallel::set_max_threads(usize::MAX);
    let many = softmax(&(&x * 1.0).unwrap(), &[1]).to_vec::<f32>().unwrap();
    assert_eq!(one.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), many.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
}

#[test]
fn leading_axes_and_long_rows_are_not_row_fused() {
    // Reducing a leading axis: the outputs would not be stored row after
    // row, so the reduction is its own kernel (and the result still right).
    let v = data(6 * 5, 5);
    let x = xp::asarray(&v, &[6, 5]).unwrap();
    let m = xp::max(&x, Some(&[0]), true).unwrap();
    let y = (&x - &m).unwrap();
    let got = y.to_vec::<f64>().unwrap();
    assert_eq!(kernels(&y), 2);
    for j in 0..5 {
        let mx = (0..6).map(|i| v[i * 5 + j]).fold(f64::NEG_INFINITY, f64::max);
        for i in 0..6 {
            assert_eq!(got[i * 5 + j], v[i * 5 + j] - mx);
        }
    }
    // Rows longer than ROW_FUSION_MAX would leave the cache between walks.
    let n = lazyxp_compiler::schedule::ROW_FUSION_MAX + 1;
    let x = xp::asarray(&vec![1.0f32; 2 * n], &[2, n]).unwrap();
    let y = (&x - &xp::max(&x, Some(&[1]), true).unwrap()).unwrap();
    assert_eq!(y.to_vec::<f32>().unwrap(), vec![0.0; 2 * n]);
    assert_eq!(kernels(&y), 2);
}

/// Math of a reduction's result broadcast back over its row: sin's
/// huge-argument region then opens once per row, after the reduction, and
/// the row kernel used to panic compiling it (the region's constants were
/// placed a pass before its condition existed). Row sums span small and
/// huge arguments; both engines must agree bit for bit with each other
/// and with f64's sin to f32 accuracy.
#[test]
fn math_of_a_row_reduction_inside_a_row_kernel() {
    let (r, c) = (40, 33);
    let v: Vec<f32> = (0..r * c).map(|i| ((i * 7919 % 1009) as f32 - 504.0) * if i / c % 2 == 0 { 1e-3 } else { 1e4 }).collect();
    let make = || {
        let x = xp::asarray(&v, &[r, c]).unwrap();
        let s = xp::sin(&xp::sum(&x, Some(&[1]), true).unwrap()).unwrap();
        (&x * &s).unwrap()
    };
    let (jit, interp) = (make(), make());
    xp::eval_with(&[&interp], xp::Engine::Interpreter).unwrap();
    let got = jit.to_vec::<f32>().unwrap();
    assert_eq!(kernels(&jit), 1, "one row kernel:\n{}", jit.explain().unwrap());
    let bits = |a: &[f32]| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&got), bits(&interp.to_vec::<f32>().unwrap()));
    // The row sums as a plain sum gives them (the one accumulation order,
    // fused or not), then sin in f64.
    let sums = xp::sum(&xp::asarray(&v, &[r, c]).unwrap(), Some(&[1]), false).unwrap().to_vec::<f32>().unwrap();
    for i in 0..r {
        let sin = (sums[i] as f64).sin();
        for j in 0..c {
            let want = v[i * c + j] as f64 * sin;
            let g = got[i * c + j] as f64;
            assert!((g - want).abs() <= 4.0 * f32::EPSILON as f64 * want.abs().max(1e-30), "{i},{j}: {g} vs {want}");
        }
    }
}
