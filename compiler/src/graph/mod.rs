//! Graph IR: the lazy expression DAG the frontend builds.
//!
//! Nodes are whole-array operations with their dtype and shape known when
//! they are built. They are hash-consed (`intern.rs`), so writing the same
//! subexpression twice yields one node. A pending node holds its inputs; once
//! evaluated it holds only its buffer, so memory does not grow with the
//! history of a computation.

mod dot;
mod intern;
mod node;
mod view;
mod walk;

pub use dot::to_dot;
pub use intern::{intern, lookup, node_count};
pub use node::{ComplexOp, EvalRecord, Node, NodeOp, NodeRef, NodeSummary, PlannedKernel, State};
pub use view::{InDim, ViewMap};
pub use walk::{topo_order, Walk};
