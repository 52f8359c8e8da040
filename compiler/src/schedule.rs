//! Fusion: cutting the pending graph into kernels, with a reason for every
//! cut.
//!
//! Elementwise nodes, views and reshapes fuse into their consumers; a
//! reduction fuses the elementwise work before it (its inner loop) and after
//! it (per output element). A kernel is one index space and may have several
//! outputs. A node becomes a kernel output ("materialized") only when
//! something forces it; each reason is one of the `REASON_*` texts below.
//! Within one kernel a node used several times is computed once, so sharing
//! alone never forces a cut.

use crate::graph::{NodeOp, NodeRef, Walk};
use crate::kernel_ir::BinaryOp;
use crate::lower::{lower, Lowered};
use hashbrown::{HashMap, HashTable};
use lazyxp_runtime::{Error, Result, Shape};
use smallvec::SmallVec;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

pub type Inputs = SmallVec<[NodeRef; 3]>;

pub struct Schedule {
    /// Every node reached (pending ones and the realized sources below
    /// them), inputs before users, with the inputs each had when visited.
    pub nodes: Vec<(NodeRef, Inputs)>,
    /// The kernels, by position in `nodes`: shared by every graph of the
    /// same structure (see `PlanKey`).
    pub plan: Arc<Plan>,
    /// The structure the plan was made for (shared with the plan cache).
    pub key: Arc<PlanKey>,
}

/// How a graph is cut and lowered, in terms of node positions only, so it
/// serves every graph with the same structure: a loop that evaluates the
/// same expression on new data schedules it once.
pub struct Plan {
    /// Kernels in execution order.
    pub groups: Vec<Group>,
    /// The kernel IR and launch bindings of each group (`None` for library
    /// kernels).
    pub lowered: Vec<Option<Lowered>>,
    /// Why each materialized node (by index into `nodes`) is a kernel output.
    pub reasons: HashMap<usize, &'static str>,
}

impl std::ops::Deref for Schedule {
    type Target = Plan;
    fn deref(&self) -> &Plan {
        &self.plan
    }
}

/// What a plan depends on: per node its op (realized nodes, constants
/// included, are just data of a dtype and shape), dtype, shape and the
/// positions of its inputs; and which nodes were asked for.
///
/// A lookup never builds one: `LiveKey`'s `hash` and `matches` read the same facts
/// straight off the walked graph, so a hit costs no allocation or clone,
/// and it still compares every field, so a hit is never a different graph.
/// Eval records keep it to describe the graph later without copying it.
#[derive(PartialEq, Eq)]
pub struct PlanKey {
    pub(crate) nodes: Vec<(Option<NodeOp>, lazyxp_runtime::DType, Shape, SmallVec<[u32; 3]>)>,
    pub(crate) roots: SmallVec<[u32; 4]>,
}

/// The walked graph seen as a plan key: per node (op if pending, dtype,
/// shape, input positions), then the roots' positions.
struct LiveKey<'a> {
    walk: &'a Walk,
    roots: &'a [NodeRef],
}

impl LiveKey<'_> {
    fn op(&self, i: usize) -> Option<&NodeOp> {
        let (n, inputs) = &self.walk.nodes[i];
        (!inputs.is_empty()).then_some(&n.op)
    }
    /// Each node with its input positions.
    fn nodes(&self) -> impl Iterator<Item = (&NodeRef, &[u32])> + '_ {
        let mut at = 0;
        self.walk.nodes.iter().map(move |(n, inputs)| {
            let positions = &self.walk.input_positions[at..at + inputs.len()];
            at += inputs.len();
            (n, positions)
        })
    }
    fn root_positions(&self) -> impl Iterator<Item = u32> + '_ {
        self.roots.iter().map(|r| self.walk.position(r.id) as u32)
    }

    /// Must agree with `PlanKey::hash` field for field.
    fn hash(&self, h: &impl BuildHasher) -> u64 {
        let mut h = h.build_hasher();
        h.write_usize(self.walk.nodes.len());
        for (i, (n, inputs)) in self.nodes().enumerate() {
            self.op(i).hash(&mut h);
            n.dtype.hash(&mut h);
            n.shape.as_slice().hash(&mut h);
            h.write_usize(inputs.len());
            inputs.iter().for_each(|&p| h.write_u32(p));
        }
        h.write_usize(self.roots.len());
        self.root_positions().for_each(|p| h.write_u32(p));
        h.finish()
    }

    fn matches(&self, key: &PlanKey) -> bool {
        key.nodes.len() == self.walk.nodes.len()
            && key.roots.iter().copied().eq(self.root_positions())
            && key.nodes.iter().zip(self.nodes()).enumerate().all(|(i, ((op, dtype, shape, ins), (n, inputs)))| {
                op.as_ref() == self.op(i) && *dtype == n.dtype && *shape == n.shape && ins.as_slice() == inputs
            })
    }

    fn to_key(&self) -> PlanKey {
        PlanKey {
            nodes: self.nodes().enumerate().map(|(i, (n, inputs))| (self.op(i).cloned(), n.dtype, n.shape.clone(), inputs.into())).collect(),
            roots: self.root_positions().collect(),
        }
    }
}

