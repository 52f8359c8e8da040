//! Matrix decompositions of the linalg extension (cholesky, inv, solve,
//! det, slogdet, qr, svd, svdvals, eigh, eigvalsh), batch by batch through
//! `faer`, the tuned dense linear algebra crate built on the `gemm` our
//! matmul uses. Everything the frontend can say with other ops (norms,
//! pinv, matrix_rank, trace) is built lazily on top of these.
//!
//! A decomposition with several results (Q and R, U S Vh, eigenvalues and
//! vectors, sign and log|det|) writes them one after the other per matrix
//! into one packed row, so one node computes them once; the frontend cuts
//! the row into its parts with views. Parts that are real for a complex
//! input (singular values, eigenvalues, log|det|) are packed as complex
//! numbers with a zero imaginary part and the frontend takes their real
//! part; svdvals and eigvalsh, which have only that part, give the real
//! dtype directly.
//!
//! Large matrices use faer's parallel kernels on lazyxp's thread pool;
//! batches of small ones run one matrix per task. Either way the results
//! are the same bits for any number of threads (see `FAER_TASKS`).

use super::elements::alloc;
use super::Operand;
use faer::linalg::solvers::{DenseSolveCore, Solve};
use faer::{MatRef, Side};
use lazyxp_runtime::{parallel, Buffer, DType, Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decomposition {
    /// The lower (or upper) Cholesky factor of a Hermitian positive-definite matrix.
    Cholesky { upper: bool },
    Inverse,
    /// `x1^-1 x2` for operands `(B.., n, n)` and `(B.., n, k)`.
    Solve,
    Det,
    /// `(sign, log|det|)` per matrix.
    Slogdet,
    /// `Q` then `R`: `(m, k)` and `(k, n)` with k = min(m, n), or
    /// `(m, m)` and `(m, n)` when `complete`.
    Qr { complete: bool },
    /// `U`, `S`, `Vh`: `(m, k)`, `k`, `(k, n)`, or `(m, m)`, `k`, `(n, n)` when `full`.
    Svd { full: bool },
    Svdvals,
    /// Eigenvalues (ascending) then the eigenvectors as columns.
    Eigh,
    Eigvalsh,
}

impl Decomposition {
    pub fn name(self) -> String {
        match self {
            Decomposition::Cholesky { upper } => format!("cholesky[{}]", if upper { "upper" } else { "lower" }),
            Decomposition::Inverse => "inv".into(),
            Decomposition::Solve => "solve".into(),
            Decomposition::Det => "det".into(),
            Decomposition::Slogdet => "slogdet".into(),
            Decomposition::Qr { complete } => format!("qr[{}]", if complete { "complete" } else { "reduced" }),
            Decomposition::Svd { full } => format!("svd[{}]", if full { "full" } else { "reduced" }),
            Decomposition::Svdvals => "svdvals".into(),
            Decomposition::Eigh => "eigh".into(),
            Decomposition::Eigvalsh => "eigvalsh".into(),
        }
    }

    /// The parts of one matrix's packed result for an `(m, n)` input (and
    /// `k` right-hand sides for solve), each as its shape, in packing order.
    pub fn parts(self, m: usize, n: usize, k: usize) -> Vec<Vec<usize>> {
        let s = m.min(n);
        match self {
            Decomposition::Cholesky { .. } | Decomposition::Inverse => vec![vec![n, n]],
            Decomposition::Solve => vec![vec![n, k]],
            Decomposition::Det => vec![vec![]],
            Decomposition::Slogdet => vec![vec![], vec![]],
            Decomposition::Qr { complete: false } => vec![vec![m, s], vec![s, n]],
            Decomposition::Qr { complete: true } => vec![vec![m, m], vec![m, n]],
            Decomposition::Svd { full: false } => vec![vec![m, s], vec![s], vec![s, n]],
            Decomposition::Svd { full: true } => vec![vec![m, m], vec![s], vec![n, n]],
            Decomposition::Svdvals => vec![vec![s]],
            Decomposition::Eigh => vec![vec![n], vec![n, n]],
            Decomposition::Eigvalsh => vec![vec![n]],
        }
    }

    /// Elements of one matrix's packed result.
    pub fn packed_len(self, m: usize, n: usize, k: usize) -> usize {
        self.parts(m, n, k).iter().map(|p| p.iter().product::<usize>()).sum()
    }

    /// Whether the result is the input's real dtype (one real part only).
    pub fn gives_real(self) -> bool {
        matches!(self, Decomposition::Svdvals | Decomposition::Eigvalsh)
    }

    fn square_only(self) -> bool {
        !matches!(self, Decomposition::Qr { .. } | Decomposition::Svd { .. } | Decomposition::Svdvals)
    }
}

/// A float or complex element as faer computes with it, with its value as
/// (real, imaginary) parts in f64 for what we compute around faer.
trait Field: faer::traits::ComplexField + Copy + Send + Sync + 'static {
    fn parts(self) -> (f64, f64);
    fn from_parts(re: f64, im: f64) -> Self;
    fn real_f64(r: &Self::Real) -> f64;
}

