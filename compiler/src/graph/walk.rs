//! Iterative traversal: a graph of a million nodes must not overflow the
//! stack, so nothing here recurses.

use super::node::NodeRef;
use hashbrown::HashSet;
use smallvec::SmallVec;

/// Every node reachable from `roots` through pending nodes, inputs before
/// users, each with the inputs it had when visited (realized nodes have none).
pub fn topo_order(roots: &[NodeRef]) -> Vec<(NodeRef, SmallVec<[NodeRef; 3]>)> {
    let mut order = Vec::new();
    let mut seen: HashSet<u64> = HashSet::new();
    // (node, its inputs, how many inputs were pushed already)
    let mut stack: Vec<(NodeRef, SmallVec<[NodeRef; 3]>, usize)> = Vec::new();
    for root in roots {
        if !seen.insert(root.id) {
            continue;
        }
        let inputs = root.inputs();
        stack.push((root.clone(), inputs, 0));
        while let Some(top) = stack.last_mut() {
            if top.2 < top.1.len() {
                let child = top.1[top.2].clone();
                top.2 += 1;
                if seen.insert(child.id) {
                    let inputs = child.inputs();
                    stack.push((child, inputs, 0));
                }
            } else {
                let (node, inputs, _) = stack.pop().unwrap();
                order.push((node, inputs));
            }
        }
    }
    order
}
