//! `eval`: schedule the pending graph, compile (or fetch) each kernel, run
//! it on the thread pool, and realize the results.
//!
//! Nothing is realized until every kernel has run, so an error leaves the
//! graph exactly as it was: no half-evaluated state, nothing lost.
//!
//! Roots placed on a GPU (feature `cuda`) are evaluated by `execute/cuda.rs`
//! with the same schedule, bounds check and launch words; this file is the
//! CPU path, which pays nothing for the GPU one but a field read per root.

#[cfg(feature = "cuda")]
mod cuda;
mod produced;
#[cfg(feature = "cuda")]
pub use cuda::dry_run as gpu_dry_run;

use crate::backend::cranelift::{LaneStep, STRIP_VECTORS};
use crate::cache::{self, KernelRun};
use crate::graph::{EvalRecord, NodeOp, NodeRef, NodeSummary, PlannedKernel};
use crate::kernel_ir::{Access, Space};
use crate::lower::Lowered;
use crate::schedule::{Group, Plan, PlanKey, Schedule};
use produced::Produced;
use lazyxp_runtime::launch::LaunchArgs;
use lazyxp_runtime::shape::byte_size;
use lazyxp_runtime::{parallel, Buffer, Error, Result};
use smallvec::SmallVec;
use std::sync::Arc;
use std::time::Instant;

/// Which engine runs the kernels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Machine code from the Cranelift backend (the default).
    Cranelift,
    /// The reference interpreter of kernel IR: slow, obviously correct, the
    /// oracle the differential tests compare the compiled code with.
    Interpreter,
}

/// Evaluates every pending node among `roots` (realized ones are skipped).
pub fn evaluate(roots: &[NodeRef]) -> Result<Option<Arc<EvalRecord>>> {
    evaluate_with(roots, Engine::Cranelift)
}

/// `evaluate` on a chosen engine; scheduling, lowering, bounds checks and
/// launch arguments are shared, so only code generation differs.
///
/// Roots on a GPU run there (the interpreter always runs on the CPU,
/// copying device data in); data on a GPU that a CPU kernel reads is
/// copied to the host.
pub fn evaluate_with(roots: &[NodeRef], engine: Engine) -> Result<Option<Arc<EvalRecord>>> {
    let pending: std::borrow::Cow<[NodeRef]> = if roots.iter().all(|r| !r.is_realized()) {
        roots.into()
    } else {
        roots.iter().filter(|r| !r.is_realized()).cloned().collect::<Vec<_>>().into()
    };
    if pending.is_empty() {
        return Ok(None);
    }
    #[cfg(feature = "cuda")]
    if engine == Engine::Cranelift {
        if let Some(done) = cuda::evaluate_gpu_roots(&pending) {
            return done;
        }
    }
    let s = Schedule::build(&pending)?;
    let mut produced: Produced<Buffer> = Produced::new(s.nodes.len());
    let mut runs = SmallVec::new();
    let mut library_runs = Vec::new();
    for (g, low) in s.groups.iter().zip(&s.lowered) {
        let n = g.launch_len()?;
        if n == 0 {
            for &o in &g.outputs {
                produced.insert(o, Buffer::uninit(0)?);
            }
            continue;
        }
        let Some(low) = low else {
            let started = Instant::now();
            let out = run_library(&s, g.outputs[0], &produced)?;
            library_runs.push((s.nodes[g.outputs[0]].0.op.name(), started.elapsed()));
            produced.insert(g.outputs[0], out);
            continue;
        };
        let (run, outputs) = run_cpu_kernel(&s, g, low, n, engine, &mut produced)?;
        runs.push(run);
        for (&o, buf) in low.outputs.iter().zip(outputs) {
            produced.insert(o, buf);
        }
    }
    let record = Arc::new(EvalRecord {
        evaluated: Some(Evaluated::of(&s)),
        kernels: runs,
        library: library_runs,
        device_runs: Vec::new(),
    });
    finish_eval(&s, record, &mut produced, |node, buf, record| node.realize(buf, Some(record)))
}

/// The end of an eval on any device, once every kernel has run: the
/// report goes to `LAZYXP_DUMP`, then each materialized node takes its
/// buffer (nothing is realized before, so a failed eval leaves the graph
/// as it was).
pub(crate) fn finish_eval<B>(
    s: &Schedule,
    record: Arc<EvalRecord>,
    produced: &mut Produced<B>,
    realize: impl Fn(&NodeRef, B, Arc<EvalRecord>),
) -> Result<Option<Arc<EvalRecord>>> {
    if crate::dump::dump_dir().is_some() {
        crate::dump::write_eval(&record.report());
    }
    for (&i, _) in s.reasons.iter() {
        let buf = produced.remove(i).ok_or_else(|| Error::Compile {
            kernel: "<eval>".into(),
            message: format!("n{} was scheduled but never produced", s.nodes[i].0.id),
        })?;
        realize(&s.nodes[i].0, buf, record.clone());
    }
    Ok(Some(record))
}

