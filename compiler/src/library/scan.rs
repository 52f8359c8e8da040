//! Library kernels that walk one axis in order: argmax/argmin and the
//! cumulative sums and products. They run on the materialized, row-major
//! operand; the axis is split into (outer, length, inner) so every case is
//! the same three loops.

use crate::kernel_ir::ReduceOp;
use lazyxp_runtime::shape::byte_size;
use lazyxp_runtime::{Buffer, DType, Error, Result};

/// `shape` split around `axis` (None: the whole array as one axis).
pub fn split_axis(shape: &[usize], axis: Option<usize>) -> (usize, usize, usize) {
    match axis {
        None => (1, shape.iter().product(), 1),
        Some(a) => (shape[..a].iter().product(), shape[a], shape[a + 1..].iter().product()),
    }
}

/// Element types the scans run on, with NaN-aware ordering for floats.
trait Elem: Copy + PartialOrd + Send + Sync {
    fn is_nan(self) -> bool {
        false
    }
}
macro_rules! elem_int { ($($t:ty),*) => {$(impl Elem for $t {})*}; }
elem_int!(u8, i8, u16, i16, u32, i32, u64, i64);
impl Elem for f32 {
    fn is_nan(self) -> bool {
        f32::is_nan(self)
    }
}
impl Elem for f64 {
    fn is_nan(self) -> bool {
        f64::is_nan(self)
    }
}

/// Index of the first largest (`max`) or smallest element along the axis,
/// as int64. A NaN counts as the extreme, so the first NaN wins (NumPy).
pub fn arg_extreme(x: &Buffer, dtype: DType, shape: &[usize], axis: Option<usize>, max: bool) -> Result<Buffer> {
    let (outer, len, inner) = split_axis(shape, axis);
    if len == 0 {
        return Err(Error::Value("argmax/argmin of an empty axis".into()));
    }
    let out = Buffer::uninit(byte_size(&[outer * inner], DType::Int64)?)?;
    // SAFETY: `out` is fresh with outer*inner i64 slots; `x` holds the
    // operand's elements (checked by the caller's shapes).
    let o = unsafe { std::slice::from_raw_parts_mut(out.as_mut_ptr() as *mut i64, outer * inner) };
    macro_rules! run {
        ($t:ty) => {{
            let v = unsafe { std::slice::from_raw_parts(x.as_ptr() as *const $t, outer * len * inner) };
            scan_arg::<$t>(v, o, outer, len, inner, max)
        }};
    }
    match dtype {
        DType::Bool | DType::UInt8 => run!(u8),
        DType::Int8 => run!(i8),
        DType::UInt16 => run!(u16),
        DType::Int16 => run!(i16),
        DType::UInt32 => run!(u32),
        DType::Int32 => run!(i32),
        DType::UInt64 => run!(u64),
        DType::Int64 => run!(i64),
        DType::Float32 => run!(f32),
        DType::Float64 => run!(f64),
        other => return Err(Error::Unsupported(format!("argmax/argmin of {other} arrays is not implemented yet"))),
    }
    Ok(out)
}

fn scan_arg<T: Elem>(v: &[T], out: &mut [i64], outer: usize, len: usize, inner: usize, max: bool) {
    if inner == 1 {
        for (a, o) in out.iter_mut().enumerate() {
            let row = &v[a * len..(a + 1) * len];
            *o = if max { first_extreme::<T, true>(row) } else { first_extreme::<T, false>(row) } as i64;
        }
        return;
    }
    for a in 0..outer {
        for i in 0..inner {
            let at = |j: usize| v[(a * len + j) * inner + i];
            let mut best = 0usize;
            let mut bv = at(0);
            for j in 1..len {
                if bv.is_nan() {
                    break;
                }
                let c = at(j);
                if c.is_nan() || better(max, c, bv) {
                    best = j;
                    bv = c;
                }
            }
            out[a * inner + i] = best as i64;
        }
    }
}

/// Whether `c` beats `b` for argmax (`max`) or argmin: strictly, so the
/// first of equal values stays, and false when either is NaN.
#[inline]
fn better<T: PartialOrd>(max: bool, c: T, b: T) -> bool {
    if max { c > b } else { c < b }
}

/// Elements per chunk of `first_extreme`'s first pass: 64 KiB of f32,
/// so the one chunk scanned again is still in the core's L2 cache.
const EXTREME_CHUNK: usize = 1 << 14;

