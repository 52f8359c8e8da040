//! Type and SSA checks for kernel IR, run on parsed text and in tests, so a
//! malformed kernel is an error before any backend sees it.

use super::{Access, BinaryOp, Kernel, Op, ReduceOp, UnaryOp};
use lazyxp_runtime::{DType, Error, Result};

pub fn verify(k: &Kernel) -> Result<()> {
    let inner = k.inner_insts();
    let err = |i: usize, msg: String| Error::Compile {
        kernel: k.name.clone(),
        message: format!("v{i}: {msg}"),
    };
    for (i, inst) in k.insts.iter().enumerate() {
        let mut bad_operand = None;
        inst.op.for_each_operand(|v| {
            if v.0 as usize >= i {
                bad_operand = Some(v.0);
            }
        });
        if let Some(v) = bad_operand {
            return Err(err(i, format!("uses v{v}, which is not defined before it")));
        }
        let ty = inst.ty;
        if ty.is_complex() {
            return Err(err(i, "complex values are not supported in kernels yet".into()));
        }
        let same = |a: super::Value| k.ty(a) == ty;
        let ok = match inst.op {
            Op::Load(n) => k.inputs.get(n as usize).is_some_and(|input| input.dtype == ty),
            Op::Const(c) => c.dtype() == ty,
            Op::Unary(u, a) => {
                same(a)
                    && match u {
                        UnaryOp::Not => ty.is_int() || ty.is_bool(),
                        UnaryOp::Neg | UnaryOp::Abs => !ty.is_bool(),
                        _ => ty.is_float(),
                    }
            }
            Op::Binary(b, x, y) => {
                same(x)
                    && same(y)
                    && match b {
                        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Min | BinaryOp::Max => {
                            !ty.is_bool()
                        }
                        BinaryOp::Div | BinaryOp::Rem | BinaryOp::FloorDiv | BinaryOp::Remainder => {
                            !ty.is_bool()
                        }
                        BinaryOp::Pow => !ty.is_bool(),
                        BinaryOp::Atan2
                        | BinaryOp::Hypot
                        | BinaryOp::LogAddExp
                        | BinaryOp::CopySign
                        | BinaryOp::NextAfter => ty.is_float(),
                        BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => ty.is_int() || ty.is_bool(),
                        BinaryOp::Shl | BinaryOp::Shr => ty.is_int(),
                    }
            }
            Op::Cmp(_, x, y) => ty == DType::Bool && k.ty(x) == k.ty(y),
            Op::Fma(a, b, c) => same(a) && same(b) && same(c) && ty.is_float(),
            Op::Select(c, a, b) => k.ty(c) == DType::Bool && same(a) && same(b),
            Op::Cast(_) => true,
            Op::Bitcast(a) => k.ty(a).size() == ty.size() && !ty.is_bool() && !k.ty(a).is_bool(),
            Op::ColdBegin(c, a) => k.ty(c) == DType::Bool && same(a),
            Op::ColdEnd(b, a) => matches!(k.insts[b.0 as usize].op, Op::ColdBegin(..)) && same(b) && same(a),
            Op::Reduce(r, a) => {
                same(a)
                    && k.inputs.iter().any(|i| i.space == super::Space::Inner)
                    && inner[a.0 as usize]
                    && match r {
                        ReduceOp::And | ReduceOp::Or => ty.is_int() || ty.is_bool(),
                        // Bools reduce by and/or only (the frontend counts
                        // them in an integer type): vector code holds them
                        // as lane masks, on which add or min mean otherwise.
                        _ => !ty.is_bool(),
                    }
            }
        };
        if !ok {
            return Err(err(i, format!("ill-typed instruction {:?} producing {ty}", inst.op)));
        }
    }
    super::cold::cold_regions(k).map_err(|message| Error::Compile { kernel: k.name.clone(), message })?;
    if k.row_outputs && !k.is_reduction() {
        return Err(Error::Compile { kernel: k.name.clone(), message: "a row kernel needs a reduction space".into() });
    }
    if k.output_steps.len() != k.outputs.len() || k.output_steps.iter().any(|&s| s == 0) {
        return Err(Error::Compile { kernel: k.name.clone(), message: "every output needs an element step of at least 1".into() });
    }
    for (i, v) in k.outputs.iter().enumerate() {
        if !k.row_outputs && inner.get(v.0 as usize) == Some(&true) {
            return Err(Error::Compile {
                kernel: k.name.clone(),
                message: format!("out{i} stores v{}, an inner value of a reduction kernel", v.0),
            });
        }
        if v.0 as usize >= k.insts.len() {
            return Err(Error::Compile {
                kernel: k.name.clone(),
                message: format!("out{i} stores undefined v{}", v.0),
            });
        }
    }
    if let Some(i) = (0..k.inputs.len()).find(|&i| k.inputs[i].access == Access::Strided && k.input_rank(i) == 0) {
        return Err(Error::Compile {
            kernel: k.name.clone(),
            message: format!("in{i} is strided over an index space of rank 0"),
        });
    }
    Ok(())
}
