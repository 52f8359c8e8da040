//! Integer-array indexing mixed with slices, ellipsis, None and integers
//! (`index_arrays`) and assignment through it (`set_index_arrays`),
//! against results worked out by hand from NumPy's advanced-indexing
//! rules: adjacent index arrays keep their place, separated ones go first;
//! integers next to arrays are 0-d index arrays; repeated positions keep
//! the last value written.

use lazyxp as xp;
use xp::ArrayIndex::{Basic, Ints};
use xp::Index::{Ellipsis, Int, NewAxis, Slice};

/// `0, 1, ..` in `shape`, as f64.
fn iota(shape: &[usize]) -> xp::Array {
    let n: usize = shape.iter().product();
    xp::asarray(&(0..n).map(|i| i as f64).collect::<Vec<_>>(), shape).unwrap()
}

fn ints(v: &[i64], shape: &[usize]) -> xp::ArrayIndex {
    Ints(xp::asarray(v, shape).unwrap())
}

const ALL: xp::ArrayIndex = Basic(Slice { start: None, stop: None, step: None });

fn get(x: &xp::Array, key: &[xp::ArrayIndex]) -> (Vec<usize>, Vec<f64>) {
    let y = xp::index_arrays(x, key).unwrap();
    (y.shape().to_vec(), y.to_vec::<f64>().unwrap())
}

#[test]
fn arrays_beside_slices_keep_their_place() {
    // x[:, [2, 0]] of a (2, 3, 4) iota: axis 1 picked, B = (2,) in place.
    let x = iota(&[2, 3, 4]);
    let (s, v) = get(&x, &[ALL, ints(&[2, 0], &[2])]);
    assert_eq!(s, [2, 2, 4]);
    assert_eq!(v, [8., 9., 10., 11., 0., 1., 2., 3., 20., 21., 22., 23., 12., 13., 14., 15.]);
    // x[..., [-1]]: the last column, negative counting from the end.
    let (s, v) = get(&x, &[Basic(Ellipsis), ints(&[-1], &[1])]);
    assert_eq!(s, [2, 3, 1]);
    assert_eq!(v, [3., 7., 11., 15., 19., 23.]);
    // x[:, i, j] with i, j adjacent and broadcast ((2, 1) with (2,)).
    let (s, v) = get(&x, &[ALL, ints(&[0, 2], &[2, 1]), ints(&[1, 3], &[2])]);
    assert_eq!(s, [2, 2, 2]);
    assert_eq!(v, [1., 3., 9., 11., 13., 15., 21., 23.]);
}

#[test]
fn separated_arrays_go_first() {
    let x = iota(&[2, 3, 4]);
    // x[[1, 0], :, [3, 0]]: B = (2,) first, then the slice's 3.
    let (s, v) = get(&x, &[ints(&[1, 0], &[2]), ALL, ints(&[3, 0], &[2])]);
    assert_eq!(s, [2, 3]);
    assert_eq!(v, [15., 19., 23., 0., 4., 8.]);
    // x[0, :, [1, 2]]: the integer is an index array too, so separated.
    let (s, v) = get(&x, &[Basic(Int(0)), ALL, ints(&[1, 2], &[2])]);
    assert_eq!(s, [2, 3]);
    assert_eq!(v, [1., 5., 9., 2., 6., 10.]);
    // x[i, None, j] on (3, 4): None separates, so B first then the 1.
    let y = iota(&[3, 4]);
    let (s, v) = get(&y, &[ints(&[2, 0], &[2]), Basic(NewAxis), ints(&[1, 1], &[2])]);
    assert_eq!(s, [2, 1]);
    assert_eq!(v, [9., 1.]);
    // x[i, ..., j] on (3, 4): so does an ellipsis, even one standing for
    // no axes (NumPy) ...
    let (s, v) = get(&y, &[ints(&[2, 0], &[2]), Basic(Ellipsis), ints(&[1, 1], &[2])]);
    assert_eq!(s, [2]);
    assert_eq!(v, [9., 1.]);
    // ... which shows where other dims remain: x[:, 0, ..., [3, 0, 1]] of
    // (2, 3, 4) is (3, 2), while x[:, 0, [3, 0, 1]] is (2, 3).
    let (s, v) = get(&x, &[ALL, Basic(Int(0)), Basic(Ellipsis), ints(&[3, 0, 1], &[3])]);
    assert_eq!(s, [3, 2]);
    assert_eq!(v, [3., 15., 0., 12., 1., 13.]);
    let (s, v) = get(&x, &[ALL, Basic(Int(0)), ints(&[3, 0, 1], &[3])]);
    assert_eq!(s, [2, 3]);
    assert_eq!(v, [3., 0., 1., 15., 12., 13.]);
}

#[test]
fn slices_with_steps_and_new_axes_around_arrays() {
    let x = iota(&[3, 4]);
    // x[None, ::-1, [0, 3]] -> (1, 3, 2)
    let (s, v) = get(&x, &[Basic(NewAxis), Basic(Slice { start: None, stop: None, step: Some(-1) }), ints(&[0, 3], &[2])]);
    assert_eq!(s, [1, 3, 2]);
    assert_eq!(v, [8., 11., 4., 7., 0., 3.]);
    // x[[[1], [2]], 1::2] -> (2, 1, 2)
    let (s, v) = get(&x, &[ints(&[1, 2], &[2, 1]), Basic(Slice { start: Some(1), stop: None, step: Some(2) })]);
    assert_eq!(s, [2, 1, 2]);
    assert_eq!(v, [5., 7., 9., 11.]);
}

