//! Translation of one kernel IR instruction into Cranelift instructions,
//! for the scalar path (`lanes == 1`) and the vector path alike.

use super::types::{scalar_type, value_type};
use crate::kernel_ir::{BinaryOp, CmpOp, Kernel, Op, UnaryOp};
use cranelift_codegen::ir::{
    condcodes::{FloatCC, IntCC},
    types, AbiParam, BlockArg, InstBuilder, MemFlagsData, Signature, Type, Value as CValue, ValueDef,
};
use cranelift_frontend::FunctionBuilder;
use lazyxp_runtime::{DType, Scalar};
use std::cell::{Cell, OnceCell, RefCell};

pub struct Emitter<'k> {
    pub kernel: &'k Kernel,
    pub lanes: u32,
    /// Lane width of the vector path (also the width of bool masks).
    pub lane_bytes: u32,
    /// Cold regions compiled out of line (`outline.rs`); regions not
    /// listed are emitted inline.
    pub outlined: Vec<super::outline::Outlined>,
    /// How cold regions are emitted now (`with_cold`).
    cold: Cell<Cold>,
    /// The conditions of the regions skipped under `Cold::Defer`.
    deferred: RefCell<Vec<CValue>>,
    regions: OnceCell<Vec<(usize, usize)>>,
}

/// How the emitter treats a cold region (`kernel_ir/cold.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cold {
    /// A branch around the region, per vector.
    Branch,
    /// The fast value only; the region's condition is kept for the caller
    /// (`take_deferred`), which must run the same code again under
    /// `Compute` wherever a condition holds. A loop that folds several
    /// vectors per trip then tests once per trip, not once per vector.
    Defer,
    /// The region computed with no branch (its value is exact in every
    /// lane).
    Compute,
}

fn little() -> MemFlagsData {
    MemFlagsData::new().with_endianness(cranelift_codegen::ir::Endianness::Little)
}

impl<'k> Emitter<'k> {
    pub fn new(kernel: &'k Kernel, lanes: u32, lane_bytes: u32, outlined: Vec<super::outline::Outlined>) -> Self {
        Emitter { kernel, lanes, lane_bytes, outlined, cold: Cell::new(Cold::Branch), deferred: RefCell::new(Vec::new()), regions: OnceCell::new() }
    }

    /// Runs `f` with cold regions emitted the `mode` way.
    pub fn with_cold<T>(&self, mode: Cold, f: impl FnOnce() -> T) -> T {
        let before = self.cold.replace(mode);
        let r = f();
        self.cold.set(before);
        r
    }

    /// The conditions of the regions skipped under `Cold::Defer` so far.
    pub fn take_deferred(&self) -> Vec<CValue> {
        std::mem::take(&mut self.deferred.borrow_mut())
    }

    pub fn vty(&self, d: DType) -> Type {
        value_type(d, self.lanes, self.lane_bytes)
    }
    fn vector(&self) -> bool {
        self.lanes > 1
    }

    /// A constant, splatted across lanes in the vector path.
    pub fn constant(&self, fb: &mut FunctionBuilder, c: Scalar) -> CValue {
        let d = c.dtype();
        let scalar = match c {
            Scalar::F32(v) => fb.ins().f32const(v),
            Scalar::F64(v) => fb.ins().f64const(v),
            Scalar::Bool(b) if self.vector() => {
                let lane = self.vty(d).lane_type();
                fb.ins().iconst(lane, if b { -1 } else { 0 })
            }
            other => {
                let t = scalar_type(d);
                // Imm64 holds the value zero-extended from the type's width.
                let bits = other.to_bits() as u64 as i64;
                let masked = if t.bits() == 64 { bits } else { bits & ((1i64 << t.bits()) - 1) };
                fb.ins().iconst(t, masked)
            }
        };
        if self.vector() {
            fb.ins().splat(self.vty(d), scalar)
        } else {
            scalar
        }
    }

    /// A value of type `d` whose every lane is zero.
    pub fn zero(&self, fb: &mut FunctionBuilder, d: DType) -> CValue {
        self.constant(fb, Scalar::from_bits(d, 0))
    }

