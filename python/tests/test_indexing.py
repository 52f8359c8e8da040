"""`x[key]` with the standard's basic indices (integers, slices with any
step, ellipsis, None) against NumPy, and the errors for keys outside the
standard (float arrays, lists, NumPy arrays, masks mixed with other
indices): IndexError saying so, never a crash; integer arrays mixed with
integers, slices, ellipsis and None (NumPy's advanced indexing), read and
assigned, against NumPy. Masks are tested in test_selecting.py."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lazyxp as xp
from conftest import NUMERIC_NAMES, REAL_NAMES, assert_same, np_arrays, shapes


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


# Boolean masks of lazyxp work (test_selecting.py), integer arrays below;
# these keys are outside the standard and raise IndexError.
@pytest.mark.parametrize("key", [
    lambda x: xp.asarray([0.5]),                  # float array
    lambda x: [0, 1],                             # list
    lambda x: np.array([0, 1]),                   # NumPy integer array
    lambda x: np.array([True, False]),            # NumPy mask
    lambda x: True,                               # Python bool (a 0-d mask)
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


# --- Integer arrays mixed with integers, slices, ellipsis and None ------

@st.composite
def mixed_keys(draw, shape, min_arrays=1):
    """A key for `shape` with at least `min_arrays` integer arrays (NumPy
    arrays, broadcastable together), integers, slices, None and maybe an
    ellipsis, in any order NumPy accepts. Index values lie in [-n, n)."""
    bshape = draw(shapes(max_dims=2, max_side=3))
    kinds = []
    for n in shape:
        choices = ["slice"] + (["int", "array"] if n else [])
        kinds.append(draw(st.sampled_from(choices)))
    if kinds.count("array") < min_arrays:
        nonempty = [d for d, n in enumerate(shape) if n]
        if not nonempty:
            return None
        kinds[draw(st.sampled_from(nonempty))] = "array"
    key = []
    for n, kind in zip(shape, kinds):
        if kind == "int":
            key.append(draw(st.integers(-n, n - 1)))
        elif kind == "array":
            ishape = draw(hnp.broadcastable_shapes(bshape, min_dims=0, max_dims=len(bshape), min_side=0).filter(lambda i: np.broadcast_shapes(i, bshape) == bshape))
            key.append(draw(hnp.arrays(np.int64, ishape, elements=st.integers(-n, n - 1))))
        else:
            start = draw(st.none() | st.integers(-n - 1, n + 1))
            stop = draw(st.none() | st.integers(-n - 1, n + 1))
            step = draw(st.none() | st.sampled_from([-2, -1, 1, 2]))
            key.append(slice(start, stop, step))
    # A run of full slices (maybe empty) may be stood for by an ellipsis,
    # or trailing ones left out.
    full = [isinstance(k, slice) and k == slice(None) for k in key]
    if draw(st.booleans()):
        i = draw(st.integers(0, len(key)))
        j = i
        while j < len(key) and full[j] and draw(st.booleans()):
            j += 1
        key[i:j] = [Ellipsis]
    elif draw(st.booleans()):
        while key and full[len(key) - 1]:
            key.pop()
    for _ in range(draw(st.integers(0, 2))):
        key.insert(draw(st.integers(0, len(key))), None)
    return tuple(key)


def to_lazy_key(key):
    return tuple(xp.asarray(k) if isinstance(k, np.ndarray) else k for k in key)


@given(a=np_arrays(REAL_NAMES, shape=shapes(min_dims=1, max_dims=4, max_side=4)), data=st.data())
def test_integer_arrays_mixed_with_basic_indices_match_numpy(a, data):
    key = data.draw(mixed_keys(a.shape))
    if key is None:
        return
    assert_same(xp.asarray(a)[to_lazy_key(key)], a[key])


@given(a=np_arrays(NUMERIC_NAMES, shape=shapes(min_dims=1, max_dims=4, max_side=4)), data=st.data())
def test_setitem_through_integer_arrays_matches_numpy(a, data):
    key = data.draw(mixed_keys(a.shape))
    if key is None:
        return
    target = a[key].shape
    vshape = data.draw(hnp.broadcastable_shapes(target, max_dims=len(target), min_side=0).filter(lambda v: np.broadcast_shapes(v, target) == target))
    value = data.draw(hnp.arrays(a.dtype, vshape))
    want = a.copy()
    want[key] = value
    x = xp.asarray(a)
    x[to_lazy_key(key)] = xp.asarray(value)
    assert_same(x, want)
    y = xp.asarray(a)
    y[to_lazy_key(key)] = 3
    w = a.copy()
    w[key] = 3
    assert_same(y, w)


def test_integer_array_examples():
    a = np.arange(120).reshape(2, 3, 4, 5)
    x = xp.asarray(a)
    i, j = np.array([1, 0, -1]), np.array([[0], [2]])
    for key in [(slice(None), i), (i, slice(None), j), (0, slice(None), i), (slice(None), 0, i), (..., i),
                (i, ..., j), (None, i, None, j), (slice(None), i, j), (slice(None), i, None, j),
                (slice(None, None, -1), j, slice(1, 4, 2), i), (1, i, -1), (np.array(1), slice(None), i)]:
        lazy_key = tuple(xp.asarray(k) if isinstance(k, np.ndarray) and k.ndim else k for k in key)
        assert_same(x[lazy_key], a[key])


def test_setitem_repeated_indices_last_value_wins():
    a = np.zeros(5)
    x = xp.asarray(a)
    x[xp.asarray([1, 3, 1, -4])] = xp.asarray([1.0, 2.0, 3.0, 4.0])
    assert_same(x, np.array([0.0, 4.0, 0.0, 2.0, 0.0]))
    m = xp.asarray(np.zeros((3, 2)))
    m[xp.asarray([2, 2]), :] = xp.asarray([[1.0, 2.0], [3.0, 4.0]])
    assert_same(m, np.array([[0.0, 0.0], [0.0, 0.0], [3.0, 4.0]]))


def test_setitem_through_arrays_is_functional_and_casts():
    a = xp.asarray([[1, 2, 3], [4, 5, 6]])
    old = a[...]
    a[:, xp.asarray([0, 2])] = 9
    assert_same(a, np.array([[9, 2, 9], [9, 5, 9]]))
    assert_same(old, np.array([[1, 2, 3], [4, 5, 6]]))
    f = xp.asarray(np.zeros(3, dtype=np.float32))
    f[xp.asarray([1])] = 2.5
    assert_same(f, np.array([0.0, 2.5, 0.0], dtype=np.float32))


def test_integer_array_keys_on_empty_axes():
    a = np.zeros((0, 3))
    x = xp.asarray(a)
    e = np.array([], dtype=np.int64)
    assert_same(x[xp.asarray(e), 1], a[e, 1])
    assert_same(x[:, xp.asarray([2, 0])], a[:, [2, 0]])
    x[:, xp.asarray([1])] = 5.0
    assert_same(x, a)
    b = np.arange(6.0).reshape(2, 3)
    y = xp.asarray(b)
    assert_same(y[xp.asarray(e), :], b[e, :])
    y[xp.asarray(e)] = 1.0
    assert_same(y, b)


def test_integer_array_errors_are_index_errors():
    x = xp.asarray(np.arange(6.0).reshape(2, 3))
    with pytest.raises(IndexError):
        np.asarray(x[:, xp.asarray([0, 3])])          # out of range: found when it runs
    with pytest.raises(IndexError):
        np.asarray(x[xp.asarray([-3]), ::2])
    with pytest.raises(IndexError):
        x[xp.asarray([0]), 5]                          # an integer out of range: at once
    with pytest.raises(IndexError):
        x[xp.asarray([0, 1]), xp.asarray([0, 1, 2])]  # arrays that do not broadcast
    with pytest.raises(IndexError):
        x[xp.asarray([0]), :, 0]                       # too many indices
    with pytest.raises(IndexError):
        x[xp.asarray([0]), ..., ...]
    with pytest.raises(IndexError):
        x[xp.asarray([0]), xp.asarray([0.5])]          # a float array
    y = xp.asarray(np.arange(6.0).reshape(2, 3))
    y[:, xp.asarray([0, 3])] = 1.0
    with pytest.raises(IndexError):
        np.asarray(y)                                  # checked before any write
    z = xp.asarray(np.arange(6.0).reshape(2, 3))
    with pytest.raises(ValueError):
        z[:, xp.asarray([0, 1])] = xp.asarray([1.0, 2.0, 3.0])
    assert_same(z, np.arange(6.0).reshape(2, 3))