/// Index of the first largest (`MAX`) or smallest element of `row`, or of
/// its first NaN. The element by element scan this replaces ran ~1 ns per
/// element on one core; here a pass that vectorizes finds each chunk's
/// extreme and whether it holds a NaN (chunks in parallel), and only the
/// chunk that holds the answer is searched for its index. The extreme of a
/// set does not depend on the order it is read in, so the result is the
/// scan's, on any number of threads.
fn first_extreme<T: Elem, const MAX: bool>(row: &[T]) -> usize {
    let summaries = lazyxp_runtime::parallel::map_chunks(row.len(), EXTREME_CHUNK, |a, b| chunk_extreme::<T, MAX>(&row[a..b]));
    let winner = summaries.iter().position(|&(_, nan)| nan).unwrap_or_else(|| {
        // The first chunk holding the row's extreme: strictly better only.
        (1..summaries.len()).fold(0, |w, i| if better(MAX, summaries[i].0, summaries[w].0) { i } else { w })
    });
    let (extreme, nan) = summaries[winner];
    let start = winner * EXTREME_CHUNK;
    let chunk = &row[start..(start + EXTREME_CHUNK).min(row.len())];
    // `==` finds -0.0 for +0.0 and the reverse, as the scan's strict
    // comparisons keep the first of two equal values.
    let at = if nan { chunk.iter().position(|x| x.is_nan()) } else { chunk.iter().position(|&x| x == extreme) };
    start + at.expect("the chunk holds the extreme it reported")
}

/// A chunk's extreme (NaNs skipped: every comparison with them is false)
/// and whether it holds a NaN. Eight independent lanes, so the compiler
/// turns the loop into vector compares and blends.
fn chunk_extreme<T: Elem, const MAX: bool>(c: &[T]) -> (T, bool) {
    let mut lanes = [c[0]; 8];
    let mut nan = [false; 8];
    let mut groups = c.chunks_exact(8);
    for g in &mut groups {
        for l in 0..8 {
            nan[l] |= g[l].is_nan();
            if better(MAX, g[l], lanes[l]) {
                lanes[l] = g[l];
            }
        }
    }
    let mut extreme = c[0];
    let mut any_nan = nan.iter().any(|&n| n);
    for &x in groups.remainder().iter().chain(&lanes) {
        any_nan |= x.is_nan();
        if better(MAX, x, extreme) {
            extreme = x;
        }
    }
    (extreme, any_nan)
}

/// Running sums or products along the axis, in order, in `dtype` (already
/// the accumulation dtype); with `include_initial` the identity comes first.
pub fn cumulative(x: &Buffer, dtype: DType, shape: &[usize], axis: usize, op: ReduceOp, include_initial: bool) -> Result<Buffer> {
    let (outer, len, inner) = split_axis(shape, Some(axis));
    let out_len = len + include_initial as usize;
    let out = Buffer::uninit(byte_size(&[outer * out_len * inner], dtype)?)?;
    macro_rules! run {
        ($t:ty, $add:expr, $mul:expr, $zero:expr, $one:expr) => {{
            // SAFETY: sizes follow from the shapes; `out` is fresh.
            let v = unsafe { std::slice::from_raw_parts(x.as_ptr() as *const $t, outer * len * inner) };
            let o = unsafe { std::slice::from_raw_parts_mut(out.as_mut_ptr() as *mut $t, outer * out_len * inner) };
            let f: fn($t, $t) -> $t = if op == ReduceOp::Mul { $mul } else { $add };
            let init: $t = if op == ReduceOp::Mul { $one } else { $zero };
            for a in 0..outer {
                for i in 0..inner {
                    let mut acc = init;
                    if include_initial {
                        o[(a * out_len) * inner + i] = init;
                    }
                    for j in 0..len {
                        acc = f(acc, v[(a * len + j) * inner + i]);
                        o[(a * out_len + j + include_initial as usize) * inner + i] = acc;
                    }
                }
            }
        }};
    }
    match dtype {
        DType::Int64 => run!(i64, |a, b| a.wrapping_add(b), |a, b| a.wrapping_mul(b), 0, 1),
        DType::UInt64 => run!(u64, |a, b| a.wrapping_add(b), |a, b| a.wrapping_mul(b), 0, 1),
        DType::Int32 => run!(i32, |a, b| a.wrapping_add(b), |a, b| a.wrapping_mul(b), 0, 1),
        DType::UInt32 => run!(u32, |a, b| a.wrapping_add(b), |a, b| a.wrapping_mul(b), 0, 1),
        DType::Float32 => run!(f32, |a, b| a + b, |a, b| a * b, 0.0, 1.0),
        DType::Float64 => run!(f64, |a, b| a + b, |a, b| a * b, 0.0, 1.0),
        // Interleaved (re, im) pairs; products by the schoolbook formula,
        // as NumPy multiplies.
        DType::Complex64 => run!([f32; 2], |a, b| [a[0] + b[0], a[1] + b[1]], |a, b| [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]], [0.0, 0.0], [1.0, 0.0]),
        DType::Complex128 => run!([f64; 2], |a, b| [a[0] + b[0], a[1] + b[1]], |a, b| [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]], [0.0, 0.0], [1.0, 0.0]),
        other => return Err(Error::Unsupported(format!("cumulative sums of {other} arrays are not implemented yet"))),
    }
    Ok(out)
}