    /// Bool (0/1 byte or lane mask) -> value of type `to` that is 1 or 0.
    fn bool_to(&self, fb: &mut FunctionBuilder, b: CValue, to: DType) -> CValue {
        if to.is_bool() {
            return b;
        }
        let one = self.constant(fb, Scalar::U8(1).cast(to));
        if self.vector() {
            let zero = self.zero(fb, to);
            let mask = self.as_type(fb, b, self.vty(to));
            fb.ins().bitselect(mask, one, zero)
        } else {
            let zero = self.zero(fb, to);
            fb.ins().select(b, one, zero)
        }
    }

    /// Reinterprets a vector as another vector type of the same width.
    pub fn as_type(&self, fb: &mut FunctionBuilder, v: CValue, t: Type) -> CValue {
        if fb.func.dfg.value_type(v) == t {
            v
        } else {
            fb.ins().bitcast(t, little(), v)
        }
    }

    /// `c ? a : b` lane by lane, `c` a compare's mask of `a`'s lane
    /// width: vectors blend in `a`'s type (the shape the `minps`/`maxps`
    /// patterns match), scalars select.
    pub fn select_lanes(&self, fb: &mut FunctionBuilder, c: CValue, a: CValue, b: CValue) -> CValue {
        if self.vector() {
            let t = fb.func.dfg.value_type(a);
            let mask = self.as_type(fb, c, t);
            fb.ins().bitselect(mask, a, b)
        } else {
            fb.ins().select(c, a, b)
        }
    }

    /// Emits instruction `idx` of the kernel; `arg(v)` yields operand values.
    pub fn emit(&self, fb: &mut FunctionBuilder, idx: usize, arg: &dyn Fn(crate::kernel_ir::Value) -> CValue) -> CValue {
        let inst = &self.kernel.insts[idx];
        let ty = inst.ty;
        let k = self.kernel;
        match self.cold.get() {
            Cold::Branch => {}
            Cold::Defer => {
                // Skipped: nothing outside a region uses its values (the
                // placeholder is the fast value, never read).
                match inst.op {
                    Op::ColdBegin(c, fast) => {
                        self.deferred.borrow_mut().push(arg(c));
                        return arg(fast);
                    }
                    Op::ColdEnd(b, _) => return arg(b),
                    _ => {}
                }
                if let Some(&(b, _)) = self.regions().iter().find(|&&(b, e)| idx > b && idx < e) {
                    return arg(crate::kernel_ir::Value(b as u32));
                }
            }
            Cold::Compute => match inst.op {
                Op::ColdBegin(_, fast) => return arg(fast),
                Op::ColdEnd(..) if self.outlined.iter().any(|o| o.end == idx) => {}
                Op::ColdEnd(_, v) => return arg(v),
                _ => {}
            },
        }
        if let Some(o) = self.outlined.iter().find(|o| idx > o.begin && idx <= o.end) {
            return self.outlined_region(fb, idx, o, arg);
        }
        match inst.op {
            Op::Load(_) => unreachable!("loads are emitted by the loop skeleton"),
            Op::Reduce(..) => unreachable!("reductions are folded by the reduction loop skeleton"),
            Op::Const(c) => self.constant(fb, c),
            Op::Unary(u, a) => self.unary(fb, u, ty, arg(a)),
            Op::Binary(b, x, y) => {
                let shift_amount = matches!(b, BinaryOp::Shl | BinaryOp::Shr) && self.vector();
                let yv = if shift_amount {
                    // Vector shifts take one scalar amount for all lanes;
                    // lanes.rs only sends constant amounts down this path.
                    match k.insts[y.0 as usize].op {
                        Op::Const(c) => fb.ins().iconst(types::I32, (c.to_bits() as i64) & (ty.size() as i64 * 8 - 1)),
                        _ => unreachable!("lanes.rs allows only constant vector shifts"),
                    }
                } else {
                    arg(y)
                };
                self.binary(fb, b, ty, arg(x), yv)
            }
            Op::Fma(a, b, c) => fb.ins().fma(arg(a), arg(b), arg(c)),
            Op::Cmp(c, x, y) => self.compare(fb, c, k.ty(x), arg(x), arg(y)),
            Op::Select(c, a, b) => {
                let (cv, av, bv) = (arg(c), arg(a), arg(b));
                if self.vector() {
                    let t = fb.func.dfg.value_type(av);
                    let int_mask = matches!(k.insts[c.0 as usize].op, Op::Cmp(_, x, _) if !k.ty(x).is_float());
                    if int_mask && fb.func.dfg.value_type(cv) != t {
                        // An integer compare's mask selects float lanes in
                        // the mask's own type: Cranelift's x86-64 backend
                        // blends (`pblendvb`) only a mask straight from a
                        // compare, and falls back to and/andnot/or through
                        // a bitcast. (Float masks keep the float type, the
                        // shape the `minps`/`maxps` patterns match.)
                        let mt = fb.func.dfg.value_type(cv);
                        let (ai, bi) = (self.as_type(fb, av, mt), self.as_type(fb, bv, mt));
                        let r = fb.ins().bitselect(cv, ai, bi);
                        return self.as_type(fb, r, t);
                    }
                }
                self.select_lanes(fb, cv, av, bv)
            }
            Op::Cast(a) => self.cast(fb, k.ty(a), ty, arg(a)),
            Op::ColdBegin(c, fast) => self.cold_begin(fb, ty, arg(c), arg(fast)),
            Op::ColdEnd(b, v) => self.cold_end(fb, arg(b), arg(v)),
            Op::Bitcast(a) => {
                let flags = if self.vector() { little() } else { MemFlagsData::new() };
                fb.ins().bitcast(self.vty(ty), flags, arg(a))
            }
        }
    }

