//! The linalg extension against f64 references: decompositions by the
//! identities that define them (L L^T = A, Q R = A, U S Vh = A, A v = w v,
//! A A^-1 = I), determinants by the Leibniz formula, norms, diagonals and
//! products by direct loops; batches, rectangular and empty matrices, and
//! the errors.

use lazyxp as xp;

mod common;
use xp::linalg;

/// Values in [-1, 1] whose matrices have full rank (a sine of a linear
/// phase would give rank 2: sin(a + kb) satisfies a linear recurrence).
fn vals(n: usize, seed: f64) -> Vec<f64> {
    (0..n).map(|i| (((i * i + 3 * i + 1) as f64) * seed).sin()).collect()
}

fn arr(v: &[f64], shape: &[usize]) -> xp::Array {
    xp::asarray(v, shape).unwrap()
}

fn get(a: &xp::Array) -> Vec<f64> {
    xp::astype(a, xp::DType::Float64).unwrap().to_vec::<f64>().unwrap()
}

use common::matmul_ref as mm;

fn t(a: &[f64], n: usize, m: usize) -> Vec<f64> {
    (0..m * n).map(|i| a[(i % n) * m + i / n]).collect()
}

fn eye(n: usize) -> Vec<f64> {
    (0..n * n).map(|i| if i / n == i % n { 1.0 } else { 0.0 }).collect()
}

fn assert_close(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol * (1.0 + w.abs()), "{what}[{i}]: {g} vs {w}");
    }
}

/// A symmetric positive-definite matrix: B B^T + n I.
fn spd(n: usize, seed: f64) -> Vec<f64> {
    let b = vals(n * n, seed);
    let mut a = mm(&b, &t(&b, n, n), n, n, n);
    (0..n).for_each(|i| a[i * n + i] += n as f64);
    a
}

#[test]
fn cholesky_factors_are_triangular_and_reconstruct() {
    for n in [1, 3, 8] {
        let a = spd(n, 0.7);
        let l = get(&linalg::cholesky(&arr(&a, &[n, n]), false).unwrap());
        assert!((0..n * n).all(|i| i % n <= i / n || l[i] == 0.0), "upper part of L is zero");
        assert_close(&mm(&l, &t(&l, n, n), n, n, n), &a, 1e-12, "L L^T");
        let u = get(&linalg::cholesky(&arr(&a, &[n, n]), true).unwrap());
        assert_close(&u, &t(&l, n, n), 1e-14, "U = L^T");
    }
    // A batch with one matrix that is not positive definite: the error
    // names it, at evaluation.
    let mut both = spd(3, 0.3);
    both.extend([1.0, 2.0, 0.0, 2.0, 1.0, 0.0, 0.0, 0.0, 1.0]);
    let err = linalg::cholesky(&arr(&both, &[2, 3, 3]), false).unwrap().eval().unwrap_err();
    assert!(matches!(&err, xp::Error::Value(m) if m.contains("positive definite") && m.contains("matrix 1")), "{err}");
}

#[test]
fn qr_reconstructs_with_orthonormal_q_in_both_modes() {
    for (m, n) in [(4, 4), (6, 3), (3, 6)] {
        let a = vals(m * n, 0.43);
        let k = m.min(n);
        for complete in [false, true] {
            let r = linalg::qr(&arr(&a, &[m, n]), complete).unwrap();
            let qc = if complete { m } else { k };
            assert_eq!((r.q.shape(), r.r.shape()), (&[m, qc][..], &[qc, n][..]));
            let (q, rr) = (get(&r.q), get(&r.r));
            assert!((0..qc * n).all(|i| i % n >= i / n || rr[i] == 0.0), "R is upper triangular");
            assert_close(&mm(&q, &rr, m, qc, n), &a, 1e-12, "Q R");
            assert_close(&mm(&t(&q, m, qc), &q, qc, m, qc), &eye(qc), 1e-12, "Q^T Q");
        }
    }
}

