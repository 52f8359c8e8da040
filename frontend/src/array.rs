//! The `Array` handle: a cheap, thread-safe reference to a graph node.

use lazyxp_compiler::execute::{evaluate, evaluate_with, Engine};
use lazyxp_compiler::graph::{to_dot, NodeRef};
use lazyxp_runtime::dtype::Element;
use lazyxp_runtime::{Buffer, DType, Error, Placement, Result, Scalar};
use std::fmt;

#[derive(Clone)]
pub struct Array {
    pub(crate) node: NodeRef,
}

impl Array {
    /// Wraps a new node, evaluating it right away when its pending chain has
    /// grown past `MAX_PENDING_DEPTH`. Every computed node passes here, so
    /// this is where an operation over arrays of two devices is refused:
    /// at the call, naming both, never later in `eval`.
    pub(crate) fn from_node(node: NodeRef) -> Result<Array> {
        if let Placement::Mixed(a, b) = node.placement {
            return Err(Error::Device(format!(
                "{}: operands live on different devices ({a} and {b}); move one with to_device",
                node.op.name()
            )));
        }
        let a = Array { node };
        if a.node.depth > crate::MAX_PENDING_DEPTH && a.node.pending_depth() > crate::MAX_PENDING_DEPTH {
            a.eval()?;
        }
        Ok(a)
    }

    pub fn node(&self) -> &NodeRef {
        &self.node
    }
    pub fn dtype(&self) -> DType {
        self.node.dtype
    }
    pub fn shape(&self) -> &[usize] {
        &self.node.shape
    }
    pub fn ndim(&self) -> usize {
        self.node.shape.len()
    }
    pub fn size(&self) -> usize {
        self.node.numel()
    }
    pub fn is_evaluated(&self) -> bool {
        self.node.is_realized()
    }

    /// Computes this array (and everything pending below it).
    pub fn eval(&self) -> Result<()> {
        evaluate(std::slice::from_ref(&self.node)).map(|_| ())
    }

    /// The elements in row-major order; `T` must match the dtype.
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        if T::DTYPE != self.dtype() {
            return Err(Error::DType(format!(
                "to_vec::<{}>() on an array of dtype {}; use astype first",
                T::DTYPE,
                self.dtype()
            )));
        }
        let buf = self.host_data()?;
        let n = self.size();
        let mut out: Vec<T> = Vec::with_capacity(n);
        // SAFETY: the buffer holds n elements of T's dtype (checked above),
        // written by the kernel or copied from user data; bools are 0 or 1.
        unsafe {
            std::ptr::copy_nonoverlapping(buf.as_ptr() as *const T, out.as_mut_ptr(), n);
            out.set_len(n);
        }
        Ok(out)
    }

    /// The single element of a size-1 array, as a typed scalar.
    pub fn item(&self) -> Result<Scalar> {
        if self.size() != 1 {
            return Err(Error::Value(format!(
                "item() needs an array of size 1, this one has shape {:?}",
                self.shape()
            )));
        }
        let buf = self.host_data()?;
        Ok(Scalar::read(self.dtype(), buf.as_bytes()))
    }

    /// Element `i` of the flattened array.
    pub fn get(&self, i: usize) -> Result<Scalar> {
        if i >= self.size() {
            return Err(Error::Index(format!("index {i} out of range for {} elements", self.size())));
        }
        let buf = self.host_data()?;
        let w = self.dtype().size();
        Ok(Scalar::read(self.dtype(), &buf.as_bytes()[i * w..]))
    }

    /// The evaluated elements in host memory: the node's own buffer, or a
    /// copy when the data lives on a GPU (the only reads that move device
    /// data to the host are the ones that go through here).
    pub fn host_data(&self) -> Result<Buffer> {
        self.eval()?;
        Ok(self.node.host_buffer()?.expect("evaluated"))
    }

    /// The pending graph as Graphviz DOT.
    pub fn to_dot(&self) -> String {
        to_dot(std::slice::from_ref(&self.node))
    }

    /// Everything about how this array is computed: graph, fusion plan with
    /// the reason for every kernel boundary, kernel IR before and after the
    /// math library, CLIF, machine code, compile and run times; for an
    /// array on a GPU also which kernels ran there and which on the CPU
    /// (and why), and each GPU kernel's MLIR before and after lowering and
    /// its PTX. Evaluates the array if it is still pending.
    pub fn explain(&self) -> Result<String> {
        self.eval()?;
        let Some(record) = self.node.record() else {
            return Ok(format!(
                "{}: data supplied directly (no kernel computed it)\n",
                self.node.describe(&[])
            ));
        };
        let mut out = record.report();
        for (i, run) in record.kernels.iter().enumerate() {
            let e = &run.entry;
            out.push_str(&format!("\n== kernel {i}: {} ==\n-- kernel IR --\n{}\n", e.kernel.name, e.kernel));
            if e.expanded.insts.len() != e.kernel.insts.len() {
                out.push_str(&format!("-- kernel IR after the math library ({} instructions) --\n{}\n", e.expanded.insts.len(), e.expanded));
            }
            let text = lazyxp_compiler::cache::code_text(run)?;
            out.push_str(&format!("-- CLIF --\n{}\n", text.clif));
            out.push_str(&format!("-- machine code ({} bytes) --\n{}\n", run.cpu().code_size, text.disasm));
        }
        #[cfg(feature = "cuda")]
        for run in &record.device_runs {
            if let lazyxp_compiler::cache::DeviceCode::Ptx { entry, .. } = &run.code {
                let p = &entry.ptx;
                out.push_str(&format!("\n== kernel {} on {}: {} ==\n-- kernel IR --\n{}\n", run.plan_index, run.device, entry.kernel.name, entry.kernel));
                out.push_str(&format!("-- MLIR (as emitted) --\n{}\n-- MLIR (lowered to NVVM) --\n{}\n", p.mlir_before, p.mlir_after));
                out.push_str(&format!("-- PTX ({}, entry {}) --\n{}\n", p.chip, p.name, p.ptx));
            }
        }
        Ok(out)
    }
}

