//! One kernel-IR instruction -> MLIR (arith + a few `llvm` intrinsics),
//! with the interpreter's exact semantics (`crate::interp`):
//!
//! * Integers wrap (arith ops carry no `nsw`/`nuw`); shift counts are
//!   masked to the width; integer division by 0 gives 0 and MIN / -1
//!   wraps, with the divisor patched so no undefined `sdiv` is reachable.
//! * Float arithmetic carries no fast-math flags, so LLVM emits `add.rn`,
//!   `mul.rn`, `div.rn`, `sqrt.rn`: the `.rn` forms are the ones ptxas may
//!   not contract into `fma`. `fma` appears only where the IR says so.
//! * Float min/max are spelled out as the interpreter's compare/select
//!   (NaN-propagating, -0 < +0) instead of trusting a hardware `min`.
//! * Float -> int casts use `llvm.fpto[su]i.sat` (saturating, NaN -> 0),
//!   which is exactly Rust's `as` that `Scalar::cast` uses.
//! * Neg and abs of floats act on the sign bit, as Rust's `-x` and
//!   `abs` do.
//!
//! NVIDIA hardware returns one canonical NaN (0x7fffffff) from arithmetic
//! on NaN, where x86 propagates the operand's payload; so results agree
//! bit for bit except for which NaN a NaN is.
//!
//! `llvm.call_intrinsic` is used for sqrt and rounding because
//! `convert-gpu-to-nvvm` rewrites `math.sqrt`/`math.floor` (and marks the
//! `llvm.intr.*` forms illegal) into libdevice calls we do not link.

use crate::kernel_ir::{BinaryOp, CmpOp, Kernel, Op, UnaryOp};
use lazyxp_runtime::{DType, Error, Result};
use std::fmt::Write;

/// The MLIR register type of a dtype (bool is `i1`; signedness lives in
/// the ops, MLIR integers are signless).
pub fn mlir_ty(t: DType) -> &'static str {
    match t {
        DType::Bool => "i1",
        DType::Int8 | DType::UInt8 => "i8",
        DType::Int16 | DType::UInt16 => "i16",
        DType::Int32 | DType::UInt32 => "i32",
        DType::Int64 | DType::UInt64 => "i64",
        DType::Float32 => "f32",
        DType::Float64 => "f64",
        DType::Complex64 | DType::Complex128 => "complex-unsupported",
    }
}

/// The type of an element in memory: bool is one byte.
pub fn mem_ty(t: DType) -> &'static str {
    if t == DType::Bool {
        "i8"
    } else {
        mlir_ty(t)
    }
}

/// The same-width integer type of a float, for sign-bit operations.
fn bits_ty(t: DType) -> &'static str {
    if t == DType::Float64 {
        "i64"
    } else {
        "i32"
    }
}

fn width(t: DType) -> usize {
    if t == DType::Bool {
        1
    } else {
        t.size() * 8
    }
}

/// The text of an `arith.constant` holding `bits` as a `ty`; floats are
/// written as their bit pattern so NaN payloads and -0 survive.
pub fn const_op(ty: DType, bits: u128) -> String {
    match ty {
        DType::Bool => format!("arith.constant {}", if bits & 1 != 0 { "true" } else { "false" }),
        DType::Float32 => format!("arith.constant 0x{:08X} : f32", bits as u32),
        DType::Float64 => format!("arith.constant 0x{:016X} : f64", bits as u64),
        _ => {
            let w = width(ty) as u32;
            let v = ((bits as u64) << (64 - w)) as i64 >> (64 - w);
            format!("arith.constant {v} : i{w}")
        }
    }
}

/// The function body being written: MLIR lines plus the SSA name of each
/// kernel value (a no-op cast reuses its operand's name).
pub struct Body<'k> {
    k: &'k Kernel,
    pub text: String,
    pub indent: usize,
    pub names: Vec<String>,
    tmp: u32,
}

impl<'k> Body<'k> {
    pub fn new(k: &'k Kernel) -> Self {
        Body { k, text: String::new(), indent: 0, names: (0..k.insts.len()).map(|i| format!("%v{i}")).collect(), tmp: 0 }
    }

    pub fn line(&mut self, s: &str) {
        let _ = writeln!(self.text, "{}{s}", "  ".repeat(3 + self.indent));
    }

    pub fn fresh(&mut self) -> String {
        self.tmp += 1;
        format!("%t{}", self.tmp)
    }

    pub fn name(&self, i: usize) -> &str {
        &self.names[i]
    }

    /// Emits `rhs` into a new temporary and returns its name.
    pub(super) fn emit(&mut self, rhs: String) -> String {
        let t = self.fresh();
        self.line(&format!("{t} = {rhs}"));
        t
    }

