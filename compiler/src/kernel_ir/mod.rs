//! Kernel IR: one fused kernel as a loop body over a flat index space.
//!
//! A kernel reads each input at the current element (through its
//! [`Access`] pattern), computes a DAG of scalar instructions in SSA form,
//! and stores some values to contiguous outputs. The loop itself, vector
//! width and threading are the backend's business, so the same IR drives the
//! Cranelift backend, the CUDA backend and the reference interpreter.
//!
//! The text form (see `display.rs`, parsed back by `parse.rs`):
//!
//! ```text
//! kernel fused_sin_add_log_f32(rank 1) {
//!   in0: f32 contiguous
//!   in1: f32 scalar
//!   v0: f32 = load in0
//!   v1: f32 = sin v0
//!   v2: f32 = load in1
//!   v3: f32 = add v1, v2
//!   v4: f32 = log v3
//!   store out0, v4
//! }
//! ```

mod builder;
mod cold;
mod display;
mod ops;
mod parse;
mod reduce;
mod verify;

pub use builder::KernelBuilder;
pub use cold::{cold_regions, cold_regions_small, SMALL_REGION};
pub use ops::{BinaryOp, CmpOp, UnaryOp};
pub use parse::parse_kernel;
pub use reduce::{ReduceOp, BLOCK as REDUCE_BLOCK, LANES as REDUCE_LANES};
pub use verify::verify;

use lazyxp_runtime::{DType, Scalar};

/// An SSA value: the index of the instruction that defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Value(pub u32);

/// How an input is indexed from the kernel's flat element index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Same shape as the index space and row-major contiguous: element `i`.
    Contiguous,
    /// One element for the whole index space (a broadcast scalar, or a
    /// constant passed by value so `x+5` and `x+6` share one kernel).
    Scalar,
    /// Any other layout: the flat index is unravelled over the dimensions
    /// and dotted with this input's runtime strides (broadcasts have 0).
    Strided,
    /// One part of a contiguous buffer of pairs (a complex array read as
    /// its float parts): element `i` at `2 * i + part`. Backends load whole
    /// pairs and pick the part's lanes instead of gathering.
    Interleaved { part: u8 },
}