impl Field for f32 {
    fn parts(self) -> (f64, f64) {
        (self as f64, 0.0)
    }
    fn from_parts(re: f64, _: f64) -> f32 {
        re as f32
    }
    fn real_f64(r: &f32) -> f64 {
        *r as f64
    }
}
impl Field for f64 {
    fn parts(self) -> (f64, f64) {
        (self, 0.0)
    }
    fn from_parts(re: f64, _: f64) -> f64 {
        re
    }
    fn real_f64(r: &f64) -> f64 {
        *r
    }
}
impl Field for faer::c32 {
    fn parts(self) -> (f64, f64) {
        (self.re as f64, self.im as f64)
    }
    fn from_parts(re: f64, im: f64) -> Self {
        faer::c32::new(re as f32, im as f32)
    }
    fn real_f64(r: &f32) -> f64 {
        *r as f64
    }
}
impl Field for faer::c64 {
    fn parts(self) -> (f64, f64) {
        (self.re, self.im)
    }
    fn from_parts(re: f64, im: f64) -> Self {
        faer::c64::new(re, im)
    }
    fn real_f64(r: &f64) -> f64 {
        *r
    }
}

/// Runs `d` over every matrix of the batch. The operands are row-major and
/// contiguous, `(B.., m, n)` (and `(B.., n, k)` for solve, batch
/// dimensions already broadcast); the result is `(B.., packed_len)`, or
/// the real `(B.., k)` of svdvals and eigvalsh.
pub fn decompose(d: Decomposition, inputs: &[Operand]) -> Result<Buffer> {
    match inputs[0].dtype {
        DType::Float32 => run::<f32>(d, inputs),
        DType::Float64 => run::<f64>(d, inputs),
        DType::Complex64 => run::<faer::c32>(d, inputs),
        DType::Complex128 => run::<faer::c64>(d, inputs),
        other => Err(Error::DType(format!("{}: expected a floating-point array, got {other}", d.name()))),
    }
}

fn elements<T>(b: &Buffer, n: usize) -> Result<&[T]> {
    if b.len() < n * std::mem::size_of::<T>() {
        return Err(Error::Compile { kernel: "linalg".into(), message: "operand buffer smaller than its shape".into() });
    }
    // SAFETY: length checked; buffers are 64-byte aligned and `T` is a
    // float or a pair of floats, valid for any bits.
    Ok(unsafe { std::slice::from_raw_parts(b.as_ptr() as *const T, n) })
}

