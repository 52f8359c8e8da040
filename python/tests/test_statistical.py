"""Statistical and utility functions against NumPy, from the standard's text:
sum, prod, min, max, mean, var, std, all, any, count_nonzero, each with
`axis` (None, an int, a tuple; negative allowed) and `keepdims`, `dtype=`
for sum/prod and `correction=` for var/std.

Dtype rules (standard, "Statistical Functions"): sum and prod of a signed
integer (or bool) array give the default integer (int64), of an unsigned
one the default unsigned integer (uint64), of a float its own dtype; with
`dtype=` the input is cast to it first and the result has that dtype.
min/max keep the dtype; all/any give bool; count_nonzero the default
integer. mean/var/std are specified for floating inputs."""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lazyxp as xp
from conftest import FLOAT_NAMES, INT_NAMES, NUMERIC_NAMES, REAL_NAMES, assert_same, np_arrays, shapes, to_np, xdt


def axes_for(ndim):
    """An `axis` argument for an array of `ndim` dimensions: None, one int
    or a tuple of distinct axes, negative ones included."""
    options = [st.none(), hnp.valid_tuple_axes(ndim)]
    if ndim > 0:
        options.append(st.integers(-ndim, ndim - 1))
    return st.one_of(options)


def reduced_size(shape, axis):
    if axis is None:
        axis = tuple(range(len(shape)))
    elif isinstance(axis, int):
        axis = (axis,)
    return int(np.prod([shape[a] for a in axis], dtype=np.int64))


def finite(name, lo=-100.0, hi=100.0):
    return hnp.arrays(np.dtype(name), shapes(), elements=st.floats(lo, hi, width=32 if name == "float32" else 64))


@st.composite
def array_and_axis(draw, arrays):
    a = draw(arrays)
    return a, draw(axes_for(a.ndim)), draw(st.booleans())


def assert_close_sum(got, want, a, axis, keepdims):
    """Float sums: the order of additions differs from NumPy's, so allow the
    textbook bound n * eps * sum(|x|) per element."""
    g = to_np(got)
    assert g.dtype == want.dtype and g.shape == want.shape, (g.dtype, want.dtype, g.shape, want.shape)
    n = max(reduced_size(a.shape, axis), 1)
    bound = np.sum(np.abs(a.astype(np.float64)), axis=axis, keepdims=keepdims) * n * np.finfo(a.dtype).eps
    np.testing.assert_array_less(np.abs(g.astype(np.float64) - want.astype(np.float64)), bound + np.finfo(a.dtype).tiny)


# --- sum and prod --------------------------------------------------------------------------------

@given(array_and_axis(np_arrays(["bool"] + INT_NAMES)))
def test_sum_of_integers_wraps_in_the_default_integer(args):
    a, axis, keepdims = args
    got = xp.sum(xp.asarray(a), axis=axis, keepdims=keepdims)
    assert_same(got, np.sum(a, axis=axis, keepdims=keepdims))


@given(array_and_axis(st.sampled_from(FLOAT_NAMES).flatmap(finite)))
def test_sum_of_floats_keeps_the_dtype(args):
    a, axis, keepdims = args
    got = xp.sum(xp.asarray(a), axis=axis, keepdims=keepdims)
    assert_close_sum(got, np.sum(a, axis=axis, keepdims=keepdims), a, axis, keepdims)


@given(array_and_axis(np_arrays(["bool"] + INT_NAMES)))
def test_prod_of_integers_wraps_in_the_default_integer(args):
    a, axis, keepdims = args
    got = xp.prod(xp.asarray(a), axis=axis, keepdims=keepdims)
    assert_same(got, np.prod(a, axis=axis, keepdims=keepdims))


@given(array_and_axis(st.sampled_from(FLOAT_NAMES).flatmap(lambda n: finite(n, -2.0, 2.0))))
def test_prod_of_floats(args):
    a, axis, keepdims = args
    got = xp.prod(xp.asarray(a), axis=axis, keepdims=keepdims)
    want = np.prod(a, axis=axis, keepdims=keepdims)
    n = max(reduced_size(a.shape, axis), 1)
    assert_same(got, want, exact=False, rtol=4 * n * np.finfo(a.dtype).eps, atol=np.finfo(a.dtype).tiny * 2**30)