impl PlanKey {
    fn hash(&self, h: &impl BuildHasher) -> u64 {
        let mut h = h.build_hasher();
        h.write_usize(self.nodes.len());
        for (op, dtype, shape, inputs) in &self.nodes {
            op.hash(&mut h);
            dtype.hash(&mut h);
            shape.as_slice().hash(&mut h);
            h.write_usize(inputs.len());
            inputs.iter().for_each(|&p| h.write_u32(p));
        }
        h.write_usize(self.roots.len());
        self.roots.iter().for_each(|&p| h.write_u32(p));
        h.finish()
    }
}

/// Plans kept; past this the cache starts over (a program builds a bounded
/// number of distinct expressions in its hot loops).
const PLAN_CACHE_LIMIT: usize = 4096;

struct PlanCache {
    hasher: hashbrown::DefaultHashBuilder,
    /// (hash, key, plan): the hash is kept so growing the table rehashes
    /// nothing.
    plans: HashTable<(u64, Arc<PlanKey>, Arc<Plan>)>,
}

fn plan_cache() -> &'static Mutex<PlanCache> {
    static CACHE: OnceLock<Mutex<PlanCache>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(PlanCache { hasher: Default::default(), plans: HashTable::new() }))
}

thread_local! {
    /// The plan this thread used last: a loop that evaluates one expression
    /// over and over matches it without hashing the graph or taking the
    /// shared cache's lock. A hit is as safe as the shared cache's: the
    /// same `LiveKey::matches` compares every node and root.
    static LAST_PLAN: std::cell::RefCell<Option<(Arc<PlanKey>, Arc<Plan>)>> = const { std::cell::RefCell::new(None) };
}

/// Graphs up to this many nodes are remembered as a thread's last plan:
/// where the hash and the lock matter, graphs are small, and a large
/// one-off graph's key and plan are not kept alive in every thread that
/// ran it.
const LAST_PLAN_UP_TO: usize = 64;

/// Makes `key` and `plan` this thread's last plan, if the graph is small.
fn remember_last(key: &Arc<PlanKey>, plan: &Arc<Plan>) {
    if key.nodes.len() <= LAST_PLAN_UP_TO {
        let _ = LAST_PLAN.try_with(|last| *last.borrow_mut() = Some((key.clone(), plan.clone())));
    }
}

/// The reduction space of a kernel: the reduced node's input shape and axes.
pub type ReduceSpace = (Shape, SmallVec<[u32; 4]>);

pub struct Group {
    pub shape: Shape,
    /// A library kernel (matmul) instead of a generated loop: `outputs` is
    /// that one node and `members` too.
    pub library: bool,
    /// Set for reduction kernels.
    pub reduce: Option<ReduceSpace>,
    /// A row kernel: `shape` is the reduction's input shape and the outputs
    /// are stored per element of it, computed from reductions over each row
    /// broadcast back (`kernel_ir::Kernel::row_outputs`).
    pub row: bool,
    /// Indices into `Schedule::nodes` of the values this kernel stores.
    pub outputs: Vec<usize>,
    /// Indices of the nodes computed inside the kernel, sorted.
    pub members: Vec<usize>,
}

