//! The reference interpreter on hand-written kernels: the primitive-op
//! semantics every backend must match, and memory access through real
//! buffers and launch words.

use lazyxp_compiler::interp::{eval_element, run};
use lazyxp_compiler::kernel_ir::parse_kernel;
use lazyxp_runtime::launch::LaunchArgs;
use lazyxp_runtime::{Buffer, Scalar};

fn eval(text: &str, inputs: &[Scalar]) -> Vec<Scalar> {
    eval_element(&parse_kernel(text).unwrap(), inputs)
}

#[test]
fn integers_wrap_and_shift_modulo_width() {
    let out = eval(
        "kernel ints(rank 1) {
          in0: i32 contiguous
          in1: u32 contiguous
          v0: i32 = load in0
          v1: i32 = const 1
          v2: i32 = add v0, v1        ; MAX + 1 wraps to MIN
          v3: i32 = neg v2            ; -MIN wraps to MIN
          v4: i32 = abs v2            ; |MIN| wraps to MIN
          v5: i32 = mul v0, v0        ; MAX*MAX wraps to 1
          v6: i32 = const 33
          v7: i32 = shl v1, v6        ; count 33 mod 32 = 1
          v8: i32 = const -8
          v9: i32 = const 1
          v10: i32 = shr v8, v9       ; arithmetic: -4
          v11: u32 = load in1
          v12: u32 = const 1
          v13: u32 = shr v11, v12     ; logical for unsigned
          v14: i32 = not v1
          v15: i32 = sub v2, v1       ; MIN - 1 wraps to MAX
          store out0, v2
          store out1, v3
          store out2, v4
          store out3, v5
          store out4, v7
          store out5, v10
          store out6, v13
          store out7, v14
          store out8, v15
        }",
        &[Scalar::I32(i32::MAX), Scalar::U32(0x8000_0000)],
    );
    let want = [
        Scalar::I32(i32::MIN),
        Scalar::I32(i32::MIN),
        Scalar::I32(i32::MIN),
        Scalar::I32(1),
        Scalar::I32(2),
        Scalar::I32(-4),
        Scalar::U32(0x4000_0000),
        Scalar::I32(-2),
        Scalar::I32(i32::MAX),
    ];
    assert_eq!(out, want);
}

#[test]
fn floats_follow_the_documented_rules() {
    let out = eval(
        "kernel floats(rank 1) {
          in0: f64 contiguous
          v0: f64 = load in0                ; NaN
          v1: f64 = const 0.0
          v2: f64 = const -0.0
          v3: f64 = min v1, v2              ; -0
          v4: f64 = max v2, v1              ; +0
          v5: f64 = min v0, v1              ; NaN propagates
          v6: bool = cmp.ne v0, v0          ; true on NaN
          v7: bool = cmp.eq v0, v0          ; false on NaN
          v8: f64 = const 2.5
          v9: f64 = round v8                ; ties to even: 2
          v10: i32 = cast v0                ; NaN -> 0
          v11: f64 = const 1e300
          v12: i8 = cast v11                ; saturates
          v13: i64 = bitcast v8
          v14: f64 = const 0.1
          v15: f64 = const 10.0
          v16: f64 = const -1.0
          v17: f64 = fma v14, v15, v16      ; one rounding: 2^-54 (not 0)
          v18: f64 = select v7, v8, v15
          store out0, v3
          store out1, v4
          store out2, v5
          store out3, v6
          store out4, v7
          store out5, v9
          store out6, v10
          store out7, v12
          store out8, v13
          store out9, v17
          store out10, v18
        }",
        &[Scalar::F64(f64::NAN)],
    );
    assert_eq!(out[0], Scalar::F64(-0.0));
    assert_eq!(out[1], Scalar::F64(0.0));
    assert!(matches!(out[2], Scalar::F64(v) if v.is_nan()));
    assert_eq!(out[3], Scalar::Bool(true));
    assert_eq!(out[4], Scalar::Bool(false));
    assert_eq!(out[5], Scalar::F64(2.0));
    assert_eq!(out[6], Scalar::I32(0));
    assert_eq!(out[7], Scalar::I8(i8::MAX));
    assert_eq!(out[8], Scalar::I64(2.5f64.to_bits() as i64));
    assert_eq!(out[9], Scalar::F64(2f64.powi(-54)));
    assert_eq!(out[10], Scalar::F64(10.0));
}

