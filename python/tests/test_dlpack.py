"""DLPack both ways: NumPy (and array_api_strict) read lazyxp arrays through
__dlpack__ (read-only, zero copy when versioned), and from_dlpack reads
anything that exports DLPack on the host."""
import numpy as np
import pytest
from hypothesis import given

import lazyxp as xp
from conftest import REAL_NAMES, assert_same, np_arrays


@given(a=np_arrays(REAL_NAMES))
def test_numpy_reads_lazyxp_through_dlpack(a):
    x = xp.asarray(a) if a.dtype == np.bool_ else xp.asarray(a) * 1
    n = np.from_dlpack(x)
    want = a if a.dtype == np.bool_ else a * a.dtype.type(1)
    assert n.dtype == want.dtype and n.shape == want.shape
    np.testing.assert_array_equal(n, want)


@given(a=np_arrays(REAL_NAMES))
def test_from_dlpack_reads_numpy_including_strided_views(a):
    assert_same(xp.from_dlpack(a), a)
    if a.ndim >= 1:
        v = a[::-1]
        assert_same(xp.from_dlpack(v), v)


def test_from_dlpack_reads_transposes_and_normalizes_bools():
    a = (np.arange(4 * 70 * 45) % 97).astype(np.float64).reshape(4, 70, 45)
    for v in (a.T, a.transpose(0, 2, 1)[:, ::-3], a[1]):
        assert_same(xp.from_dlpack(v), v)
    raw = np.array([0, 3, 1, 255], dtype=np.uint8).view(np.bool_)
    assert np.asarray(xp.from_dlpack(raw)).view(np.uint8).tolist() == [0, 1, 1, 1]


def test_dlpack_capsules_and_flags():
    x = xp.asarray([1.0, 2.0])
    assert x.__dlpack_device__() == (1, 0)
    n = np.from_dlpack(x)
    assert not n.flags.writeable  # shared data is read-only
    for kwargs in ({}, {"max_version": (1, 0)}, {"copy": True}, {"dl_device": (1, 0)}):
        cap = x.__dlpack__(**kwargs)  # unconsumed capsules free themselves
        del cap
    with pytest.raises(BufferError):
        x.__dlpack__(dl_device=(2, 0))
    with pytest.raises(BufferError):
        x.__dlpack__(stream=1)
    with pytest.raises(BufferError):
        xp.from_dlpack(np.arange(3), copy=False)
    assert xp.from_dlpack(x) is not x


def test_asarray_accepts_dlpack_producers():
    strict = pytest.importorskip("array_api_strict")
    assert_same(xp.asarray(strict.asarray([[1, 2], [3, 4]], dtype=strict.int32)), np.array([[1, 2], [3, 4]], dtype=np.int32))
