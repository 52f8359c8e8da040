//! Bad input ends in a typed error from the call that caused it, never a
//! panic: wrong shapes, dtype combinations an op does not accept, Python
//! scalars out of range, sizes that overflow, wrong element counts, reading
//! data back as the wrong type.

use lazyxp as xp;
use std::panic::{catch_unwind, AssertUnwindSafe};
use xp::{Array, DType, Error};

/// Runs `f`, failing the test if it panics; returns its result.
fn no_panic<T>(what: &str, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| panic!("{what} panicked instead of returning an error"))
}

fn f32s(shape: &[usize]) -> Array {
    let n: usize = shape.iter().product();
    xp::asarray(&vec![1.5f32; n], shape).unwrap()
}
fn of(dtype: DType, shape: &[usize]) -> Array {
    xp::astype(&f32s(shape), dtype).unwrap()
}

#[test]
fn mismatched_shapes_name_both_shapes() {
    let (a, b) = (f32s(&[3]), f32s(&[4]));
    for (name, r) in [
        ("add", no_panic("add", || xp::add(&a, &b))),
        ("operator +", no_panic("+", || &a + &b)),
        ("multiply", no_panic("multiply", || xp::multiply(&a, &b))),
        ("less", no_panic("less", || xp::less(&a, &b))),
        ("maximum", no_panic("maximum", || xp::maximum(&a, &b))),
    ] {
        match r {
            Err(Error::Shape(m)) => assert!(m.contains("[3]") && m.contains("[4]"), "{name}: message {m:?} should name [3] and [4]"),
            other => panic!("{name}: expected a shape error, got {other:?}"),
        }
    }
    let (c, d) = (f32s(&[2, 3]), f32s(&[3, 2]));
    match no_panic("add 2-d", || xp::add(&c, &d)) {
        Err(Error::Shape(m)) => assert!(m.contains("[2, 3]") && m.contains("[3, 2]"), "{m}"),
        other => panic!("expected a shape error, got {other:?}"),
    }
    let cond = xp::asarray(&[true, false], &[2]).unwrap();
    assert!(matches!(no_panic("where", || xp::where_(&cond, &a, &a)), Err(Error::Shape(_))));
    match no_panic("broadcast_to", || xp::broadcast_to(&c, &[3, 3])) {
        Err(Error::Shape(m)) => assert!(m.contains("[2, 3]") && m.contains("[3, 3]"), "{m}"),
        other => panic!("expected a shape error, got {other:?}"),
    }
    // Broadcasting to fewer dimensions is an error too.
    assert!(matches!(xp::broadcast_to(&c, &[3]), Err(Error::Shape(_))));
}