@pytest.mark.parametrize("f", [xp.sum, xp.prod])
@given(a=np_arrays(["bool"] + NUMERIC_NAMES, elements=None), to=st.sampled_from(REAL_NAMES[1:]), data=st.data())
def test_dtype_keyword_casts_first_and_gives_that_dtype(f, a, to, data):
    # Float inputs are limited to values every target can hold (float ->
    # int casts of out-of-range values are undefined in C and NumPy).
    if a.dtype.kind == "f":
        a = np.nan_to_num(a, nan=1.0, posinf=1.0, neginf=-1.0)
        a = np.clip(a, 0 if np.dtype(to).kind == "u" else -100, 100).round()
    axis = data.draw(axes_for(a.ndim))
    with np.errstate(all="ignore"):
        want = getattr(np, f.__name__)(a.astype(to), axis=axis, dtype=to)
    got = f(xp.asarray(a), axis=axis, dtype=xdt(to))
    if np.dtype(to).kind == "f":
        assert to_np(got).dtype == want.dtype and to_np(got).shape == want.shape
        np.testing.assert_allclose(to_np(got), want, rtol=1e-5, equal_nan=True)
    else:
        assert_same(got, want)


def test_sum_dtype_keyword_examples():
    a = xp.asarray([100, 100, 100], dtype=xp.int8)
    assert_same(xp.sum(a), np.int64(300))
    assert_same(xp.sum(a, dtype=xp.int8), np.int8(44))  # wraps as int8 arithmetic does
    assert_same(xp.sum(xp.asarray([1, 2], dtype=xp.uint8)), np.uint64(3))
    assert_same(xp.sum(xp.asarray([True, True, False])), np.int64(2))
    assert_same(xp.sum(xp.asarray([0.5, 0.25], dtype=xp.float32), dtype=xp.float64), np.float64(0.75))
    assert_same(xp.prod(xp.asarray([2, 3], dtype=xp.int16), dtype=xp.float32), np.float32(6))


def test_empty_sums_and_products_are_the_identity():
    e = np.zeros((0, 3), dtype=np.float32)
    assert_same(xp.sum(xp.asarray(e)), np.float32(0))
    assert_same(xp.prod(xp.asarray(e), axis=0), np.ones(3, np.float32))
    assert_same(xp.sum(xp.asarray(e), axis=1), np.zeros(0, np.float32))


def test_long_reductions_are_exact_where_they_can_be():
    n = 300_001  # past the chunked full-reduction threshold, with a tail
    ones = xp.ones((n,), dtype=xp.float32)
    assert float(xp.sum(ones)) == n
    assert int(xp.sum(xp.ones((n,), dtype=xp.int8))) == n
    v = np.zeros(n, np.float64)
    v[n - 1] = np.nan
    assert np.isnan(float(xp.max(xp.asarray(v))))
    v[n - 1] = 7.0
    assert float(xp.max(xp.asarray(v))) == 7.0 and float(xp.min(xp.asarray(-v))) == -7.0


# --- min and max ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["min", "max"])
@given(args=array_and_axis(np_arrays(REAL_NAMES)))
def test_min_max_keep_the_dtype_and_propagate_nan(name, args):
    a, axis, keepdims = args
    assume(reduced_size(a.shape, axis) > 0 or (axis == () and a.size == 0))
    got = getattr(xp, name)(xp.asarray(a), axis=axis, keepdims=keepdims)
    assert_same(got, getattr(np, name)(a, axis=axis, keepdims=keepdims))


@pytest.mark.parametrize("name", ["min", "max"])
def test_min_max_of_nothing_is_an_error(name):
    f = getattr(xp, name)
    with pytest.raises(ValueError):
        f(xp.zeros((0,)))
    with pytest.raises(ValueError):
        f(xp.zeros((2, 0)), axis=1)
    assert f(xp.zeros((0, 2)), axis=1).shape == (0,)  # nothing reduced over an empty axis


# --- mean, var, std ------------------------------------------------------------------------------

def close(got, want, a):
    tol = {"float32": 2e-5, "float64": 1e-12}[a.dtype.name]
    assert_same(got, want, exact=False, rtol=tol, atol=tol)


