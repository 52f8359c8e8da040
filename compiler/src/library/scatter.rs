//! `__setitem__` as a functional update: a copy of the array with some
//! elements replaced. The region of a basic index (each dimension a start
//! and a step, the value's shape giving the counts) or the positions of a
//! boolean mask (values taken in row-major order) are written; the input
//! itself is never modified.

use super::elements::{alloc, copy_elem, copy_run};
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
