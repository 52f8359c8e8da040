//! The Cranelift backend on hand-written kernel IR: each access pattern,
//! the vector and scalar paths, and tails of every length.

use lazyxp_compiler::backend::cranelift::compile_with_lanes;
use lazyxp_compiler::kernel_ir::parse_kernel;
use lazyxp_runtime::launch::LaunchArgs;

fn run_f32(text: &str, lanes: Option<u32>, inputs: &[(&[f32], Option<Vec<isize>>)], dims: &[usize], n: usize) -> Vec<f32> {
    let k = parse_kernel(text).unwrap();
    let c = compile_with_lanes(&k, true, lanes).unwrap();
    let mut out = vec![0f32; n];
    let mut args = LaunchArgs::default();
    for (data, _) in inputs {
        args.push_ptr(data.as_ptr() as *const u8);
    }
    args.push_ptr(out.as_mut_ptr() as *const u8);
    for &d in dims {
        args.push_usize(d);
    }
    for (_, strides) in inputs {
        if let Some(s) = strides {
            for &x in s {
                args.push_isize(x);
            }
        }
    }
    // Split into uneven ranges to exercise every tail length.
    let mut start = 0usize;
    for chunk in [1usize, 2, 3, 5, 7, 11, 64, usize::MAX] {
        let end = start.saturating_add(chunk).min(n);
        unsafe { (c.entry)(args.as_ptr(), start as u64, end as u64) };
        start = end;
        if start == n {
            break;
        }
    }
    out
}

const AXPY: &str = "kernel axpy_f32(rank 1) {
  in0: f32 scalar
  in1: f32 contiguous
  in2: f32 contiguous
  v0: f32 = load in0
  v1: f32 = load in1
  v2: f32 = load in2
  v3: f32 = mul v0, v1
  v4: f32 = add v3, v2
  store out0, v4
}";

#[test]
fn axpy_is_exact_in_both_paths_for_every_tail() {
    for n in [0usize, 1, 3, 4, 5, 17, 100] {
        let x: Vec<f32> = (0..n).map(|i| i as f32 * 0.37 - 3.0).collect();
        let y: Vec<f32> = (0..n).map(|i| (i as f32).sqrt()).collect();
        let a = [1.7f32];
        let expect: Vec<f32> = x.iter().zip(&y).map(|(x, y)| 1.7f32 * x + y).collect();
        for lanes in [None, Some(1)] {
            let got = run_f32(AXPY, lanes, &[(&a, None), (&x, None), (&y, None)], &[n], n);
            assert_eq!(got, expect, "n={n} lanes={lanes:?}");
        }
    }
}

#[test]
fn strided_inputs_follow_their_strides() {
    // out[i, j] = a[j, i] (a transposed 3x5 -> 5x3) + b[j] broadcast over rows.
    let text = "kernel transpose_add_f32(rank 2) {
  in0: f32 strided
  in1: f32 strided
  v0: f32 = load in0
  v1: f32 = load in1
  v2: f32 = add v0, v1
  store out0, v2
}";
    let a: Vec<f32> = (0..15).map(|i| i as f32).collect();
    let b: Vec<f32> = vec![100.0, 200.0, 300.0];
    let expect: Vec<f32> = (0..5).flat_map(|i| (0..3).map(move |j| (j * 5 + i) as f32 + [100.0, 200.0, 300.0][j])).collect();
    for lanes in [None, Some(1)] {
        let got = run_f32(text, lanes, &[(&a, Some(vec![1, 5])), (&b, Some(vec![0, 1]))], &[5, 3], 15);
        assert_eq!(got, expect);
    }
}

