"""The linalg extension against NumPy (np.linalg, 2.x): values that are
unique (inverses, solutions, determinants, singular values, eigenvalues,
Cholesky factors, norms, ranks, pseudo-inverses) directly; factors that
are unique only up to signs or phases (Q, U, Vh, eigenvectors) by the
identities that define them. Matrices are diagonally dominant, so their
condition numbers stay small and a tolerance of a few hundred epsilons
holds; batches, rectangular and empty matrices, all four float dtypes."""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lazyxp as xp
from conftest import to_np

DTYPES = ["float32", "float64", "complex64", "complex128"]
EXTENSION = [
    "cholesky", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv", "matmul", "matrix_norm",
    "matrix_power", "matrix_rank", "matrix_transpose", "outer", "pinv", "qr", "slogdet", "solve",
    "svd", "svdvals", "tensordot", "trace", "vecdot", "vector_norm",
]


def tol(dtype):
    return 200 * np.finfo(np.dtype(dtype)).eps


def close(got, want, dtype, scale=1.0):
    g = to_np(got)
    assert g.shape == np.shape(want), (g.shape, np.shape(want))
    np.testing.assert_allclose(g, want, rtol=tol(dtype) * scale, atol=tol(dtype) * scale)


@st.composite
def matrices(draw, square=True, dtypes=DTYPES, max_side=6, dominant=True):
    dtype = draw(st.sampled_from(dtypes))
    batch = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3))
    m = draw(st.integers(1, max_side))
    n = m if square else draw(st.integers(1, max_side))
    real = np.dtype(dtype).kind == "f"
    part = hnp.arrays(np.float64, batch + (m, n), elements=st.floats(-1, 1))
    a = draw(part) if real else draw(part) + 1j * draw(part)
    if dominant and square:
        a = a + (n + 1) * np.eye(n)
    return a.astype(dtype)


def hermitian(a, positive):
    h = a @ np.conj(np.swapaxes(a, -1, -2)) if positive else a + np.conj(np.swapaxes(a, -1, -2))
    n = a.shape[-1]
    return (h + n * np.eye(n) if positive else h).astype(a.dtype)


def adjoint(a):
    return np.conj(np.swapaxes(a, -1, -2))


def test_the_extension_has_every_name():
    assert sorted(xp.linalg.__all__) == EXTENSION
    for name in EXTENSION:
        assert callable(getattr(xp.linalg, name)), name
    assert xp.linalg.matmul is xp.matmul


@given(matrices())
def test_inv_and_det_match_numpy(a):
    x = xp.asarray(a)
    close(xp.linalg.inv(x), np.linalg.inv(a), a.dtype)
    close(xp.linalg.det(x), np.linalg.det(a), a.dtype, scale=a.shape[-1])
    sign, logabs = xp.linalg.slogdet(x)
    want = np.linalg.slogdet(a)
    assert to_np(logabs).dtype == want.logabsdet.dtype and to_np(sign).dtype == want.sign.dtype
    close(sign, want.sign, a.dtype)
    close(logabs, want.logabsdet, a.dtype)


@given(matrices(), st.data())
def test_solve_matches_numpy(a, data):
    n = a.shape[-1]
    vector = data.draw(st.booleans())
    shape = (n,) if vector else a.shape[:-2] + (n, data.draw(st.integers(1, 3)))
    b = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-1, 1))).astype(a.dtype)
    got = xp.linalg.solve(xp.asarray(a), xp.asarray(b))
    want = np.linalg.solve(a, b)
    close(got, want, a.dtype)


@given(matrices())
def test_cholesky_matches_numpy(a):
    h = hermitian(a, positive=True)
    x = xp.asarray(h)
    close(xp.linalg.cholesky(x), np.linalg.cholesky(h), h.dtype, scale=4)
    close(xp.linalg.cholesky(x, upper=True), np.linalg.cholesky(h, upper=True), h.dtype, scale=4)


@given(matrices(dominant=False))
def test_eigh_gives_numpys_eigenvalues_and_true_eigenvectors(a):
    h = hermitian(a, positive=False)
    w, v = xp.linalg.eigh(xp.asarray(h))
    want = np.linalg.eigvalsh(h)
    assert to_np(w).dtype == want.dtype and to_np(v).dtype == h.dtype
    scale = 1 + np.abs(want).max()
    close(w, want, h.dtype, scale=scale)
    close(xp.linalg.eigvalsh(xp.asarray(h)), want, h.dtype, scale=scale)
    vv = to_np(v)
    np.testing.assert_allclose(h @ vv, vv * to_np(w)[..., None, :], atol=tol(h.dtype) * scale * 4)


@given(matrices(square=False, dominant=False), st.booleans())
def test_svd_gives_numpys_singular_values_and_reconstructs(a, full):
    u, s, vh = xp.linalg.svd(xp.asarray(a), full_matrices=full)
    want = np.linalg.svd(a, full_matrices=full)
    assert (to_np(u).shape, to_np(s).shape, to_np(vh).shape) == (want.U.shape, want.S.shape, want.Vh.shape)
    assert to_np(s).dtype == want.S.dtype
    close(s, want.S, a.dtype, scale=4)
    close(xp.linalg.svdvals(xp.asarray(a)), want.S, a.dtype, scale=4)
    k = min(a.shape[-2:])
    uu, vv = to_np(u)[..., :, :k], to_np(vh)[..., :k, :]
    np.testing.assert_allclose(uu @ (to_np(s)[..., :, None] * vv), a, atol=tol(a.dtype) * 4)