fn run<T: Field>(d: Decomposition, inputs: &[Operand]) -> Result<Buffer> {
    let a = &inputs[0];
    let r = a.shape.len();
    let (m, n) = (a.shape[r - 2], a.shape[r - 1]);
    if d.square_only() && m != n {
        return Err(Error::Shape(format!("{}: expected square matrices, got shape {:?}", d.name(), a.shape.as_slice())));
    }
    let batch: usize = a.shape[..r - 2].iter().product();
    let k = if d == Decomposition::Solve { inputs[1].shape[r - 1] } else { 0 };
    let x = elements::<T>(&a.buffer, batch * m * n)?;
    let rhs = if d == Decomposition::Solve { elements::<T>(&inputs[1].buffer, batch * n * k)? } else { &[] };
    let per = d.packed_len(m, n, k);
    let real_dtype = a.dtype.real_part();
    let out = alloc(batch * per, if d.gives_real() { real_dtype } else { a.dtype })?;
    // The output's address as an integer, so the batch's tasks can share it.
    let out_at = out.as_mut_ptr() as usize;
    // Matrices `lo..hi` of the batch, each into its own `per` elements.
    let matrices = |lo: usize, hi: usize| -> Result<()> {
        let mut packed = Vec::with_capacity(per);
        let mut scaled = Vec::with_capacity(m * n);
        for b in lo..hi {
            // Scaled by a power of two to a largest magnitude in [1, 2): exact,
            // and it keeps faer's iterations away from subnormals and
            // overflow (LAPACK scales the same way; faer's SVD and
            // eigensolver failed or gave wrong vectors on 1e-45 or 1e-252
            // entries). Cholesky needs an even power (its factor scales by
            // the square root).
            let raw = &x[b * m * n..(b + 1) * m * n];
            let top = raw.iter().map(|v| v.parts()).fold(0.0f64, |t, (re, im)| t.max(re.abs()).max(im.abs()));
            let mut e = if top.is_finite() && top > 0.0 { top.log2().floor() as i32 } else { 0 };
            if matches!(d, Decomposition::Cholesky { .. }) {
                e &= !1;
            }
            scaled.clear();
            scaled.extend(raw.iter().map(|v| {
                let (re, im) = v.parts();
                T::from_parts(pow2(re, -e), pow2(im, -e))
            }));
            let mat = MatRef::from_row_major_slice(&scaled, m, n);
            packed.clear();
            one::<T>(d, mat, e, &rhs[b * n * k..(b + 1) * n * k], k, &mut packed).map_err(|e| match e {
                Error::Value(msg) if batch > 1 => Error::Value(format!("{msg} (matrix {b} of the batch)")),
                other => other,
            })?;
            debug_assert_eq!(packed.len(), per);
            // SAFETY: `out` is fresh and holds `batch * per` elements of the
            // output dtype; each matrix writes its own `per` of them.
            unsafe {
                if d.gives_real() {
                    for (i, v) in packed.iter().enumerate() {
                        let re = v.parts().0;
                        match real_dtype {
                            DType::Float32 => *(out_at as *mut f32).add(b * per + i) = re as f32,
                            _ => *(out_at as *mut f64).add(b * per + i) = re,
                        }
                    }
                } else {
                    std::ptr::copy_nonoverlapping(packed.as_ptr(), (out_at as *mut T).add(b * per), per);
                }
            }
        }
        Ok(())
    };
    // Small matrices factor one per task across the threads (a batch of
    // 8x8 inverses ran at a third of NumPy's speed one after the other);
    // large ones one after the other. The first error in batch order is
    // reported, whatever the threads.
    let threads = parallel::num_threads();
    let across_batch = batch > 1 && m * n <= SMALL_MATRIX && threads > 1;
    // faer splits its parallel work by the task count it is given, and
    // the last bits of an SVD or eigensolve depend on that split: a fixed
    // count (run by however many threads the pool has) keeps results the
    // same for any LAZYXP_NUM_THREADS. The setting is process-wide, so
    // every decomposition uses the same one.
    faer::set_global_parallelism(faer::Par::rayon(FAER_TASKS));
    if across_batch {
        parallel::map_chunks(batch, batch.div_ceil(4 * threads), matrices).into_iter().collect::<Result<()>>()?;
    } else {
        // On lazyxp's pool, so faer's parallel kernels use its threads.
        parallel::install(|| matrices(0, batch))?;
    }
    Ok(out)
}

/// The task count faer's parallel kernels split a factorization into.
const FAER_TASKS: usize = 4;

/// Matrices up to this many elements are factored one per thread.
const SMALL_MATRIX: usize = 64 * 64;

/// `v * 2^e` for any `e` a scaling can need (2^e itself may not be a
/// finite f64 past 1023).
fn pow2(v: f64, e: i32) -> f64 {
    let half = e / 2;
    v * 2f64.powi(half) * 2f64.powi(e - half)
}