/// Compiles (or fetches) one lowered kernel, allocates its outputs and runs
/// it over `n` elements on the thread pool. Inputs come from `produced`
/// (earlier kernels of this eval) or the realized nodes.
fn run_cpu_kernel(s: &Schedule, g: &Group, low: &Lowered, n: usize, engine: Engine, produced: &mut Produced<Buffer>) -> Result<(KernelRun, SmallVec<[Buffer; 2]>)> {
    let (entry, hit, miss_reason) = cache::get_or_compile_lowered(low)?;
    let outputs = low
        .outputs
        .iter()
        .map(|&o| Buffer::uninit(byte_size(&g.shape, s.nodes[o].0.dtype)?))
        .collect::<Result<SmallVec<_>>>()?;
    let args = launch_args(s, low, produced, &outputs)?;
    let steps = match (&entry.cpu.column_inputs, engine) {
        (Some(cols), Engine::Cranelift) => column_steps(low, cols, entry.cpu.lanes as usize),
        _ => None,
    };
    let leading_axis = steps.as_ref().is_some_and(|s| s.iter().all(|s| !s.is_row()));
    // A variant whose kernel could not take the path has groups of one.
    let columns = steps.map(|steps| entry.column_kernel(&steps)).transpose()?.filter(|c| c.cpu.output_align > 1);
    let cpu = columns.as_ref().map_or(&entry.cpu, |c| &c.cpu);
    let started = Instant::now();
    let f = cpu.entry;
    let inner: usize = low.dims[low.outer_rank..].iter().product();
    let mut grain = (entry.grain() / inner.max(1)).max(1);
    if columns.is_some() && leading_axis {
        // Strips read runs of up to STRIP_VECTORS vectors of each row;
        // narrower chunks cut the runs short (float32 over two threads in
        // chunks of 128 outputs ran no faster than one thread), as long
        // as every thread still gets a chunk.
        grain = grain.max((STRIP_VECTORS as usize * cpu.lanes as usize).min(n / parallel::num_threads().max(1)));
    }
    parallel::for_each_range(n, grain, cpu.output_align, |a, b| match engine {
        // SAFETY: `launch_args` checked every input's extent against its
        // buffer, and outputs hold `n` elements of their dtype.
        Engine::Cranelift => unsafe { f(args.as_ptr(), a as u64, b as u64) },
        Engine::Interpreter => unsafe { crate::interp::run(&entry.kernel, args.as_ptr(), a, b) },
    });
    Ok((KernelRun { entry, hit, miss_reason, elements: n, run_time: started.elapsed(), columns }, outputs))
}

/// Rows up to this long take the column path's short-row form when every
/// input's reduced elements are side by side (contiguous arrays included):
/// the row loop's per-row cost (setup, the eight-lane fold, the running
/// total) outweighs the elements there, and the short-row form shares it
/// among `lanes` outputs. Rows of 3 run 2.8x faster, of 16 1.5x; at 64
/// the two loops are level (benches/RESULTS.md, "Short rows").
const SHORT_ROW: usize = 64;

/// How this launch's column inputs would load on the column path, when it
/// pays: a reduction over a leading axis (each input's outputs side by side
/// or one element shared by all of them, and some input's reduced elements
/// a stride apart), or short rows (every input's reduced elements side by
/// side, at least one group of outputs along the last outer dim). The
/// generated `ColumnLayout` checks the steps again and decides group by
/// group.
fn column_steps(low: &Lowered, cols: &[usize], lanes: usize) -> Option<Vec<LaneStep>> {
    let r = low.outer_rank;
    if r == 0 {
        return None;
    }
    let inner: usize = low.dims[r..].iter().product();
    // (along the last outer dim, along the reduced dim); a contiguous input
    // is row-major over the index space.
    let strides: SmallVec<[(isize, isize); 4]> = cols
        .iter()
        .map(|&i| match low.kernel.inputs[i].access {
            Access::Contiguous => Some((inner as isize, 1)),
            _ => Some((*low.inputs[i].strides.get(r - 1)?, *low.inputs[i].strides.get(r)?)),
        })
        .collect::<Option<_>>()?;
    if strides.iter().any(|&(_, red)| red != 1) {
        return strides.iter().map(|&(lane, _)| LaneStep::across(lane)).collect();
    }
    (inner <= SHORT_ROW && low.dims[r - 1] >= lanes).then(|| strides.iter().map(|&(lane, _)| LaneStep::along(lane)).collect())
}