/// Which index an input is read at in a reduction kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Space {
    /// Once per output element (the outer index).
    Outer,
    /// Once per (output, reduced) pair: the inner loop's index. Launch
    /// dimensions and strides of such inputs cover outer then inner dims.
    Inner,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Input {
    pub dtype: DType,
    pub access: Access,
    /// Always `Outer` in elementwise kernels.
    pub space: Space,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Op {
    Load(u32),
    Const(Scalar),
    Unary(UnaryOp, Value),
    Binary(BinaryOp, Value, Value),
    /// `a * b + c` with one rounding; emitted only where the IR says so
    /// (the math library), never contracted behind the user's back, so every
    /// backend produces the same bits.
    Fma(Value, Value, Value),
    Cmp(CmpOp, Value, Value),
    /// `cond ? a : b` with `cond` a bool.
    Select(Value, Value, Value),
    /// Value conversion with `Scalar::cast` semantics.
    Cast(Value),
    /// Reinterpretation of the bits as another type of the same size.
    Bitcast(Value),
    /// Folds an inner value over the reduced dimensions (see `reduce.rs`
    /// for the accumulation order); the result is an outer value.
    Reduce(ReduceOp, Value),
    /// `cold_begin cond, fast`: its value is `fast`. Opens a cold region,
    /// the instructions up to the matching `cold_end`, which a backend may
    /// skip when `cond` is false in every lane (see `cold.rs`).
    ColdBegin(Value, Value),
    /// `cold_end begin, v`: its value is `v`, which the region computes and
    /// which must equal the `fast` of `begin` wherever `cond` is false.
    ColdEnd(Value, Value),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Inst {
    pub op: Op,
    pub ty: DType,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Kernel {
    /// Named after what it fuses (`fused_sin_add_log_f32`), so a profile or
    /// a dump maps back to the user's expression.
    pub name: String,
    /// Rank of the (outer) index space; dimensions are runtime arguments.
    pub rank: u32,
    /// Reduced dimensions walked by the inner loop; 0 for elementwise kernels.
    pub reduce_rank: u32,
    /// A row kernel: outputs are stored once per (outer, inner) element, so
    /// reductions over a row are broadcast back over that same row without
    /// leaving the kernel (a softmax is one kernel, one pass over memory).
    /// Otherwise outputs are stored once per outer element.
    pub row_outputs: bool,
    pub inputs: Vec<Input>,
    pub insts: Vec<Inst>,
    /// Values stored, in output order, to buffers of their type.
    pub outputs: Vec<Value>,
    /// Per output, the element step between stores: 1 for a contiguous
    /// buffer; 2 for one part of an interleaved complex buffer, whose real
    /// and imaginary parts are two outputs (the launcher points the second
    /// one element into the buffer). Complex values never reach kernel IR
    /// as such: lowering splits them into parts, so every backend gets
    /// complex arithmetic from its real instructions.
    pub output_steps: Vec<u8>,
}

impl Kernel {
    pub fn ty(&self, v: Value) -> DType {
        self.insts[v.0 as usize].ty
    }

    /// Dimensions an input's strides span in the launch arguments.
    pub fn input_rank(&self, input: usize) -> u32 {
        match self.inputs[input].space {
            Space::Outer => self.rank,
            Space::Inner => self.rank + self.reduce_rank,
        }
    }

    /// Whether this is a reduction kernel (it may have zero inner
    /// dimensions when every reduced dimension has size 1).
    pub fn is_reduction(&self) -> bool {
        self.reduce_rank > 0 || self.insts.iter().any(|i| matches!(i.op, Op::Reduce(..)))
    }

    /// Which instructions run once per inner element (true) rather than
    /// once per output element: those that depend on an inner load without
    /// a reduction in between. Everything inside a cold region that opens
    /// per inner element is inner too, constants included: the region runs
    /// (or is called, when outlined) under that element's condition, so
    /// none of it can be computed once per row.
    pub fn inner_insts(&self) -> Vec<bool> {
        let mut inner = vec![false; self.insts.len()];
        let mut in_inner_region = false;
        for (i, inst) in self.insts.iter().enumerate() {
            inner[i] = in_inner_region
                || match inst.op {
                    Op::Load(n) => self.inputs[n as usize].space == Space::Inner,
                    Op::Reduce(..) => false,
                    _ => {
                        let mut any = false;
                        inst.op.for_each_operand(|v| any |= inner[v.0 as usize]);
                        any
                    }
                };
            match inst.op {
                Op::ColdBegin(..) => in_inner_region = inner[i],
                Op::ColdEnd(..) => in_inner_region = false,
                _ => {}
            }
        }
        inner
    }

    /// Per instruction, how many reductions must finish, one after another,
    /// before it can be computed: 0 for loads, constants and what depends
    /// only on them; a reduction is one more than its operand. A row kernel
    /// walks each row once per level of its reductions (the inner loop of
    /// pass `p` folds the reductions of level `p + 1`), so `x - max(x)`
    /// feeding `sum` needs two passes, and its outputs one more.
    ///
    /// Everything inside a cold region is at least at its `cold_begin`'s
    /// level, constants included: a backend emits a region as one piece
    /// once its condition is known, so none of it can come a pass earlier
    /// (`sin(sum(x))` broadcast over a row opens sin's region per row at
    /// level 1, around constants that would otherwise be level 0).
    pub fn levels(&self) -> Vec<u32> {
        let mut level = vec![0u32; self.insts.len()];
        let mut regions: Vec<u32> = Vec::new();
        for (i, inst) in self.insts.iter().enumerate() {
            let mut l = regions.last().copied().unwrap_or(0);
            inst.op.for_each_operand(|v| l = l.max(level[v.0 as usize]));
            level[i] = if matches!(inst.op, Op::Reduce(..)) { l + 1 } else { l };
            match inst.op {
                Op::ColdBegin(..) => regions.push(level[i]),
                Op::ColdEnd(..) => {
                    regions.pop();
                }
                _ => {}
            }
        }
        level
    }

    /// Whether instruction `i` is one of a row's values of reduction level
    /// `level`: computed once per row (not per inner element) in the pass
    /// of that level, and not itself a reduction (the pass folding it
    /// finishes it). `inner` and `levels` are this kernel's
    /// [`inner_insts`](Self::inner_insts) and [`levels`](Self::levels),
    /// which callers compute once. The interpreter and both backends walk
    /// a row's passes by it.
    pub fn is_row_value(&self, i: usize, level: u32, inner: &[bool], levels: &[u32]) -> bool {
        !inner[i] && levels[i] == level && !matches!(self.insts[i].op, Op::Reduce(..))
    }

    /// How many passes over each row the reductions need: the deepest
    /// reduction level (0 for elementwise kernels).
    pub fn reduction_passes(&self) -> u32 {
        let level = self.levels();
        self.insts.iter().zip(&level).filter(|(i, _)| matches!(i.op, Op::Reduce(..))).map(|(_, &l)| l).max().unwrap_or(0)
    }

    /// The element step of output `o` (see `output_steps`).
    pub fn output_step(&self, o: usize) -> usize {
        self.output_steps[o] as usize
    }

    /// Inputs whose strides travel in the launch arguments.
    pub fn strided_inputs(&self) -> impl Iterator<Item = usize> + '_ {
        self.inputs
            .iter()
            .enumerate()
            .filter(|(_, i)| i.access == Access::Strided)
            .map(|(k, _)| k)
    }

    /// Whether any instruction still needs the math library's expansion.
    pub fn has_math(&self) -> bool {
        self.insts.iter().any(|i| match i.op {
            Op::Unary(u, _) => u.is_math(),
            Op::Binary(b, _, _) => b.is_math(),
            _ => false,
        })
    }

    /// A structural hash that is the same in every process and on every run
    /// (FNV-1a over the IR text), shown in dumps and used to name the kernel
    /// in the cache and in `LAZYXP_DUMP` files.
    pub fn stable_hash(&self) -> u64 {
        let text = self.to_string();
        let mut h: u64 = 0xcbf29ce484222325;
        for b in text.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        h
    }

    /// Instructions that reach an output; the rest is dead code.
    pub fn live(&self) -> Vec<bool> {
        let mut live = vec![false; self.insts.len()];
        for v in &self.outputs {
            live[v.0 as usize] = true;
        }
        for i in (0..self.insts.len()).rev() {
            if live[i] {
                self.insts[i].op.for_each_operand(|v| live[v.0 as usize] = true);
            }
        }
        live
    }
}

impl Op {
    pub fn for_each_operand(&self, mut f: impl FnMut(Value)) {
        match *self {
            Op::Load(_) | Op::Const(_) => {}
            Op::Unary(_, a) | Op::Cast(a) | Op::Bitcast(a) | Op::Reduce(_, a) => f(a),
            Op::Binary(_, a, b) | Op::Cmp(_, a, b) => {
                f(a);
                f(b)
            }
            Op::Fma(a, b, c) | Op::Select(a, b, c) => {
                f(a);
                f(b);
                f(c)
            }
            Op::ColdBegin(a, b) | Op::ColdEnd(a, b) => {
                f(a);
                f(b)
            }
        }
    }

    pub fn map_operands(&self, mut f: impl FnMut(Value) -> Value) -> Op {
        match *self {
            Op::Load(i) => Op::Load(i),
            Op::Const(c) => Op::Const(c),
            Op::Unary(u, a) => Op::Unary(u, f(a)),
            Op::Cast(a) => Op::Cast(f(a)),
            Op::Bitcast(a) => Op::Bitcast(f(a)),
            Op::Reduce(r, a) => Op::Reduce(r, f(a)),
            Op::Binary(o, a, b) => Op::Binary(o, f(a), f(b)),
            Op::Cmp(o, a, b) => Op::Cmp(o, f(a), f(b)),
            Op::Fma(a, b, c) => Op::Fma(f(a), f(b), f(c)),
            Op::Select(a, b, c) => Op::Select(f(a), f(b), f(c)),
            Op::ColdBegin(a, b) => Op::ColdBegin(f(a), f(b)),
            Op::ColdEnd(a, b) => Op::ColdEnd(f(a), f(b)),
        }
    }
}
