//! Parser for the text form of kernel IR, so tests can be IR files with
//! expected output and a dumped kernel can be fed back in.

use super::{verify, Access, BinaryOp, CmpOp, Input, Inst, Kernel, Op, ReduceOp, Space, UnaryOp, Value};
use lazyxp_runtime::{DType, Error, Result, Scalar};

fn perr(line: usize, msg: impl Into<String>) -> Error {
    Error::Value(format!("kernel IR line {}: {}", line + 1, msg.into()))
}

pub fn parse_kernel(text: &str) -> Result<Kernel> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(n, l)| (n, l.split(';').next().unwrap_or("").trim()))
        .filter(|(_, l)| !l.is_empty());
    let (n, header) = lines.next().ok_or_else(|| perr(0, "empty text"))?;
    let rest = header
        .strip_prefix("kernel ")
        .and_then(|r| r.strip_suffix('{'))
        .map(str::trim)
        .ok_or_else(|| perr(n, "expected `kernel NAME(rank R) {`"))?;
    let (name, dims) = rest
        .strip_suffix(')')
        .and_then(|r| r.split_once("(rank "))
        .ok_or_else(|| perr(n, "expected `NAME(rank R)` or `NAME(rank R, reduce K[, rows])`"))?;
    let (dims, row_outputs) = match dims.strip_suffix(", rows") {
        Some(d) => (d, true),
        None => (dims, false),
    };
    let (rank, reduce_rank) = match dims.split_once(", reduce ") {
        Some((r, k)) => (r, k.trim().parse::<u32>().map_err(|_| perr(n, "bad reduce rank"))?),
        None => (dims, 0),
    };
    let rank: u32 = rank.trim().parse().map_err(|_| perr(n, "bad rank"))?;
    let mut k = Kernel {
        name: name.trim().to_string(),
        rank,
        reduce_rank,
        row_outputs,
        inputs: vec![],
        insts: vec![],
        outputs: vec![],
        output_steps: vec![],
    };
    for (n, line) in lines {
        if line == "}" {
            verify(&k)?;
            return Ok(k);
        }
        if let Some(rest) = line.strip_prefix("store ") {
            let (out, v) = rest.split_once(',').ok_or_else(|| perr(n, "expected `store outN[ step S], vM`"))?;
            let (out, step) = match out.split_once(" step ") {
                Some((o, s)) => (o, s.trim().parse::<u8>().map_err(|_| perr(n, "bad step"))?),
                None => (out, 1),
            };
            let idx: usize = out.trim().strip_prefix("out").and_then(|s| s.parse().ok()).ok_or_else(|| perr(n, "bad output"))?;
            if idx != k.outputs.len() {
                return Err(perr(n, "outputs must be stored in order"));
            }
            k.outputs.push(value(n, v)?);
            k.output_steps.push(step);
            continue;
        }
        if line.starts_with("in") && !line.contains('=') {
            let input = input_decl(line).ok_or_else(|| perr(n, "expected `inN: TYPE ACCESS`"))?;
            k.inputs.push(input);
            continue;
        }
        let (lhs, rhs) = line.split_once('=').ok_or_else(|| perr(n, "expected `=`"))?;
        let (def, ty) = lhs.split_once(':').ok_or_else(|| perr(n, "expected `NAME: TYPE`"))?;
        let (def, ty) = (def.trim(), ty.trim());
        let ty = DType::from_name(ty).ok_or_else(|| perr(n, format!("unknown type {ty}")))?;
        let idx: usize = def.strip_prefix('v').and_then(|s| s.parse().ok()).ok_or_else(|| perr(n, "expected vN"))?;
        if idx != k.insts.len() {
            return Err(perr(n, format!("expected v{} next, found v{idx}", k.insts.len())));
        }
        let rhs = rhs.trim();
        let (opname, args) = rhs.split_once(' ').unwrap_or((rhs, ""));
        let vals = || -> Result<Vec<Value>> {
            args.split(',').map(|a| value(n, a)).collect()
        };
        let want = |vs: Vec<Value>, count: usize| -> Result<Vec<Value>> {
            if vs.len() == count { Ok(vs) } else { Err(perr(n, format!("{opname} takes {count} operands"))) }
        };
        let op = if opname == "load" {
            let i: u32 = args.trim().strip_prefix("in").and_then(|s| s.parse().ok()).ok_or_else(|| perr(n, "bad input"))?;
            Op::Load(i)
        } else if opname == "const" {
            Op::Const(constant(n, ty, args.trim())?)
        } else if let Some(r) = opname.strip_prefix("reduce.") {
            let r = ReduceOp::from_name(r).ok_or_else(|| perr(n, format!("unknown reduction {r}")))?;
            Op::Reduce(r, want(vals()?, 1)?[0])
        } else if let Some(c) = opname.strip_prefix("cmp.") {
            let c = CmpOp::from_name(c).ok_or_else(|| perr(n, format!("unknown comparison {c}")))?;
            let v = want(vals()?, 2)?;
            Op::Cmp(c, v[0], v[1])
        } else if let Some(u) = UnaryOp::from_name(opname) {
            Op::Unary(u, want(vals()?, 1)?[0])
        } else if let Some(b) = BinaryOp::from_name(opname) {
            let v = want(vals()?, 2)?;
            Op::Binary(b, v[0], v[1])
        } else {
            match opname {
                "fma" => { let v = want(vals()?, 3)?; Op::Fma(v[0], v[1], v[2]) }
                "select" => { let v = want(vals()?, 3)?; Op::Select(v[0], v[1], v[2]) }
                "cast" => Op::Cast(want(vals()?, 1)?[0]),
                "bitcast" => Op::Bitcast(want(vals()?, 1)?[0]),
                "cold_begin" => { let v = want(vals()?, 2)?; Op::ColdBegin(v[0], v[1]) }
                "cold_end" => { let v = want(vals()?, 2)?; Op::ColdEnd(v[0], v[1]) }
                other => return Err(perr(n, format!("unknown op {other}"))),
            }
        };
        k.insts.push(Inst { op, ty });
    }
    Err(Error::Value("kernel IR: missing closing `}`".into()))
}

