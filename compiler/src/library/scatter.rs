//! `__setitem__` as a functional update: a copy of the array with some
//! elements replaced. The region of a basic index (each dimension a start
//! and a step, the value's shape giving the counts) or the positions of a
//! boolean mask (values taken in row-major order) are written; the input
//! itself is never modified.

use super::elements::{alloc, copy_elem, copy_run, int64s, wrap_index};
use super::Operand;
use lazyxp_runtime::{Buffer, DType, Error, Result};

fn copy_of(x: &Operand, dtype: DType) -> Result<Buffer> {
    let n: usize = x.shape.iter().product();
    let out = alloc(n, dtype)?;
    // SAFETY: both hold n elements of dtype.
    unsafe { copy_run(out.as_mut_ptr(), 0, x.buffer.as_ptr(), 0, n, dtype.size()) };
    Ok(out)
}

/// `x` with `value` written at positions `start[d] + step[d] * i[d]`
/// (`i` ranging over the value's shape, which has x's rank).
pub fn set_region(x: &Operand, value: &Operand, region: &[(isize, isize)], dtype: DType) -> Result<Buffer> {
    let out = copy_of(x, dtype)?;
    let nd = x.shape.len();
    let counts = &value.shape;
    let total: usize = counts.iter().product();
    for d in 0..nd {
        let (s, st) = region[d];
        let last = s + st * (counts[d] as isize - 1);
        if counts[d] > 0 && (s < 0 || s >= x.shape[d] as isize || last < 0 || last >= x.shape[d] as isize) {
            return Err(Error::Value(format!("setitem: region {region:?} leaves shape {:?}", x.shape)));
        }
    }
    let mut strides = vec![1isize; nd];
    for d in (0..nd.saturating_sub(1)).rev() {
        strides[d] = strides[d + 1] * x.shape[d + 1] as isize;
    }
    let w = dtype.size();
    let mut idx = vec![0usize; nd];
    for k in 0..total {
        let mut r = k;
        for d in (0..nd).rev() {
            idx[d] = r % counts[d];
            r /= counts[d];
        }
        let p: isize = (0..nd).map(|d| (region[d].0 + region[d].1 * idx[d] as isize) * strides[d]).sum();
        // SAFETY: every coordinate was checked inside x's shape above.
        unsafe { copy_elem(out.as_mut_ptr(), p as usize, value.buffer.as_ptr(), k, w) };
    }
    Ok(out)
}

/// `x` with the rows selected by `mask` (its shape is x's leading
/// dimensions) replaced, in order, by the rows of `values`
/// (`(count, x.shape[mask.ndim..])`).
pub fn set_masked(x: &Operand, mask: &Operand, values: &Operand, dtype: DType) -> Result<Buffer> {
    let out = copy_of(x, dtype)?;
    let m: usize = mask.shape.iter().product();
    let inner: usize = x.shape[mask.shape.len()..].iter().product();
    let count = values.shape.first().copied().unwrap_or(0);
    // SAFETY: the mask operand is m bools.
    let bits = unsafe { std::slice::from_raw_parts(mask.buffer.as_ptr(), m) };
    let mut k = 0;
    for (p, &b) in bits.iter().enumerate() {
        if b != 0 {
            if k == count {
                return Err(Error::Value(format!("setitem: the mask selects more than the {count} rows given")));
            }
            // SAFETY: row p of x and row k of values exist.
            unsafe { copy_run(out.as_mut_ptr(), p * inner, values.buffer.as_ptr(), k * inner, inner, dtype.size()) };
            k += 1;
        }
    }
    if k != count {
        return Err(Error::Value(format!("setitem: the mask selects {k} rows, {count} given")));
    }
    Ok(out)
}

/// `x` with `value` written where a key mixing slices and integer arrays
/// selects (`x[i, ::2, j] = value`, NumPy's integer-array assignment).
/// The x axes in `axes` (ascending) are indexed by the int64 `indices`
/// (one shape `B`, negative counting from the end); every other axis `d`
/// by the slice `region[d]` (start, step). The value's shape is the other
/// axes' counts with `B` inserted at position `at`. Every index is checked
/// before anything is written, so an index out of range is an error and
/// never a write outside the buffer; where indices repeat, the last
/// element of `value` in row-major order wins (NumPy's assignment).
pub fn set_indices(x: &Operand, value: &Operand, indices: &[Operand], region: &[(isize, isize)], axes: &[u32], at: usize, dtype: DType) -> Result<Buffer> {
    let nd = x.shape.len();
    let bshape: &[usize] = indices.first().map_or(&[], |i| &i.shape);
    let m: usize = bshape.iter().product();
    let mut strides = vec![1usize; nd];
    for d in (0..nd.saturating_sub(1)).rev() {
        strides[d] = strides[d + 1] * x.shape[d + 1];
    }
    // Offset of each index tuple, checked.
    let idx: Vec<&[i64]> = indices.iter().map(|i| int64s(&i.buffer, m)).collect();
    let mut adv = vec![0usize; m];
    for (k, off) in adv.iter_mut().enumerate() {
        for (j, &a) in axes.iter().enumerate() {
            let a = a as usize;
            *off += wrap_index(idx[j][k], x.shape[a], a)? * strides[a];
        }
    }
    // The sliced axes, in order, and their counts (from the value's shape).
    let nb = bshape.len();
    let sliced: Vec<usize> = (0..nd).filter(|d| !axes.contains(&(*d as u32))).collect();
    let counts: Vec<usize> = (0..sliced.len()).map(|i| value.shape[if i < at { i } else { i + nb }]).collect();
    for (i, &d) in sliced.iter().enumerate() {
        let (s, st) = region[d];
        let last = s + st * (counts[i] as isize - 1);
        if counts[i] > 0 && (s < 0 || s >= x.shape[d] as isize || last < 0 || last >= x.shape[d] as isize) {
            return Err(Error::Value(format!("setitem: slice (start {s}, step {st}, {} elements) leaves axis {d} of shape {:?}", counts[i], x.shape)));
        }
    }
    let out = copy_of(x, dtype)?;
    let total: usize = value.shape.iter().product();
    let w = dtype.size();
    let nv = value.shape.len();
    let mut coord = vec![0usize; nv];
    for k in 0..total {
        let mut r = k;
        for d in (0..nv).rev() {
            coord[d] = r % value.shape[d];
            r /= value.shape[d];
        }
        let b = coord[at..at + nb].iter().zip(bshape).fold(0, |acc, (&c, &n)| acc * n + c);
        let mut p = adv[b] as isize;
        for (i, &d) in sliced.iter().enumerate() {
            let c = coord[if i < at { i } else { i + nb }] as isize;
            p += (region[d].0 + region[d].1 * c) * strides[d] as isize;
        }
        // SAFETY: every index and slice was checked inside x's shape above.
        unsafe { copy_elem(out.as_mut_ptr(), p as usize, value.buffer.as_ptr(), k, w) };
    }
    Ok(out)
}
