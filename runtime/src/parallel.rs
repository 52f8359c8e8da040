//! The thread pool and how a kernel's index space is split across it.

use rayon::{ThreadPool, ThreadPoolBuilder};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Chunks start on multiples of this many elements, so every thread's
/// vector loop starts cache-line aligned for 4-byte and wider types.
pub const CHUNK_ALIGN: usize = 64;

fn pool() -> &'static ThreadPool {
    static POOL: OnceLock<ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        let n = std::env::var("LAZYXP_NUM_THREADS")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        ThreadPoolBuilder::new()
            .num_threads(n)
            .thread_name(|i| format!("lazyxp-{i}"))
            .build()
            .expect("building a thread pool only fails when threads cannot be spawned")
    })
}

static THREAD_CAP: AtomicUsize = AtomicUsize::new(usize::MAX);

/// Threads kernels may use (`LAZYXP_NUM_THREADS`, default: all cores,
/// lowered by `set_max_threads`).
pub fn num_threads() -> usize {
    pool().current_num_threads().min(THREAD_CAP.load(Ordering::Relaxed)).max(1)
}

/// Caps the threads later launches use (benchmarks compare 1 and 2 threads
/// in one process this way); values above the pool size change nothing.
pub fn set_max_threads(n: usize) {
    THREAD_CAP.store(n.max(1), Ordering::Relaxed);
}

/// Runs `f(start, end)` over `[0, len)`. Ranges shorter than two grains stay
/// on the calling thread: a rayon hand-off costs microseconds, more than a
/// small elementwise kernel. Larger ranges are cut into a few chunks per
/// thread so a core that finishes early can steal work.
pub fn for_each_range(len: usize, grain: usize, f: impl Fn(usize, usize) + Sync) {
    let threads = num_threads();
    let grain = grain.max(CHUNK_ALIGN);
    if threads <= 1 || len < 2 * grain {
        if len > 0 {
            f(0, len);
        }
        return;
    }
    let chunks = (len / grain).clamp(threads, threads * 4);
    let chunk = len.div_ceil(chunks).div_ceil(CHUNK_ALIGN) * CHUNK_ALIGN;
    pool().scope(|s| {
        let f = &f;
        let mut start = 0;
        while start < len {
            let end = (start + chunk).min(len);
            s.spawn(move |_| f(start, end));
            start = end;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::atomic::AtomicUsize;

    #[test]
    fn ranges_cover_everything_once() {
        for len in [0usize, 1, 63, 64, 1000, 100_003] {
            let sum = AtomicUsize::new(0);
            let count = AtomicUsize::new(0);
            for_each_range(len, 128, |a, b| {
                assert!(a < b && b <= len);
                sum.fetch_add((a..b).sum::<usize>(), Ordering::Relaxed);
                count.fetch_add(b - a, Ordering::Relaxed);
            });
            assert_eq!(count.into_inner(), len);
            assert_eq!(sum.into_inner(), (0..len).sum::<usize>());
        }
    }
}
