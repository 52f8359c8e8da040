//! CUDA devices (feature `cuda`): being written; see issue 6.