impl Group {
    /// The elements a launch of this kernel walks: output elements, or rows
    /// for a row kernel.
    pub fn launch_len(&self) -> Result<usize> {
        match (&self.reduce, self.row) {
            (Some((shape, axes)), true) => {
                let kept: Shape = (0..shape.len()).filter(|e| !axes.contains(&(*e as u32))).map(|e| shape[e]).collect();
                lazyxp_runtime::shape::numel(&kept)
            }
            _ => lazyxp_runtime::shape::numel(&self.shape),
        }
    }
}

/// Longest row (elements reduced per output) that a row kernel walks
/// several times: it stays in the core's L2 cache between the walks.
pub const ROW_FUSION_MAX: usize = 1 << 16;

/// Whether reductions over `space` can run as passes of one row kernel:
/// rows short enough to stay in cache, and the reduced dims after the kept
/// ones (size-1 dims aside), so a row kernel's outputs, stored row after
/// row, are in row-major order.
pub fn row_fusable(space: &ReduceSpace) -> bool {
    let (shape, axes) = space;
    let reduced = |e: usize| axes.contains(&(e as u32));
    let inner: usize = axes.iter().map(|&a| shape[a as usize]).product();
    let last_kept = (0..shape.len()).filter(|&e| !reduced(e) && shape[e] > 1).max();
    let first_reduced = (0..shape.len()).filter(|&e| reduced(e) && shape[e] > 1).min();
    inner <= ROW_FUSION_MAX && !matches!((last_kept, first_reduced), (Some(k), Some(r)) if k > r)
}

/// Whether view node `view` broadcasts a per-row value (`source`: a
/// reduction, or elementwise work on reductions over the same rows, such as
/// a mean) back over the rows of the reductions' own input: the pattern
/// `x - max(x, axis, keepdims=True)` that a row kernel computes without
/// materializing the per-row value.
fn is_row_broadcast(nodes: &[(NodeRef, Inputs)], index: &HashMap<u64, usize>, view: &NodeRef, source: usize) -> bool {
    let NodeOp::View(m) = &view.op else { return false };
    let Some((shape, axes)) = per_row_space(nodes, index, source) else { return false };
    view.shape == shape
        && row_fusable(&(shape.clone(), axes.clone()))
        && m.dims.iter().enumerate().all(|(e, d)| {
            // A dim of size 1 reads index 0 whatever the map says.
            if shape[e] == 1 {
                true
            } else if axes.contains(&(e as u32)) {
                d.src.is_none()
            } else {
                d.src == Some(e as u32) && d.offset == 0 && d.step == 1
            }
        })
}

/// The reduction space of `i` if it is computed per row: reductions over
/// one space, combined by elementwise work of their output shape with
/// sources and broadcast scalars. Gives up past a few dozen nodes.
fn per_row_space(nodes: &[(NodeRef, Inputs)], index: &HashMap<u64, usize>, i: usize) -> Option<ReduceSpace> {
    const SEARCHED: usize = 64;
    let shape = &nodes[i].0.shape;
    let mut space: Option<ReduceSpace> = None;
    let mut stack = vec![i];
    let mut seen = 0;
    while let Some(j) = stack.pop() {
        seen += 1;
        if seen > SEARCHED {
            return None;
        }
        let (node, inputs) = &nodes[j];
        if inputs.is_empty() {
            continue;
        }
        match &node.op {
            NodeOp::Reduce { axes, .. } if node.shape == *shape => {
                let s = (inputs[0].shape.clone(), axes.clone());
                if space.as_ref().is_some_and(|t| *t != s) {
                    return None;
                }
                space = Some(s);
            }
            NodeOp::View(_) if inputs[0].numel() == 1 => {}
            NodeOp::Unary(_) | NodeOp::Binary(_) | NodeOp::Cmp(_) | NodeOp::Where | NodeOp::Cast if node.shape == *shape => {
                stack.extend(inputs.iter().map(|x| index[&x.id]));
            }
            _ => return None,
        }
    }
    space
}