    /// Inside an outlined region nothing is emitted (the placeholder is
    /// never read: no value escapes a region); at its end, the call.
    fn outlined_region(&self, fb: &mut FunctionBuilder, idx: usize, o: &super::outline::Outlined, arg: &dyn Fn(crate::kernel_ir::Value) -> CValue) -> CValue {
        let begin = arg(crate::kernel_ir::Value(o.begin as u32));
        if idx < o.end {
            return begin;
        }
        let args: Vec<CValue> = o.live_ins.iter().zip(&o.params).map(|(&v, &t)| self.as_type(fb, arg(v), t)).collect();
        let call = fb.ins().call(o.func, &args);
        let r = fb.inst_results(call)[0];
        let r = self.as_type(fb, r, fb.func.dfg.value_type(begin));
        if self.cold.get() == Cold::Compute {
            return r;
        }
        self.cold_end(fb, begin, r)
    }

    /// The kernel's cold regions, `(cold_begin, cold_end)`.
    fn regions(&self) -> &[(usize, usize)] {
        self.regions.get_or_init(|| crate::kernel_ir::cold_regions(self.kernel).expect("kernels are verified before emission"))
    }

    /// Branches to a new block for the cold region when any lane of `cond`
    /// is set, else straight to the join block with `fast`. The value
    /// returned for `cold_begin` is the join block's parameter, used only
    /// by `cold_end` (see `kernel_ir/cold.rs`), which finds the block by it.
    fn cold_begin(&self, fb: &mut FunctionBuilder, ty: DType, cond: CValue, fast: CValue) -> CValue {
        let any = super::skeleton::any_lane(fb, &[cond]).expect("one mask");
        let cold = fb.create_block();
        let join = fb.create_block();
        let result = fb.append_block_param(join, self.vty(ty));
        fb.set_cold_block(cold);
        fb.ins().brif(any, cold, &[], join, &[BlockArg::Value(fast)]);
        fb.switch_to_block(cold);
        result
    }

    fn cold_end(&self, fb: &mut FunctionBuilder, join_param: CValue, v: CValue) -> CValue {
        let ValueDef::Param(join, _) = fb.func.dfg.value_def(join_param) else {
            unreachable!("cold_begin's value is its join block's parameter")
        };
        fb.ins().jump(join, &[BlockArg::Value(v)]);
        fb.switch_to_block(join);
        join_param
    }

