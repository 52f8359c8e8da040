"""complex64 and complex128 from Python: every function the standard
defines on complex numbers, against a multi-precision reference (mpmath)
for accuracy, against NumPy for values and dtypes, and the standard's
rules for what is not defined on complex numbers."""
import itertools
import math
import warnings

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lazyxp as xp
from conftest import assert_same, shapes

COMPLEX_NAMES = ["complex64", "complex128"]

MP_FUNCS = {
    "sqrt": mpmath.sqrt, "exp": mpmath.exp, "expm1": mpmath.expm1, "log": mpmath.log, "log1p": mpmath.log1p,
    "log2": lambda z: mpmath.log(z) / mpmath.log(2), "log10": lambda z: mpmath.log(z) / mpmath.log(10),
    "sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan, "sinh": mpmath.sinh, "cosh": mpmath.cosh,
    "tanh": mpmath.tanh, "asin": mpmath.asin, "acos": mpmath.acos, "atan": mpmath.atan, "asinh": mpmath.asinh,
    "acosh": mpmath.acosh, "atanh": mpmath.atanh,
}

# Normwise error bound in ULPs of the result's larger part (the usual
# measure for complex functions: a part much smaller than the other
# carries the other's absolute error). complex64 computes in float64 and
# rounds once (measured <= 0.5); complex128 chains several correctly
# rounded-to-1-ULP steps (measured <= 2.9 for tan and tanh, whose Kahan
# formula rounds four times; table in docs/math-accuracy.md).
BOUND = {"complex64": 1.0, "complex128": 4.0}


def sample(rng, n):
    """Random points at several scales plus the hard places: near the unit
    circle (log), near ±1 and ±i (the branch points of the inverses)."""
    parts = [(rng.standard_normal(n) + 1j * rng.standard_normal(n)) * s for s in (1e-6, 0.1, 1, 3, 30, 300)]
    th = rng.uniform(-np.pi, np.pi, n)
    parts.append(np.exp(1j * th) * (1 + rng.standard_normal(n) * 1e-9))
    for centre in (1, -1, 1j, -1j):
        parts.append(centre + (rng.standard_normal(n) + 1j * rng.standard_normal(n)) * 1e-7)
    return np.concatenate(parts)


def normwise_ulps(got, z, f, real_dtype):
    worst = 0.0
    with mpmath.workprec(160):
        for zi, gi in zip(z, got):
            r = f(mpmath.mpc(float(zi.real), float(zi.imag)))
            mag = max(abs(float(r.real)), abs(float(r.imag)))
            if not math.isfinite(mag) or mag > float(np.finfo(real_dtype).max) or mag == 0:
                continue
            ulp = float(np.spacing(real_dtype(mag)))
            err = max(abs(mpmath.mpf(float(gi.real)) - r.real), abs(mpmath.mpf(float(gi.imag)) - r.imag))
            worst = max(worst, float(err) / ulp)
    return worst


@pytest.mark.parametrize("dtype", COMPLEX_NAMES)
@pytest.mark.parametrize("name", sorted(MP_FUNCS))
def test_accuracy_against_mpmath(name, dtype):
    rng = np.random.default_rng(sorted(MP_FUNCS).index(name))
    z = sample(rng, 25).astype(dtype)
    got = np.asarray(getattr(xp, name)(xp.asarray(z)))
    assert got.dtype == np.dtype(dtype)
    real = np.float32 if dtype == "complex64" else np.float64
    err = normwise_ulps(got, z, MP_FUNCS[name], real)
    assert err <= BOUND[dtype], f"{name} {dtype}: {err:.2f} ULP"


SPECIAL = [0.0, -0.0, 1.0, -1.0, 2.0, 0.5, np.inf, -np.inf, np.nan, 1e300, -1e300]
SPECIAL_Z = np.array([complex(a, b) for a, b in itertools.product(SPECIAL, SPECIAL)])


@pytest.mark.parametrize("name", sorted(MP_FUNCS) + ["abs", "square", "sign", "reciprocal", "round"])
def test_special_values_agree_with_numpy_where_numpy_is_finite(name):
    # Where NumPy's answer is finite, ours is within a few ULPs of it; the
    # infinities and NaNs follow the standard's rules, checked one by one
    # in frontend/tests/complex.rs (NumPy departs from them in places, e.g.
    # expm1(inf+0j) = inf+nanj where the standard says inf+0j).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = getattr(np, name)(SPECIAL_Z)
    got = np.asarray(getattr(xp, name)(xp.asarray(SPECIAL_Z)))
    assert got.dtype == want.dtype
    for zi, g, w in zip(SPECIAL_Z, got.ravel(), want.ravel()):
        w, g = complex(w), complex(g)
        if not (math.isfinite(w.real) and math.isfinite(w.imag)):
            continue
        mag = max(abs(w.real), abs(w.imag))
        tol = 8 * np.spacing(mag) if mag else 0.0
        assert abs(g.real - w.real) <= tol and abs(g.imag - w.imag) <= tol, f"{name}({zi}) = {g}, NumPy {w}"


