//! Lowering one scheduled kernel (a group of graph nodes) to kernel IR plus
//! the bindings a launch needs (which buffer, which strides).
//!
//! The index space is the group's shape with size-1 dimensions dropped and
//! adjacent dimensions merged wherever every input allows it, so most
//! kernels are rank 1. Dimensions and strides stay out of the IR: two
//! evaluations that differ only in sizes share one compiled kernel.

use crate::graph::{NodeOp, NodeRef};
use crate::kernel_ir::{Access, Kernel, KernelBuilder, Value};
use crate::schedule::{Group, Schedule};
use hashbrown::HashMap;
use lazyxp_runtime::shape::{contiguous_strides, Strides};
use lazyxp_runtime::Shape;

/// One input of the kernel: which node's buffer and how to step through it.
#[derive(Debug, Clone)]
pub struct InputBinding {
    /// Index into `Schedule::nodes` of a realized or earlier-materialized node.
    pub source: usize,
    /// Element strides over `Lowered::dims` (used when the access is strided).
    pub strides: Strides,
}

pub struct Lowered {
    pub kernel: Kernel,
    pub inputs: Vec<InputBinding>,
    /// The coalesced index space.
    pub dims: Shape,
    /// Indices into `Schedule::nodes`, one per kernel output.
    pub outputs: Vec<usize>,
}

/// Strides of `src` read at every element of `view` (a broadcast of it,
/// or its own shape), over `view`'s dimensions.
fn broadcast_strides(src: &[usize], view: &[usize]) -> Strides {
    let own = contiguous_strides(src);
    let lead = view.len() - src.len();
    (0..view.len())
        .map(|d| if d < lead || src[d - lead] == 1 { 0 } else { own[d - lead] })
        .collect()
}

/// Drops the size-1 dimensions of `shape` from `strides`.
fn squeeze(shape: &[usize], strides: &[isize]) -> Strides {
    shape.iter().zip(strides).filter(|(&d, _)| d != 1).map(|(_, &s)| s).collect()
}

pub fn lower(s: &Schedule, g: &Group) -> Lowered {
    let index: HashMap<u64, usize> = s.nodes.iter().enumerate().map(|(i, (n, _))| (n.id, i)).collect();
    let is_member = |i: usize| g.members.binary_search(&i).is_ok();
    let dims: Shape = g.shape.iter().copied().filter(|&d| d != 1).collect();

    // Pass 1: every source read, deduplicated by (source, strides).
    let mut reads: Vec<InputBinding> = Vec::new();
    let mut read_of: HashMap<(usize, usize), usize> = HashMap::new(); // (member, operand) -> read
    for &m in &g.members {
        let (node, inputs) = &s.nodes[m];
        for (k, input) in inputs.iter().enumerate() {
            let j = index[&input.id];
            if is_member(j) {
                continue;
            }
            let view: &[usize] = if node.op == NodeOp::Broadcast { &node.shape } else { &input.shape };
            let strides = squeeze(view, &broadcast_strides(&input.shape, view));
            let r = reads.iter().position(|b| b.source == j && b.strides == strides).unwrap_or_else(|| {
                reads.push(InputBinding { source: j, strides });
                reads.len() - 1
            });
            read_of.insert((m, k), r);
        }
    }

    // Pass 2: merge adjacent dimensions where every read allows it.
    let (dims, reads) = coalesce(dims, reads);
    let contiguous = contiguous_strides(&dims);
    let access = |b: &InputBinding| {
        if b.strides.iter().all(|&x| x == 0) {
            Access::Scalar
        } else if b.strides == contiguous {
            Access::Contiguous
        } else {
            Access::Strided
        }
    };

    // Pass 3: the kernel IR.
    let mut b = KernelBuilder::new(kernel_name(s, g), dims.len() as u32);
    let loads: Vec<Value> = reads
        .iter()
        .map(|r| {
            let input = b.input(s.nodes[r.source].0.dtype, access(r));
            b.load(input)
        })
        .collect();
    let mut value: HashMap<usize, Value> = HashMap::new();
    for &m in &g.members {
        let (node, inputs) = &s.nodes[m];
        let arg = |k: usize| -> Value {
            let j = index[&inputs[k].id];
            if is_member(j) { value[&j] } else { loads[read_of[&(m, k)]] }
        };
        let v = match &node.op {
            NodeOp::Unary(u) => b.unary(*u, arg(0)),
            NodeOp::Binary(op) => b.binary(*op, arg(0), arg(1)),
            NodeOp::Cmp(c) => b.cmp(*c, arg(0), arg(1)),
            NodeOp::Where => b.select(arg(0), arg(1), arg(2)),
            NodeOp::Cast => b.cast(arg(0), node.dtype),
            NodeOp::Broadcast => arg(0),
            NodeOp::Leaf | NodeOp::Const(_) => unreachable!("realized nodes are sources, not members"),
        };
        value.insert(m, v);
    }
    for &o in &g.outputs {
        b.store(value[&o]);
    }
    let strided: Vec<InputBinding> = reads.into_iter().map(|r| InputBinding { strides: if access(&r) == Access::Strided { r.strides } else { Strides::new() }, source: r.source }).collect();
    Lowered { kernel: b.finish(), inputs: strided, dims, outputs: g.outputs.clone() }
}

fn coalesce(dims: Shape, reads: Vec<InputBinding>) -> (Shape, Vec<InputBinding>) {
    if dims.len() <= 1 {
        return (dims, reads);
    }
    let out_strides = contiguous_strides(&dims);
    let mut new_dims: Shape = Shape::new();
    let mut keep: Vec<usize> = Vec::new(); // innermost original dim of each merged run
    for d in 0..dims.len() {
        let mergeable = d > 0 && {
            let prev = *keep.last().unwrap();
            std::iter::once(&out_strides)
                .chain(reads.iter().map(|r| &r.strides))
                .all(|s| s[prev] == s[d] * dims[d] as isize)
        };
        if mergeable {
            *new_dims.last_mut().unwrap() *= dims[d];
            *keep.last_mut().unwrap() = d;
        } else {
            new_dims.push(dims[d]);
            keep.push(d);
        }
    }
    let reads = reads
        .into_iter()
        .map(|r| InputBinding { strides: keep.iter().map(|&d| r.strides[d]).collect(), source: r.source })
        .collect();
    (new_dims, reads)
}

/// `fused_sin_add_log_f32`: the operations in order, then the dtype of the
/// first output. Long chains keep their first operations and a count.
fn kernel_name(s: &Schedule, g: &Group) -> String {
    let mut ops: Vec<String> = Vec::new();
    for &m in &g.members {
        let name = match &s.nodes[m].0.op {
            NodeOp::Broadcast => continue,
            op => op.name(),
        };
        if !ops.contains(&name) {
            ops.push(name);
        }
    }
    let dtype = s.nodes[g.outputs[0]].0.dtype.short_name();
    const SHOWN: usize = 6;
    let body = if ops.is_empty() {
        "copy".to_string()
    } else if ops.len() > SHOWN {
        format!("{}_and{}more", ops[..SHOWN].join("_"), ops.len() - SHOWN)
    } else {
        ops.join("_")
    };
    format!("fused_{body}_{dtype}")
}

/// The source node behind an input binding, for launches and dumps.
pub fn source_node<'s>(s: &'s Schedule, b: &InputBinding) -> &'s NodeRef {
    &s.nodes[b.source].0
}