#[test]
fn unsupported_dtype_combinations_are_dtype_errors() {
    let x = f32s(&[2]);
    let i = of(DType::Int32, &[2]);
    let b = of(DType::Bool, &[2]);
    assert!(matches!(no_panic("bitwise_and", || xp::bitwise_and(&x, &x)), Err(Error::DType(_))));
    assert!(matches!(no_panic("bitwise_or f64/i32", || xp::bitwise_or(&of(DType::Float64, &[2]), &i)), Err(Error::DType(_))));
    assert!(matches!(no_panic("bitwise_xor float operator", || &x ^ &x), Err(Error::DType(_))));
    assert!(matches!(no_panic("bitwise_invert", || xp::bitwise_invert(&x)), Err(Error::DType(_))));
    assert!(matches!(no_panic("where non-bool", || xp::where_(&i, &x, &x)), Err(Error::DType(_))));
    assert!(matches!(no_panic("where float cond", || xp::where_(&x, &x, &x)), Err(Error::DType(_))));
    assert!(matches!(no_panic("subtract bool", || xp::subtract(&b, &b)), Err(Error::DType(_))));
    assert!(matches!(no_panic("negative bool", || xp::negative(&b)), Err(Error::DType(_))));
    assert!(matches!(no_panic("floor bool", || xp::floor(&b)), Err(Error::DType(_))));
    assert!(matches!(no_panic("linspace int", || xp::linspace(0.0, 1.0, 5, DType::Int32)), Err(Error::DType(_))));
    // What the standard leaves undefined for complex numbers.
    for c in [DType::Complex64, DType::Complex128] {
        let z = xp::astype(&x, c).unwrap();
        assert!(matches!(no_panic("astype complex -> real", || xp::astype(&z, DType::Float64)), Err(Error::DType(_))), "{c}");
        assert!(matches!(no_panic("less complex", || xp::less(&z, &z)), Err(Error::DType(_))), "{c}");
        assert!(matches!(no_panic("maximum complex", || xp::maximum(&z, &z)), Err(Error::DType(_))), "{c}");
        assert!(matches!(no_panic("floor complex", || xp::floor(&z)), Err(Error::DType(_))), "{c}");
        assert!(matches!(no_panic("atan2 complex", || xp::atan2(&z, &z)), Err(Error::DType(_))), "{c}");
        assert!(matches!(no_panic("max complex", || xp::max(&z, None, false)), Err(Error::DType(_))), "{c}");
        assert!(matches!(no_panic("remainder complex", || xp::remainder(&z, &z)), Err(Error::DType(_))), "{c}");
    }
}

#[test]
fn python_scalars_out_of_range_are_value_errors() {
    let i8s = of(DType::Int8, &[3]);
    assert!(matches!(no_panic("int8 + 300", || &i8s + 300), Err(Error::Value(_))));
    assert!(matches!(no_panic("int8 * -129", || &i8s * -129), Err(Error::Value(_))));
    assert!(matches!(no_panic("300 - int8", || 300 - &i8s), Err(Error::Value(_))));
    let u8s = of(DType::UInt8, &[3]);
    assert!(matches!(no_panic("uint8 + -1", || &u8s + -1), Err(Error::Value(_))));
    let u64s = of(DType::UInt64, &[3]);
    assert!(matches!(no_panic("uint64 + i64::MIN", || &u64s + i64::MIN), Err(Error::Value(_))));
    // In range at the edges: fine, and computes with wrapping.
    let r = (&i8s + 127).unwrap();
    assert_eq!(r.dtype(), DType::Int8);
    assert_eq!(r.to_vec::<i8>().unwrap(), vec![-128; 3]); // 1 + 127 wraps
    assert_eq!((&u8s - 255).unwrap().to_vec::<u8>().unwrap(), vec![2; 3]); // 1 - 255 wraps to 2
}

#[test]
fn sizes_that_overflow_are_overflow_errors() {
    let huge = usize::MAX / 2;
    for dtype in [DType::Float32, DType::Int8, DType::Bool, DType::Float64] {
        assert!(matches!(no_panic("full", || xp::full(&[huge, 4], 1.0, dtype)), Err(Error::Overflow(_))), "full {dtype}");
        assert!(matches!(no_panic("zeros", || xp::zeros(&[huge, huge], dtype)), Err(Error::Overflow(_))), "zeros {dtype}");
    }
    // Element count fits usize but bytes do not.
    assert!(matches!(no_panic("full bytes", || xp::full(&[usize::MAX / 4], 0.0, DType::Float64)), Err(Error::Overflow(_))));
    assert!(matches!(no_panic("linspace", || xp::linspace(0.0, 1.0, usize::MAX, DType::Float64)), Err(Error::Overflow(_))));
    assert!(matches!(no_panic("ones", || xp::ones(&[1 << 40, 1 << 40], DType::Float32)), Err(Error::Overflow(_))));
    let x = f32s(&[1]);
    assert!(matches!(no_panic("broadcast_to huge", || xp::broadcast_to(&x, &[huge, 4])), Err(Error::Overflow(_))));
    assert!(matches!(no_panic("asarray", || xp::asarray(&[1.0f32], &[huge, 4])), Err(Error::Overflow(_) | Error::Shape(_))));
    assert!(matches!(no_panic("arange", || xp::arange(0.0, 1e300, 1e-300, DType::Float64)), Err(Error::Overflow(_))));
    assert!(matches!(no_panic("arange step 0", || xp::arange(0.0, 1.0, 0.0, DType::Float64)), Err(Error::Value(_))));
    assert!(matches!(no_panic("arange nan", || xp::arange(0.0, f64::NAN, 1.0, DType::Float64)), Err(Error::Value(_))));
}

