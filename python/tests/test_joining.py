"""concat, stack, unstack, roll, diff, tile, repeat and meshgrid against
NumPy: values, dtypes (promotion across concat's inputs), shapes, and the
errors the standard and NumPy give."""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lazyxp as xp
from conftest import NUMERIC_NAMES, REAL_NAMES, assert_same, np_arrays, shapes

arrays = np_arrays(REAL_NAMES)


def lazy(a):
    """A pending expression (not a leaf), so operands must be materialized."""
    x = xp.asarray(a)
    return xp.where(xp.asarray(True), x, x)


@given(data=st.data(), base=shapes(min_dims=1, max_dims=3), names=st.lists(st.sampled_from(REAL_NAMES), min_size=1, max_size=4))
def test_concat(data, base, names):
    kinds = {np.dtype(n).kind for n in names}
    assume(not ("f" in kinds and kinds & {"i", "u"}))  # mixed kinds: outside the standard, NumPy is not pairwise
    axis = data.draw(st.integers(-len(base), len(base) - 1))
    parts = []
    for name in names:
        shape = list(base)
        shape[axis] = data.draw(st.integers(0, 3))
        parts.append(data.draw(hnp.arrays(np.dtype(name), tuple(shape))))
    got = xp.concat([lazy(p) for p in parts], axis=axis)
    assert_same(got, np.concat(parts, axis=axis))


@given(a=arrays, b=arrays)
def test_concat_axis_none_flattens(a, b):
    assert_same(xp.concat((xp.asarray(a), lazy(b)), axis=None), np.concat([a.ravel(), b.ravel()]))


def test_concat_errors():
    x, y = xp.ones((2, 3)), xp.ones((2, 4))
    with pytest.raises(ValueError):
        xp.concat([x, y], axis=0)
    with pytest.raises(IndexError):
        xp.concat([x, x], axis=2)
    with pytest.raises(ValueError):
        xp.concat([xp.ones(()), xp.ones(())])
    with pytest.raises(ValueError):
        xp.concat([])
    with pytest.raises(TypeError):
        xp.concat(x)


@given(a=arrays, n=st.integers(1, 3), data=st.data())
def test_stack_and_unstack(a, n, data):
    axis = data.draw(st.integers(-a.ndim - 1, a.ndim))
    got = xp.stack([lazy(a)] * n, axis=axis)
    want = np.stack([a] * n, axis=axis)
    assert_same(got, want)
    parts = xp.unstack(got, axis=axis)
    assert isinstance(parts, tuple) and len(parts) == n
    for p in parts:
        assert_same(p, a)


def test_stack_errors():
    with pytest.raises(ValueError):
        xp.stack([xp.ones(2), xp.ones(3)])
    with pytest.raises(IndexError):
        xp.stack([xp.ones(2)], axis=2)
    with pytest.raises(ValueError):
        xp.unstack(xp.ones(()))


@given(a=np_arrays(REAL_NAMES, shape=shapes(min_dims=1)), data=st.data())
def test_roll(a, data):
    shift = data.draw(st.integers(-7, 7))
    if data.draw(st.booleans()):
        assert_same(xp.roll(lazy(a), shift), np.roll(a, shift))
    else:
        axes = tuple(data.draw(st.lists(st.integers(-a.ndim, a.ndim - 1), min_size=1, max_size=3)))
        shifts = tuple(data.draw(st.integers(-7, 7)) for _ in axes)
        assert_same(xp.roll(lazy(a), shifts, axis=axes), np.roll(a, shifts, axis=axes))


@given(a=np_arrays(NUMERIC_NAMES + ["bool"], shape=shapes(min_dims=1)), data=st.data())
def test_diff(a, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    n = data.draw(st.integers(0, 3))
    with np.errstate(all="ignore"):
        want = np.diff(a, axis=axis, n=n)
    assert_same(xp.diff(lazy(a), axis=axis, n=n), want)


def test_diff_prepend_append():
    a = np.array([[1, 4, 9], [2, 3, 7]], dtype=np.int32)
    p = np.array([[0], [1]], dtype=np.int32)
    assert_same(xp.diff(xp.asarray(a), prepend=xp.asarray(p), append=xp.asarray(p)), np.diff(a, prepend=p, append=p))
    assert_same(xp.diff(xp.asarray(a), axis=0, prepend=5), np.diff(a, axis=0, prepend=np.int32(5)))  # scalars follow the standard's scalar rule
    with pytest.raises(ValueError):
        xp.diff(xp.ones(()))


@given(a=arrays, reps=st.lists(st.integers(0, 3), max_size=4))
def test_tile(a, reps):
    assert_same(xp.tile(lazy(a), tuple(reps)), np.tile(a, tuple(reps)))


@given(a=arrays, r=st.integers(0, 3), data=st.data())
def test_repeat_int(a, r, data):
    axis = None if a.ndim == 0 or data.draw(st.booleans()) else data.draw(st.integers(-a.ndim, a.ndim - 1))
    assert_same(xp.repeat(lazy(a), r, axis=axis), np.repeat(a, r, axis=axis))


@given(a=np_arrays(REAL_NAMES, shape=shapes(min_dims=1)), data=st.data())
def test_repeat_array(a, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    counts = np.array(data.draw(st.lists(st.integers(0, 3), min_size=a.shape[axis], max_size=a.shape[axis])), dtype=np.int64)
    r = xp.repeat(lazy(a), xp.asarray(counts), axis=axis)
    assert_same(r, np.repeat(a, counts, axis=axis))
    assert "data-dependent shape: inputs evaluated first" in xp.explain(r) or r.size == 0 or counts.size < 2


def test_repeat_errors():
    x = xp.ones((2, 3))
    with pytest.raises(ValueError):
        xp.repeat(x, -1)
    with pytest.raises(ValueError):
        xp.repeat(x, xp.asarray([1, 2, 3]), axis=0)
    with pytest.raises(ValueError):
        xp.repeat(x, xp.asarray([1, -2]), axis=0)
    with pytest.raises(TypeError):
        xp.repeat(x, xp.asarray([1.0, 2.0]), axis=0)


@given(lens=st.lists(st.integers(0, 4), max_size=4), indexing=st.sampled_from(["xy", "ij"]), name=st.sampled_from(REAL_NAMES))
def test_meshgrid(lens, indexing, name):
    arrs = [np.arange(n).astype(name) for n in lens]
    got = xp.meshgrid(*[xp.asarray(a) for a in arrs], indexing=indexing)
    want = np.meshgrid(*arrs, indexing=indexing)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert_same(g, w)


def test_meshgrid_errors():
    with pytest.raises(ValueError):
        xp.meshgrid(xp.ones(2), indexing="yx")
    with pytest.raises(ValueError):
        xp.meshgrid(xp.ones((2, 2)))
