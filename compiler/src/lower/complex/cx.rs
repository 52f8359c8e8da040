//! `Cx`: complex arithmetic on pairs of real kernel values of one float
//! type, with the small real helpers the complex functions are written in
//! (predicates, selects on both parts), so the formulas read like math.

use crate::kernel_ir::{BinaryOp, CmpOp, KernelBuilder, UnaryOp, Value};
use lazyxp_runtime::DType;

/// A complex value's (real, imaginary) parts.
pub(super) type C = (Value, Value);

pub(super) struct Cx<'b> {
    pub(super) b: &'b mut KernelBuilder,
    /// The parts' float type, f32 or f64.
    pub(super) t: DType,
}

impl Cx<'_> {
    pub(super) fn k(&mut self, v: f64) -> Value {
        self.b.fconst(self.t, v)
    }

    pub(super) fn un(&mut self, op: UnaryOp, a: Value) -> Value {
        self.b.unary(op, a)
    }

    pub(super) fn bin(&mut self, op: BinaryOp, a: Value, b: Value) -> Value {
        self.b.binary(op, a, b)
    }

    pub(super) fn add(&mut self, a: Value, b: Value) -> Value {
        self.b.add(a, b)
    }

    pub(super) fn sub(&mut self, a: Value, b: Value) -> Value {
        self.b.sub(a, b)
    }

    pub(super) fn mul(&mut self, a: Value, b: Value) -> Value {
        self.b.mul(a, b)
    }

    pub(super) fn div(&mut self, a: Value, b: Value) -> Value {
        self.b.div(a, b)
    }

    pub(super) fn neg(&mut self, a: Value) -> Value {
        self.un(UnaryOp::Neg, a)
    }

    pub(super) fn abs(&mut self, a: Value) -> Value {
        self.un(UnaryOp::Abs, a)
    }

    pub(super) fn cmp(&mut self, op: CmpOp, a: Value, b: Value) -> Value {
        self.b.cmp(op, a, b)
    }

    pub(super) fn and(&mut self, a: Value, b: Value) -> Value {
        self.b.binary(BinaryOp::And, a, b)
    }

    pub(super) fn or(&mut self, a: Value, b: Value) -> Value {
        self.b.binary(BinaryOp::Or, a, b)
    }

    pub(super) fn not(&mut self, a: Value) -> Value {
        self.b.unary(UnaryOp::Not, a)
    }

    pub(super) fn sel(&mut self, c: Value, a: Value, b: Value) -> Value {
        self.b.select(c, a, b)
    }

    pub(super) fn selc(&mut self, c: Value, a: C, b: C) -> C {
        (self.sel(c, a.0, b.0), self.sel(c, a.1, b.1))
    }

    pub(super) fn copysign(&mut self, mag: Value, sign: Value) -> Value {
        self.bin(BinaryOp::CopySign, mag, sign)
    }

    pub(super) fn is_nan(&mut self, a: Value) -> Value {
        self.cmp(CmpOp::Ne, a, a)
    }

    pub(super) fn is_inf(&mut self, a: Value) -> Value {
        let m = self.abs(a);
        let inf = self.k(f64::INFINITY);
        self.cmp(CmpOp::Eq, m, inf)
    }

    pub(super) fn is_finite(&mut self, a: Value) -> Value {
        let m = self.abs(a);
        let inf = self.k(f64::INFINITY);
        self.cmp(CmpOp::Lt, m, inf)
    }

    pub(super) fn is_zero(&mut self, a: Value) -> Value {
        let z = self.k(0.0);
        self.cmp(CmpOp::Eq, a, z)
    }

    pub(super) fn eq_k(&mut self, a: Value, v: f64) -> Value {
        let c = self.k(v);
        self.cmp(CmpOp::Eq, a, c)
    }

    pub(super) fn mul_c(&mut self, (a, b): C, (c, d): C) -> C {
        let (ac, bd, ad, bc) = (self.mul(a, c), self.mul(b, d), self.mul(a, d), self.mul(b, c));
        (self.sub(ac, bd), self.add(ad, bc))
    }

    /// NumPy's complex division: Smith's algorithm, dividing by the larger
    /// part of the divisor; a zero divisor gives infinities or NaNs.
    pub(super) fn div_c(&mut self, (ar, ai): C, (br, bi): C) -> C {
        let (abr, abi) = (self.abs(br), self.abs(bi));
        let real_major = self.cmp(CmpOp::Ge, abr, abi);
        // |br| >= |bi|
        let rat = self.div(bi, br);
        let t = self.mul(bi, rat);
        let den = self.add(br, t);
        let one = self.k(1.0);
        let scl = self.div(one, den);
        let t = self.mul(ai, rat);
        let t = self.add(ar, t);
        let r1 = self.mul(t, scl);
        let t = self.mul(ar, rat);
        let t = self.sub(ai, t);
        let i1 = self.mul(t, scl);
        // Both zero: the dividend over |br|.
        let zero = self.is_zero(abr);
        let zero_i = self.is_zero(abi);
        let both_zero = self.and(zero, zero_i);
        let rz = self.div(ar, abr);
        let iz = self.div(ai, abr);
        let first = self.selc(both_zero, (rz, iz), (r1, i1));
        // |br| < |bi| (or NaNs)
        let rat = self.div(br, bi);
        let t = self.mul(br, rat);
        let den = self.add(bi, t);
        let scl = self.div(one, den);
        let t = self.mul(ar, rat);
        let t = self.add(t, ai);
        let r2 = self.mul(t, scl);
        let t = self.mul(ai, rat);
        let t = self.sub(t, ar);
        let i2 = self.mul(t, scl);
        self.selc(real_major, first, (r2, i2))
    }
}