    fn unary(&self, fb: &mut FunctionBuilder, u: UnaryOp, ty: DType, a: CValue) -> CValue {
        let f = ty.is_float();
        match u {
            // A sign-bit flip, not `fneg`: Cranelift rewrites fneg inside
            // fma and fmul (fma(-a, b, c) -> vfnmadd, (-a)*(-b) -> a*b),
            // which changes the sign of a NaN result, so the IR's `neg`
            // would no longer match the interpreter bit for bit.
            UnaryOp::Neg if f => {
                let sign = self.constant(fb, Scalar::from_bits(ty, 1u128 << (ty.size() * 8 - 1)));
                fb.ins().bxor(a, sign)
            }
            UnaryOp::Neg => fb.ins().ineg(a),
            UnaryOp::Abs if f => fb.ins().fabs(a),
            UnaryOp::Abs if ty.is_unsigned_int() => a,
            UnaryOp::Abs => fb.ins().iabs(a),
            UnaryOp::Sqrt => fb.ins().sqrt(a),
            UnaryOp::Floor => fb.ins().floor(a),
            UnaryOp::Ceil => fb.ins().ceil(a),
            UnaryOp::Trunc => fb.ins().trunc(a),
            UnaryOp::RoundEven => fb.ins().nearest(a),
            UnaryOp::Not if ty.is_bool() && !self.vector() => fb.ins().bxor_imm_s(a, 1),
            UnaryOp::Not => fb.ins().bnot(a),
            _ => unreachable!("math op {u} is expanded before code generation"),
        }
    }

    pub fn binary(&self, fb: &mut FunctionBuilder, b: BinaryOp, ty: DType, x: CValue, y: CValue) -> CValue {
        let f = ty.is_float();
        let s = ty.is_signed_int();
        if f && matches!(b, BinaryOp::Min | BinaryOp::Max) {
            // Cranelift leaves the NaN that fmin/fmax return unspecified (on
            // x86-64 the vector lowering gives the default NaN, the scalar one
            // the second operand's). Kernel IR defines it as `x + y` (the
            // first NaN operand, quieted), as the interpreter computes it.
            let m = if b == BinaryOp::Min { fb.ins().fmin(x, y) } else { fb.ins().fmax(x, y) };
            let unordered = fb.ins().fcmp(FloatCC::Unordered, x, y);
            let nan = fb.ins().fadd(x, y);
            if self.vector() {
                let t = fb.func.dfg.value_type(m);
                let mask = self.as_type(fb, unordered, t);
                return fb.ins().bitselect(mask, nan, m);
            }
            return fb.ins().select(unordered, nan, m);
        }
        if b == BinaryOp::Rem && f {
            return self.fmod(fb, ty, x, y);
        }
        if matches!(b, BinaryOp::Div | BinaryOp::Rem) && !f {
            return self.int_div(fb, b, ty, x, y);
        }
        let ins = fb.ins();
        match b {
            BinaryOp::Add if f => ins.fadd(x, y),
            BinaryOp::Add => ins.iadd(x, y),
            BinaryOp::Sub if f => ins.fsub(x, y),
            BinaryOp::Sub => ins.isub(x, y),
            BinaryOp::Mul if f => ins.fmul(x, y),
            BinaryOp::Mul => ins.imul(x, y),
            BinaryOp::Div => ins.fdiv(x, y),
            BinaryOp::Min if f => ins.fmin(x, y),
            BinaryOp::Min if s => ins.smin(x, y),
            BinaryOp::Min => ins.umin(x, y),
            BinaryOp::Max if f => ins.fmax(x, y),
            BinaryOp::Max if s => ins.smax(x, y),
            BinaryOp::Max => ins.umax(x, y),
            BinaryOp::And => ins.band(x, y),
            BinaryOp::Or => ins.bor(x, y),
            BinaryOp::Xor => ins.bxor(x, y),
            BinaryOp::Shl => ins.ishl(x, y),
            BinaryOp::Shr if s => ins.sshr(x, y),
            BinaryOp::Shr => ins.ushr(x, y),
            BinaryOp::Rem => unreachable!("handled above"),
            _ => unreachable!("math op {b} is expanded before code generation"),
        }
    }

