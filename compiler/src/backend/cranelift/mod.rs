//! CPU backend: kernel IR -> Cranelift IR (CLIF) -> machine code in memory.

mod column_group;
mod column_order_free;
mod column_spilled;
mod column_strip;
mod emit;
mod lanes;
mod outline;
mod reduce_columns;
mod reduce_loop;
mod reduce_pass;
mod skeleton;
mod types;
mod unrolled;

pub use column_strip::STRIP_VECTORS;
pub use lanes::choose_lanes;
pub use reduce_columns::LaneStep;

use crate::kernel_ir::{verify, Kernel};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::Context;
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, Linkage, Module};
use lazyxp_runtime::launch::CpuKernelFn;
use lazyxp_runtime::{Error, Result};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A compiled kernel and what a user may want to read about it.
pub struct CpuKernel {
    pub entry: CpuKernelFn,
    /// 1 for the scalar path, else the SIMD width in elements.
    pub lanes: u32,
    /// The code as text, when requested (`want_text`): rendering the CLIF
    /// alone took ~8% of a large kernel's compile time, for dumps most
    /// compiles never write.
    pub text: Option<CodeText>,
    pub code_size: usize,
    pub compile_time: Duration,
    /// Launch chunks start on multiples of this many outputs: the outputs
    /// one step of the loop writes together (an elementwise kernel's cache
    /// line, a reduction's column group), so no step straddles two threads.
    pub output_align: usize,
    /// For a reduction that could take the column path: the kernel inputs
    /// whose strides decide it. This code has the path only if it was
    /// compiled with `compile_columns`; a launch whose strides fit asks
    /// the cache for the variant with its lane steps
    /// (`CacheEntry::column_kernel`).
    pub column_inputs: Option<Vec<usize>>,
}

/// A compiled kernel's code as a reader sees it.
#[derive(Clone)]
pub struct CodeText {
    /// CLIF before optimization (what we emitted).
    pub clif: String,
    /// Machine code as Cranelift's disassembler prints it.
    pub disasm: String,
}

/// The host ISA and one JIT module that owns all code. Code is never freed:
/// kernels live in the cache for the life of the process.
struct Jit {
    module: JITModule,
    counter: u64,
    /// Cold regions compiled out of line, shared by every kernel.
    callees: outline::Callees,
}

// SAFETY: the module is only touched under the mutex below; the raw
// pointers inside it refer to memory it owns.
unsafe impl Send for Jit {}

fn host_isa() -> Result<OwnedTargetIsa> {
    let mut flags = settings::builder();
    let set = |f: &mut settings::Builder, k: &str, v: &str| {
        f.set(k, v).map_err(|e| Error::Unsupported(format!("cranelift setting {k}={v}: {e}")))
    };
    set(&mut flags, "opt_level", "speed")?;
    set(&mut flags, "enable_verifier", if cfg!(debug_assertions) { "true" } else { "false" })?;
    set(&mut flags, "is_pic", "false")?;
    let isa_builder = cranelift_native::builder()
        .map_err(|e| Error::Unsupported(format!("no Cranelift backend for this host: {e}")))?;
    isa_builder
        .finish(settings::Flags::new(flags))
        .map_err(|e| Error::Unsupported(format!("host ISA: {e}")))
}

