"""The array API standard's ``linalg`` extension (2024.12).

Lazy like the rest of lazyxp: ``xp.linalg.svd(x)`` builds one
factorization node whose U, S and Vh are views of its result, and norms,
``pinv``, ``matrix_rank``, ``trace`` and friends are graphs that fuse with
the work around them. Decompositions run through the ``faer`` crate. A
singular (``inv``, ``solve``) or non-positive-definite (``cholesky``)
matrix raises ``ValueError`` when the result is evaluated, as NumPy's
``LinAlgError`` (a ``ValueError``) does.
"""
from collections import namedtuple as _namedtuple

from . import _lazyxp
from ._lazyxp import matmul, matrix_transpose, tensordot, vecdot  # noqa: F401  (shared with the main namespace)

_l = _lazyxp._linalg

cholesky = _l.cholesky
cross = _l.cross
det = _l.det
diagonal = _l.diagonal
eigvalsh = _l.eigvalsh
inv = _l.inv
matrix_norm = _l.matrix_norm
matrix_power = _l.matrix_power
matrix_rank = _l.matrix_rank
outer = _l.outer
pinv = _l.pinv
solve = _l.solve
svdvals = _l.svdvals
trace = _l.trace
vector_norm = _l.vector_norm

EighResult = _namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
QRResult = _namedtuple("QRResult", ["Q", "R"])
SlogdetResult = _namedtuple("SlogdetResult", ["sign", "logabsdet"])
SVDResult = _namedtuple("SVDResult", ["U", "S", "Vh"])


def eigh(x, /):
    """Eigenvalues (ascending) and eigenvectors (columns) of Hermitian matrices."""
    return EighResult(*_l.eigh(x))


def qr(x, /, *, mode="reduced"):
    """QR factorization, ``mode`` 'reduced' or 'complete'."""
    return QRResult(*_l.qr(x, mode=mode))


def slogdet(x, /):
    """Sign and natural log of the absolute value of each determinant."""
    return SlogdetResult(*_l.slogdet(x))


def svd(x, /, *, full_matrices=True):
    """Singular value decomposition: ``x = U @ (S[..., None] * Vh)``."""
    return SVDResult(*_l.svd(x, full_matrices=full_matrices))


__all__ = [
    "cholesky", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv", "matmul", "matrix_norm",
    "matrix_power", "matrix_rank", "matrix_transpose", "outer", "pinv", "qr", "slogdet", "solve",
    "svd", "svdvals", "tensordot", "trace", "vecdot", "vector_norm",
]
