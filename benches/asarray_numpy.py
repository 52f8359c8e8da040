"""`xp.asarray` of NumPy data against NumPy's own copy (`np.array(v)`) in
the same process: contiguous, stepped, reversed and transposed sources of
4096x1024 (benches/RESULTS.md, "asarray of NumPy data"). Best of 7. Run
from the repo root after `LAZYXP_PROFILE=release bash python/dev_build.sh`:

    PYTHONPATH=python:benches .venv/bin/python benches/asarray_numpy.py
"""
import numpy as np

import lazyxp as xp
from timing import best_ms


rng = np.random.default_rng(0)
for dt in (np.float32, np.float64):
    a = rng.standard_normal((4096, 1024)).astype(dt)
    for name, v in (("contiguous", a), ("a[::2]", a[::2]), ("a[:, ::-1]", a[:, ::-1]), ("a.T", a.T)):
        tx, tn = best_ms(lambda: xp.asarray(v)), best_ms(lambda: np.array(v))
        print(f"{np.dtype(dt).name:8} {name:12} asarray {tx:7.2f} ms   np.array(copy) {tn:7.2f} ms", flush=True)
