//! Iterative traversal: a graph of a million nodes must not overflow the
//! stack, so nothing here recurses.

use super::node::NodeRef;
use hashbrown::HashMap;
use smallvec::SmallVec;

/// Every node reachable from `roots` through pending nodes, inputs before
/// users, each with the inputs it had when visited (realized nodes have none).
pub fn topo_order(roots: &[NodeRef]) -> Vec<(NodeRef, SmallVec<[NodeRef; 3]>)> {
    Walk::from(roots).nodes
}

/// A topological order of the graph below some roots, with what the
/// scheduler asks of it on every eval: where each node and each node's
/// inputs sit in the order.
pub struct Walk {
    /// Every node reachable from the roots through pending nodes, inputs
    /// before users, each with the inputs it had when visited.
    pub nodes: Vec<(NodeRef, SmallVec<[NodeRef; 3]>)>,
    /// The positions in `nodes` of each node's inputs, node after node
    /// (`nodes[i]`'s are the next `nodes[i].1.len()`): the plan cache's key
    /// is made of them, and gathering them during the walk costs no lookups.
    pub input_positions: Vec<u32>,
    /// Position in `nodes` by node id.
    pub index: HashMap<u64, usize>,
}

/// usize::MAX marks a node that is on the stack, not yet placed.
const ON_STACK: usize = usize::MAX;

impl Walk {
    pub fn from(roots: &[NodeRef]) -> Walk {
        // Sized for the small graphs of a hot loop, which then allocate once
        // each instead of growing through several sizes.
        let mut nodes: Vec<(NodeRef, SmallVec<[NodeRef; 3]>)> = Vec::with_capacity(16);
        let mut input_positions = Vec::with_capacity(32);
        let mut index: HashMap<u64, usize> = HashMap::with_capacity(16);
        // A node being visited: its inputs, how many were looked at, and the
        // positions of those already placed.
        struct Visit {
            node: NodeRef,
            inputs: SmallVec<[NodeRef; 3]>,
            next: usize,
            positions: SmallVec<[u32; 3]>,
        }
        let visit = |node: NodeRef| {
            let inputs = node.inputs();
            Visit { node, inputs, next: 0, positions: SmallVec::new() }
        };
        let mut stack: Vec<Visit> = Vec::with_capacity(8);
        for root in roots {
            if index.try_insert(root.id, ON_STACK).is_err() {
                continue;
            }
            stack.push(visit(root.clone()));
            while let Some(top) = stack.last_mut() {
                if let Some(child) = top.inputs.get(top.next) {
                    top.next += 1;
                    match index.try_insert(child.id, ON_STACK) {
                        Ok(_) => {
                            let child = child.clone();
                            stack.push(visit(child));
                        }
                        Err(placed) => {
                            debug_assert_ne!(*placed.entry.get(), ON_STACK, "graphs have no cycles");
                            top.positions.push(*placed.entry.get() as u32);
                        }
                    }
                    continue;
                }
                let done = stack.pop().expect("the loop runs while the stack has a top");
                let at = nodes.len();
                index.insert(done.node.id, at);
                input_positions.extend_from_slice(&done.positions);
                nodes.push((done.node, done.inputs));
                if let Some(user) = stack.last_mut() {
                    user.positions.push(at as u32);
                }
            }
        }
        Walk { nodes, input_positions, index }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{intern, Node, NodeOp, State};
    use crate::kernel_ir::BinaryOp;
    use lazyxp_runtime::{Buffer, DType, Shape};

    #[test]
    fn input_positions_are_where_the_inputs_were_placed() {
        let shape = Shape::from_slice(&[4]);
        let leaf = || Node::leaf(Buffer::uninit(16).unwrap(), DType::Float32, shape.clone());
        let op = |b: BinaryOp, x: &NodeRef, y: &NodeRef| intern(NodeOp::Binary(b), DType::Float32, shape.clone(), smallvec::smallvec![x.clone(), y.clone()], State::Pending);
        let (x, y) = (leaf(), leaf());
        // x*x uses one input twice; s is shared by both roots, and the
        // second root repeats the first.
        let s = op(BinaryOp::Mul, &x, &x);
        let a = op(BinaryOp::Add, &s, &y);
        let b = op(BinaryOp::Sub, &y, &s);
        let w = Walk::from(&[a.clone(), b.clone(), a.clone()]);
        assert_eq!(w.nodes.len(), 5);
        let mut at = 0;
        for (i, (n, inputs)) in w.nodes.iter().enumerate() {
            assert_eq!(w.index[&n.id], i);
            let expected: Vec<u32> = inputs.iter().map(|m| w.index[&m.id] as u32).collect();
            assert!(expected.iter().all(|&p| (p as usize) < i), "inputs come before their users");
            assert_eq!(&w.input_positions[at..at + inputs.len()], expected.as_slice(), "inputs of {n:?}");
            at += inputs.len();
        }
        assert_eq!(at, w.input_positions.len());
    }
}
