//! Python operators on arrays: forward, reflected and in-place forms.
//!
//! A forward or reflected operator with an operand that is neither an
//! array nor a Python scalar returns NotImplemented, so Python tries the
//! other side. In-place forms rebind the array to a new lazy node; by the
//! standard they must not change its dtype or shape.

use crate::array::PyArray;
use crate::elementwise::{operand_beside, other_operand, BinaryFn};
use crate::errors::{guard, type_error, value_error};
use crate::operand::{operand, type_name};
use lazyxp::Array;
use pyo3::prelude::*;

fn forward(slf: &Bound<'_, PyArray>, other: &Bound<'_, PyAny>, f: BinaryFn, reflected: bool) -> PyResult<Py<PyAny>> {
    let py = slf.py();
    // Read before `slf` is borrowed: reading may run Python code, which
    // could rebind `slf` (`x += 1`) and must not meet a borrow.
    let other = operand(other)?;
    // Borrowed, not cloned: two atomics fewer on every operator call. Only
    // Rust runs under the borrow, which ends before the result object is
    // allocated (an allocation may start a garbage collection).
    let this = slf.borrow();
    let lhs = &this.inner;
    let Some(rhs) = operand_beside(other, lhs)? else {
        return Ok(py.NotImplemented());
    };
    let out = if reflected { guard(|| f(&rhs, lhs))? } else { guard(|| f(lhs, &rhs))? };
    drop(this);
    Ok(Bound::new(py, PyArray::new(out))?.into_any().unbind())
}

/// No borrow of `slf` is held while the other operand is read: it may be
/// `slf` itself (`a += a`), whose borrow would then fail (a PyO3 panic
/// that `except Exception` does not catch), or run Python code.
fn in_place(slf: &Bound<'_, PyArray>, other: &Bound<'_, PyAny>, f: BinaryFn, op: &str) -> PyResult<()> {
    let lhs = slf.borrow().inner.clone();
    let Some(rhs) = other_operand(&lhs, other)? else {
        return Err(type_error(format!("unsupported operand type for {op}=: {}", type_name(other))));
    };
    let out: Array = guard(|| f(&lhs, &rhs))?;
    if out.dtype() != lhs.dtype() {
        return Err(type_error(format!(
            "{op}= would change the array's dtype from {} to {}; in-place operators keep the dtype",
            lhs.dtype(),
            out.dtype()
        )));
    }
    if out.shape() != lhs.shape() {
        return Err(value_error(format!(
            "{op}= would change the array's shape from {:?} to {:?}; in-place operators keep the shape",
            lhs.shape(),
            out.shape()
        )));
    }
    slf.borrow_mut().inner = out;
    Ok(())
}

macro_rules! unary_op {
    ($slf:ident, $f:path) => {{
        let a = $slf.inner.clone();
        Ok(PyArray::new(guard(|| $f(&a))?))
    }};
}

#[pymethods]
impl PyArray {
    fn __add__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::add, false) }
    fn __radd__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::add, true) }
    fn __iadd__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> { in_place(slf, other, lazyxp::add, "+") }

    fn __sub__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::subtract, false) }
    fn __rsub__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::subtract, true) }
    fn __isub__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> { in_place(slf, other, lazyxp::subtract, "-") }

    fn __mul__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::multiply, false) }
    fn __rmul__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::multiply, true) }
    fn __imul__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> { in_place(slf, other, lazyxp::multiply, "*") }

    fn __truediv__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::divide, false) }
    fn __rtruediv__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::divide, true) }
    fn __itruediv__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> { in_place(slf, other, lazyxp::divide, "/") }

    fn __floordiv__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::floor_divide, false) }
    fn __rfloordiv__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::floor_divide, true) }
    fn __ifloordiv__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> { in_place(slf, other, lazyxp::floor_divide, "//") }

    fn __mod__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::remainder, false) }
    fn __rmod__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::remainder, true) }
    fn __imod__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> { in_place(slf, other, lazyxp::remainder, "%") }

    fn __pow__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>, modulo: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        if modulo.is_some_and(|m| !m.is_none()) {
            return Err(type_error("pow() with a modulus is not supported for arrays"));
        }
        forward(slf, other, lazyxp::pow, false)
    }
    fn __rpow__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>, modulo: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let _ = modulo;
        forward(slf, other, lazyxp::pow, true)
    }
    fn __ipow__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>, _modulo: Option<&Bound<'_, PyAny>>) -> PyResult<()> { in_place(slf, other, lazyxp::pow, "**") }

    fn __matmul__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::matmul, false) }
    fn __rmatmul__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::matmul, true) }
    fn __imatmul__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> { in_place(slf, other, lazyxp::matmul, "@") }

    fn __and__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::bitwise_and, false) }
    fn __rand__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::bitwise_and, true) }
    fn __iand__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> { in_place(slf, other, lazyxp::bitwise_and, "&") }

    fn __or__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::bitwise_or, false) }
    fn __ror__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::bitwise_or, true) }
    fn __ior__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> { in_place(slf, other, lazyxp::bitwise_or, "|") }

    fn __xor__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::bitwise_xor, false) }
    fn __rxor__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::bitwise_xor, true) }
    fn __ixor__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> { in_place(slf, other, lazyxp::bitwise_xor, "^") }

    fn __lshift__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::bitwise_left_shift, false) }
    fn __rlshift__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::bitwise_left_shift, true) }
    fn __ilshift__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> { in_place(slf, other, lazyxp::bitwise_left_shift, "<<") }

    fn __rshift__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::bitwise_right_shift, false) }
    fn __rrshift__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::bitwise_right_shift, true) }
    fn __irshift__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> { in_place(slf, other, lazyxp::bitwise_right_shift, ">>") }

    fn __lt__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::less, false) }
    fn __le__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::less_equal, false) }
    fn __gt__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::greater, false) }
    fn __ge__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::greater_equal, false) }
    fn __eq__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::equal, false) }
    fn __ne__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> { forward(slf, other, lazyxp::not_equal, false) }

    fn __neg__(&self) -> PyResult<PyArray> { unary_op!(self, lazyxp::negative) }
    fn __pos__(&self) -> PyResult<PyArray> {
        if self.inner.dtype().is_bool() {
            return Err(type_error("unary + is not defined for bool arrays"));
        }
        Ok(PyArray::new(self.inner.clone()))
    }
    fn __abs__(&self) -> PyResult<PyArray> { unary_op!(self, lazyxp::abs) }
    fn __invert__(&self) -> PyResult<PyArray> { unary_op!(self, lazyxp::bitwise_invert) }
}