#[test]
fn svd_reconstructs_and_agrees_with_svdvals() {
    for (m, n) in [(5, 5), (7, 3), (3, 7)] {
        let a = vals(2 * m * n, 0.61);
        let k = m.min(n);
        let x = arr(&a, &[2, m, n]);
        let s_only = get(&linalg::svdvals(&x).unwrap());
        for full in [false, true] {
            let d = linalg::svd(&x, full).unwrap();
            let (um, vn) = if full { (m, n) } else { (k, k) };
            assert_eq!((d.u.shape(), d.s.shape(), d.vh.shape()), (&[2, m, um][..], &[2, k][..], &[2, vn, n][..]));
            let (u, s, vh) = (get(&d.u), get(&d.s), get(&d.vh));
            assert_close(&s, &s_only, 1e-13, "svd's S and svdvals");
            for b in 0..2 {
                let sb = &s[b * k..(b + 1) * k];
                assert!(sb.windows(2).all(|w| w[0] >= w[1]) && sb.iter().all(|&v| v >= 0.0), "descending, non-negative: {sb:?}");
                // U[:, :k] diag(S) Vh[:k, :]
                let us: Vec<f64> = (0..m * k).map(|i| u[b * m * um + (i / k) * um + i % k] * sb[i % k]).collect();
                let vk: Vec<f64> = vh[b * vn * n..b * vn * n + k * n].to_vec();
                assert_close(&mm(&us, &vk, m, k, n), &a[b * m * n..(b + 1) * m * n], 1e-12, "U S Vh");
            }
        }
    }
}

#[test]
fn eigh_gives_ascending_eigenpairs() {
    let n = 6;
    let b = vals(n * n, 0.29);
    let a: Vec<f64> = (0..n * n).map(|i| b[i] + b[(i % n) * n + i / n]).collect();
    let e = linalg::eigh(&arr(&a, &[n, n])).unwrap();
    let (w, v) = (get(&e.eigenvalues), get(&e.eigenvectors));
    assert!(w.windows(2).all(|p| p[0] <= p[1]));
    let av = mm(&a, &v, n, n, n);
    let vw: Vec<f64> = (0..n * n).map(|i| v[i] * w[i % n]).collect();
    assert_close(&av, &vw, 1e-12, "A V = V diag(w)");
    assert_close(&get(&linalg::eigvalsh(&arr(&a, &[n, n])).unwrap()), &w, 1e-12, "eigvalsh");
}

#[test]
fn inverse_solve_and_determinants() {
    let n = 5;
    let a = vals(n * n, 1.3);
    let inv = get(&linalg::inv(&arr(&a, &[n, n])).unwrap());
    assert_close(&mm(&a, &inv, n, n, n), &eye(n), 1e-12, "A A^-1");
    // Vector and matrix right-hand sides; x1's batch broadcasts with x2's.
    let rhs = vals(n, 0.5);
    let y = get(&linalg::solve(&arr(&a, &[n, n]), &arr(&rhs, &[n])).unwrap());
    assert_close(&mm(&a, &y, n, n, 1), &rhs, 1e-12, "A y = b");
    let b2 = vals(3 * n * 2, 0.8);
    let y = linalg::solve(&arr(&a, &[1, n, n]), &arr(&b2, &[3, n, 2])).unwrap();
    assert_eq!(y.shape(), &[3, n, 2]);
    let y = get(&y);
    for b in 0..3 {
        assert_close(&mm(&a, &y[b * n * 2..(b + 1) * n * 2], n, n, 2), &b2[b * n * 2..(b + 1) * n * 2], 1e-12, "batched solve");
    }
    // 3x3 by the Leibniz formula, with a row swap in the pivoting.
    let m = [0.0, 2.0, 1.0, 3.0, -1.0, 4.0, 5.0, 6.0, -2.0];
    let leibniz = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
    assert_close(&get(&linalg::det(&arr(&m, &[3, 3])).unwrap()), &[leibniz], 1e-14, "det");
    let sl = linalg::slogdet(&arr(&m, &[3, 3])).unwrap();
    assert_eq!(get(&sl.sign), vec![leibniz.signum()]);
    assert_close(&get(&sl.logabsdet), &[leibniz.abs().ln()], 1e-14, "log|det|");
    // Singular matrices: det 0, slogdet (0, -inf), inv an error.
    let sing = [1.0, 2.0, 2.0, 4.0];
    assert_eq!(get(&linalg::det(&arr(&sing, &[2, 2])).unwrap()), vec![0.0]);
    let sl = linalg::slogdet(&arr(&sing, &[2, 2])).unwrap();
    assert_eq!((get(&sl.sign), get(&sl.logabsdet)), (vec![0.0], vec![f64::NEG_INFINITY]));
    let err = linalg::inv(&arr(&sing, &[2, 2])).unwrap().eval().unwrap_err();
    assert!(matches!(&err, xp::Error::Value(m) if m.contains("singular")), "{err}");
    // The empty matrix's determinant is 1.
    assert_eq!(get(&linalg::det(&arr(&[], &[0, 0])).unwrap()), vec![1.0]);
}

