//! Lowering one scheduled kernel (a group of graph nodes) to kernel IR plus
//! the bindings a launch needs (which buffer, which offset and strides).
//!
//! The kernel's index space is the group's shape, followed for a reduction
//! by the reduced dimensions. Every node is evaluated under a *context*:
//! how the kernel's multi-index maps onto the node's own index. Views
//! compose into the context and elementwise nodes pass it on, so at a source
//! the context becomes plain strides: a transposed, sliced, broadcast read
//! costs nothing. A reshape needs the flat index instead, which only works
//! over data in row-major order; where it does not, lowering reports the
//! node to copy first and the scheduler makes it a kernel output.
//!
//! Adjacent dimensions are merged wherever every read allows it, and sizes
//! stay out of the IR: evaluations that differ only in sizes share a kernel.

mod complex;

use crate::graph::{InDim, NodeOp, ViewMap};
use complex::Lv;
use crate::kernel_ir::{Access, Kernel, KernelBuilder, Space, Value};
use crate::schedule::{Group, Inputs};
use crate::graph::NodeRef;
use hashbrown::HashMap;
use lazyxp_runtime::shape::{contiguous_strides, Strides};
use lazyxp_runtime::Shape;

/// One input of the kernel: which node's buffer and how to step through it.
#[derive(Debug, Clone, PartialEq)]
pub struct InputBinding {
    /// Index into `Schedule::nodes` of a realized or earlier-materialized node.
    pub source: usize,
    /// Element offset of the first element read (non-zero for slices, flips).
    pub offset: isize,
    /// Element strides over the dimensions of the input's space (outer, or
    /// outer then inner), after merging.
    pub strides: Strides,
}

pub struct Lowered {
    pub kernel: Kernel,
    pub inputs: Vec<InputBinding>,
    /// The merged index space: outer dimensions, then inner ones.
    pub dims: Shape,
    pub outer_rank: usize,
    /// Indices into `Schedule::nodes` of the nodes stored, one buffer each.
    pub outputs: Vec<usize>,
    /// Per kernel output: which of `outputs` it writes and the byte offset
    /// of its first element in that buffer (a complex node is two kernel
    /// outputs, its parts, interleaved in one buffer).
    pub stores: Vec<(usize, usize)>,
    /// The compiled kernel once a launch has fetched it: plans are shared by
    /// every graph of the same structure, so a hot loop finds its code here
    /// instead of hashing the kernel IR into the cache on every eval.
    pub compiled: std::sync::OnceLock<std::sync::Arc<crate::cache::CacheEntry>>,
}

impl Lowered {
    /// The kernel's output addresses given the base address of each
    /// output node's buffer (`base(slot)`, a slot of `outputs`).
    pub fn output_addresses<'a>(&'a self, base: impl Fn(usize) -> u64 + 'a) -> impl Iterator<Item = u64> + 'a {
        self.stores.iter().map(move |&(slot, offset)| base(slot) + offset as u64)
    }
}

/// A node that must be materialized before the group can be lowered, and
/// why (the scheduler shows the reason in the plan).
#[derive(Debug)]
pub struct NeedsCopy {
    pub node: usize,
    pub reason: &'static str,
}

impl NeedsCopy {
    /// A reshape over data not in row-major order.
    fn layout(origin: usize) -> NeedsCopy {
        NeedsCopy { node: origin, reason: crate::schedule::REASON_LAYOUT }
    }
}

/// A source read: node, offset, strides over all kernel dims, and whether
/// it is read inside the reduction loop. A complex source is read as two
/// float sources over the same buffer: offset and strides count parts
/// (twice the elements), the imaginary part one further.
type Read = (usize, isize, Strides, bool);

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
enum Ctx {
    /// Kernel multi-index -> node multi-index.
    Map(ViewMap),
    /// Below a reshape: the node's flat (row-major) index is
    /// `offset + flat_of(shape, map(kernel index))`, where `shape` is the
    /// reshape's output shape. Elementwise nodes and further reshapes pass
    /// it on; at a source it is plain strides. `origin` is the reshape's
    /// input: the node to copy if a view below makes this impossible.
    Flat { map: ViewMap, shape: Shape, offset: isize, origin: usize },
}

