"""Everyday array operations beyond fused elementwise chains (statistics,
scans, sorting, set functions, gathers, masks, views, matmul) against
NumPy in the same process, 4M-element vectors and a 2000x2000 matrix of
float32: the survey behind benches/RESULTS.md, "Library kernels against
NumPy". Best of 7 after a warm-up. Run from the repo root after
`LAZYXP_PROFILE=release bash python/dev_build.sh`:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=python .venv/bin/python benches/library_numpy.py
"""
import numpy as np

import lazyxp as xp
from timing import best_ms

rng = np.random.default_rng(0)
a = rng.standard_normal(4_000_000).astype(np.float32)
x = xp.asarray(a)
m = rng.standard_normal((2000, 2000)).astype(np.float32)
X = xp.asarray(m)
ai = rng.integers(0, 1000, 4_000_000).astype(np.int64)
xi = xp.asarray(ai)
head = a[:1_000_000]
cases = [
    ("mean(x)", lambda: np.mean(a), lambda: xp.mean(x).eval()),
    ("var(x)", lambda: np.var(a), lambda: xp.var(x).eval()),
    ("std(X, axis=0)", lambda: np.std(m, axis=0), lambda: xp.std(X, axis=0).eval()),
    ("prod(X, axis=1)", lambda: np.prod(m, axis=1), lambda: xp.prod(X, axis=1).eval()),
    ("min(x)", lambda: np.min(a), lambda: xp.min(x).eval()),
    ("cumulative_sum(x)", lambda: np.cumsum(a), lambda: xp.cumulative_sum(x).eval()),
    ("cumulative_sum(X, axis=0)", lambda: np.cumsum(m, axis=0), lambda: xp.cumulative_sum(X, axis=0).eval()),
    ("sort(x)", lambda: np.sort(a), lambda: xp.sort(x).eval()),
    ("argsort(x[:1M]) stable", lambda: np.argsort(head, kind="stable"), lambda: xp.argsort(x[:1_000_000]).eval()),
    ("unique_values(ints)", lambda: np.unique(ai), lambda: xp.unique_values(xi).eval()),
    ("X.T copied", lambda: np.ascontiguousarray(m.T), lambda: (X.T + 0).eval()),
    ("X[::2, ::-1] * 2", lambda: m[::2, ::-1] * 2, lambda: (X[::2, ::-1] * 2).eval()),
    ("where(x > 0, x, 0)", lambda: np.where(a > 0, a, 0), lambda: xp.where(x > 0, x, 0.0).eval()),
    ("x > 0", lambda: a > 0, lambda: (x > 0).eval()),
    ("x[x > 0]", lambda: a[a > 0], lambda: x[x > 0].eval()),
    ("take(x, ints)", lambda: np.take(a, ai), lambda: xp.take(x, xi).eval()),
    ("concat([x, x])", lambda: np.concatenate([a, a]), lambda: xp.concat([x, x]).eval()),
    ("count_nonzero(x > 0)", lambda: np.count_nonzero(a > 0), lambda: xp.count_nonzero(x > 0).eval()),
    ("any(x > 5)", lambda: np.any(a > 5), lambda: xp.any(x > 5).eval()),
    ("argmin(x)", lambda: np.argmin(a), lambda: xp.argmin(x).eval()),
    ("X @ X", lambda: m @ m, lambda: (X @ X).eval()),
    ("diff(x)", lambda: np.diff(a), lambda: xp.diff(x).eval()),
]
print("| operation | NumPy | lazyxp | NumPy / lazyxp |\n|---|---|---|---|")
for name, numpy_f, lazy_f in cases:
    tn, tx = best_ms(numpy_f), best_ms(lazy_f)
    print(f"| `{name}` | {tn:.2f} ms | {tx:.2f} ms | {tn / tx:.2f} |")
