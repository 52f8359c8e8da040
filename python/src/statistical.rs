//! Statistical and utility reductions with the standard's signatures:
//! `f(x, /, *, axis=None, keepdims=False)`, plus `dtype=` for sum and
//! prod and `correction=` for var and std. `axis` is None, an int or a
//! tuple of ints (negative allowed), checked in `axes.rs`.

use crate::array::PyArray;
use crate::axes::opt_axes;
use crate::dtype::parse_opt;
use crate::errors::{guard, type_error};
use crate::operand::array_arg;
use lazyxp::Array;
use pyo3::prelude::*;

type Reduction = fn(&Array, Option<&[isize]>, bool) -> lazyxp::Result<Array>;

fn reduce(x: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool, f: Reduction, what: &str) -> PyResult<PyArray> {
    let a = array_arg(x, what)?;
    let axes = opt_axes(axis, a.ndim(), what)?;
    Ok(PyArray::new(guard(|| f(&a, axes.as_deref(), keepdims))?))
}

/// Sum or product with the standard's `dtype`: when given, the input is
/// cast to it first and the result has exactly that dtype (the frontend
/// accumulates small integers in 64 bits; casting back wraps the same way
/// accumulating in the small type would).
fn accumulate(
    x: &Bound<'_, PyAny>,
    axis: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    keepdims: bool,
    f: Reduction,
    what: &str,
) -> PyResult<PyArray> {
    let a = array_arg(x, what)?;
    let axes = opt_axes(axis, a.ndim(), what)?;
    let dt = parse_opt(dtype)?;
    let r = guard(|| in_dtype(&a, dt, |src| f(src, axes.as_deref(), keepdims)))?;
    Ok(PyArray::new(r))
}

/// `f(a)` with the standard's `dtype=` of sums, products and cumulative
/// sums: `a` cast to `dtype` first, and the result cast back to exactly it
/// (the frontend accumulates small integers in 64 bits).
pub(crate) fn in_dtype(a: &Array, dtype: Option<lazyxp::DType>, f: impl FnOnce(&Array) -> lazyxp::Result<Array>) -> lazyxp::Result<Array> {
    let src = match dtype {
        Some(d) if d != a.dtype() => lazyxp::astype(a, d)?,
        _ => a.clone(),
    };
    let r = f(&src)?;
    match dtype {
        Some(d) if r.dtype() != d => lazyxp::astype(&r, d),
        _ => Ok(r),
    }
}

#[pyfunction]
#[pyo3(signature = (x, /, *, axis = None, dtype = None, keepdims = false))]
pub fn sum(x: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyArray> {
    accumulate(x, axis, dtype, keepdims, lazyxp::sum, "sum")
}

#[pyfunction]
#[pyo3(signature = (x, /, *, axis = None, dtype = None, keepdims = false))]
pub fn prod(x: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>, dtype: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyArray> {
    accumulate(x, axis, dtype, keepdims, lazyxp::prod, "prod")
}

macro_rules! plain_reductions {
    ($($name:ident),* $(,)?) => {
        $(
            #[pyfunction]
            #[pyo3(signature = (x, /, *, axis = None, keepdims = false))]
            pub fn $name(x: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyArray> {
                reduce(x, axis, keepdims, lazyxp::$name, stringify!($name))
            }
        )*
        fn register_plain(m: &Bound<'_, PyModule>) -> PyResult<()> {
            $( m.add_function(wrap_pyfunction!($name, m)?)?; )*
            Ok(())
        }
    };
}

plain_reductions!(min, max, mean, all, any, count_nonzero);

/// `correction` as a float: a Python int or float (bools refused).
fn correction_arg(c: &Bound<'_, PyAny>, what: &str) -> PyResult<f64> {
    if c.is_instance_of::<pyo3::types::PyBool>() {
        return Err(type_error(format!("{what}: correction must be a number, not bool")));
    }
    c.extract::<f64>().map_err(|_| type_error(format!("{what}: correction must be an int or a float, got {}", crate::operand::type_name(c))))
}

type Spread = fn(&Array, Option<&[isize]>, f64, bool) -> lazyxp::Result<Array>;

fn spread(x: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>, correction: &Bound<'_, PyAny>, keepdims: bool, f: Spread, what: &str) -> PyResult<PyArray> {
    let a = array_arg(x, what)?;
    let axes = opt_axes(axis, a.ndim(), what)?;
    let c = correction_arg(correction, what)?;
    Ok(PyArray::new(guard(|| f(&a, axes.as_deref(), c, keepdims))?))
}

#[pyfunction]
#[pyo3(signature = (x, /, *, axis = None, correction = None, keepdims = false),
       text_signature = "(x, /, *, axis=None, correction=0.0, keepdims=False)")]
pub fn var(x: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>, correction: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyArray> {
    let zero = 0.0f64.into_pyobject(x.py())?.into_any();
    spread(x, axis, correction.unwrap_or(&zero), keepdims, lazyxp::var, "var")
}

#[pyfunction]
#[pyo3(name = "std", signature = (x, /, *, axis = None, correction = None, keepdims = false),
       text_signature = "(x, /, *, axis=None, correction=0.0, keepdims=False)")]
pub fn std_(x: &Bound<'_, PyAny>, axis: Option<&Bound<'_, PyAny>>, correction: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyArray> {
    let zero = 0.0f64.into_pyobject(x.py())?.into_any();
    spread(x, axis, correction.unwrap_or(&zero), keepdims, lazyxp::std, "std")
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sum, m)?)?;
    m.add_function(wrap_pyfunction!(prod, m)?)?;
    m.add_function(wrap_pyfunction!(var, m)?)?;
    m.add_function(wrap_pyfunction!(std_, m)?)?;
    register_plain(m)
}
