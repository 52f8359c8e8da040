//! Views as index maps: every view (permute, broadcast, slice, flip,
//! expand/squeeze) is one `ViewMap`, and views of views compose into one
//! map, so a chain of views costs nothing at run time: it only changes the
//! strides with which a kernel reads the underlying data.

use smallvec::SmallVec;

/// How one dimension of the input is reached from the view's index:
/// `input[e] = offset + step * output[src]`, or the constant `offset` when
/// `src` is `None` (a broadcast or squeezed dimension, or an integer index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InDim {
    pub src: Option<u32>,
    pub offset: isize,
    pub step: isize,
}

/// A map from the view's multi-index to its input's multi-index, one entry
/// per input dimension.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ViewMap {
    pub dims: SmallVec<[InDim; 4]>,
}

impl ViewMap {
    /// The identity on an array of `rank` dimensions.
    pub fn identity(rank: usize) -> ViewMap {
        ViewMap { dims: (0..rank).map(|d| InDim { src: Some(d as u32), offset: 0, step: 1 }).collect() }
    }

    pub fn is_identity(&self, out_rank: usize) -> bool {
        self.dims.len() == out_rank
            && self.dims.iter().enumerate().all(|(d, m)| m.src == Some(d as u32) && m.offset == 0 && m.step == 1)
    }

    /// `self` applied after `outer`: `outer` maps a newer view's index onto
    /// this view's index; the result maps it straight onto this view's input.
    pub fn after(&self, outer: &ViewMap) -> ViewMap {
        let dims = self
            .dims
            .iter()
            .map(|m| match m.src {
                None => *m,
                Some(s) => {
                    let o = outer.dims[s as usize];
                    InDim { src: o.src, offset: m.offset + m.step * o.offset, step: m.step * o.step }
                }
            })
            .collect();
        ViewMap { dims }
    }

    /// Element strides of the view over a contiguous input of `in_shape`,
    /// as `(offset, strides per view dimension)`.
    pub fn strides_over(&self, in_shape: &[usize], out_rank: usize) -> (isize, SmallVec<[isize; 4]>) {
        let own = lazyxp_runtime::shape::contiguous_strides(in_shape);
        let mut strides: SmallVec<[isize; 4]> = SmallVec::from_elem(0, out_rank);
        let mut offset = 0isize;
        for (e, m) in self.dims.iter().enumerate() {
            offset += m.offset * own[e];
            if let Some(s) = m.src {
                strides[s as usize] += m.step * own[e];
            }
        }
        (offset, strides)
    }

    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .dims
            .iter()
            .map(|m| match m.src {
                None => format!("{}", m.offset),
                Some(s) if m.offset == 0 && m.step == 1 => format!("i{s}"),
                Some(s) if m.offset == 0 => format!("{}*i{s}", m.step),
                Some(s) => format!("{}{:+}*i{s}", m.offset, m.step),
            })
            .collect();
        format!("[{}]", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_compose_and_give_strides() {
        // x: (3, 4). t = x.T (4, 3); f = t[::-1] (4, 3) flipped rows.
        let t = ViewMap { dims: [InDim { src: Some(1), offset: 0, step: 1 }, InDim { src: Some(0), offset: 0, step: 1 }].into_iter().collect() };
        let f = ViewMap { dims: [InDim { src: Some(0), offset: 3, step: -1 }, InDim { src: Some(1), offset: 0, step: 1 }].into_iter().collect() };
        let both = t.after(&f);
        // f[i, j] = t[3 - i, j] = x[j, 3 - i]: offset 3, strides (-1, 4).
        let (off, strides) = both.strides_over(&[3, 4], 2);
        assert_eq!(off, 3);
        assert_eq!(strides.as_slice(), &[-1, 4]);
        assert!(ViewMap::identity(2).is_identity(2));
        assert!(!both.is_identity(2));
    }
}
