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
    // Flat positions of the true elements, without a branch on the data
    // (a random mask mispredicts half of them): every position is written
    // at the cursor, which moves on past true elements only.
    let mut flat = if nd == 1 { Vec::new() } else { vec![0i64; count] };
    let positions: &mut [i64] = if nd == 1 { &mut *o } else { &mut flat };
    let mut k = 0usize;
    for (p, &b) in m.iter().enumerate() {
        if k == count {
            if m[p..].iter().any(|&b| b != 0) {
                return Err(Error::Value(format!("nonzero: more than the {count} true elements counted before")));
            }
            break;
        }
        positions[k] = p as i64;
        k += (b != 0) as usize;
    }
    if k != count {
        return Err(Error::Value(format!("nonzero: {k} true elements, {count} counted before")));
    }
    if nd > 1 {
        for (j, &p) in flat.iter().enumerate() {
            let mut r = p as usize;
            for d in (0..nd).rev() {
                o[j * nd + d] = (r % shape[d]) as i64;
                r /= shape[d];
            }
        }
    }
    Ok(out)
}