    pub(super) fn konst(&mut self, ty: DType, bits: u128) -> String {
        self.emit(const_op(ty, bits))
    }

    /// Loads element `elem` (an i64 SSA name) of input `n` as value `i`.
    /// The alignment is the element's size (buffers hold whole elements
    /// from an aligned base); without it LLVM's default layout assumes 4
    /// for i64 and splits every 64-bit access in two.
    pub fn load(&mut self, i: usize, n: u32, elem: &str) {
        let ty = self.k.inputs[n as usize].dtype;
        let m = mem_ty(ty);
        let p = self.emit(format!("llvm.getelementptr %in{n}[{elem}] : (!llvm.ptr<1>, i64) -> !llvm.ptr<1>, {m}"));
        let dst = self.names[i].clone();
        if ty == DType::Bool {
            // The interpreter reads a bool as the byte's lowest bit.
            let byte = self.emit(format!("llvm.load {p} : !llvm.ptr<1> -> i8"));
            self.line(&format!("{dst} = arith.trunci {byte} : i8 to i1"));
        } else {
            let align = ty.size();
            self.line(&format!("{dst} = llvm.load {p} {{alignment = {align} : i64}} : !llvm.ptr<1> -> {m}"));
        }
    }

    /// Lowers instruction `i` (not a load).
    pub fn inst(&mut self, i: usize) -> Result<()> {
        let k = self.k;
        let inst = &k.insts[i];
        let ty = inst.ty;
        let n = |v: crate::kernel_ir::Value| self.names[v.0 as usize].clone();
        let result = match inst.op {
            Op::Const(c) => Some(const_op(ty, c.to_bits())),
            Op::Unary(u, a) => {
                let a = n(a);
                self.unary(u, ty, &a)?
            }
            Op::Binary(o, a, b) => {
                let (a, b) = (n(a), n(b));
                Some(self.binary(o, ty, &a, &b)?)
            }
            Op::Fma(a, b, c) => {
                let t = mlir_ty(ty);
                Some(format!("llvm.intr.fma({}, {}, {}) : ({t}, {t}, {t}) -> {t}", n(a), n(b), n(c)))
            }
            Op::Cmp(c, a, b) => Some(cmp(c, self.k.ty(a), &n(a), &n(b))),
            Op::Select(c, a, b) => Some(format!("arith.select {}, {}, {} : {}", n(c), n(a), n(b), mlir_ty(ty))),
            Op::Cast(a) => {
                let a_ty = self.k.ty(a);
                let a = n(a);
                self.cast(a_ty, ty, &a)
            }
            Op::Bitcast(a) => {
                let from = self.k.ty(a);
                if mlir_ty(from) == mlir_ty(ty) {
                    None
                } else {
                    Some(format!("arith.bitcast {} : {} to {}", n(a), mlir_ty(from), mlir_ty(ty)))
                }
            }
            Op::Load(_) => unreachable!("loads are emitted by the loop skeleton"),
            Op::ColdBegin(..) | Op::ColdEnd(..) => unreachable!("cold regions are scf.if regions of the loop body (mlir_text.rs)"),
            ref other => return Err(self.unsupported(format!("{other:?}"))),
        };
        match result {
            Some(rhs) => {
                let dst = self.names[i].clone();
                self.line(&format!("{dst} = {rhs}"));
            }
            // A no-op on the MLIR types (same-width int casts, i32 <-> u32
            // bitcasts): the value is its operand.
            None => {
                let mut src = String::new();
                inst.op.for_each_operand(|v| src = self.names[v.0 as usize].clone());
                self.names[i] = src;
            }
        }
        Ok(())
    }

    fn unsupported(&self, what: String) -> Error {
        Error::Unsupported(format!("CUDA backend, kernel {}: {what}", self.k.name))
    }

    /// Flips (`xori`) or clears (`andi`) the sign bit of a float.
    fn sign_bit(&mut self, ty: DType, a: &str, op: &str) -> String {
        let it = bits_ty(ty);
        let sign: u128 = if ty == DType::Float64 { 1 << 63 } else { 1 << 31 };
        let mask_bits = if op == "andi" { !sign & (if ty == DType::Float64 { u64::MAX as u128 } else { u32::MAX as u128 }) } else { sign };
        let int_ty = if ty == DType::Float64 { DType::Int64 } else { DType::Int32 };
        let bits = self.emit(format!("arith.bitcast {a} : {} to {it}", mlir_ty(ty)));
        let mask = self.konst(int_ty, mask_bits);
        let r = self.emit(format!("arith.{op} {bits}, {mask} : {it}"));
        format!("arith.bitcast {r} : {it} to {}", mlir_ty(ty))
    }