fn jit() -> Result<&'static Mutex<Jit>> {
    static JIT: OnceLock<std::result::Result<Mutex<Jit>, Error>> = OnceLock::new();
    JIT.get_or_init(|| {
        let isa = host_isa()?;
        let builder = JITBuilder::with_isa(isa, default_libcall_names());
        Ok(Mutex::new(Jit {
            module: JITModule::new(builder),
            counter: 0,
            callees: outline::Callees::new(),
        }))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Whether the host has fused multiply-add (then `fma` is one instruction
/// in the vector path; otherwise kernels with `fma` take the scalar path,
/// where Cranelift calls the C library's correctly rounded `fma`).
pub fn host_has_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        true
    }
}

/// Compiles a kernel whose math ops are already expanded. A reduction
/// gets the row loop only; `compile_columns` adds the column path.
pub fn compile(kernel: &Kernel, want_text: bool) -> Result<CpuKernel> {
    compile_variant(kernel, want_text, None, None)
}

/// `compile` with the column path for reductions over a leading axis or
/// short rows (`reduce_columns.rs`), its column inputs loaded as `steps`
/// says: several times the code and compile time, so it is built only once
/// a launch's strides can use it.
pub fn compile_columns(kernel: &Kernel, want_text: bool, steps: &[LaneStep]) -> Result<CpuKernel> {
    compile_variant(kernel, want_text, None, Some(steps))
}

/// As `compile`, optionally forcing the lane count (1 = scalar path), so
/// tests can check both paths give the same bits.
pub fn compile_with_lanes(kernel: &Kernel, want_text: bool, force_lanes: Option<u32>) -> Result<CpuKernel> {
    compile_variant(kernel, want_text, force_lanes, None)
}

fn compile_variant(kernel: &Kernel, want_text: bool, force_lanes: Option<u32>, columns: Option<&[LaneStep]>) -> Result<CpuKernel> {
    let started = Instant::now();
    verify(kernel)?;
    if kernel.has_math() {
        return Err(Error::Compile {
            kernel: kernel.name.clone(),
            message: "math ops must be expanded before code generation".into(),
        });
    }
    let has_fma = host_has_fma();
    let lanes = force_lanes.unwrap_or_else(|| choose_lanes(kernel, has_fma));
    // Bool masks fill a vector's lanes; a per-row value of another size
    // (a reduction kernel's `cast` to int64 of a bool) does not decide
    // their width, or a 4-lane kernel got i64x4 masks.
    let lane_bytes = if lanes > 1 {
        16 / lanes
    } else {
        kernel.insts.iter().map(|i| i.ty).chain(kernel.inputs.iter().map(|i| i.dtype)).find(|t| !t.is_bool()).map_or(4, |t| t.size() as u32)
    };
    let fail = |message: String| Error::Compile { kernel: kernel.name.clone(), message };

    let mut guard = jit()?.lock().unwrap_or_else(|e| e.into_inner());
    let jit = &mut *guard;
    jit.counter += 1;
    let symbol = format!("{}_{}", kernel.name, jit.counter);
    let sig = skeleton::signature(jit.module.target_config().default_call_conv);
    let id = jit
        .module
        .declare_function(&symbol, Linkage::Local, &sig)
        .map_err(|e| fail(e.to_string()))?;
    let mut ctx = Context::new();
    ctx.func.signature = sig;
    ctx.func.name = cranelift_codegen::ir::UserFuncName::testcase(&symbol);
    let outlined = outline::outline_regions(jit, kernel, lanes, lane_bytes, &mut ctx.func)?;
    let em = emit::Emitter::new(kernel, lanes, lane_bytes, outlined);
    let (output_align, column_inputs) = if kernel.is_reduction() {
        // Per-row work and row tails run one element at a time.
        let outlined = outline::outline_regions(jit, kernel, 1, lane_bytes, &mut ctx.func)?;
        let sem = emit::Emitter::new(kernel, 1, lane_bytes, outlined);
        reduce_loop::build_function(&mut ctx.func, &em, &sem, jit.module.target_config(), columns)
    } else {
        skeleton::build_function(&mut ctx.func, &em, jit.module.target_config());
        (lazyxp_runtime::parallel::CHUNK_ALIGN, None)
    };
    let clif = want_text.then(|| ctx.func.display().to_string());
    ctx.set_disasm(want_text);
    jit.module
        .define_function(id, &mut ctx)
        .map_err(|e| fail(format!("{e:?}")))?;
    let compiled = ctx.compiled_code().expect("define_function compiles");
    let text = clif.map(|clif| CodeText { clif, disasm: compiled.vcode.clone().unwrap_or_default() });
    let code_size = compiled.code_buffer().len();
    jit.module.finalize_definitions().map_err(|e| fail(e.to_string()))?;
    let ptr = jit.module.get_finalized_function(id);
    // SAFETY: the function was built with `skeleton::signature`, which is
    // the CpuKernelFn ABI.
    let entry: CpuKernelFn = unsafe { std::mem::transmute::<*const u8, CpuKernelFn>(ptr) };
    Ok(CpuKernel {
        entry,
        lanes,
        text,
        code_size,
        compile_time: started.elapsed(),
        output_align,
        column_inputs,
    })
}
