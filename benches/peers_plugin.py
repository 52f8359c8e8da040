"""lazyxp as a backend of the peer benchmark (../shared/bench/peers.py).

Setup, once (from the repo root; the venv is the one peers.py uses):

    python3 -m venv .venv-peers
    .venv-peers/bin/pip install numpy numexpr jax numba tinygrad   # the peers you want
    .venv-peers/bin/pip install ./python                            # lazyxp, release build

Run (from ../shared/bench, or give peers.py's path):

    ../../main/.venv-peers/bin/python peers.py --plugin ../../main/benches/peers_plugin.py \\
        --backends numpy,lazyxp --quick --out /tmp/peers-results.json

(`--out`: by default peers.py rewrites ../shared/bench/peers-results.md, the
team's reference table; keep runs of your own elsewhere.)

To measure a development build instead of the installed package, put the
tree built by `python/dev_build.sh` first on the path (same Python version):

    PYTHONPATH=python .venv-peers/bin/python ../shared/bench/peers.py --quick \\
        --backends numpy,lazyxp --plugin benches/peers_plugin.py --cases sum_sq,softmax,pairwise \\
        --out /tmp/peers-results.json

Each factory turns the NumPy inputs into lazyxp arrays (setup, not timed)
and returns a call that builds the expression and evaluates it, so every
timed call pays graph building, scheduling, the kernel-cache lookup and the
run: the cached-call overhead a Python user sees. lazyxp caches compiled
kernels by structure in the process, so "first call" includes compilation
only the first time an expression's structure is seen (the first size of a
case); later sizes reuse the kernel, as a user's program would.

Cases whose functions lazyxp does not have yet are left out (peers.py skips
them) and appear automatically once the namespace has them: sum_sq, softmax
and pairwise need `xp.sum`, `xp.max` and basic indexing (`x[:, None, :]`),
which the package has.
"""
import numpy as np

from peers import BACKEND_ENV, SINGLE_ENV, Backend  # noqa: F401  (peers.py makes itself importable)


def register(backends):
    # "single" mode: one worker thread for lazyxp's pool too.
    SINGLE_ENV.setdefault("LAZYXP_NUM_THREADS", "1")

    def make():
        import lazyxp as xp

        def log_sin(I):
            x = xp.asarray(I["x"])
            return lambda: xp.log(xp.sin(x) + 5).eval()

        def saxpy(I):
            a = float(I["a"])  # a Python scalar keeps the arrays' dtype
            x, y = xp.asarray(I["x"]), xp.asarray(I["y"])
            return lambda: (a * x + y).eval()

        def where_sqrt_cos(I):
            x = xp.asarray(I["x"])
            return lambda: (xp.where(x > 0, xp.sqrt(x), -x) * xp.cos(x)).eval()

        def chain_tanh(I):
            x = xp.asarray(I["x"])
            return lambda: xp.exp(-xp.abs(xp.tanh(((x * 1.1 + 0.3) * x - 0.7) * x + 2.0))).eval()

        cases = {
            "log_sin": log_sin,
            "saxpy": saxpy,
            "where_sqrt_cos": where_sqrt_cos,
            "chain_tanh": chain_tanh,
        }

        # Cases that need reductions and indexing, registered once lazyxp has them.
        if hasattr(xp, "sum"):
            def sum_sq(I):
                x = xp.asarray(I["x"])
                return lambda: xp.sum(x * x).eval()
            cases["sum_sq"] = sum_sq
        if hasattr(xp, "max") and hasattr(xp, "sum"):
            def softmax(I):
                x = xp.asarray(I["x"])

                def run():
                    e = xp.exp(x - xp.max(x, axis=1, keepdims=True))
                    return (e / xp.sum(e, axis=1, keepdims=True)).eval()
                return run
            cases["softmax"] = softmax
        if hasattr(xp, "sum") and hasattr(xp.Array, "__getitem__"):
            def pairwise(I):
                x, y = xp.asarray(I["x"]), xp.asarray(I["y"])

                def run():
                    d = x[:, None, :] - y[None, :, :]
                    return xp.sqrt(xp.sum(d * d, axis=-1)).eval()
                return run
            cases["pairwise"] = pairwise

        def setup(mode):
            return {"version": getattr(xp, "__version__", "dev"), "threads": xp.num_threads(),
                    "api": xp.__array_api_version__}

        return Backend(
            "lazyxp", cases, setup=setup, to_numpy=lambda r: np.asarray(r),
            notes={"*": "lazy graph + fused Cranelift kernels; each call builds the graph and evals it "
                        "(kernel cache hit after the first size)"})

    backends["lazyxp"] = make
