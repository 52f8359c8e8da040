"""take, take_along_axis, nonzero, boolean-mask and integer-array
indexing, `__setitem__` (a functional update that rebinds the array),
where with Python scalars, and clip, against NumPy."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lazyxp as xp
from conftest import NUMERIC_NAMES, REAL_NAMES, assert_same, np_arrays, shapes

arrays = np_arrays(REAL_NAMES)


def lazy(a):
    x = xp.asarray(a)
    return xp.where(xp.asarray(True), x, x)


def indices_for(data, n, size_max=5, min_size=0):
    return np.array(data.draw(st.lists(st.integers(-n, n - 1), min_size=min_size, max_size=size_max)), dtype=np.int64)


@given(a=np_arrays(REAL_NAMES, shape=shapes(min_dims=1, min_side=1)), data=st.data())
def test_take(a, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    idx = indices_for(data, a.shape[axis])
    dt = data.draw(st.sampled_from(["int8", "int32", "int64", "uint8"]))
    if dt == "uint8":
        idx = idx % a.shape[axis]
    idx = idx.astype(dt)
    assert_same(xp.take(lazy(a), lazy(idx), axis=axis), np.take(a, idx, axis=axis))


@given(a=arrays, data=st.data())
def test_take_flattened(a, data):
    if a.size == 0:
        return
    idx = indices_for(data, a.size)
    assert_same(xp.take(xp.asarray(a), xp.asarray(idx)), np.take(a, idx))


def test_take_errors():
    x = xp.asarray([1.0, 2.0, 3.0])
    y = xp.take(x, xp.asarray([0, 3]))
    with pytest.raises(IndexError):
        np.asarray(y)
    with pytest.raises(IndexError):  # not wrapped to -1
        np.asarray(xp.take(x, xp.asarray(np.array([2**64 - 1], dtype=np.uint64))))
    with pytest.raises(TypeError):
        xp.take(x, xp.asarray([0.0]))
    with pytest.raises(IndexError):
        xp.take(xp.ones((2, 2)), xp.asarray([0]), axis=2)


@given(a=np_arrays(REAL_NAMES, shape=shapes(min_dims=1, min_side=1)), data=st.data())
def test_take_along_axis(a, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    ishape = list(a.shape)
    ishape[axis] = data.draw(st.integers(0, 4))
    # Broadcasting in the other dimensions: some become 1 in one operand.
    for d in range(a.ndim):
        if d != axis % a.ndim and data.draw(st.booleans()):
            ishape[d] = 1
    n = a.shape[axis]
    idx = data.draw(hnp.arrays(np.int64, tuple(ishape), elements=st.integers(-n, n - 1)))
    assert_same(xp.take_along_axis(lazy(a), xp.asarray(idx), axis=axis), np.take_along_axis(a, idx, axis=axis))


def test_take_along_axis_with_argsort():
    a = np.array([[10, 30, 20], [60, 40, 50]])
    got = xp.take_along_axis(xp.asarray(a), xp.argsort(xp.asarray(a), axis=1), axis=1)
    assert_same(got, np.sort(a, axis=1))
    with pytest.raises(ValueError):
        xp.take_along_axis(xp.asarray(a), xp.asarray([0, 1]))


@given(a=np_arrays(REAL_NAMES, shape=shapes(min_dims=1)))
def test_nonzero(a):
    got = xp.nonzero(lazy(a))
    want = np.nonzero(a)
    assert isinstance(got, tuple) and len(got) == len(want)
    for g, w in zip(got, want):
        assert_same(g, w.astype(np.int64))


def test_nonzero_of_0d_is_an_error():
    with pytest.raises(ValueError):
        xp.nonzero(xp.asarray(1))


@given(a=np_arrays(REAL_NAMES, shape=shapes(min_dims=1)), data=st.data())
def test_boolean_mask_getitem(a, data):
    k = data.draw(st.integers(1, a.ndim))
    mask = data.draw(hnp.arrays(np.bool_, a.shape[:k]))
    assert_same(lazy(a)[lazy(mask)], a[mask])


def test_boolean_mask_errors_and_0d():
    x = xp.asarray([[1, 2], [3, 4]])
    with pytest.raises(IndexError):
        x[xp.asarray([True, False, True])]
    with pytest.raises(IndexError):
        x[xp.asarray([True, False]), 0]
    assert_same(x[xp.asarray(True)], np.array([[1, 2], [3, 4]])[np.True_])
    assert_same(x[xp.asarray(False)], np.array([[1, 2], [3, 4]])[np.False_])
    y = x[x > 2]
    assert "data-dependent shape: inputs evaluated first" in xp.explain(y)


def test_boolean_mask_with_an_empty_axis_selects_nothing():
    # NumPy's rule: a mask axis of length 0 fits an axis of any length.
    for shape, mshape in [((0, 1), (0, 0)), ((2, 1), (2, 0)), ((1, 3), (0, 3)), ((2, 3, 4), (0,))]:
        a = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
        m = np.zeros(mshape, dtype=bool)
        assert_same(xp.asarray(a)[xp.asarray(m)], a[m])
        x = xp.asarray(a)
        x[xp.asarray(m)] = 7.0
        assert_same(x, a)
    with pytest.raises(IndexError):
        xp.zeros((0, 3))[xp.zeros((0, 2), dtype=xp.bool)]


@given(a=np_arrays(REAL_NAMES, shape=shapes(min_dims=1, min_side=1)), data=st.data())
def test_integer_array_getitem(a, data):
    k = data.draw(st.integers(1, a.ndim))
    bshape = data.draw(shapes(max_dims=2, max_side=3))
    key = []
    for d in range(k):
        n = a.shape[d]
        if data.draw(st.booleans()):
            key.append(data.draw(st.integers(-n, n - 1)))
        else:
            key.append(data.draw(hnp.arrays(np.int64, bshape, elements=st.integers(-n, n - 1))))
    want = a[tuple(key)]
    got = lazy(a)[tuple(xp.asarray(i) if isinstance(i, np.ndarray) else i for i in key)]
    assert_same(got, want)


def test_integer_array_errors():
    x = xp.ones((3, 3))
    with pytest.raises(IndexError):
        x[xp.asarray([0, 1]), :, 0]
    with pytest.raises(IndexError):
        x[xp.asarray([0]), 5]
    with pytest.raises(IndexError):
        np.asarray(x[xp.asarray([0, 3])])


@given(a=np_arrays(NUMERIC_NAMES, shape=shapes(min_dims=1)), data=st.data())
def test_setitem_basic(a, data):
    key = []
    for n in a.shape:
        if n and data.draw(st.booleans()):
            key.append(data.draw(st.integers(-n, n - 1)))
        else:
            start = data.draw(st.none() | st.integers(-n - 1, n + 1))
            stop = data.draw(st.none() | st.integers(-n - 1, n + 1))
            step = data.draw(st.none() | st.sampled_from([-2, -1, 1, 2, 3]))
            key.append(slice(start, stop, step))
    key = tuple(key)
    target = a[key].shape
    vshape = st.just(target) if 0 in target else hnp.broadcastable_shapes(target, max_dims=len(target)).filter(lambda v: np.broadcast_shapes(v, target) == target)
    value = data.draw(hnp.arrays(a.dtype, vshape))
    want = a.copy()
    want[key] = value
    x = lazy(a)
    old = x
    x[key] = xp.asarray(value)
    assert_same(x, want)
    x2 = lazy(a)
    x2[key] = 1
    w2 = a.copy()
    w2[key] = 1
    assert_same(x2, w2)
    assert_same(old, want)  # the same Python object, rebound


def test_setitem_is_functional_for_other_handles():
    a = xp.asarray([1.0, 2.0, 3.0])
    view = a[1:]
    a[...] = 0.0
    a[0] = 5
    assert_same(a, np.array([5.0, 0.0, 0.0]))
    assert_same(view, np.array([2.0, 3.0]))
    with pytest.raises(ValueError):
        a[:2] = xp.asarray([1.0, 2.0, 3.0])
    with pytest.raises(IndexError):
        a[5] = 1.0


@given(a=np_arrays(NUMERIC_NAMES, shape=shapes(min_dims=1)), data=st.data())
def test_setitem_mask(a, data):
    mask = data.draw(hnp.arrays(np.bool_, a.shape))
    want = a.copy()
    if data.draw(st.booleans()):
        want[mask] = 7
        x = lazy(a)
        x[xp.asarray(mask)] = 7
    else:
        vals = data.draw(hnp.arrays(a.dtype, (int(mask.sum()),)))
        want[mask] = vals
        x = lazy(a)
        x[xp.asarray(mask)] = xp.asarray(vals)
    assert_same(x, want)


def test_setitem_mask_rows():
    a = np.arange(12.0).reshape(3, 4)
    m = np.array([True, False, True])
    x = xp.asarray(a)
    x[xp.asarray(m)] = xp.asarray([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
    want = a.copy()
    want[m] = [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]
    assert_same(x, want)
    y = xp.asarray(a)
    y[xp.asarray(m)] = xp.asarray([9.0, 9.0, 9.0, 9.0])
    want = a.copy()
    want[m] = 9.0
    assert_same(y, want)
    with pytest.raises(ValueError):
        y[xp.asarray(m)] = xp.asarray([[1.0] * 4] * 3)


@given(c=hnp.arrays(np.bool_, shapes()), s=st.sampled_from([1, 2.5, True]), t=st.sampled_from(["float32", "int16", "bool"]))
def test_where_with_python_scalars(c, s, t):
    x = np.ones(c.shape, dtype=t)
    if isinstance(s, float) and t != "float32" or (isinstance(s, int) and not isinstance(s, bool) and t == "bool"):
        return  # no standard answer for a float scalar with an int array
    want = np.where(c, x, np.asarray(s, dtype=t))
    assert_same(xp.where(xp.asarray(c), xp.asarray(x), s), want)
    assert_same(xp.where(xp.asarray(c), s, xp.asarray(x)), np.where(c, np.asarray(s, dtype=t), x))


@given(a=np_arrays(NUMERIC_NAMES), lo=st.none() | st.integers(-5, 5), hi=st.none() | st.integers(-5, 5))
def test_clip(a, lo, hi):
    if a.dtype.kind == "u":
        lo = None if lo is None else abs(lo)
        hi = None if hi is None else abs(hi)
    with np.errstate(all="ignore"):
        want = np.clip(a, lo, hi) if (lo, hi) != (None, None) else a
    assert_same(xp.clip(lazy(a), lo, hi), want.astype(a.dtype))
    assert_same(xp.clip(xp.asarray(a), min=None if lo is None else xp.asarray(np.asarray(lo, a.dtype))), np.clip(a, lo, None).astype(a.dtype) if lo is not None else a)
