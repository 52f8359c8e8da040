//! The linalg extension's decompositions and what is built from them.
//!
//! Each decomposition is one library node over the input's matrices (the
//! last two axes) whose packed result is cut into its parts by views, so
//! `svd(x)`'s U, S and Vh come from one factorization. `pinv`,
//! `matrix_rank` and `matrix_power` are lazy graphs around them.

use super::products::matmul;
use crate::array::Array;
use crate::elementwise::{astype, conj, divide, equal, greater, multiply, real, scalar_like, where_};
use crate::manipulation::{broadcast_to, expand_dims, index, matrix_transpose, reshape, Index};
use crate::promotion::result_type;
use crate::statistical::{count_nonzero, max};
use lazyxp_compiler::graph::{intern, NodeOp, State};
use lazyxp_compiler::library::decompose::Decomposition;
use lazyxp_compiler::library::LibraryOp;
use lazyxp_runtime::shape::{broadcast_shapes, byte_size};
use lazyxp_runtime::{DType, Error, Result, Shape};
use smallvec::SmallVec;

/// `eigh`'s results: eigenvalues in ascending order, eigenvectors as columns.
pub struct Eigh {
    pub eigenvalues: Array,
    pub eigenvectors: Array,
}

/// `qr`'s results.
pub struct Qr {
    pub q: Array,
    pub r: Array,
}

/// `slogdet`'s results: the determinant is `sign * exp(logabsdet)`.
pub struct Slogdet {
    pub sign: Array,
    pub logabsdet: Array,
}

/// `svd`'s results: `x = u @ (s[..., None] * vh)`, singular values descending.
pub struct Svd {
    pub u: Array,
    pub s: Array,
    pub vh: Array,
}

/// Checks that `x` is a stack of floating-point matrices (square ones when
/// `square`), naming `what` in the error; returns the matrix shape.
pub(super) fn matrices(x: &Array, what: &str, square: bool) -> Result<(usize, usize)> {
    if !(x.dtype().is_float() || x.dtype().is_complex()) {
        return Err(Error::DType(format!("{what}: expected a floating-point array, got {}", x.dtype())));
    }
    let r = x.ndim();
    if r < 2 {
        return Err(Error::Shape(format!("{what}: expected at least 2 dimensions, got shape {:?}", x.shape())));
    }
    let (m, n) = (x.shape()[r - 2], x.shape()[r - 1]);
    if square && m != n {
        return Err(Error::Shape(format!("{what}: expected square matrices, got shape {:?}", x.shape())));
    }
    Ok((m, n))
}

/// One library node computing `d` over `x`'s matrices (and `rhs`, for
/// solve, whose batch dimensions equal `x`'s), cut into its `N` parts.
fn decompose<const N: usize>(d: Decomposition, x: &Array, rhs: Option<&Array>) -> Result<[Array; N]> {
    let r = x.ndim();
    let (m, n) = (x.shape()[r - 2], x.shape()[r - 1]);
    let k = rhs.map_or(0, |b| b.shape()[b.ndim() - 1]);
    let batch = &x.shape()[..r - 2];
    let parts = d.parts(m, n, k);
    let dtype = if d.gives_real() { x.dtype().real_part() } else { x.dtype() };
    let shape: Shape = batch.iter().copied().chain([d.packed_len(m, n, k)]).collect();
    byte_size(&shape, dtype)?;
    let mut inputs: SmallVec<[_; 3]> = SmallVec::new();
    inputs.push(x.node.clone());
    inputs.extend(rhs.map(|b| b.node.clone()));
    let packed = Array::from_node(intern(NodeOp::Library(LibraryOp::Decompose(d)), dtype, shape, inputs, State::Pending))?;
    let mut at = 0;
    let pieces: Vec<Array> = parts
        .iter()
        .map(|p| {
            let len: usize = p.iter().product();
            let piece = index(&packed, &[Index::Ellipsis, Index::Slice { start: Some(at as isize), stop: Some((at + len) as isize), step: None }])?;
            at += len;
            let dims: Vec<isize> = batch.iter().chain(p).map(|&d| d as isize).collect();
            reshape(&piece, &dims)
        })
        .collect::<Result<_>>()?;
    let count = pieces.len();
    pieces.try_into().map_err(|_| Error::Compile { kernel: d.name(), message: format!("{count} parts, {N} expected") })
}

