//! Untyped element moves for the library kernels that only move data
//! (concatenation, gathers, scatters): they copy whole elements of the
//! operand's width, so one implementation serves every dtype.

use lazyxp_runtime::shape::byte_size;
use lazyxp_runtime::{Buffer, DType, Result};

/// A fresh buffer for `n` elements of `dtype`.
pub(crate) fn alloc(n: usize, dtype: DType) -> Result<Buffer> {
    Buffer::uninit(byte_size(&[n], dtype)?)
}

/// Copies element `si` of `src` to element `di` of `dst`, `w` bytes each.
///
/// # Safety
/// Both elements must lie inside their buffers, and `dst` must be a buffer
/// the caller is producing (not yet shared).
#[inline(always)]
pub(crate) unsafe fn copy_elem(dst: *mut u8, di: usize, src: *const u8, si: usize, w: usize) {
    unsafe {
        let (d, s) = (dst.add(di * w), src.add(si * w));
        match w {
            1 => *d = *s,
            2 => (d as *mut u16).write_unaligned((s as *const u16).read_unaligned()),
            4 => (d as *mut u32).write_unaligned((s as *const u32).read_unaligned()),
            8 => (d as *mut u64).write_unaligned((s as *const u64).read_unaligned()),
            _ => std::ptr::copy_nonoverlapping(s, d, w),
        }
    }
}

/// Copies `n` consecutive elements starting at `si` to `di`.
///
/// # Safety
/// As for [`copy_elem`], for the whole run.
#[inline(always)]
pub(crate) unsafe fn copy_run(dst: *mut u8, di: usize, src: *const u8, si: usize, n: usize, w: usize) {
    unsafe { std::ptr::copy_nonoverlapping(src.add(si * w), dst.add(di * w), n * w) }
}

/// The int64 values of an index operand (the frontend casts indices to
/// int64 before they reach a library kernel).
pub(crate) fn int64s(b: &Buffer, n: usize) -> &[i64] {
    assert!(b.len() >= n * 8, "index operand holds {} bytes, {n} int64s expected", b.len());
    // SAFETY: checked length; buffers are 64-byte aligned.
    unsafe { std::slice::from_raw_parts(b.as_ptr() as *const i64, n) }
}

/// A position along an axis of length `len` from a possibly negative
/// index (Python's rule); out of range is an error naming the axis.
#[inline]
pub(crate) fn wrap_index(i: i64, len: usize, axis: usize) -> Result<usize> {
    let n = len as i64;
    let p = if i < 0 { i + n } else { i };
    if p < 0 || p >= n {
        return Err(lazyxp_runtime::Error::Index(format!("index {i} is out of bounds for axis {axis} with size {len}")));
    }
    Ok(p as usize)
}
