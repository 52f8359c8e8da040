//! One graph node and its evaluation state.

use super::view::ViewMap;
use crate::kernel_ir::{BinaryOp, CmpOp, ReduceOp, UnaryOp};
use lazyxp_runtime::{Buffer, DType, Device, Placement, Scalar, Shape};
use smallvec::SmallVec;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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
    /// The input seen through an index map (permute, broadcast, slice,
    /// flip, expand/squeeze): an index transform, never a copy.
    View(ViewMap),
    /// The input's elements in row-major order with the node's shape.
    Reshape,
    /// Folds the input over `axes` (sorted, unique) with `op`; the node's
    /// shape keeps reduced dimensions as 1s (keepdims is a reshape away).
    Reduce { op: ReduceOp, axes: SmallVec<[u32; 4]> },
    /// A library kernel (matmul, scans, sorting...): run on materialized
    /// operands by `crate::library`, not fused into a loop.
    Library(crate::library::LibraryOp),
    /// Taking complex numbers apart or putting them together; only graphs
    /// have these, since lowering splits every complex value into parts.
    Complex(ComplexOp),
}

/// See `NodeOp::Complex`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ComplexOp {
    /// The real part, a float.
    Real,
    /// The imaginary part, a float.
    Imag,
    /// The complex conjugate.
    Conj,
    /// `re + im*j` from two floats of the node's component type.
    Make,
}

impl ComplexOp {
    pub fn name(self) -> &'static str {
        match self {
            ComplexOp::Real => "real",
            ComplexOp::Imag => "imag",
            ComplexOp::Conj => "conj",
            ComplexOp::Make => "complex",
        }
    }
}

impl NodeOp {
    /// Short name for kernel names (`fused_sin_add_log_f32`); views and
    /// reshapes are index transforms and do not appear.
    /// Ops run by a library kernel rather than a generated loop.
    pub fn is_library(&self) -> bool {
        matches!(self, NodeOp::Library(_))
    }

    pub fn kernel_name_part(&self) -> Option<String> {
        match self {
            NodeOp::View(_) | NodeOp::Reshape | NodeOp::Leaf | NodeOp::Const(_) => None,
            NodeOp::Reduce { op, .. } => Some(match op {
                ReduceOp::Add => "sum".into(),
                ReduceOp::Mul => "prod".into(),
                ReduceOp::Min => "min".into(),
                ReduceOp::Max => "max".into(),
                ReduceOp::And => "all".into(),
                ReduceOp::Or => "any".into(),
            }),
            other => Some(other.name()),
        }
    }

    pub fn name(&self) -> String {
        match self {
            NodeOp::Leaf => "leaf".into(),
            NodeOp::Const(c) => format!("const {c}"),
            NodeOp::Unary(u) => u.name().into(),
            NodeOp::Binary(b) => b.name().into(),
            NodeOp::Cmp(c) => c.name().into(),
            NodeOp::Where => "where".into(),
            NodeOp::Cast => "cast".into(),
            NodeOp::View(m) => format!("view{}", m.describe()),
            NodeOp::Reshape => "reshape".into(),
            NodeOp::Reduce { op, axes } => format!("reduce_{op}{:?}", axes.as_slice()),
            NodeOp::Library(op) => op.name(),
            NodeOp::Complex(op) => op.name().into(),
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
    /// Realized in a GPU's memory: results stay there between kernels and
    /// move to the host only when someone reads them.
    #[cfg(feature = "cuda")]
    OnDevice {
        buffer: Arc<lazyxp_runtime::cuda::DeviceBuffer>,
        record: Option<Arc<EvalRecord>>,
    },
}

/// What one `eval` did, kept by the nodes it realized. It holds copies of
/// node facts (no graph nodes, so it keeps no memory alive) and is turned
/// into text only when someone asks, keeping `eval` itself cheap.
#[derive(Debug, Default)]
pub struct EvalRecord {
    /// The graph and its fusion plan, in the compact form eval has at hand
    /// (see `graph` and `plan` for the summaries).
    pub evaluated: Option<crate::execute::Evaluated>,
    /// Per kernel launched: name, cache key, hit or miss, compile and run
    /// time; inline for one, as most evals launch one kernel.
    pub kernels: SmallVec<[crate::cache::KernelRun; 1]>,
    /// Library kernels run (name, time).
    pub library: Vec<(String, std::time::Duration)>,
    /// For an eval on a GPU: per kernel, the PTX launched or why it ran on
    /// the CPU instead (empty for CPU evals).
    pub device_runs: Vec<crate::cache::DeviceRun>,
}

/// A node as it was when evaluated.
#[derive(Debug, Clone)]
pub struct NodeSummary {
    pub id: u64,
    pub op: NodeOp,
    pub dtype: DType,
    pub shape: Shape,
    pub inputs: SmallVec<[u64; 3]>,
}

/// One kernel of a fusion plan.
#[derive(Debug, Clone)]
pub struct PlannedKernel {
    pub shape: Shape,
    /// Stored nodes with the reason each is a kernel output.
    pub outputs: Vec<(u64, &'static str)>,
    /// Nodes computed inside the kernel.
    pub fused: Vec<(u64, NodeOp)>,
    /// For a row kernel, the reduction passes over each row before the
    /// storing walk.
    pub row_passes: Option<u32>,
}

impl fmt::Display for NodeSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}: {}{:?} = {}", self.id, self.dtype.short_name(), self.shape.as_slice(), self.op.name())?;
        for (k, i) in self.inputs.iter().enumerate() {
            write!(f, "{}n{i}", if k == 0 { " " } else { ", " })?;
        }
        Ok(())
    }
}

