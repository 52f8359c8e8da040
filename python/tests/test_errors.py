"""Errors are the exceptions the standard and NumPy use, raised by the call
that caused them (not later by eval), and no Rust panic reaches Python."""
import numpy as np
import pytest

import lazyxp as xp


def test_shape_errors_are_value_errors_at_the_call():
    a, b = xp.zeros((2, 3)), xp.zeros((4,))
    with pytest.raises(ValueError, match=r"\[2, 3\].*\[4\]|\(2, 3\).*\(4,\)"):
        a + b
    with pytest.raises(ValueError):
        xp.add(a, b)
    with pytest.raises(ValueError):
        xp.where(xp.asarray([True, False, True]), a, b)


@pytest.mark.parametrize("call", [
    lambda: xp.asarray([1.0]) & xp.asarray([1.0]),
    lambda: xp.bitwise_invert(xp.asarray([1.0])),
    lambda: xp.negative(xp.asarray([True])),
    lambda: xp.subtract(xp.asarray([True]), xp.asarray([False])),
    lambda: xp.floor(xp.asarray([True])),
    lambda: xp.sin(1.0),
    lambda: xp.add(1, 2),
    lambda: xp.zeros(3, dtype="float16"),
    lambda: xp.asarray([1], dtype=object),
])
def test_dtype_and_type_errors_are_type_errors(call):
    with pytest.raises(TypeError):
        call()


def test_sizes_that_overflow_are_errors_not_crashes():
    with pytest.raises((ValueError, MemoryError)):
        xp.zeros((2**62, 2**62))
    with pytest.raises((ValueError, MemoryError)):
        xp.ones((2**40, 2**40, 2**40))
    with pytest.raises((ValueError, MemoryError)):
        xp.arange(0, 2**62)
    with pytest.raises((ValueError, MemoryError)):
        xp.eye(2**40)
    with pytest.raises((ValueError, OverflowError, TypeError)):
        xp.zeros(2**70)


def test_zero_size_and_nan_inputs_work():
    e = xp.zeros((0, 4), dtype=xp.float32)
    assert (xp.sin(e) + 1).eval().shape == (0, 4)
    assert np.asarray(xp.exp(e)).shape == (0, 4)
    n = xp.asarray([np.nan, np.inf, -np.inf])
    assert np.isnan(np.asarray(xp.sin(n))).all()


def test_integer_division_by_zero_follows_numpy():
    a = xp.asarray([1, 0, -1], dtype=xp.int32)
    with np.errstate(all="ignore"):
        want = np.divide(np.array([1, 0, -1], dtype=np.int32), np.zeros(3, dtype=np.int32))
    np.testing.assert_array_equal(np.asarray(a / xp.zeros(3, dtype=xp.int32)), want)


def test_errors_leave_arrays_usable():
    x = xp.asarray([1.0, 2.0])
    with pytest.raises(ValueError):
        x + xp.zeros(3)
    assert float(xp.sin(x)[...] if False else xp.asarray(np.asarray(xp.sin(x))[0])) == pytest.approx(np.sin(1.0))


def test_reading_an_operand_may_update_the_left_operand():
    # Reading the right operand can run Python code (here the str() of an
    # int too large for any dtype, for the OverflowError's message). The
    # operator holds no borrow of the left operand then, so that code may
    # update it in place; with a borrow held, `x += 1` inside would fail
    # ("Already borrowed") and be swallowed by the message's formatting.
    x = xp.asarray([1.0, 2.0])

    class Huge(int):
        def __str__(self):
            nonlocal x
            x += 1
            return "huge"

    with pytest.raises(OverflowError, match="huge"):
        x * Huge(2**200)
    assert np.asarray(x).tolist() == [2.0, 3.0]
