//! Views never copy: transposes, slices, flips, broadcasts and reshapes
//! change the strides of the kernel that reads them. Checked against
//! hand-computed index arithmetic, and for copies forced by layout, the
//! fusion plan must say so.

use lazyxp as xp;
use xp::Index::{Ellipsis, Int, NewAxis, Slice};

fn iota(shape: &[usize]) -> (Vec<f64>, xp::Array) {
    let n: usize = shape.iter().product();
    let v: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let a = xp::asarray(&v, shape).unwrap();
    (v, a)
}

fn s(start: Option<isize>, stop: Option<isize>, step: Option<isize>) -> xp::Index {
    Slice { start, stop, step }
}

#[test]
fn transpose_slice_flip_compose() {
    let (_, x) = iota(&[3, 4]);
    let t = xp::matrix_transpose(&x).unwrap();
    assert_eq!(t.shape(), &[4, 3]);
    assert_eq!(t.to_vec::<f64>().unwrap(), vec![0., 4., 8., 1., 5., 9., 2., 6., 10., 3., 7., 11.]);
    // t[::-1, 1:] -> rows 3,2,1,0 of t, columns 1..3
    let v = xp::index(&t, &[s(None, None, Some(-1)), s(Some(1), None, None)]).unwrap();
    assert_eq!(v.shape(), &[4, 2]);
    assert_eq!(v.to_vec::<f64>().unwrap(), vec![7., 11., 6., 10., 5., 9., 4., 8.]);
    // Fused with arithmetic: one kernel, no copy of the view.
    let y = (&xp::flip(&v, None).unwrap() * 2.0).unwrap();
    assert_eq!(y.to_vec::<f64>().unwrap(), vec![16., 8., 18., 10., 20., 12., 22., 14.]);
    let report = y.explain().unwrap();
    assert_eq!(report.lines().filter(|l| l.starts_with("kernel ") && l.contains(" key ")).count(), 1, "{report}");
}

#[test]
fn integer_indices_new_axes_and_ellipsis() {
    let (_, x) = iota(&[2, 3, 4]);
    let a = xp::index(&x, &[Int(-1), Ellipsis, Int(2)]).unwrap();
    assert_eq!(a.shape(), &[3]);
    assert_eq!(a.to_vec::<f64>().unwrap(), vec![14., 18., 22.]);
    let b = xp::index(&x, &[NewAxis, Int(0), s(None, None, Some(2)), NewAxis]).unwrap();
    assert_eq!(b.shape(), &[1, 2, 1, 4]);
    assert_eq!(b.to_vec::<f64>().unwrap(), vec![0., 1., 2., 3., 8., 9., 10., 11.]);
    let empty = xp::index(&x, &[s(Some(5), None, None)]).unwrap();
    assert_eq!(empty.shape(), &[0, 3, 4]);
    assert!(empty.to_vec::<f64>().unwrap().is_empty());
    assert!(xp::index(&x, &[Int(2)]).is_err());
    assert!(xp::index(&x, &[Int(0), Int(0), Int(0), Int(0)]).is_err());
    assert!(xp::index(&x, &[Ellipsis, Ellipsis]).is_err());
}

#[test]
fn permute_moveaxis_expand_squeeze() {
    let (v, x) = iota(&[2, 3, 4]);
    let p = xp::permute_dims(&x, &[2, 0, 1]).unwrap();
    assert_eq!(p.shape(), &[4, 2, 3]);
    let got = p.to_vec::<f64>().unwrap();
    for k in 0..4 {
        for i in 0..2 {
            for j in 0..3 {
                assert_eq!(got[k * 6 + i * 3 + j], v[i * 12 + j * 4 + k]);
            }
        }
    }
    let m = xp::moveaxis(&x, &[0], &[-1]).unwrap();
    assert_eq!(m.shape(), &[3, 4, 2]);
    let e = xp::expand_dims(&x, -1).unwrap();
    assert_eq!(e.shape(), &[2, 3, 4, 1]);
    let sq = xp::squeeze(&e, &[3]).unwrap();
    assert_eq!(sq.to_vec::<f64>().unwrap(), v);
    assert!(xp::squeeze(&x, &[0]).is_err());
    assert!(xp::permute_dims(&x, &[0, 0, 1]).is_err());
}

#[test]
fn reshape_is_free_on_row_major_data_and_copies_otherwise() {
    let (v, x) = iota(&[4, 6]);
    let r = xp::reshape(&(&x + 1.0).unwrap(), &[2, -1, 3]).unwrap();
    assert_eq!(r.shape(), &[2, 4, 3]);
    assert_eq!(r.to_vec::<f64>().unwrap(), v.iter().map(|x| x + 1.0).collect::<Vec<_>>());
    let one = r.explain().unwrap();
    assert!(!one.contains("copied to contiguous"), "{one}");

    // A transpose is not row-major: reshaping it needs a copy, and says so.
    let t = xp::matrix_transpose(&x).unwrap();
    let flat = xp::reshape(&t, &[-1]).unwrap();
    let got = flat.to_vec::<f64>().unwrap();
    let want: Vec<f64> = (0..6).flat_map(|j| (0..4).map(move |i| (i * 6 + j) as f64)).collect();
    assert_eq!(got, want);
    let report = flat.explain().unwrap();
    assert!(report.contains("copied to contiguous memory"), "{report}");
    assert!(xp::reshape(&x, &[5, 5]).is_err());
    assert!(xp::reshape(&x, &[-1, -1]).is_err());
}

#[test]
fn pairwise_distances_fuse_into_one_reduction() {
    let (m, k, d) = (5, 4, 3);
    let xv: Vec<f32> = (0..m * d).map(|i| (i as f32 * 0.37).sin()).collect();
    let yv: Vec<f32> = (0..k * d).map(|i| (i as f32 * 0.71).cos()).collect();
    let x = xp::asarray(&xv, &[m, d]).unwrap();
    let y = xp::asarray(&yv, &[k, d]).unwrap();
    let xe = xp::index(&x, &[s(None, None, None), NewAxis, s(None, None, None)]).unwrap();
    let ye = xp::index(&y, &[NewAxis, s(None, None, None), s(None, None, None)]).unwrap();
    let diff = (&xe - &ye).unwrap();
    let dist = xp::sqrt(&xp::sum(&(&diff * &diff).unwrap(), Some(&[-1]), false).unwrap()).unwrap();
    assert_eq!(dist.shape(), &[m, k]);
    let got = dist.to_vec::<f32>().unwrap();
    for i in 0..m {
        for j in 0..k {
            let want: f64 = (0..d).map(|c| ((xv[i * d + c] - yv[j * d + c]) as f64).powi(2)).sum::<f64>().sqrt();
            assert!((got[i * k + j] as f64 - want).abs() < 1e-6, "{i},{j}");
        }
    }
    let report = dist.explain().unwrap();
    assert_eq!(report.lines().filter(|l| l.starts_with("kernel ") && l.contains(" key ")).count(), 1, "{report}");
}
