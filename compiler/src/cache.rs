//! The kernel cache: compiled code keyed by the kernel IR itself.
//!
//! Kernel IR holds no sizes, strides or user constants (those are launch
//! arguments), so the key is stable across shapes and values: a loop over
//! arrays of changing length compiles once. The key shown to users is
//! deterministic across runs (FNV of the IR text, target and version). When
//! a kernel misses while one of the same name is cached, the miss records
//! the first line where the two differ, so "why did this recompile?" has an
//! answer.

#[cfg(feature = "cuda")]
pub mod cuda;

use crate::backend::cranelift::{self, CpuKernel, LaneStep};
use crate::kernel_ir::Kernel;
use crate::math;
use hashbrown::HashMap;
use lazyxp_runtime::{Device, Result};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

pub const TARGET: &str = "cpu-cranelift";

pub struct CacheEntry {
    /// The kernel as scheduled (math ops not yet expanded).
    pub kernel: Kernel,
    /// After the math library's expansion: what the backend compiled.
    pub expanded: Kernel,
    pub key: u64,
    pub cpu: CpuKernel,
    /// The variants with the column path, by lane steps, each compiled
    /// the first time a launch's strides ask for it (`cpu.column_inputs`):
    /// most kernels that could have one never use it, and each costs
    /// several times the row loop's code and compile time. A kernel meets
    /// one or two stride patterns in practice, so this stays a short list.
    columns: Mutex<Vec<(Vec<LaneStep>, std::result::Result<Arc<ColumnVariant>, String>)>>,
}

/// A compiled column-path variant (`CacheEntry::column_kernel`).
pub struct ColumnVariant {
    pub steps: Vec<LaneStep>,
    pub cpu: CpuKernel,
}

impl CacheEntry {
    /// The column-path variant that loads its column inputs as `steps`
    /// says, compiling it on first use.
    pub fn column_kernel(&self, steps: &[LaneStep]) -> Result<Arc<ColumnVariant>> {
        let mut variants = self.columns.lock().unwrap_or_else(|e| e.into_inner());
        let made = match variants.iter().find(|(s, _)| s == steps) {
            Some((_, made)) => made.clone(),
            None => {
                let made = cranelift::compile_columns(&self.expanded, keep_text(), steps).map_err(|e| e.to_string()).map(|cpu| {
                    let letters: String = steps.iter().map(|s| s.letter()).collect();
                    crate::dump::write_variant(self, &cpu, &format!("columns-{letters}"));
                    Arc::new(ColumnVariant { steps: steps.to_vec(), cpu })
                });
                variants.push((steps.to_vec(), made.clone()));
                made
            }
        };
        made.map_err(|message| lazyxp_runtime::Error::Compile { kernel: self.kernel.name.clone(), message })
    }

    /// Elements per thread-pool task: about 100 µs of work, so the hand-off
    /// cost stays small while both cores get work on large arrays.
    pub fn grain(&self) -> usize {
        let ops = self.expanded.insts.len().max(1);
        (4_000_000 / ops).clamp(4096, 1 << 18)
    }
}

/// One kernel launch of an `eval`, as reported by `explain` and dumps.
#[derive(Clone)]
pub struct KernelRun {
    pub entry: Arc<CacheEntry>,
    pub hit: bool,
    /// For a miss: why no cached kernel matched.
    pub miss_reason: Option<String>,
    pub elements: usize,
    pub run_time: Duration,
    /// The column-path variant, if the launch ran one.
    pub columns: Option<Arc<ColumnVariant>>,
}

impl KernelRun {
    /// The code that ran.
    pub fn cpu(&self) -> &CpuKernel {
        self.columns.as_ref().map_or(&self.entry.cpu, |c| &c.cpu)
    }
}

impl std::fmt::Debug for KernelRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KernelRun({} {:016x} hit={})", self.entry.kernel.name, self.entry.key, self.hit)
    }
}

/// One kernel of an `eval` on a GPU, as reported by `explain` and dumps:
/// either PTX launched on the device, or a kernel that ran on the CPU
/// instead (with copies in and out) and why.
#[derive(Clone, Debug)]
pub struct DeviceRun {
    pub device: Device,
    /// The kernel's position in the fusion plan.
    pub plan_index: usize,
    pub name: String,
    pub elements: usize,
    /// Host time to submit the launch (GPU launches are asynchronous), or
    /// for a fallback the whole copy-run-copy.
    pub time: Duration,
    pub code: DeviceCode,
}

#[derive(Clone, Debug)]
pub enum DeviceCode {
    /// PTX compiled (or found in the cache) and launched on the device.
    #[cfg(feature = "cuda")]
    Ptx { entry: Arc<cuda::GpuEntry>, hit: bool },
    /// Ran on the CPU: inputs downloaded, outputs uploaded. The reason is
    /// the backend's refusal (sums and products of bools) or "library
    /// kernel" for ops with no GPU implementation yet.
    CpuFallback { reason: String },
}

