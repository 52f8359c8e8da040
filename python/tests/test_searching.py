"""argmax, argmin, cumulative_sum and cumulative_prod against NumPy (and
array_api_strict for the standard's dtypes of cumulative sums)."""
import array_api_strict as strict
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lazyxp as xp
from conftest import NUMERIC_NAMES, assert_same, np_arrays, shapes


def lazy(a):
    x = xp.asarray(a)
    return xp.where(xp.asarray(True), x, x)


@given(a=np_arrays(NUMERIC_NAMES, shape=shapes(min_dims=1, min_side=1)), data=st.data())
def test_argmax_argmin(a, data):
    axis = data.draw(st.none() | st.integers(-a.ndim, a.ndim - 1))
    keepdims = data.draw(st.booleans())
    for f, g in ((xp.argmax, np.argmax), (xp.argmin, np.argmin)):
        assert_same(f(lazy(a), axis=axis, keepdims=keepdims), g(a, axis=axis, keepdims=keepdims).astype(np.int64))


def test_argmax_errors():
    with pytest.raises(ValueError):
        xp.argmax(xp.ones((0,)))
    with pytest.raises(IndexError):
        xp.argmin(xp.ones((2, 2)), axis=2)


@given(a=np_arrays(["int8", "int32", "uint16", "int64", "float32", "float64"], shape=shapes(min_dims=1, max_dims=2),
                   elements=None), data=st.data(), include_initial=st.booleans())
def test_cumulative_sum_and_prod(a, data, include_initial):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1)) if a.ndim > 1 or data.draw(st.booleans()) else None
    s = strict.asarray(a)
    with np.errstate(all="ignore"):
        want_s = np.asarray(strict.cumulative_sum(s, axis=axis, include_initial=include_initial))
        want_p = np.asarray(strict.cumulative_prod(s, axis=axis, include_initial=include_initial))
    exact = a.dtype.kind != "f"
    assert_same(xp.cumulative_sum(lazy(a), axis=axis, include_initial=include_initial), want_s, exact=exact, rtol=1e-5)
    assert_same(xp.cumulative_prod(lazy(a), axis=axis, include_initial=include_initial), want_p, exact=exact, rtol=1e-5)


def test_cumulative_dtype_and_errors():
    a = np.array([100, 100, 100], dtype=np.int8)
    assert_same(xp.cumulative_sum(xp.asarray(a), dtype=xp.int8), np.cumsum(a, dtype=np.int8))
    assert_same(xp.cumulative_sum(xp.asarray(a), dtype=xp.float32), np.cumsum(a, dtype=np.float32))
    with pytest.raises(ValueError):
        xp.cumulative_sum(xp.ones((2, 2)))
    with pytest.raises(IndexError):
        xp.cumulative_prod(xp.ones((2, 2)), axis=3)