struct Lowering<'s> {
    nodes: &'s [(NodeRef, Inputs)],
    g: &'s Group,
    /// Position in `nodes` by node id (the schedule's own table).
    index: &'s HashMap<u64, usize>,
    /// Kernel dims before merging: the group shape, then reduced dims.
    dims: Shape,
    outer: usize,
    b: KernelBuilder,
    reads: Vec<Read>,
    values: HashMap<(usize, Ctx, bool), Lv>,
}

/// `index` is the position in `nodes` of every node id, as the scheduler
/// has it.
pub fn lower(nodes: &[(NodeRef, Inputs)], index: &HashMap<u64, usize>, g: &Group) -> Result<Lowered, NeedsCopy> {
    // A row kernel's outputs have the reduction's input shape: its kept
    // dims are the outer ones, its reduced dims the inner ones, and `out`
    // maps an output's dims onto them.
    let (dims, outer, out) = match (&g.reduce, g.row) {
        (Some((in_shape, axes)), true) => {
            let reduced = |e: usize| axes.contains(&(e as u32));
            let kept: Vec<usize> = (0..in_shape.len()).filter(|&e| !reduced(e)).collect();
            let mut dims: Shape = kept.iter().map(|&e| in_shape[e]).collect();
            dims.extend(axes.iter().map(|&a| in_shape[a as usize]));
            let to_kernel = |e: usize| match kept.iter().position(|&k| k == e) {
                Some(p) => p,
                None => kept.len() + axes.iter().position(|&a| a as usize == e).expect("a reduced dim"),
            };
            let out = ViewMap { dims: (0..in_shape.len()).map(|e| InDim { src: Some(to_kernel(e) as u32), offset: 0, step: 1 }).collect() };
            (dims, kept.len(), out)
        }
        (Some((in_shape, axes)), false) => {
            let mut dims = g.shape.clone();
            dims.extend(axes.iter().map(|&a| in_shape[a as usize]));
            (dims, g.shape.len(), ViewMap::identity(g.shape.len()))
        }
        (None, _) => (g.shape.clone(), g.shape.len(), ViewMap::identity(g.shape.len())),
    };
    let mut l = Lowering {
        nodes,
        g,
        index,
        dims,
        outer,
        b: KernelBuilder::new(kernel_name(nodes, g), 0),
        reads: Vec::new(),
        values: HashMap::new(),
    };
    // Pass 1: evaluate the outputs to learn every read (values are
    // placeholders until the inputs are known and merged).
    let out = Ctx::Map(out);
    for &o in &g.outputs {
        l.emit(o, out.clone(), g.row, &[])?;
    }
    // Pass 2: merge dimensions, classify reads, and emit for real.
    let (dims, reads) = coalesce(&l.dims, outer, &l.reads);
    let outer_rank = reads.outer_rank;
    let mut b = KernelBuilder::new(kernel_name(nodes, g), outer_rank as u32);
    b.set_reduce_rank((dims.len() - outer_rank) as u32);
    b.set_row_outputs(g.row);
    let outer_contig = contiguous_strides(&dims[..outer_rank]);
    let full_contig = contiguous_strides(&dims);
    let mut bindings = Vec::new();
    let mut load_of = Vec::new();
    for (source, offset, strides, inner_used) in reads.reads {
        let (space, strides) = if inner_used { (Space::Inner, strides) } else { (Space::Outer, strides[..outer_rank].iter().copied().collect()) };
        let contig = if inner_used { &full_contig } else { &outer_contig };
        let pairs = nodes[source].0.dtype.is_complex();
        let mut offset = offset;
        let access = if strides.iter().all(|&x| x == 0) {
            Access::Scalar
        } else if strides == *contig {
            Access::Contiguous
        } else if pairs && strides.iter().zip(contig.iter()).all(|(&s, &c)| s == 2 * c) {
            // A complex array in row-major order, read as one of its parts:
            // the binding points at the pairs, the access names the part.
            let part = offset.rem_euclid(2);
            offset -= part;
            Access::Interleaved { part: part as u8 }
        } else {
            Access::Strided
        };
        let input = b.input_in(nodes[source].0.dtype.real_part(), access, space);
        load_of.push(b.load(input));
        let strides = if access == Access::Strided { strides } else { Strides::new() };
        bindings.push(InputBinding { source, offset, strides });
    }
    let mut l2 = Lowering { b, reads: Vec::new(), values: HashMap::new(), ..l };
    l2.reads = reads.original.clone();
    let mut final_outs = Vec::new();
    for &o in &g.outputs {
        final_outs.push(l2.emit(o, out.clone(), g.row, &load_of)?);
    }
    let mut stores = Vec::new();
    for (slot, v) in final_outs.into_iter().enumerate() {
        match v {
            Lv::Real(v) => {
                l2.b.store(v);
                stores.push((slot, 0));
            }
            Lv::Complex(re, im) => {
                l2.b.store_step(re, 2);
                l2.b.store_step(im, 2);
                let part = l2.b.ty(re).size();
                stores.extend([(slot, 0), (slot, part)]);
            }
        }
    }
    Ok(Lowered { kernel: l2.b.finish(), inputs: bindings, dims, outer_rank, outputs: g.outputs.clone(), stores, compiled: Default::default() })
}

