//! Gathers: elements read at positions that come from data. `take`
//! (one or several index arrays over consecutive axes: integer-array
//! indexing is the several-array case), `take_along_axis`, and `repeat`
//! with per-element counts. Indices are int64 (the frontend casts them),
//! negative ones count from the end, and an index out of range is an
//! error naming it, never a read outside the buffer.

use super::elements::{alloc, copy_elem, copy_run, int64s, wrap_index};
use super::scan::split_axis;
use super::Operand;
use lazyxp_runtime::{Buffer, DType, Error, Result};

/// `x` of shape `S`; `indices` are `count` arrays of one shape `B` that
/// index axes `axis..axis+count`; the result has shape
/// `S[..axis] + B + S[axis+count..]`.
pub fn take(x: &Operand, indices: &[Operand], axis: usize, dtype: DType) -> Result<Buffer> {
    let count = indices.len();
    let dims = &x.shape[axis..axis + count];
    let outer: usize = x.shape[..axis].iter().product();
    let inner: usize = x.shape[axis + count..].iter().product();
    let block: usize = dims.iter().product();
    let m: usize = indices.first().map_or(1, |i| i.shape.iter().product());
    let idx: Vec<&[i64]> = indices.iter().map(|i| int64s(&i.buffer, m)).collect();
    let w = dtype.size();
    if count == 1 && inner == 1 {
        // One index array picking single elements (`take(x, i)` of a 1-D
        // x, or along the last axis), with no table of positions and no
        // copy call per element. Every index is checked first (a min and a
        // max the compiler vectorizes; the first bad one is named), so the
        // copy loop has no exits and runs in the element's own width.
        let (lo, hi) = idx[0].iter().fold((0i64, -1i64), |(lo, hi), &i| (lo.min(i), hi.max(i)));
        if lo < -(block as i64) || hi >= block as i64 {
            for &i in idx[0] {
                wrap_index(i, block, axis)?;
            }
        }
        let out = alloc(outer * m, dtype)?;
        macro_rules! gather {
            ($t:ty) => {{
                // SAFETY: x holds outer*block elements and the output
                // outer*m, of this width; every index was checked above.
                let src = unsafe { std::slice::from_raw_parts(x.buffer.as_ptr() as *const $t, outer * block) };
                let dst = unsafe { std::slice::from_raw_parts_mut(out.as_mut_ptr() as *mut $t, outer * m) };
                for (a, row) in dst.chunks_exact_mut(m.max(1)).enumerate() {
                    let from = &src[a * block..(a + 1) * block];
                    for (o, &i) in row.iter_mut().zip(idx[0]) {
                        let p = if i < 0 { i + block as i64 } else { i };
                        *o = from[p as usize];
                    }
                }
            }};
        }
        match w {
            1 => gather!(u8),
            2 => gather!(u16),
            4 => gather!(u32),
            8 => gather!(u64),
            16 => gather!(u128),
            _ => unreachable!("element widths are 1 to 16 bytes"),
        }
        return Ok(out);
    }
    // Flat position inside the indexed block for each index tuple.
    let mut flat = vec![0usize; m];
    for (k, f) in flat.iter_mut().enumerate() {
        let mut p = 0;
        for (d, ix) in idx.iter().enumerate() {
            p = p * dims[d] + wrap_index(ix[k], dims[d], axis + d)?;
        }
        *f = p;
    }
    let out = alloc(outer * m * inner, dtype)?;
    for a in 0..outer {
        for (k, &p) in flat.iter().enumerate() {
            // SAFETY: p < block (checked above), so the run lies in x; the
            // output holds outer*m*inner elements.
            unsafe { copy_run(out.as_mut_ptr(), (a * m + k) * inner, x.buffer.as_ptr(), (a * block + p) * inner, inner, w) };
        }
    }
    Ok(out)
}

/// `x` and `indices` have equal shapes except along `axis`; the result has
/// the indices' shape: `out[.., j, ..] = x[.., indices[.., j, ..], ..]`.
pub fn take_along_axis(x: &Operand, indices: &Operand, axis: usize, dtype: DType) -> Result<Buffer> {
    let (outer, len, inner) = split_axis(&x.shape, Some(axis));
    let m = indices.shape[axis];
    let n = outer * m * inner;
    let idx = int64s(&indices.buffer, n);
    let out = alloc(n, dtype)?;
    let w = dtype.size();
    for a in 0..outer {
        for j in 0..m {
            for i in 0..inner {
                let o = (a * m + j) * inner + i;
                let p = wrap_index(idx[o], len, axis)?;
                // SAFETY: p < len, so the source lies in x; o < n.
                unsafe { copy_elem(out.as_mut_ptr(), o, x.buffer.as_ptr(), (a * len + p) * inner + i, w) };
            }
        }
    }
    Ok(out)
}

/// Each slice of `x` along `axis` repeated `counts[j]` times (counts are
/// int64, one per slice, checked non-negative and summing to the output's
/// length along the axis by the frontend, and again here).
pub fn repeat(x: &Operand, counts: &Operand, axis: usize, dtype: DType, out_shape: &[usize]) -> Result<Buffer> {
    let (outer, len, inner) = split_axis(&x.shape, Some(axis));
    let total = out_shape[axis];
    let c = int64s(&counts.buffer, len);
    if c.iter().any(|&r| r < 0) || c.iter().map(|&r| r as u128).sum::<u128>() != total as u128 {
        return Err(Error::Value(format!("repeat: counts do not add up to {total} (or one is negative)")));
    }
    let out = alloc(outer * total * inner, dtype)?;
    let w = dtype.size();
    let mut at = 0;
    for a in 0..outer {
        for (j, &r) in c.iter().enumerate() {
            for _ in 0..r {
                // SAFETY: row j of x exists; the rows written add up to total.
                unsafe { copy_run(out.as_mut_ptr(), at, x.buffer.as_ptr(), (a * len + j) * inner, inner, w) };
                at += inner;
            }
        }
    }
    Ok(out)
}
