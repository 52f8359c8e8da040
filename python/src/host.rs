//! Arrays from host data of a dtype known only at run time, and back.
//!
//! The Rust frontend's `asarray` is generic over the element type; Python
//! hands us memory plus a dtype, which is copied into the new array's
//! buffer (`lazyxp::from_buffer`) without a typed copy in between.

use crate::errors::guard;
use lazyxp::{Array, DType, Scalar};
use lazyxp_runtime::Buffer;
use pyo3::PyResult;

/// A new realized array holding the elements of host memory at `base`,
/// laid out with `shape` and byte `strides` (any signs and order; `None`:
/// row-major), as the buffer protocol and DLPack describe memory they
/// export. One copy, straight into the array's buffer: row-major memory
/// in one `memcpy`, rows of adjacent elements in one each, other rows by
/// typed moves, in tiles where elements are over a cache line apart
/// (`copy_plane`). Bools come out as 0 or 1 whatever bytes the source held.
///
/// # Safety
/// Every element at an in-range index must be readable memory of `dtype`
/// until this returns.
pub unsafe fn from_strided(base: *const u8, dtype: DType, shape: &[usize], strides: Option<&[isize]>) -> PyResult<Array> {
    debug_assert!(strides.is_none_or(|s| s.len() == shape.len()), "a stride per dim");
    let w = dtype.size();
    let buffer = guard(|| Buffer::uninit(lazyxp_runtime::shape::byte_size(shape, dtype)?))?;
    let n = buffer.len() / w;
    let dst = buffer.as_mut_ptr();
    // Tested only for data that fits the buffer, so the strides a packed
    // layout would have cannot overflow.
    let packed = |strides: &[isize]| {
        let mut packed_stride = w as isize;
        shape.iter().zip(strides).rev().all(|(&d, &s)| {
            let fits = d <= 1 || s == packed_stride;
            packed_stride *= d as isize;
            fits
        })
    };
    // SAFETY (all copies): the caller vouches for the source elements;
    // `dst` holds n elements, written each exactly once, in row-major order.
    if n == 0 {
    } else if strides.is_none_or(packed) {
        unsafe { std::ptr::copy_nonoverlapping(base, dst, n * w) };
    } else if let Some(strides) = strides {
        // Planes of the last two dims (a 1-d source is one row), one after
        // another in row-major order.
        let k = shape.len().saturating_sub(2);
        let (rows, row_step) = if shape.len() >= 2 { (shape[k], strides[k]) } else { (1, 0) };
        let (cols, col_step) = (shape[shape.len() - 1], strides[shape.len() - 1]);
        let mut idx = vec![0usize; k];
        for plane in 0..n / (rows * cols) {
            let start: isize = idx.iter().zip(strides).map(|(&i, &s)| i as isize * s).sum();
            unsafe { copy_plane(base.offset(start), (rows, cols), (row_step, col_step), dst.add(plane * rows * cols * w), w) };
            for d in (0..k).rev() {
                idx[d] += 1;
                if idx[d] < shape[d] {
                    break;
                }
                idx[d] = 0;
            }
        }
    }
    if dtype == DType::Bool {
        // SAFETY: the buffer's n bytes were all written above.
        let bytes = unsafe { std::slice::from_raw_parts_mut(dst, n) };
        bytes.iter_mut().for_each(|b| *b = (*b != 0) as u8);
    }
    // SAFETY: every element was written above, bools as 0 or 1.
    guard(|| unsafe { lazyxp::from_buffer(buffer, dtype, shape) })
}

/// Elements further apart than this (bytes) sit on different cache lines,
/// so walking them is worth tiling (`copy_plane`).
const CACHE_LINE: usize = 64;

/// Side of the square tiles a plane whose rows step more than a cache line
/// from element to element is copied in: a transposed source, walked row
/// by row, would touch a new cache line (and often page) for every
/// element.
const TILE: usize = 32;