/// `v * 2^e`, part by part.
fn unscale<T: Field>(v: T, e: i32) -> T {
    let (re, im) = v.parts();
    T::from_parts(pow2(re, e), pow2(im, e))
}

/// Row-major elements of `m` appended to `out`.
fn push_rows<T: Field>(m: MatRef<'_, T>, out: &mut Vec<T>) {
    for i in 0..m.nrows() {
        out.extend((0..m.ncols()).map(|j| m[(i, j)]));
    }
}

/// Row-major elements of `m`'s conjugate transpose appended to `out`.
fn push_adjoint_rows<T: Field>(m: MatRef<'_, T>, out: &mut Vec<T>) {
    for j in 0..m.ncols() {
        out.extend((0..m.nrows()).map(|i| conj(m[(i, j)])));
    }
}

fn real<T: Field>(v: f64) -> T {
    T::from_parts(v, 0.0)
}

fn conj<T: Field>(v: T) -> T {
    let (re, im) = v.parts();
    T::from_parts(re, -im)
}

fn singular(what: &str) -> Error {
    Error::Value(format!("{what}: the matrix is singular"))
}

/// One matrix's packed result, appended to `out`, for the matrix
/// `a * 2^e` (`a` is the scaled matrix faer sees).
fn one<T: Field>(d: Decomposition, a: MatRef<'_, T>, e: i32, rhs: &[T], k: usize, out: &mut Vec<T>) -> Result<()> {
    let (m, n) = (a.nrows(), a.ncols());
    let start = out.len();
    match d {
        Decomposition::Cholesky { upper } => {
            if n == 0 {
                return Ok(());
            }
            let llt = a.llt(Side::Lower).map_err(|_| Error::Value("cholesky: the matrix is not positive definite".into()))?;
            let l = llt.L();
            // Only the factor's triangle: faer leaves the other one unspecified.
            for i in 0..n {
                for j in 0..n {
                    // U = L^H.
                    let v = match (upper, j >= i, j <= i) {
                        (true, true, _) => conj(l[(j, i)]),
                        (false, _, true) => l[(i, j)],
                        _ => real(0.0),
                    };
                    out.push(v);
                }
            }
            // L(A 2^e) = L(A) 2^(e/2).
            out[start..].iter_mut().for_each(|v| *v = unscale(*v, e / 2));
        }
        Decomposition::Inverse | Decomposition::Solve => {
            if n == 0 {
                return Ok(());
            }
            let lu = a.partial_piv_lu();
            let u = lu.U();
            if (0..n).any(|i| u[(i, i)].parts() == (0.0, 0.0)) {
                return Err(singular(if d == Decomposition::Inverse { "inv" } else { "solve" }));
            }
            if d == Decomposition::Inverse {
                push_rows(lu.inverse().as_ref(), out);
            } else {
                let b = MatRef::from_row_major_slice(rhs, n, k);
                push_rows(lu.solve(b).as_ref(), out);
            }
            // (A 2^e)^-1 = A^-1 2^-e.
            out[start..].iter_mut().for_each(|v| *v = unscale(*v, -e));
        }
        Decomposition::Det | Decomposition::Slogdet => {
            let (sign, logabs, product) = slogdet(a);
            // det(A 2^e) = det(A) 2^(n e).
            let logabs = logabs + (n as f64) * (e as f64) * std::f64::consts::LN_2;
            if d == Decomposition::Det {
                // The product of the pivots, as NumPy forms it (n roundings
                // rather than exp of a sum of logs, whose error grows with
                // |log det|), scaled back one factor 2^e at a time; the
                // logarithm only where that product over- or underflowed.
                let (re, im) = (0..n).fold(product, |(re, im), _| (pow2(re, e), pow2(im, e)));
                if re.is_finite() && im.is_finite() && (re, im) != (0.0, 0.0) {
                    out.push(T::from_parts(re, im));
                } else {
                    let mag = logabs.exp();
                    out.push(T::from_parts(sign.0 * mag, sign.1 * mag));
                }
            } else {
                out.push(T::from_parts(sign.0, sign.1));
                out.push(real(logabs));
            }
        }
        Decomposition::Qr { complete } => {
            let qr = a.qr();
            let s = m.min(n);
            let q = if complete { qr.compute_Q() } else { qr.compute_thin_Q() };
            push_rows(q.as_ref(), out);
            let rows = if complete { m } else { s };
            let r = qr.R();
            for i in 0..rows {
                out.extend((0..n).map(|j| if j >= i && i < s { unscale(r[(i, j)], e) } else { real(0.0) }));
            }
        }
        Decomposition::Svd { full } => {
            let s = m.min(n);
            if s == 0 {
                // No singular values; the full factors are identities.
                if full {
                    (0..m).for_each(|i| out.extend((0..m).map(|j| real::<T>(if i == j { 1.0 } else { 0.0 }))));
                    (0..n).for_each(|i| out.extend((0..n).map(|j| real::<T>(if i == j { 1.0 } else { 0.0 }))));
                }
                return Ok(());
            }
            let svd = if full { a.svd() } else { a.thin_svd() }.map_err(|_| Error::Value("svd: did not converge".into()))?;
            push_rows(svd.U(), out);
            let sv = svd.S().column_vector();
            out.extend((0..s).map(|i| real::<T>(pow2(sv[i].parts().0, e))));
            push_adjoint_rows(svd.V(), out);
        }
        Decomposition::Svdvals => {
            if m.min(n) > 0 {
                let sv = a.singular_values().map_err(|_| Error::Value("svdvals: did not converge".into()))?;
                out.extend(sv.iter().map(|v| real::<T>(pow2(T::real_f64(v), e))));
            }
        }
        Decomposition::Eigh => {
            if n == 0 {
                return Ok(());
            }
            let eig = a.self_adjoint_eigen(Side::Lower).map_err(|_| Error::Value("eigh: did not converge".into()))?;
            let w = eig.S().column_vector();
            out.extend((0..n).map(|i| real::<T>(pow2(w[i].parts().0, e))));
            push_rows(eig.U(), out);
        }
        Decomposition::Eigvalsh => {
            if n > 0 {
                let w = a.self_adjoint_eigenvalues(Side::Lower).map_err(|_| Error::Value("eigvalsh: did not converge".into()))?;
                out.extend(w.iter().map(|v| real::<T>(pow2(T::real_f64(v), e))));
            }
        }
    }
    Ok(())
}

