//! The native half of the Python package `lazyxp`: the array API namespace
//! over the Rust frontend (crate `lazyxp`). `python/lazyxp/__init__.py`
//! re-exports everything registered here and adds the pure-Python bits.
//!
//! | file | holds |
//! |---|---|
//! | `array.rs` | the `Array` class: attributes, eval, scalar conversions |
//! | `operators.rs` | `+ - * / ...` with reflected and in-place forms |
//! | `export.rs`, `dlpack.rs` | buffer protocol, `__array__`, DLPack out and in |
//! | `repr.rs` | printing values |
//! | `dtype.rs` | dtype objects, finfo/iinfo/isdtype/can_cast |
//! | `operand.rs` | Python scalars as operands (the standard's scalar rules) |
//! | `import.rs`, `host.rs` | Python data in, host bytes in and out |
//! | `creation.rs` | asarray, zeros, full, arange, linspace, eye, tril, ... |
//! | `elementwise.rs` | one line per frontend elementwise function; where, astype, ... |
//! | `statistical.rs` | sum, prod, min, max, mean, var, std, all, any, count_nonzero |
//! | `manipulation.rs` | permute_dims, moveaxis, expand_dims, squeeze, flip, reshape, ... |
//! | `linalg.rs` | matmul, tensordot, vecdot |
//! | `linalg_extension.rs` | the `linalg` extension (submodule `_linalg`; `lazyxp/linalg.py` wraps it) |
//! | `joining.rs` | concat, stack, unstack, roll, diff, tile, repeat, meshgrid |
//! | `sorting.rs` | sort, argsort, searchsorted, unique_* |
//! | `selecting.rs` | take, take_along_axis, nonzero |
//! | `searching.rs` | argmax, argmin, cumulative_sum, cumulative_prod |
//! | `indexing.rs` | `x[...]` (basic, boolean mask, integer arrays), `x[...] = v`, iteration, `.T`, `.mT` |
//! | `axes.rs` | `axis` arguments and `AxisError` |
//! | `info.rs` | devices and `__array_namespace_info__` |
//! | `errors.rs` | Rust errors and panics as Python exceptions |

mod array;
mod axes;
mod creation;
mod dlpack;
mod dtype;
mod elementwise;
mod errors;
mod export;
mod host;
mod import;
mod indexing;
mod info;
mod joining;
mod linalg;
mod linalg_extension;
mod manipulation;
mod operand;
mod operators;
mod repr;
mod searching;
mod selecting;
mod sorting;
mod statistical;

use array::{eval_detached, PyArray};
use errors::guard;
use operand::array_arg;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// Versions of the standard `__array_namespace__(api_version=...)` accepts.
pub const SUPPORTED_API_VERSIONS: [&str; 4] = ["2021.12", "2022.12", "2023.12", "2024.12"];

/// `eval(*arrays)`: computes the arrays together (outputs that share inputs
/// come out of one kernel), with the GIL released. Returns the array, or
/// a tuple of them when given several.
#[pyfunction]
#[pyo3(name = "eval", signature = (*arrays))]
fn eval_arrays<'py>(py: Python<'py>, arrays: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
    let inner = arrays.iter().map(|a| array_arg(&a, "eval")).collect::<PyResult<Vec<_>>>()?;
    eval_detached(py, &inner)?;
    if arrays.len() == 1 {
        arrays.get_item(0)
    } else {
        Ok(arrays.clone().into_any())
    }
}

/// `explain(x)`: the graph, fusion plan, kernel IR, CLIF, machine code and
/// timings of how `x` is computed (evaluates it).
#[pyfunction]
#[pyo3(signature = (x, /))]
fn explain(py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<String> {
    let a = array_arg(x, "explain")?;
    py.detach(move || guard(|| a.explain()))
}

/// `to_dot(x)`: the pending graph of `x` as Graphviz DOT.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn to_dot(x: &Bound<'_, PyAny>) -> PyResult<String> {
    let a = array_arg(x, "to_dot")?;
    guard(|| Ok(a.to_dot()))
}

/// Worker threads the compiled kernels use (`LAZYXP_NUM_THREADS`).
#[pyfunction]
fn num_threads() -> usize {
    lazyxp::num_threads()
}

#[pymodule]
fn _lazyxp(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyArray>()?;
    info::register(m)?;
    creation::register(m)?;
    elementwise::register(m)?;
    statistical::register(m)?;
    manipulation::register(m)?;
    linalg::register(m)?;
    linalg_extension::register(m)?;
    joining::register(m)?;
    sorting::register(m)?;
    selecting::register(m)?;
    searching::register(m)?;
    m.add("AxisError", axes::axis_error_type(m.py())?)?;
    m.add_function(wrap_pyfunction!(dtype::isdtype, m)?)?;
    m.add_function(wrap_pyfunction!(dtype::can_cast, m)?)?;
    m.add_function(wrap_pyfunction!(dtype::finfo, m)?)?;
    m.add_function(wrap_pyfunction!(dtype::iinfo, m)?)?;
    m.add_function(wrap_pyfunction!(dlpack::from_dlpack, m)?)?;
    m.add_function(wrap_pyfunction!(eval_arrays, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    m.add_function(wrap_pyfunction!(to_dot, m)?)?;
    m.add_function(wrap_pyfunction!(num_threads, m)?)?;
    m.add("_UNARY", elementwise::UNARY.to_vec())?;
    m.add("_BINARY", elementwise::BINARY.to_vec())?;
    Ok(())
}