pub const REASON_REQUESTED: &str = "requested by eval";
pub const REASON_BROADCAST: &str = "computed value broadcast to a larger shape: materialized once instead of recomputed per element";
pub const REASON_SHARED: &str = "needed by kernels of different index spaces: materialized once and shared";
pub const REASON_REDUCE_INPUT: &str = "reduction result read inside another reduction's loop";
pub const REASON_UNIFORM_REDUCE_INPUT: &str = "reduced value the same all along the reduced axes (a constant part, another reduction's result): materialized for the reduction to read";
pub const REASON_REDUCE_SPACE: &str = "a second reduction over a different space cannot share the kernel's loop";
pub const REASON_LIBRARY: &str = "library kernel: runs on its own, outside generated loops";
pub const REASON_LIBRARY_INPUT: &str = "operand of a library kernel: materialized in memory for it";
pub const REASON_LAYOUT: &str = "reshape of data not in row-major order: copied to contiguous memory first";

impl Schedule {
    /// The schedule of the pending graph under `roots`, from the plan cache
    /// when a graph of the same structure was scheduled before (this
    /// thread's last plan first, then the shared cache).
    pub fn build(roots: &[NodeRef]) -> Result<Schedule> {
        let walk = Walk::from(roots);
        let live = LiveKey { walk: &walk, roots };
        let last = LAST_PLAN.try_with(|last| last.borrow().as_ref().filter(|(key, _)| live.matches(key)).cloned());
        if let Ok(Some((key, plan))) = last {
            return Ok(Schedule { nodes: walk.nodes, plan, key });
        }
        let hash = {
            let cache = plan_cache().lock().unwrap_or_else(|e| e.into_inner());
            let hash = live.hash(&cache.hasher);
            if let Some((_, key, plan)) = cache.plans.find(hash, |(h, key, _)| *h == hash && live.matches(key)) {
                let (key, plan) = (key.clone(), plan.clone());
                drop(cache);
                remember_last(&key, &plan);
                return Ok(Schedule { nodes: walk.nodes, plan, key });
            }
            hash
        };
        let plan = Arc::new(Plan::build(&walk.nodes, &walk.index(), roots)?);
        let key = Arc::new(live.to_key());
        let mut cache = plan_cache().lock().unwrap_or_else(|e| e.into_inner());
        debug_assert_eq!(key.hash(&cache.hasher), hash, "a graph and its stored key hash alike");
        if cache.plans.len() >= PLAN_CACHE_LIMIT {
            cache.plans.clear();
        }
        cache.plans.insert_unique(hash, (hash, key.clone(), plan.clone()), |(h, _, _)| *h);
        drop(cache);
        remember_last(&key, &plan);
        Ok(Schedule { nodes: walk.nodes, plan, key })
    }

    /// Schedules without consulting the plan cache (what a first
    /// evaluation costs; benchmarks time it).
    pub fn build_uncached(roots: &[NodeRef]) -> Result<Schedule> {
        let walk = Walk::from(roots);
        let plan = Arc::new(Plan::build(&walk.nodes, &walk.index(), roots)?);
        let key = Arc::new(LiveKey { walk: &walk, roots }.to_key());
        Ok(Schedule { nodes: walk.nodes, plan, key })
    }
}

impl Plan {
    fn build(nodes: &[(NodeRef, Inputs)], index: &HashMap<u64, usize>, roots: &[NodeRef]) -> Result<Plan> {
        let pending = |i: usize| !nodes[i].1.is_empty();
        let mut reasons: HashMap<usize, &'static str> = HashMap::new();
        for r in roots {
            let i = index[&r.id];
            if pending(i) {
                reasons.insert(i, REASON_REQUESTED);
            }
        }
        for (i, (node, inputs)) in nodes.iter().enumerate() {
            if node.op.is_library() && pending(i) {
                reasons.entry(i).or_insert(REASON_LIBRARY);
                for input in inputs {
                    let j = index[&input.id];
                    if pending(j) {
                        reasons.entry(j).or_insert(REASON_LIBRARY_INPUT);
                    }
                }
            }
            if matches!(node.op, NodeOp::View(_)) && pending(i) {
                let j = index[&inputs[0].id];
                if pending(j) && nodes[j].0.numel() < node.numel() && !is_row_broadcast(nodes, index, node, j) {
                    reasons.entry(j).or_insert(REASON_BROADCAST);
                }
            }
        }
        loop {
            let (groups, forced) = assign(&nodes, &index, &reasons);
            if !forced.is_empty() {
                for (i, why) in forced {
                    reasons.entry(i).or_insert(why);
                }
                continue;
            }
            let groups = order(&nodes, &index, groups)?;
            let mut lowered = Vec::with_capacity(groups.len());
            let mut copies = Vec::new();
            for g in &groups {
                if g.library {
                    lowered.push(None);
                    continue;
                }
                match lower(nodes, index, g) {
                    Ok(l) => lowered.push(Some(l)),
                    Err(needs) => copies.push(needs),
                }
            }
            if copies.is_empty() {
                return Ok(Plan { groups, lowered, reasons });
            }
            let before = reasons.len();
            for c in copies {
                reasons.entry(c.node).or_insert(c.reason);
            }
            if reasons.len() == before {
                return Err(Error::Compile { kernel: "<schedule>".into(), message: "layout copies did not converge".into() });
            }
        }
    }
}