/// Evaluates several arrays together: outputs of the same shape that share
/// inputs come out of one kernel, reading the inputs once.
pub fn eval(arrays: &[&Array]) -> Result<()> {
    let roots: Vec<NodeRef> = arrays.iter().map(|a| a.node.clone()).collect();
    evaluate(&roots).map(|_| ())
}

/// `eval` on a chosen engine: `Engine::Interpreter` runs the reference
/// interpreter instead of compiled code (for differential testing).
pub fn eval_with(arrays: &[&Array], engine: Engine) -> Result<()> {
    let roots: Vec<NodeRef> = arrays.iter().map(|a| a.node.clone()).collect();
    evaluate_with(&roots, engine).map(|_| ())
}

impl fmt::Debug for Array {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Array({}, shape={:?}, {}", self.dtype(), self.shape(), if self.is_evaluated() { "evaluated" } else { "pending" })?;
        match self.device() {
            crate::Device::Cpu => f.write_str(")"),
            d => write!(f, ", {d})"),
        }
    }
}

/// Shows values (evaluating if needed), NumPy style, eliding the middle of
/// long arrays.
impl fmt::Display for Array {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Err(e) = self.eval() {
            return write!(f, "<array {} {:?}: evaluation failed: {e}>", self.dtype(), self.shape());
        }
        let n = self.size();
        let data = match self.host_data() {
            Ok(d) => d,
            Err(e) => return write!(f, "<array {} {:?}: reading failed: {e}>", self.dtype(), self.shape()),
        };
        let w = self.dtype().size();
        let show = |i: usize| Scalar::read(self.dtype(), &data.as_bytes()[i * w..]).to_string();
        let items: Vec<String> = if n <= 10 {
            (0..n).map(show).collect()
        } else {
            (0..3).map(show).chain(std::iter::once("...".to_string())).chain((n - 3..n).map(show)).collect()
        };
        write!(f, "array([{}], dtype={}, shape={:?})", items.join(", "), self.dtype(), self.shape())
    }
}
