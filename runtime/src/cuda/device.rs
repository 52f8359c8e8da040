//! One CUDA device: its context, its one stream, memory and launches.

use super::kernel::{grid_for, BLOCK_SIZE};
use super::{driver_error, CudaFunction, DeviceBuffer};
use crate::{Error, Result};
use cudarc::driver::{sys, CudaContext, CudaStream, LaunchConfig, PushKernelArg};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

/// An open GPU. Cheap to clone; all clones share the context and stream.
#[derive(Clone)]
pub struct CudaDevice {
    ctx: Arc<CudaContext>,
    stream: Arc<CudaStream>,
    ordinal: usize,
    name: String,
    compute_capability: (u32, u32),
    sm_count: u32,
}

/// cudarc panics when the driver library is missing instead of returning
/// an error, so presence is checked first and any panic that still
/// escapes a driver call becomes `Error::Device` too.
fn guarded<T>(what: &str, f: impl FnOnce() -> std::result::Result<T, cudarc::driver::DriverError>) -> Result<T> {
    // SAFETY: only tries to open the driver library.
    if !unsafe { sys::is_culib_present() } {
        return Err(Error::Device(
            "no CUDA driver: the NVIDIA driver library (libcuda.so) is not installed on this machine".into(),
        ));
    }
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(|e| driver_error(what, e)),
        Err(_) => Err(Error::Device(format!("CUDA {what}: the driver call panicked"))),
    }
}

impl CudaDevice {
    /// Number of CUDA devices; an error when there is no driver.
    pub fn count() -> Result<usize> {
        guarded("device count", CudaContext::device_count).map(|n| n.max(0) as usize)
    }

    /// Opens device `ordinal` (its primary context).
    pub fn open(ordinal: usize) -> Result<CudaDevice> {
        let n = Self::count()?;
        if ordinal >= n {
            return Err(Error::Device(format!("cuda:{ordinal} does not exist (this machine has {n} CUDA devices)")));
        }
        let ctx = guarded("context creation", || CudaContext::new(ordinal))?;
        // SAFETY: every buffer and launch of this device goes to the one
        // stream below, so stream order alone orders all accesses.
        unsafe { ctx.disable_event_tracking() };
        let stream = ctx.default_stream();
        let name = ctx.name().map_err(|e| driver_error("device name", e))?;
        let (major, minor) = ctx.compute_capability().map_err(|e| driver_error("compute capability", e))?;
        let sm_count = ctx
            .attribute(sys::CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)
            .map_err(|e| driver_error("SM count", e))?;
        Ok(CudaDevice {
            ctx,
            stream,
            ordinal,
            name,
            compute_capability: (major as u32, minor as u32),
            sm_count: sm_count.max(1) as u32,
        })
    }

    pub fn ordinal(&self) -> usize {
        self.ordinal
    }
    /// The GPU's model, e.g. "NVIDIA H100 80GB HBM3".
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn compute_capability(&self) -> (u32, u32) {
        self.compute_capability
    }
    /// The PTX target for this device (`sm_90` for compute capability 9.0),
    /// what the compiler's `ptx::compile_for` takes.
    pub fn chip(&self) -> String {
        format!("sm_{}{}", self.compute_capability.0, self.compute_capability.1)
    }
    pub fn sm_count(&self) -> u32 {
        self.sm_count
    }

    /// `bytes` of uninitialized device memory.
    pub fn alloc(&self, bytes: usize) -> Result<DeviceBuffer> {
        // SAFETY: device memory is only read by kernels and copies that
        // the executor orders after the writes that fill it.
        let slice = unsafe { self.stream.alloc::<u8>(bytes.max(1)) }.map_err(|e| driver_error("alloc", e))?;
        Ok(DeviceBuffer { slice, len: bytes, ordinal: self.ordinal })
    }

    /// Copies host bytes into new device memory.
    pub fn upload(&self, host: &[u8]) -> Result<DeviceBuffer> {
        let mut buf = self.alloc(host.len())?;
        if !host.is_empty() {
            let mut view = buf.slice.slice_mut(..host.len());
            self.stream.memcpy_htod(host, &mut view).map_err(|e| driver_error("copy to device", e))?;
        }
        Ok(buf)
    }

