//! Hash-consing: building a node that already exists returns the existing
//! one, so common subexpressions are shared and computed once.
//!
//! A node removes its own entry when it is dropped (found by the hash it
//! was interned under and its id: a node being dropped may have been moved
//! out of its `Arc`, so its address proves nothing), so the table holds live nodes
//! only: a loop that builds fresh nodes every iteration neither grows the
//! table nor keeps dead nodes' memory until a sweep.

use super::node::{Node, NodeOp, NodeRef, State};
use hashbrown::HashTable;
use lazyxp_runtime::{DType, Shape};
use smallvec::SmallVec;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock, Weak};

/// One interned node. The node itself holds its op, dtype and shape, so the
/// entry keeps only what the node may lose: the ids of its inputs (a
/// realized node drops its inputs, and still stands for `op(inputs)`).
struct Entry {
    hash: u64,
    /// The node's id, which its drop matches.
    id: u64,
    inputs: SmallVec<[u64; 3]>,
    node: Weak<Node>,
}

struct Table {
    hasher: hashbrown::DefaultHashBuilder,
    entries: HashTable<Entry>,
    /// The constants built last, and the views of them (the broadcast that
    /// meets `x`'s shape), kept alive so that `x * 2.0` in a loop finds
    /// the same constant node (and its buffer) and the same broadcast every
    /// iteration instead of building and dropping them each time.
    recent_constants: Vec<NodeRef>,
    next_constant: usize,
}

/// Constants (and views of them) `Table::recent_constants` keeps.
const RECENT_CONSTANTS: usize = 128;

fn table() -> &'static Mutex<Table> {
    static TABLE: OnceLock<Mutex<Table>> = OnceLock::new();
    TABLE.get_or_init(|| Mutex::new(Table { hasher: Default::default(), entries: HashTable::new(), recent_constants: Vec::new(), next_constant: 0 }))
}

fn lock() -> std::sync::MutexGuard<'static, Table> {
    table().lock().unwrap_or_else(|e| e.into_inner())
}

/// What a node is, seen from the table: built from borrowed parts, so a
/// lookup that finds the node clones nothing.
struct Key<'a> {
    op: &'a NodeOp,
    dtype: DType,
    shape: &'a [usize],
    inputs: &'a [NodeRef],
}

impl Key<'_> {
    fn hash(&self, t: &Table) -> u64 {
        let mut h = t.hasher.build_hasher();
        self.op.hash(&mut h);
        self.dtype.hash(&mut h);
        self.shape.hash(&mut h);
        self.inputs.iter().for_each(|n| h.write_u64(n.id));
        h.finish()
    }

    /// The live node of `e` if it is this key's.
    fn live(&self, e: &Entry) -> Option<NodeRef> {
        if !e.inputs.iter().copied().eq(self.inputs.iter().map(|n| n.id)) {
            return None;
        }
        let node = e.node.upgrade()?;
        (node.op == *self.op && node.dtype == self.dtype && node.shape.as_slice() == self.shape).then_some(node)
    }

    /// The live node with this key, if any.
    fn find(&self, t: &Table, hash: u64) -> Option<NodeRef> {
        let mut found = None;
        t.entries.find(hash, |e| {
            found = self.live(e);
            found.is_some()
        });
        found
    }
}

/// The node `op(inputs)` of `dtype` and `shape`, shared if it exists.
/// `make_state` builds the state of a fresh node (pending for computed
/// nodes; realized for constants).
pub fn intern(op: NodeOp, dtype: DType, shape: Shape, inputs: SmallVec<[NodeRef; 3]>, make_state: impl FnOnce(SmallVec<[NodeRef; 3]>) -> State) -> NodeRef {
    let key = Key { op: &op, dtype, shape: &shape, inputs: &inputs };
    let mut t = lock();
    let hash = key.hash(&t);
    if let Some(existing) = key.find(&t, hash) {
        return existing;
    }
    let keep_recent = match op {
        NodeOp::Const(_) => true,
        NodeOp::View(_) => inputs.iter().all(|n| matches!(n.op, NodeOp::Const(_))),
        _ => false,
    };
    let input_ids = inputs.iter().map(|n| n.id).collect();
    // An entry whose node died but whose drop has not removed it yet stays
    // until that drop does (it matches by id); it no longer matches a key.
    let mut node = Node::new(op, dtype, shape, make_state(inputs));
    node.interned = Some(hash);
    let node = Arc::new(node);
    t.entries.insert_unique(hash, Entry { hash, id: node.id, inputs: input_ids, node: Arc::downgrade(&node) }, |e| e.hash);
    if keep_recent {
        let evicted = if t.recent_constants.len() < RECENT_CONSTANTS {
            t.recent_constants.push(node.clone());
            None
        } else {
            let slot = t.next_constant;
            t.next_constant = (slot + 1) % RECENT_CONSTANTS;
            Some(std::mem::replace(&mut t.recent_constants[slot], node.clone()))
        };
        // An evicted constant's drop takes the table lock to remove its entry.
        drop(t);
        drop(evicted);
    }
    node
}

