//! Shared by the `ptx_*` tests: finding `ptxas`, and the corpus of kernels
//! every CUDA check runs over.

#![allow(dead_code)]

pub mod corpus;
pub mod differential;

use std::path::{Path, PathBuf};
use std::process::Command;

/// How to get `ptxas` without a CUDA toolkit; printed when it is missing.
pub const PTXAS_HELP: &str = "ptxas not found. It comes from PyPI (no CUDA toolkit needed):\n\
    python3 -m venv .venv-cuda && .venv-cuda/bin/pip install nvidia-cuda-nvcc-cu12\n\
    (run in the workspace root; the tests look in .venv-cuda), or point LAZYXP_PTXAS at a ptxas binary.\n\
    To skip the ptxas checks on purpose, set LAZYXP_SKIP_PTXAS=1.";

/// `ptxas` from `LAZYXP_PTXAS`, else the workspace's `.venv-cuda` (as
/// `.ci/run` installs it), else `PATH`.
pub fn find_ptxas() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("LAZYXP_PTXAS") {
        return Some(PathBuf::from(p));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    if let Ok(entries) = std::fs::read_dir(root.join(".venv-cuda/lib")) {
        for e in entries.flatten() {
            let p = e.path().join("site-packages/nvidia/cuda_nvcc/bin/ptxas");
            if p.is_file() {
                return Some(p);
            }
        }
    }
    Command::new("ptxas").arg("--version").output().ok().filter(|o| o.status.success()).map(|_| PathBuf::from("ptxas"))
}

/// The `ptxas` to use, or `None` when the caller asked to skip
/// (`LAZYXP_SKIP_PTXAS=1`). Missing `ptxas` otherwise fails the test, so
/// CI (which installs it) cannot pass without checking the PTX.
pub fn require_ptxas() -> Option<PathBuf> {
    if std::env::var("LAZYXP_SKIP_PTXAS").is_ok_and(|v| v == "1") {
        eprintln!("LAZYXP_SKIP_PTXAS=1: PTX is generated but not assembled");
        return None;
    }
    match find_ptxas() {
        Some(p) => Some(p),
        None => panic!("{PTXAS_HELP}"),
    }
}

/// Assembles `ptx` for `arch` with `ptxas -v`; returns its report, or
/// its complaint.
pub fn assemble(ptxas: &Path, ptx: &str, arch: &str, name: &str) -> Result<String, String> {
    let dir = std::env::temp_dir().join(format!("lazyxp-ptxas-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let src = dir.join(format!("{name}.ptx"));
    std::fs::write(&src, ptx).map_err(|e| e.to_string())?;
    let out = Command::new(ptxas)
        .arg(format!("-arch={arch}"))
        .arg("-v")
        .arg(&src)
        .arg("-o")
        .arg(dir.join(format!("{name}.cubin")))
        .output()
        .map_err(|e| format!("running {}: {e}", ptxas.display()))?;
    let report = String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    if out.status.success() {
        Ok(report)
    } else {
        Err(report)
    }
}