#[test]
fn pinv_rank_and_powers() {
    // Rank 2 as a 4x2 times 2x5 product.
    let (p, q) = (vals(8, 0.9), vals(10, 0.35));
    let a = mm(&p, &q, 4, 2, 5);
    let x = arr(&a, &[4, 5]);
    assert_eq!(linalg::matrix_rank(&x, None).unwrap().to_vec::<i64>().unwrap(), vec![2]);
    assert_eq!(linalg::matrix_rank(&arr(&eye(4), &[4, 4]), None).unwrap().to_vec::<i64>().unwrap(), vec![4]);
    let pi = get(&linalg::pinv(&x, None).unwrap());
    assert_close(&mm(&mm(&a, &pi, 4, 5, 4), &a, 4, 4, 5), &a, 1e-12, "A A+ A");
    assert_close(&mm(&mm(&pi, &a, 5, 4, 5), &pi, 5, 5, 4), &pi, 1e-10, "A+ A A+");
    let m = vals(9, 0.77);
    let x = arr(&m, &[3, 3]);
    let cube = mm(&mm(&m, &m, 3, 3, 3), &m, 3, 3, 3);
    assert_close(&get(&linalg::matrix_power(&x, 3).unwrap()), &cube, 1e-13, "x^3");
    assert_eq!(get(&linalg::matrix_power(&x, 0).unwrap()), eye(3));
    let inv = get(&linalg::inv(&x).unwrap());
    assert_close(&get(&linalg::matrix_power(&x, -2).unwrap()), &mm(&inv, &inv, 3, 3, 3), 1e-12, "x^-2");
}

