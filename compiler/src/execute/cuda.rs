//! `eval` on a CUDA device (feature `cuda`): the CPU path's schedule,
//! bounds check and launch words, with device addresses.
//!
//! Results stay in the device's memory (`State::OnDevice`); inputs that
//! live on the host (constants, data no device owns) are uploaded, constants
//! once per value and device. Kernels the PTX backend refuses
//! (`Error::Unsupported`: sums and products of bools) and library kernels
//! (matmul, scans) do not disappear and do not fail the eval: they run on
//! the CPU with their inputs downloaded and their outputs uploaded, and the
//! eval's record says so for each (`explain()` and the eval dump show it
//! right after the fusion plan).
//!
//! Launches are asynchronous: a fault inside a kernel (which the bounds
//! check is there to rule out) surfaces as `Error::Device` at the next
//! download, not at this eval.

use super::{bind_launch_args, finish_eval, run_cpu_kernel, run_library, Engine, Evaluated, Produced};
use crate::cache::{self, DeviceCode, DeviceRun};
use crate::graph::{EvalRecord, NodeOp, NodeRef};
use crate::lower::Lowered;
use crate::schedule::{Group, Schedule};
use hashbrown::HashMap;
use lazyxp_runtime::cuda::{self as rt, CudaDevice, DeviceBuffer};
use lazyxp_runtime::shape::byte_size;
use lazyxp_runtime::{Buffer, Device, Error, Placement, Result, Scalar};
use smallvec::SmallVec;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

type DevBuf = Arc<DeviceBuffer>;

/// The device a root is evaluated on (`Anywhere`: the CPU).
fn device_of(r: &NodeRef) -> Device {
    r.placement.device().unwrap_or(Device::Cpu)
}

/// Evaluates `pending` when any root is placed on a GPU; `None` (nothing
/// done) when all are CPU roots, so the caller runs its CPU path.
///
/// Roots on several devices (one `eval` call over arrays of different
/// devices) are evaluated one device after another; each device's results
/// are realized when its own kernels have run.
pub(super) fn evaluate_gpu_roots(pending: &[NodeRef]) -> Option<Result<Option<Arc<EvalRecord>>>> {
    if pending.iter().all(|r| matches!(r.placement, Placement::Anywhere | Placement::On(Device::Cpu))) {
        return None;
    }
    if let Some(r) = pending.iter().find(|r| matches!(r.placement, Placement::Mixed(..))) {
        let Placement::Mixed(a, b) = r.placement else { unreachable!() };
        return Some(Err(Error::Device(format!("n{} ({}) combines data on {a} and on {b}", r.id, r.op.name()))));
    }
    let mut devices: Vec<Device> = Vec::new();
    for r in pending {
        if !devices.contains(&device_of(r)) {
            devices.push(device_of(r));
        }
    }
    let mut last = Ok(None);
    for d in devices {
        let roots: Vec<NodeRef> = pending.iter().filter(|r| device_of(r) == d).cloned().collect();
        last = match d {
            // Re-enters `evaluate_with` with CPU roots only: its CPU path.
            Device::Cpu => super::evaluate_with(&roots, Engine::Cranelift),
            Device::Cuda(ordinal) => evaluate_on(&roots, ordinal),
        };
        if last.is_err() {
            break;
        }
    }
    Some(last)
}

