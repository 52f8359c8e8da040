//! The set functions' kernels, on the flattened input already sorted
//! (stably, with the sorting permutation beside it). Equal neighbours form
//! a group; NaNs never equal anything, so each NaN is its own value, as
//! the standard says and NumPy 2's `unique_*` do. The number of groups was
//! counted before the node was built (the output shape depends on the data).

use super::elements::{alloc, int64s};
use super::sort::by_dtype;
use lazyxp_runtime::{Buffer, DType, Error, Result};

/// Which output of `unique_all` a node computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UniquePart {
    /// The distinct values, ascending (input dtype).
    Values,
    /// The index of each value's first occurrence in the input (int64).
    Indices,
    /// For each input element, the index of its value among the values.
    Inverse,
    /// How often each value occurs (int64).
    Counts,
}

impl UniquePart {
    pub fn name(self) -> &'static str {
        match self {
            UniquePart::Values => "values",
            UniquePart::Indices => "indices",
            UniquePart::Inverse => "inverse_indices",
            UniquePart::Counts => "counts",
        }
    }
}

/// `sorted` holds `n` values of `dtype`; `perm` (for indices and inverse)
/// the stable sorting permutation; the result has `groups` entries
/// (`n` for the inverse).
pub fn unique(sorted: &Buffer, perm: Option<&Buffer>, dtype: DType, n: usize, groups: usize, part: UniquePart) -> Result<Buffer> {
    let starts: Vec<usize> = by_dtype!(dtype, T => {
        // SAFETY: the operand holds n elements of T.
        let s = unsafe { std::slice::from_raw_parts(sorted.as_ptr() as *const T, n) };
        #[allow(clippy::float_cmp)]
        (0..n).filter(|&j| j == 0 || s[j] != s[j - 1]).collect()
    });
    if starts.len() != groups {
        return Err(Error::Value(format!("unique: {} distinct values, {groups} counted before", starts.len())));
    }
    let perm = || perm.map(|p| int64s(p, n)).ok_or_else(|| Error::Value("unique: missing permutation operand".into()));
    match part {
        UniquePart::Values => {
            let w = dtype.size();
            let out = alloc(groups, dtype)?;
            for (g, &j) in starts.iter().enumerate() {
                // SAFETY: j < n, g < groups.
                unsafe { super::elements::copy_elem(out.as_mut_ptr(), g, sorted.as_ptr(), j, w) };
            }
            Ok(out)
        }
        UniquePart::Counts | UniquePart::Indices | UniquePart::Inverse => {
            let len = if part == UniquePart::Inverse { n } else { groups };
            let out = alloc(len, DType::Int64)?;
            // SAFETY: fresh buffer of len int64s.
            let o = unsafe { std::slice::from_raw_parts_mut(out.as_mut_ptr() as *mut i64, len) };
            let ends = starts.iter().skip(1).copied().chain(std::iter::once(n));
            match part {
                UniquePart::Counts => starts.iter().zip(ends).enumerate().for_each(|(g, (s, e))| o[g] = (e - s) as i64),
                UniquePart::Indices => {
                    // A stable sort puts each group's first occurrence first.
                    let p = perm()?;
                    starts.iter().enumerate().for_each(|(g, &s)| o[g] = p[s]);
                }
                _ => {
                    let p = perm()?;
                    for (g, (s, e)) in starts.iter().zip(ends).enumerate() {
                        for &k in &p[*s..e] {
                            o[k as usize] = g as i64;
                        }
                    }
                }
            }
            Ok(out)
        }
    }
}
