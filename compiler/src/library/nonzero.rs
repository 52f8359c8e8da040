//! `nonzero`: the coordinates of the true elements of a bool operand, in
//! row-major order, as an int64 `(count, ndim)` matrix (the frontend
//! hands out its columns). `count` was computed before the node was built
//! (the output shape depends on the data).

use super::elements::alloc;
use lazyxp_runtime::{Buffer, DType, Error, Result};

pub fn nonzero(mask: &Buffer, shape: &[usize], count: usize) -> Result<Buffer> {
    let n: usize = shape.iter().product();
    let nd = shape.len();
    let out = alloc(count * nd, DType::Int64)?;
    // SAFETY: the operand is n bools (bytes); `out` holds count*nd int64s.
    let m = unsafe { std::slice::from_raw_parts(mask.as_ptr(), n) };
    let o = unsafe { std::slice::from_raw_parts_mut(out.as_mut_ptr() as *mut i64, count * nd) };
    let mut coord = vec![0usize; nd];
    let mut k = 0;
    for (p, &b) in m.iter().enumerate() {
        if b != 0 {
            if k == count {
                return Err(Error::Value(format!("nonzero: more than the {count} true elements counted before")));
            }
            let mut r = p;
            for d in (0..nd).rev() {
                coord[d] = r % shape[d];
                r /= shape[d];
            }
            for d in 0..nd {
                o[k * nd + d] = coord[d] as i64;
            }
            k += 1;
        }
    }
    if k != count {
        return Err(Error::Value(format!("nonzero: {k} true elements, {count} counted before")));
    }
    Ok(out)
}
