"""The namespace itself: version, inspection API, dtype objects, constants,
signatures as the standard writes them."""
import inspect
import math

import pytest

import lazyxp as xp
from conftest import REAL_NAMES


def test_api_version_and_namespace_of_arrays():
    assert xp.__array_api_version__ == "2024.12"
    a = xp.asarray([1.0])
    assert a.__array_namespace__() is xp
    assert a.__array_namespace__(api_version="2024.12") is xp
    with pytest.raises(ValueError):
        a.__array_namespace__(api_version="1999.01")


def test_constants():
    assert xp.e == math.e and xp.pi == math.pi
    assert xp.inf == math.inf and math.isnan(xp.nan)
    assert xp.newaxis is None


def test_dtype_objects_compare_hash_and_print():
    for name in REAL_NAMES + ["complex64", "complex128"]:
        d = getattr(xp, name)
        assert d == getattr(xp, name)
        assert hash(d) == hash(getattr(xp, name))
        assert repr(d) == f"lazyxp.{name}"
        assert d.name == name
    assert xp.float32 != xp.float64
    assert xp.int8 != xp.uint8
    assert {xp.float32: 1}[xp.float32] == 1
    assert xp.float32 != "float32" or True  # no exception comparing with other types


def test_info_namespace():
    info = xp.__array_namespace_info__()
    caps = info.capabilities()
    assert set(caps) >= {"boolean indexing", "data-dependent shapes"}
    assert info.default_device() == xp.asarray(1).device
    assert info.devices()[0] == info.default_device()
    dd = info.default_dtypes()
    assert dd["real floating"] == xp.float64
    assert dd["integral"] == xp.int64
    assert dd["indexing"] == xp.int64
    assert dd["complex floating"] == xp.complex128
    all_dtypes = info.dtypes()
    assert all_dtypes["float32"] == xp.float32
    assert set(info.dtypes(kind="integral")) == {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}
    assert set(info.dtypes(kind="real floating")) == {"float32", "float64"}
    assert set(info.dtypes(kind=("bool", "real floating"))) == {"bool", "float32", "float64"}


def _params(f):
    sig = inspect.signature(f)
    return {p.name: p.kind for p in sig.parameters.values()}


P, K, PK, VAR = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.KEYWORD_ONLY,
                 inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)


