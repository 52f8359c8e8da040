"""Cached-call overhead at n = 1,000 from Python, lazyxp against NumPy in the
same process (benches/RESULTS.md, cached-call overhead). Run from the repo
root after `LAZYXP_PROFILE=release bash python/dev_build.sh`:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=python .venv/bin/python benches/overhead.py
"""
import timeit
import numpy as np
import lazyxp as xp
def run(mod, dt, evalf):
    x = mod.asarray(np.linspace(-5, 5, 1000, dtype=dt)); y = mod.asarray(np.linspace(0, 1, 1000, dtype=dt))
    m = mod
    cases = {
      "a*x+y": lambda: evalf(2.0*x+y),
      "log(sin(x)+5)": lambda: evalf(m.log(m.sin(x)+5)),
      "chain_tanh": lambda: evalf(m.exp(-m.abs(m.tanh(((x*1.1+0.3)*x-0.7)*x+2.0)))),
      "where_sqrt_cos": lambda: evalf(m.where(x > 0, m.sqrt(m.abs(x)), -x) * m.cos(x)),
      "sum(x*x)": lambda: evalf(m.sum(x*x)),
    }
    out = {}
    for k, f in cases.items():
        f()
        n = 20000
        out[k] = min(timeit.repeat(f, number=n, repeat=7)) / n * 1e6
    return out
for dt in (np.float32, np.float64):
    a = run(np, dt, lambda r: r)
    b = run(xp, dt, lambda r: r.eval())
    for k in a:
        print(f"{np.dtype(dt).name:8} {k:16} numpy {a[k]:6.2f} us  lazyxp {b[k]:6.2f} us  ratio {b[k]/a[k]:.2f}")
