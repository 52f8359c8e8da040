"""Shared helpers and hypothesis settings for the lazyxp Python tests.

The tests compare lazyxp with NumPy (values, dtypes, shapes) on random
inputs and with array_api_strict where the standard's own tables matter.
Under CI (CI=true) hypothesis is derandomized so a run is reproducible.
"""
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lazyxp as xp

settings.register_profile(
    "lazyxp",
    max_examples=int(os.environ.get("LAZYXP_HYPOTHESIS_EXAMPLES", "30")),
    deadline=None,
    derandomize=os.environ.get("CI", "") == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile("lazyxp")

REAL_NAMES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"]
INT_NAMES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
FLOAT_NAMES = ["float32", "float64"]
NUMERIC_NAMES = INT_NAMES + FLOAT_NAMES


def xdt(name):
    """The lazyxp dtype object of a dtype name."""
    return getattr(xp, name)


def to_np(a):
    """A lazyxp array as a NumPy array (through the buffer protocol)."""
    assert isinstance(a, xp.Array), type(a)
    return np.asarray(a)


def shapes(min_dims=0, max_dims=3, min_side=0, max_side=5):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def np_arrays(dtype_names, shape=None, elements=None):
    """NumPy arrays of one of the named dtypes (any values, NaN and inf
    included for floats unless `elements` restricts them)."""
    return st.sampled_from(dtype_names).flatmap(
        lambda name: hnp.arrays(np.dtype(name), shape if shape is not None else shapes(), elements=elements)
    )


def assert_same(got, want, exact=True, rtol=0.0, atol=0.0):
    """Same dtype name, shape and values (NaN equal to NaN)."""
    g = to_np(got)
    want = np.asarray(want)
    assert g.dtype == want.dtype, f"dtype {g.dtype} != {want.dtype}"
    assert g.shape == want.shape, f"shape {g.shape} != {want.shape}"
    if exact:
        np.testing.assert_array_equal(g, want)
    else:
        np.testing.assert_allclose(g, want, rtol=rtol, atol=atol, equal_nan=True)


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
