//! Elementwise functions of the array API standard, as lazy graph nodes.
//!
//! Each function checks dtypes and shapes, applies type promotion and
//! broadcasting (explicit `cast` and `broadcast` nodes, so fusion sees
//! everything), and returns a pending array. Errors come from here, never
//! from `eval`.

use crate::array::Array;
use crate::promotion::{result_type, PyScalar};
use lazyxp_compiler::graph::{intern, NodeOp, NodeRef, State};
use lazyxp_compiler::kernel_ir::{BinaryOp, CmpOp, UnaryOp};
use lazyxp_runtime::shape::broadcast_shapes;
use lazyxp_runtime::{Buffer, DType, Error, Result, Scalar, Shape};
use smallvec::{smallvec, SmallVec};
use std::borrow::Cow;

mod numeric;
mod transcendental;
pub use numeric::*;
pub use transcendental::*;

/// The error for an operation the standard does not define on complex
/// numbers (ordering, rounding down, bit operations...).
pub(crate) fn not_for_complex(what: &str) -> Error {
    Error::DType(format!("{what} is not defined for complex arrays"))
}

/// The one place computed nodes are made.
fn node(op: NodeOp, dtype: DType, shape: Shape, inputs: SmallVec<[NodeRef; 3]>) -> Result<Array> {
    Array::from_node(intern(op, dtype, shape, inputs, State::Pending))
}


/// A 0-d constant node holding `value` (hash-consed by value).
pub(crate) fn constant(value: Scalar) -> Result<NodeRef> {
    let op = NodeOp::Const(value);
    // A constant in use (recent ones are kept) needs no new buffer.
    if let Some(existing) = lazyxp_compiler::graph::lookup(&op, value.dtype(), &Shape::new(), &[]) {
        return Ok(existing);
    }
    let mut bytes = [0u8; 16];
    value.write(&mut bytes);
    let buffer = Buffer::from_bytes(&bytes[..value.dtype().size()])?;
    Ok(intern(op, value.dtype(), Shape::new(), SmallVec::new(), |_| State::Realized { buffer, record: None }))
}

/// `x` converted to `dtype` (the standard's `astype`). A complex array
/// converts only to complex dtypes: the standard leaves complex to real
/// unpermitted, and `real`, `imag` or `abs` say which real is meant.
pub fn astype(x: &Array, dtype: DType) -> Result<Array> {
    if x.dtype().is_complex() && !dtype.is_complex() {
        return Err(Error::DType(format!("astype: casting {} to {dtype} is not permitted; take real(x), imag(x) or abs(x)", x.dtype())));
    }
    cast(x, dtype)
}

/// Conversion without astype's complex guard: complex to bool ("not
/// 0+0j") for the truth-testing reductions.
pub(crate) fn cast(x: &Array, dtype: DType) -> Result<Array> {
    if x.dtype() == dtype {
        return Ok(x.clone());
    }
    node(NodeOp::Cast, dtype, x.node.shape.clone(), smallvec![x.node.clone()])
}

pub use crate::manipulation::broadcast_to;

