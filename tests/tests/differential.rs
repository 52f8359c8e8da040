//! Differential tests through the frontend: the same random elementwise
//! expression is built twice from separate leaves (leaves are unique nodes;
//! computed nodes are hash-consed, so separate leaves keep the two graphs
//! apart), evaluated once by the Cranelift backend and once by the reference
//! interpreter, and the results must agree bit for bit. The random
//! expressions compare two NaNs as equal whatever their payload (IEEE 754
//! leaves open which operand's payload an op with two NaN inputs returns,
//! and compilers commute `a * b`); the per-op tests below keep checking
//! payloads where an op defines them.

use lazyxp as xp;
use lazyxp_tests::{array_from_bits, first_difference, first_difference_nan_equal, random_data, raw_bytes, REAL_DTYPES};
use proptest::prelude::*;
use xp::{Array, DType, Engine, Error, PyScalar};

#[derive(Debug, Clone, Copy)]
enum Un {
    Neg,
    Abs,
    Sqrt,
    Sin,
    Cos,
    Exp,
    Log,
    Tanh,
    Floor,
    Ceil,
    Round,
    Trunc,
    LogicalNot,
    Invert,
}
const UNARY: [Un; 14] = [
    Un::Neg,
    Un::Abs,
    Un::Sqrt,
    Un::Sin,
    Un::Cos,
    Un::Exp,
    Un::Log,
    Un::Tanh,
    Un::Floor,
    Un::Ceil,
    Un::Round,
    Un::Trunc,
    Un::LogicalNot,
    Un::Invert,
];

#[derive(Debug, Clone, Copy)]
enum Bin {
    Add,
    Sub,
    Mul,
    Div,
    Max,
    Min,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    BitAnd,
    BitOr,
    BitXor,
    LogicalAnd,
    LogicalOr,
    LogicalXor,
}
const BINARY: [Bin; 18] = [
    Bin::Add,
    Bin::Sub,
    Bin::Mul,
    Bin::Div,
    Bin::Max,
    Bin::Min,
    Bin::Eq,
    Bin::Ne,
    Bin::Lt,
    Bin::Le,
    Bin::Gt,
    Bin::Ge,
    Bin::BitAnd,
    Bin::BitOr,
    Bin::BitXor,
    Bin::LogicalAnd,
    Bin::LogicalOr,
    Bin::LogicalXor,
];

#[derive(Debug, Clone)]
enum E {
    Leaf(usize),
    Un(Un, Box<E>),
    Bin(Bin, Box<E>, Box<E>),
    /// `op(e, scalar)`, or `op(scalar, e)` when the flag is set (Python
    /// scalar rules: the scalar takes the array's dtype).
    BinPy(Bin, Box<E>, PyScalar, bool),
    /// `where_(astype(c, bool), a, b)`.
    Where(Box<E>, Box<E>, Box<E>),
    Cast(DType, Box<E>),
}

fn un(op: Un, a: &Array) -> xp::Result<Array> {
    match op {
        Un::Neg => xp::negative(a),
        Un::Abs => xp::abs(a),
        Un::Sqrt => xp::sqrt(a),
        Un::Sin => xp::sin(a),
        Un::Cos => xp::cos(a),
        Un::Exp => xp::exp(a),
        Un::Log => xp::log(a),
        Un::Tanh => xp::tanh(a),
        Un::Floor => xp::floor(a),
        Un::Ceil => xp::ceil(a),
        Un::Round => xp::round(a),
        Un::Trunc => xp::trunc(a),
        Un::LogicalNot => xp::logical_not(a),
        Un::Invert => xp::bitwise_invert(a),
    }
}

