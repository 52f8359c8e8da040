//! Kernel IR file tests, in the spirit of Cranelift's filetests.
//!
//! Each `tests/filetests/*.kir` holds one kernel in the canonical text form
//! (comments start with `;`) and `; run:` lines with inputs and the
//! hand-derived expected outputs:
//!
//! ```text
//! ; run: in0=[1.0, -2.5] in1=[3.0] -> out0=[4.0, 0.5]
//! ; run: dims=[2, 3] in0=[...] in0.strides=[1, 2] -> out0=[...]
//! ```
//!
//! * `dims=[..]` gives the index space; without it a rank-1 kernel runs
//!   over as many elements as `out0` lists, a rank-0 kernel over one.
//! * `inK.strides=[..]` gives a strided input's element strides.
//! * Values: `true`/`false` for bool; decimal integers; floats as decimals,
//!   `inf`, `-inf`, `nan` (as an input the quiet NaN 0x7fc00000 / 0x7ff8...;
//!   as an expected output any NaN), `-nan`, or raw bits as `0x...` (exact).
//!
//! The harness checks that printing the parsed kernel gives back exactly
//! the kernel text of the file, then runs every `run` line through the
//! interpreter and through the Cranelift backend (the path it picks and the
//! forced scalar path) and compares each with the expected values.

use lazyxp_compiler::backend::cranelift::compile_with_lanes;
use lazyxp_compiler::interp;
use lazyxp_compiler::kernel_ir::{parse_kernel, Access, Kernel};
use lazyxp_compiler::math;
use lazyxp_runtime::launch::LaunchArgs;
use lazyxp_runtime::{DType, Scalar};
use std::collections::HashMap;
use std::path::PathBuf;

/// An expected value: exact bits, or "any NaN".
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Bits(u128),
    AnyNan,
}

fn parse_value(dtype: DType, s: &str) -> Result<(u128, Expect), String> {
    let s = s.trim();
    let bad = || format!("bad {dtype} value `{s}`");
    if let Some(hex) = s.strip_prefix("0x") {
        let bits = u128::from_str_radix(hex, 16).map_err(|_| bad())?;
        return Ok((bits, Expect::Bits(bits)));
    }
    let scalar = match dtype {
        DType::Bool => match s {
            "true" | "1" => Scalar::Bool(true),
            "false" | "0" => Scalar::Bool(false),
            _ => return Err(bad()),
        },
        DType::Float32 | DType::Float64 => {
            let v: f64 = match s {
                "nan" => {
                    let bits = if dtype == DType::Float32 { 0x7fc0_0000u128 } else { 0x7ff8_0000_0000_0000 };
                    return Ok((bits, Expect::AnyNan));
                }
                "-nan" => {
                    let bits = if dtype == DType::Float32 { 0xffc0_0000u128 } else { 0xfff8_0000_0000_0000 };
                    return Ok((bits, Expect::AnyNan));
                }
                "inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                _ => s.parse().map_err(|_| bad())?,
            };
            if dtype == DType::Float32 {
                // Parse f32 directly so decimal literals round once.
                Scalar::F32(if v.is_finite() { s.parse::<f32>().map_err(|_| bad())? } else { v as f32 })
            } else {
                Scalar::F64(v)
            }
        }
        t if t.is_int() => {
            let v: i128 = s.parse().map_err(|_| bad())?;
            let w = t.size() as u32 * 8;
            let (lo, hi) = if t.is_signed_int() { (-(1i128 << (w - 1)), (1i128 << (w - 1)) - 1) } else { (0, (1i128 << w) - 1) };
            if v < lo || v > hi {
                return Err(format!("{s} does not fit {t}"));
            }
            Scalar::from_bits(t, v as u128)
        }
        _ => return Err(bad()),
    };
    Ok((scalar.to_bits(), Expect::Bits(scalar.to_bits())))
}

/// `name=[a, b, c]` items of one run line, in order.
fn items(text: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (name, after) = rest.split_once('=').ok_or_else(|| format!("expected name=[..] at `{rest}`"))?;
        let after = after.trim_start();
        let body = after.strip_prefix('[').ok_or_else(|| format!("expected `[` after {name}="))?;
        let (list, tail) = body.split_once(']').ok_or_else(|| format!("missing `]` after {name}="))?;
        let values = if list.trim().is_empty() { vec![] } else { list.split(',').map(|v| v.trim().to_string()).collect() };
        out.push((name.trim().to_string(), values));
        rest = tail.trim();
    }
    Ok(out)
}

struct Run {
    line: usize,
    dims: Vec<usize>,
    inputs: Vec<Vec<u128>>,
    strides: Vec<Option<Vec<isize>>>,
    expected: Vec<Vec<Expect>>,
}