/// The Cholesky factor of Hermitian positive-definite matrices: lower
/// triangular (`x = L L^H`), or upper (`x = U^H U`). A matrix that is not
/// positive definite is an error at evaluation.
pub fn cholesky(x: &Array, upper: bool) -> Result<Array> {
    matrices(x, "cholesky", true)?;
    let [l] = decompose(Decomposition::Cholesky { upper }, x, None)?;
    Ok(l)
}

/// The inverse of each matrix; a singular one is an error at evaluation.
pub fn inv(x: &Array) -> Result<Array> {
    matrices(x, "inv", true)?;
    let [inverse] = decompose(Decomposition::Inverse, x, None)?;
    Ok(inverse)
}

/// The solution of `x1 @ y = x2`. A 1-D `x2` is one right-hand side for
/// every matrix (the result drops that axis again); otherwise `x2` is a
/// stack of `(M, K)` matrices whose batch dimensions broadcast with `x1`'s.
pub fn solve(x1: &Array, x2: &Array) -> Result<Array> {
    let (n, _) = matrices(x1, "solve", true)?;
    if !(x2.dtype().is_float() || x2.dtype().is_complex()) {
        return Err(Error::DType(format!("solve: expected a floating-point array, got {}", x2.dtype())));
    }
    let dtype = result_type(x1.dtype(), x2.dtype())?;
    let vector = x2.ndim() == 1;
    let b = if vector { expand_dims(x2, -1)? } else { x2.clone() };
    if b.ndim() < 2 || b.shape()[b.ndim() - 2] != n {
        return Err(Error::Shape(format!("solve: x2 of shape {:?} does not match matrices of shape {:?}", x2.shape(), x1.shape())));
    }
    let k = b.shape()[b.ndim() - 1];
    let batch_a = &x1.shape()[..x1.ndim() - 2];
    let batch = if vector { batch_a.into() } else { broadcast_shapes(batch_a, &b.shape()[..b.ndim() - 2]).map_err(|e| Error::Shape(format!("solve: {e}")))? };
    let a = broadcast_to(&astype(x1, dtype)?, &batch.iter().copied().chain([n, n]).collect::<Vec<_>>())?;
    let b = broadcast_to(&astype(&b, dtype)?, &batch.iter().copied().chain([n, k]).collect::<Vec<_>>())?;
    let [y] = decompose(Decomposition::Solve, &a, Some(&b))?;
    if vector {
        return crate::manipulation::squeeze(&y, &[-1]);
    }
    Ok(y)
}

/// The determinant of each matrix (from its LU factors).
pub fn det(x: &Array) -> Result<Array> {
    matrices(x, "det", true)?;
    let [det] = decompose(Decomposition::Det, x, None)?;
    Ok(det)
}

/// Sign (a unit complex number for complex input; 0 for a singular matrix)
/// and natural log of the absolute value of each determinant, which
/// neither overflows nor underflows where the determinant would.
pub fn slogdet(x: &Array) -> Result<Slogdet> {
    matrices(x, "slogdet", true)?;
    let [sign, logabsdet] = decompose(Decomposition::Slogdet, x, None)?;
    Ok(Slogdet { sign, logabsdet: real(&logabsdet)? })
}

/// QR factorization: reduced (`complete` false: Q is `(M, K)`, R `(K, N)`,
/// K = min(M, N)) or complete (Q `(M, M)`, R `(M, N)`).
pub fn qr(x: &Array, complete: bool) -> Result<Qr> {
    matrices(x, "qr", false)?;
    let [q, r] = decompose(Decomposition::Qr { complete }, x, None)?;
    Ok(Qr { q, r })
}

/// Singular value decomposition, full or reduced (`full_matrices`).
pub fn svd(x: &Array, full_matrices: bool) -> Result<Svd> {
    matrices(x, "svd", false)?;
    let [u, s, vh] = decompose(Decomposition::Svd { full: full_matrices }, x, None)?;
    Ok(Svd { u, s: real(&s)?, vh })
}

/// Singular values, descending, in the real dtype of `x`.
pub fn svdvals(x: &Array) -> Result<Array> {
    matrices(x, "svdvals", false)?;
    let [s] = decompose(Decomposition::Svdvals, x, None)?;
    Ok(s)
}

/// Eigenvalues (ascending, real) and eigenvectors of Hermitian matrices,
/// read from their lower triangle.
pub fn eigh(x: &Array) -> Result<Eigh> {
    matrices(x, "eigh", true)?;
    let [eigenvalues, eigenvectors] = decompose(Decomposition::Eigh, x, None)?;
    Ok(Eigh { eigenvalues: real(&eigenvalues)?, eigenvectors })
}

