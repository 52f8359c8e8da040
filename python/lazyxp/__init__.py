"""lazyxp: lazy arrays with the Python array API standard (2024.12).

Calls build an expression graph; ``xp.eval(*arrays)``, ``x.eval()``,
printing, ``float(x)``, ``bool(x)`` and ``np.asarray(x)`` compute it: the
graph is fused into as few kernels as possible, each compiled once to
machine code with Cranelift and run with the GIL released.

    >>> import lazyxp as xp
    >>> x = xp.linspace(0, 1, 5, dtype=xp.float32)
    >>> y = xp.log(xp.sin(x) + 5)       # a graph; nothing computed yet
    >>> xp.eval(y)                      # one fused kernel
    >>> print(xp.explain(y))            # graph, fusion plan, kernel IR, CLIF, machine code
"""
import math as _math

from . import _lazyxp
from ._lazyxp import *  # noqa: F401,F403  (the namespace's functions, dtypes, Array)
from ._lazyxp import Array, Device, dtype, __array_namespace_info__  # noqa: F401

__array_api_version__ = "2024.12"

try:
    from importlib.metadata import version as _version

    __version__ = _version("lazyxp")
except Exception:  # running from the source tree (python/dev_build.sh)
    __version__ = "dev"

e = _math.e
inf = _math.inf
nan = _math.nan
pi = _math.pi
newaxis = None

# The dtype objects shadow builtins inside this module only (xp.bool is the
# standard's name); keep the module's own code away from them.
bool = _lazyxp.bool  # noqa: A001


# The set functions return the standard's named tuples.
from collections import namedtuple as _namedtuple

UniqueAllResult = _namedtuple("UniqueAllResult", ["values", "indices", "inverse_indices", "counts"])
UniqueCountsResult = _namedtuple("UniqueCountsResult", ["values", "counts"])
UniqueInverseResult = _namedtuple("UniqueInverseResult", ["values", "inverse_indices"])


def unique_all(x, /):
    """Distinct values, first-occurrence indices, inverse indices and counts
    (evaluates `x`: the outputs' length depends on its values)."""
    return UniqueAllResult(*_lazyxp.unique_all(x))


def unique_counts(x, /):
    """Distinct values and their counts (evaluates `x`)."""
    return UniqueCountsResult(*_lazyxp.unique_counts(x))


def unique_inverse(x, /):
    """Distinct values and inverse indices in `x`'s shape (evaluates `x`)."""
    return UniqueInverseResult(*_lazyxp.unique_inverse(x))


# The standard's linalg extension (xp.linalg).
from . import linalg  # noqa: E402

__all__ = sorted(
    {n for n in dir(_lazyxp) if not n.startswith("_")}
    | {
        "__array_api_version__", "__array_namespace_info__", "e", "inf", "nan", "pi", "newaxis",
        "unique_all", "unique_counts", "unique_inverse", "linalg",
    }
)