#[test]
fn light_trips_follow_strides_row_by_row() {
    // out[i, j, l] = a + b * c - d over views of every load form inside a
    // row: a row-major (step 1), b with its last axis reversed (step -1), c
    // broadcast along the last axis (step 0), d transposed (a gather). Rows
    // shorter than, equal to and longer than a trip of four vectors, ranges
    // that start mid-row, and steps across rows: rows of 2 (a vector spans
    // several, each lane divides), of 3 (a lane wraps at most once) and
    // longer ones' ends.
    let text = "kernel views_f32(rank 3) {
  in0: f32 strided
  in1: f32 strided
  in2: f32 strided
  in3: f32 strided
  v0: f32 = load in0
  v1: f32 = load in1
  v2: f32 = load in2
  v3: f32 = load in3
  v4: f32 = mul v1, v2
  v5: f32 = add v0, v4
  v6: f32 = sub v5, v3
  store out0, v6
}";
    let k = parse_kernel(text).unwrap();
    for (d1, d2) in [(1usize, 1usize), (3, 2), (2, 3), (5, 15), (3, 16), (2, 17), (4, 33), (2, 64)] {
        let d0 = 2usize;
        let n = d0 * d1 * d2;
        let data = |seed: f32| -> Vec<f32> { (0..n).map(|e| ((e as f32 + seed) * 0.618).fract() * 8.0 - 4.0).collect() };
        let (a, b, c, d) = (data(0.0), data(0.3), data(0.5), data(0.7));
        // (data, offset of element [0, 0, 0], strides)
        let views: [(&[f32], usize, [isize; 3]); 4] = [
            (&a, 0, [(d1 * d2) as isize, d2 as isize, 1]),
            (&b, d2 - 1, [(d1 * d2) as isize, d2 as isize, -1]),
            (&c, 0, [d1 as isize, 1, 0]),
            (&d, 0, [1, d0 as isize, (d0 * d1) as isize]),
        ];
        let at = |v: usize, i: usize, j: usize, l: usize| {
            let (data, off, st) = views[v];
            data[(off as isize + i as isize * st[0] + j as isize * st[1] + l as isize * st[2]) as usize]
        };
        let expect: Vec<u32> = (0..n)
            .map(|e| {
                let (i, j, l) = (e / (d1 * d2), e / d2 % d1, e % d2);
                (at(0, i, j, l) + at(1, i, j, l) * at(2, i, j, l) - at(3, i, j, l)).to_bits()
            })
            .collect();
        for lanes in [None, Some(1)] {
            let compiled = compile_with_lanes(&k, true, lanes).unwrap();
            let mut out = vec![0f32; n];
            let mut args = LaunchArgs::default();
            for (data, off, _) in views {
                args.push_ptr(data.as_ptr().wrapping_add(off) as *const u8);
            }
            args.push_ptr(out.as_mut_ptr() as *const u8);
            for dim in [d0, d1, d2] {
                args.push_usize(dim);
            }
            for (_, _, strides) in views {
                for s in strides {
                    args.push_isize(s);
                }
            }
            for (start, end) in [(0, 5.min(n)), (5.min(n), 21.min(n)), (21.min(n), n)] {
                unsafe { (compiled.entry)(args.as_ptr(), start as u64, end as u64) };
            }
            let got: Vec<u32> = out.iter().map(|v| v.to_bits()).collect();
            assert_eq!(got, expect, "dims [{d0}, {d1}, {d2}], lanes {lanes:?}");
        }
    }
}

#[test]
fn compare_select_and_casts_agree_between_paths() {
    let text = "kernel where_f32(rank 1) {
  in0: f32 contiguous
  v0: f32 = load in0
  v1: f32 = const 0.0
  v2: bool = cmp.gt v0, v1
  v3: f32 = neg v0
  v4: f32 = sqrt v0
  v5: f32 = select v2, v4, v3
  v6: i32 = cast v5
  v7: f32 = cast v6
  v8: f32 = cast v2
  v9: f32 = add v7, v8
  store out0, v9
}";
    let x: Vec<f32> = vec![-2.5, -0.0, 0.0, 1.0, 4.0, f32::NAN, 1e20, -1e20, 9.0, 2.25, 7.0];
    let vector = run_f32(text, None, &[(&x, None)], &[x.len()], x.len());
    let scalar = run_f32(text, Some(1), &[(&x, None)], &[x.len()], x.len());
    assert_eq!(vector.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), scalar.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
    assert_eq!(vector[0], 2.0); // -(-2.5) = 2.5 -> i32 2 -> 2.0, +0 (false)
    assert_eq!(vector[4], 3.0); // sqrt(4) = 2 -> 2.0 + 1.0
    assert_eq!(vector[5], 0.0); // NaN -> select false -> -NaN -> 0 (saturating) + 0
    assert_eq!(vector[6], i32::MAX as f32 + 1.0);
}
