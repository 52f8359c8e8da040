//! Reductions in kernel IR and the one accumulation order every backend
//! follows, so results are deterministic and identical across backends
//! and thread counts.
//!
//! A reduction kernel has `rank` outer dimensions (one output element
//! each) and `reduce_rank` inner dimensions, walked in row-major order as a
//! flat inner index `r`. `reduce.OP v` folds the inner values of `v`:
//!
//! * Element `r` goes to lane `r % 8` of eight accumulators, which start
//!   at the identity and fold in order. Every `BLOCK` elements (and at the
//!   end) the eight lanes combine pairwise,
//!   `((l0 op l1) op (l2 op l3)) op ((l4 op l5) op (l6 op l7))`, and the
//!   block result joins a running total.
//! * Float sums keep the running total in f64 (f32 data) or as a
//!   compensated f64 pair (Neumaier; f64 data); float products keep an f64
//!   running product. So `sum` of ten million f32 values is accurate to
//!   ~1e-7 relative, not 1e-3 as a naive loop gives.
//! * Integer, bool, min and max reductions are exact in any order; they
//!   follow the same shape anyway.

use lazyxp_runtime::{DType, Scalar};

/// Elements folded into the eight lanes before they join the total.
pub const BLOCK: usize = 1024;
/// Lanes of the canonical accumulation order.
pub const LANES: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReduceOp {
    Add,
    Mul,
    Min,
    Max,
    And,
    Or,
}

impl ReduceOp {
    pub const ALL: [ReduceOp; 6] = [ReduceOp::Add, ReduceOp::Mul, ReduceOp::Min, ReduceOp::Max, ReduceOp::And, ReduceOp::Or];

    pub fn name(self) -> &'static str {
        match self {
            ReduceOp::Add => "add",
            ReduceOp::Mul => "mul",
            ReduceOp::Min => "min",
            ReduceOp::Max => "max",
            ReduceOp::And => "and",
            ReduceOp::Or => "or",
        }
    }

    pub fn from_name(s: &str) -> Option<ReduceOp> {
        ReduceOp::ALL.into_iter().find(|r| r.name() == s)
    }

    /// The element-wise operation that folds two partial results.
    pub fn binary(self) -> super::BinaryOp {
        use super::BinaryOp as B;
        match self {
            ReduceOp::Add => B::Add,
            ReduceOp::Mul => B::Mul,
            ReduceOp::Min => B::Min,
            ReduceOp::Max => B::Max,
            ReduceOp::And => B::And,
            ReduceOp::Or => B::Or,
        }
    }

    /// The value that changes nothing when folded in. Float sums start
    /// from -0.0, so the sum of `[-0.0]` is -0.0 as in NumPy.
    pub fn identity(self, ty: DType) -> Scalar {
        let int = |v: i128| Scalar::from_bits(ty, v as u128);
        match (self, ty) {
            (_, DType::Bool) => Scalar::Bool(matches!(self, ReduceOp::And | ReduceOp::Mul | ReduceOp::Min)),
            (ReduceOp::Add, DType::Float32) => Scalar::F32(-0.0),
            (ReduceOp::Add, DType::Float64) => Scalar::F64(-0.0),
            (ReduceOp::Add | ReduceOp::Or, _) => int(0),
            (ReduceOp::Mul, _) => Scalar::U8(1).cast(ty),
            (ReduceOp::And, _) => int(-1),
            (ReduceOp::Min, DType::Float32) => Scalar::F32(f32::INFINITY),
            (ReduceOp::Min, DType::Float64) => Scalar::F64(f64::INFINITY),
            (ReduceOp::Max, DType::Float32) => Scalar::F32(f32::NEG_INFINITY),
            (ReduceOp::Max, DType::Float64) => Scalar::F64(f64::NEG_INFINITY),
            (ReduceOp::Min, t) if t.is_signed_int() => int(i128::MAX >> (128 - 8 * t.size())),
            (ReduceOp::Min, _) => int(-1),
            (ReduceOp::Max, t) if t.is_signed_int() => int(-(1i128 << (8 * t.size() - 1))),
            (ReduceOp::Max, _) => int(0),
        }
    }

    /// Whether the running total across blocks is kept in f64.
    pub fn widens(self, ty: DType) -> bool {
        ty.is_float() && matches!(self, ReduceOp::Add | ReduceOp::Mul)
    }
}

impl std::fmt::Display for ReduceOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_are_neutral() {
        assert_eq!(ReduceOp::Min.identity(DType::Int8), Scalar::I8(i8::MAX));
        assert_eq!(ReduceOp::Max.identity(DType::Int16), Scalar::I16(i16::MIN));
        assert_eq!(ReduceOp::Min.identity(DType::UInt32), Scalar::U32(u32::MAX));
        assert_eq!(ReduceOp::Mul.identity(DType::Float64), Scalar::F64(1.0));
        assert_eq!(ReduceOp::And.identity(DType::UInt8), Scalar::U8(255));
        assert_eq!(ReduceOp::Or.identity(DType::Bool), Scalar::Bool(false));
    }
}