/// Groups materialized nodes into kernels and collects each kernel's
/// members; returns nodes that must be materialized as well, with why.
fn assign(
    nodes: &[(NodeRef, Inputs)],
    index: &HashMap<u64, usize>,
    reasons: &HashMap<usize, &'static str>,
) -> (Vec<Group>, Vec<(usize, &'static str)>) {
    let mut groups: Vec<Group> = Vec::new();
    // (group, inner?) that claimed each node first.
    let mut owner: Vec<Option<usize>> = vec![None; nodes.len()];
    let mut forced: Vec<(usize, &'static str)> = Vec::new();
    let mut outputs: Vec<usize> = reasons.keys().copied().collect();
    outputs.sort_unstable();
    let below = materialized_below(nodes, index, reasons);
    let cost = recompute_cost(nodes, index, reasons);
    // The group each output assigned so far went to.
    let mut group_of: HashMap<usize, usize> = HashMap::with_capacity(outputs.len());
    for &o in &outputs {
        if nodes[o].0.op.is_library() {
            groups.push(Group { shape: nodes[o].0.shape.clone(), library: true, reduce: None, row: false, outputs: vec![o], members: vec![o] });
            group_of.insert(o, groups.len() - 1);
            continue;
        }
        // The groups `o` reads from: `o` may join none that runs after
        // one of them (it would read what its own kernel writes later).
        let sources: Vec<usize> = below[o].iter().filter_map(|p| group_of.get(p).copied()).collect();
        let space = reduce_space_below(nodes, index, reasons, o);
        let shape = &nodes[o].0.shape;
        // An output of the reduction's input shape reads the reduction
        // broadcast back over its rows.
        let row = space.as_ref().is_some_and(|(s, axes)| s == shape && axes.iter().any(|&a| s[a as usize] != 1));
        // Same index space, and no path from the groups `o` reads back to
        // the group (that kernel would read what it writes: directly, or
        // through kernels between, as when two copies each read what the
        // other's group writes).
        let joinable = |(g, grp): (usize, &Group)| {
            &grp.shape == shape
                && !grp.library
                && grp.row == row
                && (grp.reduce == space || space.is_none() || grp.reduce.is_none())
                && !runs_after(&sources, g, &groups, &below, &group_of)
        };
        let g = match groups.iter().enumerate().position(joinable) {
            Some(g) => g,
            None => {
                groups.push(Group { shape: shape.clone(), library: false, reduce: None, row, outputs: vec![], members: vec![] });
                groups.len() - 1
            }
        };
        if groups[g].reduce.is_none() {
            groups[g].reduce = space;
        }
        groups[g].outputs.push(o);
        group_of.insert(o, g);
    }
    for (g, group) in groups.iter_mut().enumerate() {
        if group.library {
            continue;
        }
        // (node, in the inner loop?): a row kernel's outputs are.
        let mut stack: Vec<(usize, bool)> = group.outputs.iter().map(|&o| (o, group.row)).collect();
        let mut members = Vec::new();
        let mut seen: HashMap<(usize, bool), ()> = HashMap::new();
        while let Some((i, inner)) = stack.pop() {
            if seen.insert((i, inner), ()).is_some() {
                continue;
            }
            match owner[i] {
                // Cheap elementwise work is recomputed by each kernel that
                // needs it: a pass over memory costs more than a few flops.
                Some(o) if o != g && cost[i] > CHEAP_TO_RECOMPUTE => {
                    forced.push((i, REASON_SHARED));
                    continue;
                }
                Some(_) => {}
                None => owner[i] = Some(g),
            }
            let node = &nodes[i].0;
            let mut child_inner = inner;
            if let NodeOp::Reduce { axes, .. } = &node.op {
                let space = (nodes[i].1[0].shape.clone(), axes.clone());
                // Read inside the loop of a reduction over the same rows, it
                // is an earlier pass of the same kernel.
                let same_rows = group.reduce.as_ref() == Some(&space) && row_fusable(&space);
                if inner && !same_rows {
                    forced.push((i, REASON_REDUCE_INPUT));
                    continue;
                }
                if group.reduce.as_ref() != Some(&space) {
                    forced.push((i, REASON_REDUCE_SPACE));
                    continue;
                }
                child_inner = true;
            }
            members.push(i);
            for input in &nodes[i].1 {
                let j = index[&input.id];
                if !nodes[j].1.is_empty() && !reasons.contains_key(&j) {
                    stack.push((j, child_inner));
                }
            }
        }
        members.sort_unstable();
        members.dedup();
        group.members = members;
    }
    forced.sort_unstable();
    forced.dedup_by_key(|f| f.0);
    (groups, forced)
}

/// Whether group `target` is among `from` or the groups they read from,
/// transitively: then a kernel reading `from`'s outputs must run after it.
fn runs_after(from: &[usize], target: usize, groups: &[Group], below: &[hashbrown::HashSet<usize>], group_of: &HashMap<usize, usize>) -> bool {
    let mut stack = from.to_vec();
    let mut seen = hashbrown::HashSet::new();
    while let Some(h) = stack.pop() {
        if h == target {
            return true;
        }
        if seen.insert(h) {
            stack.extend(groups[h].outputs.iter().flat_map(|a| below[*a].iter()).filter_map(|p| group_of.get(p).copied()));
        }
    }
    false
}

/// Work (in rough instructions per element) below which a node shared by
/// two kernels is recomputed in each rather than written to memory.
const CHEAP_TO_RECOMPUTE: u32 = 8;

/// Per node, the work of computing it inside a kernel: its fused subgraph
/// down to materialized nodes and sources (shared nodes counted per use,
/// which only overestimates). Transcendentals count as expensive.
fn recompute_cost(nodes: &[(NodeRef, Inputs)], index: &HashMap<u64, usize>, reasons: &HashMap<usize, &'static str>) -> Vec<u32> {
    let mut cost: Vec<u32> = Vec::with_capacity(nodes.len());
    for (node, inputs) in nodes {
        let own: u32 = match &node.op {
            NodeOp::Leaf | NodeOp::Const(_) => 0,
            NodeOp::View(_) | NodeOp::Reshape => 0,
            NodeOp::Unary(u) if u.is_math() => 64,
            // Complex division and functions expand to dozens of real
            // instructions (lower/complex.rs); products and sums to a few.
            NodeOp::Unary(_) | NodeOp::Binary(BinaryOp::Div | BinaryOp::Pow) if inputs.first().is_some_and(|i| i.dtype.is_complex()) => 64,
            NodeOp::Reduce { .. } | NodeOp::Library(_) => 1 << 16,
            _ => 1,
        };
        let below: u32 = inputs
            .iter()
            .map(|i| index[&i.id])
            .filter(|j| !reasons.contains_key(j))
            .map(|j| cost[j])
            .fold(0u32, |a, b| a.saturating_add(b));
        cost.push(own.saturating_add(below));
    }
    cost
}

/// For each node, the materialized nodes it depends on (transitively).
fn materialized_below(nodes: &[(NodeRef, Inputs)], index: &HashMap<u64, usize>, reasons: &HashMap<usize, &'static str>) -> Vec<hashbrown::HashSet<usize>> {
    let mut below: Vec<hashbrown::HashSet<usize>> = Vec::with_capacity(nodes.len());
    for (_, inputs) in nodes {
        let mut set = hashbrown::HashSet::new();
        for input in inputs {
            let j = index[&input.id];
            set.extend(below[j].iter().copied());
            if reasons.contains_key(&j) {
                set.insert(j);
            }
        }
        below.push(set);
    }
    below
}

/// The reduction space of the first reduction fused below `o` (searching
/// only through nodes that would fuse into `o`'s kernel).
fn reduce_space_below(
    nodes: &[(NodeRef, Inputs)],
    index: &HashMap<u64, usize>,
    reasons: &HashMap<usize, &'static str>,
    o: usize,
) -> Option<ReduceSpace> {
    let mut stack = vec![o];
    let mut seen = hashbrown::HashSet::new();
    while let Some(i) = stack.pop() {
        if !seen.insert(i) {
            continue;
        }
        if let NodeOp::Reduce { axes, .. } = &nodes[i].0.op {
            return Some((nodes[i].1[0].shape.clone(), axes.clone()));
        }
        for input in &nodes[i].1 {
            let j = index[&input.id];
            if !nodes[j].1.is_empty() && !reasons.contains_key(&j) {
                stack.push(j);
            }
        }
    }
    None
}

/// Orders groups so each runs after the groups whose outputs it reads.
fn order(nodes: &[(NodeRef, Inputs)], index: &HashMap<u64, usize>, groups: Vec<Group>) -> Result<Vec<Group>> {
    let producer: HashMap<usize, usize> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, grp)| grp.outputs.iter().map(move |&o| (o, g)))
        .collect();
    let deps: Vec<Vec<usize>> = groups
        .iter()
        .enumerate()
        .map(|(g, grp)| {
            let mut d: Vec<usize> = grp
                .members
                .iter()
                .flat_map(|&m| nodes[m].1.iter().map(|i| index[&i.id]))
                .filter_map(|j| producer.get(&j).copied())
                .filter(|&h| h != g)
                .collect();
            d.sort_unstable();
            d.dedup();
            d
        })
        .collect();
    let mut done = vec![false; groups.len()];
    let mut order = Vec::with_capacity(groups.len());
    while order.len() < groups.len() {
        let ready = (0..groups.len()).find(|&g| !done[g] && deps[g].iter().all(|&h| done[h]));
        let g = ready.ok_or_else(|| Error::Compile {
            kernel: "<schedule>".into(),
            message: "cyclic dependency between kernels".into(),
        })?;
        done[g] = true;
        order.push(g);
    }
    let mut slots: Vec<Option<Group>> = groups.into_iter().map(Some).collect();
    Ok(order.into_iter().map(|g| slots[g].take().unwrap()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{intern, Node, State};
    use crate::kernel_ir::BinaryOp;
    use lazyxp_runtime::{Buffer, DType};

    /// A graph of the same size as the thread's last one but another op,
    /// shape or dtype gets a plan of its own, and the first graph gets its
    /// own plan back, however the two alternate.
    #[test]
    fn the_last_plan_serves_only_the_same_structure() {
        let leaf = |n: usize, dtype: DType| Node::leaf(Buffer::uninit(n * dtype.size()).unwrap(), dtype, Shape::from_slice(&[n]));
        let op = |b: BinaryOp, x: &NodeRef, y: &NodeRef| intern(NodeOp::Binary(b), x.dtype, x.shape.clone(), smallvec::smallvec![x.clone(), y.clone()], State::Pending);
        let (x, y) = (leaf(4, DType::Float32), leaf(4, DType::Float32));
        let add = op(BinaryOp::Add, &x, &y);
        let others = [
            op(BinaryOp::Mul, &x, &y),
            op(BinaryOp::Add, &leaf(5, DType::Float32), &leaf(5, DType::Float32)),
            op(BinaryOp::Add, &leaf(4, DType::Float64), &leaf(4, DType::Float64)),
        ];
        let plan = |root: &NodeRef| Schedule::build(std::slice::from_ref(root)).unwrap().plan;
        let first = plan(&add);
        assert!(Arc::ptr_eq(&first, &plan(&add)), "the same graph again reuses its plan");
        for other in &others {
            let p = plan(other);
            assert!(!Arc::ptr_eq(&first, &p), "{other:?} got x + y's plan");
            assert_eq!(p.lowered[0].as_ref().unwrap().kernel.name, Schedule::build_uncached(std::slice::from_ref(other)).unwrap().lowered[0].as_ref().unwrap().kernel.name);
            assert!(Arc::ptr_eq(&first, &plan(&add)), "x + y after {other:?}: its own plan again");
        }
    }
}
