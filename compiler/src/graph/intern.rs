//! Hash-consing: building a node that already exists returns the existing
//! one, so common subexpressions are shared and computed once.

use super::node::{Node, NodeOp, NodeRef, State};
use hashbrown::HashMap;
use lazyxp_runtime::{DType, Shape};
use smallvec::SmallVec;
use std::sync::{Arc, Mutex, OnceLock, Weak};

#[derive(Hash, PartialEq, Eq)]
struct Key {
    op: NodeOp,
    dtype: DType,
    shape: Shape,
    inputs: SmallVec<[u64; 3]>,
}

struct Table {
    map: HashMap<Key, Weak<Node>>,
    /// Size after the last sweep of dead entries; the next sweep runs when
    /// the table doubles, so sweeping costs O(1) amortized per insert.
    swept_len: usize,
}

fn table() -> &'static Mutex<Table> {
    static TABLE: OnceLock<Mutex<Table>> = OnceLock::new();
    TABLE.get_or_init(|| Mutex::new(Table { map: HashMap::new(), swept_len: 0 }))
}

/// The node `op(inputs)` of `dtype` and `shape`, shared if it exists.
/// `make_state` builds the state of a fresh node (pending for computed
/// nodes; realized for constants).
pub fn intern(op: NodeOp, dtype: DType, shape: Shape, inputs: SmallVec<[NodeRef; 3]>, make_state: impl FnOnce(SmallVec<[NodeRef; 3]>) -> State) -> NodeRef {
    let key = Key {
        op: op.clone(),
        dtype,
        shape: shape.clone(),
        inputs: inputs.iter().map(|n| n.id).collect(),
    };
    let mut t = table().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(existing) = t.map.get(&key).and_then(Weak::upgrade) {
        return existing;
    }
    let node = Arc::new(Node::new(op, dtype, shape, make_state(inputs)));
    t.map.insert(key, Arc::downgrade(&node));
    if t.map.len() > 2 * t.swept_len + 1024 {
        t.map.retain(|_, w| w.strong_count() > 0);
        t.swept_len = t.map.len();
    }
    node
}

/// Live entries in the hash-consing table (for tests and diagnostics).
pub fn node_count() -> usize {
    let t = table().lock().unwrap_or_else(|e| e.into_inner());
    t.map.values().filter(|w| w.strong_count() > 0).count()
}
