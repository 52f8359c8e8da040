"""matmul, tensordot and vecdot of the main namespace against NumPy: shapes
(1-D promotion, broadcast batch dimensions), dtypes by the promotion table,
values (integers exactly, with wrap-around; floats to a summation bound)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lazyxp as xp
from conftest import FLOAT_NAMES, INT_NAMES, assert_same, to_np

NUMS = ["int8", "int32", "int64", "uint8", "uint64", "float32", "float64"]


def values(name):
    if np.dtype(name).kind == "f":
        return st.floats(-10, 10, width=32 if name == "float32" else 64)
    return None  # the whole range: wrap-around must match


def check(got, want, operands):
    g = to_np(got)
    assert g.dtype == want.dtype and g.shape == want.shape, (g.dtype, want.dtype, g.shape, want.shape)
    if want.dtype.kind == "f":
        eps = np.finfo(want.dtype).eps
        np.testing.assert_allclose(g, want, rtol=64 * eps, atol=64 * eps * 100 * 10 * max(1, operands))
    else:
        np.testing.assert_array_equal(g, want)


@st.composite
def pair(draw, signature):
    shapes = draw(hnp.mutually_broadcastable_shapes(signature=signature, max_dims=3, max_side=4))
    d1, d2 = draw(st.sampled_from(NUMS)), draw(st.sampled_from(NUMS))
    if np.result_type(d1, d2) != np.promote_types(d1, d2) or (np.dtype(d1).kind, np.dtype(d2).kind) in {("i", "u"), ("u", "i")} and "uint64" in (d1, d2):
        d2 = d1  # int64 x uint64 has no standard promotion
    a = draw(hnp.arrays(np.dtype(d1), shapes.input_shapes[0], elements=values(d1)))
    b = draw(hnp.arrays(np.dtype(d2), shapes.input_shapes[1], elements=values(d2)))
    return a, b


@given(pair("(m?,n),(n,p?)->(m?,p?)"))
def test_matmul(ab):
    a, b = ab
    with np.errstate(all="ignore"):
        want = np.matmul(a, b)
    check(xp.matmul(xp.asarray(a), xp.asarray(b)), want, a.shape[-1])
    check(xp.asarray(a) @ xp.asarray(b), want, a.shape[-1])


def test_matmul_errors():
    with pytest.raises(ValueError):
        xp.matmul(xp.ones((2, 3)), xp.ones((2, 3)))
    with pytest.raises(ValueError):
        xp.matmul(xp.ones(()), xp.ones((2,)))
    with pytest.raises(ValueError):
        xp.matmul(xp.ones((2, 2, 3)), xp.ones((3, 3, 4)))  # batch dims do not broadcast
    with pytest.raises(TypeError):
        xp.matmul(xp.ones((2, 2)), 2.0)  # the function takes arrays only


@given(data=st.data())
def test_tensordot_with_an_int(data):
    n = data.draw(st.integers(0, 2))
    contracted = data.draw(hnp.array_shapes(min_dims=n, max_dims=n, min_side=0, max_side=3))
    free_a = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3))
    free_b = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3))
    dt = data.draw(st.sampled_from(NUMS))
    a = data.draw(hnp.arrays(np.dtype(dt), free_a + contracted, elements=values(dt)))
    b = data.draw(hnp.arrays(np.dtype(dt), contracted + free_b, elements=values(dt)))
    with np.errstate(all="ignore"):
        want = np.tensordot(a, b, axes=n)
    check(xp.tensordot(xp.asarray(a), xp.asarray(b), axes=n), want, int(np.prod(contracted)))
    if n == 2:
        check(xp.tensordot(xp.asarray(a), xp.asarray(b)), want, int(np.prod(contracted)))  # the default


@given(data=st.data())
def test_tensordot_with_axis_sequences(data):
    shape_a = data.draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3))
    k = data.draw(st.integers(0, len(shape_a)))
    axes_a = data.draw(st.permutations(range(len(shape_a))))[:k]
    shape_b = list(data.draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3)))
    positions = []
    for ax in axes_a:  # put each contracted dimension somewhere in b
        p = data.draw(st.integers(0, len(shape_b)))
        shape_b.insert(p, shape_a[ax])
        positions = [q + (q >= p) for q in positions] + [p]
    axes_b = positions
    neg = data.draw(st.booleans())
    if neg:
        axes_a = [ax - len(shape_a) for ax in axes_a]
        axes_b = [ax - len(shape_b) for ax in axes_b]
    a = data.draw(hnp.arrays(np.float64, tuple(shape_a), elements=values("float64")))
    b = data.draw(hnp.arrays(np.float64, tuple(shape_b), elements=values("float64")))
    want = np.tensordot(a, b, axes=(axes_a, axes_b))
    got = xp.tensordot(xp.asarray(a), xp.asarray(b), axes=(tuple(axes_a), list(axes_b)))
    check(got, want, int(np.prod([shape_a[ax] for ax in axes_a])))


def test_tensordot_errors():
    a, b = xp.ones((2, 3)), xp.ones((3, 4))
    with pytest.raises(ValueError):
        xp.tensordot(a, b, axes=-1)
    with pytest.raises(ValueError):
        xp.tensordot(a, b, axes=3)
    with pytest.raises(ValueError):
        xp.tensordot(a, b, axes=2)  # (2, 3) vs (3, 4)
    with pytest.raises(ValueError):
        xp.tensordot(a, b, axes=((1,), (0, 1)))
    with pytest.raises(IndexError):
        xp.tensordot(a, b, axes=((2,), (0,)))
    with pytest.raises(TypeError):
        xp.tensordot(a, b, 1)  # axes is keyword-only


@given(pair("(n),(n)->()"), st.data())
def test_vecdot(ab, data):
    a, b = ab
    nd = min(a.ndim, b.ndim)
    axis = data.draw(st.integers(-nd, -1))
    # Move the drawn contracted axis (last, from the signature) to `axis`.
    a, b = np.moveaxis(a, -1, axis), np.moveaxis(b, -1, axis)
    with np.errstate(all="ignore"):
        want = np.asarray(np.vecdot(a, b, axis=axis))
    got = xp.vecdot(xp.asarray(a), xp.asarray(b), axis=axis)
    check(got, want, a.shape[axis])
    if axis == -1:
        check(xp.vecdot(xp.asarray(a), xp.asarray(b)), want, a.shape[axis])


def test_vecdot_keeps_the_promoted_integer_dtype():
    a = xp.asarray([100, 100, 100], dtype=xp.int8)
    assert_same(xp.vecdot(a, a), np.vecdot(np.full(3, 100, np.int8), np.full(3, 100, np.int8)))


def test_vecdot_errors():
    with pytest.raises(ValueError):
        xp.vecdot(xp.ones((3,)), xp.ones((4,)))
    with pytest.raises(IndexError):
        xp.vecdot(xp.ones((3,)), xp.ones((3,)), axis=-2)
    with pytest.raises(ValueError):
        xp.vecdot(xp.ones(()), xp.ones(()))


def test_linalg_stays_lazy():
    x = xp.asarray(np.arange(6.0).reshape(2, 3)) + 1
    for r in (xp.matmul(x, x.mT), xp.tensordot(x, x, axes=((1,), (1,))), xp.vecdot(x, x)):
        assert not r.is_evaluated