/// Parses an input declaration line `inN: TYPE ACCESS`, if it is one.
fn input_decl(line: &str) -> Option<Input> {
    let (def, rest) = line.split_once(':')?;
    def.trim().strip_prefix("in")?.parse::<u32>().ok()?;
    let mut parts = rest.split_whitespace();
    let dtype = DType::from_name(parts.next()?)?;
    let access = match parts.next()? {
        "contiguous" => Access::Contiguous,
        "scalar" => Access::Scalar,
        "strided" => Access::Strided,
        "interleaved.re" => Access::Interleaved { part: 0 },
        "interleaved.im" => Access::Interleaved { part: 1 },
        _ => return None,
    };
    let space = match parts.next() {
        None | Some("outer") => Space::Outer,
        Some("inner") => Space::Inner,
        Some(_) => return None,
    };
    Some(Input { dtype, access, space })
}

fn value(n: usize, s: &str) -> Result<Value> {
    s.trim()
        .strip_prefix('v')
        .and_then(|s| s.parse().ok())
        .map(Value)
        .ok_or_else(|| perr(n, format!("expected a value, found `{}`", s.trim())))
}

fn constant(n: usize, ty: DType, s: &str) -> Result<Scalar> {
    let bad = || perr(n, format!("bad {ty} constant `{s}`"));
    if let Some(hex) = s.strip_prefix("0x") {
        let bits = u128::from_str_radix(hex, 16).map_err(|_| bad())?;
        return Ok(Scalar::from_bits(ty, bits));
    }
    Ok(match ty {
        DType::Bool => Scalar::Bool(s.parse().map_err(|_| bad())?),
        DType::Float32 => Scalar::F32(s.parse().map_err(|_| bad())?),
        DType::Float64 => Scalar::F64(s.parse().map_err(|_| bad())?),
        t if t.is_int() => {
            let v: i128 = s.parse().map_err(|_| bad())?;
            Scalar::from_bits(t, v as u128)
        }
        _ => return Err(bad()),
    })
}
