//! Creating arrays: from Rust data (realized leaves) or lazily (constants
//! broadcast to a shape).

use crate::array::Array;
use crate::elementwise::{broadcast_to, constant};
use lazyxp_compiler::graph::Node;
use lazyxp_runtime::dtype::Element;
use lazyxp_runtime::shape::{byte_size, numel};
use lazyxp_runtime::{Buffer, DType, Device, Error, Result, Scalar, Shape};

/// An array holding a copy of `data` with the given shape.
pub fn asarray<T: Element>(data: &[T], shape: &[usize]) -> Result<Array> {
    let buffer = Buffer::from_bytes(element_bytes(data, shape)?)?;
    Ok(Array { node: Node::leaf(buffer, T::DTYPE, Shape::from_slice(shape)) })
}

/// `asarray` on `device`: for a GPU the data goes straight to device
/// memory. `Error::Device` when this build or machine has no such device.
pub fn asarray_on<T: Element>(data: &[T], shape: &[usize], device: &Device) -> Result<Array> {
    match *device {
        Device::Cpu => asarray(data, shape),
        Device::Cuda(ordinal) => {
            crate::device::check_cuda(ordinal)?;
            crate::device::upload(element_bytes(data, shape)?, T::DTYPE, shape, ordinal)
        }
    }
}

/// `data` as bytes, after checking it has `shape`'s element count.
fn element_bytes<'a, T: Element>(data: &'a [T], shape: &[usize]) -> Result<&'a [u8]> {
    let n = numel(shape)?;
    if n != data.len() {
        return Err(Error::Shape(format!(
            "{} elements cannot have shape {shape:?} ({n} elements)",
            data.len()
        )));
    }
    let bytes = byte_size(shape, T::DTYPE)?;
    // SAFETY: `data` is `bytes` bytes of plain-old-data elements.
    Ok(unsafe { std::slice::from_raw_parts(data.as_ptr() as *const u8, bytes) })
}

/// A 0-d array.
pub fn scalar(value: Scalar) -> Result<Array> {
    Ok(Array { node: constant(value)? })
}

/// `shape` filled with `value` converted to `dtype`; lazy (a broadcast
/// constant), so `full(..) * x` never materializes the filled array.
pub fn full(shape: &[usize], value: f64, dtype: DType) -> Result<Array> {
    byte_size(shape, dtype)?;
    let c = scalar(Scalar::F64(value).cast(dtype))?;
    broadcast_to(&c, shape)
}

pub fn zeros(shape: &[usize], dtype: DType) -> Result<Array> {
    full(shape, 0.0, dtype)
}

pub fn ones(shape: &[usize], dtype: DType) -> Result<Array> {
    full(shape, 1.0, dtype)
}

/// `num` evenly spaced values from `start` to `stop` inclusive, computed
/// in f64 as NumPy does (`start + i * step`, last value exactly `stop`).
pub fn linspace(start: f64, stop: f64, num: usize, dtype: DType) -> Result<Array> {
    if !dtype.is_float() {
        return Err(Error::DType(format!("linspace needs a floating-point dtype, got {dtype}")));
    }
    byte_size(&[num], dtype)?;
    let div = num.saturating_sub(1).max(1) as f64;
    let step = (stop - start) / div;
    // Endpoints exactly; between them `start + i * step`, NumPy's values,
    // unless finite endpoints span more than the float range, where the
    // weighted form stays finite (NumPy gives NaN and infinities).
    let overflowed = !step.is_finite() && start.is_finite() && stop.is_finite();
    let value = |i: usize| match i {
        0 => start,
        i if i == num - 1 && num > 1 => stop,
        i if !overflowed => start + i as f64 * step,
        i => {
            let t = i as f64 / div;
            start * (1.0 - t) + stop * t
        }
    };
    match dtype {
        DType::Float32 => asarray(&(0..num).map(|i| value(i) as f32).collect::<Vec<_>>(), &[num]),
        _ => asarray(&(0..num).map(value).collect::<Vec<_>>(), &[num]),
    }
}

/// Values `start, start + step, ...` below `stop` (above, for a negative
/// step), of `dtype`.
pub fn arange(start: f64, stop: f64, step: f64, dtype: DType) -> Result<Array> {
    if step == 0.0 || !step.is_finite() || !start.is_finite() || !stop.is_finite() {
        return Err(Error::Value(format!("arange({start}, {stop}, {step}): step must be finite and non-zero, bounds finite")));
    }
    let count = ((stop - start) / step).ceil().max(0.0);
    if count > (usize::MAX / 16) as f64 {
        return Err(Error::Overflow(format!("arange({start}, {stop}, {step}) has {count} elements")));
    }
    let n = count as usize;
    byte_size(&[n], dtype)?;
    let values: Vec<f64> = (0..n).map(|i| start + i as f64 * step).collect();
    let data = asarray(&values, &[n])?;
    crate::elementwise::astype(&data, dtype)?.eval_into()
}

impl Array {
    /// Evaluates and returns self, for constructors that want data ready.
    pub(crate) fn eval_into(self) -> Result<Array> {
        self.eval()?;
        Ok(self)
    }
}
