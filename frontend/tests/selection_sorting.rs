//! Joining, gathers, sorting, the set functions and functional updates:
//! library kernels and their compositions, against values worked out by
//! hand (NumPy's answers), including empty arrays and bad indices.

use lazyxp as xp;
use xp::{Array, Index};

fn f64s(a: &Array) -> Vec<f64> {
    a.to_vec().unwrap()
}
fn i64s(a: &Array) -> Vec<i64> {
    a.to_vec().unwrap()
}
fn arr(v: &[f64], shape: &[usize]) -> Array {
    xp::asarray(v, shape).unwrap()
}

#[test]
fn concat_promotes_and_joins_pending_operands() {
    let a = (arr(&[1.0, 2.0, 3.0, 4.0], &[2, 2]) * 2.0).unwrap();
    let b = xp::asarray(&[7i32, 8], &[2, 1]).unwrap();
    let c = xp::concat(&[&a, &b], Some(1)).unwrap();
    assert_eq!(c.shape(), &[2, 3]);
    assert_eq!(f64s(&c), vec![2.0, 4.0, 7.0, 6.0, 8.0, 8.0]);
    let flat = xp::concat(&[&a, &b], None).unwrap();
    assert_eq!(f64s(&flat), vec![2.0, 4.0, 6.0, 8.0, 7.0, 8.0]);
    assert!(matches!(xp::concat(&[&a, &b], Some(0)), Err(xp::Error::Shape(_))));
    let empty = arr(&[], &[0, 2]);
    assert_eq!(f64s(&xp::concat(&[&empty, &a, &empty], Some(0)).unwrap()), vec![2.0, 4.0, 6.0, 8.0]);
    let s = xp::stack(&[&a, &a], 2).unwrap();
    assert_eq!(s.shape(), &[2, 2, 2]);
    assert_eq!(f64s(&s), vec![2.0, 2.0, 4.0, 4.0, 6.0, 6.0, 8.0, 8.0]);
}

#[test]
fn roll_diff_tile_repeat_compose_views() {
    let x = arr(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], &[2, 3]);
    assert_eq!(f64s(&xp::roll(&x, &[1], Some(&[1])).unwrap()), vec![2.0, 0.0, 1.0, 5.0, 3.0, 4.0]);
    assert_eq!(f64s(&xp::roll(&x, &[-2], None).unwrap()), vec![2.0, 3.0, 4.0, 5.0, 0.0, 1.0]);
    let sq = xp::multiply(&x, &x).unwrap();
    assert_eq!(f64s(&xp::diff(&sq, -1, 2, None, None).unwrap()), vec![2.0, 2.0]);
    assert_eq!(f64s(&xp::tile(&x, &[1, 2]).unwrap()), vec![0.0, 1.0, 2.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 3.0, 4.0, 5.0]);
    assert_eq!(f64s(&xp::repeat(&x, 2, Some(1)).unwrap())[..6], [0.0, 0.0, 1.0, 1.0, 2.0, 2.0]);
    let counts = xp::asarray(&[0i64, 3], &[2]).unwrap();
    let r = xp::repeat_counts(&x, &counts, Some(0)).unwrap();
    assert_eq!(r.shape(), &[3, 3]);
    assert_eq!(f64s(&r), vec![3.0, 4.0, 5.0, 3.0, 4.0, 5.0, 3.0, 4.0, 5.0]);
    assert!(r.explain().unwrap().contains("data-dependent shape: inputs evaluated first"));
    let bad = xp::asarray(&[1i64, -1], &[2]).unwrap();
    assert!(matches!(xp::repeat_counts(&x, &bad, Some(0)), Err(xp::Error::Value(_))));
}

#[test]
fn sort_orders_nan_last_and_descending_keeps_ties_in_order() {
    let v = arr(&[3.0, f64::NAN, 1.0, 3.0, -0.0, 0.0], &[6]);
    let s = f64s(&xp::sort(&v, 0, false, true).unwrap());
    assert_eq!(&s[..5], &[-0.0, 0.0, 1.0, 3.0, 3.0]);
    assert!(s[5].is_nan());
    assert_eq!(i64s(&xp::argsort(&v, 0, false, true).unwrap()), vec![4, 5, 2, 0, 3, 1]);
    assert_eq!(i64s(&xp::argsort(&v, 0, true, true).unwrap()), vec![1, 0, 3, 2, 4, 5]);
    let m = xp::asarray(&[3i32, 1, 2, 9, 8, 7], &[2, 3]).unwrap();
    assert_eq!(m.to_vec::<i32>().unwrap().len(), 6);
    assert_eq!(xp::sort(&m, 0, true, false).unwrap().to_vec::<i32>().unwrap(), vec![9, 8, 7, 3, 1, 2]);
    let empty = arr(&[], &[0]);
    assert_eq!(xp::sort(&empty, 0, false, true).unwrap().size(), 0);
    let sorted = arr(&[1.0, 2.0, 2.0, 3.0], &[4]);
    let q = arr(&[2.0, 0.0, f64::NAN], &[3]);
    assert_eq!(i64s(&xp::searchsorted(&sorted, &q, false, None).unwrap()), vec![1, 0, 4]);
    assert_eq!(i64s(&xp::searchsorted(&sorted, &q, true, None).unwrap()), vec![3, 0, 4]);
}