@given(args=array_and_axis(st.sampled_from(FLOAT_NAMES).flatmap(finite)))
def test_mean(args):
    a, axis, keepdims = args
    with np.errstate(all="ignore"), _nowarn():
        want = np.mean(a, axis=axis, keepdims=keepdims)
    close(xp.mean(xp.asarray(a), axis=axis, keepdims=keepdims), want, a)


@pytest.mark.parametrize("name", ["var", "std"])
@given(args=array_and_axis(st.sampled_from(FLOAT_NAMES).flatmap(finite)), correction=st.sampled_from([0, 1, 0.5, 1.0]))
def test_var_std_with_correction(name, args, correction):
    a, axis, keepdims = args
    with np.errstate(all="ignore"), _nowarn():
        want = getattr(np, name)(a, axis=axis, keepdims=keepdims, ddof=correction)
    got = getattr(xp, name)(xp.asarray(a), axis=axis, keepdims=keepdims, correction=correction)
    close(got, want, a)


class _nowarn:
    """NumPy warns for n - ddof <= 0; the values (inf/NaN) are what we compare."""

    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc):
        return self._w.__exit__(*exc)


def test_var_is_two_pass_accurate():
    # E[x^2] - E[x]^2 would lose everything here.
    a = (1e8 + np.arange(10.0)).astype(np.float64)
    assert_same(xp.var(xp.asarray(a)), np.var(a))
    assert_same(xp.std(xp.asarray(a), correction=1), np.std(a, ddof=1), exact=False, rtol=1e-15)


def test_mean_of_nothing_is_nan():
    assert np.isnan(float(xp.mean(xp.zeros((0,)))))


def test_correction_must_be_a_number():
    with pytest.raises(TypeError):
        xp.var(xp.ones((3,)), correction="1")


# --- all, any, count_nonzero ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ["all", "any"])
@given(args=array_and_axis(np_arrays(REAL_NAMES)))
def test_all_any_give_bool(name, args):
    a, axis, keepdims = args
    got = getattr(xp, name)(xp.asarray(a), axis=axis, keepdims=keepdims)
    assert_same(got, getattr(np, name)(a, axis=axis, keepdims=keepdims))


@given(args=array_and_axis(np_arrays(REAL_NAMES)))
def test_count_nonzero_gives_the_default_integer(args):
    a, axis, keepdims = args
    got = xp.count_nonzero(xp.asarray(a), axis=axis, keepdims=keepdims)
    want = np.asarray(np.count_nonzero(a, axis=axis, keepdims=keepdims)).astype(np.int64)
    assert_same(got, want)


# --- axis arguments ------------------------------------------------------------------------------

REDUCTIONS = ["sum", "prod", "min", "max", "mean", "var", "std", "all", "any", "count_nonzero"]


@pytest.mark.parametrize("name", REDUCTIONS)
def test_axis_errors_follow_numpy(name):
    f = getattr(xp, name)
    x = xp.ones((2, 3))
    for bad in (2, -3, (0, 2)):
        with pytest.raises(IndexError):  # AxisError: an IndexError and a ValueError, like NumPy's
            f(x, axis=bad)
        with pytest.raises(ValueError):
            f(x, axis=bad)
    with pytest.raises(xp.AxisError):
        f(x, axis=5)
    with pytest.raises(ValueError):
        f(x, axis=(0, -2))  # the same axis twice
    with pytest.raises(TypeError):
        f(x, axis=1.0)
    with pytest.raises(TypeError):
        f(x, 0)  # axis is keyword-only


def test_axis_error_is_numpys_kind():
    assert issubclass(xp.AxisError, ValueError) and issubclass(xp.AxisError, IndexError)
    with pytest.raises(np.exceptions.AxisError):
        np.sum(np.ones((2, 3)), axis=2)  # the behaviour mirrored


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_are_lazy_and_accept_numpy_integer_axes(name):
    x = xp.asarray(np.arange(6.0).reshape(2, 3)) + 1
    r = getattr(xp, name)(x, axis=np.int64(-1), keepdims=True)
    assert not r.is_evaluated and r.shape == (2, 1)