    /// Copies a whole device buffer into `host` (same length), waiting
    /// for every earlier launch on this device.
    pub fn download(&self, buf: &DeviceBuffer, host: &mut [u8]) -> Result<()> {
        self.check_same(buf.ordinal, "download")?;
        if host.len() != buf.len {
            return Err(Error::Value(format!(
                "download of a {}-byte device buffer into {} host bytes",
                buf.len,
                host.len()
            )));
        }
        if !host.is_empty() {
            let view = buf.slice.slice(..buf.len);
            self.stream.memcpy_dtoh(&view, host).map_err(|e| driver_error("copy to host", e))?;
        }
        self.synchronize()
    }

    /// Copies a device buffer into a new pooled host `Buffer` (what a
    /// device-resident array becomes when the host needs its bytes).
    pub fn download_buffer(&self, buf: &DeviceBuffer) -> Result<crate::Buffer> {
        let host = crate::Buffer::uninit(buf.len)?;
        // SAFETY: a fresh block of `buf.len` bytes, not yet shared; the
        // download writes every byte.
        let bytes = unsafe { std::slice::from_raw_parts_mut(host.as_mut_ptr(), buf.len) };
        self.download(buf, bytes)?;
        Ok(host)
    }

    pub fn download_vec(&self, buf: &DeviceBuffer) -> Result<Vec<u8>> {
        let mut host = vec![0u8; buf.len];
        self.download(buf, &mut host)?;
        Ok(host)
    }

    /// Waits for all work on this device; reports errors of earlier
    /// asynchronous launches.
    pub fn synchronize(&self) -> Result<()> {
        self.stream.synchronize().map_err(|e| driver_error("synchronize", e))
    }

    /// A new buffer holding a copy of `src`, copied on the device (the
    /// reference point for bandwidth: a kernel that streams as many bytes
    /// cannot beat it).
    pub fn copy(&self, src: &DeviceBuffer) -> Result<DeviceBuffer> {
        self.check_same(src.ordinal, "copy")?;
        let mut dst = self.alloc(src.len)?;
        if src.len > 0 {
            let from = src.slice.slice(..src.len);
            let mut to = dst.slice.slice_mut(..src.len);
            self.stream.memcpy_dtod(&from, &mut to).map_err(|e| driver_error("device-to-device copy", e))?;
        }
        Ok(dst)
    }

    /// Runs `enqueue` and returns its result with the device time of the
    /// work it put on this device's stream, between two CUDA events (what a
    /// profiler would show), then waits for that work. Host time spent in
    /// `enqueue` counts only where the GPU sat idle waiting for it, so
    /// enqueueing several evals measures the kernels' throughput.
    pub fn time_on_stream<T>(&self, enqueue: impl FnOnce() -> Result<T>) -> Result<(T, std::time::Duration)> {
        let timed = Some(sys::CUevent_flags::CU_EVENT_DEFAULT);
        let start = self.stream.record_event(timed).map_err(|e| driver_error("event record", e))?;
        let out = enqueue()?;
        let end = self.stream.record_event(timed).map_err(|e| driver_error("event record", e))?;
        let ms = start.elapsed_ms(&end).map_err(|e| driver_error("event timing", e))?;
        Ok((out, std::time::Duration::from_secs_f64(f64::from(ms.max(0.0)) / 1e3)))
    }

    /// Loads PTX text (from `backend::ptx`) and finds `entry`, whose
    /// launches take `n_words` words after `start, end`.
    pub fn load(&self, ptx: &str, entry: &str, n_words: usize) -> Result<CudaFunction> {
        Ok(self.load_entries(ptx, &[entry], n_words)?.remove(0))
    }