impl Lowering<'_> {
    fn is_member(&self, i: usize) -> bool {
        self.g.members.binary_search(&i).is_ok()
    }

    /// The value of node `i` under `ctx` (`inner`: inside the reduction
    /// loop). With `loads` empty (the first pass), reads are recorded and
    /// the IR is scratch; otherwise read `k` is `loads[k]`.
    ///
    /// It recurses once per fused node, at most the frontend's pending
    /// depth bound deep; its frame (over a kilobyte in release builds) times
    /// that bound overflowed a 256 KiB thread stack, so the recursion moves
    /// to a heap segment when the stack runs low.
    fn emit(&mut self, i: usize, ctx: Ctx, inner: bool, loads: &[Value]) -> Result<Lv, NeedsCopy> {
        stacker::maybe_grow(32 * 1024, 1024 * 1024, || self.emit_here(i, ctx, inner, loads))
    }

    fn emit_here(&mut self, i: usize, ctx: Ctx, inner: bool, loads: &[Value]) -> Result<Lv, NeedsCopy> {
        let ctx = match ctx {
            Ctx::Flat { map, shape, offset: 0, origin } => match self.flat_as_map(i, &map, &shape) {
                Some(m) => Ctx::Map(m),
                None => Ctx::Flat { map, shape, offset: 0, origin },
            },
            other => other,
        };
        if let Some(&v) = self.values.get(&(i, ctx.clone(), inner)) {
            return Ok(v);
        }
        let nodes = self.nodes;
        let (node, inputs) = &nodes[i];
        let input_idx: smallvec::SmallVec<[usize; 3]> = inputs.iter().map(|x| self.index[&x.id]).collect();
        let input = |k: usize| input_idx[k];
        let v = if !self.is_member(i) {
            let (offset, strides) = self.source_layout(i, &ctx)?;
            if node.dtype.is_complex() {
                let parts: Strides = strides.iter().map(|&s| s * 2).collect();
                let re = self.read(i, offset * 2, parts.clone(), inner, loads);
                let im = self.read(i, offset * 2 + 1, parts, inner, loads);
                Lv::Complex(re, im)
            } else {
                Lv::Real(self.read(i, offset, strides, inner, loads))
            }
        } else {
            match &node.op {
                NodeOp::View(m) => {
                    let inner_ctx = match &ctx {
                        Ctx::Map(c) => Ctx::Map(m.after(c)),
                        // A broadcast scalar reads one element whatever the index.
                        Ctx::Flat { .. } if m.dims.iter().all(|d| d.src.is_none()) => Ctx::Map(m.clone()),
                        // A contiguous 1-D window shifts the flat index.
                        Ctx::Flat { map, shape, offset, origin }
                            if m.dims.len() == 1 && node.shape.len() == 1 && m.dims[0].src == Some(0) && m.dims[0].step == 1 =>
                        {
                            Ctx::Flat { map: map.clone(), shape: shape.clone(), offset: offset + m.dims[0].offset, origin: *origin }
                        }
                        Ctx::Flat { origin, .. } => return Err(NeedsCopy::layout(*origin)),
                    };
                    self.emit(input(0), inner_ctx, inner, loads)?
                }
                NodeOp::Reshape => {
                    let flat = match &ctx {
                        Ctx::Flat { .. } => ctx.clone(),
                        Ctx::Map(c) => Ctx::Flat { map: c.clone(), shape: node.shape.clone(), offset: 0, origin: input(0) },
                    };
                    self.emit(input(0), flat, inner, loads)?
                }
                NodeOp::Reduce { op, axes } => {
                    let c = match &ctx {
                        Ctx::Map(c) => c,
                        Ctx::Flat { origin, .. } => return Err(NeedsCopy::layout(*origin)),
                    };
                    // Read in the loop of a later pass, its result is one
                    // value per row: its kept dims may follow only the
                    // outer dims.
                    let per_row = (0..c.dims.len()).all(|e| axes.contains(&(e as u32)) || c.dims[e].src.is_none_or(|s| (s as usize) < self.outer));
                    if inner && !per_row {
                        return Err(NeedsCopy { node: i, reason: crate::schedule::REASON_REDUCE_INPUT });
                    }
                    // Reduced dims walk the inner kernel dims; kept ones
                    // follow the reduction's own context.
                    let mut next_inner = self.outer as u32;
                    let dims = (0..inputs[0].shape.len())
                        .map(|e| {
                            if axes.contains(&(e as u32)) {
                                next_inner += 1;
                                InDim { src: Some(next_inner - 1), offset: 0, step: 1 }
                            } else {
                                c.dims[e]
                            }
                        })
                        .collect();
                    let operand = self.emit(input(0), Ctx::Map(ViewMap { dims }), true, loads)?;
                    // An operand the same all along the reduced dims (the
                    // zero imaginary part of a real array cast to complex,
                    // another reduction's result over a length-1 axis) is
                    // not a loop value; read from memory, it is. Known only
                    // once reads are real loads (the second pass).
                    let parts = match operand {
                        Lv::Real(a) => [a, a],
                        Lv::Complex(re, im) => [re, im],
                    };
                    if !loads.is_empty() && !parts.iter().all(|&v| self.b.is_inner(v)) {
                        return Err(NeedsCopy { node: input(0), reason: crate::schedule::REASON_UNIFORM_REDUCE_INPUT });
                    }
                    match operand {
                        Lv::Real(a) => Lv::Real(self.b.reduce(*op, a)),
                        // Only sums reach here: a complex product is not a
                        // per-part fold (the frontend refuses it).
                        Lv::Complex(re, im) => Lv::Complex(self.b.reduce(*op, re), self.b.reduce(*op, im)),
                    }
                }
                op => {
                    let mut args: smallvec::SmallVec<[Lv; 3]> = smallvec::SmallVec::new();
                    for k in 0..inputs.len() {
                        args.push(self.emit(input(k), ctx.clone(), inner, loads)?);
                    }
                    self.compute(op, node.dtype, &args)
                }
            }
        };
        self.values.insert((i, ctx, inner), v);
        Ok(v)
    }

    /// Read `(i, offset, strides, inner)`: its load, or with `loads` empty
    /// (the first pass) a placeholder while the read is recorded.
    fn read(&mut self, i: usize, offset: isize, strides: Strides, inner: bool, loads: &[Value]) -> Value {
        let key = (i, offset, strides, inner);
        let k = match self.reads.iter().position(|r| *r == key) {
            Some(k) => k,
            None => {
                self.reads.push(key);
                self.reads.len() - 1
            }
        };
        if loads.is_empty() {
            self.b.konst(lazyxp_runtime::Scalar::U8(0).cast(self.nodes[i].0.dtype.real_part()))
        } else {
            loads[k]
        }
    }

    /// An elementwise node's value from its operands' values; complex
    /// operands go to `complex.rs`.
    fn compute(&mut self, op: &NodeOp, dtype: lazyxp_runtime::DType, args: &[Lv]) -> Lv {
        let b = &mut self.b;
        let complex_in = args.iter().any(|a| matches!(a, Lv::Complex(..)));
        match (op, args) {
            (NodeOp::Complex(c), _) => complex::parts(b, *c, args),
            (NodeOp::Cast, [x]) => complex::cast(b, *x, dtype),
            (NodeOp::Where, [c, Lv::Complex(x0, x1), Lv::Complex(y0, y1)]) => complex::select(b, c.real(), (*x0, *x1), (*y0, *y1)),
            (NodeOp::Unary(u), [Lv::Complex(x0, x1)]) => complex::unary(b, *u, b.ty(*x0), (*x0, *x1)),
            (NodeOp::Binary(o), [Lv::Complex(x0, x1), Lv::Complex(y0, y1)]) => complex::binary(b, *o, b.ty(*x0), (*x0, *x1), (*y0, *y1)),
            (NodeOp::Cmp(c), [Lv::Complex(x0, x1), Lv::Complex(y0, y1)]) => complex::compare(b, *c, (*x0, *x1), (*y0, *y1)),
            _ if complex_in => unreachable!("{} mixes complex and real operands", op.name()),
            (NodeOp::Unary(u), [x]) => Lv::Real(b.unary(*u, x.real())),
            (NodeOp::Binary(o), [x, y]) => Lv::Real(b.binary(*o, x.real(), y.real())),
            (NodeOp::Cmp(c), [x, y]) => Lv::Real(b.cmp(*c, x.real(), y.real())),
            (NodeOp::Where, [c, x, y]) => Lv::Real(b.select(c.real(), x.real(), y.real())),
            _ => unreachable!("leaves and constants are never members"),
        }
    }

    /// A flat context as a map, when the node's shape equals the reshape's
    /// up to size-1 dimensions (then flat and multi-index agree).
    fn flat_as_map(&self, i: usize, map: &ViewMap, flat_shape: &[usize]) -> Option<ViewMap> {
        let shape = &self.nodes[i].0.shape;
        let node_dims: Vec<usize> = (0..shape.len()).filter(|&e| shape[e] != 1).collect();
        let flat_dims: Vec<usize> = (0..flat_shape.len()).filter(|&d| flat_shape[d] != 1).collect();
        if node_dims.len() != flat_dims.len() || node_dims.iter().zip(&flat_dims).any(|(&e, &d)| shape[e] != flat_shape[d]) {
            return None;
        }
        let mut next = flat_dims.iter();
        let dims = shape
            .iter()
            .map(|&n| if n == 1 { InDim { src: None, offset: 0, step: 0 } } else { InDim { src: Some(*next.next().unwrap() as u32), offset: 0, step: 1 } })
            .collect();
        Some(ViewMap { dims }.after(map))
    }

    /// Offset and strides (over all kernel dims) with which a source is read.
    fn source_layout(&self, i: usize, ctx: &Ctx) -> Result<(isize, Strides), NeedsCopy> {
        let shape = &self.nodes[i].0.shape;
        Ok(match ctx {
            Ctx::Map(m) => {
                let (off, strides) = m.strides_over(shape, self.dims.len());
                (off, strides.into_iter().collect())
            }
            // The source is contiguous, so it can be read as if it had the
            // reshape's shape.
            Ctx::Flat { map, shape, offset, .. } => {
                let (off, strides) = map.strides_over(shape, self.dims.len());
                (off + offset, strides.into_iter().collect())
            }
        })
    }
}