/// `(sign, log|det|, det)` from the LU factors, in f64: the sign is a
/// unit (complex for complex input), 0 with log|det| = -inf for a singular
/// matrix, as NumPy gives; `det` is the plain product of the pivots (it
/// may over- or underflow where the logarithm does not). The empty matrix
/// has determinant 1.
fn slogdet<T: Field>(a: MatRef<'_, T>) -> ((f64, f64), f64, (f64, f64)) {
    let n = a.nrows();
    if n == 0 {
        return ((1.0, 0.0), 0.0, (1.0, 0.0));
    }
    let lu = a.partial_piv_lu();
    let (u, perm) = (lu.U(), lu.P());
    // The permutation's parity from its cycles.
    let forward = perm.arrays().0;
    let mut seen = vec![false; n];
    let mut sign = (1.0f64, 0.0f64);
    for start in 0..n {
        let mut len = 0;
        let mut i = start;
        while !seen[i] {
            seen[i] = true;
            i = forward[i];
            len += 1;
        }
        if len > 0 && len % 2 == 0 {
            sign.0 = -sign.0;
        }
    }
    let mut logabs = 0.0f64;
    let mut product = (sign.0, 0.0f64);
    for i in 0..n {
        let (re, im) = u[(i, i)].parts();
        let mag = re.hypot(im);
        if mag == 0.0 {
            return ((0.0, 0.0), f64::NEG_INFINITY, (0.0, 0.0));
        }
        logabs += mag.ln();
        let (ur, ui) = (re / mag, im / mag);
        sign = (sign.0 * ur - sign.1 * ui, sign.0 * ui + sign.1 * ur);
        product = (product.0 * re - product.1 * im, product.0 * im + product.1 * re);
    }
    (sign, logabs, product)
}