fn parse_run(k: &Kernel, line: usize, text: &str) -> Result<Run, String> {
    let (lhs, rhs) = text.split_once("->").ok_or("a run line needs `->`")?;
    let mut named: HashMap<String, Vec<String>> = HashMap::new();
    for (name, values) in items(lhs)?.into_iter().chain(items(rhs)?) {
        if named.insert(name.clone(), values).is_some() {
            return Err(format!("{name} given twice"));
        }
    }
    let mut expected = Vec::new();
    for (o, &v) in k.outputs.iter().enumerate() {
        let list = named.remove(&format!("out{o}")).ok_or(format!("out{o} missing"))?;
        expected.push(list.iter().map(|s| parse_value(k.ty(v), s).map(|x| x.1)).collect::<Result<Vec<_>, _>>()?);
    }
    // Reduction kernels list outer then reduced dims; a launch walks the
    // outer elements, and a row kernel stores every element.
    let rank = (k.rank + k.reduce_rank) as usize;
    let dims: Vec<usize> = match named.remove("dims") {
        Some(d) => d.iter().map(|x| x.parse().map_err(|_| format!("bad dim {x}"))).collect::<Result<_, _>>()?,
        None if rank == 0 => vec![],
        None if rank == 1 => vec![expected.first().map_or(0, |e| e.len())],
        None => return Err("dims=[..] is required for rank > 1 and reductions".into()),
    };
    if dims.len() != rank {
        return Err(format!("dims {dims:?} for a kernel of {} outer and {} reduced dims", k.rank, k.reduce_rank));
    }
    let all: usize = dims.iter().product();
    let outer: usize = dims[..k.rank as usize].iter().product();
    let n = if k.row_outputs || k.reduce_rank == 0 { all } else { outer };
    for (o, e) in expected.iter().enumerate() {
        if e.len() != n {
            return Err(format!("out{o} lists {} values for {n} elements", e.len()));
        }
    }
    let mut inputs = Vec::new();
    let mut strides = Vec::new();
    for (i, input) in k.inputs.iter().enumerate() {
        let list = named.remove(&format!("in{i}")).ok_or(format!("in{i} missing"))?;
        inputs.push(list.iter().map(|s| parse_value(input.dtype, s).map(|x| x.0)).collect::<Result<Vec<_>, _>>()?);
        let s = named.remove(&format!("in{i}.strides"));
        let s = match (input.access, s) {
            (Access::Strided, Some(s)) => Some(s.iter().map(|x| x.parse().map_err(|_| format!("bad stride {x}"))).collect::<Result<Vec<isize>, _>>()?),
            (Access::Strided, None) => return Err(format!("in{i} is strided: in{i}.strides=[..] is required")),
            (_, Some(_)) => return Err(format!("in{i} is not strided")),
            (_, None) => None,
        };
        // The harness refuses runs that would read outside an input.
        let space = &dims[..k.input_rank(i) as usize];
        let extent: usize = space.iter().product();
        let need = match (input.access, &s) {
            (Access::Scalar, _) => 1,
            (Access::Contiguous, _) => extent,
            (Access::Interleaved { .. }, _) => 2 * extent,
            (Access::Strided, Some(s)) => {
                if s.len() != space.len() || s.iter().any(|&x| x < 0) {
                    return Err(format!("in{i}.strides must be {} non-negative strides", space.len()));
                }
                if extent == 0 { 0 } else { space.iter().zip(s).map(|(&d, &x)| (d - 1) * x as usize).sum::<usize>() + 1 }
            }
            _ => unreachable!(),
        };
        if inputs[i].len() < need {
            return Err(format!("in{i} has {} values, the run reads {need}", inputs[i].len()));
        }
        strides.push(s);
    }
    if let Some(extra) = named.keys().next() {
        return Err(format!("unknown item {extra}"));
    }
    Ok(Run { line, dims, inputs, strides, expected })
}

/// Runs `k` on one run line with `engine` and returns the outputs' bits.
fn execute(k: &Kernel, run: &Run, f: Option<lazyxp_runtime::launch::CpuKernelFn>, split: bool) -> Vec<Vec<u128>> {
    let outer: usize = run.dims[..k.rank as usize].iter().product();
    let n = outer;
    let stored = if k.row_outputs { run.dims.iter().product() } else { n };
    let buffers: Vec<Vec<u8>> = k
        .inputs
        .iter()
        .zip(&run.inputs)
        .map(|(input, values)| {
            let size = input.dtype.size();
            let mut b = vec![0u8; (values.len() * size).max(1)];
            for (e, &v) in values.iter().enumerate() {
                b[e * size..(e + 1) * size].copy_from_slice(&v.to_le_bytes()[..size]);
            }
            b
        })
        .collect();
    // Outputs stored at a step leave the elements between untouched (in
    // a launch they hold the other parts of complex values): they start
    // as a sentinel that must survive.
    const SENTINEL: u8 = 0xab;
    let mut outputs: Vec<Vec<u8>> = (0..k.outputs.len())
        .map(|o| vec![SENTINEL; (stored * k.output_step(o) * k.ty(k.outputs[o]).size()).max(1)])
        .collect();
    let mut args = LaunchArgs::default();
    for b in &buffers {
        args.push_ptr(b.as_ptr());
    }
    for b in &mut outputs {
        args.push_ptr(b.as_mut_ptr());
    }
    for &d in &run.dims {
        args.push_usize(d);
    }
    for s in run.strides.iter().flatten() {
        for &x in s {
            args.push_isize(x);
        }
    }
    match f {
        Some(f) if split => {
            for i in 0..n {
                unsafe { f(args.as_ptr(), i as u64, i as u64 + 1) };
            }
        }
        Some(f) => unsafe { f(args.as_ptr(), 0, n as u64) },
        None => unsafe { interp::run(k, args.as_ptr(), 0, n) },
    }
    k.outputs
        .iter()
        .zip(&outputs)
        .enumerate()
        .map(|(o, (&v, b))| {
            let (size, step) = (k.ty(v).size(), k.output_step(o));
            for e in 0..stored * step {
                assert!(e % step == 0 || b[e * size..(e + 1) * size].iter().all(|&x| x == SENTINEL), "out{o} wrote element {e}, between its steps");
            }
            (0..stored).map(|e| Scalar::read(k.ty(v), &b[e * step * size..]).to_bits()).collect()
        })
        .collect()
}

