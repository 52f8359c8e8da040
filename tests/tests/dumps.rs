//! What `explain()` and `to_dot()` tell a user, the kernel cache's hits and
//! miss reasons, and the fusion decisions (one kernel for outputs that share
//! inputs; a computed value broadcast to a larger shape materialized with
//! its reason).
//!
//! The kernel cache is process-wide and tests in this binary run in
//! parallel, so every expression whose hit or miss is asserted here appears
//! in exactly one test.

use lazyxp as xp;
use lazyxp_compiler::schedule::REASON_BROADCAST;
use xp::{Array, DType};

/// The "kernels run" lines of an explain text.
fn kernel_runs(explain: &str) -> Vec<&str> {
    explain.lines().filter(|l| l.starts_with("kernel ") && l.contains(" key ")).collect()
}

fn f32_leaf(shape: &[usize], scale: f32) -> Array {
    let n: usize = shape.iter().product();
    xp::asarray(&(0..n).map(|i| i as f32 * scale + 0.25).collect::<Vec<_>>(), shape).unwrap()
}

#[test]
fn explain_shows_one_fused_kernel_with_every_stage_then_cache_hits_and_misses() {
    // log(sin(x) + 5): one kernel, named after what it fuses.
    let x = f32_leaf(&[1000], 0.01);
    let y = xp::log(&(xp::sin(&x).unwrap() + 5.0).unwrap()).unwrap();
    let text = y.explain().unwrap();
    let runs = kernel_runs(&text);
    assert_eq!(runs.len(), 1, "one kernel expected:\n{text}");
    assert!(runs[0].starts_with("kernel 0 fused_sin_add_log_f32 key "), "{}", runs[0]);
    assert!(text.contains("== fusion plan (1 kernel) =="), "{text}");
    assert!(text.contains("== graph =="));
    assert!(text.contains("-- kernel IR --\nkernel fused_sin_add_log_f32(rank 1) {"), "{text}");
    assert!(text.contains("-- kernel IR after the math library"), "sin and log must be expanded:\n{text}");
    let clif = text.split("-- CLIF --").nth(1).expect("CLIF section");
    assert!(clif.contains("function") && clif.contains("return"), "CLIF looks wrong:\n{clif}");
    let asm = text.split("-- machine code (").nth(1).expect("machine code section");
    let (bytes, body) = asm.split_once(" bytes) --\n").unwrap();
    assert!(bytes.parse::<usize>().unwrap() > 0);
    assert!(body.lines().count() > 10, "machine code listing too short:\n{body}");
    // Values are right, too (≤ a few ULPs from libm).
    let v: Vec<f32> = y.to_vec().unwrap();
    for (i, &got) in v.iter().enumerate().step_by(97) {
        let want = ((i as f32 * 0.01 + 0.25).sin() + 5.0).ln();
        assert!((got - want).abs() <= 4.0 * f32::EPSILON * want.abs(), "y[{i}] = {got}, want {want}");
    }

    // Another constant and another length: the same kernel, a cache hit.
    let x2 = f32_leaf(&[77], 0.3);
    let y2 = xp::log(&(xp::sin(&x2).unwrap() + 6.0).unwrap()).unwrap();
    let text2 = y2.explain().unwrap();
    let runs2 = kernel_runs(&text2);
    assert_eq!(runs2.len(), 1, "{text2}");
    assert!(runs2[0].contains("fused_sin_add_log_f32") && runs2[0].contains("cache hit"), "{}", runs2[0]);
    assert_eq!(key_of(runs[0]), key_of(runs2[0]), "a hit is the same cache key");

    // Same name, different structure: the added value is an array, not a
    // scalar, so in1 is contiguous. The miss names the first differing line.
    let z = f32_leaf(&[1000], 0.5);
    let y3 = xp::log(&(xp::sin(&x).unwrap() + &z).unwrap()).unwrap();
    let text3 = y3.explain().unwrap();
    let runs3 = kernel_runs(&text3);
    assert_eq!(runs3.len(), 1, "{text3}");
    assert!(runs3[0].contains("fused_sin_add_log_f32") && runs3[0].contains("compiled ("), "{}", runs3[0]);
    assert!(runs3[0].contains("differs from cached kernel"), "{}", runs3[0]);
    assert!(runs3[0].contains("IR line 3") && runs3[0].contains("`in1: f32 contiguous` here") && runs3[0].contains("`in1: f32 scalar` there"), "{}", runs3[0]);

    // A broadcast input makes it strided over a rank-2 index space.
    let x4 = f32_leaf(&[4, 5], 0.1);
    let row = f32_leaf(&[5], 1.0);
    let y4 = xp::log(&(xp::sin(&x4).unwrap() + &row).unwrap()).unwrap();
    let text4 = y4.explain().unwrap();
    let runs4 = kernel_runs(&text4);
    assert_eq!(runs4.len(), 1, "{text4}");
    assert!(runs4[0].contains("differs from cached kernel") && runs4[0].contains("IR line 1"), "{}", runs4[0]);
    assert!(runs4[0].contains("(rank 2)") && text4.contains("in1: f32 strided"), "{text4}");
    // The broadcast read is right: y4[i, j] = log(sin(x4[i, j]) + row[j]).
    let v4: Vec<f32> = y4.to_vec().unwrap();
    let (xs, rs): (Vec<f32>, Vec<f32>) = (x4.to_vec().unwrap(), row.to_vec().unwrap());
    for i in 0..4 {
        for j in 0..5 {
            let want = (xs[i * 5 + j].sin() + rs[j]).ln();
            assert!((v4[i * 5 + j] - want).abs() <= 4.0 * f32::EPSILON * want.abs().max(1.0), "y4[{i}, {j}]");
        }
    }
    // Broadcasting along the other axis has the same IR: a hit.
    let col = f32_leaf(&[4, 1], 1.0);
    let y5 = xp::log(&(xp::sin(&x4).unwrap() + &col).unwrap()).unwrap();
    let text5 = y5.explain().unwrap();
    assert!(kernel_runs(&text5)[0].contains("cache hit"), "{text5}");
}

