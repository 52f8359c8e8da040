//! Float remainder (`rem` on floats: C's `fmod`, Rust's `%`) as exact
//! integer arithmetic on the bits.
//!
//! LLVM's NVPTX backend lowers `frem` to `x - y * trunc(x / y)`, which
//! rounds, and PTX has no remainder instruction; but `fmod` is exact (its
//! result is representable), so it can be computed without rounding the
//! way musl's `fmod` does: line both significands up, then subtract `|y|`'s
//! significand once per bit of exponent difference (long division that
//! keeps only the remainder), and encode what is left with `x`'s sign.
//! The loop runs `exponent(x) - exponent(y)` times: at most ~280 for f32
//! and ~2100 for f64, and only where `|x|` is that much larger than `|y|`.

use super::lower_inst::{mlir_ty, Body};
use lazyxp_runtime::DType;

impl Body<'_> {
    /// `a % b` for float type `ty`, bit for bit the interpreter's: NaN for
    /// `b == 0`, infinite `a` or a NaN operand; `a` when `|a| < |b|`
    /// (infinite `b` included); otherwise the exact remainder, signed like
    /// `a` (a zero remainder is a zero of `a`'s sign).
    pub(super) fn fmod(&mut self, ty: DType, a: &str, b: &str) -> String {
        let (t, f64_) = (mlir_ty(ty), ty == DType::Float64);
        let (w, m) = if f64_ { (64u32, 52u32) } else { (32, 23) };
        let it = if f64_ { "i64" } else { "i32" };
        let ity = if f64_ { DType::Int64 } else { DType::Int32 };
        let c = |b: &mut Self, v: u128| b.konst(ity, v);
        let sign_bit = 1u128 << (w - 1);
        let (sign, magnitude, mantissa, implicit) = (c(self, sign_bit), c(self, sign_bit - 1), c(self, (1u128 << m) - 1), c(self, 1u128 << m));
        let (zero, one, mbits, inf) = (c(self, 0), c(self, 1), c(self, m as u128), c(self, ((1u128 << (w - m - 1)) - 1) << m));
        let (emax, top) = (c(self, (1u128 << (w - m - 1)) - 1), c(self, (w - 1 - m) as u128));

        let ux = self.emit(format!("arith.bitcast {a} : {t} to {it}"));
        let uy = self.emit(format!("arith.bitcast {b} : {t} to {it}"));
        let sx = self.emit(format!("arith.andi {ux}, {sign} : {it}"));
        let ax = self.emit(format!("arith.andi {ux}, {magnitude} : {it}"));
        let ay = self.emit(format!("arith.andi {uy}, {magnitude} : {it}"));
        let ex_field = self.emit(format!("arith.shrui {ax}, {mbits} : {it}"));
        let ey_field = self.emit(format!("arith.shrui {ay}, {mbits} : {it}"));

        // Significands with the leading one at bit `m`, and exponents to
        // match (a subnormal's below 1).
        // How far `v` shifts left to put its leading one at bit `m`
        // (`m + 1` for 0; negative, wrapped, for a one above bit `m`).
        let to_bit_m = |b: &mut Self, v: &str| -> String {
            let false_ = b.emit("arith.constant false".to_string());
            let lz = b.emit(format!("llvm.call_intrinsic \"llvm.ctlz.{it}\"({v}, {false_}) : ({it}, i1) -> {it}"));
            b.emit(format!("arith.subi {lz}, {top} : {it}"))
        };
        let normalized = |b: &mut Self, mag: &str, e: &str| -> (String, String) {
            let frac = b.emit(format!("arith.andi {mag}, {mantissa} : {it}"));
            let with_one = b.emit(format!("arith.ori {frac}, {implicit} : {it}"));
            let shift = to_bit_m(b, &frac);
            let shifted = b.emit(format!("arith.shli {frac}, {shift} : {it}"));
            let e_sub = b.emit(format!("arith.subi {one}, {shift} : {it}"));
            let subnormal = b.emit(format!("arith.cmpi eq, {e}, {zero} : {it}"));
            let sig = b.emit(format!("arith.select {subnormal}, {shifted}, {with_one} : {it}"));
            let exp = b.emit(format!("arith.select {subnormal}, {e_sub}, {e} : {it}"));
            (sig, exp)
        };
        let (mx, ex) = normalized(self, &ax, &ex_field);
        let (my, ey) = normalized(self, &ay, &ey_field);

        // NaN for y = 0, infinite or NaN x, NaN y: no loop trips then
        // (x = inf over a tiny y would make ~2100 of them for nothing).
        let y_zero = self.emit(format!("arith.cmpi eq, {ay}, {zero} : {it}"));
        let y_nan = self.emit(format!("arith.cmpi ugt, {ay}, {inf} : {it}"));
        let x_inf_nan = self.emit(format!("arith.cmpi eq, {ex_field}, {emax} : {it}"));
        let bad = self.emit(format!("arith.ori {y_zero}, {y_nan} : i1"));
        let bad = self.emit(format!("arith.ori {bad}, {x_inf_nan} : i1"));
        let ex = self.emit(format!("arith.select {bad}, {ey}, {ex} : {it}"));

        // One bit of the quotient a trip, from the top: subtract where it
        // fits, then bring down the next (zero) bit.
        let (run, m0, e0) = (self.fresh(), self.fresh(), self.fresh());
        let (m1, e1) = (self.fresh(), self.fresh());
        self.line(&format!("{run}:2 = scf.while ({m0} = {mx}, {e0} = {ex}) : ({it}, {it}) -> ({it}, {it}) {{"));
        self.indent += 1;
        let more = self.emit(format!("arith.cmpi sgt, {e0}, {ey} : {it}"));
        self.line(&format!("scf.condition({more}) {m0}, {e0} : {it}, {it}"));
        self.indent -= 1;
        self.line("} do {");
        self.line(&format!("^bb0({m1}: {it}, {e1}: {it}):"));
        self.indent += 1;
        let d = self.emit(format!("arith.subi {m1}, {my} : {it}"));
        let fits = self.emit(format!("arith.cmpi sge, {d}, {zero} : {it}"));
        let kept = self.emit(format!("arith.select {fits}, {d}, {m1} : {it}"));
        let next_m = self.emit(format!("arith.shli {kept}, {one} : {it}"));
        let next_e = self.emit(format!("arith.subi {e1}, {one} : {it}"));
        self.line(&format!("scf.yield {next_m}, {next_e} : {it}, {it}"));
        self.indent -= 1;
        self.line("}");
        let d = self.emit(format!("arith.subi {run}#0, {my} : {it}"));
        let fits = self.emit(format!("arith.cmpi sge, {d}, {zero} : {it}"));
        let rest = self.emit(format!("arith.select {fits}, {d}, {run}#0 : {it}"));

        // The remainder's leading one back at bit `m`, then its encoding:
        // normal (exponent field, leading one dropped) or subnormal
        // (shifted right by at most `m`, as the remainder is at least the
        // smallest subnormal; the bits shifted out are zero, fmod being
        // exact).
        let shift0 = to_bit_m(self, &rest);
        let shift = self.emit(format!("arith.minui {shift0}, {mbits} : {it}"));
        let sig = self.emit(format!("arith.shli {rest}, {shift} : {it}"));
        let e = self.emit(format!("arith.subi {run}#1, {shift} : {it}"));
        let frac = self.emit(format!("arith.subi {sig}, {implicit} : {it}"));
        let field = self.emit(format!("arith.shli {e}, {mbits} : {it}"));
        let normal_bits = self.emit(format!("arith.ori {frac}, {field} : {it}"));
        let down0 = self.emit(format!("arith.subi {one}, {e} : {it}"));
        let down = self.emit(format!("arith.minui {down0}, {mbits} : {it}"));
        let sub_bits = self.emit(format!("arith.shrui {sig}, {down} : {it}"));
        let is_normal = self.emit(format!("arith.cmpi sgt, {e}, {zero} : {it}"));
        let bits = self.emit(format!("arith.select {is_normal}, {normal_bits}, {sub_bits} : {it}"));
        let is_zero = self.emit(format!("arith.cmpi eq, {rest}, {zero} : {it}"));
        let bits = self.emit(format!("arith.select {is_zero}, {zero}, {bits} : {it}"));
        let signed = self.emit(format!("arith.ori {bits}, {sx} : {it}"));
        let remainder = self.emit(format!("arith.bitcast {signed} : {it} to {t}"));

        // The cases around the loop, last to first.
        let zero_of_x = self.emit(format!("arith.bitcast {sx} : {it} to {t}"));
        let same = self.emit(format!("arith.cmpi eq, {ax}, {ay} : {it}"));
        let r = self.emit(format!("arith.select {same}, {zero_of_x}, {remainder} : {t}"));
        let smaller = self.emit(format!("arith.cmpi ult, {ax}, {ay} : {it}"));
        let r = self.emit(format!("arith.select {smaller}, {a}, {r} : {t}"));
        // The quiet NaN the hardware itself makes (`compare` in the tests
        // treats NaNs alike: x86 would pass an operand's payload on).
        let nan = self.konst(ty, if f64_ { 0x7FF8_0000_0000_0000 } else { 0x7FC0_0000 });
        format!("arith.select {bad}, {nan}, {r} : {t}")
    }
}
