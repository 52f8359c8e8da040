//! Iterative traversal: a graph of a million nodes must not overflow the
//! stack, so nothing here recurses.

use super::node::NodeRef;
use hashbrown::HashMap;
use smallvec::SmallVec;

/// Every node reachable from `roots` through pending nodes, inputs before
/// users, each with the inputs it had when visited (realized nodes have none).
pub fn topo_order(roots: &[NodeRef]) -> Vec<(NodeRef, SmallVec<[NodeRef; 3]>)> {
    topo_order_indexed(roots).0
}

/// `topo_order`, plus each node's position in it by node id (the scheduler
/// needs both, and the walk builds the map anyway).
pub fn topo_order_indexed(roots: &[NodeRef]) -> (Vec<(NodeRef, SmallVec<[NodeRef; 3]>)>, HashMap<u64, usize>) {
    // Sized for the small graphs of a hot loop, which then allocate once
    // each instead of growing through several sizes.
    let mut order = Vec::with_capacity(16);
    // usize::MAX while a node is on the stack, its position once placed.
    let mut seen: HashMap<u64, usize> = HashMap::with_capacity(16);
    // (node, its inputs, how many inputs were pushed already)
    let mut stack: Vec<(NodeRef, SmallVec<[NodeRef; 3]>, usize)> = Vec::with_capacity(8);
    for root in roots {
        if mark(&mut seen, root.id) {
            stack.push((root.clone(), root.inputs(), 0));
        }
        while let Some(top) = stack.last_mut() {
            if top.2 < top.1.len() {
                let child = &top.1[top.2];
                top.2 += 1;
                if mark(&mut seen, child.id) {
                    let child = child.clone();
                    let inputs = child.inputs();
                    stack.push((child, inputs, 0));
                }
            } else {
                let (node, inputs, _) = stack.pop().unwrap();
                seen.insert(node.id, order.len());
                order.push((node, inputs));
            }
        }
    }
    (order, seen)
}

/// Marks `id` as on the stack; false if it was seen before.
fn mark(seen: &mut HashMap<u64, usize>, id: u64) -> bool {
    match seen.entry(id) {
        hashbrown::hash_map::Entry::Occupied(_) => false,
        hashbrown::hash_map::Entry::Vacant(v) => {
            v.insert(usize::MAX);
            true
        }
    }
}
