//! Vector and matrix norms: reductions of `abs(x)` (fused with whatever
//! produced `x`), or of the singular values for the nuclear and 2-norms.
//! They are in the real dtype of `x`.

use super::decompositions::{matrices, svdvals};
use crate::array::Array;
use crate::elementwise::{abs, astype, multiply, not_equal, pow, scalar_like, sqrt};
use crate::manipulation::expand_dims;
use crate::statistical::{max, min, sum};
use lazyxp_runtime::{Error, Result};

/// The standard's `ord` values for `matrix_norm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatrixOrder {
    /// Frobenius: the square root of the sum of squared magnitudes.
    Fro,
    /// Nuclear: the sum of the singular values.
    Nuc,
    /// Largest (`One`) or smallest column sum of magnitudes.
    One,
    MinusOne,
    /// Largest (`Two`) or smallest singular value.
    Two,
    MinusTwo,
    /// Largest (`Inf`) or smallest row sum of magnitudes.
    Inf,
    MinusInf,
}

/// The `ord`-norm over `axis` (all axes when `None`): `inf` and `-inf` the
/// largest and smallest magnitude, 0 the count of non-zeros, otherwise
/// `sum(|x|^ord)^(1/ord)`.
pub fn vector_norm(x: &Array, axis: Option<&[isize]>, keepdims: bool, ord: f64) -> Result<Array> {
    if !(x.dtype().is_float() || x.dtype().is_complex()) {
        return Err(Error::DType(format!("vector_norm: expected a floating-point array, got {}", x.dtype())));
    }
    if ord.is_nan() {
        return Err(Error::Value("vector_norm: ord must not be NaN".into()));
    }
    let a = astype(&abs(x)?, x.dtype().real_part())?;
    if ord == f64::INFINITY {
        return max(&a, axis, keepdims);
    }
    if ord == f64::NEG_INFINITY {
        return min(&a, axis, keepdims);
    }
    if ord == 0.0 {
        let nonzero = astype(&not_equal(&a, &scalar_like(&a, 0.0)?)?, a.dtype())?;
        return sum(&nonzero, axis, keepdims);
    }
    if ord == 1.0 {
        return sum(&a, axis, keepdims);
    }
    if ord == 2.0 {
        return sqrt(&sum(&multiply(&a, &a)?, axis, keepdims)?);
    }
    let powered = sum(&pow(&a, &scalar_like(&a, ord)?)?, axis, keepdims)?;
    pow(&powered, &scalar_like(&a, 1.0 / ord)?)
}

/// The `ord`-norm of each matrix (the last two axes), shape `(..)`, or
/// `(.., 1, 1)` with `keepdims`.
pub fn matrix_norm(x: &Array, keepdims: bool, ord: MatrixOrder) -> Result<Array> {
    matrices(x, "matrix_norm", false)?;
    let keep = |r: Array| if keepdims { expand_dims(&expand_dims(&r, -1)?, -1) } else { Ok(r) };
    let a = || astype(&abs(x)?, x.dtype().real_part());
    // Sums along `along`, then the extreme along the other matrix axis.
    let sums = |along: isize, largest: bool| -> Result<Array> {
        let s = sum(&a()?, Some(&[along]), true)?;
        let other = if along == -1 { -2 } else { -1 };
        let r = if largest { max(&s, Some(&[other]), true)? } else { min(&s, Some(&[other]), true)? };
        if keepdims {
            Ok(r)
        } else {
            crate::manipulation::squeeze(&r, &[-2, -1])
        }
    };
    match ord {
        MatrixOrder::Fro => {
            let a = a()?;
            sqrt(&sum(&multiply(&a, &a)?, Some(&[-2, -1]), keepdims)?)
        }
        MatrixOrder::Nuc => keep(sum(&svdvals(x)?, Some(&[-1]), false)?),
        MatrixOrder::Two => keep(max(&svdvals(x)?, Some(&[-1]), false)?),
        MatrixOrder::MinusTwo => keep(min(&svdvals(x)?, Some(&[-1]), false)?),
        MatrixOrder::One => sums(-2, true),
        MatrixOrder::MinusOne => sums(-2, false),
        MatrixOrder::Inf => sums(-1, true),
        MatrixOrder::MinusInf => sums(-1, false),
    }
}
