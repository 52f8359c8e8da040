//! The Python array object: a handle on a lazy graph node.
//!
//! Operators live in `operators.rs`, the buffer protocol and `__array__`
//! in `export.rs`, printing in `repr.rs`; this file holds the attributes,
//! evaluation, and the conversions to Python scalars.

use crate::dtype::{wrap, PyDType};
use crate::errors::{guard, type_error, value_error};
use crate::info::{parse_device, PyDevice};
use lazyxp::{Array, Scalar};
use pyo3::prelude::*;
use pyo3::types::{PyComplex, PyTuple};

/// An array of the lazyxp namespace. Operations on it build a graph;
/// `eval()`, printing, `float()`, `bool()`, and conversion to NumPy compute.
///
/// In-place operators (`x += 1`) rebind this object to a new graph node,
/// so every name bound to the same object sees the new value.
#[pyclass(module = "lazyxp", name = "Array", weakref)]
pub struct PyArray {
    pub inner: Array,
}

impl PyArray {
    pub fn new(inner: Array) -> Self {
        PyArray { inner }
    }
}

/// Computes `arrays` with the GIL released, so other Python threads run
/// while kernels compile and execute.
pub fn eval_detached(py: Python<'_>, arrays: &[Array]) -> PyResult<()> {
    py.detach(|| {
        guard(|| match arrays {
            // The common `x.eval()`: no root list to build.
            [a] => a.eval(),
            _ => lazyxp::eval(&arrays.iter().collect::<Vec<_>>()),
        })
    })
}

/// The single element, computed with the GIL released.
pub fn item(py: Python<'_>, a: &Array, what: &str) -> PyResult<Scalar> {
    if a.size() != 1 {
        return Err(type_error(format!(
            "{what}: only arrays with one element can be converted to Python scalars (shape {:?})",
            a.shape()
        )));
    }
    let a = a.clone();
    py.detach(move || guard(|| a.item()))
}

/// A typed scalar as the Python object of its kind.
pub fn scalar_to_py<'py>(py: Python<'py>, s: Scalar) -> PyResult<Bound<'py, PyAny>> {
    Ok(match s {
        Scalar::Bool(b) => pyo3::types::PyBool::new(py, b).to_owned().into_any(),
        Scalar::F32(v) => (v as f64).into_pyobject(py)?.into_any(),
        Scalar::F64(v) => v.into_pyobject(py)?.into_any(),
        Scalar::C64(r, i) => PyComplex::from_doubles(py, r as f64, i as f64).into_any(),
        Scalar::C128(r, i) => PyComplex::from_doubles(py, r, i).into_any(),
        other => other.as_i128().expect("integer scalar").into_pyobject(py)?.into_any(),
    })
}

#[pymethods]
impl PyArray {
    /// Above NumPy's own (0), as JAX's is: `numpy_value * x` asks
    /// `x.__rmul__` first, which keeps the result a lazyxp array, while
    /// NumPy functions called on lazyxp arrays still work (through
    /// `__array__`).
    #[classattr]
    #[allow(non_upper_case_globals)]
    const __array_priority__: f64 = 100.0;