fn bin(op: Bin, a: &Array, b: &Array) -> xp::Result<Array> {
    match op {
        Bin::Add => xp::add(a, b),
        Bin::Sub => xp::subtract(a, b),
        Bin::Mul => xp::multiply(a, b),
        Bin::Div => xp::divide(a, b),
        Bin::Max => xp::maximum(a, b),
        Bin::Min => xp::minimum(a, b),
        Bin::Eq => xp::equal(a, b),
        Bin::Ne => xp::not_equal(a, b),
        Bin::Lt => xp::less(a, b),
        Bin::Le => xp::less_equal(a, b),
        Bin::Gt => xp::greater(a, b),
        Bin::Ge => xp::greater_equal(a, b),
        Bin::BitAnd => xp::bitwise_and(a, b),
        Bin::BitOr => xp::bitwise_or(a, b),
        Bin::BitXor => xp::bitwise_xor(a, b),
        Bin::LogicalAnd => xp::logical_and(a, b),
        Bin::LogicalOr => xp::logical_or(a, b),
        Bin::LogicalXor => xp::logical_xor(a, b),
    }
}

/// An op the dtypes do not allow is a typed error (never a panic, never a
/// shape error: shapes are compatible by construction); the expression then
/// continues with the first operand, the same way in both builds.
fn or_first(r: xp::Result<Array>, first: &Array, what: &dyn std::fmt::Debug) -> Array {
    match r {
        Ok(a) => a,
        Err(Error::DType(_)) | Err(Error::Value(_)) => first.clone(),
        Err(e) => panic!("{what:?}: unexpected error {e}"),
    }
}

fn build(e: &E, leaves: &[Array]) -> Array {
    match e {
        E::Leaf(i) => leaves[i % leaves.len()].clone(),
        E::Un(op, a) => {
            let a = build(a, leaves);
            or_first(un(*op, &a), &a, op)
        }
        E::Bin(op, a, b) => {
            let (a, b) = (build(a, leaves), build(b, leaves));
            or_first(bin(*op, &a, &b), &a, op)
        }
        E::BinPy(op, a, s, scalar_first) => {
            let a = build(a, leaves);
            let s = match xp::scalar_like(&a, *s) {
                Ok(s) => s,
                Err(Error::Value(_)) => return a,
                Err(e) => panic!("scalar_like: {e}"),
            };
            let r = if *scalar_first { bin(*op, &s, &a) } else { bin(*op, &a, &s) };
            or_first(r, &a, op)
        }
        E::Where(c, a, b) => {
            let c = build(c, leaves);
            let (a, b) = (build(a, leaves), build(b, leaves));
            // A complex condition cannot be cast to bool (the standard);
            // it is "not 0+0j" then.
            let c = match xp::astype(&c, DType::Bool) {
                Ok(c) => c,
                Err(Error::DType(_)) => xp::not_equal(&c, &xp::scalar_like(&c, 0i64).unwrap()).unwrap(),
                Err(e) => panic!("where condition: {e}"),
            };
            or_first(xp::where_(&c, &a, &b), &a, &"where")
        }
        E::Cast(d, a) => {
            let a = build(a, leaves);
            or_first(xp::astype(&a, *d), &a, &"astype")
        }
    }
}

#[derive(Debug, Clone)]
struct Leaf {
    dtype: DType,
    shape: Vec<usize>,
    seed: u64,
}

#[derive(Debug, Clone)]
struct Case {
    leaves: Vec<Leaf>,
    exprs: Vec<E>,
}

fn make_leaves(c: &Case) -> Vec<Array> {
    c.leaves
        .iter()
        .map(|l| {
            let n: usize = l.shape.iter().product();
            array_from_bits(l.dtype, &l.shape, &random_data(l.dtype, n, l.seed)).unwrap()
        })
        .collect()
}

/// Every dtype, complex ones included.
fn dtype() -> impl Strategy<Value = DType> {
    prop::sample::select(DType::ALL.to_vec())
}

fn py_scalar() -> impl Strategy<Value = PyScalar> {
    prop_oneof![
        prop::sample::select(vec![0i64, 1, -1, 2, 7, 100, 127, -128, 255, 300, 65536, i64::MAX, i64::MIN]).prop_map(PyScalar::Int),
        prop::sample::select(vec![0.0, -0.0, 1.0, -1.5, 2.5, 0.1, 1e300, -1e-310, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, -f64::NAN])
            .prop_map(PyScalar::Float),
        any::<bool>().prop_map(PyScalar::Bool),
    ]
}

