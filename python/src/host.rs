//! Arrays from host data of a dtype known only at run time.
//!
//! The Rust frontend's `asarray` is generic over the element type; Python
//! hands us bytes plus a dtype, so this dispatches on the dtype and copies
//! the (possibly unaligned) bytes into a typed vector first.

use crate::errors::guard;
use lazyxp::{Array, DType, Scalar};
use pyo3::PyResult;

/// Copies `bytes` (little-endian elements of `dtype`, row-major) into a new
/// realized array.
pub fn from_bytes(bytes: &[u8], dtype: DType, shape: &[usize]) -> PyResult<Array> {
    fn typed<T: lazyxp::Element>(bytes: &[u8], shape: &[usize]) -> lazyxp::Result<Array> {
        let w = std::mem::size_of::<T>();
        let n = bytes.len() / w;
        let mut v: Vec<T> = Vec::with_capacity(n);
        // SAFETY: `bytes` holds n elements of T, written by the caller from
        // a buffer of this dtype (bools are 0 or 1, checked by the caller);
        // the copy is bytewise, so the source needs no alignment.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), v.as_mut_ptr() as *mut u8, n * w);
            v.set_len(n);
        }
        lazyxp::asarray(&v, shape)
    }
    guard(|| match dtype {
        DType::Bool => typed::<bool>(bytes, shape),
        DType::Int8 => typed::<i8>(bytes, shape),
        DType::Int16 => typed::<i16>(bytes, shape),
        DType::Int32 => typed::<i32>(bytes, shape),
        DType::Int64 => typed::<i64>(bytes, shape),
        DType::UInt8 => typed::<u8>(bytes, shape),
        DType::UInt16 => typed::<u16>(bytes, shape),
        DType::UInt32 => typed::<u32>(bytes, shape),
        DType::UInt64 => typed::<u64>(bytes, shape),
        DType::Float32 => typed::<f32>(bytes, shape),
        DType::Float64 => typed::<f64>(bytes, shape),
        DType::Complex64 => typed::<[f32; 2]>(bytes, shape),
        DType::Complex128 => typed::<[f64; 2]>(bytes, shape),
    })
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
    a.eval()?;
    let buf = a
        .node()
        .host_buffer()?
        .ok_or_else(|| lazyxp::Error::Value("array has no buffer after eval".into()))?;
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
