//! Concatenation along an axis: for every position of the dimensions
//! before the axis, each operand contributes one contiguous run of
//! `len_i * inner` elements, copied as bytes (any dtype).

use super::elements::{alloc, copy_run};
use super::Operand;
use super::scan::split_axis;
use lazyxp_runtime::{Buffer, DType, Result};

/// Operands all have `dtype` and the output's shape except along `axis`.
pub fn concat(inputs: &[Operand], axis: usize, dtype: DType, out_shape: &[usize]) -> Result<Buffer> {
    let (outer, total, inner) = split_axis(out_shape, Some(axis));
    let out = alloc(outer * total * inner, dtype)?;
    let w = dtype.size();
    let mut at = 0;
    for a in 0..outer {
        for x in inputs {
            let run = x.shape[axis] * inner;
            // SAFETY: operand `x` holds outer*run elements; the output holds
            // outer*total*inner and the runs of one row add up to total*inner.
            unsafe { copy_run(out.as_mut_ptr(), at, x.buffer.as_ptr(), a * run, run, w) };
            at += run;
        }
    }
    debug_assert_eq!(at, outer * total * inner);
    Ok(out)
}