    pub(super) fn unary(&mut self, u: UnaryOp, ty: DType, a: &str) -> Result<Option<String>> {
        let t = mlir_ty(ty);
        let intrinsic = |name: &str| format!("llvm.call_intrinsic \"llvm.{name}.{t}\"({a}) : ({t}) -> {t}");
        Ok(Some(match u {
            UnaryOp::Neg if ty.is_float() => self.sign_bit(ty, a, "xori"),
            UnaryOp::Abs if ty.is_float() => self.sign_bit(ty, a, "andi"),
            UnaryOp::Neg => {
                let zero = self.konst(ty, 0);
                format!("arith.subi {zero}, {a} : {t}")
            }
            UnaryOp::Abs if ty.is_signed_int() => {
                let zero = self.konst(ty, 0);
                let neg = self.emit(format!("arith.subi {zero}, {a} : {t}"));
                let lt = self.emit(format!("arith.cmpi slt, {a}, {zero} : {t}"));
                format!("arith.select {lt}, {neg}, {a} : {t}")
            }
            UnaryOp::Abs => return Ok(None),
            UnaryOp::Not => {
                let ones = self.konst(ty, u128::MAX);
                format!("arith.xori {a}, {ones} : {t}")
            }
            UnaryOp::Sqrt => intrinsic("sqrt"),
            UnaryOp::Floor => intrinsic("floor"),
            UnaryOp::Ceil => intrinsic("ceil"),
            UnaryOp::Trunc => intrinsic("trunc"),
            UnaryOp::RoundEven => intrinsic("roundeven"),
            other => return Err(self.unsupported(format!("{other} on {ty} (math ops must be expanded first)"))),
        }))
    }

    pub(super) fn binary(&mut self, o: BinaryOp, ty: DType, a: &str, b: &str) -> Result<String> {
        let t = mlir_ty(ty);
        let simple = |op: &str| Ok(format!("arith.{op} {a}, {b} : {t}"));
        if ty.is_float() {
            return match o {
                BinaryOp::Add => simple("addf"),
                BinaryOp::Sub => simple("subf"),
                BinaryOp::Mul => simple("mulf"),
                BinaryOp::Div => simple("divf"),
                BinaryOp::Min => Ok(self.fminmax(ty, a, b, true)),
                BinaryOp::Max => Ok(self.fminmax(ty, a, b, false)),
                BinaryOp::Rem => Ok(self.fmod(ty, a, b)),
                other => Err(self.unsupported(format!("{other} on {ty} (math ops must be expanded first)"))),
            };
        }
        let signed = ty.is_signed_int();
        match o {
            BinaryOp::Add => simple("addi"),
            BinaryOp::Sub => simple("subi"),
            BinaryOp::Mul => simple("muli"),
            BinaryOp::And => simple("andi"),
            BinaryOp::Or => simple("ori"),
            BinaryOp::Xor => simple("xori"),
            BinaryOp::Min => simple(if signed { "minsi" } else { "minui" }),
            BinaryOp::Max => simple(if signed { "maxsi" } else { "maxui" }),
            BinaryOp::Shl | BinaryOp::Shr => {
                // Counts modulo the width, as the interpreter takes them.
                let m = self.konst(ty, (width(ty) - 1) as u128);
                let count = self.emit(format!("arith.andi {b}, {m} : {t}"));
                let op = match (o, signed) {
                    (BinaryOp::Shl, _) => "shli",
                    (_, true) => "shrsi",
                    (_, false) => "shrui",
                };
                Ok(format!("arith.{op} {a}, {count} : {t}"))
            }
            BinaryOp::Div | BinaryOp::Rem => Ok(self.int_div(o == BinaryOp::Div, ty, a, b)),
            other => Err(self.unsupported(format!("{other} on {ty}"))),
        }
    }

    /// The interpreter's min/max: NaN if either is NaN (`x + y`), the
    /// negative zero for min of equal values (or of the bits: equal
    /// values differ at most in the sign of zero), else the smaller.
    fn fminmax(&mut self, ty: DType, a: &str, b: &str, min: bool) -> String {
        let (t, it) = (mlir_ty(ty), bits_ty(ty));
        let uno = self.emit(format!("arith.cmpf uno, {a}, {b} : {t}"));
        let eq = self.emit(format!("arith.cmpf oeq, {a}, {b} : {t}"));
        let pick = self.emit(format!("arith.cmpf {}, {a}, {b} : {t}", if min { "olt" } else { "ogt" }));
        let nan = self.emit(format!("arith.addf {a}, {b} : {t}"));
        let ab = self.emit(format!("arith.bitcast {a} : {t} to {it}"));
        let bb = self.emit(format!("arith.bitcast {b} : {t} to {it}"));
        let zb = self.emit(format!("arith.{} {ab}, {bb} : {it}", if min { "ori" } else { "andi" }));
        let z = self.emit(format!("arith.bitcast {zb} : {it} to {t}"));
        let r1 = self.emit(format!("arith.select {pick}, {a}, {b} : {t}"));
        let r2 = self.emit(format!("arith.select {eq}, {z}, {r1} : {t}"));
        format!("arith.select {uno}, {nan}, {r2} : {t}")
    }

