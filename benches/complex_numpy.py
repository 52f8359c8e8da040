"""Complex kernels against NumPy in the same process (benches/RESULTS.md,
complex dtypes): arithmetic, a reduction and transcendental functions over
2M complex64 / complex128 values, best of 7. Run from the repo root after
`LAZYXP_PROFILE=release bash python/dev_build.sh`:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=python .venv/bin/python benches/complex_numpy.py
"""
import numpy as np

import lazyxp as xp
from timing import best_ms

N = 2_000_000


rng = np.random.default_rng(0)
for dt in (np.complex64, np.complex128):
    a = (rng.standard_normal(N) + 1j * rng.standard_normal(N)).astype(dt)
    b = (rng.standard_normal(N) + 1j * rng.standard_normal(N)).astype(dt)
    x, y = xp.asarray(a), xp.asarray(b)
    cases = {
        "z*w+z": (lambda: a * b + a, lambda: (x * y + x).eval()),
        "sum(z*w)": (lambda: np.sum(a * b), lambda: xp.sum(x * y).eval()),
        "abs(z)": (lambda: np.abs(a), lambda: xp.abs(x).eval()),
        "exp(z)": (lambda: np.exp(a), lambda: xp.exp(x).eval()),
        "log(z)": (lambda: np.log(a), lambda: xp.log(x).eval()),
        "sqrt(z)": (lambda: np.sqrt(a), lambda: xp.sqrt(x).eval()),
    }
    for name, (with_numpy, with_lazyxp) in cases.items():
        tn, tx = best_ms(with_numpy), best_ms(with_lazyxp)
        print(f"{np.dtype(dt).name:10} {name:9} numpy {tn:7.2f} ms  lazyxp {tx:7.2f} ms  speed-up {tn / tx:5.2f}x", flush=True)
