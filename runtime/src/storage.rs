//! Where array data lives and where a computation runs.
//!
//! `Device` exists in every build, so the API is the same with and without
//! the `cuda` feature; only opening a CUDA device needs the feature (and a
//! driver). `Placement` is the small lattice the graph uses to decide, when
//! a node is built, which device evaluates it: constants fit anywhere, data
//! pins a node to its device, and two different devices in one operation
//! are a user error reported at that call.

use std::fmt;

/// A place arrays live and kernels run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Device {
    /// Host memory; kernels from the Cranelift backend on the thread pool.
    #[default]
    Cpu,
    /// The CUDA device with this ordinal; kernels from the PTX backend.
    Cuda(usize),
}

impl fmt::Display for Device {
    /// `cpu`, `cuda:0`: the names PyTorch and the array API ecosystem use.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Device::Cpu => f.write_str("cpu"),
            Device::Cuda(i) => write!(f, "cuda:{i}"),
        }
    }
}

/// Which device a graph node belongs to, derived from its inputs when the
/// node is built (so checking it costs a field read, never a traversal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Placement {
    /// Only constants below: evaluated wherever its consumer is.
    Anywhere,
    On(Device),
    /// Inputs from two devices: the frontend refuses such a node at the
    /// call that built it, naming both.
    Mixed(Device, Device),
}

impl Placement {
    /// The placement of a node whose inputs have `self` and `other`.
    #[inline]
    pub fn join(self, other: Placement) -> Placement {
        match (self, other) {
            (Placement::Anywhere, p) | (p, Placement::Anywhere) => p,
            (Placement::On(a), Placement::On(b)) if a == b => self,
            (Placement::On(a), Placement::On(b)) => Placement::Mixed(a, b),
            (m @ Placement::Mixed(..), _) | (_, m @ Placement::Mixed(..)) => m,
        }
    }

    /// The device that evaluates a node so placed (the CPU for `Anywhere`);
    /// `None` when mixed.
    #[inline]
    pub fn device(self) -> Option<Device> {
        match self {
            Placement::Anywhere => Some(Device::Cpu),
            Placement::On(d) => Some(d),
            Placement::Mixed(..) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_is_anywhere_neutral_and_mixes_distinct_devices() {
        let (any, cpu, g0, g1) = (Placement::Anywhere, Placement::On(Device::Cpu), Placement::On(Device::Cuda(0)), Placement::On(Device::Cuda(1)));
        assert_eq!(any.join(any), any);
        assert_eq!(any.join(g0), g0);
        assert_eq!(cpu.join(any), cpu);
        assert_eq!(g0.join(g0), g0);
        assert_eq!(cpu.join(g0), Placement::Mixed(Device::Cpu, Device::Cuda(0)));
        assert_eq!(g0.join(g1).join(cpu), Placement::Mixed(Device::Cuda(0), Device::Cuda(1)));
        assert_eq!(Device::Cuda(3).to_string(), "cuda:3");
        assert_eq!(any.device(), Some(Device::Cpu));
        assert_eq!(cpu.join(g1).device(), None);
    }
}