fn show(dtype: DType, bits: u128) -> String {
    format!("{} (0x{bits:x})", Scalar::from_bits(dtype, bits))
}

/// Checks one file; returns the failures as text.
fn check_file(path: &PathBuf) -> Vec<String> {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let text = std::fs::read_to_string(path).unwrap();
    let mut failures = Vec::new();
    let k = match parse_kernel(&text) {
        Ok(k) => k,
        Err(e) => return vec![format!("{name}: parse error: {e}")],
    };
    // The kernel block as written must be the canonical text.
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.starts_with("kernel ")).unwrap();
    let end = start + lines[start..].iter().position(|l| *l == "}").unwrap();
    let block = lines[start..=end].join("\n");
    if k.to_string() != block {
        failures.push(format!("{name}: printing the parsed kernel does not give the file's text back:\n{k}\n--- file ---\n{block}"));
    }
    let reparsed = parse_kernel(&k.to_string()).unwrap();
    if reparsed != k {
        failures.push(format!("{name}: print -> parse is not the identity"));
    }
    let runs: Vec<Run> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.trim().strip_prefix("; run:").map(|r| (i, r)))
        .filter_map(|(i, r)| match parse_run(&k, i + 1, r) {
            Ok(run) => Some(run),
            Err(e) => {
                failures.push(format!("{name}:{}: {e}", i + 1));
                None
            }
        })
        .collect();
    if runs.is_empty() {
        failures.push(format!("{name}: no `; run:` lines"));
    }
    let expanded = math::expand(&k);
    let auto = compile_with_lanes(&expanded, false, None).unwrap();
    let scalar = compile_with_lanes(&expanded, false, Some(1)).unwrap();
    for run in &runs {
        let engines = [
            ("interpreter", execute(&k, run, None, false)),
            ("cranelift", execute(&expanded, run, Some(auto.entry), false)),
            ("cranelift one element per call", execute(&expanded, run, Some(auto.entry), true)),
            ("cranelift scalar path", execute(&expanded, run, Some(scalar.entry), false)),
        ];
        for (engine, outs) in &engines {
            for (o, (got, want)) in outs.iter().zip(&run.expected).enumerate() {
                let t = k.ty(k.outputs[o]);
                for (e, (&g, &w)) in got.iter().zip(want).enumerate() {
                    let ok = match w {
                        Expect::Bits(b) => g == b,
                        Expect::AnyNan => Scalar::from_bits(t, g).as_f64().is_nan(),
                    };
                    if !ok {
                        let want = match w {
                            Expect::Bits(b) => show(t, b),
                            Expect::AnyNan => "any NaN".into(),
                        };
                        failures.push(format!("{name}:{}: {engine}: out{o}[{e}] = {}, expected {want}", run.line, show(t, g)));
                    }
                }
            }
        }
    }
    failures
}

#[test]
fn kernel_ir_files_run_as_written() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("filetests");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "kir"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "expected at least 8 .kir files in {}", dir.display());
    let failures: Vec<String> = files.iter().flat_map(check_file).collect();
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// The harness itself: a wrong expectation must be reported, so a passing
/// file means something.
#[test]
fn the_harness_reports_wrong_expectations() {
    let dir = std::env::temp_dir().join(format!("lazyxp-filetest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("wrong.kir");
    std::fs::write(
        &path,
        "kernel wrong_f32(rank 1) {\n  in0: f32 contiguous\n  v0: f32 = load in0\n  v1: f32 = neg v0\n  store out0, v1\n}\n; run: in0=[1.0, 0.0] -> out0=[-1.0, 0.0]\n",
    )
    .unwrap();
    let failures = check_file(&path);
    // -0.0 is not 0.0: every engine must be reported on element 1.
    assert_eq!(failures.len(), 4, "{failures:#?}");
    assert!(failures.iter().all(|f| f.contains("out0[1] = -0.0")), "{failures:#?}");
    let _ = std::fs::remove_dir_all(&dir);
}