/// The stable order the sorts promise, worked out by comparisons: NaN after
/// every number, -0.0 equal to 0.0, ties in input order (descending:
/// reversed order of values, ties still in input order).
fn stable_order(v: &[f64], descending: bool) -> Vec<usize> {
    let key = |x: f64| if x.is_nan() { (1, 0.0) } else { (0, if x == 0.0 { 0.0 } else { x }) };
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| {
        let o = key(v[a]).partial_cmp(&key(v[b])).unwrap();
        if descending { o.reverse() } else { o }
    });
    idx
}

/// Where two long results first differ (a readable failure).
fn first_difference<T: PartialEq>(got: &[T], want: &[T]) -> Option<usize> {
    (got.len() != want.len()).then_some(got.len().min(want.len())).or_else(|| got.iter().zip(want).position(|(a, b)| a != b))
}

/// Lanes past the radix sort's threshold: the same order as comparisons,
/// bit for bit (which zero lands where), for floats of both widths and
/// integers of several widths, along either axis, both directions.
#[test]
fn long_lanes_sort_like_comparisons() {
    let n = 3000;
    let mut v: Vec<f64> = (0..n).map(|i| (((i as f64) * 0.7548776662466927).fract() * 200.0 - 100.0).round() / 4.0).collect();
    for (k, x) in [(5, f64::NAN), (17, -0.0), (18, 0.0), (40, -0.0), (41, f64::NAN), (900, f64::INFINITY), (901, f64::NEG_INFINITY), (2999, 0.0)] {
        v[k] = x;
    }
    for descending in [false, true] {
        let order = stable_order(&v, descending);
        let want_bits: Vec<u64> = order.iter().map(|&i| v[i].to_bits()).collect();
        let x64 = arr(&v, &[n]);
        let got: Vec<u64> = f64s(&xp::sort(&x64, 0, descending, true).unwrap()).iter().map(|x| x.to_bits()).collect();
        let (got, want) = (got, want_bits.clone());
        assert!(first_difference(&got, &want).is_none(), "f64 sort, descending {descending}: first difference at {:?}", first_difference(&got, &want));
        let want_idx: Vec<i64> = order.iter().map(|&i| i as i64).collect();
        let (got, want) = (i64s(&xp::argsort(&x64, 0, descending, true).unwrap()), want_idx.clone());
        assert!(first_difference(&got, &want).is_none(), "f64 argsort, descending {descending}: first difference at {:?}", first_difference(&got, &want));
        // float32: the values above are exact in it.
        let x32 = xp::astype(&x64, xp::DType::Float32).unwrap();
        let got: Vec<u64> = xp::sort(&x32, 0, descending, false).unwrap().to_vec::<f32>().unwrap().iter().map(|&x| (x as f64).to_bits()).collect();
        let (got, want) = (got, want_bits.clone());
        assert!(first_difference(&got, &want).is_none(), "f32 sort, descending {descending}: first difference at {:?}", first_difference(&got, &want));
        let (got, want) = (i64s(&xp::argsort(&x32, 0, descending, true).unwrap()), want_idx);
        assert!(first_difference(&got, &want).is_none(), "f32 argsort, descending {descending}: first difference at {:?}", first_difference(&got, &want));
        // Integers: the finite values times 4, as int8 (clamped), int32, uint16 (shifted).
        let ints: Vec<i64> = v.iter().map(|&x| if x.is_finite() { (x * 4.0) as i64 } else { 7 }).collect();
        for (dtype, shift) in [(xp::DType::Int8, 0), (xp::DType::Int32, 0), (xp::DType::UInt16, 400), (xp::DType::Int64, 0)] {
            let w: Vec<i64> = ints.iter().map(|&i| if dtype == xp::DType::Int8 { i.clamp(-128, 127) } else { i + shift }).collect();
            let wf: Vec<f64> = w.iter().map(|&i| i as f64).collect();
            let want: Vec<i64> = stable_order(&wf, descending).iter().map(|&i| i as i64).collect();
            let a = xp::astype(&xp::asarray(&w, &[n]).unwrap(), dtype).unwrap();
            let (got, want) = (i64s(&xp::argsort(&a, 0, descending, true).unwrap()), want);
            assert!(first_difference(&got, &want).is_none(), "{dtype} argsort, descending {descending}: first difference at {:?}", first_difference(&got, &want));
            let sorted: Vec<i64> = i64s(&xp::astype(&xp::sort(&a, 0, descending, true).unwrap(), xp::DType::Int64).unwrap());
            let (got, want) = (sorted, want.iter().map(|&i| w[i as usize]).collect::<Vec<_>>());
            assert!(first_difference(&got, &want).is_none(), "{dtype} sort, descending {descending}: first difference at {:?}", first_difference(&got, &want));
        }
    }
    // Along a leading axis: lanes gathered with a stride.
    let m = arr(&v[..2 * 1000], &[1000, 2]);
    let col1: Vec<f64> = (0..1000).map(|r| v[2 * r + 1]).collect();
    let want: Vec<i64> = stable_order(&col1, false).iter().map(|&i| i as i64).collect();
    let got = i64s(&xp::argsort(&m, 0, false, true).unwrap());
    assert_eq!((0..1000).map(|r| got[2 * r + 1]).collect::<Vec<_>>(), want);
}

