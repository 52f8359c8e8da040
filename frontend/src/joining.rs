//! Joining and shifting: `concat` (a library kernel that copies runs of
//! its materialized operands), and what composes from it and from views:
//! `stack` (expand_dims + concat), `unstack` (index views), `roll` (concat
//! of two slices per axis), `diff` (slice minus slice, repeated).

use crate::array::Array;
use crate::elementwise::{astype, not_equal, subtract};
use crate::manipulation::{expand_dims, index, normalize_axis, reshape, Index};
use crate::promotion::result_type;
use lazyxp_compiler::graph::{intern, NodeOp, State};
use lazyxp_compiler::library::LibraryOp;
use lazyxp_runtime::shape::byte_size;
use lazyxp_runtime::{Error, Result, Shape};

fn flat(x: &Array) -> Result<Array> {
    reshape(x, &[-1])
}

/// Joins arrays along an existing `axis` (None: flattened, along the only
/// axis). Dtypes promote; shapes must agree except along the axis.
pub fn concat(arrays: &[&Array], axis: Option<isize>) -> Result<Array> {
    let first = arrays.first().ok_or_else(|| Error::Value("concat needs at least one array".into()))?;
    let mut dtype = first.dtype();
    for a in &arrays[1..] {
        dtype = result_type(dtype, a.dtype())?;
    }
    let owned: Vec<Array> = match axis {
        None => arrays.iter().map(|a| flat(a)).collect::<Result<_>>()?,
        Some(_) => arrays.iter().map(|a| (*a).clone()).collect(),
    };
    let nd = owned[0].ndim();
    if nd == 0 {
        return Err(Error::Value("concat: zero-dimensional arrays cannot be concatenated".into()));
    }
    let ax = normalize_axis(axis.unwrap_or(0), nd)?;
    let mut shape = Shape::from_slice(owned[0].shape());
    for a in &owned[1..] {
        let same = a.ndim() == nd && (0..nd).all(|d| d == ax || a.shape()[d] == shape[d]);
        if !same {
            return Err(Error::Shape(format!(
                "concat: shapes {:?} and {:?} differ outside axis {ax}",
                owned[0].shape(),
                a.shape()
            )));
        }
        shape[ax] = shape[ax].checked_add(a.shape()[ax]).ok_or_else(|| Error::Overflow("concat: length overflows".into()))?;
    }
    byte_size(&shape, dtype)?;
    let parts: Vec<Array> = owned.iter().filter(|a| a.shape()[ax] > 0).map(|a| astype(a, dtype)).collect::<Result<_>>()?;
    match parts.len() {
        0 => astype(&owned[0], dtype),
        1 => Ok(parts[0].clone()),
        _ => Array::from_node(intern(
            NodeOp::Library(LibraryOp::Concat { axis: ax as u32 }),
            dtype,
            shape,
            parts.iter().map(|a| a.node.clone()).collect(),
            State::Pending,
        )),
    }
}

/// Joins arrays of one shape along a new `axis`.
pub fn stack(arrays: &[&Array], axis: isize) -> Result<Array> {
    let first = arrays.first().ok_or_else(|| Error::Value("stack needs at least one array".into()))?;
    if let Some(b) = arrays.iter().find(|a| a.shape() != first.shape()) {
        return Err(Error::Shape(format!("stack: all arrays must have one shape, got {:?} and {:?}", first.shape(), b.shape())));
    }
    let ax = normalize_axis(axis, first.ndim() + 1)? as isize;
    let expanded: Vec<Array> = arrays.iter().map(|a| expand_dims(a, ax)).collect::<Result<_>>()?;
    concat(&expanded.iter().collect::<Vec<_>>(), Some(ax))
}

/// The slices of `x` along `axis`, as views.
pub fn unstack(x: &Array, axis: isize) -> Result<Vec<Array>> {
    if x.ndim() == 0 {
        return Err(Error::Value("unstack needs an array of at least one dimension".into()));
    }
    let ax = normalize_axis(axis, x.ndim())?;
    (0..x.shape()[ax])
        .map(|i| {
            let mut key = vec![Index::Slice { start: None, stop: None, step: None }; ax];
            key.push(Index::Int(i as isize));
            index(x, &key)
        })
        .collect()
}

/// `[start, stop)` of `axis`, everything else whole.
pub(crate) fn slice_axis(x: &Array, axis: usize, start: isize, stop: isize) -> Result<Array> {
    let mut key = vec![Index::Slice { start: None, stop: None, step: None }; axis];
    key.push(Index::Slice { start: Some(start), stop: Some(stop), step: None });
    index(x, &key)
}

/// Elements shifted by `shift` along `axis` (several pairs allowed;
/// None: the flattened array, reshaped back), wrapping around.
pub fn roll(x: &Array, shift: &[isize], axis: Option<&[isize]>) -> Result<Array> {
    let Some(axes) = axis else {
        if shift.len() != 1 {
            return Err(Error::Value("roll: one shift without axes, got several".into()));
        }
        let shape: Vec<isize> = x.shape().iter().map(|&d| d as isize).collect();
        return reshape(&roll(&flat(x)?, shift, Some(&[0]))?, &shape);
    };
    let pairs: Vec<(isize, isize)> = match (shift.len(), axes.len()) {
        (s, a) if s == a => shift.iter().copied().zip(axes.iter().copied()).collect(),
        (1, _) => axes.iter().map(|&a| (shift[0], a)).collect(),
        (_, 1) => shift.iter().map(|&s| (s, axes[0])).collect(),
        (s, a) => return Err(Error::Value(format!("roll: {s} shifts for {a} axes"))),
    };
    // Shifts along one axis add up (NumPy).
    let mut total = vec![0isize; x.ndim()];
    for (s, a) in pairs {
        let a = normalize_axis(a, x.ndim())?;
        total[a] = total[a].wrapping_add(s);
    }
    let mut y = x.clone();
    for (a, &s) in total.iter().enumerate() {
        let n = x.shape()[a] as isize;
        if n == 0 {
            continue;
        }
        let k = s.rem_euclid(n);
        if k == 0 {
            continue;
        }
        let (tail, head) = (slice_axis(&y, a, n - k, n)?, slice_axis(&y, a, 0, n - k)?);
        y = concat(&[&tail, &head], Some(a as isize))?;
    }
    Ok(y)
}

/// `n`-th discrete difference along `axis`, after joining `prepend` and
/// `append`. Bools difference with `!=` (NumPy).
pub fn diff(x: &Array, axis: isize, n: usize, prepend: Option<&Array>, append: Option<&Array>) -> Result<Array> {
    if x.ndim() == 0 {
        return Err(Error::Value("diff needs an array of at least one dimension".into()));
    }
    let ax = normalize_axis(axis, x.ndim())?;
    let mut parts: Vec<&Array> = Vec::new();
    parts.extend(prepend);
    parts.push(x);
    parts.extend(append);
    let mut y = if parts.len() > 1 { concat(&parts, Some(ax as isize))? } else { x.clone() };
    for _ in 0..n {
        let len = y.shape()[ax] as isize;
        if len == 0 {
            break;
        }
        let (hi, lo) = (slice_axis(&y, ax, 1, len)?, slice_axis(&y, ax, 0, len - 1)?);
        y = if y.dtype().is_bool() { not_equal(&hi, &lo)? } else { subtract(&hi, &lo)? };
    }
    Ok(y)
}
