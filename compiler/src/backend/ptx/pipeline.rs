//! MLIR text -> PTX in process with melior: parse and verify, lower to the
//! NVVM/LLVM dialects (the "MLIR after lowering" dump), then serialize the
//! `gpu.module` with LLVM's NVPTX backend (`gpu-module-to-binary`,
//! `format=isa`) and read the PTX out of the resulting `gpu.binary`.

use lazyxp_runtime::{Error, Result};
use melior::dialect::DialectRegistry;
use melior::ir::attribute::AttributeLike;
use melior::ir::block::BlockLike;
use melior::ir::operation::OperationLike;
use melior::ir::Module;
use melior::pass::PassManager;
use melior::utility::{parse_pass_pipeline, register_all_dialects, register_all_llvm_translations, register_all_passes};
use melior::Context;
use std::cell::RefCell;
use std::rc::Rc;

/// Lowering to the LLVM dialect with an NVVM target attached. `O=3` runs
/// LLVM's optimizer, which cannot change results here: the IR carries no
/// fast-math flags, so no contraction or reassociation is allowed.
fn lowering_pipeline(chip: &str) -> String {
    format!(
        "builtin.module(nvvm-attach-target{{chip={chip} O=3}},\
         gpu.module(convert-scf-to-cf,convert-gpu-to-nvvm),\
         gpu-to-llvm,reconcile-unrealized-casts)"
    )
}

const SERIALIZE_PIPELINE: &str = "builtin.module(gpu-module-to-binary{format=isa})";

/// What the pipeline produced for one module.
pub struct Lowered {
    pub mlir_after: String,
    pub ptx: String,
}

/// One MLIR context per thread, created on first use: registering every
/// dialect and translation costs milliseconds, a kernel compile should not.
/// Contexts are not `Send`, hence thread-local rather than global.
struct Mlir {
    context: Context,
    /// Diagnostics MLIR reported since the last `take`, for error messages.
    diagnostics: Rc<RefCell<Vec<String>>>,
}

thread_local! {
    static MLIR: Mlir = Mlir::new();
}

impl Mlir {
    fn new() -> Mlir {
        register_all_passes();
        let registry = DialectRegistry::new();
        register_all_dialects(&registry);
        // One kernel at a time is compiled per context: no MLIR threads.
        let context = Context::new_with_registry(&registry, false);
        context.load_all_available_dialects();
        register_all_llvm_translations(&context);
        let diagnostics = Rc::new(RefCell::new(Vec::new()));
        let sink = diagnostics.clone();
        context.attach_diagnostic_handler(move |d| {
            sink.borrow_mut().push(format!("{}: {d}", d.location()));
            true
        });
        Mlir { context, diagnostics }
    }

    fn take_diagnostics(&self) -> String {
        std::mem::take(&mut *self.diagnostics.borrow_mut()).join("\n")
    }
}

/// Runs the whole pipeline on `source` for `chip` (e.g. `sm_90`).
/// `kernel` names the kernel in errors.
pub fn lower(source: &str, chip: &str, kernel: &str) -> Result<Lowered> {
    MLIR.with(|m| {
        m.take_diagnostics();
        let err = |stage: &str| Error::Compile {
            kernel: kernel.to_string(),
            message: format!("MLIR {stage} failed: {}", m.take_diagnostics()),
        };
        let mut module = Module::parse(&m.context, source).ok_or_else(|| err("parsing"))?;
        if !module.as_operation().verify() {
            return Err(err("verification"));
        }
        run(&m.context, &mut module, &lowering_pipeline(chip)).map_err(|e| with_note(err("lowering"), e))?;
        let mlir_after = module.as_operation().to_string();
        run(&m.context, &mut module, SERIALIZE_PIPELINE).map_err(|e| with_note(err("PTX generation"), e))?;
        let ptx = binary_assembly(&module).ok_or_else(|| Error::Compile {
            kernel: kernel.to_string(),
            message: "no gpu.binary with a PTX object after gpu-module-to-binary".into(),
        })?;
        Ok(Lowered { mlir_after, ptx })
    })
}

fn with_note(e: Error, note: String) -> Error {
    match e {
        Error::Compile { kernel, message } => Error::Compile { kernel, message: format!("{message} ({note})") },
        other => other,
    }
}

fn run(context: &Context, module: &mut Module, pipeline: &str) -> std::result::Result<(), String> {
    let pm = PassManager::new(context);
    parse_pass_pipeline(pm.as_operation_pass_manager(), pipeline).map_err(|e| e.to_string())?;
    pm.run(module).map_err(|e| e.to_string())
}

/// The PTX text of the first object of the module's `gpu.binary`, read
/// through MLIR's C API (the raw bytes, so no un-escaping of the printed
/// attribute is needed).
fn binary_assembly(module: &Module) -> Option<String> {
    let mut op = module.body().first_operation();
    while let Some(o) = op {
        if o.name().as_string_ref().as_str().ok() == Some("gpu.binary") {
            let objects = o.attribute("objects").ok()?.to_raw();
            // SAFETY: `objects` is a live attribute of a live operation;
            // the C API checks its kind before we read it as a GPU object.
            unsafe {
                if !mlir_sys::mlirAttributeIsAArray(objects) || mlir_sys::mlirArrayAttrGetNumElements(objects) < 1 {
                    return None;
                }
                let object = mlir_sys::mlirArrayAttrGetElement(objects, 0);
                if !mlir_sys::mlirAttributeIsAGPUObjectAttr(object) {
                    return None;
                }
                let s = mlir_sys::mlirGPUObjectAttrGetObject(object);
                let bytes = std::slice::from_raw_parts(s.data as *const u8, s.length);
                return Some(String::from_utf8_lossy(bytes).trim_end_matches('\0').to_string());
            }
        }
        op = o.next_in_block();
    }
    None
}