    /// Integer division or remainder with NumPy's answers where hardware
    /// (and LLVM) have none: x / 0 = x % 0 = 0, MIN / -1 = MIN, MIN % -1 = 0.
    fn int_div(&mut self, div: bool, ty: DType, a: &str, b: &str) -> String {
        let t = mlir_ty(ty);
        let zero = self.konst(ty, 0);
        let one = self.konst(ty, 1);
        let by_zero = self.emit(format!("arith.cmpi eq, {b}, {zero} : {t}"));
        if !ty.is_signed_int() {
            let safe = self.emit(format!("arith.select {by_zero}, {one}, {b} : {t}"));
            let r = self.emit(format!("arith.{} {a}, {safe} : {t}", if div { "divui" } else { "remui" }));
            return format!("arith.select {by_zero}, {zero}, {r} : {t}");
        }
        let minus_one = self.konst(ty, u128::MAX);
        let by_m1 = self.emit(format!("arith.cmpi eq, {b}, {minus_one} : {t}"));
        let special = self.emit(format!("arith.ori {by_zero}, {by_m1} : i1"));
        let safe = self.emit(format!("arith.select {special}, {one}, {b} : {t}"));
        let r = self.emit(format!("arith.{} {a}, {safe} : {t}", if div { "divsi" } else { "remsi" }));
        if div {
            let neg = self.emit(format!("arith.subi {zero}, {a} : {t}"));
            let r = self.emit(format!("arith.select {by_m1}, {neg}, {r} : {t}"));
            format!("arith.select {by_zero}, {zero}, {r} : {t}")
        } else {
            format!("arith.select {special}, {zero}, {r} : {t}")
        }
    }

    /// `Scalar::cast`: wrap between integers, saturate float -> int with
    /// NaN -> 0, `!= 0` to bool, round to nearest even otherwise. `None`
    /// when the MLIR value is already the result.
    fn cast(&mut self, from: DType, to: DType, a: &str) -> Option<String> {
        let (f, t) = (mlir_ty(from), mlir_ty(to));
        if to == DType::Bool {
            let zero = self.konst(from, 0);
            return Some(if from.is_float() {
                // Unordered-or-not-equal: NaN is truthy, as `v != 0.0` is.
                format!("arith.cmpf une, {a}, {zero} : {f}")
            } else {
                format!("arith.cmpi ne, {a}, {zero} : {f}")
            });
        }
        let op = if from.is_float() && to.is_float() {
            if width(to) > width(from) { "extf" } else { "truncf" }
        } else if from.is_float() {
            let sign = if to.is_signed_int() { "s" } else { "u" };
            return Some(format!("llvm.call_intrinsic \"llvm.fpto{sign}i.sat.{t}.{f}\"({a}) : ({f}) -> {t}"));
        } else if to.is_float() {
            if from.is_signed_int() { "sitofp" } else { "uitofp" }
        } else if width(to) == width(from) {
            return None;
        } else if width(to) < width(from) {
            "trunci"
        } else if from.is_signed_int() {
            "extsi"
        } else {
            "extui"
        };
        Some(format!("arith.{op} {a} : {f} to {t}"))
    }
}

/// Comparisons: ordered for floats except `ne` (true with NaN); signed or
/// unsigned for integers as the type says; bool compares as 0 < 1.
fn cmp(c: CmpOp, ty: DType, a: &str, b: &str) -> String {
    let t = mlir_ty(ty);
    if ty.is_float() {
        let p = match c {
            CmpOp::Eq => "oeq",
            CmpOp::Ne => "une",
            CmpOp::Lt => "olt",
            CmpOp::Le => "ole",
            CmpOp::Gt => "ogt",
            CmpOp::Ge => "oge",
        };
        return format!("arith.cmpf {p}, {a}, {b} : {t}");
    }
    let s = if ty.is_signed_int() { "s" } else { "u" };
    let p = match c {
        CmpOp::Eq => "eq".to_string(),
        CmpOp::Ne => "ne".to_string(),
        CmpOp::Lt => format!("{s}lt"),
        CmpOp::Le => format!("{s}le"),
        CmpOp::Gt => format!("{s}gt"),
        CmpOp::Ge => format!("{s}ge"),
    };
    format!("arith.cmpi {p}, {a}, {b} : {t}")
}