/// Evaluates `pending` (all placed on `cuda:<ordinal>`) on that device.
fn evaluate_on(pending: &[NodeRef], ordinal: usize) -> Result<Option<Arc<EvalRecord>>> {
    let dev = rt::device(ordinal)?;
    let s = Schedule::build(pending)?;
    let mut on_dev: Produced<DevBuf> = Produced::new(s.nodes.len());
    // Host copies of this eval's device results, for kernels that run on
    // the CPU; kept for the whole eval, so each is downloaded once.
    let mut host: Produced<Buffer> = Produced::new(s.nodes.len());
    let mut kernels = SmallVec::new();
    let mut library = Vec::new();
    let mut device_runs = Vec::with_capacity(s.groups.len());
    for (plan_index, (g, low)) in s.groups.iter().zip(&s.lowered).enumerate() {
        let n = g.launch_len()?;
        if n == 0 {
            for &o in &g.outputs {
                on_dev.insert(o, Arc::new(dev.alloc(0)?));
            }
            continue;
        }
        let started = Instant::now();
        let (name, code) = match low {
            None => {
                let o = g.outputs[0];
                let operands = s.nodes[o].1.iter().map(|n| s.nodes.iter().position(|(m, _)| m.id == n.id).expect("inputs are scheduled"));
                host_copies(dev, &s, operands, &on_dev, &mut host)?;
                let out = run_library(&s, o, &host)?;
                let name = s.nodes[o].0.op.name();
                library.push((name.clone(), started.elapsed()));
                on_dev.insert(o, Arc::new(dev.upload(out.as_bytes())?));
                (name, DeviceCode::CpuFallback { reason: "library kernel, no GPU implementation yet".into() })
            }
            Some(low) => {
                let code = match cache::cuda::get_or_compile(&low.kernel, dev) {
                    Ok((entry, hit)) => {
                        launch(dev, &s, g, low, n, &entry, &mut on_dev)?;
                        DeviceCode::Ptx { entry, hit }
                    }
                    Err(Error::Unsupported(why)) => {
                        host_copies(dev, &s, low.inputs.iter().map(|b| b.source), &on_dev, &mut host)?;
                        let (run, outputs) = run_cpu_kernel(&s, g, low, n, Engine::Cranelift, &mut host)?;
                        kernels.push(run);
                        for (&o, buf) in low.outputs.iter().zip(outputs) {
                            on_dev.insert(o, Arc::new(dev.upload(buf.as_bytes())?));
                        }
                        DeviceCode::CpuFallback { reason: format!("the PTX backend does not support it ({why})") }
                    }
                    Err(e) => return Err(e),
                };
                (low.kernel.name.clone(), code)
            }
        };
        device_runs.push(DeviceRun { device: Device::Cuda(ordinal), plan_index, name, elements: n, time: started.elapsed(), code });
    }
    let record = Arc::new(EvalRecord {
        evaluated: Some(Evaluated::of(&s)),
        kernels,
        library,
        device_runs,
    });
    finish_eval(&s, record, &mut on_dev, |node, buf, record| node.realize_on_device(buf, Some(record)))
}

/// Allocates the outputs of one lowered kernel and launches its PTX over
/// `n` elements, reading inputs from `on_dev` (this eval's results and
/// uploads so far) or the realized nodes.
fn launch(dev: &CudaDevice, s: &Schedule, g: &Group, low: &Lowered, n: usize, entry: &cache::cuda::GpuEntry, on_dev: &mut Produced<DevBuf>) -> Result<()> {
    let outputs = low
        .outputs
        .iter()
        .map(|&o| Ok(Arc::new(dev.alloc(byte_size(&g.shape, s.nodes[o].0.dtype)?)?)))
        .collect::<Result<Vec<DevBuf>>>()?;
    let input = |source: usize| -> Result<(u64, usize)> {
        let b = device_input(dev, s, source, on_dev)?;
        Ok((b.device_ptr(), b.len()))
    };
    let args = bind_launch_args(low, input, low.output_addresses(|slot| outputs[slot].device_ptr()))?;
    // SAFETY: `bind_launch_args` checked every input's reachable extent
    // against its device buffer's length; the outputs hold `n` elements of
    // their dtype; every buffer is kept alive (and freed in stream order,
    // after the launch) by `on_dev` or the nodes.
    let inner: usize = low.dims[low.outer_rank..].iter().product();
    unsafe { entry.launch(dev, n as u64, inner as u64, &args.words)? };
    for (&o, b) in low.outputs.iter().zip(outputs) {
        on_dev.insert(o, b);
    }
    Ok(())
}

/// The device data of source node `source`, uploading it (once per eval,
/// once per value for constants) when it lives on the host.
fn device_input(dev: &CudaDevice, s: &Schedule, source: usize, on_dev: &mut Produced<DevBuf>) -> Result<DevBuf> {
    if let Some(b) = on_dev.get(source) {
        return Ok(b.clone());
    }
    let node = &s.nodes[source].0;
    let buf = match node.device_buffer() {
        Some(d) if d.ordinal() == dev.ordinal() => d,
        Some(d) => {
            return Err(Error::Device(format!("n{} lives on cuda:{}, the kernel runs on cuda:{}", node.id, d.ordinal(), dev.ordinal())));
        }
        None => {
            let host = node.buffer().ok_or_else(|| Error::Compile {
                kernel: "<eval>".into(),
                message: format!("input n{} has no buffer", node.id),
            })?;
            match node.op {
                NodeOp::Const(c) => constant_on(dev, c, &host)?,
                _ => Arc::new(dev.upload(host.as_bytes())?),
            }
        }
    };
    on_dev.insert(source, buf.clone());
    Ok(buf)
}

