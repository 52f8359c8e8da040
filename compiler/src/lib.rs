//! The lazyxp compiler: graph IR -> fusion -> kernel IR -> machine code.
//!
//! Follow `log(sin(x)+5)` through it: `graph` holds the lazy nodes the
//! frontend builds, `schedule` cuts them into kernels and says why,
//! `lower` turns each kernel's nodes into `kernel_ir`, `math` expands
//! `sin` and `log` into arithmetic, `backend::cranelift` emits machine code,
//! `cache` keeps it, and `interp` is the reference every backend is tested
//! against.

pub mod kernel_ir;
pub mod backend;
pub mod cache;
pub mod dump;
pub mod execute;
pub mod graph;
pub mod library;
pub mod lower;
pub mod schedule;
pub mod interp;
pub mod interp_reduce;
pub mod math;
