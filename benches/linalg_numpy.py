"""The linalg extension against NumPy's (OpenBLAS LAPACK) in the same
process, float64 unless named: one 1000x1000 matrix, and a batch of 1000
8x8 matrices (where per-call overhead and batching matter). Best of 7
after a warm-up; benches/RESULTS.md, "The linalg extension against NumPy".
Run from the repo root after `LAZYXP_PROFILE=release bash python/dev_build.sh`:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=python .venv/bin/python benches/linalg_numpy.py
"""
import numpy as np

import lazyxp as xp
from timing import best_ms

rng = np.random.default_rng(0)
n = 1000
a = rng.standard_normal((n, n)) + n * np.eye(n) / 10
spd = a @ a.T
b = rng.standard_normal((n, 4))
small = rng.standard_normal((1000, 8, 8)) + 8 * np.eye(8)
A, S, B, SM = xp.asarray(a), xp.asarray(spd), xp.asarray(b), xp.asarray(small)
a32 = a.astype(np.float32)
A32 = xp.asarray(a32)
L = xp.linalg
cases = [
    ("inv(A)", lambda: np.linalg.inv(a), lambda: L.inv(A).eval()),
    ("solve(A, B)", lambda: np.linalg.solve(a, b), lambda: L.solve(A, B).eval()),
    ("det(A)", lambda: np.linalg.det(a), lambda: L.det(A).eval()),
    ("cholesky(S)", lambda: np.linalg.cholesky(spd), lambda: L.cholesky(S).eval()),
    ("qr(A)", lambda: np.linalg.qr(a), lambda: xp.eval(*L.qr(A))),
    ("eigvalsh(S)", lambda: np.linalg.eigvalsh(spd), lambda: L.eigvalsh(S).eval()),
    ("eigh(S)", lambda: np.linalg.eigh(spd), lambda: xp.eval(*L.eigh(S))),
    ("svdvals(A)", lambda: np.linalg.svdvals(a), lambda: L.svdvals(A).eval()),
    ("svd(A, full_matrices=False)", lambda: np.linalg.svd(a, full_matrices=False), lambda: xp.eval(*L.svd(A, full_matrices=False))),
    ("svdvals(A) f32", lambda: np.linalg.svdvals(a32), lambda: L.svdvals(A32).eval()),
    ("inv(1000 x 8x8)", lambda: np.linalg.inv(small), lambda: L.inv(SM).eval()),
    ("eigvalsh(1000 x 8x8)", lambda: np.linalg.eigvalsh(small), lambda: L.eigvalsh(SM).eval()),
    ("svdvals(1000 x 8x8)", lambda: np.linalg.svdvals(small), lambda: L.svdvals(SM).eval()),
    ("vector_norm(A)", lambda: np.linalg.vector_norm(a), lambda: L.vector_norm(A).eval()),
    ("matrix_norm(A, 1)", lambda: np.linalg.matrix_norm(a, ord=1), lambda: L.matrix_norm(A, ord=1).eval()),
    ("trace(A)", lambda: np.linalg.trace(a), lambda: L.trace(A).eval()),
]
print("| operation | NumPy | lazyxp | NumPy / lazyxp |\n|---|---|---|---|")
for name, numpy_f, lazy_f in cases:
    tn, tx = best_ms(numpy_f), best_ms(lazy_f)
    print(f"| `{name}` | {tn:.2f} ms | {tx:.2f} ms | {tn / tx:.2f} |")
