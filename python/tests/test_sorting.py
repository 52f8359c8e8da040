"""sort, argsort (stable, descending), searchsorted and the set functions
against array_api_strict (whose descending order and NaN placement the
tests follow) and NumPy."""
import array_api_strict as strict
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lazyxp as xp
from conftest import NUMERIC_NAMES, REAL_NAMES, assert_same, np_arrays, shapes

# Small value ranges so ties (and NaN, inf, -0.0) are common.
small = st.one_of(st.integers(-3, 3), st.sampled_from([float("nan"), float("inf"), -0.0, 0.5]))


def tie_arrays(names=REAL_NAMES, min_dims=1):
    return st.sampled_from(names).flatmap(
        lambda n: shapes(min_dims=min_dims).flatmap(
            lambda s: st.lists(small, min_size=int(np.prod(s)), max_size=int(np.prod(s))).map(
                lambda v: _cast(v, n, s)
            )
        )
    )


def _cast(values, name, shape):
    with np.errstate(all="ignore"):
        a = np.array(values, dtype=np.float64)
        if np.dtype(name).kind in "iub":
            a = np.nan_to_num(a, nan=0, posinf=2, neginf=-2)
            if np.dtype(name).kind == "u":
                a = np.abs(a)
        return a.astype(name).reshape(shape)


def lazy(a):
    x = xp.asarray(a)
    return xp.where(xp.asarray(True), x, x)


@given(a=tie_arrays(NUMERIC_NAMES), data=st.data())
def test_sort_and_argsort(a, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    descending = data.draw(st.booleans())
    s = strict.asarray(a)
    want_s = np.asarray(strict.sort(s, axis=axis, descending=descending, stable=True))
    want_i = np.asarray(strict.argsort(s, axis=axis, descending=descending, stable=True))
    assert_same(xp.sort(lazy(a), axis=axis, descending=descending), want_s)
    assert_same(xp.argsort(lazy(a), axis=axis, descending=descending), want_i)
    # Unstable sorts give the same values; unstable argsort still sorts.
    assert_same(xp.sort(xp.asarray(a), axis=axis, descending=descending, stable=False), want_s)
    idx = np.asarray(xp.argsort(xp.asarray(a), axis=axis, descending=descending, stable=False))
    assert_same(xp.asarray(np.take_along_axis(a, idx, axis=axis)), want_s)


def test_bool_sorts_as_numpy():
    a = np.array([True, False, True, False])
    assert_same(xp.sort(xp.asarray(a)), np.sort(a))
    assert_same(xp.argsort(xp.asarray(a)), np.argsort(a, kind="stable"))


def test_sort_errors():
    with pytest.raises(ValueError):
        xp.sort(xp.asarray(1.0))
    with pytest.raises(IndexError):
        xp.argsort(xp.ones((2, 2)), axis=2)


@given(a=tie_arrays(min_dims=1).filter(lambda a: a.ndim == 1), q=tie_arrays(min_dims=0), side=st.sampled_from(["left", "right"]))
def test_searchsorted(a, q, side):
    s = np.sort(a)
    with np.errstate(all="ignore"):
        q = q.astype(a.dtype)
    assert_same(xp.searchsorted(xp.asarray(s), lazy(q), side=side), np.searchsorted(s, q, side=side))
    perm = np.argsort(a, kind="stable")
    assert_same(xp.searchsorted(xp.asarray(a), xp.asarray(q), side=side, sorter=xp.asarray(perm)), np.searchsorted(a, q, side=side, sorter=perm))


def test_searchsorted_scalar_and_errors():
    s = xp.asarray([1.0, 2.0, 3.0])
    assert_same(xp.searchsorted(s, 2.5), np.searchsorted([1.0, 2.0, 3.0], 2.5))
    with pytest.raises(ValueError):
        xp.searchsorted(xp.ones((2, 2)), s)
    with pytest.raises(ValueError):
        xp.searchsorted(s, s, side="middle")


@given(a=tie_arrays(min_dims=0))
def test_unique_functions(a):
    s = strict.asarray(a)
    x = lazy(a)
    assert_same(xp.unique_values(x), np.asarray(strict.unique_values(s)))
    got, want = xp.unique_counts(x), strict.unique_counts(s)
    assert got._fields == ("values", "counts")
    for g, w in zip(got, want):
        assert_same(g, np.asarray(w))
    got, want = xp.unique_inverse(x), strict.unique_inverse(s)
    assert got._fields == ("values", "inverse_indices")
    assert_same(got.values, np.asarray(want.values))
    check_inverse(a, got.values, got.inverse_indices, np.asarray(want.inverse_indices))
    got, want = xp.unique_all(x), strict.unique_all(s)
    assert got._fields == ("values", "indices", "inverse_indices", "counts")
    assert_same(got.values, np.asarray(want.values))
    assert_same(got.counts, np.asarray(want.counts))
    check_inverse(a, got.values, got.inverse_indices, np.asarray(want.inverse_indices))
    # Which NaN is which is open (each is distinct); ours take NaNs in order.
    idx = np.asarray(got.indices)
    assert idx.dtype == np.int64
    np.testing.assert_array_equal(a.ravel()[idx], np.asarray(got.values))
    isnan = np.isnan(np.asarray(got.values, dtype=np.float64))
    assert_same(xp.asarray(idx[~isnan]), np.asarray(want.indices)[~isnan])
    assert list(idx[isnan]) == sorted(idx[isnan])


def check_inverse(a, values, inverse, want):
    """Same as NumPy except at NaNs, whose order among equal-looking
    values is open; there the inverse must still rebuild `a`."""
    inv = np.asarray(inverse)
    assert inv.dtype == np.int64 and inv.shape == want.shape
    np.testing.assert_array_equal(np.asarray(values)[inv], a)
    nan = np.isnan(a.astype(np.float64)) if a.dtype.kind == "f" else np.zeros(a.shape, bool)
    np.testing.assert_array_equal(inv[~nan], want[~nan])


def test_unique_says_its_shape_came_from_data():
    u = xp.unique_values(xp.asarray([3, 1, 3, 2]))
    assert "data-dependent shape: inputs evaluated first" in xp.explain(u)
    assert_same(u, np.array([1, 2, 3]))


@given(a=np_arrays(["int16", "int64", "float32", "float64"], shape=shapes(max_dims=2)),
       b=np_arrays(["int16", "int64", "float32", "float64"], shape=shapes(max_dims=2)),
       invert=st.booleans())
def test_isin_matches_numpy(a, b, invert):
    # 2025.12's isin: NaN is in nothing, -0.0 is 0.0, as NumPy says.
    want = np.isin(a, b, invert=invert)
    assert_same(xp.isin(xp.asarray(a), xp.asarray(b), invert=invert), want)


def test_isin_with_scalars_and_broadcast_shapes():
    assert_same(xp.isin(xp.asarray([1, 2, 3]), 2), np.array([False, True, False]))
    assert_same(xp.isin(xp.asarray([1.5, np.nan]), xp.asarray([np.nan, 1.5])), np.array([True, False]))
    assert xp.broadcast_shapes((3, 1), (1, 4), (4,)) == np.broadcast_shapes((3, 1), (1, 4), (4,))
    assert xp.broadcast_shapes() == ()
    assert xp.broadcast_shapes((0, 1), (3,)) == (0, 3)
    with pytest.raises(ValueError):
        xp.broadcast_shapes((2,), (3,))
