//! Appends instructions to a kernel with their types worked out, the one
//! way lowering and the math library create IR.

use super::{Access, BinaryOp, CmpOp, Input, Inst, Kernel, Op, ReduceOp, Space, UnaryOp, Value};
use hashbrown::HashMap;
use lazyxp_runtime::{DType, Scalar};

pub struct KernelBuilder {
    kernel: Kernel,
    /// Identical instructions are emitted once (local value numbering), so
    /// constants and loads repeated by the math library cost nothing.
    numbering: HashMap<Inst, Value>,
}

impl KernelBuilder {
    pub fn new(name: impl Into<String>, rank: u32) -> Self {
        KernelBuilder {
            kernel: Kernel {
                name: name.into(),
                rank,
                reduce_rank: 0,
                row_outputs: false,
                inputs: Vec::new(),
                insts: Vec::new(),
                outputs: Vec::new(),
                output_steps: Vec::new(),
            },
            numbering: HashMap::new(),
        }
    }

    /// A builder for a kernel with the same name, index space and inputs
    /// as `k` and no instructions (passes that rewrite a kernel start here).
    pub fn like(k: &Kernel) -> Self {
        let mut b = KernelBuilder::new(k.name.clone(), k.rank);
        b.kernel.reduce_rank = k.reduce_rank;
        b.kernel.row_outputs = k.row_outputs;
        b.kernel.inputs = k.inputs.clone();
        b
    }

    /// Makes this a reduction kernel over `reduce_rank` inner dimensions.
    pub fn set_reduce_rank(&mut self, reduce_rank: u32) {
        self.kernel.reduce_rank = reduce_rank;
    }

    /// Makes this a row kernel (see `Kernel::row_outputs`).
    pub fn set_row_outputs(&mut self, rows: bool) {
        self.kernel.row_outputs = rows;
    }

    pub fn input(&mut self, dtype: DType, access: Access) -> u32 {
        self.input_in(dtype, access, Space::Outer)
    }

    pub fn input_in(&mut self, dtype: DType, access: Access, space: Space) -> u32 {
        self.kernel.inputs.push(Input { dtype, access, space });
        (self.kernel.inputs.len() - 1) as u32
    }

    pub fn ty(&self, v: Value) -> DType {
        self.kernel.ty(v)
    }

    /// Appends `op` producing `ty`; returns an earlier identical value if any.
    pub fn push(&mut self, op: Op, ty: DType) -> Value {
        let inst = Inst { op, ty };
        if let Some(&v) = self.numbering.get(&inst) {
            return v;
        }
        let v = Value(self.kernel.insts.len() as u32);
        self.kernel.insts.push(inst.clone());
        self.numbering.insert(inst, v);
        v
    }

    /// Closes the cold region opened by `begin` (see `cold.rs`) with value
    /// `v`. The region's instructions leave the value numbering, so an
    /// identical instruction after the region is emitted again rather than
    /// reaching into it.
    pub fn cold_end(&mut self, begin: Value, v: Value) -> Value {
        self.numbering.retain(|_, n| n.0 < begin.0);
        let ty = self.ty(v);
        self.push(Op::ColdEnd(begin, v), ty)
    }

    pub fn load(&mut self, input: u32) -> Value {
        let ty = self.kernel.inputs[input as usize].dtype;
        self.push(Op::Load(input), ty)
    }
    pub fn konst(&mut self, c: Scalar) -> Value {
        self.push(Op::Const(c), c.dtype())
    }
    /// A float constant of type `ty` (f32 or f64), for the math library.
    pub fn fconst(&mut self, ty: DType, v: f64) -> Value {
        let c = if ty == DType::Float32 { Scalar::F32(v as f32) } else { Scalar::F64(v) };
        self.konst(c)
    }
    /// An integer constant of type `ty`, given by its bits.
    pub fn iconst(&mut self, ty: DType, bits: i64) -> Value {
        self.konst(Scalar::from_bits(ty, bits as u64 as u128))
    }
    pub fn unary(&mut self, op: UnaryOp, a: Value) -> Value {
        let ty = self.ty(a);
        self.push(Op::Unary(op, a), ty)
    }
    pub fn binary(&mut self, op: BinaryOp, a: Value, b: Value) -> Value {
        debug_assert_eq!(self.ty(a), self.ty(b), "{op} on mixed types");
        let ty = self.ty(a);
        self.push(Op::Binary(op, a, b), ty)
    }
    pub fn fma(&mut self, a: Value, b: Value, c: Value) -> Value {
        let ty = self.ty(a);
        self.push(Op::Fma(a, b, c), ty)
    }
    pub fn cmp(&mut self, op: CmpOp, a: Value, b: Value) -> Value {
        debug_assert_eq!(self.ty(a), self.ty(b), "{op} on mixed types");
        self.push(Op::Cmp(op, a, b), DType::Bool)
    }
    pub fn select(&mut self, cond: Value, a: Value, b: Value) -> Value {
        let ty = self.ty(a);
        self.push(Op::Select(cond, a, b), ty)
    }
    /// Conversion; a no-op when the type already matches.
    pub fn cast(&mut self, a: Value, to: DType) -> Value {
        if self.ty(a) == to {
            return a;
        }
        self.push(Op::Cast(a), to)
    }
    pub fn bitcast(&mut self, a: Value, to: DType) -> Value {
        if self.ty(a) == to {
            return a;
        }
        self.push(Op::Bitcast(a), to)
    }

    // Shorthands that make the math library read like the formulas.
    pub fn add(&mut self, a: Value, b: Value) -> Value {
        self.binary(BinaryOp::Add, a, b)
    }
    pub fn sub(&mut self, a: Value, b: Value) -> Value {
        self.binary(BinaryOp::Sub, a, b)
    }
    pub fn mul(&mut self, a: Value, b: Value) -> Value {
        self.binary(BinaryOp::Mul, a, b)
    }
    pub fn div(&mut self, a: Value, b: Value) -> Value {
        self.binary(BinaryOp::Div, a, b)
    }

    /// Whether `v` changes along the reduced dims (depends on an inner
    /// load), as a reduction's operand must (`Kernel::inner_insts`).
    pub fn is_inner(&self, v: Value) -> bool {
        self.kernel.inner_insts()[v.0 as usize]
    }

    pub fn reduce(&mut self, op: ReduceOp, a: Value) -> Value {
        let ty = self.ty(a);
        self.push(Op::Reduce(op, a), ty)
    }

    pub fn store(&mut self, v: Value) {
        self.store_step(v, 1);
    }
    /// Stores `v` at every `step`-th element of its output (see
    /// `Kernel::output_steps`).
    pub fn store_step(&mut self, v: Value, step: u8) {
        self.kernel.outputs.push(v);
        self.kernel.output_steps.push(step);
    }

    pub fn finish(self) -> Kernel {
        self.kernel
    }
}
