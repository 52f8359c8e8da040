
pub mod interp;
pub mod math;