fn expr() -> impl Strategy<Value = E> {
    let leaf = (0usize..4).prop_map(E::Leaf);
    leaf.prop_recursive(4, 14, 3, |inner| {
        prop_oneof![
            3 => (prop::sample::select(UNARY.to_vec()), inner.clone()).prop_map(|(o, a)| E::Un(o, Box::new(a))),
            4 => (prop::sample::select(BINARY.to_vec()), inner.clone(), inner.clone())
                .prop_map(|(o, a, b)| E::Bin(o, Box::new(a), Box::new(b))),
            2 => (prop::sample::select(BINARY.to_vec()), inner.clone(), py_scalar(), any::<bool>())
                .prop_map(|(o, a, s, f)| E::BinPy(o, Box::new(a), s, f)),
            1 => (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| E::Where(Box::new(c), Box::new(a), Box::new(b))),
            2 => (dtype(), inner).prop_map(|(d, a)| E::Cast(d, Box::new(a))),
        ]
    })
}

/// A base shape (rank 0..=3, zero-size and size-1 dimensions included) and
/// for each leaf a shape that broadcasts to it: a suffix of the base with
/// some dimensions set to 1.
fn case(max_exprs: usize) -> impl Strategy<Value = Case> {
    let dim = prop_oneof![1 => Just(0usize), 3 => Just(1usize), 4 => 2usize..=5, 2 => Just(7usize), 2 => Just(13usize), 1 => Just(33usize), 1 => Just(70usize)];
    let base = prop::collection::vec(dim, 0..=3);
    let leaf = (dtype(), 0usize..=3, any::<u8>(), any::<u64>());
    (base, prop::collection::vec(leaf, 1..=4), prop::collection::vec(expr(), 1..=max_exprs)).prop_map(|(mut base, leaves, exprs)| {
        while base.iter().product::<usize>() > 3000 {
            base.remove(0);
        }
        let leaves = leaves
            .into_iter()
            .map(|(dtype, rank, mask, seed)| {
                let rank = rank.min(base.len());
                let shape = base[base.len() - rank..]
                    .iter()
                    .enumerate()
                    .map(|(i, &d)| if mask >> i & 1 == 1 { 1 } else { d })
                    .collect();
                Leaf { dtype, shape, seed }
            })
            .collect();
        Case { leaves, exprs }
    })
}

