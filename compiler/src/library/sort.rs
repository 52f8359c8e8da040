//! Sorting along an axis (`sort`, `argsort`) and `searchsorted`, with the
//! standard library's sorts. Order is NumPy's: NaN after every number (so
//! NaNs sort to the end), -0.0 equal to 0.0. Descending order is the
//! reverse of the order of the values, with equal values kept in their
//! original order, as array_api_strict does (it reverses, sorts stably
//! and reverses back): NaNs therefore come first when descending.
//! Complex numbers sort as NumPy sorts them (lexicographically, NaNs
//! last); the standard leaves their order unspecified.

use super::elements::alloc;
use super::scan::split_axis;
use lazyxp_runtime::{Buffer, DType, Result};
use std::cmp::Ordering;

/// Element types with NumPy's sort order.
pub(crate) trait SortKey: Copy {
    fn order(&self, other: &Self) -> Ordering;
    /// Whether `radix_key` exists: then long lanes are radix sorted
    /// (stable, a few passes over the data) instead of compared, which on
    /// 4M floats was 25x slower than NumPy's vectorized sort.
    const RADIX: bool = false;
    /// The radix key: as wide as the element, since each byte is a pass.
    type Radix: radsort::Key + std::ops::Not<Output = Self::Radix>;
    /// An unsigned key in `order`'s order, ties included (-0.0 and 0.0
    /// share one, as do all NaNs, which come last).
    fn radix_key(&self) -> Self::Radix;
}
macro_rules! key_int { ($($t:ty => $k:ty),*) => {$(impl SortKey for $t {
    #[inline] fn order(&self, o: &Self) -> Ordering { self.cmp(o) }
    const RADIX: bool = true;
    type Radix = $k;
    // Signed values shifted by their minimum (a no-op for unsigned ones).
    #[inline] fn radix_key(&self) -> $k { (*self as i128 - <$t>::MIN as i128) as $k }
})*}; }
key_int!(u8 => u8, i8 => u8, u16 => u16, i16 => u16, u32 => u32, i32 => u32, u64 => u64, i64 => u64);
macro_rules! key_float { ($($t:ty, $bits:ty),*) => {$(impl SortKey for $t {
    #[inline]
    fn order(&self, o: &Self) -> Ordering {
        match (self.is_nan(), o.is_nan()) {
            (false, false) => self.partial_cmp(o).unwrap_or(Ordering::Equal),
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
        }
    }
    const RADIX: bool = true;
    type Radix = $bits;
    #[inline]
    fn radix_key(&self) -> $bits {
        if self.is_nan() {
            return <$bits>::MAX;
        }
        // Bits of the value with -0.0 as 0.0; negatives flipped whole,
        // positives above them.
        let b = if *self == 0.0 { 0 } else { self.to_bits() };
        let sign = 1 << (<$bits>::BITS - 1);
        if b & sign != 0 { !b } else { b | sign }
    }
})*}; }
key_float!(f32, u32, f64, u64);
/// Complex numbers in NumPy's order: lexicographic (real part, then
/// imaginary), with the classes R+Rj < R+nanj < nan+Rj < nan+nanj.
macro_rules! key_complex { ($($t:ty),*) => {$(impl SortKey for [$t; 2] {
    #[inline]
    fn order(&self, o: &Self) -> Ordering {
        let class = |z: &[$t; 2]| (z[0].is_nan() as u8) * 2 + z[1].is_nan() as u8;
        class(self).cmp(&class(o)).then_with(|| self[0].order(&o[0])).then_with(|| self[1].order(&o[1]))
    }
    // Compared, never radix sorted (`RADIX` is false).
    type Radix = u8;
    fn radix_key(&self) -> u8 {
        0
    }
})*}; }
key_complex!(f32, f64);

/// Dispatches `$body` with `$t` bound to the element type of `$dtype`.
macro_rules! by_dtype {
    ($dtype:expr, $t:ident => $body:expr) => {
        match $dtype {
            DType::Bool | DType::UInt8 => { type $t = u8; $body }
            DType::Int8 => { type $t = i8; $body }
            DType::UInt16 => { type $t = u16; $body }
            DType::Int16 => { type $t = i16; $body }
            DType::UInt32 => { type $t = u32; $body }
            DType::Int32 => { type $t = i32; $body }
            DType::UInt64 => { type $t = u64; $body }
            DType::Int64 => { type $t = i64; $body }
            DType::Float32 => { type $t = f32; $body }
            DType::Float64 => { type $t = f64; $body }
            DType::Complex64 => { type $t = [f32; 2]; $body }
            DType::Complex128 => { type $t = [f64; 2]; $body }
        }
    };
}
pub(crate) use by_dtype;

