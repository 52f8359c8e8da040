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
    let mut order = Vec::new();
    // usize::MAX while a node is on the stack, its position once placed.
    let mut seen: HashMap<u64, usize> = HashMap::new();
    // (node, its inputs, how many inputs were pushed already)
    let mut stack: Vec<(NodeRef, SmallVec<[NodeRef; 3]>, usize)> = Vec::new();
    for root in roots {
        if seen.contains_key(&root.id) {
            continue;
        }
        seen.insert(root.id, usize::MAX);
        let inputs = root.inputs();
        stack.push((root.clone(), inputs, 0));
        while let Some(top) = stack.last_mut() {
            if top.2 < top.1.len() {
                let child = top.1[top.2].clone();
                top.2 += 1;
                if !seen.contains_key(&child.id) {
                    seen.insert(child.id, usize::MAX);
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
