//! 64-byte aligned host buffers with a reuse pool.
//!
//! Large allocations come from `mmap` and every first touch of a fresh page
//! costs a fault (NumPy's `np.empty + fill` runs at a third of the copy
//! bandwidth on our machines for that reason). Returning freed blocks to a
//! pool lets a loop that evaluates same-sized arrays run on warm pages.

use crate::error::{Error, Result};
use crate::shape::MAX_BYTES;
use std::alloc::{alloc, dealloc, Layout};
use std::collections::HashMap;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex, OnceLock};

pub const ALIGN: usize = 64;
/// Blocks from this size on start on a 2 MiB boundary and ask the kernel
/// for transparent huge pages (`madvise`, as NumPy does from 4 MiB): a
/// reduction over a leading axis or any strided view touches one line per
/// row, and with 4 KiB pages every row of a wide array is a TLB miss.
const HUGE_FROM: usize = 4 << 20;
const HUGE_PAGE: usize = 2 << 20;

/// The layout of a block of `capacity` bytes, the same for its allocation
/// and its release.
fn layout(capacity: usize) -> Result<Layout> {
    let align = if capacity >= HUGE_FROM { HUGE_PAGE } else { ALIGN };
    Layout::from_size_align(capacity, align).map_err(|e| Error::Overflow(e.to_string()))
}

/// Asks for huge pages over a fresh large block (a hint: where the kernel
/// has them off, or none are free, pages stay 4 KiB and nothing changes).
fn advise_huge_pages(ptr: *mut u8, capacity: usize) {
    #[cfg(target_os = "linux")]
    if capacity >= HUGE_FROM {
        // SAFETY: [ptr, ptr + capacity) is one block just allocated by us,
        // starting on a page boundary; MADV_HUGEPAGE changes no contents.
        unsafe { libc::madvise(ptr.cast(), capacity, libc::MADV_HUGEPAGE) };
    }
    let _ = (ptr, capacity);
}
/// Blocks up to this size are rounded to a power of two, larger ones to a
/// page multiple, so pool classes stay few without wasting much.
const SMALL_BLOCK: usize = 1 << 16;
/// Memory the pool may keep cached, in bytes, before it frees instead.
const POOL_LIMIT_BYTES: usize = 1 << 30;
/// Blocks kept per size class.
const POOL_PER_CLASS: usize = 8;

/// A shared, immutable-after-write block of host memory.
#[derive(Clone)]
pub struct Buffer {
    block: Arc<Block>,
}

struct Block {
    ptr: NonNull<u8>,
    len: usize,
    capacity: usize,
}

// SAFETY: a Block owns its allocation exclusively; concurrent access follows
// the runtime's rule that a buffer is written only by the kernel that
// produces it, before it is shared.
unsafe impl Send for Block {}
unsafe impl Sync for Block {}

struct Pool {
    /// Free blocks of the power-of-two classes up to `SMALL_BLOCK`, by
    /// log2 of the class: the small buffers of a hot loop (results,
    /// constants) find theirs without hashing.
    small: [Vec<usize>; SMALL_CLASSES],
    /// Free blocks of the page-multiple classes, by class.
    large: HashMap<usize, Vec<usize>>,
    cached_bytes: usize,
}

const SMALL_CLASSES: usize = SMALL_BLOCK.trailing_zeros() as usize + 1;

impl Pool {
    fn take(&mut self, capacity: usize) -> Option<usize> {
        let got = if capacity <= SMALL_BLOCK {
            self.small[capacity.trailing_zeros() as usize].pop()
        } else {
            self.large.get_mut(&capacity).and_then(Vec::pop)
        };
        if got.is_some() {
            self.cached_bytes -= capacity;
        }
        got
    }

    /// Keeps the block at `addr` for reuse; false when the pool is full.
    fn give(&mut self, capacity: usize, addr: usize) -> bool {
        if self.cached_bytes + capacity > POOL_LIMIT_BYTES {
            return false;
        }
        let class = if capacity <= SMALL_BLOCK {
            &mut self.small[capacity.trailing_zeros() as usize]
        } else {
            self.large.entry(capacity).or_default()
        };
        if class.len() >= POOL_PER_CLASS {
            return false;
        }
        class.push(addr);
        self.cached_bytes += capacity;
        true
    }
}

fn pool() -> &'static Mutex<Pool> {
    static POOL: OnceLock<Mutex<Pool>> = OnceLock::new();
    POOL.get_or_init(|| {
        Mutex::new(Pool {
            small: std::array::from_fn(|_| Vec::new()),
            large: HashMap::new(),
            cached_bytes: 0,
        })
    })
}

