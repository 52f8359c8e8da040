//! Shapes and the arithmetic on them that must never overflow silently.

use crate::error::{Error, Result};
use crate::DType;
use smallvec::SmallVec;

/// Dimensions of an array; four dimensions live inline without allocation.
pub type Shape = SmallVec<[usize; 4]>;
/// Element strides (may be zero for broadcast dimensions, negative for flips).
pub type Strides = SmallVec<[isize; 4]>;

/// Largest byte count we hand to the allocator: `isize::MAX` is what Rust's
/// allocation APIs and pointer offsets accept.
pub const MAX_BYTES: usize = isize::MAX as usize;

/// Number of elements, or an `Overflow` error naming the shape.
pub fn numel(shape: &[usize]) -> Result<usize> {
    shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| Error::Overflow(format!("element count of shape {shape:?} overflows usize")))
}

/// Bytes needed for `shape` elements of `dtype`, checked against `MAX_BYTES`.
pub fn byte_size(shape: &[usize], dtype: DType) -> Result<usize> {
    let n = numel(shape)?;
    n.checked_mul(dtype.size())
        .filter(|&b| b <= MAX_BYTES)
        .ok_or_else(|| {
            Error::Overflow(format!(
                "shape {shape:?} of {dtype} needs more than {MAX_BYTES} bytes"
            ))
        })
}

/// Row-major strides of a contiguous array, in elements.
pub fn contiguous_strides(shape: &[usize]) -> Strides {
    let mut strides: Strides = SmallVec::from_elem(0, shape.len());
    let mut acc: isize = 1;
    for (i, &d) in shape.iter().enumerate().rev() {
        strides[i] = acc;
        acc = acc.wrapping_mul(d.max(1) as isize);
    }
    strides
}

/// The standard's broadcasting rule for two shapes.
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Result<Shape> {
    let rank = a.len().max(b.len());
    let mut out: Shape = SmallVec::from_elem(0, rank);
    for i in 0..rank {
        let da = if i + a.len() >= rank { a[i + a.len() - rank] } else { 1 };
        let db = if i + b.len() >= rank { b[i + b.len() - rank] } else { 1 };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => {
                return Err(Error::Shape(format!(
                    "shapes {a:?} and {b:?} cannot be broadcast together (dimension {i}: {da} vs {db})"
                )))
            }
        };
    }
    Ok(out)
}

/// Whether `from` can be broadcast to `to` (the rule `broadcast_to` uses).
pub fn can_broadcast_to(from: &[usize], to: &[usize]) -> bool {
    from.len() <= to.len()
        && from
            .iter()
            .rev()
            .zip(to.iter().rev())
            .all(|(&f, &t)| f == t || f == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcasting_follows_the_standard() {
        assert_eq!(broadcast_shapes(&[3, 1], &[4]).unwrap().as_slice(), &[3, 4]);
        assert_eq!(broadcast_shapes(&[], &[2, 0]).unwrap().as_slice(), &[2, 0]);
        assert_eq!(broadcast_shapes(&[1, 0], &[5, 1]).unwrap().as_slice(), &[5, 0]);
        let err = broadcast_shapes(&[3], &[4]).unwrap_err();
        assert!(err.to_string().contains("[3]") && err.to_string().contains("[4]"));
        assert!(can_broadcast_to(&[3, 1], &[2, 3, 5]));
        assert!(!can_broadcast_to(&[3, 2], &[3, 5]));
    }

    #[test]
    fn sizes_that_overflow_are_errors() {
        assert!(numel(&[usize::MAX, 2]).is_err());
        assert!(byte_size(&[usize::MAX / 4], DType::Float64).is_err());
        assert_eq!(byte_size(&[2, 3], DType::Float32).unwrap(), 24);
        assert_eq!(numel(&[]).unwrap(), 1);
        assert_eq!(contiguous_strides(&[2, 3, 4]).as_slice(), &[12, 4, 1]);
    }
}