#[test]
fn norms_match_direct_loops() {
    let v = vals(24, 0.47);
    let x = arr(&v, &[2, 3, 4]);
    let norm = |ord: f64, vs: &[f64]| -> f64 {
        match ord {
            f64::INFINITY => vs.iter().fold(0.0f64, |a, b| a.max(b.abs())),
            f64::NEG_INFINITY => vs.iter().fold(f64::INFINITY, |a, b| a.min(b.abs())),
            0.0 => vs.iter().filter(|&&b| b != 0.0).count() as f64,
            p => vs.iter().map(|b| b.abs().powf(p)).sum::<f64>().powf(1.0 / p),
        }
    };
    for ord in [1.0, 2.0, 3.0, 0.5, 0.0, f64::INFINITY, f64::NEG_INFINITY] {
        assert_close(&get(&linalg::vector_norm(&x, None, false, ord).unwrap()), &[norm(ord, &v)], 1e-13, &format!("ord {ord}"));
        // Along the last axis, keeping it.
        let got = linalg::vector_norm(&x, Some(&[-1]), true, ord).unwrap();
        assert_eq!(got.shape(), &[2, 3, 1]);
        let want: Vec<f64> = v.chunks(4).map(|c| norm(ord, c)).collect();
        assert_close(&get(&got), &want, 1e-13, &format!("ord {ord}, axis -1"));
    }
    use linalg::MatrixOrder as O;
    let vr = &v;
    let col_sums: Vec<f64> = (0..2).flat_map(|b| (0..4).map(move |j| (0..3).map(|i| vr[b * 12 + i * 4 + j].abs()).sum::<f64>())).collect();
    let row_sums: Vec<f64> = v.chunks(4).map(|c| c.iter().map(|b| b.abs()).sum()).collect();
    let ext = |s: &[f64], per: usize, largest: bool| -> Vec<f64> { s.chunks(per).map(|c| c.iter().copied().fold(if largest { 0.0 } else { f64::INFINITY }, if largest { f64::max } else { f64::min })).collect() };
    let fro: Vec<f64> = v.chunks(12).map(|c| c.iter().map(|b| b * b).sum::<f64>().sqrt()).collect();
    let s = get(&linalg::svdvals(&x).unwrap());
    for (ord, want) in [
        (O::Fro, fro),
        (O::One, ext(&col_sums, 4, true)),
        (O::MinusOne, ext(&col_sums, 4, false)),
        (O::Inf, ext(&row_sums, 3, true)),
        (O::MinusInf, ext(&row_sums, 3, false)),
        (O::Two, vec![s[0], s[3]]),
        (O::MinusTwo, vec![s[2], s[5]]),
        (O::Nuc, vec![s[..3].iter().sum(), s[3..].iter().sum()]),
    ] {
        assert_close(&get(&linalg::matrix_norm(&x, false, ord).unwrap()), &want, 1e-13, &format!("{ord:?}"));
        assert_eq!(linalg::matrix_norm(&x, true, ord).unwrap().shape(), &[2, 1, 1]);
    }
}

#[test]
fn diagonals_traces_and_products() {
    let v = vals(2 * 3 * 4, 0.83);
    let x = arr(&v, &[2, 3, 4]);
    for offset in [-3isize, -2, -1, 0, 1, 3, 4, 9] {
        let want: Vec<f64> = (0..2)
            .flat_map(|b| {
                let v = &v;
                (0..3).filter_map(move |i| {
                    let j = i as isize + offset;
                    (0..4).contains(&j).then(|| v[b * 12 + i * 4 + j as usize])
                })
            })
            .collect();
        let d = linalg::diagonal(&x, offset).unwrap();
        assert_eq!(d.shape(), &[2, want.len() / 2], "offset {offset}");
        assert_eq!(get(&d), want, "offset {offset}");
        let tr: Vec<f64> = want.chunks(want.len().max(2) / 2).map(|c| c.iter().sum()).collect();
        let tr = if want.is_empty() { vec![0.0, 0.0] } else { tr };
        assert_close(&get(&linalg::trace(&x, offset).unwrap()), &tr, 1e-15, "trace");
    }
    // The diagonal of a transposed view reads the view, not the buffer.
    let tv = xp::matrix_transpose(&x).unwrap();
    let want: Vec<f64> = (0..2).flat_map(|b| (0..3).map(move |i| (b, i))).map(|(b, i)| v[b * 12 + i * 4 + i]).collect();
    assert_eq!(get(&linalg::diagonal(&tv, 0).unwrap()), want);
    let (a, b) = (vals(6, 0.3), vals(6, 0.7));
    let c = get(&linalg::cross(&arr(&a, &[2, 3]), &arr(&b, &[2, 3]), -1).unwrap());
    for r in 0..2 {
        let (a, b) = (&a[r * 3..], &b[r * 3..]);
        let want = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
        assert_close(&c[r * 3..r * 3 + 3], &want, 1e-15, "cross");
    }
    // Along the first axis: the vectors are columns.
    let c0 = get(&linalg::cross(&arr(&t(&a, 2, 3), &[3, 2]), &arr(&t(&b, 2, 3), &[3, 2]), -2).unwrap());
    assert_close(&c0, &t(&c, 2, 3), 1e-15, "cross along axis -2");
    let o = linalg::outer(&arr(&a[..2], &[2]), &arr(&b[..3], &[3])).unwrap();
    assert_eq!(get(&o), mm(&a[..2], &b[..3], 2, 1, 3));
}