fn key_of(run_line: &str) -> &str {
    run_line.split(" key ").nth(1).unwrap().split(':').next().unwrap()
}

#[test]
fn to_dot_is_graphviz_with_every_node_op() {
    let x = xp::asarray(&[1.0f64, 2.0], &[2]).unwrap();
    let c = xp::asarray(&[true, false], &[2]).unwrap();
    let y = xp::where_(&c, &xp::exp(&x).unwrap(), &(&x * 3.0).unwrap()).unwrap();
    let y = xp::astype(&y, DType::Float32).unwrap();
    let dot = y.to_dot();
    assert!(dot.starts_with("digraph"), "{dot}");
    assert!(dot.trim_end().ends_with('}'));
    assert_eq!(dot.matches('{').count(), dot.matches('}').count());
    for op in ["leaf", "exp", "mul", "where", "cast", "const 3.0"] {
        assert!(dot.contains(op), "DOT lacks {op}:\n{dot}");
    }
    // Every edge joins two declared nodes.
    let declared: Vec<&str> = dot.lines().filter(|l| l.contains("[label=")).map(|l| l.trim().split_whitespace().next().unwrap()).collect();
    let edges: Vec<(&str, &str)> = dot
        .lines()
        .filter_map(|l| l.trim().trim_end_matches(';').split_once(" -> "))
        .collect();
    assert!(edges.len() >= 5, "{dot}");
    for (a, b) in edges {
        assert!(declared.contains(&a) && declared.contains(&b), "edge {a} -> {b} to an undeclared node:\n{dot}");
    }
    // Quotes in labels would break the file.
    for l in dot.lines().filter(|l| l.contains("[label=")) {
        assert_eq!(l.matches('"').count(), 2, "{l}");
    }
    // After evaluation the graph is just the realized node.
    y.eval().unwrap();
    assert!(y.to_dot().matches("[label=").count() == 1, "{}", y.to_dot());
}

