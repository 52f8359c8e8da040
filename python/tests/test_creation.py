"""Creation functions against NumPy: asarray from every kind of input,
filled arrays, ranges, eye, tril/triu; dtype defaults and errors."""
import array as pyarray

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lazyxp as xp
from conftest import REAL_NAMES, assert_same, np_arrays, shapes, to_np, xdt


@given(a=np_arrays(REAL_NAMES))
def test_asarray_from_numpy_round_trips(a):
    x = xp.asarray(a)
    assert x.dtype == xdt(a.dtype.name)
    assert x.shape == a.shape and x.ndim == a.ndim and x.size == a.size
    assert_same(x, a)


@given(a=np_arrays(REAL_NAMES, shape=shapes(min_dims=2, min_side=1)), data=st.data())
def test_asarray_from_strided_numpy_views(a, data):
    step = data.draw(st.sampled_from([1, 2, -1]))
    v = a[::step, ::-1]
    if data.draw(st.booleans()):
        v = v.T
    assert_same(xp.asarray(v), v)


@given(a=np_arrays(REAL_NAMES, shape=shapes(min_dims=2, max_dims=3, min_side=1)), data=st.data())
def test_asarray_copies_rows_of_strided_views_whole(a, data):
    # Outer dims stepped, reversed or cut, the last one untouched: each
    # row's elements are adjacent and copied as one run.
    outer = tuple(slice(None, None, data.draw(st.sampled_from([1, 2, -1, -2]))) for _ in range(a.ndim - 1))
    v = a[outer + (slice(data.draw(st.integers(0, a.shape[-1] - 1)), None),)]
    assert_same(xp.asarray(v), v)


@pytest.mark.parametrize("name", ["float32", "float64", "int16", "bool", "complex128"])
def test_asarray_copies_transposed_planes_in_tiles(name):
    # Planes wider and taller than a tile (32), not multiples of it, whose
    # rows step far in memory: copied tile by tile.
    a = (np.arange(3 * 70 * 45) % 251).astype(name).reshape(3, 70, 45)
    for v in (a.transpose(0, 2, 1), a.transpose(2, 1, 0)[::-1], a[:, ::3, ::-2].transpose(1, 2, 0), a.T[5:, ::2]):
        assert_same(xp.asarray(v), v)


def test_asarray_copies_unusual_layouts():
    a = (np.arange(2 * 3 * 40 * 50) % 113).astype(np.float32).reshape(2, 3, 40, 50)
    as_strided = np.lib.stride_tricks.as_strided
    views = [
        a[:, ::-1, ::2].transpose(1, 0, 3, 2),  # 4-d, planes over two outer dims
        a.ravel()[::100],  # 1-d, steps past a cache line
        np.broadcast_to(a[0, 0, 0], (5, 50)),  # stride 0
        as_strided(a, shape=(3, 1, 4), strides=(8, 12345, 4)),  # a size-1 dim's odd stride
        a[:, :, ::2, None, 7],  # columns of one element
    ]
    for v in views:
        assert_same(xp.asarray(v), v)


def test_asarray_normalizes_bools_and_keeps_complex():
    raw = np.array([0, 1, 2, 255, 0, 7], dtype=np.uint8)
    b = raw.view(np.bool_)[::-1]
    x = xp.asarray(b)
    assert x.dtype == xp.bool
    assert np.asarray(x).view(np.uint8).tolist() == [1, 0, 1, 1, 1, 0]
    c = (np.arange(12.0) + 1j * np.arange(12.0)[::-1]).reshape(3, 4)
    for v in (c, c[:, ::2], c.T, c.astype(np.complex64)[::-1]):
        assert_same(xp.asarray(v), v)
    for v in (np.float32(2.5), np.zeros((0, 3)), np.zeros((3, 0))[::-1]):
        assert_same(xp.asarray(v), v)


@given(a=np_arrays(REAL_NAMES, shape=shapes(max_dims=3, min_side=1)))
def test_asarray_from_nested_lists_infers_like_numpy(a):
    lst = a.tolist()
    want = np.asarray(lst)
    assert_same(xp.asarray(lst), want)


