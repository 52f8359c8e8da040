//! The bottom layer of lazyxp: everything a kernel needs at run time and
//! nothing about graphs. `compiler` builds on it; `frontend` glues both.

pub mod buffer;
#[cfg(feature = "cuda")]
pub mod cuda;
pub mod dtype;
pub mod error;
pub mod launch;
pub mod parallel;
pub mod scalar;
pub mod shape;
pub mod storage;

pub use buffer::Buffer;
pub use dtype::DType;
pub use error::{Error, Result};
pub use scalar::Scalar;
pub use shape::Shape;
pub use storage::{Device, Placement};