fn check_case(c: &Case) -> Result<(), TestCaseError> {
    let (la, lb) = (make_leaves(c), make_leaves(c));
    let outs_a: Vec<Array> = c.exprs.iter().map(|e| build(e, &la)).collect();
    let outs_b: Vec<Array> = c.exprs.iter().map(|e| build(e, &lb)).collect();
    for (a, b) in outs_a.iter().zip(&outs_b) {
        if !a.is_evaluated() {
            prop_assert!(!std::sync::Arc::ptr_eq(a.node(), b.node()), "the two builds must not share pending nodes");
        }
    }
    xp::eval(&outs_a.iter().collect::<Vec<_>>()).map_err(|e| TestCaseError::fail(format!("cranelift eval: {e}")))?;
    xp::eval_with(&outs_b.iter().collect::<Vec<_>>(), Engine::Interpreter)
        .map_err(|e| TestCaseError::fail(format!("interpreter eval: {e}")))?;
    for (k, (a, b)) in outs_a.iter().zip(&outs_b).enumerate() {
        prop_assert!(a.is_evaluated() && b.is_evaluated());
        prop_assert_eq!(a.dtype(), b.dtype());
        prop_assert_eq!(a.shape(), b.shape());
        let (x, y) = (raw_bytes(a).unwrap(), raw_bytes(b).unwrap());
        let difference = first_difference_nan_equal(&x, &y, a.dtype());
        prop_assert!(
            difference.is_none(),
            "output {} ({:?} {}): cranelift and interpreter differ at {}\nexpr: {:?}",
            k,
            a.shape(),
            a.dtype(),
            difference.unwrap_or_default(),
            c.exprs[k]
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("DIFF_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000), ..ProptestConfig::default() })]

    #[test]
    fn random_expressions_agree_bit_for_bit(c in case(1)) {
        check_case(&c)?;
    }

    /// Several outputs in one eval: outputs of one shape come out of one
    /// multi-output kernel.
    #[test]
    fn multi_output_evals_agree_bit_for_bit(c in case(4)) {
        check_case(&c)?;
    }
}

/// Every unary and binary op on every dtype (and every ordered dtype pair
/// for binary ops, through promotion) over data full of special values,
/// with lengths that leave SIMD tails; deterministic, so nothing depends on
/// proptest finding the interesting combination.
#[test]
fn every_op_on_every_dtype_agrees() {
    let n = 37;
    let mut checked = 0;
    let compare = |what: String, a: &[Array], b: &[Array]| {
        xp::eval(&a.iter().collect::<Vec<_>>()).unwrap();
        xp::eval_with(&b.iter().collect::<Vec<_>>(), Engine::Interpreter).unwrap();
        for (x, y) in a.iter().zip(b) {
            let (bx, by) = (raw_bytes(x).unwrap(), raw_bytes(y).unwrap());
            assert!(bx == by, "{what} ({}): {}", x.dtype(), first_difference(&bx, &by, x.dtype().size()).unwrap());
        }
    };
    for (i, &da) in REAL_DTYPES.iter().enumerate() {
        let mk = |d: DType, seed: u64| array_from_bits(d, &[n], &random_data(d, n, seed)).unwrap();
        for op in UNARY {
            let (a, b) = (mk(da, i as u64), mk(da, i as u64));
            if let (Ok(x), Ok(y)) = (un(op, &a), un(op, &b)) {
                compare(format!("{op:?}({da})"), &[x], &[y]);
                checked += 1;
            }
        }
        for (j, &db) in REAL_DTYPES.iter().enumerate() {
            let seeds = (100 + i as u64, 200 + j as u64);
            let (a1, b1, a2, b2) = (mk(da, seeds.0), mk(db, seeds.1), mk(da, seeds.0), mk(db, seeds.1));
            if da == db {
                // One kernel per op: uniform lane widths, so the SIMD path runs.
                for op in BINARY {
                    if let (Ok(x), Ok(y)) = (bin(op, &a1, &b1), bin(op, &a2, &b2)) {
                        compare(format!("{op:?}({da}, {db})"), &[x], &[y]);
                        checked += 1;
                    }
                }
            } else {
                // Mixed dtypes: all ops as outputs of one kernel.
                let xs: Vec<Array> = BINARY.iter().filter_map(|&op| bin(op, &a1, &b1).ok()).collect();
                let ys: Vec<Array> = BINARY.iter().filter_map(|&op| bin(op, &a2, &b2).ok()).collect();
                compare(format!("all binary ops ({da}, {db})"), &xs, &ys);
                checked += xs.len();
            }
        }
        // Casts to every dtype, all in one kernel and one by one.
        let xs: Vec<Array> = REAL_DTYPES.iter().map(|&t| xp::astype(&mk(da, 7), t).unwrap()).collect();
        let ys: Vec<Array> = REAL_DTYPES.iter().map(|&t| xp::astype(&mk(da, 7), t).unwrap()).collect();
        compare(format!("casts from {da}"), &xs, &ys);
        for t in REAL_DTYPES {
            compare(format!("cast {da} -> {t}"), &[xp::astype(&mk(da, 8), t).unwrap()], &[xp::astype(&mk(da, 8), t).unwrap()]);
        }
    }
    assert!(checked > 500, "only {checked} combinations were valid");
}

/// The interpreter itself against plain Rust on a few ops whose IEEE
/// results are fully specified, so the oracle is checked too.
#[test]
fn both_engines_match_plain_rust_on_specified_ops() {
    let n = 41;
    let bits = random_data(DType::Float64, 2 * n, 99);
    let (xa, ya): (Vec<f64>, Vec<f64>) = (bits[..n].iter().map(|&b| f64::from_bits(b)).collect(), bits[n..].iter().map(|&b| f64::from_bits(b)).collect());
    for engine in [Engine::Cranelift, Engine::Interpreter] {
        let x = xp::asarray(&xa, &[n]).unwrap();
        let y = xp::asarray(&ya, &[n]).unwrap();
        let sum = (&x + &y).unwrap();
        let prod = (&x * &y).unwrap();
        let quot = (&x / &y).unwrap();
        let root = xp::sqrt(&x).unwrap();
        let fl = xp::floor(&x).unwrap();
        let rn = xp::round(&x).unwrap();
        let lt = xp::less(&x, &y).unwrap();
        let ne = xp::not_equal(&x, &y).unwrap();
        let to_i32 = xp::astype(&x, DType::Int32).unwrap();
        let to_f32 = xp::astype(&x, DType::Float32).unwrap();
        xp::eval_with(&[&sum, &prod, &quot, &root, &fl, &rn, &lt, &ne, &to_i32, &to_f32], engine).unwrap();
        let same = |got: Vec<f64>, want: Vec<f64>, what: &str| {
            for i in 0..n {
                // NaN payloads are checked between engines elsewhere; here
                // only NaN-ness is specified by IEEE 754.
                let ok = got[i].to_bits() == want[i].to_bits() || (got[i].is_nan() && want[i].is_nan());
                assert!(ok, "{engine:?} {what}[{i}] of {:e}, {:e}: got {:e}, want {:e}", xa[i], ya[i], got[i], want[i]);
            }
        };
        same(sum.to_vec().unwrap(), xa.iter().zip(&ya).map(|(a, b)| a + b).collect(), "add");
        same(prod.to_vec().unwrap(), xa.iter().zip(&ya).map(|(a, b)| a * b).collect(), "mul");
        same(quot.to_vec().unwrap(), xa.iter().zip(&ya).map(|(a, b)| a / b).collect(), "div");
        same(root.to_vec().unwrap(), xa.iter().map(|a| a.sqrt()).collect(), "sqrt");
        same(fl.to_vec().unwrap(), xa.iter().map(|a| a.floor()).collect(), "floor");
        same(rn.to_vec().unwrap(), xa.iter().map(|a| a.round_ties_even()).collect(), "round");
        assert_eq!(lt.to_vec::<bool>().unwrap(), xa.iter().zip(&ya).map(|(a, b)| a < b).collect::<Vec<_>>(), "{engine:?} less");
        assert_eq!(ne.to_vec::<bool>().unwrap(), xa.iter().zip(&ya).map(|(a, b)| a != b).collect::<Vec<_>>(), "{engine:?} not_equal");
        assert_eq!(to_i32.to_vec::<i32>().unwrap(), xa.iter().map(|&a| a as i32).collect::<Vec<_>>(), "{engine:?} astype int32");
        let f: Vec<f32> = to_f32.to_vec().unwrap();
        for i in 0..n {
            let want = xa[i] as f32;
            assert!(f[i].to_bits() == want.to_bits() || (f[i].is_nan() && want.is_nan()), "{engine:?} astype f32 of {:e}", xa[i]);
        }
    }
}

/// exp scales by one power of two where every result is normal and runs
/// its general path in a cold region elsewhere (overflow, subnormal
/// results, infinities, NaN). Vectors mixing both kinds of lane, values at
/// the thresholds and NaN payloads give the interpreter's bits (which
/// computes both paths for every lane): elementwise, and inside
/// reductions over short rows, long rows (whose loop tests a whole trip
/// of vectors at once and runs it again with every region computed; a
/// softmax also stores the values again) and columns (max and sum), with general lanes everywhere, only now and
/// then, or nowhere.
#[test]
fn exp_fast_and_general_lanes_agree_with_the_interpreter() {
    let specials32 = [0x7fc0_0001u64, 0xffc0_0abc, 0x7f80_0077, 0x7f80_0000, 0xff80_0000, 0x8000_0000, 0x0000_0001];
    let specials64 = [0x7ff8_0000_0000_0001u64, 0xfff8_0000_0000_0abc, 0x7ff0_0000_0000_0077, 0x7ff0_0000_0000_0000, 0xfff0_0000_0000_0000, 0x8000_0000_0000_0000, 0x1];
    for (dtype, lo, hi, lim, specials) in [(DType::Float32, -110.0, 95.0, 87.0, &specials32), (DType::Float64, -760.0, 720.0, 708.0, &specials64)] {
        let to_bits = |x: f64| if dtype == DType::Float32 { (x as f32).to_bits() as u64 } else { x.to_bits() };
        // Dense: the whole range, the thresholds, a special every seventh
        // lane. Sparse: ordinary arguments with a special every 97th.
        let mut dense: Vec<f64> = (0..4000).map(|i| lo + (hi - lo) * i as f64 / 3999.0).collect();
        for (i, d) in [-1e-3, 0.0, 1e-3].into_iter().enumerate() {
            dense[100 + 2 * i] = lim + d;
            dense[101 + 2 * i] = -lim + d;
        }
        let dense: Vec<u64> = dense.iter().enumerate().map(|(i, &x)| if i % 7 == 3 { specials[i / 7 % specials.len()] } else { to_bits(x) }).collect();
        let sparse: Vec<u64> = (0..4000).map(|i| if i % 97 == 50 { specials[i / 97 % specials.len()] } else { to_bits((i as f64 * 0.618).fract() * 20.0 - 10.0) }).collect();
        // Plain: no special at all, so that sums stay finite.
        let plain: Vec<u64> = (0..4000).map(|i| to_bits((i as f64 * 0.618).fract() * 20.0 - 10.0)).collect();
        for (what, bits) in [("dense", &dense), ("sparse", &sparse), ("plain", &plain)] {
            let n = bits.len();
            let leaf = || array_from_bits(dtype, &[n], bits).unwrap();
            let reduced = |x: Array, shape: &[isize], axis: isize| xp::max(&xp::exp(&xp::reshape(&x, shape).unwrap()).unwrap(), Some(&[axis]), false).unwrap();
            // Column sums of exp take the canonical column block with its
            // accumulators in memory (a heavy body), 250 rows a tail of two.
            // A row softmax stores exp's values for its division: a trip
            // run again must store them again. Scaled so that a row spans
            // far more than 87.
            let softmax = |x: Array| {
                let x = (&xp::reshape(&x, &[4, 1000]).unwrap() * 4.0).unwrap();
                let e = xp::exp(&(&x - &xp::max(&x, Some(&[1]), true).unwrap()).unwrap()).unwrap();
                (&e / &xp::sum(&e, Some(&[1]), true).unwrap()).unwrap()
            };
            let cases: [(&str, &dyn Fn(Array) -> Array); 6] = [
                ("elementwise", &|x| xp::exp(&x).unwrap()),
                ("softmax rows", &softmax),
                ("short rows", &|x| reduced(x, &[500, 8], 1)),
                ("long rows", &|x| reduced(x, &[4, 1000], 1)),
                ("columns", &|x| reduced(x, &[250, 16], 0)),
                ("column sums", &|x| xp::sum(&xp::exp(&xp::reshape(&x, &[250, 16]).unwrap()).unwrap(), Some(&[0]), false).unwrap()),
            ];
            for (case, f) in cases {
                let (a, b) = (f(leaf()), f(leaf()));
                xp::eval(&[&a]).unwrap();
                xp::eval_with(&[&b], Engine::Interpreter).unwrap();
                let (ba, bb) = (raw_bytes(&a).unwrap(), raw_bytes(&b).unwrap());
                assert!(ba == bb, "exp {dtype}, {what}, {case}: {}", first_difference(&ba, &bb, dtype.size()).unwrap());
            }
        }
    }
}
