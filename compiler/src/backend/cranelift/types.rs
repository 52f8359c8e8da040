//! How kernel IR dtypes map onto Cranelift types in each path.

use cranelift_codegen::ir::types::{self, Type};
use lazyxp_runtime::DType;

/// The memory and register type of one element (bool is a byte, 0 or 1).
pub fn scalar_type(d: DType) -> Type {
    match d {
        DType::Bool | DType::Int8 | DType::UInt8 => types::I8,
        DType::Int16 | DType::UInt16 => types::I16,
        DType::Int32 | DType::UInt32 => types::I32,
        DType::Int64 | DType::UInt64 => types::I64,
        DType::Float32 => types::F32,
        DType::Float64 => types::F64,
        DType::Complex64 | DType::Complex128 => unreachable!("verify() rejects complex kernel values"),
    }
}

/// The register type of a value in a path of `lanes` lanes. In vector paths
/// bools are lane masks (all ones / all zeros) of the kernel's lane width,
/// which is what vector comparisons produce and `bitselect` consumes.
pub fn value_type(d: DType, lanes: u32, lane_bytes: u32) -> Type {
    if lanes == 1 {
        return scalar_type(d);
    }
    let lane = if d.is_bool() {
        Type::int(lane_bytes as u16 * 8).expect("4 or 8 byte lanes")
    } else {
        scalar_type(d)
    };
    lane.by(lanes).expect("128-bit vector")
}