impl fmt::Display for PlannedKernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let outs: Vec<String> = self.outputs.iter().map(|(id, why)| format!("n{id} ({why})")).collect();
        let fused: Vec<String> = self.fused.iter().map(|(id, op)| format!("n{id} {}", op.name())).collect();
        write!(f, "index space {:?}", self.shape.as_slice())?;
        if let Some(p) = self.row_passes {
            let s = if p == 1 { "" } else { "es" };
            write!(f, " (row kernel: {p} reduction pass{s} over each row, then a walk that stores it)")?;
        }
        write!(f, "\n  outputs: {}\n  fused:   {}", outs.join(", "), fused.join(", "))
    }
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
    /// The device that evaluates this node, fixed when it is built: from
    /// where its data lives for realized nodes, else joined over its
    /// inputs (see `Placement`).
    pub placement: Placement,
    pub state: Mutex<State>,
    /// Whether `state` is no longer pending: set once, under the state's
    /// lock, when it is realized, so the questions asked of every node on
    /// every build and eval (`is_realized`, `pending_depth`) take no lock.
    realized: AtomicBool,
    /// The hash-consing hash, for nodes built by `intern`: their drop
    /// removes their table entry.
    pub(crate) interned: Option<u64>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Node {
    pub(crate) fn new(op: NodeOp, dtype: DType, shape: Shape, state: State) -> Node {
        let (depth, placement) = match &state {
            State::Pending(inputs) => (
                1 + inputs.iter().map(|i| i.pending_depth()).max().unwrap_or(0),
                inputs.iter().fold(Placement::Anywhere, |p, i| p.join(i.placement)),
            ),
            // A constant is a value, not data on a device: it goes to
            // whichever device its consumer runs on.
            State::Realized { .. } if matches!(op, NodeOp::Const(_)) => (0, Placement::Anywhere),
            State::Realized { .. } => (0, Placement::On(Device::Cpu)),
            #[cfg(feature = "cuda")]
            State::OnDevice { buffer, .. } => (0, Placement::On(Device::Cuda(buffer.ordinal()))),
        };
        let realized = !matches!(state, State::Pending(_));
        Node {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            op,
            dtype,
            shape,
            depth,
            placement,
            state: Mutex::new(state),
            realized: AtomicBool::new(realized),
            interned: None,
        }
    }

    /// A realized leaf over `buffer`, which must hold the shape's elements.
    pub fn leaf(buffer: Buffer, dtype: DType, shape: Shape) -> NodeRef {
        Arc::new(Node::new(NodeOp::Leaf, dtype, shape, State::Realized { buffer, record: None }))
    }

    /// A host leaf that claims to live on `device`: lets tests on machines
    /// without that device check placement rules (mixing devices, evals
    /// that need the device). Its data is read as host data.
    #[doc(hidden)]
    pub fn stand_in_leaf(buffer: Buffer, dtype: DType, shape: Shape, device: Device) -> NodeRef {
        let mut n = Node::new(NodeOp::Leaf, dtype, shape, State::Realized { buffer, record: None });
        n.placement = Placement::On(device);
        Arc::new(n)
    }

    /// A realized leaf over device memory holding the shape's elements.
    #[cfg(feature = "cuda")]
    pub fn device_leaf(buffer: Arc<lazyxp_runtime::cuda::DeviceBuffer>, dtype: DType, shape: Shape) -> NodeRef {
        Arc::new(Node::new(NodeOp::Leaf, dtype, shape, State::OnDevice { buffer, record: None }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    /// 0 once realized, however deep the node was when built.
    pub fn pending_depth(&self) -> u32 {
        if self.is_realized() {
            0
        } else {
            self.depth
        }
    }

    /// The host buffer, if realized in host memory (`None` while pending
    /// and for data in a GPU's memory: see `host_buffer`).
    pub fn buffer(&self) -> Option<Buffer> {
        match &*self.lock() {
            State::Realized { buffer, .. } => Some(buffer.clone()),
            _ => None,
        }
    }

    /// Address and byte length of the host data, if realized in host
    /// memory, without cloning the buffer (two atomics fewer per input of
    /// every launch): a realized state never changes again, so the address
    /// is good for as long as the node lives.
    pub fn host_extent(&self) -> Option<(u64, usize)> {
        match &*self.lock() {
            State::Realized { buffer, .. } => Some((buffer.as_ptr() as u64, buffer.len())),
            _ => None,
        }
    }

    /// The device buffer, if realized in a GPU's memory.
    #[cfg(feature = "cuda")]
    pub fn device_buffer(&self) -> Option<Arc<lazyxp_runtime::cuda::DeviceBuffer>> {
        match &*self.lock() {
            State::OnDevice { buffer, .. } => Some(buffer.clone()),
            _ => None,
        }
    }

    /// The realized data in host memory, copied from the GPU when it lives
    /// there (the one place device data moves to the host); `None` while
    /// pending.
    pub fn host_buffer(&self) -> lazyxp_runtime::Result<Option<Buffer>> {
        #[cfg(feature = "cuda")]
        if let Some(d) = self.device_buffer() {
            return lazyxp_runtime::cuda::device(d.ordinal())?.download_buffer(&d).map(Some);
        }
        Ok(self.buffer())
    }

    pub fn record(&self) -> Option<Arc<EvalRecord>> {
        match &*self.lock() {
            State::Realized { record, .. } => record.clone(),
            #[cfg(feature = "cuda")]
            State::OnDevice { record, .. } => record.clone(),
            State::Pending(_) => None,
        }
    }

    /// Inputs while pending; empty once realized.
    pub fn inputs(&self) -> SmallVec<[NodeRef; 3]> {
        if self.is_realized() {
            return SmallVec::new();
        }
        match &*self.lock() {
            State::Pending(inputs) => inputs.clone(),
            _ => SmallVec::new(),
        }
    }

    /// Stores the result and drops the inputs. Another thread may have
    /// realized the node first with identical bits; the first one wins.
    pub fn realize(&self, buffer: Buffer, record: Option<Arc<EvalRecord>>) {
        self.realize_state(State::Realized { buffer, record });
    }

    /// `realize` with the result left in a GPU's memory.
    #[cfg(feature = "cuda")]
    pub fn realize_on_device(&self, buffer: Arc<lazyxp_runtime::cuda::DeviceBuffer>, record: Option<Arc<EvalRecord>>) {
        self.realize_state(State::OnDevice { buffer, record });
    }

    fn realize_state(&self, new: State) {
        let mut s = self.lock();
        if let State::Pending(_) = &*s {
            let old = std::mem::replace(&mut *s, new);
            self.realized.store(true, Ordering::Release);
            drop(s);
            drop(old);
        }
    }

    pub fn is_realized(&self) -> bool {
        self.realized.load(Ordering::Acquire)
    }

    pub fn summary(&self, inputs: &[NodeRef]) -> NodeSummary {
        NodeSummary {
            id: self.id,
            op: self.op.clone(),
            dtype: self.dtype,
            shape: self.shape.clone(),
            inputs: inputs.iter().map(|i| i.id).collect(),
        }
    }

    /// One line: `n7: f32[10000000] = log n5`.
    pub fn describe(&self, inputs: &[NodeRef]) -> String {
        self.summary(inputs).to_string()
    }
}

/// Dropping a long pending chain would recurse once per node through the
/// inputs' `Arc`s; unlinking them onto an explicit stack (inline for a few
/// nodes, on the heap for long chains) keeps drop iterative.
impl Drop for Node {
    fn drop(&mut self) {
        if let Some(hash) = self.interned {
            super::intern::forget(hash, self.id);
        }
        let state = self.state.get_mut().unwrap_or_else(|e| e.into_inner());
        let State::Pending(inputs) = state else { return };
        // Inline for the handful of nodes a hot loop drops per iteration
        // (`into_vec` would allocate for each).
        let mut stack: SmallVec<[NodeRef; 8]> = SmallVec::new();
        stack.extend(std::mem::take(inputs));
        while let Some(n) = stack.pop() {
            if let Some(mut node) = Arc::into_inner(n) {
                if let State::Pending(ins) = node.state.get_mut().unwrap_or_else(|e| e.into_inner()) {
                    stack.extend(std::mem::take(ins));
                }
            }
        }
    }
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(&self.inputs()))
    }
}
