"""`x[key]` with the standard's basic indices (integers, slices with any
step, ellipsis, None) against NumPy, and the errors for keys outside the
standard (float arrays, lists, NumPy arrays, masks or integer arrays mixed
with slices): IndexError saying so, never a crash. Masks and integer
arrays themselves are tested in test_selecting.py."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lazyxp as xp
from conftest import REAL_NAMES, assert_same, np_arrays, shapes


@given(a=np_arrays(REAL_NAMES, shape=shapes(max_dims=4)), data=st.data())
def test_basic_indexing_matches_numpy(a, data):
    key = data.draw(hnp.basic_indices(a.shape, allow_newaxis=True, allow_ellipsis=True))
    assert_same(xp.asarray(a)[key], a[key])


@given(a=np_arrays(["float32", "int64"], shape=shapes(min_dims=1, max_dims=3)), data=st.data())
def test_indexing_computed_arrays_and_views_of_views(a, data):
    k1 = data.draw(hnp.basic_indices(a.shape, allow_newaxis=True, allow_ellipsis=True))
    b = (a + 1)[k1]
    k2 = data.draw(hnp.basic_indices(b.shape, allow_newaxis=True, allow_ellipsis=True))
    with np.errstate(all="ignore"):
        want = (a + 1)[k1][k2]
    x = (xp.asarray(a) + 1)[k1]
    assert_same(x[k2], want)


@given(n=st.integers(0, 12), start=st.one_of(st.none(), st.integers(-20, 20)), stop=st.one_of(st.none(), st.integers(-20, 20)),
       step=st.one_of(st.none(), st.integers(-5, 5).filter(bool)))
def test_slices_follow_python(n, start, stop, step):
    a = np.arange(n)
    assert_same(xp.asarray(a)[start:stop:step], a[start:stop:step])


def test_examples():
    a = np.arange(24).reshape(2, 3, 4)
    x = xp.asarray(a)
    for key in [0, -1, (1, 2), (1, 2, 3), (-2, -3, -4), (), ..., (..., 0), (0, ...), (None,), (None, ..., None),
                (slice(None), None, 1), (slice(None, None, -1),), (..., slice(None, None, -2)), (0, slice(3, None, -1)),
                (slice(10**30),), (slice(-(10**30), None, -1),), np.int64(1), (np.int8(-1), np.uint16(2))]:
        assert_same(x[key], a[key])


def test_zero_d_and_empty_arrays():
    s = xp.asarray(5.0)
    assert_same(s[()], np.float64(5.0))
    assert_same(s[...], np.float64(5.0))
    assert_same(s[None], np.array([5.0]))
    e = np.zeros((0, 3))
    assert_same(xp.asarray(e)[:, 1], e[:, 1])
    assert_same(xp.asarray(e)[::-1], e[::-1])


def test_zero_d_integer_arrays_are_integers():
    a = np.arange(6).reshape(2, 3)
    i = xp.asarray(1)
    assert_same(xp.asarray(a)[i, xp.asarray(-1, dtype=xp.int8)], a[1, -1])


def test_bad_keys_raise_numpys_exceptions():
    x = xp.ones((2, 3))
    for key in [2, -3, (0, 3), (0, 0, 0), (..., ...), 10**30, (0, -(10**30))]:
        with pytest.raises(IndexError):
            x[key]
    with pytest.raises(ValueError):
        x[::0]
    for key in [1.0, "a", (0, 1.5), {}, slice(0, 1.5)]:
        with pytest.raises((IndexError, TypeError)):
            x[key]


# Boolean masks and integer arrays of lazyxp work (test_selecting.py);
# these keys are outside the standard and raise IndexError.
@pytest.mark.parametrize("key", [
    lambda x: xp.asarray([0.5]),                  # float array
    lambda x: [0, 1],                             # list
    lambda x: np.array([0, 1]),                   # NumPy integer array
    lambda x: np.array([True, False]),            # NumPy mask
    lambda x: True,                               # Python bool (a 0-d mask)
    lambda x: (slice(None), xp.asarray([0, 1])),  # integer array beside a slice
    lambda x: (x > 0, 0),                         # mask beside another index
])
def test_array_keys_outside_the_standard_say_so(key):
    x = xp.asarray([[1.0, -1.0, 2.0], [3.0, 4.0, -5.0]])
    with pytest.raises(IndexError):
        x[key(x)]
    assert_same(x, np.array([[1.0, -1.0, 2.0], [3.0, 4.0, -5.0]]))  # still usable


def test_indexing_is_lazy():
    x = xp.asarray(np.arange(10.0)) * 2
    y = x[::-3]
    assert not y.is_evaluated
    assert_same(y, (np.arange(10.0) * 2)[::-3])


def test_iteration_over_the_first_axis():
    a = np.arange(6).reshape(3, 2)
    rows = list(xp.asarray(a))
    assert len(rows) == 3
    for r, w in zip(rows, a):
        assert_same(r, w)
    assert list(xp.zeros((0, 2))) == []
    with pytest.raises(TypeError):
        iter(xp.asarray(1.0))


def test_peers_pairwise_expression():
    # The shape the peer benchmark's `pairwise` case builds.
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((5, 3)), rng.standard_normal((4, 3))
    x, y = xp.asarray(a), xp.asarray(b)
    d = x[:, None, :] - y[None, :, :]
    got = xp.sqrt(xp.sum(d * d, axis=-1))
    want = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))
    assert_same(got, want, exact=False, rtol=1e-14)