/// A `rows` x `cols` plane of `w`-byte elements at `src`, its rows and
/// columns `steps` bytes apart, to `dst` in row-major order.
///
/// # Safety
/// As `from_strided`'s, for this plane; `dst` has room for it.
unsafe fn copy_plane(src: *const u8, (rows, cols): (usize, usize), (row_step, col_step): (isize, isize), dst: *mut u8, w: usize) {
    // SAFETY (all copies): the caller's.
    if cols == 1 {
        unsafe { copy_row(src, row_step, dst, rows, w) };
        return;
    }
    if col_step == w as isize {
        for r in 0..rows {
            unsafe { std::ptr::copy_nonoverlapping(src.offset(r as isize * row_step), dst.add(r * cols * w), cols * w) };
        }
        return;
    }
    if col_step.unsigned_abs() <= CACHE_LINE {
        // Reversed or stepped rows still read cache line after cache line.
        for r in 0..rows {
            unsafe { copy_row(src.offset(r as isize * row_step), col_step, dst.add(r * cols * w), cols, w) };
        }
        return;
    }
    for r0 in (0..rows).step_by(TILE) {
        for c0 in (0..cols).step_by(TILE) {
            for r in r0..(r0 + TILE).min(rows) {
                let from = unsafe { src.offset(r as isize * row_step + c0 as isize * col_step) };
                unsafe { copy_row(from, col_step, dst.add((r * cols + c0) * w), TILE.min(cols - c0), w) };
            }
        }
    }
}

/// `count` elements of `w` bytes, `step` bytes apart from `src`, to `dst`
/// side by side: typed moves for the usual sizes (a `memcpy` call per
/// element was most of a reversed or transposed copy's time).
///
/// # Safety
/// As `from_strided`'s, for this row; `dst` has room for `count` elements.
unsafe fn copy_row(src: *const u8, step: isize, dst: *mut u8, count: usize, w: usize) {
    unsafe fn typed<T: Copy>(src: *const u8, step: isize, dst: *mut u8, count: usize) {
        for j in 0..count {
            // SAFETY: the caller's; unaligned, as exporters need not align.
            unsafe { (dst as *mut T).add(j).write_unaligned(src.offset(j as isize * step).cast::<T>().read_unaligned()) };
        }
    }
    // SAFETY (each arm): the caller's.
    match w {
        1 => unsafe { typed::<u8>(src, step, dst, count) },
        2 => unsafe { typed::<u16>(src, step, dst, count) },
        4 => unsafe { typed::<u32>(src, step, dst, count) },
        8 => unsafe { typed::<u64>(src, step, dst, count) },
        16 => unsafe { typed::<u128>(src, step, dst, count) },
        _ => {
            for j in 0..count {
                unsafe { std::ptr::copy_nonoverlapping(src.offset(j as isize * step), dst.add(j * w), w) };
            }
        }
    }
}

/// Copies `bytes` (little-endian elements of `dtype`, row-major, bools 0
/// or 1) into a new realized array.
fn from_bytes(bytes: &[u8], dtype: DType, shape: &[usize]) -> PyResult<Array> {
    // SAFETY: the buffer is a copy of `bytes`, valid elements (above).
    guard(|| unsafe { lazyxp::from_buffer(Buffer::from_bytes(bytes)?, dtype, shape) })
}

/// An array of `dtype` holding `values` (already of that dtype).
pub fn from_scalars(values: &[Scalar], dtype: DType, shape: &[usize]) -> PyResult<Array> {
    let w = dtype.size();
    let mut bytes = vec![0u8; values.len() * w];
    for (i, v) in values.iter().enumerate() {
        debug_assert_eq!(v.dtype(), dtype);
        v.write(&mut bytes[i * w..]);
    }
    from_bytes(&bytes, dtype, shape)
}

/// The array's elements, row-major, as bytes (evaluates it). The caller
/// releases the GIL around this when it may compute.
pub fn to_bytes(a: &Array) -> lazyxp::Result<Vec<u8>> {
    let buf = a.host_data()?;
    let n = a.size() * a.dtype().size();
    if buf.len() < n {
        return Err(lazyxp::Error::Value(format!(
            "buffer of {} bytes for an array of {n} bytes (a lazyxp bug)",
            buf.len()
        )));
    }
    Ok(buf.as_bytes()[..n].to_vec())
}

/// All elements as scalars (evaluates).
pub fn to_scalars(a: &Array) -> lazyxp::Result<Vec<Scalar>> {
    let bytes = to_bytes(a)?;
    let w = a.dtype().size();
    Ok((0..a.size()).map(|i| Scalar::read(a.dtype(), &bytes[i * w..])).collect())
}