    /// Loads PTX text once (the driver compiles the whole module at each
    /// load) and finds each of `entries`, all taking `n_words` words.
    pub fn load_entries(&self, ptx: &str, entries: &[&str], n_words: usize) -> Result<Vec<CudaFunction>> {
        if ptx.contains('\0') || entries.iter().any(|e| e.contains('\0')) {
            return Err(Error::Value("PTX text or entry name contains a NUL byte".into()));
        }
        let first = entries.first().copied().unwrap_or("<none>");
        let module = self
            .ctx
            .load_module(cudarc::nvrtc::Ptx::from_src(ptx))
            .map_err(|e| driver_error(&format!("loading the PTX of {first}"), e))?;
        entries
            .iter()
            .map(|&entry| {
                let func = module.load_function(entry).map_err(|e| driver_error(&format!("finding entry {entry}"), e))?;
                Ok(CudaFunction { func, _module: module.clone(), name: entry.to_string(), n_words, ordinal: self.ordinal })
            })
            .collect()
    }

    /// Launches `f` over flat elements `[start, end)` with `words` (see
    /// `backend::ptx` for their layout). Asynchronous: errors inside the
    /// kernel surface at the next `synchronize` or `download`.
    ///
    /// # Safety
    /// The words must be what the kernel expects: device addresses of
    /// live buffers on this device large enough for every element in
    /// `[start, end)`, then dimensions and strides that keep every access
    /// inside them. The executor's bounds check is what guarantees it.
    pub unsafe fn launch(&self, f: &CudaFunction, start: u64, end: u64, words: &[u64]) -> Result<()> {
        self.check_same(f.ordinal, "launch")?;
        if words.len() != f.n_words {
            return Err(Error::Value(format!(
                "kernel {} takes {} launch words, got {}",
                f.name,
                f.n_words,
                words.len()
            )));
        }
        if start >= end {
            return Ok(());
        }
        let cfg = LaunchConfig {
            grid_dim: (grid_for(end - start, self.sm_count), 1, 1),
            block_dim: (BLOCK_SIZE, 1, 1),
            shared_mem_bytes: 0,
        };
        let mut b = self.stream.launch_builder(&f.func);
        b.arg(&start);
        b.arg(&end);
        for w in words {
            b.arg(w);
        }
        // SAFETY: the caller vouches for the words (see above).
        unsafe { b.launch(cfg) }.map(|_| ()).map_err(|e| driver_error(&format!("launch of {}", f.name), e))
    }

    fn check_same(&self, ordinal: usize, what: &str) -> Result<()> {
        if ordinal == self.ordinal {
            Ok(())
        } else {
            Err(Error::Device(format!("{what} on cuda:{} of something that lives on cuda:{ordinal}", self.ordinal)))
        }
    }
}

impl std::fmt::Debug for CudaDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cuda:{} ({}, {})", self.ordinal, self.name, self.chip())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On a machine without a driver (CI) this is the typed error, and on
    /// one with a GPU it opens; either way nothing panics.
    #[test]
    fn open_is_an_error_or_a_device_never_a_panic() {
        match CudaDevice::open(0) {
            Ok(d) => eprintln!("opened {d:?}"),
            Err(Error::Device(m)) => eprintln!("no CUDA device here: {m}"),
            Err(e) => panic!("expected Error::Device, got {e:?}"),
        }
        assert!(matches!(CudaDevice::open(1 << 20), Err(Error::Device(_))));
    }

    /// On a GPU: a device copy reproduces every byte (also of an empty
    /// buffer) and the event timer sees the copy's work.
    #[test]
    fn device_copies_are_exact_and_timed() {
        let d = match CudaDevice::open(0) {
            Ok(d) => d,
            Err(e) => return eprintln!("skipping GPU execution test: {e}"),
        };
        let bytes: Vec<u8> = (0..1_000_003u32).map(|i| (i.wrapping_mul(7919) % 251) as u8).collect();
        let src = d.upload(&bytes).unwrap();
        let (dst, took) = d.time_on_stream(|| d.copy(&src)).unwrap();
        assert_eq!(d.download_vec(&dst).unwrap(), bytes);
        assert!(took > std::time::Duration::ZERO, "{took:?}");
        assert!(d.copy(&d.upload(&[]).unwrap()).unwrap().is_empty());
    }

    #[test]
    fn grid_covers_small_and_caps_large() {
        assert_eq!(grid_for(1, 132), 1);
        assert_eq!(grid_for(257, 132), 2);
        assert_eq!(grid_for(100_000_000, 132), 132 * 32);
        assert_eq!(grid_for(0, 0), 1);
    }
}
