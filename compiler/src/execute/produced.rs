//! What one eval has produced so far (buffers, device buffers, host
//! copies), by node position in its schedule.

use smallvec::SmallVec;

/// One slot per scheduled node, indexed by position: lookups hash nothing,
/// and the few nodes of a hot loop's graph fit inline, so a cached eval
/// allocates no table for them.
pub(crate) struct Produced<B>(SmallVec<[Option<B>; 8]>);

impl<B> Produced<B> {
    /// Empty slots for a schedule of `len` nodes.
    pub fn new(len: usize) -> Produced<B> {
        Produced((0..len).map(|_| None).collect())
    }

    pub fn get(&self, position: usize) -> Option<&B> {
        self.0[position].as_ref()
    }

    #[cfg_attr(not(feature = "cuda"), allow(dead_code))]
    pub fn contains(&self, position: usize) -> bool {
        self.0[position].is_some()
    }

    pub fn insert(&mut self, position: usize, value: B) {
        self.0[position] = Some(value);
    }

    pub fn remove(&mut self, position: usize) -> Option<B> {
        self.0[position].take()
    }
}
