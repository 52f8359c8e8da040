//! matmul, tensordot and vecdot against naive f64 references, including
//! 1-D operands, batch broadcasting, integers and the fused work around.

use lazyxp as xp;

mod common;

fn vals(n: usize, seed: f64) -> Vec<f64> {
    (0..n).map(|i| ((i as f64 + 1.0) * seed).sin()).collect()
}

use common::matmul_ref as naive;

#[test]
fn float_matmul_matches_naive_products() {
    for &(n, k, m) in &[(1, 1, 1), (3, 5, 4), (64, 33, 17), (130, 70, 90), (4, 0, 3)] {
        let (av, bv) = (vals(n * k, 0.37), vals(k * m, 0.91));
        let want = naive(&av, &bv, n, k, m);
        let got = xp::matmul(&xp::asarray(&av, &[n, k]).unwrap(), &xp::asarray(&bv, &[k, m]).unwrap()).unwrap();
        assert_eq!(got.shape(), &[n, m]);
        for (g, w) in got.to_vec::<f64>().unwrap().iter().zip(&want) {
            assert!((g - w).abs() <= 1e-12 * (k as f64).max(1.0), "{n}x{k}x{m}: {g} vs {w}");
        }
        let a32: Vec<f32> = av.iter().map(|&x| x as f32).collect();
        let b32: Vec<f32> = bv.iter().map(|&x| x as f32).collect();
        let got = xp::matmul(&xp::asarray(&a32, &[n, k]).unwrap(), &xp::asarray(&b32, &[k, m]).unwrap()).unwrap();
        for (g, w) in got.to_vec::<f32>().unwrap().iter().zip(&want) {
            assert!((*g as f64 - w).abs() <= 1e-5 * (k as f64).max(1.0), "f32 {n}x{k}x{m}");
        }
    }
}

#[test]
fn one_d_operands_and_batches_broadcast() {
    let av = vals(2 * 3 * 4, 0.3);
    let bv = vals(4 * 5, 0.7);
    let a = xp::asarray(&av, &[2, 3, 4]).unwrap();
    let b = xp::asarray(&bv, &[4, 5]).unwrap();
    let c = xp::matmul(&a, &b).unwrap();
    assert_eq!(c.shape(), &[2, 3, 5]);
    let got = c.to_vec::<f64>().unwrap();
    for batch in 0..2 {
        let want = naive(&av[batch * 12..(batch + 1) * 12], &bv, 3, 4, 5);
        for (g, w) in got[batch * 15..(batch + 1) * 15].iter().zip(&want) {
            assert!((g - w).abs() < 1e-12);
        }
    }
    let v = xp::asarray(&[1.0, 2.0, 3.0, 4.0], &[4]).unwrap();
    let mv = xp::matmul(&a, &v).unwrap();
    assert_eq!(mv.shape(), &[2, 3]);
    let vm = xp::matmul(&v, &b).unwrap();
    assert_eq!(vm.shape(), &[5]);
    let dot = xp::matmul(&v, &v).unwrap();
    assert_eq!(dot.shape(), &[] as &[usize]);
    assert_eq!(dot.to_vec::<f64>().unwrap(), vec![30.0]);
    assert!(xp::matmul(&a, &a).is_err());
    assert!(xp::matmul(&xp::asarray(&[1.0], &[]).unwrap(), &v).is_err());
}

#[test]
fn integer_matmul_wraps_like_numpy() {
    let a = xp::asarray(&[100i8, 100, -1, 2], &[2, 2]).unwrap();
    let b = xp::asarray(&[2i8, 0, 1, 3], &[2, 2]).unwrap();
    // [100*2 + 100*1, 100*0 + 100*3; -1*2 + 2*1, 0 + 6] wrapped to int8.
    assert_eq!(xp::matmul(&a, &b).unwrap().to_vec::<i8>().unwrap(), vec![300i32 as i8, 300i32 as i8, 0, 6]);
    let t = xp::tensordot(&xp::asarray(&[1i64, 2, 3, 4, 5, 6], &[2, 3]).unwrap(), &xp::asarray(&[1i64, 1, 1], &[3]).unwrap(), 1).unwrap();
    assert_eq!(t.to_vec::<i64>().unwrap(), vec![6, 15]);
}

#[test]
fn elementwise_work_fuses_around_the_library_kernel() {
    let av = vals(8 * 8, 0.5);
    let a = xp::asarray(&av, &[8, 8]).unwrap();
    let y = xp::tanh(&xp::matmul(&(&a * 2.0).unwrap(), &xp::matrix_transpose(&a).unwrap()).unwrap()).unwrap();
    let got = y.to_vec::<f64>().unwrap();
    let a2: Vec<f64> = av.iter().map(|x| x * 2.0).collect();
    let at: Vec<f64> = (0..64).map(|i| av[(i % 8) * 8 + i / 8]).collect();
    let want: Vec<f64> = naive(&a2, &at, 8, 8, 8).iter().map(|v| v.tanh()).collect();
    for (g, w) in got.iter().zip(&want) {
        assert!((g - w).abs() < 1e-12);
    }
    let report = y.explain().unwrap();
    assert!(report.contains("library matmul"), "{report}");
    assert!(report.contains("operand of a library kernel"), "{report}");
}

#[test]
fn vecdot_is_a_fused_reduction() {
    let a = xp::asarray(&[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
    let b = xp::asarray(&[1.0f32, 0.5, 2.0], &[3]).unwrap();
    assert_eq!(xp::vecdot(&a, &b, -1).unwrap().to_vec::<f32>().unwrap(), vec![8.0, 18.5]);
    assert!(xp::vecdot(&a, &b, 0).is_err());
}

/// A stacked and a sliced product of the same lazy reshapes, compared in
/// one graph: the scheduler once put the two reshapes' copies in one
/// kernel with the slice's copy, which reads one of them (a cycle).
#[test]
fn products_of_shared_lazy_reshapes_schedule_without_cycles() {
    let x1 = xp::reshape(&xp::arange(0.0, 8.0, 1.0, xp::DType::Float64).unwrap(), &[2, 2, 2]).unwrap();
    let x2 = xp::reshape(&(xp::arange(0.0, 4.0, 1.0, xp::DType::Float64).unwrap() + 1.0).unwrap(), &[2, 2]).unwrap();
    let first = |a: &xp::Array| xp::index(a, &[xp::Index::Int(0)]).unwrap();
    let stacked = first(&xp::matmul(&x1, &x2).unwrap());
    let single = xp::matmul(&first(&x1), &x2).unwrap();
    let same = xp::all(&xp::equal(&stacked, &single).unwrap(), None, false).unwrap();
    assert_eq!(same.to_vec::<bool>().unwrap(), vec![true]);
    assert_eq!(single.to_vec::<f64>().unwrap(), vec![3.0, 4.0, 11.0, 16.0]);
}