def _part_class(v):
    return "nan" if math.isnan(v) else "+inf" if v == math.inf else "-inf" if v == -math.inf else "finite"


# NumPy's complex expm1 is exp(z) - 1 computed naively (expm1(inf + 0j)
# gives inf + NaN j, the standard says inf + 0j); lazyxp follows the
# standard's expm1 rules, checked one by one in frontend/tests/complex.rs.
@pytest.mark.parametrize("name", sorted(set(MP_FUNCS) - {"expm1"}))
def test_special_values_have_annex_g_classes(name):
    # NaN, +inf, -inf or finite, part by part, as NumPy (C99 Annex G)
    # gives them. The signs Annex G leaves unspecified are free: an
    # infinity's sign beside a NaN part, and the sign of an exact zero.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = getattr(np, name)(SPECIAL_Z)
    got = np.asarray(getattr(xp, name)(xp.asarray(SPECIAL_Z)))
    for zi, g, w in zip(SPECIAL_Z, got, want):
        for gp, wp, other in ((g.real, w.real, w.imag), (g.imag, w.imag, w.real)):
            gc, wc = _part_class(gp), _part_class(wp)
            if gc != wc and {gc, wc} == {"+inf", "-inf"} and math.isnan(other):
                continue
            assert gc == wc, f"{name}({zi}) = {g}, NumPy {w}"


complex_el = st.complex_numbers(max_magnitude=1e3, allow_nan=False, allow_infinity=False)


@given(st.sampled_from(COMPLEX_NAMES).flatmap(lambda d: st.tuples(
    hnp.arrays(np.dtype(d), shapes(max_dims=2), elements=complex_el),
    hnp.arrays(np.dtype(d), shapes(max_dims=2), elements=complex_el))))
def test_arithmetic_broadcasts_like_numpy(pair):
    a, b = pair
    try:
        want_shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        with pytest.raises(ValueError):
            xp.add(xp.asarray(a), xp.asarray(b))
        return
    x, y = xp.asarray(a), xp.asarray(b)
    assert_same(x + y, a + b)
    assert_same(x - y, a - b)
    # NumPy's SIMD loops contract the product's a*c - b*d with an FMA
    # where the CPU has one (its scalar path does not); lazyxp never
    # contracts behind the formula's back. So compare normwise: the error
    # of each part relative to |x|*|y| (or |x|/|y|), a few eps.
    eps = np.finfo(a.real.dtype).eps
    with np.errstate(all="ignore"):
        for got, want, size in ((x * y, a * b, np.abs(a) * np.abs(b)), (x / y, a / b, np.abs(a) / np.abs(b))):
            got = np.asarray(got)
            assert got.shape == want_shape and got.dtype == want.dtype
            finite = np.isfinite(want)
            err = np.abs(got - want)[finite] / np.maximum(size, np.finfo(want.real.dtype).tiny)[finite]
            assert np.all(err <= 4 * eps), (got, want)
            assert np.array_equal(np.isfinite(got), finite)
    assert_same(x == y, a == b)
    assert_same(x != y, a != b)


def test_python_scalars_and_operators():
    a = np.array([1 + 2j, -3.5 + 0.25j, 0j], dtype=np.complex64)
    x = xp.asarray(a)
    assert_same(x + 1j, a + np.complex64(1j))
    assert_same(2 * x, a * np.complex64(2))
    assert_same(x * (0.5 - 1j), a * np.complex64(0.5 - 1j))
    assert_same(-x, -a)
    assert_same(xp.conj(x), np.conj(a))
    assert_same(xp.real(x), a.real)
    assert_same(xp.imag(x), a.imag)
    assert_same(abs(x), np.abs(a))
    # A complex scalar with a float32 array gives complex64 (the standard).
    f = xp.asarray([1.0, 2.0], dtype=xp.float32)
    assert (f * 1j).dtype == xp.complex64
    assert (xp.asarray([1, 2]) + 1j).dtype == xp.complex128
    assert xp.result_type(xp.float32, 1j) == xp.complex64
    y = xp.asarray(a)
    y += 1j
    assert_same(y, a + np.complex64(1j))
    assert complex(xp.sum(x)) == complex(np.sum(a))
    assert_same(x ** 2, a ** 2, exact=False, rtol=1e-6)


def test_creation_and_interchange():
    assert_same(xp.zeros((2, 3), dtype=xp.complex64), np.zeros((2, 3), np.complex64))
    assert_same(xp.ones(3, dtype=xp.complex128), np.ones(3, np.complex128))
    assert_same(xp.full((2,), 1 - 2j), np.full((2,), 1 - 2j))
    assert_same(xp.eye(3, dtype=xp.complex64), np.eye(3, dtype=np.complex64))
    assert_same(xp.linspace(0, 1 + 2j, 5), np.linspace(0, 1 + 2j, 5))
    assert_same(xp.linspace(0, 1, 3, dtype=xp.complex64), np.linspace(0, 1, 3, dtype=np.complex64))
    a = np.array([[1 + 2j, 3 - 4j], [5j, -6]], dtype=np.complex128)
    x = xp.asarray(a)
    assert memoryview(x).format == "Zd"
    assert_same(xp.from_dlpack(a), a)
    assert_same(x, np.from_dlpack(x))
    assert_same(xp.asarray(a.tolist()), a)
    assert complex(x[0, 1]) == 3 - 4j
    assert_same(x.T, a.T)
    assert_same(x[::-1, 1], a[::-1, 1])
    assert "1.0+2.0j" in repr(x).replace(" ", "")


