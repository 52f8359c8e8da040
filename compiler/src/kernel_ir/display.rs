//! The text form of kernel IR; `parse.rs` reads it back.

use super::{Access, Kernel, Op, Space};
use std::fmt;

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Access::Contiguous => "contiguous",
            Access::Scalar => "scalar",
            Access::Strided => "strided",
            Access::Interleaved { part: 0 } => "interleaved.re",
            Access::Interleaved { .. } => "interleaved.im",
        })
    }
}

impl fmt::Display for Kernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_reduction() {
            let rows = if self.row_outputs { ", rows" } else { "" };
            writeln!(f, "kernel {}(rank {}, reduce {}{rows}) {{", self.name, self.rank, self.reduce_rank)?;
        } else {
            writeln!(f, "kernel {}(rank {}) {{", self.name, self.rank)?;
        }
        for (i, input) in self.inputs.iter().enumerate() {
            write!(f, "  in{i}: {} {}", input.dtype.short_name(), input.access)?;
            if self.is_reduction() {
                write!(f, " {}", if input.space == Space::Inner { "inner" } else { "outer" })?;
            }
            writeln!(f)?;
        }
        for (i, inst) in self.insts.iter().enumerate() {
            write!(f, "  v{i}: {} = ", inst.ty.short_name())?;
            match &inst.op {
                Op::Load(k) => write!(f, "load in{k}")?,
                Op::Const(c) => write!(f, "const {c}")?,
                Op::Unary(u, a) => write!(f, "{u} v{}", a.0)?,
                Op::Binary(b, x, y) => write!(f, "{b} v{}, v{}", x.0, y.0)?,
                Op::Cmp(c, x, y) => write!(f, "cmp.{c} v{}, v{}", x.0, y.0)?,
                Op::Fma(a, b, c) => write!(f, "fma v{}, v{}, v{}", a.0, b.0, c.0)?,
                Op::Select(c, a, b) => write!(f, "select v{}, v{}, v{}", c.0, a.0, b.0)?,
                Op::Cast(a) => write!(f, "cast v{}", a.0)?,
                Op::Bitcast(a) => write!(f, "bitcast v{}", a.0)?,
                Op::Reduce(r, a) => write!(f, "reduce.{r} v{}", a.0)?,
                Op::ColdBegin(c, a) => write!(f, "cold_begin v{}, v{}", c.0, a.0)?,
                Op::ColdEnd(b, a) => write!(f, "cold_end v{}, v{}", b.0, a.0)?,
            }
            writeln!(f)?;
        }
        for (i, v) in self.outputs.iter().enumerate() {
            match self.output_step(i) {
                1 => writeln!(f, "  store out{i}, v{}", v.0)?,
                step => writeln!(f, "  store out{i} step {step}, v{}", v.0)?,
            }
        }
        write!(f, "}}")
    }
}
