//! Reductions of the standard (sum, prod, min, max, mean, var, std, all,
//! any, count_nonzero) with `axis` and `keepdims`. Each is one `Reduce`
//! node; the elementwise work before it runs in the reduction's inner loop
//! and the work after it (a mean's division, a std's square root) runs once
//! per output element in the same kernel.

use crate::array::Array;
use crate::elementwise::{add, astype, bitwise_and, bitwise_or, copysign, divide, equal, greater, isnan, logical_and, maximum, minimum, multiply, not_equal, scalar_like, sqrt, subtract, where_};
use crate::manipulation::{index, Index};
use crate::manipulation::{normalize_axis, reshape};
use lazyxp_compiler::graph::{intern, NodeOp, State};
use lazyxp_compiler::library::LibraryOp;
use lazyxp_compiler::kernel_ir::ReduceOp;
use lazyxp_runtime::{DType, Error, Result, Scalar, Shape};
use smallvec::{smallvec, SmallVec};

/// Sorted, unique, non-negative axes (`None`: all of them).
fn axes_of(x: &Array, axis: Option<&[isize]>) -> Result<SmallVec<[u32; 4]>> {
    let n = x.ndim();
    let mut axes: SmallVec<[u32; 4]> = match axis {
        None => (0..n as u32).collect(),
        Some(a) => a.iter().map(|&a| normalize_axis(a, n).map(|a| a as u32)).collect::<Result<_>>()?,
    };
    axes.sort_unstable();
    if axes.windows(2).any(|w| w[0] == w[1]) {
        return Err(Error::Value(format!("repeated axis in {axis:?}")));
    }
    Ok(axes)
}

/// Elements folded per output element.
fn reduced_count(x: &Array, axes: &[u32]) -> usize {
    axes.iter().map(|&a| x.shape()[a as usize]).product()
}

/// Full reductions at least this long are split into fixed-size chunks.
const CHUNKED_FROM: usize = 1 << 18;
/// Elements per chunk: fixed, so the result never depends on the threads.
const CHUNK: usize = 1 << 16;

/// A reduction over every element of a large array, as partial results of
/// fixed-size chunks (one kernel, parallel over chunks) folded at the end:
/// a single output element would otherwise keep all but one core idle.
fn chunked_full_reduce(x: &Array, op: ReduceOp) -> Result<Array> {
    let n = x.size();
    let (q, rem) = (n / CHUNK, n % CHUNK);
    let flat = reshape(x, &[n as isize])?;
    let main = index(&flat, &[Index::Slice { start: Some(0), stop: Some((q * CHUNK) as isize), step: None }])?;
    let parts = reduce(&reshape(&main, &[q as isize, CHUNK as isize])?, op, &smallvec![1], false)?;
    let total = reduce(&parts, op, &smallvec![0], false)?;
    if rem == 0 {
        return Ok(total);
    }
    let tail = index(&flat, &[Index::Slice { start: Some((q * CHUNK) as isize), stop: None, step: None }])?;
    let tail = reduce(&tail, op, &smallvec![0], false)?;
    match op {
        ReduceOp::Add => add(&total, &tail),
        ReduceOp::Mul => multiply(&total, &tail),
        ReduceOp::Min => minimum(&total, &tail),
        ReduceOp::Max => maximum(&total, &tail),
        ReduceOp::And => bitwise_and(&total, &tail),
        ReduceOp::Or => bitwise_or(&total, &tail),
    }
}

/// The reduction node (reduced dims kept as 1), reshaped when `keepdims` is false.
fn reduce(x: &Array, op: ReduceOp, axes: &SmallVec<[u32; 4]>, keepdims: bool) -> Result<Array> {
    if x.dtype().is_complex() && op != ReduceOp::Add {
        // Kernels sum complex numbers part by part; a product mixes the
        // parts at every step, so it runs as the library's running product.
        if op == ReduceOp::Mul {
            return complex_prod(x, axes, keepdims);
        }
        return Err(crate::elementwise::not_for_complex(&format!("reduce_{op}")));
    }
    if axes.len() == x.ndim() && x.size() >= CHUNKED_FROM {
        let r = chunked_full_reduce(x, op)?;
        let kept: Vec<isize> = if keepdims { vec![1; x.ndim()] } else { vec![] };
        return reshape(&r, &kept);
    }
    let kept: Shape = x.shape().iter().enumerate().map(|(d, &n)| if axes.contains(&(d as u32)) { 1 } else { n }).collect();
    let r = if axes.is_empty() {
        x.clone()
    } else {
        Array::from_node(intern(
            NodeOp::Reduce { op, axes: axes.clone() },
            x.dtype(),
            kept.clone(),
            smallvec![x.node.clone()],
            State::Pending,
        ))?
    };
    if keepdims {
        return Ok(r);
    }
    let squeezed: Vec<isize> = kept.iter().enumerate().filter(|(d, _)| !axes.contains(&(*d as u32))).map(|(_, &n)| n as isize).collect();
    reshape(&r, &squeezed)
}