@pytest.mark.parametrize("value,dtype", [(True, xp.bool), (3, xp.int64), (2.5, xp.float64)])
def test_asarray_of_python_scalars_uses_default_dtypes(value, dtype):
    x = xp.asarray(value)
    assert x.shape == () and x.dtype == dtype
    assert x.__bool__() == bool(value)


def test_asarray_with_dtype_converts():
    assert_same(xp.asarray([1, 2, 3], dtype=xp.float32), np.array([1, 2, 3], dtype=np.float32))
    assert_same(xp.asarray([1.7, -1.7], dtype=xp.int32), np.array([1.7, -1.7]).astype(np.int32))
    assert_same(xp.asarray(np.arange(4, dtype=np.int16), dtype=xp.float64), np.arange(4, dtype=np.float64))
    assert_same(xp.asarray([[True, False]], dtype=xp.uint8), np.array([[1, 0]], dtype=np.uint8))
    with pytest.raises(OverflowError):
        xp.asarray([300], dtype=xp.int8)
    assert_same(xp.asarray([2**64 - 1], dtype=xp.uint64), np.array([2**64 - 1], dtype=np.uint64))


def test_asarray_from_other_buffers_and_arrays():
    assert_same(xp.asarray(pyarray.array("i", [1, 2, 3])), np.array([1, 2, 3], dtype=np.int32))
    assert_same(xp.asarray(memoryview(np.arange(6.0).reshape(2, 3))), np.arange(6.0).reshape(2, 3))
    assert_same(xp.asarray([xp.asarray([1, 2]), xp.asarray([3, 4])]), np.array([[1, 2], [3, 4]]))
    assert_same(xp.asarray([np.float32(1.5), 2]), np.array([1.5, 2.0]))
    strict = pytest.importorskip("array_api_strict")
    assert_same(xp.asarray(strict.asarray([1.0, 2.0])), np.array([1.0, 2.0]))


def test_asarray_copy_semantics():
    x = xp.asarray([1, 2, 3])
    assert xp.asarray(x) is x
    y = xp.asarray(x, copy=True)
    assert y is not x
    y += 1  # rebinding the copy leaves the original alone
    assert_same(x, np.array([1, 2, 3]))
    with pytest.raises(ValueError):
        xp.asarray([1, 2], copy=False)
    with pytest.raises(ValueError):
        xp.asarray(x, dtype=xp.float32, copy=False)


@pytest.mark.parametrize("bad,exc", [
    ([[1, 2], [3]], ValueError),
    ([[1], 2], ValueError),
    ("abc", TypeError),
    (b"abc", TypeError),
    ([object()], TypeError),
    (np.zeros(2, dtype=np.float16), TypeError),
    ([2**70], OverflowError),
])
def test_asarray_rejects_bad_input(bad, exc):
    with pytest.raises(exc):
        xp.asarray(bad)


def test_asarray_of_empty_nested_lists():
    assert xp.asarray([]).shape == (0,)
    assert xp.asarray([[], []]).shape == (2, 0)
    assert xp.asarray([]).dtype == xp.float64 or xp.asarray([]).dtype == xp.bool


@given(shape=shapes(), name=st.sampled_from(REAL_NAMES))
def test_zeros_ones_empty_full(shape, name):
    dt = xdt(name)
    assert_same(xp.zeros(shape, dtype=dt), np.zeros(shape, dtype=name))
    assert_same(xp.ones(shape, dtype=dt), np.ones(shape, dtype=name))
    assert_same(xp.empty(shape, dtype=dt), np.zeros(shape, dtype=name))
    assert_same(xp.full(shape, 1, dtype=dt), np.full(shape, 1, dtype=name))


def test_filled_arrays_default_dtypes_and_int_shapes():
    assert xp.zeros(3).dtype == xp.float64 and xp.zeros(3).shape == (3,)
    assert xp.full((2,), 7).dtype == xp.int64
    assert xp.full((2,), 7.5).dtype == xp.float64
    assert xp.full((2,), True).dtype == xp.bool
    assert_same(xp.full((2,), 2**62), np.full((2,), 2**62))  # exact, not through float64
    with pytest.raises(ValueError):
        xp.zeros((-1, 2))
    with pytest.raises(OverflowError):
        xp.full((2,), 300, dtype=xp.int8)