fn size_class(bytes: usize) -> usize {
    let bytes = bytes.max(ALIGN);
    if bytes <= SMALL_BLOCK {
        bytes.next_power_of_two()
    } else {
        bytes.div_ceil(4096) * 4096
    }
}

impl Buffer {
    /// Uninitialized-but-allocated memory for `len` bytes; the producer must
    /// write every byte before anyone reads it (kernels write all outputs).
    pub fn uninit(len: usize) -> Result<Buffer> {
        if len > MAX_BYTES - SMALL_BLOCK {
            return Err(Error::Overflow(format!("buffer of {len} bytes")));
        }
        let capacity = size_class(len);
        let reused = pool().lock().unwrap_or_else(|e| e.into_inner()).take(capacity);
        let ptr = match reused {
            Some(addr) => NonNull::new(addr as *mut u8).expect("pooled pointers are non-null"),
            None => {
                // SAFETY: the layout has non-zero size (capacity >= ALIGN).
                let raw = unsafe { alloc(layout(capacity)?) };
                let ptr = NonNull::new(raw)
                    .ok_or_else(|| Error::OutOfMemory(format!("could not allocate {len} bytes")))?;
                advise_huge_pages(raw, capacity);
                ptr
            }
        };
        Ok(Buffer {
            block: Arc::new(Block { ptr, len, capacity }),
        })
    }

    /// A buffer holding a copy of `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Buffer> {
        let b = Buffer::uninit(bytes.len())?;
        // SAFETY: fresh block of at least bytes.len() bytes, not yet shared.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), b.as_mut_ptr(), bytes.len()) };
        Ok(b)
    }

    pub fn len(&self) -> usize {
        self.block.len
    }
    pub fn is_empty(&self) -> bool {
        self.block.len == 0
    }
    pub fn as_ptr(&self) -> *const u8 {
        self.block.ptr.as_ptr()
    }
    /// Writable pointer for the kernel that produces this buffer.
    pub fn as_mut_ptr(&self) -> *mut u8 {
        self.block.ptr.as_ptr()
    }
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: the block holds `len` bytes written by its producer.
        unsafe { std::slice::from_raw_parts(self.as_ptr(), self.len()) }
    }
    /// Whether two handles share the same memory.
    pub fn same_block(&self, other: &Buffer) -> bool {
        Arc::ptr_eq(&self.block, &other.block)
    }
}

impl std::fmt::Debug for Buffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Buffer({} bytes @ {:p})", self.len(), self.as_ptr())
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        if pool().lock().unwrap_or_else(|e| e.into_inner()).give(self.capacity, self.ptr.as_ptr() as usize) {
            return;
        }
        // SAFETY: allocated in `uninit` with exactly this layout (which
        // was valid then, so it is now).
        unsafe { dealloc(self.ptr.as_ptr(), layout(self.capacity).expect("the block was allocated with this layout")) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_are_aligned_and_reused() {
        let a = Buffer::from_bytes(&[1, 2, 3]).unwrap();
        assert_eq!(a.as_ptr() as usize % ALIGN, 0);
        assert_eq!(a.as_bytes(), &[1, 2, 3]);
        let big = Buffer::uninit(3 << 20).unwrap();
        let addr = big.as_ptr() as usize;
        drop(big);
        let again = Buffer::uninit(3 << 20).unwrap();
        assert_eq!(again.as_ptr() as usize, addr, "same-size block comes back from the pool");
        let small = Buffer::uninit(20_000).unwrap();
        let addr = small.as_ptr() as usize;
        drop(small);
        assert_eq!(Buffer::uninit(17_000).unwrap().as_ptr() as usize, addr, "same power-of-two class (32 KiB) comes back");
        assert!(Buffer::uninit(usize::MAX).is_err());
        assert_eq!(Buffer::uninit(0).unwrap().len(), 0);
    }

    #[test]
    fn large_blocks_start_on_a_huge_page_boundary() {
        // Sizes no other test uses, so the blocks are fresh allocations;
        // filled and freed past the pool's per-class limit, so the
        // release path with the large layout runs too.
        let blocks: Vec<Buffer> = (0..2 * POOL_PER_CLASS).map(|_| Buffer::from_bytes(&vec![7u8; (5 << 20) + 123]).unwrap()).collect();
        for b in &blocks {
            assert_eq!(b.as_ptr() as usize % HUGE_PAGE, 0, "{b:?}");
            assert!(b.as_bytes().iter().all(|&x| x == 7));
        }
        drop(blocks);
        let below = Buffer::uninit(HUGE_FROM - 4096).unwrap();
        assert_eq!(below.as_ptr() as usize % ALIGN, 0);
    }
}
