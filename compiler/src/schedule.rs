//! Fusion: cutting the pending graph into kernels, with a reason for every
//! cut.
//!
//! Elementwise nodes and broadcasts fuse into their consumers; a kernel is
//! one index space (a shape) and may have several outputs. A node becomes a
//! kernel output ("materialized") only when something forces it:
//!
//! * `eval` asked for it;
//! * it is a computed value broadcast to a larger shape: fusing would
//!   recompute it once per broadcast element;
//! * kernels of different shapes both need it: computed once, then shared.
//!
//! Within one kernel a node used several times is computed once (the kernel
//! is a DAG), so sharing never forces a cut on its own.

use crate::graph::{topo_order, NodeOp, NodeRef};
use hashbrown::HashMap;
use lazyxp_runtime::{Error, Result, Shape};
use smallvec::SmallVec;

pub type Inputs = SmallVec<[NodeRef; 3]>;

pub struct Schedule {
    /// Every node reached (pending ones and the realized sources below
    /// them), inputs before users, with the inputs each had when visited.
    pub nodes: Vec<(NodeRef, Inputs)>,
    /// Kernels in execution order.
    pub groups: Vec<Group>,
    /// Why each materialized node (by index into `nodes`) is a kernel output.
    pub reasons: HashMap<usize, &'static str>,
}

pub struct Group {
    pub shape: Shape,
    /// Indices into `Schedule::nodes` of the values this kernel stores.
    pub outputs: Vec<usize>,
    /// Indices of the nodes computed inside the kernel, in dependency order.
    pub members: Vec<usize>,
}

pub const REASON_REQUESTED: &str = "requested by eval";
pub const REASON_BROADCAST: &str = "computed value broadcast to a larger shape: materialized once instead of recomputed per element";
pub const REASON_SHARED: &str = "needed by kernels of different shapes: materialized once and shared";

impl Schedule {
    pub fn build(roots: &[NodeRef]) -> Result<Schedule> {
        let nodes = topo_order(roots);
        let index: HashMap<u64, usize> = nodes.iter().enumerate().map(|(i, (n, _))| (n.id, i)).collect();
        let pending = |i: usize| !nodes[i].1.is_empty();
        let mut reasons: HashMap<usize, &'static str> = HashMap::new();
        for r in roots {
            let i = index[&r.id];
            if pending(i) {
                reasons.insert(i, REASON_REQUESTED);
            }
        }
        for (i, (node, inputs)) in nodes.iter().enumerate() {
            if node.op == NodeOp::Broadcast && pending(i) {
                let j = index[&inputs[0].id];
                if pending(j) && nodes[j].0.numel() < node.numel() {
                    reasons.entry(j).or_insert(REASON_BROADCAST);
                }
            }
        }
        loop {
            let (groups, conflicts) = Self::assign(&nodes, &index, &reasons);
            if conflicts.is_empty() {
                let groups = Self::order(&nodes, &index, groups)?;
                return Ok(Schedule { nodes, groups, reasons });
            }
            for c in conflicts {
                reasons.insert(c, REASON_SHARED);
            }
        }
    }

    /// Groups materialized nodes by shape and collects each group's
    /// members; returns nodes claimed by two groups.
    fn assign(nodes: &[(NodeRef, Inputs)], index: &HashMap<u64, usize>, reasons: &HashMap<usize, &'static str>) -> (Vec<Group>, Vec<usize>) {
        let mut groups: Vec<Group> = Vec::new();
        let mut owner: Vec<Option<usize>> = vec![None; nodes.len()];
        let mut conflicts = Vec::new();
        let mut outputs: Vec<usize> = reasons.keys().copied().collect();
        outputs.sort_unstable();
        for &o in &outputs {
            let shape = &nodes[o].0.shape;
            let g = match groups.iter().position(|g| &g.shape == shape) {
                Some(g) => g,
                None => {
                    groups.push(Group { shape: shape.clone(), outputs: vec![], members: vec![] });
                    groups.len() - 1
                }
            };
            groups[g].outputs.push(o);
        }
        for (g, group) in groups.iter_mut().enumerate() {
            let mut stack = group.outputs.clone();
            let mut members = Vec::new();
            while let Some(i) = stack.pop() {
                match owner[i] {
                    Some(o) if o == g => continue,
                    Some(_) => {
                        conflicts.push(i);
                        continue;
                    }
                    None => owner[i] = Some(g),
                }
                members.push(i);
                for input in &nodes[i].1 {
                    let j = index[&input.id];
                    if !nodes[j].1.is_empty() && !reasons.contains_key(&j) {
                        stack.push(j);
                    }
                }
            }
            members.sort_unstable();
            group.members = members;
        }
        conflicts.sort_unstable();
        conflicts.dedup();
        (groups, conflicts)
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
}
