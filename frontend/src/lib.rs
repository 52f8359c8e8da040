//! lazyxp: lazy arrays with the functions of the Python array API standard,
//! fused and compiled to machine code when evaluated.
//!
//! ```
//! use lazyxp as xp;
//! let x = xp::linspace(0.0, 100.0, 1000, xp::DType::Float32)?;
//! let y = xp::log(&(xp::sin(&x)? + 5.0)?)?;   // builds a graph, computes nothing
//! xp::eval(&[&y])?;                            // one fused kernel, compiled once
//! let v: Vec<f32> = y.to_vec()?;
//! assert!((v[1] - ((100.0f32 / 999.0).sin() + 5.0).ln()).abs() < 1e-6);
//! # Ok::<(), xp::Error>(())
//! ```
//!
//! Every function that can fail returns `Result`: a shape or dtype error is
//! reported by the call that caused it, with the shapes in the message, never
//! later by `eval`.

mod array;
mod array_key;
mod creation;
mod device;
mod elementwise;
mod indexing;
mod joining;
pub mod linalg;
mod manipulation;
mod searching;
mod sets;
mod sorting;
mod tiling;
mod updating;
mod statistical;
mod operators;
mod promotion;

pub use array::{eval, eval_with, Array};
pub use lazyxp_compiler::execute::Engine;
pub use creation::{arange, asarray, asarray_on, from_buffer, full, linspace, linspace_values, ones, scalar, zeros};
pub use device::{check_device, devices, Device};
pub use elementwise::*;
pub use manipulation::{expand_dims, flip, index, matrix_transpose, moveaxis, permute_dims, reshape, squeeze, Index};
pub use searching::{argmax, argmin};
pub use array_key::ArrayIndex;
pub use indexing::{index_arrays, mask_fits, mask_index, nonzero, take, take_along_axis, take_indices};
pub use joining::{concat, diff, roll, stack, unstack};
pub use sets::{isin, unique_all, unique_counts, unique_inverse, unique_values};
pub use sorting::{argsort, searchsorted, sort};
pub use tiling::{meshgrid, repeat, repeat_counts, tile};
pub use updating::{set_index, set_index_arrays, set_mask};
pub use statistical::*;
pub use linalg::{matmul, tensordot, tensordot_axes, vecdot};
pub use lazyxp_runtime::dtype::{Element, Kind};
pub use lazyxp_runtime::{DType, Error, Result, Scalar};
pub use lazyxp_runtime::parallel::num_threads;
pub use promotion::{result_type, PyScalar};

/// Pending chains longer than this are evaluated as they are built, which
/// bounds fused kernel size, compile time and recursion depth (a loop that
/// builds a million-node chain runs as a series of cached kernels).
pub const MAX_PENDING_DEPTH: u32 = 192;
