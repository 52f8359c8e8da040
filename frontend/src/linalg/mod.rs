//! Linear algebra: the main namespace's products (matmul, tensordot,
//! vecdot) and the standard's `linalg` extension.
//!
//! Only the matrix decompositions are opaque library kernels (through
//! `faer`); everything else of the extension is a lazy graph of other ops,
//! so `vector_norm(x - y)` is one fused reduction and `pinv` is an SVD
//! with matrix products around it.

mod decompositions;
mod diagonals;
mod norms;
mod products;

pub use decompositions::{cholesky, det, eigh, eigvalsh, inv, matrix_power, matrix_rank, pinv, qr, slogdet, solve, svd, svdvals, Eigh, Qr, Slogdet, Svd};
pub use diagonals::{diagonal, trace};
pub use norms::{matrix_norm, vector_norm, MatrixOrder};
pub use products::{cross, matmul, outer, tensordot, tensordot_axes, vecdot};
pub use crate::manipulation::matrix_transpose;
