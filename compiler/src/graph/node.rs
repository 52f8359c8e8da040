//! One graph node and its evaluation state.

use crate::kernel_ir::{BinaryOp, CmpOp, UnaryOp};
use lazyxp_runtime::{Buffer, DType, Scalar, Shape};
use smallvec::SmallVec;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub type NodeRef = Arc<Node>;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NodeOp {
    /// Data that exists: user input or an earlier result.
    Leaf,
    /// A scalar constant (0-d), held in a one-element buffer so kernels read
    /// it by value like any other broadcast input.
    Const(Scalar),
    Unary(UnaryOp),
    Binary(BinaryOp),
    Cmp(CmpOp),
    /// `where(cond, a, b)`.
    Where,
    /// Conversion to the node's dtype.
    Cast,
    /// The input viewed at the node's (larger or equal) shape: an index
    /// transform, never a copy.
    Broadcast,
}

impl NodeOp {
    pub fn name(&self) -> String {
        match self {
            NodeOp::Leaf => "leaf".into(),
            NodeOp::Const(c) => format!("const {c}"),
            NodeOp::Unary(u) => u.name().into(),
            NodeOp::Binary(b) => b.name().into(),
            NodeOp::Cmp(c) => c.name().into(),
            NodeOp::Where => "where".into(),
            NodeOp::Cast => "cast".into(),
            NodeOp::Broadcast => "broadcast".into(),
        }
    }
}

pub enum State {
    Pending(SmallVec<[NodeRef; 3]>),
    Realized {
        buffer: Buffer,
        /// How this node was computed, for `explain` after the fact.
        record: Option<Arc<EvalRecord>>,
    },
}

/// What one `eval` did, kept by the nodes it realized (cheap: names, ids
/// and shared references to cached kernels, no graph nodes).
#[derive(Debug, Default)]
pub struct EvalRecord {
    /// The graph as it was before evaluation, in topological order.
    pub graph: String,
    /// The fusion plan: kernels, their members and every boundary's reason.
    pub plan: String,
    /// Per kernel launched: name, cache key, hit or miss, compile and run time.
    pub kernels: Vec<crate::cache::KernelRun>,
}

pub struct Node {
    /// Unique for the life of the process; orders nodes by creation.
    pub id: u64,
    pub op: NodeOp,
    pub dtype: DType,
    pub shape: Shape,
    /// Length of the longest chain of pending nodes below this one; the
    /// frontend evaluates early when it grows too long, which bounds both
    /// fused kernel size and recursion anywhere (drop included).
    pub depth: u32,
    pub state: Mutex<State>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Node {
    pub(crate) fn new(op: NodeOp, dtype: DType, shape: Shape, state: State) -> Node {
        let depth = match &state {
            State::Pending(inputs) => 1 + inputs.iter().map(|i| i.pending_depth()).max().unwrap_or(0),
            State::Realized { .. } => 0,
        };
        Node {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            op,
            dtype,
            shape,
            depth,
            state: Mutex::new(state),
        }
    }

    /// A realized leaf over `buffer`, which must hold the shape's elements.
    pub fn leaf(buffer: Buffer, dtype: DType, shape: Shape) -> NodeRef {
        Arc::new(Node::new(NodeOp::Leaf, dtype, shape, State::Realized { buffer, record: None }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    /// 0 once realized, however deep the node was when built.
    pub fn pending_depth(&self) -> u32 {
        match &*self.lock() {
            State::Pending(_) => self.depth,
            State::Realized { .. } => 0,
        }
    }

    /// The buffer, if realized.
    pub fn buffer(&self) -> Option<Buffer> {
        match &*self.lock() {
            State::Realized { buffer, .. } => Some(buffer.clone()),
            State::Pending(_) => None,
        }
    }

    pub fn record(&self) -> Option<Arc<EvalRecord>> {
        match &*self.lock() {
            State::Realized { record, .. } => record.clone(),
            State::Pending(_) => None,
        }
    }

    /// Inputs while pending; empty once realized.
    pub fn inputs(&self) -> SmallVec<[NodeRef; 3]> {
        match &*self.lock() {
            State::Pending(inputs) => inputs.clone(),
            State::Realized { .. } => SmallVec::new(),
        }
    }

    /// Stores the result and drops the inputs. Another thread may have
    /// realized the node first with identical bits; the first one wins.
    pub fn realize(&self, buffer: Buffer, record: Option<Arc<EvalRecord>>) {
        let mut s = self.lock();
        if let State::Pending(_) = &*s {
            let old = std::mem::replace(&mut *s, State::Realized { buffer, record });
            drop(s);
            drop(old);
        }
    }

    pub fn is_realized(&self) -> bool {
        matches!(&*self.lock(), State::Realized { .. })
    }

    /// One line: `n7: f32[10000000] = log n5`.
    pub fn describe(&self, inputs: &[NodeRef]) -> String {
        let args: Vec<String> = inputs.iter().map(|i| format!("n{}", i.id)).collect();
        format!(
            "n{}: {}{:?} = {}{}{}",
            self.id,
            self.dtype.short_name(),
            self.shape.as_slice(),
            self.op.name(),
            if args.is_empty() { "" } else { " " },
            args.join(", ")
        )
    }
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(&self.inputs()))
    }
}
