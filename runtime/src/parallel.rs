//! The thread pool and how a kernel's index space is split across it.

use rayon::{ThreadPool, ThreadPoolBuilder};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Elementwise chunks start on multiples of this many elements, so every
/// thread's vector loop starts cache-line aligned for 4-byte and wider
/// types and no two threads write the same output cache line.
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
///
/// Chunk boundaries are evenly spaced and rounded down to multiples of
/// `align`, so chunks differ by less than `align` elements. (Rounding each
/// chunk's length up instead once split a 152-row reduction 128 + 24, and
/// the second core sat idle.)
pub fn for_each_range(len: usize, grain: usize, align: usize, f: impl Fn(usize, usize) + Sync) {
    let threads = num_threads();
    let align = align.max(1);
    let grain = grain.max(align);
    if threads <= 1 || len < 2 * grain {
        if len > 0 {
            f(0, len);
        }
        return;
    }
    let chunks = (len / grain).clamp(threads, threads * 4);
    let boundary = |i: usize| if i == chunks { len } else { i * len / chunks / align * align };
    pool().scope(|s| {
        let f = &f;
        for i in 0..chunks {
            let (start, end) = (boundary(i), boundary(i + 1));
            if start < end {
                s.spawn(move |_| f(start, end));
            }
        }
    });
}

/// `f(start, end)` over `[0, len)` cut into chunks of `chunk` elements
/// (the last one shorter), in parallel, with the results in chunk order.
/// The cut depends on `len` and `chunk` only, never on the thread count,
/// so whatever a caller combines from the results comes out the same on
/// any machine.
pub fn map_chunks<T: Send>(len: usize, chunk: usize, f: impl Fn(usize, usize) -> T + Sync) -> Vec<T> {
    use rayon::prelude::*;
    let chunk = chunk.max(1);
    let run = |i: usize| f(i * chunk, ((i + 1) * chunk).min(len));
    let chunks = len.div_ceil(chunk);
    if num_threads() <= 1 || chunks < 2 {
        return (0..chunks).map(run).collect();
    }
    pool().install(|| (0..chunks).into_par_iter().with_max_len(1).map(run).collect())
}

/// Runs `f` on the pool, so the rayon parallelism of a crate a library
/// kernel calls (faer) uses lazyxp's threads, not rayon's global pool.
pub fn install<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    pool().install(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::atomic::AtomicUsize;

    #[test]
    fn ranges_cover_everything_once() {
        for (len, align) in [0usize, 1, 63, 64, 152, 1000, 100_003].into_iter().flat_map(|l| [(l, 1), (l, 16), (l, CHUNK_ALIGN)]) {
            let sum = AtomicUsize::new(0);
            let count = AtomicUsize::new(0);
            for_each_range(len, 128.min(align * 2), align, |a, b| {
                assert!(a % align == 0, "chunk start {a} is not a multiple of {align}");
                assert!(a < b && b <= len);
                sum.fetch_add((a..b).sum::<usize>(), Ordering::Relaxed);
                count.fetch_add(b - a, Ordering::Relaxed);
            });
            assert_eq!(count.into_inner(), len);
            assert_eq!(sum.into_inner(), (0..len).sum::<usize>());
        }
    }

    #[test]
    fn mapped_chunks_come_back_in_order() {
        for (len, chunk) in [(0usize, 4usize), (1, 4), (4, 4), (1000, 7), (100_000, 4096)] {
            let got = map_chunks(len, chunk, |a, b| (a, b));
            let want: Vec<(usize, usize)> = (0..len).step_by(chunk).map(|a| (a, (a + chunk).min(len))).collect();
            assert_eq!(got, want, "len {len} chunk {chunk}");
        }
    }

    #[test]
    fn chunks_are_even_up_to_the_alignment() {
        for (len, align) in [(152usize, 1usize), (152, 16), (1000, 64), (100_003, 64)] {
            let sizes = std::sync::Mutex::new(Vec::new());
            for_each_range(len, 1, align, |a, b| sizes.lock().unwrap().push(b - a));
            let sizes = sizes.into_inner().unwrap();
            let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            assert!(hi - lo <= 2 * align, "len {len} align {align}: chunk sizes {sizes:?}");
        }
    }
}