    #[getter]
    fn dtype(&self) -> PyDType {
        wrap(self.inner.dtype())
    }
    #[getter]
    fn device(&self) -> PyDevice {
        PyDevice { device: self.inner.device() }
    }
    #[getter]
    fn ndim(&self) -> usize {
        self.inner.ndim()
    }
    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.shape())
    }
    #[getter]
    fn size(&self) -> usize {
        self.inner.size()
    }
    /// Whether the data exists (no pending computation).
    #[getter]
    fn is_evaluated(&self) -> bool {
        self.inner.is_evaluated()
    }

    /// Computes this array (GIL released); returns the array itself, so
    /// `y = (x + 1).eval()` reads naturally.
    fn eval(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        let a = slf.borrow().inner.clone();
        eval_detached(slf.py(), &[a])?;
        Ok(slf)
    }

    /// Graph, fusion plan, kernel IR, CLIF, machine code and timings of how
    /// this array is computed (evaluates it first).
    fn explain(&self, py: Python<'_>) -> PyResult<String> {
        let a = self.inner.clone();
        py.detach(move || guard(|| a.explain()))
    }

    /// The pending graph as Graphviz DOT.
    fn to_dot(&self) -> PyResult<String> {
        let a = self.inner.clone();
        guard(|| Ok(a.to_dot()))
    }

    #[pyo3(signature = (*, api_version = None))]
    fn __array_namespace__<'py>(&self, py: Python<'py>, api_version: Option<&str>) -> PyResult<Bound<'py, PyModule>> {
        if let Some(v) = api_version {
            if !crate::SUPPORTED_API_VERSIONS.contains(&v) {
                return Err(value_error(format!("lazyxp supports array API versions {:?}, not {v:?}", crate::SUPPORTED_API_VERSIONS)));
            }
        }
        py.import("lazyxp")
    }

    #[pyo3(signature = (device, /, *, stream = None))]
    fn to_device<'py>(slf: Bound<'py, Self>, device: &Bound<'py, PyAny>, stream: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        let _ = stream;
        let Some(device) = parse_device(Some(device))? else { return Err(value_error("to_device: device must not be None")) };
        let a = slf.borrow().inner.clone();
        if a.device() == device {
            return Ok(slf);
        }
        let moved = crate::info::place(slf.py(), a, Some(device))?;
        Bound::new(slf.py(), PyArray::new(moved))
    }

    fn __bool__(&self, py: Python<'_>) -> PyResult<bool> {
        if self.inner.size() != 1 {
            return Err(value_error(format!(
                "the truth value of an array of shape {:?} is ambiguous",
                self.inner.shape()
            )));
        }
        Ok(match item(py, &self.inner, "__bool__")? {
            Scalar::C64(r, i) => r != 0.0 || i != 0.0,
            Scalar::C128(r, i) => r != 0.0 || i != 0.0,
            s => s.cast(lazyxp::DType::Bool) == Scalar::Bool(true),
        })
    }

    /// Python's `int()` of the element: floats truncate, NaN is a
    /// ValueError and infinities an OverflowError, as for Python floats.
    fn __int__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let s = item(py, &self.inner, "__int__")?;
        if s.dtype().is_complex() {
            return Err(type_error("int() of a complex array"));
        }
        let v = scalar_to_py(py, s)?;
        py.import("builtins")?.getattr("int")?.call1((v,))
    }

    fn __index__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if !self.inner.dtype().is_int() {
            return Err(type_error(format!("only integer arrays can be used as an index, not {}", self.inner.dtype())));
        }
        scalar_to_py(py, item(py, &self.inner, "__index__")?)
    }

    fn __float__(&self, py: Python<'_>) -> PyResult<f64> {
        let s = item(py, &self.inner, "__float__")?;
        if s.dtype().is_complex() {
            return Err(type_error("float() of a complex array; use real() or abs()"));
        }
        Ok(s.as_f64())
    }

    fn __complex__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyComplex>> {
        Ok(match item(py, &self.inner, "__complex__")? {
            Scalar::C64(r, i) => PyComplex::from_doubles(py, r as f64, i as f64),
            Scalar::C128(r, i) => PyComplex::from_doubles(py, r, i),
            s => PyComplex::from_doubles(py, s.as_f64(), 0.0),
        })
    }

    /// A new handle on the same (immutable) data: cheap, and in-place
    /// operators on the copy do not touch the original.
    fn __copy__(&self) -> PyArray {
        PyArray::new(self.inner.clone())
    }
    #[pyo3(signature = (memo, /))]
    fn __deepcopy__(&self, memo: &Bound<'_, PyAny>) -> PyArray {
        let _ = memo;
        PyArray::new(self.inner.clone())
    }
}
