//! Eight threads evaluating expressions over shared subgraphs at once:
//! shared `Array` clones, overlapping (hash-consed) subexpressions, and
//! several threads calling `eval` on the same pending node concurrently.
//! Results are compared with plain Rust computed in the same order (exact
//! for + - * and sqrt; within a few ULPs for sin, which is not libm's).

use lazyxp as xp;
use std::sync::Barrier;

const N: usize = 20_011; // several thread-pool ranges, with a tail
const THREADS: usize = 8;

fn data(seed: f32) -> Vec<f32> {
    (0..N).map(|i| ((i as f32) * 0.37 + seed).sin() * 10.0).collect()
}

#[test]
fn eight_threads_share_subgraphs_and_get_exact_results() {
    for round in 0..6 {
        let (av, bv, cv) = (data(round as f32), data(1.5 + round as f32), data(-2.0));
        let a = xp::asarray(&av, &[N]).unwrap();
        let b = xp::asarray(&bv, &[N]).unwrap();
        let c = xp::asarray(&cv, &[N]).unwrap();
        // Pending and shared by every thread.
        let shared = ((&a * &b).unwrap() + &c).unwrap();
        let barrier = Barrier::new(THREADS);
        std::thread::scope(|scope| {
            for t in 0..THREADS {
                let (a, b, shared, barrier) = (a.clone(), b.clone(), shared.clone(), &barrier);
                let (av, bv, cv) = (&av, &bv, &cv);
                scope.spawn(move || {
                    barrier.wait();
                    let k = t as f32;
                    // Half the threads race to evaluate `shared` itself.
                    if t % 2 == 0 {
                        shared.eval().unwrap();
                    }
                    // Every thread rebuilds an overlapping subexpression:
                    // hash-consing hands them all the same node.
                    let overlap = xp::sqrt(&xp::abs(&a).unwrap()).unwrap();
                    let mine = ((&shared * k as f64).unwrap() - &overlap).unwrap();
                    let other = ((&overlap + &b).unwrap() * 2.0).unwrap();
                    xp::eval(&[&mine, &other]).unwrap();
                    let got_mine: Vec<f32> = mine.to_vec().unwrap();
                    let got_other: Vec<f32> = other.to_vec().unwrap();
                    let got_shared: Vec<f32> = shared.to_vec().unwrap();
                    for i in 0..N {
                        let s = av[i] * bv[i] + cv[i];
                        let o = av[i].abs().sqrt();
                        assert_eq!(got_shared[i].to_bits(), s.to_bits(), "round {round} thread {t} shared[{i}]");
                        assert_eq!(got_mine[i].to_bits(), (s * k - o).to_bits(), "round {round} thread {t} mine[{i}]");
                        assert_eq!(got_other[i].to_bits(), ((o + bv[i]) * 2.0).to_bits(), "round {round} thread {t} other[{i}]");
                    }
                });
            }
        });
        assert!(shared.is_evaluated());
    }
}

#[test]
fn concurrent_evals_of_one_node_agree_and_compile_once() {
    for round in 0..10 {
        let xv: Vec<f64> = (0..N).map(|i| i as f64 * 1e-3 - 7.0 + round as f64).collect();
        let x = xp::asarray(&xv, &[N]).unwrap();
        let y = xp::sin(&(&x * 0.5).unwrap()).unwrap();
        let y = (&y + &x).unwrap();
        let barrier = Barrier::new(THREADS);
        let results: Vec<Vec<f64>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..THREADS)
                .map(|_| {
                    let (y, barrier) = (y.clone(), &barrier);
                    scope.spawn(move || {
                        barrier.wait();
                        y.to_vec::<f64>().unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for r in &results[1..] {
            assert_eq!(r.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), results[0].iter().map(|v| v.to_bits()).collect::<Vec<_>>());
        }
        for i in 0..N {
            let want = (xv[i] * 0.5).sin() + xv[i];
            let tol = 4.0 * f64::EPSILON * want.abs().max(1.0);
            assert!((results[0][i] - want).abs() <= tol, "y[{i}] = {}, want {want}", results[0][i]);
        }
    }
}

#[test]
fn threads_building_the_same_expression_share_nodes() {
    let x = xp::asarray(&[1.0f32, 4.0, 9.0], &[3]).unwrap();
    let nodes: Vec<xp::Array> = std::thread::scope(|scope| {
        let hs: Vec<_> = (0..THREADS).map(|_| scope.spawn(|| xp::sqrt(&(&x + 0.0).unwrap()).unwrap())).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for n in &nodes[1..] {
        assert!(std::sync::Arc::ptr_eq(n.node(), nodes[0].node()), "hash-consing must give every thread the same node");
    }
    assert_eq!(nodes[3].to_vec::<f32>().unwrap(), vec![1.0, 2.0, 3.0]);
}