#[test]
fn outputs_sharing_inputs_come_out_of_one_kernel() {
    let x = f32_leaf(&[300], 0.02);
    let a = (xp::tanh(&x).unwrap() * 2.0).unwrap();
    let b = (xp::exp(&x).unwrap() - &x).unwrap();
    xp::eval(&[&a, &b]).unwrap();
    let text = a.explain().unwrap();
    assert_eq!(kernel_runs(&text).len(), 1, "{text}");
    assert!(text.contains("== fusion plan (1 kernel) =="), "{text}");
    assert!(text.contains("store out0") && text.contains("store out1"), "one kernel with two outputs:\n{text}");
    // Both arrays were realized by that eval and report the same record.
    assert!(b.is_evaluated());
    assert_eq!(kernel_runs(&b.explain().unwrap()), kernel_runs(&text));
    let (av, bv, xv): (Vec<f32>, Vec<f32>, Vec<f32>) = (a.to_vec().unwrap(), b.to_vec().unwrap(), x.to_vec().unwrap());
    for i in 0..300 {
        assert!((av[i] - xv[i].tanh() * 2.0).abs() <= 1e-6 * 2.0);
        assert!((bv[i] - (xv[i].exp() - xv[i])).abs() <= 4.0 * f32::EPSILON * xv[i].exp());
    }
}

#[test]
fn a_computed_value_broadcast_to_a_larger_shape_is_materialized() {
    let x = xp::asarray(&[0.5f64, 1.0, 2.0], &[3]).unwrap();
    let z = xp::asarray(&(0..12).map(|i| i as f64).collect::<Vec<_>>(), &[4, 3]).unwrap();
    let s = xp::cos(&x).unwrap();
    let y = (&xp::broadcast_to(&s, &[4, 3]).unwrap() + &z).unwrap();
    let text = y.explain().unwrap();
    assert!(text.contains(REASON_BROADCAST), "{text}");
    assert!(text.contains("== fusion plan (2 kernels) =="), "{text}");
    assert_eq!(kernel_runs(&text).len(), 2, "{text}");
    // cos(x) was computed once and kept; the sum reads it.
    assert!(s.is_evaluated(), "the materialized value is realized");
    let (sv, yv): (Vec<f64>, Vec<f64>) = (s.to_vec().unwrap(), y.to_vec().unwrap());
    for i in 0..4 {
        for j in 0..3 {
            assert_eq!(yv[i * 3 + j].to_bits(), (sv[j] + (i * 3 + j) as f64).to_bits());
        }
    }
    // Implicit broadcasting in a binary op does the same.
    let w = (xp::sqrt(&x).unwrap() * &z).unwrap();
    let text = w.explain().unwrap();
    assert!(text.contains(REASON_BROADCAST) && kernel_runs(&text).len() == 2, "{text}");
    // Broadcasting a leaf (or a constant) costs nothing: one kernel.
    let v = (&x + &z).unwrap();
    let text = v.explain().unwrap();
    assert!(!text.contains(REASON_BROADCAST) && kernel_runs(&text).len() == 1, "{text}");
}

#[test]
fn explain_of_data_and_of_zero_size_arrays() {
    let x = xp::asarray(&[1i16, 2], &[2]).unwrap();
    assert!(x.explain().unwrap().contains("no kernel computed it"));
    let e = xp::asarray::<f32>(&[], &[0, 3]).unwrap();
    let y = xp::sin(&e).unwrap();
    let text = y.explain().unwrap();
    assert!(kernel_runs(&text).is_empty(), "nothing to run for a zero-size result:\n{text}");
}
