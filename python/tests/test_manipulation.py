"""Manipulation functions that are views (permute_dims, matrix_transpose,
moveaxis, expand_dims, squeeze, flip, reshape) and `.T`/`.mT`, against
NumPy, with the errors the standard and NumPy give."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lazyxp as xp
from conftest import REAL_NAMES, assert_same, np_arrays, shapes

arrays = np_arrays(REAL_NAMES)


def lazy(a):
    """The array as a pending expression (not a leaf), so views compose
    with computed inputs too."""
    x = xp.asarray(a)
    return x if a.dtype == np.bool_ else xp.where(xp.asarray(True), x, x)


@given(a=arrays, data=st.data())
def test_permute_dims(a, data):
    axes = tuple(data.draw(st.permutations(range(a.ndim))))
    if a.ndim and data.draw(st.booleans()):
        axes = tuple(ax - a.ndim for ax in axes)  # negative axes
    assert_same(xp.permute_dims(lazy(a), axes), np.permute_dims(a, axes))


def test_permute_dims_errors():
    x = xp.ones((2, 3))
    with pytest.raises(ValueError):
        xp.permute_dims(x, (0,))
    with pytest.raises(ValueError):
        xp.permute_dims(x, (0, 0))
    with pytest.raises(IndexError):
        xp.permute_dims(x, (0, 2))
    with pytest.raises(TypeError):
        xp.permute_dims(x, 0)


@given(a=np_arrays(REAL_NAMES, shape=shapes(min_dims=2, max_dims=4)))
def test_matrix_transpose_and_mT(a):
    want = np.matrix_transpose(a)
    assert_same(xp.matrix_transpose(lazy(a)), want)
    assert_same(lazy(a).mT, want)
    if a.ndim == 2:
        assert_same(lazy(a).T, a.T)
    else:
        with pytest.raises(ValueError):
            xp.asarray(a).T


def test_transposes_of_low_rank_arrays_are_errors():
    for shape in [(), (3,)]:
        x = xp.ones(shape)
        for f in (lambda x: x.T, lambda x: x.mT, xp.matrix_transpose):
            with pytest.raises(ValueError):
                f(x)


@given(a=arrays, data=st.data())
def test_moveaxis(a, data):
    if a.ndim == 0:
        return
    src = data.draw(hnp.valid_tuple_axes(a.ndim, min_size=1))
    dst = data.draw(st.permutations(range(-a.ndim, 0)).map(lambda p: tuple(p[: len(src)])))
    if len(src) == 1 and data.draw(st.booleans()):
        src, dst = src[0], dst[0]  # plain ints
    assert_same(xp.moveaxis(lazy(a), src, dst), np.moveaxis(a, src, dst))


def test_moveaxis_errors():
    x = xp.ones((2, 3, 4))
    with pytest.raises(ValueError):
        xp.moveaxis(x, (0, 1), (0,))
    with pytest.raises(ValueError):
        xp.moveaxis(x, (0, 0), (1, 2))
    with pytest.raises(IndexError):
        xp.moveaxis(x, 3, 0)


@given(a=arrays, data=st.data())
def test_expand_dims(a, data):
    axis = data.draw(st.integers(-a.ndim - 1, a.ndim))
    assert_same(xp.expand_dims(lazy(a), axis=axis), np.expand_dims(a, axis))
    assert_same(xp.expand_dims(lazy(a)), np.expand_dims(a, 0))


def test_expand_dims_axis_by_position_or_keyword_and_checked():
    # 2024.12: `expand_dims(x, /, axis)`; 2023.12's `axis=0` default kept.
    x = xp.ones((2, 3))
    assert xp.expand_dims(x, 1).shape == (2, 1, 3)
    assert xp.expand_dims(x, axis=-1).shape == (2, 3, 1)
    for bad in (3, -4):
        with pytest.raises(IndexError):  # the standard's exception
            xp.expand_dims(x, axis=bad)


@given(a=np_arrays(REAL_NAMES, shape=shapes(min_side=1).map(lambda s: s + (1,) if len(s) < 3 else s)), data=st.data())
def test_squeeze(a, data):
    ones = [d for d in range(a.ndim) if a.shape[d] == 1]
    if not ones:
        return
    axis = data.draw(st.lists(st.sampled_from(ones), min_size=1, unique=True).map(tuple))
    if len(axis) == 1 and data.draw(st.booleans()):
        axis = axis[0] - a.ndim  # a negative int
    assert_same(xp.squeeze(lazy(a), axis), np.squeeze(a, axis))


def test_squeeze_errors():
    x = xp.ones((2, 1))
    with pytest.raises(ValueError):
        xp.squeeze(x, 0)  # size 2
    with pytest.raises(IndexError):
        xp.squeeze(x, 2)
    with pytest.raises(TypeError):
        xp.squeeze(x)  # axis is required
    assert xp.squeeze(x, axis=()).shape == (2, 1)


@given(a=arrays, data=st.data())
def test_flip(a, data):
    axis = data.draw(st.one_of(st.none(), hnp.valid_tuple_axes(a.ndim)) if a.ndim == 0 else
                     st.one_of(st.none(), st.integers(-a.ndim, a.ndim - 1), hnp.valid_tuple_axes(a.ndim)))
    assert_same(xp.flip(lazy(a), axis=axis), np.flip(a, axis=axis))


def test_flip_of_flip_and_views_of_views():
    a = np.arange(24).reshape(2, 3, 4)
    x = xp.asarray(a)
    assert_same(xp.flip(xp.flip(x, axis=1), axis=1), a)
    y = xp.permute_dims(xp.flip(x, axis=(0, 2)), (2, 0, 1))[::-2, 1]
    assert_same(y, np.permute_dims(np.flip(a, axis=(0, 2)), (2, 0, 1))[::-2, 1])


@given(a=arrays, data=st.data())
def test_reshape(a, data):
    # A random factorization of the size, with at most one -1.
    dims = []
    rest = a.size
    for _ in range(data.draw(st.integers(0, 3))):
        divisors = [d for d in range(1, 7) if rest % d == 0] if rest else [0, 1, 2]
        d = data.draw(st.sampled_from(divisors))
        dims.append(d)
        rest = rest // d if d else 0
    if rest != 1 or not dims:
        dims.append(rest)
    shape = tuple(dims)
    if a.size and data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(shape) - 1))
        shape = shape[:i] + (-1,) + shape[i + 1:]
    if int(np.prod(shape)) != a.size and -1 not in shape:
        return
    copy = data.draw(st.sampled_from([None, True, False]))
    assert_same(xp.reshape(lazy(a), shape, copy=copy), np.reshape(a, shape))


def test_reshape_of_transposed_and_sliced_views():
    a = np.arange(24.0).reshape(4, 6)
    x = xp.asarray(a)
    assert_same(xp.reshape(x.T, (-1,)), a.T.reshape(-1))
    assert_same(xp.reshape(x[::-1, 1::2], (3, 4)), a[::-1, 1::2].reshape(3, 4))
    # copy=False never raises: lazyxp arrays are immutable values, so a copy
    # is never observable (documented in reshape's docstring).
    assert_same(xp.reshape(x.T, (24,), copy=False), a.T.reshape(24))


def test_reshape_errors():
    x = xp.ones((2, 3))
    with pytest.raises(ValueError):
        xp.reshape(x, (4, 2))
    with pytest.raises(ValueError):
        xp.reshape(x, (-1, -1))
    with pytest.raises(ValueError):
        xp.reshape(x, (-2, -3))
    with pytest.raises(ValueError):
        xp.reshape(xp.zeros((0, 3)), (-1, 0))  # ambiguous, as in NumPy
    with pytest.raises(TypeError):
        xp.reshape(x, (2.0, 3))
    with pytest.raises(TypeError):
        xp.reshape(x, (2, 3), False)  # copy is keyword-only


def test_views_stay_lazy():
    x = xp.asarray([[1.0, 2.0], [3.0, 4.0]]) + 1
    for v in (xp.permute_dims(x, (1, 0)), xp.flip(x), xp.expand_dims(x, axis=1), xp.reshape(x, (4,)),
              xp.moveaxis(x, 0, 1), xp.squeeze(xp.expand_dims(x, axis=0), 0), x.T, x.mT):
        assert not v.is_evaluated