fn f32_buffer(v: &[f32]) -> Buffer {
    let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    Buffer::from_bytes(&bytes).unwrap()
}
fn f32s(b: &Buffer) -> Vec<f32> {
    b.as_bytes().chunks(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect()
}

/// out0 = a + bt * s, out1 = (a > bt), over a 2x3 index space: `a`
/// contiguous, `bt` the transpose of a 3x2 array (strides [1, 2]), `s` a
/// scalar; then the same with a flipped input (negative stride).
#[test]
fn run_reads_contiguous_strided_and_scalar_inputs() {
    let k = parse_kernel(
        "kernel mixed(rank 2) {
          in0: f32 contiguous
          in1: f32 strided
          in2: f32 scalar
          v0: f32 = load in0
          v1: f32 = load in1
          v2: f32 = load in2
          v3: f32 = mul v1, v2
          v4: f32 = add v0, v3
          v5: bool = cmp.gt v0, v1
          store out0, v4
          store out1, v5
        }",
    )
    .unwrap();
    let a = f32_buffer(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
    // b is 3x2 row-major [[10,20],[30,40],[50,60]]; bt[i][j] = b[j][i].
    let b = f32_buffer(&[10.0, 20.0, 30.0, 40.0, 50.0, 60.0]);
    let s = f32_buffer(&[0.5]);
    let out = Buffer::uninit(6 * 4).unwrap();
    let flags = Buffer::uninit(6).unwrap();
    let launch = |b_base: *const u8, strides: [isize; 2], start: usize, end: usize| {
        let mut args = LaunchArgs::default();
        for p in [a.as_ptr(), b_base, s.as_ptr(), out.as_ptr(), flags.as_ptr()] {
            args.push_ptr(p);
        }
        args.push_usize(2);
        args.push_usize(3);
        args.push_isize(strides[0]);
        args.push_isize(strides[1]);
        unsafe { run(&k, args.as_ptr(), start, end) };
    };
    // Two sub-ranges, as the thread pool would split the launch.
    launch(b.as_ptr(), [1, 2], 0, 4);
    launch(b.as_ptr(), [1, 2], 4, 6);
    // bt = [[10,30,50],[20,40,60]]
    assert_eq!(f32s(&out), vec![5.0, 16.0, 27.0, 13.0, 24.0, 35.0]);
    assert_eq!(flags.as_bytes(), &[0, 0, 0, 0, 0, 0]);

    // Rows of b flipped: element [i][j] at b[2 - j][i], base at row 2.
    let base = unsafe { b.as_ptr().add(4 * 4) };
    launch(base, [1, -2], 0, 6);
    // flipped bt = [[50,30,10],[60,40,20]]
    assert_eq!(f32s(&out), vec![25.0, 16.0, 7.0, 33.0, 24.0, 15.0]);
}

/// A kernel with math ops runs through `math::expand` inside `run`, and
/// its stored outputs equal `eval_element`'s bit for bit.
#[test]
fn run_and_eval_element_agree_on_math() {
    let k = parse_kernel(
        "kernel fused_sin_add_log_f32(rank 1) {
          in0: f32 contiguous
          in1: f32 scalar
          v0: f32 = load in0
          v1: f32 = sin v0
          v2: f32 = load in1
          v3: f32 = add v1, v2
          v4: f32 = log v3
          store out0, v4
        }",
    )
    .unwrap();
    let xs: Vec<f32> = (0..100).map(|i| i as f32 * 0.37 - 15.0).collect();
    let x = f32_buffer(&xs);
    let five = f32_buffer(&[5.0]);
    let out = Buffer::uninit(xs.len() * 4).unwrap();
    let mut args = LaunchArgs::default();
    args.push_ptr(x.as_ptr());
    args.push_ptr(five.as_ptr());
    args.push_ptr(out.as_ptr());
    args.push_usize(xs.len());
    unsafe { run(&k, args.as_ptr(), 0, xs.len()) };
    for (&x, got) in xs.iter().zip(f32s(&out)) {
        let one = eval_element(&k, &[Scalar::F32(x), Scalar::F32(5.0)]);
        assert_eq!(one, vec![Scalar::F32(got)]);
        let want = ((x as f64).sin() + 5.0).ln();
        assert!((got as f64 - want).abs() < 4e-7 * want.abs(), "log(sin({x})+5) = {got}, want {want}");
    }
    let expanded = lazyxp_compiler::math::expand(&k);
    assert!(!expanded.has_math());
    lazyxp_compiler::kernel_ir::verify(&expanded).unwrap();
}

/// Bools reduce by and/or only: the compiled loops hold them as lane masks,
/// where an add or a min would mean something else than on 0/1 values.
#[test]
fn bool_reductions_other_than_and_or_are_rejected() {
    let kernel = |op: &str| format!("kernel red_bool(rank 1, reduce 1) {{\n  in0: f64 contiguous inner\n  v0: f64 = load in0\n  v1: f64 = const 0.5\n  v2: bool = cmp.gt v0, v1\n  v3: bool = reduce.{op} v2\n  store out0, v3\n}}");
    for op in ["or", "and"] {
        assert!(parse_kernel(&kernel(op)).is_ok(), "reduce.{op} over bool");
    }
    for op in ["add", "mul", "min", "max"] {
        let err = parse_kernel(&kernel(op)).unwrap_err().to_string();
        assert!(err.contains("ill-typed"), "reduce.{op} over bool: {err}");
    }
}
