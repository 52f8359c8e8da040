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

/// An array over `buffer`, which holds `shape`'s elements of `dtype`: for
/// data written straight into a fresh buffer, so it is not copied again.
///
/// # Safety
/// Every byte of `buffer` has been written, and bools are 0 or 1: readers
/// (`to_vec::<bool>`, kernels) take the bytes as valid elements.
pub unsafe fn from_buffer(buffer: Buffer, dtype: DType, shape: &[usize]) -> Result<Array> {
    let bytes = byte_size(shape, dtype)?;
    if buffer.len() != bytes {
        return Err(Error::Shape(format!("a buffer of {} bytes cannot hold shape {shape:?} of {dtype} ({bytes} bytes)", buffer.len())));
    }
    Ok(Array { node: Node::leaf(buffer, dtype, Shape::from_slice(shape)) })
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
/// in f64 as NumPy does (see [`linspace_values`]).
pub fn linspace(start: f64, stop: f64, num: usize, dtype: DType) -> Result<Array> {
    if !dtype.is_float() {
        return Err(Error::DType(format!("linspace needs a floating-point dtype, got {dtype}")));
    }
    byte_size(&[num], dtype)?;
    let values = linspace_values(start, stop, num, true);
    match dtype {
        DType::Float32 => asarray(&values.iter().map(|&v| v as f32).collect::<Vec<_>>(), &[num]),
        _ => asarray(&values, &[num]),
    }
}

/// linspace's values in f64, NumPy's arithmetic: `i * step + start`, or
/// `(i / div) * delta + start` when the step underflows to zero; the first
/// value exactly `start` and, with `endpoint`, the last exactly `stop`.
/// Where finite endpoints span more than the float range (the difference
/// overflows), the weighted form keeps the values finite (NumPy gives NaN
/// and infinities). The Python package computes each part of a complex
/// linspace with it too.
pub fn linspace_values(start: f64, stop: f64, num: usize, endpoint: bool) -> Vec<f64> {
    let div = if endpoint { num.saturating_sub(1) } else { num } as f64;
    let delta = stop - start;
    let step = delta / div;
    let overflowed = !delta.is_finite() && start.is_finite() && stop.is_finite();
    let mut values: Vec<f64> = (0..num)
        .map(|i| {
            let x = i as f64;
            if i == 0 {
                start
            } else if overflowed {
                let t = x / div;
                start * (1.0 - t) + stop * t
            } else if step == 0.0 {
                x / div * delta + start
            } else {
                x * step + start
            }
        })
        .collect();
    if endpoint && num > 1 {
        values[num - 1] = stop;
    }
    values
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

#[cfg(test)]
mod linspace_tests {
    use super::linspace_values;

    #[test]
    fn endpoints_are_exact_and_steps_numpys() {
        assert_eq!(linspace_values(0.0, 1.0, 5, true), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(linspace_values(0.0, 1.0, 4, false), vec![0.0, 0.25, 0.5, 0.75]);
        assert_eq!(linspace_values(2.5, 7.0, 1, true), vec![2.5]);
        assert!(linspace_values(1.0, 2.0, 0, true).is_empty());
        let v = linspace_values(0.1, 0.7, 7, true);
        assert_eq!((v[0], v[6]), (0.1, 0.7));
        for (i, x) in v.iter().enumerate() {
            assert_eq!(*x, i as f64 * ((0.7 - 0.1) / 6.0) + 0.1, "{i}");
        }
    }

    /// A span past the float range stays finite (NumPy: NaN and inf); a
    /// step that underflows to zero still spreads the values.
    #[test]
    fn overflowing_spans_and_underflowing_steps() {
        let v = linspace_values(4.2e300, -1.7e308, 5, true);
        assert!(v.iter().all(|x| x.is_finite()), "{v:?}");
        assert_eq!((v[0], v[4]), (4.2e300, -1.7e308));
        assert!(v.windows(2).all(|w| w[1] <= w[0]), "{v:?}");
        let tiny = f64::from_bits(1);
        let u = linspace_values(0.0, tiny, 10, true);
        assert_eq!((u[0], u[9]), (0.0, tiny));
        assert!(u[8] > 0.0 && u.windows(2).all(|w| w[1] >= w[0]), "{u:?}");
    }
}