struct Merged {
    reads: Vec<Read>,
    original: Vec<Read>,
    outer_rank: usize,
}

/// Drops size-1 dims and merges adjacent dims (never across the outer/inner
/// boundary) where every read and the contiguous output allow it.
fn coalesce(dims: &[usize], outer: usize, reads: &[Read]) -> (Shape, Merged) {
    let out_strides = contiguous_strides(&dims[..outer]);
    let mut new_dims: Shape = Shape::new();
    let mut keep: Vec<usize> = Vec::new();
    let mut outer_rank = 0;
    for d in 0..dims.len() {
        if dims[d] == 1 {
            continue;
        }
        let in_outer = d < outer;
        let mergeable = keep.last().is_some_and(|&prev| {
            (prev < outer) == in_outer
                && reads.iter().all(|r| r.2[prev] == r.2[d] * dims[d] as isize)
                && (!in_outer || out_strides[prev] == out_strides[d] * dims[d] as isize)
        });
        if mergeable {
            *new_dims.last_mut().unwrap() *= dims[d];
            *keep.last_mut().unwrap() = d;
        } else {
            new_dims.push(dims[d]);
            keep.push(d);
            if in_outer {
                outer_rank += 1;
            }
        }
    }
    let merged = reads.iter().map(|(s, off, st, inner)| (*s, *off, keep.iter().map(|&d| st[d]).collect(), *inner)).collect();
    (new_dims, Merged { reads: merged, original: reads.to_vec(), outer_rank })
}

/// `fused_sin_add_log_f32`: the operations in order, then the dtype of the
/// first output. Long chains keep their first operations and a count.
fn kernel_name(nodes: &[(NodeRef, Inputs)], g: &Group) -> String {
    let mut ops: Vec<String> = Vec::new();
    for &m in &g.members {
        if let Some(name) = nodes[m].0.op.kernel_name_part() {
            if !ops.contains(&name) {
                ops.push(name);
            }
        }
    }
    let dtype = nodes[g.outputs[0]].0.dtype.short_name();
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
