//! Rust errors and panics as the Python exceptions the array API standard
//! (and NumPy, where the standard is silent) uses.
//!
//! Every call into the Rust crates goes through [`guard`], so a panic never
//! unwinds into the interpreter: it becomes a `RuntimeError` that says it is
//! a lazyxp bug, instead of PyO3's `PanicException` (a `BaseException` that
//! `except Exception` does not catch).

use lazyxp::Error;
use pyo3::exceptions::{
    PyIndexError, PyMemoryError, PyNotImplementedError, PyOverflowError, PyRuntimeError, PyTypeError, PyValueError,
};
use pyo3::PyErr;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The exception for one Rust error.
pub fn to_py(e: Error) -> PyErr {
    match e {
        Error::Shape(m) => PyValueError::new_err(m),
        Error::DType(m) => PyTypeError::new_err(m),
        // Index values out of range are found in data (gathers) or at the
        // call; NumPy raises IndexError for them.
        Error::Index(m) => PyIndexError::new_err(m),
        Error::Value(m) => PyValueError::new_err(m),
        // NumPy raises ValueError for shapes too large to allocate
        // ("array is too big"), OverflowError for Python ints out of range;
        // sizes are what the Rust side reports as Overflow.
        Error::Overflow(m) => PyValueError::new_err(format!("array is too big: {m}")),
        Error::OutOfMemory(m) => PyMemoryError::new_err(m),
        Error::Unsupported(m) => PyNotImplementedError::new_err(m),
        e @ Error::Compile { .. } => PyRuntimeError::new_err(format!("{e} (a lazyxp bug; please report it)")),
        Error::Device(m) => PyRuntimeError::new_err(format!("device error: {m}")),
        // Variants added later map to RuntimeError until they get their own
        // line here.
        #[allow(unreachable_patterns)]
        other => PyRuntimeError::new_err(other.to_string()),
    }
}

/// Runs `f` (a call into the Rust crates), turning its error into the right
/// exception and a panic into a `RuntimeError`.
pub fn guard<T>(f: impl FnOnce() -> lazyxp::Result<T>) -> Result<T, PyErr> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(to_py),
        Err(payload) => Err(panic_error(payload)),
    }
}

fn panic_error(payload: Box<dyn std::any::Any + Send>) -> PyErr {
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    PyRuntimeError::new_err(format!("internal error in lazyxp (a bug; please report it): panic: {msg}"))
}

pub fn type_error(msg: impl Into<String>) -> PyErr {
    PyTypeError::new_err(msg.into())
}
pub fn value_error(msg: impl Into<String>) -> PyErr {
    PyValueError::new_err(msg.into())
}
pub fn overflow_error(msg: impl Into<String>) -> PyErr {
    PyOverflowError::new_err(msg.into())
}