#[test]
fn float32_and_complex_inputs_keep_their_dtypes() {
    let a: Vec<f32> = spd(4, 0.4).iter().map(|&v| v as f32).collect();
    let x = xp::asarray(&a, &[4, 4]).unwrap();
    let l = linalg::cholesky(&x, false).unwrap();
    assert_eq!(l.dtype(), xp::DType::Float32);
    let l = get(&l);
    let a64: Vec<f64> = a.iter().map(|&v| v as f64).collect();
    assert_close(&mm(&l, &t(&l, 4, 4), 4, 4, 4), &a64, 1e-6, "f32 L L^T");
    assert_eq!(linalg::svdvals(&x).unwrap().dtype(), xp::DType::Float32);
    // Complex: the Hermitian [[2, i], [-i, 2]] has eigenvalues 1 and 3.
    let re = xp::asarray(&[2.0f64, 0.0, 0.0, 2.0], &[2, 2]).unwrap();
    let im = xp::asarray(&[0.0f64, 1.0, -1.0, 0.0], &[2, 2]).unwrap();
    let h = xp::add(&xp::astype(&re, xp::DType::Complex128).unwrap(), &xp::multiply(&xp::astype(&im, xp::DType::Complex128).unwrap(), &xp::scalar(xp::Scalar::C128(0.0, 1.0)).unwrap()).unwrap()).unwrap();
    let e = linalg::eigh(&h).unwrap();
    assert_eq!((e.eigenvalues.dtype(), e.eigenvectors.dtype()), (xp::DType::Float64, xp::DType::Complex128));
    assert_close(&get(&e.eigenvalues), &[1.0, 3.0], 1e-14, "Hermitian eigenvalues");
    assert_close(&get(&linalg::svdvals(&h).unwrap()), &[3.0, 1.0], 1e-14, "Hermitian singular values");
    let sl = linalg::slogdet(&h).unwrap();
    assert_eq!(sl.logabsdet.dtype(), xp::DType::Float64);
    assert_close(&get(&sl.logabsdet), &[3f64.ln()], 1e-14, "log|det|");
}

#[test]
fn bad_input_is_a_clear_error() {
    let ints = xp::asarray(&[1i64, 2, 3, 4], &[2, 2]).unwrap();
    assert!(matches!(linalg::inv(&ints), Err(xp::Error::DType(_))));
    let rect = arr(&vals(6, 0.1), &[2, 3]);
    assert!(matches!(linalg::det(&rect), Err(xp::Error::Shape(m)) if m.contains("square")));
    assert!(matches!(linalg::cholesky(&arr(&[1.0, 2.0], &[2]), false), Err(xp::Error::Shape(_))));
    assert!(matches!(linalg::solve(&arr(&eye(3), &[3, 3]), &arr(&[1.0, 2.0], &[2])), Err(xp::Error::Shape(_))));
    assert!(matches!(linalg::cross(&rect, &rect, -2), Err(xp::Error::Shape(_))));
    assert!(matches!(linalg::outer(&rect, &rect), Err(xp::Error::Shape(_))));
    assert!(matches!(linalg::matrix_power(&rect, 2), Err(xp::Error::Shape(_))));
}

#[test]
fn decompositions_do_not_depend_on_the_thread_count() {
    // A batch of 48x48 matrices runs one per task with several threads and
    // one after the other with one; both must give the same bits.
    let n = 48;
    let v = vals(3 * n * n, 0.123);
    let x = arr(&v, &[3, n, n]);
    let run = || (get(&linalg::svdvals(&x).unwrap()), get(&linalg::eigvalsh(&xp::add(&x, &xp::matrix_transpose(&x).unwrap()).unwrap()).unwrap()));
    let many = run();
    lazyxp_runtime::parallel::set_max_threads(1);
    let one = run();
    lazyxp_runtime::parallel::set_max_threads(usize::MAX);
    assert!(many.0.iter().zip(&one.0).all(|(a, b)| a.to_bits() == b.to_bits()), "svdvals");
    assert!(many.1.iter().zip(&one.1).all(|(a, b)| a.to_bits() == b.to_bits()), "eigvalsh");
}