@given(a=np_arrays(REAL_NAMES), name=st.sampled_from(REAL_NAMES))
def test_like_functions(a, name):
    x = xp.asarray(a)
    assert_same(xp.zeros_like(x), np.zeros_like(a))
    assert_same(xp.ones_like(x), np.ones_like(a))
    assert_same(xp.empty_like(x, dtype=xdt(name)), np.zeros_like(a, dtype=name))
    assert_same(xp.full_like(x, 1), np.full_like(a, 1))
    assert xp.zeros_like(x, dtype=xdt(name)).dtype == xdt(name)


@given(start=st.integers(-50, 50), stop=st.integers(-50, 50), step=st.integers(-7, 7).filter(bool))
def test_arange_integers(start, stop, step):
    assert_same(xp.arange(start, stop, step), np.arange(start, stop, step))
    assert_same(xp.arange(stop), np.arange(stop))


@given(start=st.floats(-100, 100), stop=st.floats(-100, 100), step=st.floats(0.01, 10) | st.floats(-10, -0.01))
def test_arange_floats(start, stop, step):
    want = np.arange(start, stop, step)
    got = xp.arange(start, stop, step)
    assert got.shape == want.shape
    assert_same(got, want)


def test_arange_dtype_and_errors():
    assert_same(xp.arange(5, dtype=xp.float32), np.arange(5, dtype=np.float32))
    assert_same(xp.arange(2**62, 2**62 + 3), np.arange(2**62, 2**62 + 3))
    with pytest.raises(ValueError):
        xp.arange(0, 10, 0)


@given(start=st.floats(-1e6, 1e6), stop=st.floats(-1e6, 1e6), num=st.integers(0, 50),
       endpoint=st.booleans(), name=st.sampled_from(["float32", "float64"]))
def test_linspace_matches_numpy_bit_for_bit(start, stop, num, endpoint, name):
    want = np.linspace(start, stop, num, endpoint=endpoint, dtype=name)
    assert_same(xp.linspace(start, stop, num, endpoint=endpoint, dtype=xdt(name)), want)


def test_linspace_spans_past_the_float_range_stay_finite():
    # stop - start overflows to -inf; NumPy then gives NaN (0 * -inf) at
    # the start and infinities between. The values are all finite.
    start, stop = 4.1797324951095906e300, -1.7976930930649909e308
    one = to_np(xp.linspace(start, stop, 1))
    assert one.tolist() == [start]
    got = to_np(xp.linspace(start, stop, 5))
    assert got[0] == start and got[-1] == stop and np.all(np.isfinite(got)) and np.all(np.diff(got) < 0)


def test_linspace_errors():
    with pytest.raises(ValueError):
        xp.linspace(0, 1, -1)
    with pytest.raises(TypeError):
        xp.linspace(0, 1, 5, dtype=xp.int32)


@given(n=st.integers(0, 6), m=st.none() | st.integers(0, 6), k=st.integers(-7, 7), name=st.sampled_from(REAL_NAMES))
def test_eye(n, m, k, name):
    assert_same(xp.eye(n, m, k=k, dtype=xdt(name)), np.eye(n, m, k=k, dtype=name))


def test_eye_takes_any_python_int_offset():
    for k in (2**63, -2**63 - 1, 2**200, -2**200, True):
        assert_same(xp.eye(2, 3, k=k), np.eye(2, 3, k=int(k)))
    with pytest.raises(TypeError):
        xp.eye(2, k=1.0)


@given(a=np_arrays(REAL_NAMES, shape=shapes(min_dims=2, max_dims=4)), k=st.integers(-4, 4))
def test_tril_triu(a, k):
    assert_same(xp.tril(xp.asarray(a), k=k), np.tril(a, k=k))
    assert_same(xp.triu(xp.asarray(a), k=k), np.triu(a, k=k))


def test_tril_needs_two_dimensions():
    with pytest.raises(ValueError):
        xp.tril(xp.asarray([1, 2]))


def test_device_argument():
    dev = xp.__array_namespace_info__().default_device()
    assert xp.zeros(2, device=dev).device == dev
    assert xp.asarray([1], device="cpu").device == dev
    with pytest.raises(ValueError):
        xp.zeros(2, device="cuda:7")