/// Host launch words for one kernel. A realized input whose data lives on
/// a GPU is copied to the host into `produced`, which keeps the copy alive
/// for the launch.
fn launch_args(s: &Schedule, low: &Lowered, produced: &mut Produced<Buffer>, outputs: &[Buffer]) -> Result<LaunchArgs> {
    let input = |source: usize| -> Result<(u64, usize)> {
        if let Some(buf) = produced.get(source) {
            return Ok((buf.as_ptr() as u64, buf.len()));
        }
        let node = &s.nodes[source].0;
        // The schedule holds `node` until the launch is over.
        if let Some(extent) = node.host_extent() {
            return Ok(extent);
        }
        let copy = node.host_buffer()?.ok_or_else(|| no_buffer(low, node))?;
        let extent = (copy.as_ptr() as u64, copy.len());
        produced.insert(source, copy);
        Ok(extent)
    };
    bind_launch_args(low, input, low.output_addresses(|slot| outputs[slot].as_ptr() as u64))
}

fn no_buffer(low: &Lowered, node: &crate::graph::Node) -> Error {
    Error::Compile { kernel: low.kernel.name.clone(), message: format!("input n{} has no buffer", node.id) }
}

/// Launch words for one kernel, host or device alike, after checking that
/// every address the kernel can form stays inside its buffer (the guard
/// that keeps generated code in bounds whatever shapes, offsets and strides
/// reach it). `input(source)` gives the base address and byte length of a
/// source node's data; `outputs` the outputs' base addresses.
fn bind_launch_args(low: &Lowered, mut input: impl FnMut(usize) -> Result<(u64, usize)>, outputs: impl Iterator<Item = u64>) -> Result<LaunchArgs> {
    let mut args = LaunchArgs::default();
    let k = &low.kernel;
    let mut strided = Vec::new();
    for (i, b) in low.inputs.iter().enumerate() {
        let (base, len) = input(b.source)?;
        let input = k.inputs[i];
        let dims = match input.space {
            Space::Outer => &low.dims[..low.outer_rank],
            Space::Inner => &low.dims[..],
        };
        // In units of the kernel's input type: a complex node is read
        // as its float parts.
        let size = input.dtype.size() as isize;
        if dims.iter().all(|&d| d > 0) {
            let (lo, hi) = match input.access {
                Access::Scalar => (b.offset, b.offset),
                Access::Contiguous => (b.offset, b.offset + dims.iter().product::<usize>() as isize - 1),
                // Whole pairs are loaded, whichever part is used.
                Access::Interleaved { .. } => (b.offset, b.offset + 2 * dims.iter().product::<usize>() as isize - 1),
                Access::Strided => dims.iter().zip(&b.strides).fold((b.offset, b.offset), |(lo, hi), (&d, &st)| {
                    let span = (d as isize - 1) * st;
                    (lo + span.min(0), hi + span.max(0))
                }),
            };
            if lo < 0 || (hi + 1) * size > len as isize {
                return Err(Error::Compile {
                    kernel: k.name.clone(),
                    message: format!("input {i} would read elements {lo}..={hi} of a {len}-byte buffer"),
                });
            }
        }
        args.words.push(base.wrapping_add_signed((b.offset * size) as i64));
        if input.access == Access::Strided {
            strided.push(i);
        }
    }
    args.words.extend(outputs);
    for &d in &low.dims {
        args.push_usize(d);
    }
    for i in strided {
        for &st in &low.inputs[i].strides {
            args.push_isize(st);
        }
    }
    Ok(args)
}

/// Runs a library kernel on its (materialized, contiguous) operands.
fn run_library(s: &Schedule, o: usize, produced: &Produced<Buffer>) -> Result<Buffer> {
    let (node, inputs) = &s.nodes[o];
    let buffer = |n: &NodeRef| -> Result<Buffer> {
        let j = s.nodes.iter().position(|(m, _)| m.id == n.id).expect("inputs are scheduled");
        let found = match produced.get(j) {
            Some(b) => Some(b.clone()),
            None => n.host_buffer()?,
        };
        found.ok_or_else(|| Error::Compile {
            kernel: node.op.name(),
            message: format!("operand n{} was not materialized", n.id),
        })
    };
    let NodeOp::Library(op) = &node.op else { unreachable!("only library ops form library groups") };
    let operands = inputs
        .iter()
        .map(|n| Ok(crate::library::Operand { buffer: buffer(n)?, dtype: n.dtype, shape: n.shape.clone() }))
        .collect::<Result<Vec<_>>>()?;
    crate::library::run(op, &operands, node.dtype, &node.shape)
}