/// Promotes and broadcasts operands to a common dtype and shape. Operands
/// already of that dtype and shape are borrowed, not cloned: on the hot
/// path of `x * y` every avoided clone is an atomic increment and decrement.
fn common<'a>(arrays: &[&'a Array], what: &str) -> Result<(SmallVec<[Cow<'a, Array>; 3]>, DType, Shape)> {
    let mut dtype = arrays[0].dtype();
    let mut shape = Shape::from_slice(arrays[0].shape());
    for a in &arrays[1..] {
        dtype = result_type(dtype, a.dtype())?;
        if a.shape() != shape.as_slice() {
            shape = broadcast_shapes(&shape, a.shape()).map_err(|e| match e {
                Error::Shape(m) => Error::Shape(format!("{what}: {m}")),
                other => other,
            })?;
        }
    }
    let out = arrays
        .iter()
        .map(|&a| {
            if a.dtype() == dtype && a.shape() == shape.as_slice() {
                return Ok(Cow::Borrowed(a));
            }
            broadcast_to(&astype(a, dtype)?, &shape).map(Cow::Owned)
        })
        .collect::<Result<_>>()?;
    Ok((out, dtype, shape))
}

/// The dtype math functions compute in: floats as they are; integers and
/// bools in a float wide enough (NumPy would pick float16 for 8-bit
/// inputs, which lazyxp lacks, so float32).
fn float_dtype(d: DType) -> DType {
    match d {
        DType::Float32 | DType::Float64 | DType::Complex64 | DType::Complex128 => d,
        DType::Bool | DType::Int8 | DType::UInt8 | DType::Int16 | DType::UInt16 => DType::Float32,
        _ => DType::Float64,
    }
}

fn float_unary(op: UnaryOp, x: &Array) -> Result<Array> {
    let x = astype(x, float_dtype(x.dtype()))?;
    node(NodeOp::Unary(op), x.dtype(), x.node.shape.clone(), smallvec![x.node.clone()])
}

macro_rules! float_functions {
    ($($(#[$m:meta])* $name:ident => $op:ident),*) => {$(
        $(#[$m])*
        pub fn $name(x: &Array) -> Result<Array> { float_unary(UnaryOp::$op, x) }
    )*};
}
float_functions!(
    /// Sine, ≤ 1 ULP (see docs/math-accuracy.md).
    sin => Sin,
    cos => Cos,
    exp => Exp,
    /// Natural logarithm.
    log => Log,
    tanh => Tanh,
    /// Correctly rounded square root.
    sqrt => Sqrt
);

/// Rounding functions are the identity on integers, as the standard says;
/// only `round` is defined for complex numbers (it rounds both parts).
fn rounding(op: UnaryOp, x: &Array) -> Result<Array> {
    match x.dtype() {
        d if d.is_int() => Ok(x.clone()),
        DType::Bool => Err(Error::DType(format!("{op} is not defined for bool"))),
        d if d.is_complex() && op != UnaryOp::RoundEven => Err(not_for_complex(op.name())),
        _ => node(NodeOp::Unary(op), x.dtype(), x.node.shape.clone(), smallvec![x.node.clone()]),
    }
}
pub fn floor(x: &Array) -> Result<Array> {
    rounding(UnaryOp::Floor, x)
}
pub fn ceil(x: &Array) -> Result<Array> {
    rounding(UnaryOp::Ceil, x)
}
pub fn trunc(x: &Array) -> Result<Array> {
    rounding(UnaryOp::Trunc, x)
}
/// Rounds half to even.
pub fn round(x: &Array) -> Result<Array> {
    rounding(UnaryOp::RoundEven, x)
}

/// Numeric negation; integers wrap (`-(-128)` is -128 in int8, as in NumPy).
pub fn negative(x: &Array) -> Result<Array> {
    if x.dtype().is_bool() {
        return Err(Error::DType("negative is not defined for bool; use logical_not".into()));
    }
    node(NodeOp::Unary(UnaryOp::Neg), x.dtype(), x.node.shape.clone(), smallvec![x.node.clone()])
}

/// Absolute value; of a complex number its magnitude, a real float.
pub fn abs(x: &Array) -> Result<Array> {
    if x.dtype().is_bool() {
        return Ok(x.clone());
    }
    node(NodeOp::Unary(UnaryOp::Abs), x.dtype().real_part(), x.node.shape.clone(), smallvec![x.node.clone()])
}

pub fn logical_not(x: &Array) -> Result<Array> {
    let b = astype(x, DType::Bool)?;
    node(NodeOp::Unary(UnaryOp::Not), DType::Bool, b.node.shape.clone(), smallvec![b.node.clone()])
}

pub fn bitwise_invert(x: &Array) -> Result<Array> {
    if !(x.dtype().is_int() || x.dtype().is_bool()) {
        return Err(Error::DType(format!("bitwise_invert needs integer or bool input, got {}", x.dtype())));
    }
    node(NodeOp::Unary(UnaryOp::Not), x.dtype(), x.node.shape.clone(), smallvec![x.node.clone()])
}

fn binary(op: BinaryOp, a: &Array, b: &Array) -> Result<Array> {
    let (v, dtype, shape) = common(&[a, b], op.name())?;
    // NumPy's meaning of arithmetic on bools: + is or, * is and.
    let op = match (op, dtype) {
        (BinaryOp::Add, DType::Bool) | (BinaryOp::Max, DType::Bool) => BinaryOp::Or,
        (BinaryOp::Mul, DType::Bool) | (BinaryOp::Min, DType::Bool) => BinaryOp::And,
        (BinaryOp::Sub, DType::Bool) => {
            return Err(Error::DType("subtract is not defined for bool; use logical_xor".into()))
        }
        _ => op,
    };
    let is_bitwise = matches!(op, BinaryOp::And | BinaryOp::Or | BinaryOp::Xor | BinaryOp::Shl | BinaryOp::Shr);
    if dtype.is_complex() && !matches!(op, BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Pow) {
        return Err(not_for_complex(op.name()));
    }
    if is_bitwise && dtype.is_float() {
        return Err(Error::DType(format!("{op} needs integer or bool operands, got {} and {}", a.dtype(), b.dtype())));
    }
    node(NodeOp::Binary(op), dtype, shape, smallvec![v[0].node.clone(), v[1].node.clone()])
}

pub fn add(a: &Array, b: &Array) -> Result<Array> {
    binary(BinaryOp::Add, a, b)
}
pub fn subtract(a: &Array, b: &Array) -> Result<Array> {
    binary(BinaryOp::Sub, a, b)
}
pub fn multiply(a: &Array, b: &Array) -> Result<Array> {
    binary(BinaryOp::Mul, a, b)
}
/// True division; integer operands compute in float64 as in NumPy.
pub fn divide(a: &Array, b: &Array) -> Result<Array> {
    let t = result_type(a.dtype(), b.dtype())?;
    if !t.is_float() && !t.is_complex() {
        return binary(BinaryOp::Div, &astype(a, DType::Float64)?, &astype(b, DType::Float64)?);
    }
    binary(BinaryOp::Div, a, b)
}
/// Elementwise maximum; NaN if either is NaN.
pub fn maximum(a: &Array, b: &Array) -> Result<Array> {
    binary(BinaryOp::Max, a, b)
}
pub fn minimum(a: &Array, b: &Array) -> Result<Array> {
    binary(BinaryOp::Min, a, b)
}
pub fn bitwise_and(a: &Array, b: &Array) -> Result<Array> {
    binary(BinaryOp::And, a, b)
}
pub fn bitwise_or(a: &Array, b: &Array) -> Result<Array> {
    binary(BinaryOp::Or, a, b)
}
pub fn bitwise_xor(a: &Array, b: &Array) -> Result<Array> {
    binary(BinaryOp::Xor, a, b)
}
pub fn logical_and(a: &Array, b: &Array) -> Result<Array> {
    binary(BinaryOp::And, &astype(a, DType::Bool)?, &astype(b, DType::Bool)?)
}
pub fn logical_or(a: &Array, b: &Array) -> Result<Array> {
    binary(BinaryOp::Or, &astype(a, DType::Bool)?, &astype(b, DType::Bool)?)
}
pub fn logical_xor(a: &Array, b: &Array) -> Result<Array> {
    binary(BinaryOp::Xor, &astype(a, DType::Bool)?, &astype(b, DType::Bool)?)
}

fn compare(op: CmpOp, a: &Array, b: &Array) -> Result<Array> {
    let (v, dtype, shape) = common(&[a, b], op.name())?;
    if dtype.is_complex() && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
        return Err(not_for_complex(op.name()));
    }
    node(NodeOp::Cmp(op), DType::Bool, shape, smallvec![v[0].node.clone(), v[1].node.clone()])
}
pub fn equal(a: &Array, b: &Array) -> Result<Array> {
    compare(CmpOp::Eq, a, b)
}
pub fn not_equal(a: &Array, b: &Array) -> Result<Array> {
    compare(CmpOp::Ne, a, b)
}
pub fn less(a: &Array, b: &Array) -> Result<Array> {
    compare(CmpOp::Lt, a, b)
}
pub fn less_equal(a: &Array, b: &Array) -> Result<Array> {
    compare(CmpOp::Le, a, b)
}
pub fn greater(a: &Array, b: &Array) -> Result<Array> {
    compare(CmpOp::Gt, a, b)
}
pub fn greater_equal(a: &Array, b: &Array) -> Result<Array> {
    compare(CmpOp::Ge, a, b)
}

/// `cond ? a : b` elementwise; `cond` must be bool (as the standard says).
pub fn where_(cond: &Array, a: &Array, b: &Array) -> Result<Array> {
    if !cond.dtype().is_bool() {
        return Err(Error::DType(format!("where: condition must be bool, got {}", cond.dtype())));
    }
    let (v, dtype, shape) = common(&[a, b], "where")?;
    let shape = broadcast_shapes(&shape, cond.shape()).map_err(|e| Error::Shape(format!("where: {e}")))?;
    let c = broadcast_to(cond, &shape)?;
    let (x, y) = (broadcast_to(&v[0], &shape)?, broadcast_to(&v[1], &shape)?);
    node(NodeOp::Where, dtype, shape, smallvec![c.node.clone(), x.node.clone(), y.node.clone()])
}

/// A Rust scalar as an array operand next to `like` (Python scalar rules).
pub fn scalar_like(like: &Array, s: impl Into<PyScalar>) -> Result<Array> {
    Ok(Array { node: constant(s.into().to_scalar_for(like.dtype())?)? })
}
