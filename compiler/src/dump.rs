//! `LAZYXP_DUMP=<dir>`: every stage of every kernel compiled in the process,
//! written as files named after the kernel and its cache key.

use crate::cache::CacheEntry;
use std::path::PathBuf;
use std::sync::OnceLock;

pub fn dump_dir() -> Option<&'static PathBuf> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(std::env::var_os("LAZYXP_DUMP")?);
        match std::fs::create_dir_all(&dir) {
            Ok(()) => Some(dir),
            Err(e) => {
                eprintln!("lazyxp: LAZYXP_DUMP={}: cannot create folder: {e}; dumps disabled", dir.display());
                None
            }
        }
    })
    .as_ref()
}

/// Writes `<name>-<key>.kir` (kernel IR), `.expanded.kir`, `.clif`, `.asm`
/// and `.txt` (compile facts) for a freshly compiled kernel.
pub fn write_kernel(e: &CacheEntry) {
    let Some(dir) = dump_dir() else { return };
    let stem = format!("{}-{:016x}", e.kernel.name, e.key);
    let facts = format!(
        "kernel {}\ncache key {:016x}\nlanes {}\ncode size {} bytes\ncompile time {:?}\n",
        e.kernel.name, e.key, e.cpu.lanes, e.cpu.code_size, e.cpu.compile_time
    );
    let (clif, asm) = code_files(&e.cpu);
    let files = [("kir", e.kernel.to_string()), ("expanded.kir", e.expanded.to_string()), ("clif", clif), ("asm", asm), ("txt", facts)];
    for (ext, text) in files {
        let path = dir.join(format!("{stem}.{ext}"));
        if let Err(err) = std::fs::write(&path, text) {
            eprintln!("lazyxp: cannot write {}: {err}", path.display());
        }
    }
}

/// The `.clif` and `.asm` files' text: kept whenever dumps are on
/// (`cache::keep_text`).
fn code_files(code: &crate::backend::cranelift::CpuKernel) -> (String, String) {
    code.text.clone().map(|t| (t.clif, t.disasm)).unwrap_or_default()
}

/// Writes `<name>-<key>.<variant>.clif` and `.asm` for a variant of a
/// cached kernel compiled later (the column path).
pub fn write_variant(e: &CacheEntry, code: &crate::backend::cranelift::CpuKernel, variant: &str) {
    let Some(dir) = dump_dir() else { return };
    let stem = format!("{}-{:016x}.{variant}", e.kernel.name, e.key);
    let (clif, asm) = code_files(code);
    for (ext, text) in [("clif", clif), ("asm", asm)] {
        let path = dir.join(format!("{stem}.{ext}"));
        if let Err(err) = std::fs::write(&path, text) {
            eprintln!("lazyxp: cannot write {}: {err}", path.display());
        }
    }
}

/// Writes the graph, fusion plan and kernel runs of one `eval`.
pub fn write_eval(report: &str) {
    let Some(dir) = dump_dir() else { return };
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("eval-{n:05}-{}.txt", std::process::id()));
    if let Err(err) = std::fs::write(&path, report) {
        eprintln!("lazyxp: cannot write {}: {err}", path.display());
    }
}

/// Writes `<name>-<key>.kir`, `.mlir` (as lazyxp emitted it),
/// `.nvvm.mlir` (after lowering to NVVM/LLVM), `.ptx` and `.cuda.txt`
/// (compile facts) for a kernel freshly compiled for a GPU. The key is the
/// GPU key (it includes the chip), so these never overwrite the CPU files.
#[cfg(feature = "cuda")]
pub fn write_gpu_kernel(e: &crate::cache::cuda::GpuEntry) {
    let Some(dir) = dump_dir() else { return };
    let stem = format!("{}-{:016x}", e.kernel.name, e.key);
    let facts = format!(
        "kernel {}\ncache key {:016x}\ndevice cuda:{}\nchip {}\nentry {}\ncompile time {:?}\n",
        e.kernel.name, e.key, e.ordinal, e.ptx.chip, e.ptx.name, e.ptx.compile_time
    );
    let files = [
        ("kir", e.kernel.to_string()),
        ("mlir", e.ptx.mlir_before.clone()),
        ("nvvm.mlir", e.ptx.mlir_after.clone()),
        ("ptx", e.ptx.ptx.clone()),
        ("cuda.txt", facts),
    ];
    for (ext, text) in files {
        let path = dir.join(format!("{stem}.{ext}"));
        if let Err(err) = std::fs::write(&path, text) {
            eprintln!("lazyxp: cannot write {}: {err}", path.display());
        }
    }
}
