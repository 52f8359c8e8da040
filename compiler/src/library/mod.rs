//! Library kernels: operations that are not loops over an index space
//! (matrix products, arg-extremes and cumulative scans today; sorting and
//! linear algebra later). The scheduler
//! makes each one its own step, with its inputs materialized, and the fusion
//! plan names it; the elementwise work around it fuses on either side.

pub mod matmul;
pub mod scan;
