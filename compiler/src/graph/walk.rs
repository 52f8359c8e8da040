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
    pub input_positions: SmallVec<[u32; 32]>,
    /// Position in `nodes` by node id.
    seen: Seen,
}

/// usize::MAX marks a node that is on the stack, not yet placed.
const ON_STACK: usize = usize::MAX;

/// Graphs up to this many nodes keep their positions in a list searched
/// linearly: a hot loop's graph has a handful of nodes, where hashing and
/// allocating a table cost more than the search.
const LINEAR_UP_TO: usize = 32;

/// Node id -> position (or `ON_STACK`). The short list is inline on
/// purpose: one walk per eval, and not allocating it is the point.
#[allow(clippy::large_enum_variant)]
enum Seen {
    Few(SmallVec<[(u64, usize); 16]>),
    Many(HashMap<u64, usize>),
}

impl Seen {
    fn get(&self, id: u64) -> Option<usize> {
        match self {
            Seen::Few(v) => v.iter().find(|e| e.0 == id).map(|e| e.1),
            Seen::Many(m) => m.get(&id).copied(),
        }
    }

    /// Records `id` at `at` unless it is there already; then its value.
    fn try_insert(&mut self, id: u64, at: usize) -> Result<(), usize> {
        if let Some(found) = self.get(id) {
            return Err(found);
        }
        match self {
            Seen::Few(v) if v.len() < LINEAR_UP_TO => v.push((id, at)),
            Seen::Few(v) => {
                let mut m: HashMap<u64, usize> = v.iter().copied().collect();
                m.insert(id, at);
                *self = Seen::Many(m);
            }
            Seen::Many(m) => {
                m.insert(id, at);
            }
        }
        Ok(())
    }

    fn set(&mut self, id: u64, at: usize) {
        match self {
            Seen::Few(v) => v.iter_mut().find(|e| e.0 == id).expect("nodes are marked before they are placed").1 = at,
            Seen::Many(m) => {
                m.insert(id, at);
            }
        }
    }
}

impl Walk {
    pub fn from(roots: &[NodeRef]) -> Walk {
        // `nodes` is sized for a hot loop's small graphs (one allocation, no
        // regrowth); the positions and the visit stack are inline, so such
        // a walk allocates nothing else.
        let mut nodes: Vec<(NodeRef, SmallVec<[NodeRef; 3]>)> = Vec::with_capacity(16);
        let mut input_positions = SmallVec::new();
        let mut seen = Seen::Few(SmallVec::new());
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
        let mut stack: SmallVec<[Visit; 8]> = SmallVec::new();
        for root in roots {
            if seen.try_insert(root.id, ON_STACK).is_err() {
                continue;
            }
            stack.push(visit(root.clone()));
            while let Some(top) = stack.last_mut() {
                if let Some(child) = top.inputs.get(top.next) {
                    top.next += 1;
                    match seen.try_insert(child.id, ON_STACK) {
                        Ok(()) => {
                            let child = child.clone();
                            stack.push(visit(child));
                        }
                        Err(placed) => {
                            debug_assert_ne!(placed, ON_STACK, "graphs have no cycles");
                            top.positions.push(placed as u32);
                        }
                    }
                    continue;
                }
                let done = stack.pop().expect("the loop runs while the stack has a top");
                let at = nodes.len();
                seen.set(done.node.id, at);
                input_positions.extend_from_slice(&done.positions);
                nodes.push((done.node, done.inputs));
                if let Some(user) = stack.last_mut() {
                    user.positions.push(at as u32);
                }
            }
        }
        Walk { nodes, input_positions, seen }
    }

    /// Where node `id` sits in `nodes`.
    pub fn position(&self, id: u64) -> usize {
        self.seen.get(id).expect("only walked nodes are asked for")
    }

    /// Every node's position by id, as a table (what planning a new graph
    /// looks up on every edge).
    pub fn index(&self) -> HashMap<u64, usize> {
        self.nodes.iter().enumerate().map(|(i, (n, _))| (n.id, i)).collect()
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
        let index = w.index();
        let mut at = 0;
        for (i, (n, inputs)) in w.nodes.iter().enumerate() {
            assert_eq!(w.position(n.id), i);
            assert_eq!(index[&n.id], i);
            let expected: Vec<u32> = inputs.iter().map(|m| w.position(m.id) as u32).collect();
            assert!(expected.iter().all(|&p| (p as usize) < i), "inputs come before their users");
            assert_eq!(&w.input_positions[at..at + inputs.len()], expected.as_slice(), "inputs of {n:?}");
            at += inputs.len();
        }
        assert_eq!(at, w.input_positions.len());
    }

    #[test]
    fn graphs_past_the_linear_list_keep_their_positions() {
        let shape = Shape::from_slice(&[2]);
        let mut x = Node::leaf(Buffer::uninit(8).unwrap(), DType::Float32, shape.clone());
        let leaf = x.clone();
        // A chain long enough to move the positions into a hash map
        // mid-walk, each link also reading the leaf.
        for _ in 0..3 * LINEAR_UP_TO {
            x = intern(NodeOp::Binary(BinaryOp::Add), DType::Float32, shape.clone(), smallvec::smallvec![x, leaf.clone()], State::Pending);
        }
        let w = Walk::from(std::slice::from_ref(&x));
        assert_eq!(w.nodes.len(), 3 * LINEAR_UP_TO + 1);
        assert_eq!(w.position(leaf.id), 0);
        for (i, (n, _)) in w.nodes.iter().enumerate() {
            assert_eq!(w.position(n.id), i);
        }
        assert!(w.input_positions.chunks(2).enumerate().all(|(i, p)| p == [i as u32, 0]), "{:?}", &w.input_positions[..8]);
    }
}
