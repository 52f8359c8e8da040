//! The one error type of lazyxp. Every fallible call in every crate returns
//! it, so a Rust user matches on one enum and the Python layer maps each
//! variant to the exception the array API standard names.

use thiserror::Error;

#[derive(Debug, Clone, Error, PartialEq)]
pub enum Error {
    /// Shapes that cannot be broadcast or combined; the message names them.
    #[error("shape error: {0}")]
    Shape(String),
    /// A dtype (or pair of dtypes) an operation does not accept.
    #[error("dtype error: {0}")]
    DType(String),
    /// A value out of range for the requested operation (sizes, scalars).
    #[error("value error: {0}")]
    Value(String),
    /// An index outside the array (integer indices, `take`, gathers): the
    /// standard's IndexError.
    #[error("index error: {0}")]
    Index(String),
    /// Element or byte count that does not fit in memory addressing.
    #[error("size overflow: {0}")]
    Overflow(String),
    /// Host memory could not be allocated.
    #[error("out of memory: {0}")]
    OutOfMemory(String),
    /// Something lazyxp does not implement yet; never a silent wrong answer.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The compiler or a backend failed on a kernel; always a lazyxp bug,
    /// reported with the kernel's name so it can be reproduced from a dump.
    #[error("compile error in kernel {kernel}: {message}")]
    Compile { kernel: String, message: String },
    /// Device problems (no driver, launch failure).
    #[error("device error: {0}")]
    Device(String),
}

pub type Result<T> = std::result::Result<T, Error>;