#[test]
fn wrong_element_counts_are_shape_errors() {
    match no_panic("asarray", || xp::asarray(&[1.0f32, 2.0, 3.0], &[2, 2])) {
        Err(Error::Shape(m)) => assert!(m.contains('3') && m.contains("[2, 2]"), "{m}"),
        other => panic!("expected a shape error, got {other:?}"),
    }
    assert!(matches!(xp::asarray::<i64>(&[], &[1]), Err(Error::Shape(_))));
    assert!(matches!(xp::asarray(&[1u8], &[]), Ok(_)), "one element is a 0-d array");
    assert!(matches!(xp::asarray(&[1u8, 2], &[]), Err(Error::Shape(_))));
    assert!(matches!(xp::asarray::<f64>(&[], &[3, 0]), Ok(_)), "zero-size arrays are fine");
}

#[test]
fn reading_back_as_the_wrong_type_is_a_dtype_error() {
    let x = f32s(&[2]);
    assert!(matches!(no_panic("to_vec f64", || x.to_vec::<f64>()), Err(Error::DType(_))));
    assert!(matches!(no_panic("to_vec i32", || x.to_vec::<i32>()), Err(Error::DType(_))));
    let b = xp::less(&x, &x).unwrap();
    assert!(matches!(no_panic("to_vec u8 of bool", || b.to_vec::<u8>()), Err(Error::DType(_))));
    assert_eq!(b.to_vec::<bool>().unwrap(), vec![false, false]);
    assert!(matches!(no_panic("item of size 2", || x.item()), Err(Error::Value(_))));
    assert!(matches!(no_panic("get out of range", || x.get(2)), Err(Error::Index(_))));
}

#[test]
fn nan_empty_and_zero_size_inputs_compute_without_errors() {
    let nan = xp::asarray(&[f64::NAN, f64::INFINITY, -0.0], &[3]).unwrap();
    let y = no_panic("log(nan)", || xp::log(&(&nan * 2.0).unwrap()).unwrap().to_vec::<f64>().unwrap());
    assert!(y[0].is_nan() && y[1] == f64::INFINITY && y[2] == f64::NEG_INFINITY);
    for shape in [vec![0], vec![3, 0], vec![0, 5, 2]] {
        let e = xp::asarray::<f32>(&[], &shape).unwrap();
        let r = no_panic("zero-size", || xp::sin(&(&e + 1.0).unwrap()).unwrap());
        assert_eq!(r.shape(), &shape[..]);
        assert_eq!(r.to_vec::<f32>().unwrap(), Vec::<f32>::new());
        // A zero-size array broadcasts against shapes with 1s.
        let z = (&e + &f32s(&[1])).unwrap();
        assert_eq!(z.size(), 0);
        z.eval().unwrap();
    }
}

#[test]
fn errors_leave_operands_usable() {
    let a = f32s(&[3]);
    let b = f32s(&[4]);
    let pending = xp::sin(&a).unwrap();
    assert!(xp::add(&pending, &b).is_err());
    // The failed call did not disturb the graph.
    let v: Vec<f32> = (&pending + 1.0).unwrap().to_vec().unwrap();
    assert_eq!(v.len(), 3);
    assert!((v[0] - (1.5f32.sin() + 1.0)).abs() < 1e-6);
}
