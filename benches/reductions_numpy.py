"""Reductions along each axis of a 4096x1024 array against NumPy in the
same process (benches/RESULTS.md, "Reductions along either axis"): sums,
maxima and means over the rows (the row loop) and over the leading axis
(the column path, also with a weight per row broadcast along it), and
argmax as two fused reductions, alone and fused with its producer. Best of 7. Run from the repo root after
`LAZYXP_PROFILE=release bash python/dev_build.sh`:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=python .venv/bin/python benches/reductions_numpy.py
"""
import numpy as np

import lazyxp as xp
from timing import best_ms


rng = np.random.default_rng(0)
for dt in (np.float32, np.float64):
    a = rng.standard_normal((4096, 1024)).astype(dt)
    x = xp.asarray(a)
    wa = rng.standard_normal((4096, 1)).astype(dt)
    w = xp.asarray(wa)
    cases = {
        "sum(x, axis=1)": (lambda: np.sum(a, axis=1), lambda: xp.sum(x, axis=1).eval()),
        "sum(x, axis=0)": (lambda: np.sum(a, axis=0), lambda: xp.sum(x, axis=0).eval()),
        "sum(x*w[:,None], axis=0)": (lambda: np.sum(a * wa, axis=0), lambda: xp.sum(x * w, axis=0).eval()),
        "max(x, axis=0)": (lambda: np.max(a, axis=0), lambda: xp.max(x, axis=0).eval()),
        "mean(x*x, axis=0)": (lambda: np.mean(a * a, axis=0), lambda: xp.mean(x * x, axis=0).eval()),
        "argmax(x, axis=-1)": (lambda: np.argmax(a, axis=-1), lambda: xp.argmax(x, axis=-1).eval()),
        "argmax(x, axis=0)": (lambda: np.argmax(a, axis=0), lambda: xp.argmax(x, axis=0).eval()),
        "argmax(x*x, axis=-1)": (lambda: np.argmax(a * a, axis=-1), lambda: xp.argmax(x * x, axis=-1).eval()),
        "argmin(x) (4M, library scan)": (lambda: np.argmin(a), lambda: xp.argmin(x).eval()),
    }
    for name, (with_numpy, with_lazyxp) in cases.items():
        tn, tx = best_ms(with_numpy), best_ms(with_lazyxp)
        print(f"{np.dtype(dt).name:8} {name:30} numpy {tn:7.2f} ms  lazyxp {tx:7.2f} ms  speed-up {tn / tx:5.2f}x", flush=True)