@pytest.mark.parametrize("name,expected", [
    ("asarray", {"obj": P, "dtype": K, "device": K, "copy": K}),
    ("arange", {"start": P, "stop": PK, "step": PK, "dtype": K, "device": K}),
    ("zeros", {"shape": PK, "dtype": K, "device": K}),
    ("full", {"shape": PK, "fill_value": PK, "dtype": K, "device": K}),
    ("full_like", {"x": P, "fill_value": PK, "dtype": K, "device": K}),
    ("linspace", {"start": P, "stop": P, "num": PK, "dtype": K, "device": K, "endpoint": K}),
    ("eye", {"n_rows": P, "n_cols": P, "k": K, "dtype": K, "device": K}),
    ("tril", {"x": P, "k": K}),
    ("astype", {"x": P, "dtype": P, "copy": K, "device": K}),
    ("broadcast_to", {"x": P, "shape": PK}),
    ("where", {"condition": P, "x1": P, "x2": P}),
    ("add", {"x1": P, "x2": P}),
    ("sin", {"x": P}),
    ("can_cast", {"from_": P, "to": P}),
    ("result_type", {"arrays_and_dtypes": VAR}),
    ("sum", {"x": P, "axis": K, "dtype": K, "keepdims": K}),
    ("prod", {"x": P, "axis": K, "dtype": K, "keepdims": K}),
    ("min", {"x": P, "axis": K, "keepdims": K}),
    ("max", {"x": P, "axis": K, "keepdims": K}),
    ("mean", {"x": P, "axis": K, "keepdims": K}),
    ("var", {"x": P, "axis": K, "correction": K, "keepdims": K}),
    ("std", {"x": P, "axis": K, "correction": K, "keepdims": K}),
    ("all", {"x": P, "axis": K, "keepdims": K}),
    ("any", {"x": P, "axis": K, "keepdims": K}),
    ("count_nonzero", {"x": P, "axis": K, "keepdims": K}),
    ("permute_dims", {"x": P, "axes": PK}),
    ("matrix_transpose", {"x": P}),
    ("moveaxis", {"x": P, "source": P, "destination": P}),
    # 2024.12 made expand_dims' axis positional-or-keyword (2023.12: keyword-only).
    ("expand_dims", {"x": P, "axis": PK}),
    ("squeeze", {"x": P, "axis": PK}),
    ("flip", {"x": P, "axis": K}),
    ("reshape", {"x": P, "shape": PK, "copy": K}),
    ("matmul", {"x1": P, "x2": P}),
    ("concat", {"arrays": P, "axis": K}),
    ("stack", {"arrays": P, "axis": K}),
    ("unstack", {"x": P, "axis": K}),
    ("roll", {"x": P, "shift": PK, "axis": K}),
    ("diff", {"x": P, "axis": K, "n": K, "prepend": K, "append": K}),
    ("tile", {"x": P, "repetitions": P}),
    ("repeat", {"x": P, "repeats": P, "axis": K}),
    ("meshgrid", {"arrays": VAR, "indexing": K}),
    ("take", {"x": P, "indices": P, "axis": K}),
    ("take_along_axis", {"x": P, "indices": P, "axis": K}),
    ("nonzero", {"x": P}),
    ("searchsorted", {"x1": P, "x2": P, "side": K, "sorter": K}),
    ("sort", {"x": P, "axis": K, "descending": K, "stable": K}),
    ("argsort", {"x": P, "axis": K, "descending": K, "stable": K}),
    ("unique_values", {"x": P}),
    ("unique_counts", {"x": P}),
    ("unique_inverse", {"x": P}),
    ("unique_all", {"x": P}),
    ("clip", {"x": P, "min": PK, "max": PK}),
    ("tensordot", {"x1": P, "x2": P, "axes": K}),
    ("vecdot", {"x1": P, "x2": P, "axis": K}),
])
def test_signatures_follow_the_standard(name, expected):
    assert _params(getattr(xp, name)) == expected


def test_every_exported_elementwise_function_is_callable():
    x = xp.asarray([0.5, 1.0, 2.0], dtype=xp.float64)
    b = xp.asarray([True, False, True])
    for name in xp._lazyxp._UNARY:
        arg = b if name in ("logical_not",) else (xp.asarray([1, 2, 3]) if name == "bitwise_invert" else x)
        out = getattr(xp, name)(arg)
        assert isinstance(out, xp.Array) and out.shape == (3,)
    for name in xp._lazyxp._BINARY:
        arg = b if name.startswith("logical") else (xp.asarray([1, 2, 3]) if name.startswith("bitwise") else x)
        out = getattr(xp, name)(arg, arg)
        assert isinstance(out, xp.Array) and out.shape == (3,)


def test_all_lists_existing_names():
    for n in xp.__all__:
        assert hasattr(xp, n), n


@pytest.mark.parametrize("name,defaults", [
    ("sum", {"axis": None, "dtype": None, "keepdims": False}),
    ("var", {"axis": None, "correction": 0.0, "keepdims": False}),
    ("std", {"axis": None, "correction": 0.0, "keepdims": False}),
    ("expand_dims", {"axis": 0}),
    ("flip", {"axis": None}),
    ("reshape", {"copy": None}),
    ("tensordot", {"axes": 2}),
    ("vecdot", {"axis": -1}),
    ("concat", {"axis": 0}),
    ("stack", {"axis": 0}),
    ("unstack", {"axis": 0}),
    ("roll", {"axis": None}),
    ("diff", {"axis": -1, "n": 1, "prepend": None, "append": None}),
    ("repeat", {"axis": None}),
    ("meshgrid", {"indexing": "xy"}),
    ("take", {"axis": None}),
    ("take_along_axis", {"axis": -1}),
    ("searchsorted", {"side": "left", "sorter": None}),
    ("sort", {"axis": -1, "descending": False, "stable": True}),
    ("argsort", {"axis": -1, "descending": False, "stable": True}),
    ("clip", {"min": None, "max": None}),
])
def test_defaults_follow_the_standard(name, defaults):
    sig = inspect.signature(getattr(xp, name))
    assert {k: sig.parameters[k].default for k in defaults} == defaults