    /// Integer division and remainder without traps (scalar path only;
    /// lanes.rs keeps them out of vectors, x86 has no SIMD division): the
    /// divisor is replaced by 1 where the hardware would fault (0, and -1
    /// for signed types, whose MIN/-1 overflows), and the answers NumPy
    /// gives are selected instead: x/0 = 0, x%0 = 0, x/-1 = -x (wrapping),
    /// x%-1 = 0.
    fn int_div(&self, fb: &mut FunctionBuilder, b: BinaryOp, ty: DType, x: CValue, y: CValue) -> CValue {
        debug_assert!(!self.vector(), "integer division has no vector lowering");
        let zero = self.zero(fb, ty);
        let one = self.constant(fb, Scalar::U8(1).cast(ty));
        let is_zero = fb.ins().icmp(IntCC::Equal, y, zero);
        let signed = ty.is_signed_int();
        let (bad, is_m1) = if signed {
            let m1 = self.constant(fb, Scalar::I64(-1).cast(ty));
            let is_m1 = fb.ins().icmp(IntCC::Equal, y, m1);
            (fb.ins().bor(is_zero, is_m1), Some(is_m1))
        } else {
            (is_zero, None)
        };
        let d = fb.ins().select(bad, one, y);
        match (b, is_m1) {
            (BinaryOp::Div, Some(is_m1)) => {
                let q = fb.ins().sdiv(x, d);
                let neg = fb.ins().ineg(x);
                let q = fb.ins().select(is_m1, neg, q);
                fb.ins().select(is_zero, zero, q)
            }
            (BinaryOp::Div, None) => {
                let q = fb.ins().udiv(x, d);
                fb.ins().select(is_zero, zero, q)
            }
            (_, m1) => {
                let r = if m1.is_some() { fb.ins().srem(x, d) } else { fb.ins().urem(x, d) };
                fb.ins().select(bad, zero, r)
            }
        }
    }

    /// Float remainder (C's fmod) by a call: it is exact, which needs a
    /// long division no vector instruction does; lanes.rs sends kernels
    /// with it down the scalar path. The address is absolute: JIT code lives
    /// in this process for its whole life.
    fn fmod(&self, fb: &mut FunctionBuilder, ty: DType, x: CValue, y: CValue) -> CValue {
        debug_assert!(!self.vector(), "fmod has no vector lowering");
        let t = scalar_type(ty);
        let mut sig = Signature::new(fb.func.signature.call_conv);
        sig.params.push(AbiParam::new(t));
        sig.params.push(AbiParam::new(t));
        sig.returns.push(AbiParam::new(t));
        let sig = fb.import_signature(sig);
        let addr = if ty == DType::Float32 { fmod_f32 as *const () as usize } else { fmod_f64 as *const () as usize };
        let callee = fb.ins().iconst(types::I64, addr as i64);
        let call = fb.ins().call_indirect(sig, callee, &[x, y]);
        fb.inst_results(call)[0]
    }

    fn compare(&self, fb: &mut FunctionBuilder, c: CmpOp, operand: DType, x: CValue, y: CValue) -> CValue {
        if operand.is_float() {
            let cc = match c {
                CmpOp::Eq => FloatCC::Equal,
                CmpOp::Ne => FloatCC::NotEqual,
                CmpOp::Lt => FloatCC::LessThan,
                CmpOp::Le => FloatCC::LessThanOrEqual,
                CmpOp::Gt => FloatCC::GreaterThan,
                CmpOp::Ge => FloatCC::GreaterThanOrEqual,
            };
            return fb.ins().fcmp(cc, x, y);
        }
        let signed = operand.is_signed_int();
        let cc = match (c, signed) {
            (CmpOp::Eq, _) => IntCC::Equal,
            (CmpOp::Ne, _) => IntCC::NotEqual,
            (CmpOp::Lt, true) => IntCC::SignedLessThan,
            (CmpOp::Le, true) => IntCC::SignedLessThanOrEqual,
            (CmpOp::Gt, true) => IntCC::SignedGreaterThan,
            (CmpOp::Ge, true) => IntCC::SignedGreaterThanOrEqual,
            (CmpOp::Lt, false) => IntCC::UnsignedLessThan,
            (CmpOp::Le, false) => IntCC::UnsignedLessThanOrEqual,
            (CmpOp::Gt, false) => IntCC::UnsignedGreaterThan,
            (CmpOp::Ge, false) => IntCC::UnsignedGreaterThanOrEqual,
        };
        fb.ins().icmp(cc, x, y)
    }