/// The graph and plan of one eval as the schedule has them: the shared
/// structure and plan plus this eval's node ids (and the ops of its
/// realized nodes, which the structure leaves out), kept inline for the
/// small graphs of a hot loop, so recording allocates nothing beyond the
/// record, and the summaries are built only for `explain`.
pub struct Evaluated {
    key: Arc<PlanKey>,
    plan: Arc<Plan>,
    ids: SmallVec<[u64; 8]>,
    /// (position, op) of every realized node.
    realized: SmallVec<[(u32, NodeOp); 3]>,
}

impl Evaluated {
    pub(crate) fn of(s: &Schedule) -> Evaluated {
        Evaluated {
            key: s.key.clone(),
            plan: s.plan.clone(),
            ids: s.nodes.iter().map(|(n, _)| n.id).collect(),
            realized: s.nodes.iter().enumerate().filter(|(_, (_, ins))| ins.is_empty()).map(|(i, (n, _))| (i as u32, n.op.clone())).collect(),
        }
    }

    fn op(&self, i: usize) -> NodeOp {
        match &self.key.nodes[i].0 {
            Some(op) => op.clone(),
            None => {
                let k = self.realized.binary_search_by_key(&(i as u32), |(p, _)| *p).expect("nodes without an op in the key are realized");
                self.realized[k].1.clone()
            }
        }
    }
}

impl std::fmt::Debug for Evaluated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Evaluated({} nodes, {} kernels)", self.ids.len(), self.plan.groups.len())
    }
}

impl EvalRecord {
    /// The graph as it was before evaluation, in topological order.
    pub fn graph(&self) -> Vec<NodeSummary> {
        let Some(e) = &self.evaluated else { return Vec::new() };
        (0..e.ids.len())
            .map(|i| {
                let (_, dtype, shape, inputs) = &e.key.nodes[i];
                NodeSummary { id: e.ids[i], op: e.op(i), dtype: *dtype, shape: shape.clone(), inputs: inputs.iter().map(|&p| e.ids[p as usize]).collect() }
            })
            .collect()
    }

    /// The fusion plan, one entry per kernel.
    pub fn plan(&self) -> Vec<PlannedKernel> {
        let Some(e) = &self.evaluated else { return Vec::new() };
        e.plan
            .groups
            .iter()
            .zip(&e.plan.lowered)
            .map(|(g, low)| PlannedKernel {
                shape: g.shape.clone(),
                outputs: g.outputs.iter().map(|&o| (e.ids[o], e.plan.reasons[&o])).collect(),
                fused: g.members.iter().map(|&m| (e.ids[m], e.op(m))).collect(),
                row_passes: low.as_ref().filter(|l| l.kernel.row_outputs).map(|l| l.kernel.reduction_passes()),
            })
            .collect()
    }
}

impl EvalRecord {
    /// Graph, fusion plan and per-kernel facts as one text.
    pub fn report(&self) -> String {
        let mut out = String::from("== graph ==\n");
        for n in self.graph() {
            out.push_str(&format!("{n}\n"));
        }
        let plan = self.plan();
        let n = plan.len();
        out.push_str(&format!("\n== fusion plan ({n} kernel{}) ==\n", if n == 1 { "" } else { "s" }));
        for (k, p) in plan.iter().enumerate() {
            out.push_str(&format!("kernel {k}: {p}\n"));
        }
        if !self.device_runs.is_empty() {
            out.push_str(&format!("\n== on {} ==\n", self.device_runs[0].device));
            for r in &self.device_runs {
                out.push_str(&format!("kernel {} {}: {}\n", r.plan_index, r.name, r.describe()));
            }
        }
        out.push_str("\n== kernels run ==\n");
        for (name, t) in &self.library {
            out.push_str(&format!("library {name}: run {:.3} ms\n", t.as_secs_f64() * 1e3));
        }
        for (i, r) in self.kernels.iter().enumerate() {
            let e = &r.entry;
            out.push_str(&format!(
                "kernel {i} {} key {:016x}: {}, {} lanes{}, compile {:.3} ms, run {:.3} ms over {} elements\n",
                e.kernel.name,
                e.key,
                if r.hit { "cache hit".to_string() } else { format!("compiled ({})", r.miss_reason.as_deref().unwrap_or("miss")) },
                r.cpu().lanes,
                if r.columns.is_some() { ", column path" } else { "" },
                r.cpu().compile_time.as_secs_f64() * 1e3,
                r.run_time.as_secs_f64() * 1e3,
                r.elements
            ));
        }
        out
    }
}