@given(matrices(square=False, dominant=False), st.sampled_from(["reduced", "complete"]))
def test_qr_reconstructs_with_numpys_magnitudes(a, mode):
    q, r = xp.linalg.qr(xp.asarray(a), mode=mode)
    want = np.linalg.qr(a, mode=mode)
    qq, rr = to_np(q), to_np(r)
    assert (qq.shape, rr.shape, qq.dtype) == (want.Q.shape, want.R.shape, want.Q.dtype)
    np.testing.assert_allclose(qq @ rr, a, atol=tol(a.dtype) * 4)
    np.testing.assert_allclose(adjoint(qq) @ qq, np.broadcast_to(np.eye(qq.shape[-1]), qq.shape[:-2] + (qq.shape[-1],) * 2), atol=tol(a.dtype) * 4)
    assert np.all(np.tril(rr, -1) == 0)
    # R is unique up to a unit factor per row where the first min(M, N)
    # columns are independent.
    k = min(a.shape[-2:])
    if np.all(np.linalg.cond(a[..., :, :k].astype(np.complex128)) < 100):
        np.testing.assert_allclose(np.abs(rr), np.abs(want.R), atol=tol(a.dtype) * 400)


@given(matrices(square=False, dominant=False, dtypes=["float64", "complex128"]), st.integers(1, 3))
def test_pinv_and_rank_match_numpy_on_rank_deficient_matrices(a, rank):
    # A rank-`rank` product, so the cutoff decides something.
    m, n = a.shape[-2:]
    r = min(rank, m, n)
    low = a[..., :, :r] @ a[..., :r, :]
    s = np.linalg.svd(low, compute_uv=False)
    top = s.max(axis=-1, keepdims=True)
    # Singular values close to a cutoff are a coin toss between two
    # correct SVDs; only clear cases are compared.
    rtol = 1e-9
    assume(not np.any((s > 1e-12 * top) & (s < 1e-6 * top)))
    # Kept singular values whose reciprocals overflow give inf and NaN
    # whose placement depends on the order of the final products.
    assume(np.all((top == 0) | (top > 1e-150)))
    got_rank = to_np(xp.linalg.matrix_rank(xp.asarray(low), rtol=rtol))
    np.testing.assert_array_equal(got_rank, np.linalg.matrix_rank(low, rtol=rtol))
    assert got_rank.dtype == np.int64
    want = np.linalg.pinv(low, rtol=rtol)
    got = to_np(xp.linalg.pinv(xp.asarray(low), rtol=rtol))
    assert got.dtype == want.dtype
    finite = np.abs(want[np.isfinite(want)])
    np.testing.assert_allclose(got, want, atol=1e-6 * (1 + (finite.max() if finite.size else 0)))
    # The default cutoff, max(M, N) * eps, on clear cases too.
    assume(not np.any((s > 1e-13 * top) & (s < 1e-6 * top)))
    np.testing.assert_array_equal(to_np(xp.linalg.matrix_rank(xp.asarray(low))), np.linalg.matrix_rank(low, rtol=max(m, n) * np.finfo(np.float64).eps))
    # rtol as an array per matrix, broadcast against the batch.
    per = np.full(a.shape[:-2], 0.5)
    assume(not np.any(np.abs(s - 0.5 * top) < 1e-6 * top))
    np.testing.assert_array_equal(to_np(xp.linalg.matrix_rank(xp.asarray(low), rtol=xp.asarray(per))), np.linalg.matrix_rank(low, rtol=per))


@given(matrices(square=False, dominant=False), st.sampled_from(["fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]), st.booleans())
def test_matrix_norm_matches_numpy(a, ord, keepdims):
    got = xp.linalg.matrix_norm(xp.asarray(a), ord=ord, keepdims=keepdims)
    want = np.linalg.matrix_norm(a, ord=ord, keepdims=keepdims)
    assert to_np(got).dtype == want.dtype
    close(got, want, a.dtype, scale=8)


@given(hnp.arrays(st.sampled_from([np.float32, np.float64]), hnp.array_shapes(min_dims=1, max_dims=3, max_side=5), elements=st.floats(-100, 100, width=32)),
       st.sampled_from([1, 2, 3, 0.5, 0, np.inf, -np.inf]), st.booleans(), st.data())
def test_vector_norm_matches_numpy(a, ord, keepdims, data):
    axis = data.draw(st.one_of(st.none(), st.integers(-a.ndim, a.ndim - 1), st.just(tuple(range(a.ndim))[:2])))
    got = xp.linalg.vector_norm(xp.asarray(a), axis=axis, keepdims=keepdims, ord=ord)
    want = np.linalg.vector_norm(a, axis=axis, keepdims=keepdims, ord=ord)
    assert to_np(got).dtype == want.dtype
    np.testing.assert_allclose(to_np(got), want, rtol=tol(a.dtype), atol=tol(a.dtype))


def test_vector_norm_of_complex_is_real():
    a = np.array([3 + 4j, 0, 1j], dtype=np.complex64)
    got = xp.linalg.vector_norm(xp.asarray(a))
    assert to_np(got).dtype == np.float32
    np.testing.assert_allclose(to_np(got), np.linalg.vector_norm(a), rtol=1e-6)


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=4, max_side=5), elements=st.floats(-9, 9)), st.integers(-6, 6),
       st.sampled_from([None, "float32", "float64"]))