    /// Conversions with `Scalar::cast` semantics: wrapping between integers,
    /// saturating float -> integer with NaN -> 0, `!= 0` to bool.
    fn cast(&self, fb: &mut FunctionBuilder, from: DType, to: DType, a: CValue) -> CValue {
        if from == to {
            return a;
        }
        if from.is_bool() {
            return self.bool_to(fb, a, to);
        }
        if to.is_bool() {
            let zero = self.zero(fb, from);
            return self.compare(fb, CmpOp::Ne, from, a, zero);
        }
        let t = self.vty(to);
        match (from.is_float(), to.is_float()) {
            (true, true) => {
                if to.size() > from.size() {
                    fb.ins().fpromote(t, a)
                } else {
                    fb.ins().fdemote(t, a)
                }
            }
            (false, true) => {
                // Cranelift converts from 32/64-bit integers; narrower ones
                // are widened first, which is exact.
                let (a, from) = if from.size() < 4 {
                    let w = if from.is_signed_int() { DType::Int32 } else { DType::UInt32 };
                    (self.int_resize(fb, from, w, a), w)
                } else {
                    (a, from)
                };
                if from.is_signed_int() {
                    fb.ins().fcvt_from_sint(t, a)
                } else {
                    fb.ins().fcvt_from_uint(t, a)
                }
            }
            (true, false) => {
                if to.size() >= 4 {
                    if to.is_signed_int() {
                        fb.ins().fcvt_to_sint_sat(t, a)
                    } else {
                        fb.ins().fcvt_to_uint_sat(t, a)
                    }
                } else {
                    // Saturate to the narrow range in float (NaN survives
                    // fmin/fmax and converts to 0), then convert exactly.
                    let (lo, hi) = narrow_range(to);
                    let lo = self.constant(fb, Scalar::F64(lo).cast(from));
                    let hi = self.constant(fb, Scalar::F64(hi).cast(from));
                    let c = fb.ins().fmin(a, hi);
                    let c = fb.ins().fmax(c, lo);
                    let i32t = self.vty(DType::Int32);
                    let wide = fb.ins().fcvt_to_sint_sat(i32t, c);
                    fb.ins().ireduce(t, wide)
                }
            }
            (false, false) => self.int_resize(fb, from, to, a),
        }
    }

    fn int_resize(&self, fb: &mut FunctionBuilder, from: DType, to: DType, a: CValue) -> CValue {
        let t = self.vty(to);
        match from.size().cmp(&to.size()) {
            std::cmp::Ordering::Equal => a,
            std::cmp::Ordering::Greater => fb.ins().ireduce(t, a),
            std::cmp::Ordering::Less if from.is_signed_int() => fb.ins().sextend(t, a),
            std::cmp::Ordering::Less => fb.ins().uextend(t, a),
        }
    }
}

extern "C" fn fmod_f32(x: f32, y: f32) -> f32 {
    x % y
}
extern "C" fn fmod_f64(x: f64, y: f64) -> f64 {
    x % y
}

fn narrow_range(to: DType) -> (f64, f64) {
    match to {
        DType::Int8 => (i8::MIN as f64, i8::MAX as f64),
        DType::UInt8 => (0.0, u8::MAX as f64),
        DType::Int16 => (i16::MIN as f64, i16::MAX as f64),
        DType::UInt16 => (0.0, u16::MAX as f64),
        _ => unreachable!("only 1- and 2-byte integers are narrow"),
    }
}