/// nonzero over long masks with true elements scattered at random, in
/// one, two and three dimensions, and the masks' compaction `x[mask]`.
#[test]
fn nonzero_of_long_masks_lists_every_true_element_in_order() {
    let n = 60_000usize;
    let bits: Vec<bool> = (0..n).map(|k| ((k as u64).wrapping_mul(0x9E3779B97F4A7C15) >> 61) < 3).collect();
    let mask = xp::asarray(&bits, &[n]).unwrap();
    let want: Vec<i64> = (0..n).filter(|&k| bits[k]).map(|k| k as i64).collect();
    let got = xp::nonzero(&mask).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(i64s(&got[0]), want);
    for shape in [[200usize, 300, 1], [30, 40, 50]] {
        let m = xp::reshape(&mask, &shape.iter().map(|&d| d as isize).collect::<Vec<_>>()).unwrap();
        let cols = xp::nonzero(&m).unwrap();
        assert_eq!(cols.len(), 3);
        let cols: Vec<Vec<i64>> = cols.iter().map(i64s).collect();
        for (j, &p) in want.iter().enumerate() {
            let p = p as usize;
            let coord = [p / (shape[1] * shape[2]), p / shape[2] % shape[1], p % shape[2]];
            assert_eq!([cols[0][j], cols[1][j], cols[2][j]], coord.map(|c| c as i64), "true element {j}");
        }
    }
    let v: Vec<f64> = (0..n).map(|k| k as f64).collect();
    let picked = xp::mask_index(&xp::asarray(&v, &[n]).unwrap(), &mask).unwrap();
    assert_eq!(f64s(&picked), want.iter().map(|&k| k as f64).collect::<Vec<_>>());
}

#[test]
fn unique_all_counts_nans_as_distinct() {
    let x = arr(&[2.0, f64::NAN, 1.0, 2.0, f64::NAN, -0.0, 0.0], &[7]);
    let (values, indices, inverse, counts) = xp::unique_all(&x).unwrap();
    let v = f64s(&values);
    assert_eq!(&v[..3], &[-0.0, 1.0, 2.0]);
    assert!(v[3].is_nan() && v[4].is_nan());
    assert_eq!(i64s(&indices), vec![5, 2, 0, 1, 4]);
    assert_eq!(i64s(&inverse), vec![2, 3, 1, 2, 4, 0, 0]);
    assert_eq!(i64s(&counts), vec![2, 1, 2, 1, 1]);
    assert!(values.explain().unwrap().contains("data-dependent shape: inputs evaluated first"));
    let empty = xp::unique_values(&arr(&[], &[0, 3])).unwrap();
    assert_eq!(empty.shape(), &[0]);
}