/// Sorted values (`indices` false, output `dtype` of the input) or the
/// int64 permutation that sorts (`indices` true) along `axis`.
pub fn sort(x: &Buffer, dtype: DType, shape: &[usize], axis: usize, descending: bool, stable: bool, indices: bool) -> Result<Buffer> {
    let (outer, len, inner) = split_axis(shape, Some(axis));
    let n = outer * len * inner;
    let out = alloc(n, if indices { DType::Int64 } else { dtype })?;
    by_dtype!(dtype, T => {
        // SAFETY: the operand holds n elements of T; `out` is fresh.
        let v = unsafe { std::slice::from_raw_parts(x.as_ptr() as *const T, n) };
        if indices {
            let o = unsafe { std::slice::from_raw_parts_mut(out.as_mut_ptr() as *mut i64, n) };
            lanes_argsort::<T>(v, o, outer, len, inner, descending);
        } else {
            let o = unsafe { std::slice::from_raw_parts_mut(out.as_mut_ptr() as *mut T, n) };
            lanes_sort::<T>(v, o, outer, len, inner, descending, stable);
        }
    });
    Ok(out)
}

/// The radix key that sorts `e` stably in the wanted direction:
/// descending is ascending in the complemented key, equal values keeping
/// their order (array_api_strict's reverse, stable sort, reverse).
#[inline]
fn radix_order<T: SortKey>(e: &T, descending: bool) -> T::Radix {
    if descending { !e.radix_key() } else { e.radix_key() }
}

/// Lanes at least this long are radix sorted where the type allows;
/// shorter ones are compared (a radix sort pays a histogram per pass).
const RADIX_FROM: usize = 256;

fn lanes_sort<T: SortKey>(v: &[T], o: &mut [T], outer: usize, len: usize, inner: usize, descending: bool, stable: bool) {
    let mut lane: Vec<T> = Vec::with_capacity(len);
    for a in 0..outer {
        for i in 0..inner {
            let at = |j: usize| (a * len + j) * inner + i;
            lane.clear();
            lane.extend((0..len).map(|j| v[at(j)]));
            let cmp = |p: &T, q: &T| if descending { q.order(p) } else { p.order(q) };
            if T::RADIX && len >= RADIX_FROM {
                // Stable either way.
                radsort::sort_by_key(&mut lane, |e| radix_order(e, descending));
            } else if stable {
                lane.sort_by(cmp);
            } else {
                lane.sort_unstable_by(cmp);
            }
            for (j, &e) in lane.iter().enumerate() {
                o[at(j)] = e;
            }
        }
    }
}

/// Always a stable sort of positions, so the answer is deterministic
/// (and stable whether or not the caller asked).
fn lanes_argsort<T: SortKey>(v: &[T], o: &mut [i64], outer: usize, len: usize, inner: usize, descending: bool) {
    let mut lane: Vec<(T, i64)> = Vec::with_capacity(len);
    for a in 0..outer {
        for i in 0..inner {
            let at = |j: usize| (a * len + j) * inner + i;
            lane.clear();
            lane.extend((0..len).map(|j| (v[at(j)], j as i64)));
            if T::RADIX && len >= RADIX_FROM {
                radsort::sort_by_key(&mut lane, |p| radix_order(&p.0, descending));
            } else if descending {
                lane.sort_by(|p, q| q.0.order(&p.0));
            } else {
                lane.sort_by(|p, q| p.0.order(&q.0));
            }
            for (j, &(_, k)) in lane.iter().enumerate() {
                o[at(j)] = k;
            }
        }
    }
}

/// For each of `queries`, the insertion point into the ascending 1-D
/// `sorted` (first position for `right` false, last for true), int64.
pub fn searchsorted(sorted: &Buffer, queries: &Buffer, dtype: DType, len: usize, count: usize, right: bool) -> Result<Buffer> {
    let out = alloc(count, DType::Int64)?;
    by_dtype!(dtype, T => {
        // SAFETY: the operands hold len and count elements of T.
        let s = unsafe { std::slice::from_raw_parts(sorted.as_ptr() as *const T, len) };
        let q = unsafe { std::slice::from_raw_parts(queries.as_ptr() as *const T, count) };
        let o = unsafe { std::slice::from_raw_parts_mut(out.as_mut_ptr() as *mut i64, count) };
        for (k, v) in q.iter().enumerate() {
            o[k] = if right {
                s.partition_point(|e| e.order(v) != Ordering::Greater)
            } else {
                s.partition_point(|e| e.order(v) == Ordering::Less)
            } as i64;
        }
    });
    Ok(out)
}
