//! `repr(x)` and `str(x)`: the values, NumPy style, eliding the middle of
//! long axes. Printing evaluates the array (with the GIL released).

use crate::array::PyArray;
use crate::errors::guard;
use std::collections::HashMap;
use lazyxp::Scalar;
use pyo3::prelude::*;

/// Arrays with more elements than this print only the edges of each axis.
const SUMMARIZE_ABOVE: usize = 1000;
const EDGE: usize = 3;

fn fmt_float(v: f64, single: bool) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else if single {
        // Shortest text that reads back as the same float32.
        format!("{:?}", v as f32)
    } else {
        format!("{v:?}")
    }
}

fn fmt_scalar(s: Scalar) -> String {
    match s {
        Scalar::Bool(b) => if b { "True".into() } else { "False".into() },
        Scalar::F32(v) => fmt_float(v as f64, true),
        Scalar::F64(v) => fmt_float(v, false),
        Scalar::C64(r, i) => format!("{}{}{}j", fmt_float(r as f64, true), if i >= 0.0 { "+" } else { "" }, fmt_float(i as f64, true)),
        Scalar::C128(r, i) => format!("{}{}{}j", fmt_float(r, false), if i >= 0.0 { "+" } else { "" }, fmt_float(i, false)),
        other => other.as_i128().map(|v| v.to_string()).unwrap_or_default(),
    }
}

/// The indices along an axis of length `n` that print, `None` standing for
/// the elided middle.
fn shown_along(n: usize, summarize: bool) -> Vec<Option<usize>> {
    if summarize && n > 2 * EDGE {
        (0..EDGE).map(Some).chain(std::iter::once(None)).chain((n - EDGE..n).map(Some)).collect()
    } else {
        (0..n).map(Some).collect()
    }
}

/// The row-major offsets of the elements that print.
fn shown_offsets(shape: &[usize], summarize: bool) -> Vec<usize> {
    let mut offsets = vec![0usize];
    for (d, &n) in shape.iter().enumerate() {
        let stride: usize = shape[d + 1..].iter().product();
        let along: Vec<usize> = shown_along(n, summarize).into_iter().flatten().collect();
        offsets = offsets.iter().flat_map(|&o| along.iter().map(move |&i| o + i * stride)).collect();
    }
    offsets
}

/// Nested-bracket text of the array of `shape` whose printed elements'
/// texts are `items` (by row-major offset), right-aligned.
fn nest(items: &HashMap<usize, String>, shape: &[usize], indent: usize, summarize: bool) -> String {
    let width = items.values().map(|s| s.len()).max().unwrap_or(0);
    fn rec(items: &HashMap<usize, String>, shape: &[usize], offset: usize, depth: usize, indent: usize, width: usize, summarize: bool) -> String {
        if shape.is_empty() {
            return format!("{:>width$}", items[&offset]);
        }
        let stride: usize = shape[1..].iter().product();
        let parts: Vec<String> = shown_along(shape[0], summarize)
            .into_iter()
            .map(|i| match i {
                Some(i) => rec(items, &shape[1..], offset + i * stride, depth + 1, indent, width, summarize),
                None => "...".into(),
            })
            .collect();
        let sep = if shape.len() == 1 {
            ", ".to_string()
        } else {
            format!(",{}{}", "\n".repeat(shape.len() - 1), " ".repeat(indent + depth + 1))
        };
        format!("[{}]", parts.join(&sep))
    }
    rec(items, shape, 0, 0, indent, width, summarize)
}

pub fn array_text(py: Python<'_>, a: &lazyxp::Array, prefix: &str) -> String {
    let arr = a.clone();
    // The data itself, not a copy (a GPU array's comes to the host).
    let data = py.detach(move || guard(|| arr.host_data()));
    let shape = a.shape().to_vec();
    let data = match data {
        Ok(b) => b,
        Err(e) => return format!("<lazyxp.Array {} shape={:?}: evaluation failed: {e}>", a.dtype(), shape),
    };
    let bytes = data.as_bytes();
    let summarize = a.size() > SUMMARIZE_ABOVE;
    // Only the printed elements are formatted: a large array prints a few
    // dozen of its millions.
    let (dtype, w) = (a.dtype(), a.dtype().size());
    let items: HashMap<usize, String> = shown_offsets(&shape, summarize).into_iter().map(|o| (o, fmt_scalar(Scalar::read(dtype, &bytes[o * w..])))).collect();
    let body = if shape.is_empty() {
        items.get(&0).cloned().unwrap_or_default()
    } else if a.size() == 0 {
        "[]".to_string()
    } else {
        nest(&items, &shape, prefix.len(), summarize)
    };
    let shape_note = if a.size() == 0 && shape.len() > 1 {
        let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
        format!(", shape=({})", dims.join(", "))
    } else {
        String::new()
    };
    format!("{prefix}{body}{shape_note}, dtype=lazyxp.{})", a.dtype())
}

#[pymethods]
impl PyArray {
    fn __repr__(&self, py: Python<'_>) -> String {
        array_text(py, &self.inner, "Array(")
    }
    fn __str__(&self, py: Python<'_>) -> String {
        self.__repr__(py)
    }
}
