//! Graphs built in long loops: a million-node chain evaluates without
//! overflowing the stack (the frontend realizes pending chains past
//! `MAX_PENDING_DEPTH`), gives exact values, and long unevaluated graphs
//! drop without deep recursion.

use lazyxp as xp;
use xp::DType;

#[test]
fn a_million_node_chain_evaluates_exactly() {
    const N: usize = 1_000_000;
    let start = [0.0f64, 0.5, -3.0, 1e9];
    let mut x = xp::asarray(&start, &[4]).unwrap();
    for _ in 0..N {
        x = (&x + 1.0).unwrap();
    }
    // Nothing but the last partial chain is pending, however long the loop.
    assert!(x.node().pending_depth() <= xp::MAX_PENDING_DEPTH + 1);
    let got: Vec<f64> = x.to_vec().unwrap();
    // Every partial sum is an integer or half-integer below 2^53: exact.
    let want: Vec<f64> = start.iter().map(|v| v + N as f64).collect();
    assert_eq!(got, want);
}

#[test]
fn a_long_chain_of_mixed_ops_matches_plain_rust() {
    // x -> x * 3 - 2 * x (= x, exactly, for small integers), then + 1,
    // over int32 with a shared subexpression in every step.
    let mut x = xp::asarray(&[1i32, -7, 100], &[3]).unwrap();
    let mut want = [1i32, -7, 100];
    for i in 0..30_000 {
        let three = (&x * 3).unwrap();
        let two = (&x * 2).unwrap();
        x = ((three - two).unwrap() + (i % 5) as i64).unwrap();
        for w in &mut want {
            *w = w.wrapping_mul(3).wrapping_sub(w.wrapping_mul(2)).wrapping_add(i % 5);
        }
    }
    assert_eq!(x.to_vec::<i32>().unwrap(), want);
}

#[test]
fn dropping_long_unevaluated_chains_does_not_recurse_deeply() {
    // Built and dropped on a thread with a small stack: if dropping (or
    // building) recursed once per node, 200,000 nodes would overflow it.
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            for _ in 0..2 {
                let mut x = xp::asarray(&[1.0f32, 2.0], &[2]).unwrap();
                for i in 0..200_000 {
                    x = if i % 2 == 0 { xp::negative(&x).unwrap() } else { (&x * 1.0).unwrap() };
                }
                assert!(x.node().pending_depth() <= xp::MAX_PENDING_DEPTH + 1);
                drop(x); // never evaluated explicitly
            }
        })
        .unwrap()
        .join()
        .expect("building or dropping a long chain overflowed a 256 KiB stack");
}

#[test]
fn a_long_chain_of_casts_and_comparisons() {
    // Alternating dtypes: bool -> int8 -> bool ... stays exact.
    let mut b = xp::asarray(&[true, false, true], &[3]).unwrap();
    for _ in 0..5_000 {
        let i = xp::astype(&b, DType::Int8).unwrap();
        b = xp::equal(&i, &xp::zeros(&[3], DType::Int8).unwrap()).unwrap();
    }
    // 5000 negations: back where it started.
    assert_eq!(b.to_vec::<bool>().unwrap(), vec![true, false, true]);
}

/// A deep pending chain made with `graph::intern` directly (bypassing the
/// frontend's automatic evaluation) must drop without recursing once per
/// node. Runs in a child process so an overflow is a test failure, not an
/// abort of this binary.
#[test]
fn compiler_level_deep_chain_drops_without_overflow() {
    use lazyxp_compiler::graph::{intern, Node, NodeOp, State};
    use lazyxp_compiler::kernel_ir::UnaryOp;
    use lazyxp_runtime::{Buffer, Shape};
    const CHILD: &str = "LAZYXP_TEST_DEEP_DROP_CHILD";
    if std::env::var_os(CHILD).is_some() {
        let mut x = Node::leaf(Buffer::from_bytes(&[0u8; 4]).unwrap(), DType::Float32, Shape::from_slice(&[1]));
        for _ in 0..1_000_000 {
            x = intern(NodeOp::Unary(UnaryOp::Neg), DType::Float32, Shape::from_slice(&[1]), std::iter::once(x).collect(), State::Pending);
        }
        drop(x);
        return;
    }
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "compiler_level_deep_chain_drops_without_overflow", "--test-threads=1"])
        .env(CHILD, "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "dropping a 1,000,000-node pending chain built with graph::intern crashed: {status}");
}