/// A product of complex numbers over `axes`: the reduced axes moved last
/// and flattened, the running product along them, its last element.
fn complex_prod(x: &Array, axes: &SmallVec<[u32; 4]>, keepdims: bool) -> Result<Array> {
    let n = x.ndim();
    let kept: Vec<usize> = (0..n).filter(|d| !axes.contains(&(*d as u32))).collect();
    let order: Vec<isize> = kept.iter().map(|&d| d as isize).chain(axes.iter().map(|&a| a as isize)).collect();
    let moved = crate::manipulation::permute_dims(x, &order)?;
    let mut rows: Vec<isize> = kept.iter().map(|&d| x.shape()[d] as isize).collect();
    rows.push(reduced_count(x, axes) as isize);
    let flat = reshape(&moved, &rows)?;
    let running = cumulative(&flat, ReduceOp::Mul, Some(-1), true)?;
    let mut key: Vec<Index> = vec![Index::Slice { start: None, stop: None, step: None }; kept.len()];
    key.push(Index::Int(-1));
    let r = index(&running, &key)?;
    if !keepdims {
        return Ok(r);
    }
    let shape: Vec<isize> = (0..n).map(|d| if axes.contains(&(d as u32)) { 1 } else { x.shape()[d] as isize }).collect();
    reshape(&r, &shape)
}

/// The dtype sums and products accumulate in: the default integer for
/// signed ints and bools, the default unsigned for unsigned ints, floats as
/// they are (the standard's rule).
fn accumulation_dtype(d: DType) -> DType {
    match d {
        DType::Bool | DType::Int8 | DType::Int16 | DType::Int32 | DType::Int64 => DType::Int64,
        DType::UInt8 | DType::UInt16 | DType::UInt32 | DType::UInt64 => DType::UInt64,
        other => other,
    }
}

pub fn sum(x: &Array, axis: Option<&[isize]>, keepdims: bool) -> Result<Array> {
    let axes = axes_of(x, axis)?;
    reduce(&astype(x, accumulation_dtype(x.dtype()))?, ReduceOp::Add, &axes, keepdims)
}

/// Product of the elements. A float product is exact in sign and zero-ness
/// whatever the blocked order did: with a zero among finite elements it is
/// a signed zero, even where the blocked order multiplied that zero by a
/// partial product that had overflowed to inf (0 * inf = NaN) and NumPy's
/// running product stayed at 0.
pub fn prod(x: &Array, axis: Option<&[isize]>, keepdims: bool) -> Result<Array> {
    let axes = axes_of(x, axis)?;
    let x = astype(x, accumulation_dtype(x.dtype()))?;
    let product = reduce(&x, ReduceOp::Mul, &axes, keepdims)?;
    if !x.dtype().is_float() {
        return Ok(product);
    }
    // Per element: 1 for a zero, 0 for any other finite value, NaN for inf
    // or NaN (x - x). Their sum is positive exactly where a zero sits among
    // finite elements; a NaN product there came from an overflowed partial
    // times that zero. A real inf or NaN among the elements keeps the NaN.
    let (zero, one) = (scalar_like(&x, 0.0)?, scalar_like(&x, 1.0)?);
    let zeros = add(&where_(&equal(&x, &zero)?, &one, &zero)?, &subtract(&x, &x)?)?;
    let zeros = reduce(&zeros, ReduceOp::Add, &axes, keepdims)?;
    let sign = reduce(&copysign(&one, &x)?, ReduceOp::Mul, &axes, keepdims)?;
    let overflowed_zero = logical_and(&isnan(&product)?, &greater(&zeros, &zero)?)?;
    where_(&overflowed_zero, &copysign(&zero, &sign)?, &product)
}

fn extremum(x: &Array, op: ReduceOp, axis: Option<&[isize]>, keepdims: bool) -> Result<Array> {
    let axes = axes_of(x, axis)?;
    if reduced_count(x, &axes) == 0 && x.size() == 0 || (reduced_count(x, &axes) == 0 && !axes.is_empty()) {
        return Err(Error::Value(format!(
            "zero-size reduction: {} of an array of shape {:?} over axes {:?} has no identity",
            if op == ReduceOp::Min { "min" } else { "max" },
            x.shape(),
            axes.as_slice()
        )));
    }
    if x.dtype().is_bool() {
        let r = reduce(x, if op == ReduceOp::Min { ReduceOp::And } else { ReduceOp::Or }, &axes, keepdims)?;
        return Ok(r);
    }
    reduce(x, op, &axes, keepdims)
}

/// Smallest element; NaN if any is NaN. Empty reductions are an error.
pub fn min(x: &Array, axis: Option<&[isize]>, keepdims: bool) -> Result<Array> {
    extremum(x, ReduceOp::Min, axis, keepdims)
}

/// Largest element; NaN if any is NaN. Empty reductions are an error.
pub fn max(x: &Array, axis: Option<&[isize]>, keepdims: bool) -> Result<Array> {
    extremum(x, ReduceOp::Max, axis, keepdims)
}