/// Constants distinct per program are few, and `x * 2.0` in a loop would
/// otherwise upload (and allocate) the same four bytes every eval.
const CONSTANTS_KEPT: usize = 4096;

fn constant_on(dev: &CudaDevice, c: Scalar, host: &Buffer) -> Result<DevBuf> {
    static CONSTS: OnceLock<Mutex<HashMap<(Scalar, usize), DevBuf>>> = OnceLock::new();
    let table = CONSTS.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(b) = table.lock().unwrap_or_else(|e| e.into_inner()).get(&(c, dev.ordinal())) {
        return Ok(b.clone());
    }
    let b = Arc::new(dev.upload(host.as_bytes())?);
    let mut t = table.lock().unwrap_or_else(|e| e.into_inner());
    if t.len() >= CONSTANTS_KEPT {
        t.clear();
    }
    Ok(t.entry((c, dev.ordinal())).or_insert(b).clone())
}

/// Adds to `host` copies of the sources among `sources` that this eval
/// produced on the device, for a kernel that runs on the CPU instead.
/// Realized sources need none here: the CPU path reads host data directly
/// and copies device-resident nodes itself (`Node::host_buffer`).
fn host_copies(dev: &CudaDevice, s: &Schedule, sources: impl Iterator<Item = usize>, on_dev: &Produced<DevBuf>, host: &mut Produced<Buffer>) -> Result<()> {
    for j in sources {
        if host.contains(j) || s.nodes[j].0.host_extent().is_some() {
            continue;
        }
        if let Some(d) = on_dev.get(j) {
            host.insert(j, dev.download_buffer(d)?);
        }
    }
    Ok(())
}

/// What `eval` on a GPU would do with `roots`, without a GPU: schedules
/// them, compiles every generated kernel to PTX for `chip`, and binds its
/// launch words (fake device addresses, real lengths and bounds checks),
/// checking that their number is what the PTX entry takes. One line per
/// kernel: `<name>: ptx, <n> words` or `<name>: cpu fallback (<why>)`.
/// Runs nothing and realizes nothing; it exists so machines without a GPU
/// can test the executor's half of the launch contract.
#[doc(hidden)]
pub fn dry_run(roots: &[NodeRef], chip: &str) -> Result<Vec<String>> {
    let s = Schedule::build(roots)?;
    let mut produced: Produced<usize> = Produced::new(s.nodes.len());
    let mut lines = Vec::new();
    for (g, low) in s.groups.iter().zip(&s.lowered) {
        for &o in &g.outputs {
            produced.insert(o, byte_size(&g.shape, s.nodes[o].0.dtype)?);
        }
        let Some(low) = low else {
            lines.push(format!("{}: cpu fallback (library kernel)", s.nodes[g.outputs[0]].0.op.name()));
            continue;
        };
        match crate::backend::ptx::compile_for(&low.kernel, chip) {
            Ok(_) => {}
            Err(Error::Unsupported(why)) => {
                lines.push(format!("{}: cpu fallback ({why})", low.kernel.name));
                continue;
            }
            Err(e) => return Err(e),
        }
        const FAKE_BASE: u64 = 1 << 40;
        let input = |source: usize| -> Result<(u64, usize)> {
            let node = &s.nodes[source].0;
            let len = match produced.get(source) {
                Some(&len) => len,
                None => match node.device_buffer() {
                    Some(d) => d.len(),
                    None => node.buffer().map(|b| b.len()).ok_or_else(|| Error::Compile {
                        kernel: low.kernel.name.clone(),
                        message: format!("input n{} has no buffer", node.id),
                    })?,
                },
            };
            Ok((FAKE_BASE, len))
        };
        let args = bind_launch_args(low, input, low.output_addresses(|_| FAKE_BASE))?;
        let bound = args.words.len() + crate::backend::ptx::scratch_words(&low.kernel);
        let want = crate::backend::ptx::launch_word_count(&low.kernel);
        if bound != want {
            return Err(Error::Compile {
                kernel: low.kernel.name.clone(),
                message: format!("the executor binds {bound} launch words, the PTX entry takes {want}"),
            });
        }
        lines.push(format!("{}: ptx, {want} words", low.kernel.name));
    }
    Ok(lines)
}