/// Eigenvalues of Hermitian matrices, ascending, in the real dtype of `x`.
pub fn eigvalsh(x: &Array) -> Result<Array> {
    matrices(x, "eigvalsh", true)?;
    let [w] = decompose(Decomposition::Eigvalsh, x, None)?;
    Ok(w)
}

/// The cutoff below which singular values count as zero: `rtol` (default
/// max(M, N) times the dtype's epsilon, the standard's choice) times the
/// largest singular value, shaped `(.., 1)` against `s` (the real singular
/// values) of shape `(.., K)`.
fn cutoff(s: &Array, m: usize, n: usize, rtol: Option<&Array>) -> Result<Array> {
    let largest = max(s, Some(&[-1]), true)?;
    let rtol = match rtol {
        Some(r) => {
            if !r.dtype().is_float() {
                return Err(Error::DType(format!("rtol must be a real floating-point array, got {}", r.dtype())));
            }
            expand_dims(&astype(r, result_type(s.dtype(), r.dtype())?)?, -1)?
        }
        None => {
            let eps = if s.dtype() == DType::Float32 { f32::EPSILON as f64 } else { f64::EPSILON };
            scalar_like(s, m.max(n) as f64 * eps)?
        }
    };
    multiply(&largest, &rtol)
}

/// The number of singular values above the cutoff (see `cutoff`), int64.
pub fn matrix_rank(x: &Array, rtol: Option<&Array>) -> Result<Array> {
    let (m, n) = matrices(x, "matrix_rank", false)?;
    let batch = &x.shape()[..x.ndim() - 2];
    if m.min(n) == 0 {
        return crate::creation::full(batch, 0.0, DType::Int64);
    }
    let s = svdvals(x)?;
    count_nonzero(&greater(&s, &cutoff(&s, m, n, rtol)?)?, Some(&[-1]), false)
}

/// The Moore-Penrose pseudo-inverse, from the reduced SVD: singular values
/// at or below the cutoff (see `cutoff`) are treated as zero.
pub fn pinv(x: &Array, rtol: Option<&Array>) -> Result<Array> {
    let (m, n) = matrices(x, "pinv", false)?;
    let batch = &x.shape()[..x.ndim() - 2];
    if m.min(n) == 0 {
        let shape: Vec<usize> = batch.iter().copied().chain([n, m]).collect();
        return crate::creation::full(&shape, 0.0, x.dtype());
    }
    let Svd { u, s, vh } = svd(x, false)?;
    let kept = greater(&s, &cutoff(&s, m, n, rtol)?)?;
    let inverse = where_(&kept, &divide(&scalar_like(&s, 1.0)?, &s)?, &scalar_like(&s, 0.0)?)?;
    let scaled = multiply(&matrix_transpose(&conj(&vh)?)?, &expand_dims(&inverse, -2)?)?;
    matmul(&scaled, &matrix_transpose(&conj(&u)?)?)
}

/// `x` multiplied by itself `n` times (by repeated squaring); `n = 0` gives
/// identity matrices and a negative `n` powers the inverse.
pub fn matrix_power(x: &Array, n: i64) -> Result<Array> {
    let r = x.ndim();
    if r < 2 || x.shape()[r - 1] != x.shape()[r - 2] {
        return Err(Error::Shape(format!("matrix_power: expected square matrices, got shape {:?}", x.shape())));
    }
    let size = x.shape()[r - 1];
    if n == 0 {
        let i = crate::creation::arange(0.0, size as f64, 1.0, DType::Int64)?;
        let eye = astype(&equal(&expand_dims(&i, 1)?, &expand_dims(&i, 0)?)?, x.dtype())?;
        return broadcast_to(&eye, x.shape());
    }
    let mut base = if n < 0 { inv(x)? } else { x.clone() };
    let mut e = n.unsigned_abs();
    let mut acc: Option<Array> = None;
    loop {
        if e & 1 == 1 {
            acc = Some(match acc {
                None => base.clone(),
                Some(a) => matmul(&a, &base)?,
            });
        }
        e >>= 1;
        if e == 0 {
            break;
        }
        base = matmul(&base, &base)?;
    }
    Ok(acc.expect("n != 0 sets a bit"))
}