def test_reductions_and_manipulation():
    rng = np.random.default_rng(3)
    a = (rng.standard_normal((4, 5)) + 1j * rng.standard_normal((4, 5))).astype(np.complex128)
    x = xp.asarray(a)
    for axis in (None, 0, 1, (0, 1)):
        np.testing.assert_allclose(np.asarray(xp.sum(x, axis=axis)), np.sum(a, axis=axis), rtol=1e-14)
        np.testing.assert_allclose(np.asarray(xp.prod(x, axis=axis)), np.prod(a, axis=axis), rtol=1e-13)
        np.testing.assert_allclose(np.asarray(xp.mean(x, axis=axis)), np.mean(a, axis=axis), rtol=1e-14)
    np.testing.assert_allclose(np.asarray(xp.cumulative_sum(x, axis=1)), np.cumsum(a, axis=1), rtol=1e-14)
    np.testing.assert_allclose(np.asarray(xp.cumulative_prod(x, axis=0)), np.cumprod(a, axis=0), rtol=1e-13)
    assert_same(xp.concat([x, x], axis=0), np.concatenate([a, a], axis=0))
    assert_same(xp.reshape(x, (5, 4)), a.reshape(5, 4))
    assert_same(xp.take(x, xp.asarray([2, 0]), axis=1), np.take(a, [2, 0], axis=1))
    assert_same(xp.where(xp.asarray(a.real > 0), x, 0j), np.where(a.real > 0, a, 0j))
    assert_same(xp.any(x), np.any(a))
    assert_same(xp.all(x != 0), np.all(a != 0))
    assert_same(xp.isnan(x), np.isnan(a))
    y = xp.asarray(a)
    y[1, 2] = 7j
    b = a.copy()
    b[1, 2] = 7j
    assert_same(y, b)
    np.testing.assert_allclose(np.asarray(xp.matmul(x, x.T)), a @ a.T, rtol=1e-13)
    np.testing.assert_allclose(np.asarray(xp.vecdot(x, x)), np.vecdot(a, a), rtol=1e-13)


def test_what_the_standard_leaves_undefined_raises():
    x = xp.asarray([1 + 1j], dtype=xp.complex64)
    for f in (lambda: x < x, lambda: xp.maximum(x, x), lambda: xp.floor(x), lambda: xp.max(x),
              lambda: xp.astype(x, xp.float32), lambda: xp.atan2(x, x), lambda: xp.std(x),
              lambda: x // x, lambda: x % x, lambda: xp.clip(x, 0, 1), lambda: xp.signbit(x)):
        with pytest.raises(TypeError):
            f()
    with pytest.raises(TypeError):
        float(xp.asarray(1j))


def test_sorting_and_sets_use_numpys_complex_order():
    vals = [1 + 2j, 1 + 1j, complex(np.nan, 0), 0 - 5j, complex(1, np.nan), 1 + 1j, -2 + 0j]
    a = np.array(vals, dtype=np.complex128)
    x = xp.asarray(a)
    assert_same(xp.sort(x), np.sort(a))
    assert_same(xp.argsort(x), np.argsort(a, stable=True))
    assert_same(xp.searchsorted(xp.sort(x), xp.asarray([1 + 1.5j])), np.searchsorted(np.sort(a), [1 + 1.5j]))
    finite = np.array([3 + 1j, 1 - 1j, 3 + 1j, 1 - 1j, 2j], dtype=np.complex64)
    u = xp.unique_counts(xp.asarray(finite))
    want_values, want_counts = np.unique(finite, return_counts=True)
    assert_same(u.values, want_values)
    assert_same(u.counts, want_counts)


def test_namespace_info_advertises_complex_and_data_dependent_shapes():
    info = xp.__array_namespace_info__()
    assert set(info.dtypes(kind="complex floating")) == {"complex64", "complex128"}
    assert len(info.dtypes()) == 13
    caps = info.capabilities()
    assert caps["boolean indexing"] and caps["data-dependent shapes"]
    x = xp.asarray([1 + 1j, 0j, 2j])
    assert_same(x[x != 0], np.array([1 + 1j, 2j]))
    assert_same(xp.nonzero(x)[0], np.array([0, 2]))


def test_complex_values_never_silently_lose_their_imaginary_part():
    f = xp.asarray([1.0, 2.0])
    for make in (lambda: xp.full_like(f, 1j), lambda: xp.full(2, 1 + 1j, dtype=xp.float64),
                 lambda: xp.asarray([1j, 2], dtype=xp.float32), lambda: f.__setitem__(0, 1j)):
        with pytest.raises(TypeError):
            make()
    assert_same(f, np.array([1.0, 2.0]))
    assert_same(xp.full_like(f, 1j, dtype=xp.complex64), np.full(2, 1j, dtype=np.complex64))