/// Whether every element is true (non-zero).
pub fn all(x: &Array, axis: Option<&[isize]>, keepdims: bool) -> Result<Array> {
    let axes = axes_of(x, axis)?;
    reduce(&crate::elementwise::cast(x, DType::Bool)?, ReduceOp::And, &axes, keepdims)
}

/// Whether any element is true (non-zero).
pub fn any(x: &Array, axis: Option<&[isize]>, keepdims: bool) -> Result<Array> {
    let axes = axes_of(x, axis)?;
    reduce(&crate::elementwise::cast(x, DType::Bool)?, ReduceOp::Or, &axes, keepdims)
}

/// Number of non-zero elements, as int64.
pub fn count_nonzero(x: &Array, axis: Option<&[isize]>, keepdims: bool) -> Result<Array> {
    let zero = Array { node: crate::elementwise::constant(Scalar::U8(0).cast(x.dtype()))? };
    let axes = axes_of(x, axis)?;
    // Counted in int32 where no count can reach 2^31, then widened to the
    // standard's int64: beside 4-byte (or narrower) elements the kernel
    // then runs in 4-lane vectors, where int64 counts took 2 lanes and
    // ran at a quarter of NumPy's speed.
    let counter = if reduced_count(x, &axes) < i32::MAX as usize { DType::Int32 } else { DType::Int64 };
    let nz = astype(&not_equal(x, &zero)?, counter)?;
    astype(&reduce(&nz, ReduceOp::Add, &axes, keepdims)?, DType::Int64)
}

fn require_float(x: &Array) -> Result<Array> {
    match x.dtype() {
        d if d.is_float() || d.is_complex() => Ok(x.clone()),
        _ => astype(x, DType::Float64),
    }
}

fn count_as(x: &Array, n: f64) -> Result<Array> {
    Ok(Array { node: crate::elementwise::constant(Scalar::F64(n).cast(x.dtype()))? })
}

/// Arithmetic mean; integers are averaged in float64 (NumPy). The mean of
/// nothing is NaN (0/0), as in NumPy.
pub fn mean(x: &Array, axis: Option<&[isize]>, keepdims: bool) -> Result<Array> {
    let x = require_float(x)?;
    let axes = axes_of(&x, axis)?;
    let n = reduced_count(&x, &axes) as f64;
    let s = reduce(&x, ReduceOp::Add, &axes, keepdims)?;
    divide(&s, &count_as(&x, n)?)
}

/// Variance with `correction` (0: population, 1: sample), two passes: the
/// mean first, then the sum of squared deviations, which stays accurate
/// where the one-pass `E[x²] - E[x]²` cancels catastrophically.
pub fn var(x: &Array, axis: Option<&[isize]>, correction: f64, keepdims: bool) -> Result<Array> {
    if x.dtype().is_complex() {
        return Err(crate::elementwise::not_for_complex("var (and std)"));
    }
    let x = require_float(x)?;
    let axes = axes_of(&x, axis)?;
    let n = reduced_count(&x, &axes) as f64;
    let m = mean(&x, axis, true)?;
    let d = subtract(&x, &m)?;
    let ss = reduce(&multiply(&d, &d)?, ReduceOp::Add, &axes, keepdims)?;
    divide(&ss, &count_as(&x, (n - correction).max(0.0))?)
}

/// Standard deviation: the square root of `var`.
pub fn std(x: &Array, axis: Option<&[isize]>, correction: f64, keepdims: bool) -> Result<Array> {
    sqrt(&var(x, axis, correction, keepdims)?)
}

fn cumulative(x: &Array, op: ReduceOp, axis: Option<isize>, include_initial: bool) -> Result<Array> {
    let axis = match axis {
        Some(a) => normalize_axis(a, x.ndim())?,
        None if x.ndim() == 1 => 0,
        None => return Err(Error::Value(format!("cumulative sums need an axis for an array of dimension {}", x.ndim()))),
    };
    let x = astype(x, accumulation_dtype(x.dtype()))?;
    let mut shape = Shape::from_slice(x.shape());
    shape[axis] += include_initial as usize;
    let node = intern(NodeOp::Library(LibraryOp::Cumulative { op, axis: axis as u32, include_initial }), x.dtype(), shape, smallvec![x.node.clone()], State::Pending);
    Array::from_node(node)
}

/// Running sums along `axis` (required unless `x` is 1-D), in the
/// accumulation dtype of `sum`; `include_initial` prepends the zero.
pub fn cumulative_sum(x: &Array, axis: Option<isize>, include_initial: bool) -> Result<Array> {
    cumulative(x, ReduceOp::Add, axis, include_initial)
}

/// Running products along `axis`; `include_initial` prepends the one.
pub fn cumulative_prod(x: &Array, axis: Option<isize>, include_initial: bool) -> Result<Array> {
    cumulative(x, ReduceOp::Mul, axis, include_initial)
}