/// The live node `op(inputs)` of `dtype` and `shape`, if one exists: lets
/// a caller skip building what a fresh node would need (a constant's
/// buffer) when the node is already there.
pub fn lookup(op: &NodeOp, dtype: DType, shape: &Shape, inputs: &[NodeRef]) -> Option<NodeRef> {
    let key = Key { op, dtype, shape, inputs };
    let t = lock();
    let hash = key.hash(&t);
    key.find(&t, hash)
}

/// Removes the entry of node `id`, interned under `hash`, as it is dropped.
pub(crate) fn forget(hash: u64, id: u64) {
    let mut t = lock();
    if let Ok(entry) = t.entries.find_entry(hash, |e| e.id == id) {
        let (removed, _) = entry.remove();
        drop(t);
        drop(removed);
    }
}

/// Live entries in the hash-consing table (for tests and diagnostics).
pub fn node_count() -> usize {
    lock().entries.iter().filter(|e| e.node.strong_count() > 0).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel_ir::UnaryOp;
    use lazyxp_runtime::Buffer;

    fn entries() -> usize {
        lock().entries.len()
    }

    #[test]
    fn dropped_nodes_leave_the_table_and_equal_nodes_are_shared() {
        let x = Node::leaf(Buffer::uninit(16).unwrap(), DType::Float32, Shape::from_slice(&[4]));
        let neg = |x: &NodeRef| intern(NodeOp::Unary(UnaryOp::Neg), DType::Float32, x.shape.clone(), smallvec::smallvec![x.clone()], State::Pending);
        let a = neg(&x);
        assert!(Arc::ptr_eq(&a, &neg(&x)), "the same op on the same input is one node");
        let before = entries();
        let chain: Vec<NodeRef> = (0..1000).map(|_| neg(&neg(&x))).collect();
        assert!(chain.windows(2).all(|w| Arc::ptr_eq(&w[0], &w[1])));
        drop(a);
        drop(chain);
        // Other tests intern concurrently; ours are gone whatever they do.
        assert!(entries() < before + 1000, "{} entries before, {} after", before, entries());
        let t = lock();
        // neg(x) was dropped last by neg(neg(x))'s drop, moved out of its Arc.
        assert!(t.entries.iter().all(|e| e.inputs.as_slice() != [x.id]), "neg(x) left no entry behind");
    }

    #[test]
    fn recent_constants_are_reused_and_evicted_ones_leave() {
        let c = |v: f32| intern(NodeOp::Const(lazyxp_runtime::Scalar::F32(v)), DType::Float32, Shape::new(), SmallVec::new(), |_| State::Realized { buffer: Buffer::uninit(4).unwrap(), record: None });
        let first = c(1234.5).id;
        assert_eq!(c(1234.5).id, first, "a constant dropped by its user is still the same node");
        // Push it out of the recent ones: its entry goes with it (a
        // deadlock here would mean the evicted drop ran under the lock).
        for i in 0..2 * RECENT_CONSTANTS {
            c(-(i as f32));
        }
        assert_ne!(c(1234.5).id, first);
    }

    #[test]
    fn broadcasts_of_constants_are_reused_and_others_are_not_kept() {
        let c = intern(NodeOp::Const(lazyxp_runtime::Scalar::F32(42.5)), DType::Float32, Shape::new(), SmallVec::new(), |_| State::Realized { buffer: Buffer::uninit(4).unwrap(), record: None });
        // A 0-d input seen as shape [7]: no input dims, one output dim.
        let broadcast = |x: &NodeRef| intern(NodeOp::View(crate::graph::ViewMap { dims: SmallVec::new() }), DType::Float32, Shape::from_slice(&[7]), smallvec::smallvec![x.clone()], State::Pending);
        let first = broadcast(&c).id;
        assert_eq!(broadcast(&c).id, first, "x * 2.0 in a loop meets the same broadcast of 2.0");
        // A view of a leaf is not kept once its user drops it.
        let x = Node::leaf(Buffer::uninit(4).unwrap(), DType::Float32, Shape::new());
        let first = broadcast(&x).id;
        assert_ne!(broadcast(&x).id, first);
    }
}