#[test]
fn empty_selections_and_errors() {
    let x = iota(&[3, 4]);
    let (s, v) = get(&x, &[ALL, ints(&[], &[0])]);
    assert_eq!(s, [3, 0]);
    assert!(v.is_empty());
    let (s, _) = get(&x, &[Basic(Slice { start: Some(2), stop: Some(2), step: None }), ints(&[1], &[1])]);
    assert_eq!(s, [0, 1]);
    // An index array out of range: Error::Index when the gather runs.
    let y = xp::index_arrays(&x, &[ALL, ints(&[4], &[1])]).unwrap();
    assert!(matches!(y.eval(), Err(xp::Error::Index(_))), "{:?}", y.eval());
    // An integer out of range, arrays that do not broadcast, too many.
    assert!(matches!(xp::index_arrays(&x, &[Basic(Int(3)), ints(&[0], &[1])]), Err(xp::Error::Index(_))));
    assert!(matches!(xp::index_arrays(&x, &[ints(&[0, 1], &[2]), ints(&[0, 1, 2], &[3])]), Err(xp::Error::Index(_))));
    assert!(matches!(xp::index_arrays(&x, &[ints(&[0], &[1]), ALL, ALL]), Err(xp::Error::Index(_))));
    let f = xp::asarray(&[0.0f64], &[1]).unwrap();
    assert!(matches!(xp::index_arrays(&x, &[Ints(f)]), Err(xp::Error::DType(_))));
}

#[test]
fn setitem_through_arrays_and_slices() {
    let x = iota(&[3, 4]);
    // x[:, [0, -1]] = [[10, 20]] (broadcast over the rows)
    let v = xp::asarray(&[10.0f64, 20.0], &[1, 2]).unwrap();
    let y = xp::set_index_arrays(&x, &[ALL, ints(&[0, -1], &[2])], &v).unwrap();
    assert_eq!(y.to_vec::<f64>().unwrap(), [10., 1., 2., 20., 10., 5., 6., 20., 10., 9., 10., 20.]);
    // The old array is unchanged (a functional update).
    assert_eq!(x.to_vec::<f64>().unwrap(), (0..12).map(|i| i as f64).collect::<Vec<_>>());
    // Separated: x[[2, 0], 1:3, [0, 3]] = value of shape (2, 2), B first.
    let v = xp::asarray(&[1.0f64, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
    let y = xp::set_index_arrays(&iota(&[3, 3, 4]), &[ints(&[2, 0], &[2]), Basic(Slice { start: Some(1), stop: Some(3), step: None }), ints(&[0, 3], &[2])], &v).unwrap();
    let got = y.to_vec::<f64>().unwrap();
    let mut want: Vec<f64> = (0..36).map(|i| i as f64).collect();
    want[2 * 12 + 4] = 1.0; // x[2, 1, 0]
    want[2 * 12 + 8] = 2.0; // x[2, 2, 0]
    want[4 + 3] = 3.0; // x[0, 1, 3]
    want[8 + 3] = 4.0; // x[0, 2, 3]
    assert_eq!(got, want);
}

#[test]
fn setitem_repeated_indices_last_wins_and_casts() {
    let x = xp::asarray(&[0i32, 0, 0, 0], &[4]).unwrap();
    let v = xp::asarray(&[1.9f64, 2.5, 3.7], &[3]).unwrap();
    let y = xp::set_index_arrays(&x, &[ints(&[1, -3, 2], &[3])], &v).unwrap();
    assert_eq!(y.dtype(), xp::DType::Int32);
    assert_eq!(y.to_vec::<i32>().unwrap(), [0, 2, 3, 0]);
    // Integers beside arrays in a setitem key: x[1, [0, 0, 2]] = [5, 6, 7].
    let m = iota(&[2, 3]);
    let v = xp::asarray(&[5.0f64, 6.0, 7.0], &[3]).unwrap();
    let y = xp::set_index_arrays(&m, &[Basic(Int(1)), ints(&[0, 0, 2], &[3])], &v).unwrap();
    assert_eq!(y.to_vec::<f64>().unwrap(), [0., 1., 2., 6., 4., 7.]);
}

#[test]
fn setitem_errors_before_any_write() {
    let x = iota(&[2, 3]);
    let one = xp::asarray(&[1.0f64], &[1]).unwrap();
    let y = xp::set_index_arrays(&x, &[ALL, ints(&[0, 3], &[2])], &one).unwrap();
    assert!(matches!(y.eval(), Err(xp::Error::Index(_))), "{:?}", y.eval());
    let y = xp::set_index_arrays(&x, &[ints(&[-3], &[1])], &one).unwrap();
    assert!(matches!(y.eval(), Err(xp::Error::Index(_))));
    // The value must broadcast to the selection (2, 2).
    let bad = xp::asarray(&[1.0f64, 2.0, 3.0], &[3]).unwrap();
    assert!(matches!(xp::set_index_arrays(&x, &[ALL, ints(&[0, 1], &[2])], &bad), Err(xp::Error::Shape(_))));
    // Nothing selected: the same values.
    let y = xp::set_index_arrays(&x, &[ints(&[], &[0])], &one).unwrap();
    assert_eq!(y.to_vec::<f64>().unwrap(), [0., 1., 2., 3., 4., 5.]);
    // An empty slice beside a valid array: nothing written, still checked.
    let y = xp::set_index_arrays(&x, &[ints(&[5], &[1]), Basic(Slice { start: Some(1), stop: Some(1), step: None })], &one).unwrap();
    assert!(matches!(y.eval(), Err(xp::Error::Index(_))));
}