impl DeviceRun {
    /// One line for `explain` and the eval dump.
    pub fn describe(&self) -> String {
        let ms = self.time.as_secs_f64() * 1e3;
        match &self.code {
            #[cfg(feature = "cuda")]
            DeviceCode::Ptx { entry, hit } => format!(
                "PTX for {} key {:016x}, {}, compile {:.3} ms, launch {ms:.3} ms (asynchronous) over {} elements",
                entry.ptx.chip,
                entry.key,
                if *hit { "cache hit" } else { "compiled" },
                entry.ptx.compile_time.as_secs_f64() * 1e3,
                self.elements
            ),
            DeviceCode::CpuFallback { reason } => format!(
                "ran on the CPU, not {}: {reason}; inputs copied to the host and outputs back, {ms:.3} ms over {} elements",
                self.device, self.elements
            ),
        }
    }
}

fn table() -> &'static Mutex<HashMap<Kernel, Arc<CacheEntry>>> {
    static T: OnceLock<Mutex<HashMap<Kernel, Arc<CacheEntry>>>> = OnceLock::new();
    T.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The deterministic cache key: kernel IR, target and compiler version.
pub fn key_of(k: &Kernel) -> u64 {
    key_for(k, TARGET)
}

/// The deterministic key of `k` compiled for `target` (`cpu-cranelift`,
/// `cuda-ptx-sm_90`).
pub fn key_for(k: &Kernel, target: &str) -> u64 {
    k.stable_hash() ^ fnv(target.as_bytes()) ^ fnv(env!("CARGO_PKG_VERSION").as_bytes()).rotate_left(17)
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x100000001b3))
}

/// Whether the CLIF and machine-code text is kept for every compiled
/// kernel (costs compile time, so only when dumping).
pub fn keep_text() -> bool {
    crate::dump::dump_dir().is_some()
}

/// The compiled kernel for `k`, compiling on a miss. Returns whether it hit
/// and, on a miss, the reason.
pub fn get_or_compile(k: &Kernel) -> Result<(Arc<CacheEntry>, bool, Option<String>)> {
    if let Some(e) = table().lock().unwrap_or_else(|e| e.into_inner()).get(k) {
        return Ok((e.clone(), true, None));
    }
    let reason = explain_miss(k);
    let entry = Arc::new(compile_uncached(k)?);
    crate::dump::write_kernel(&entry);
    let mut t = table().lock().unwrap_or_else(|e| e.into_inner());
    let e = t.entry(k.clone()).or_insert(entry).clone();
    Ok((e, false, Some(reason)))
}

/// `get_or_compile` for a lowered kernel, through its plan's memo of the
/// entry (a hit there skips the cache table and its hash of the IR).
pub fn get_or_compile_lowered(low: &crate::lower::Lowered) -> Result<(Arc<CacheEntry>, bool, Option<String>)> {
    if let Some(e) = low.compiled.get() {
        return Ok((e.clone(), true, None));
    }
    let found = get_or_compile(&low.kernel)?;
    let _ = low.compiled.set(found.0.clone());
    Ok(found)
}

/// Expands the math and compiles `k` without consulting or filling the
/// cache (what a miss costs; benchmarks time it directly).
pub fn compile_uncached(k: &Kernel) -> Result<CacheEntry> {
    let expanded = math::expand(k);
    let cpu = cranelift::compile(&expanded, keep_text())?;
    Ok(CacheEntry { key: key_of(k), kernel: k.clone(), expanded, cpu, columns: Mutex::new(Vec::new()) })
}

/// Why `k` is not in the cache: no kernel of that name was ever compiled,
/// or the first line where the closest one differs.
pub fn explain_miss(k: &Kernel) -> String {
    let t = table().lock().unwrap_or_else(|e| e.into_inner());
    let same_name: Vec<&Arc<CacheEntry>> = t.values().filter(|e| e.kernel.name == k.name).collect();
    if same_name.is_empty() {
        return format!("first compilation of a kernel named {}", k.name);
    }
    let text = k.to_string();
    let lines: Vec<&str> = text.lines().collect();
    let mut best: Option<(usize, String)> = None;
    for e in same_name {
        let other = e.kernel.to_string();
        let other_lines: Vec<&str> = other.lines().collect();
        let first_diff = (0..lines.len().max(other_lines.len()))
            .find(|&i| lines.get(i) != other_lines.get(i))
            .unwrap_or(lines.len());
        if best.as_ref().is_none_or(|(d, _)| first_diff > *d) {
            let msg = format!(
                "differs from cached kernel {:016x} at IR line {}: `{}` here, `{}` there",
                e.key,
                first_diff + 1,
                lines.get(first_diff).map_or("<end>", |l| l.trim()),
                other_lines.get(first_diff).map_or("<end>", |l| l.trim())
            );
            best = Some((first_diff, msg));
        }
    }
    best.unwrap().1
}

/// Number of compiled kernels in the cache.
pub fn len() -> usize {
    table().lock().unwrap_or_else(|e| e.into_inner()).len()
}

/// The CLIF and machine code that ran, recompiled with its text for
/// `explain` when the cached copy was compiled without it.
pub fn code_text(run: &KernelRun) -> Result<cranelift::CodeText> {
    if let Some(t) = &run.cpu().text {
        return Ok(t.clone());
    }
    let expanded = &run.entry.expanded;
    let again = match &run.columns {
        Some(c) => cranelift::compile_columns(expanded, true, &c.steps)?,
        None => cranelift::compile(expanded, true)?,
    };
    Ok(again.text.expect("compiled with its text"))
}