def test_diagonal_and_trace_match_numpy(a, offset, dtype):
    np.testing.assert_array_equal(to_np(xp.linalg.diagonal(xp.asarray(a), offset=offset)), np.linalg.diagonal(a, offset=offset))
    # On a transposed view too.
    t = np.swapaxes(a, -1, -2)
    np.testing.assert_array_equal(to_np(xp.linalg.diagonal(xp.matrix_transpose(xp.asarray(a)), offset=offset)), np.linalg.diagonal(t, offset=offset))
    kw = {} if dtype is None else {"dtype": getattr(xp, dtype)}
    got = to_np(xp.linalg.trace(xp.asarray(a), offset=offset, **kw))
    want = np.linalg.trace(a, offset=offset, **({} if dtype is None else {"dtype": dtype}))
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_trace_of_integers_is_the_default_integer():
    a = np.arange(9, dtype=np.int8).reshape(3, 3) * 40
    got = to_np(xp.linalg.trace(xp.asarray(a)))
    assert got.dtype == np.int64 and got == np.linalg.trace(a)


@given(hnp.mutually_broadcastable_shapes(num_shapes=2, base_shape=(3,), max_dims=3, max_side=3), st.data())
def test_cross_and_outer_match_numpy(shapes, data):
    s1, s2 = shapes.input_shapes
    s1, s2 = s1[:-1] + (3,), s2[:-1] + (3,)
    a = data.draw(hnp.arrays(np.float64, s1, elements=st.floats(-9, 9)))
    b = data.draw(hnp.arrays(np.float64, s2, elements=st.floats(-9, 9)))
    np.testing.assert_allclose(to_np(xp.linalg.cross(xp.asarray(a), xp.asarray(b))), np.linalg.cross(a, b), rtol=1e-13, atol=1e-12)
    u, v = a.reshape(-1), b.reshape(-1)
    np.testing.assert_array_equal(to_np(xp.linalg.outer(xp.asarray(u), xp.asarray(v))), np.linalg.outer(u, v))


@given(matrices(dtypes=["float64", "complex128"], max_side=4), st.integers(-3, 5))
def test_matrix_power_matches_numpy(a, n):
    a = a / (a.shape[-1] + 1)  # keep powers near 1
    close(xp.linalg.matrix_power(xp.asarray(a), n), np.linalg.matrix_power(a, n), a.dtype, scale=16)


def test_empty_matrices():
    e = np.zeros((2, 0, 0))
    np.testing.assert_array_equal(to_np(xp.linalg.det(xp.asarray(e))), np.linalg.det(e))
    assert to_np(xp.linalg.inv(xp.asarray(e))).shape == (2, 0, 0)
    r = np.zeros((3, 0))
    u, s, vh = xp.linalg.svd(xp.asarray(r))
    want = np.linalg.svd(r)
    assert (to_np(u).shape, to_np(s).shape, to_np(vh).shape) == (want.U.shape, want.S.shape, want.Vh.shape)
    np.testing.assert_array_equal(to_np(u), want.U)
    assert to_np(xp.linalg.matrix_rank(xp.asarray(r))).tolist() == 0
    assert to_np(xp.linalg.pinv(xp.asarray(r))).shape == (0, 3)


def test_failures_raise_the_standards_exceptions():
    singular = xp.asarray([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(ValueError, match="singular"):
        xp.linalg.inv(singular).eval()
    with pytest.raises(ValueError, match="singular"):
        xp.linalg.solve(singular, xp.asarray([1.0, 2.0])).eval()
    with pytest.raises(ValueError, match="positive definite"):
        xp.linalg.cholesky(xp.asarray([[1.0, 2.0], [2.0, 1.0]])).eval()
    with pytest.raises(TypeError):
        xp.linalg.inv(xp.asarray([[1, 2], [3, 4]]))
    with pytest.raises(ValueError, match="square"):
        xp.linalg.det(xp.ones((2, 3)))
    with pytest.raises(ValueError):
        xp.linalg.qr(xp.ones((2, 2)), mode="r")
    with pytest.raises(ValueError):
        xp.linalg.matrix_norm(xp.ones((2, 2)), ord=3)
    with pytest.raises(TypeError):
        xp.linalg.matrix_power(xp.ones((2, 2)), 1.5)
    with pytest.raises(ValueError):
        xp.linalg.cross(xp.ones((2, 2)), xp.ones((2, 2)))
    # A failed eval loses nothing: the input still evaluates.
    assert float(xp.sum(singular)) == 9.0