#[test]
fn gathers_check_their_indices() {
    let x = arr(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], &[2, 3]);
    let i = xp::asarray(&[2i64, -3, 0], &[3]).unwrap();
    assert_eq!(f64s(&xp::take(&x, &i, Some(1)).unwrap()), vec![2.0, 0.0, 0.0, 5.0, 3.0, 3.0]);
    let out = xp::take(&x, &xp::asarray(&[3i64], &[1]).unwrap(), Some(1)).unwrap();
    match out.eval() {
        Err(xp::Error::Index(m)) => assert!(m.starts_with("index 3 is out of bounds"), "{m}"),
        other => panic!("expected an index error, got {other:?}"),
    }
    let idx = xp::asarray(&[2i64, 0, 1, 1], &[2, 2]).unwrap();
    assert_eq!(f64s(&xp::take_along_axis(&x, &idx, 1).unwrap()), vec![2.0, 0.0, 4.0, 4.0]);
    let rows = xp::asarray(&[1i64, 0], &[2]).unwrap();
    let cols = xp::asarray(&[2i64], &[1]).unwrap();
    assert_eq!(f64s(&xp::take_indices(&x, &[&rows, &cols]).unwrap()), vec![5.0, 2.0]);

    // Element gathers in every width, negative indices included, and the
    // first bad index named even when others are fine.
    let (r, c, m) = (3usize, 500usize, 2000usize);
    let v: Vec<f64> = (0..r * c).map(|k| (k as f64) * 0.25 - 7.0).collect();
    let picks: Vec<i64> = (0..m).map(|k| ((k * 7919) % (2 * c)) as i64 - c as i64).collect();
    let want: Vec<f64> = (0..r).flat_map(|a| picks.iter().map(move |&i| (a, i))).map(|(a, i)| v[a * c + if i < 0 { (i + c as i64) as usize } else { i as usize }]).collect();
    let x = arr(&v, &[r, c]);
    let i = xp::asarray(&picks, &[m]).unwrap();
    for dtype in [xp::DType::Float64, xp::DType::Float32, xp::DType::Int16, xp::DType::Int8, xp::DType::Complex128, xp::DType::Bool] {
        let xd = xp::astype(&x, dtype).unwrap();
        let got = xp::take(&xd, &i, Some(1)).unwrap();
        let expect = xp::astype(&arr(&want, &[r, m]), dtype).unwrap();
        assert!(xp::all(&xp::equal(&got, &expect).unwrap(), None, false).unwrap().to_vec::<bool>().unwrap()[0], "{dtype}");
    }
    let mut bad = picks.clone();
    bad[1234] = c as i64;
    bad[1500] = -(c as i64) - 1;
    match xp::take(&x, &xp::asarray(&bad, &[m]).unwrap(), Some(1)).unwrap().eval() {
        Err(xp::Error::Index(msg)) => assert!(msg.starts_with(&format!("index {c} is out of bounds")), "{msg}"),
        other => panic!("expected an index error, got {other:?}"),
    }
}

#[test]
fn nonzero_and_masks_evaluate_the_mask_first() {
    let x = arr(&[0.0, 1.0, -0.0, 3.0, f64::NAN, 0.0], &[2, 3]);
    let nz = xp::nonzero(&x).unwrap();
    assert_eq!(i64s(&nz[0]), vec![0, 1, 1]); // NaN is non-zero
    assert_eq!(i64s(&nz[1]), vec![1, 0, 1]);
    let big = xp::greater(&x, &xp::scalar_like(&x, 0.5).unwrap()).unwrap();
    let sel = xp::mask_index(&x, &big).unwrap();
    assert_eq!(f64s(&sel), vec![1.0, 3.0]);
    assert!(sel.explain().unwrap().contains("data-dependent shape: inputs evaluated first"));
    assert!(xp::nonzero(&arr(&[1.0], &[])).is_err());
}

#[test]
fn setitem_is_a_new_node() {
    let x = arr(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], &[2, 3]);
    let key = [Index::Int(-1), Index::Slice { start: None, stop: None, step: Some(2) }];
    let y = xp::set_index(&x, &key, &arr(&[9.0, 8.0], &[2])).unwrap();
    assert_eq!(f64s(&y), vec![0.0, 1.0, 2.0, 9.0, 4.0, 8.0]);
    assert_eq!(f64s(&x), vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
    let mask = xp::greater(&x, &xp::scalar_like(&x, 2.5).unwrap()).unwrap();
    let z = xp::set_mask(&x, &mask, &arr(&[-1.0, -2.0, -3.0], &[3])).unwrap();
    assert_eq!(f64s(&z), vec![0.0, 1.0, 2.0, -1.0, -2.0, -3.0]);
    assert!(xp::set_mask(&x, &mask, &arr(&[1.0, 2.0], &[2])).is_err());
}
