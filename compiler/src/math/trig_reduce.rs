//! Reduction by pi/2 for huge arguments (Payne-Hanek in exact float
//! arithmetic), the cold path of sin, cos and tan.
//!
//! With x = M * 2^(B-p+1) for an integer M (p = 53 or 24 bits of
//! precision), x*2/pi = M * F_B (mod 4) where F_B = 2^(B-p+1) * 2/pi mod 4:
//! the bits of 2/pi that would only add multiples of 4 are dropped before
//! the multiply, so nothing is huge. The IR has no table lookup, so the
//! exponents are cut into bands of width p; every band has its own F_B
//! (five words of p bits, taken from the 1536 bits of 2/pi below) and its
//! own scale 2^(p-1-B), picked by a chain of compares and selects on |x|.
//! In a band, M < 2^(2p), and five words reach far enough that the
//! truncation error of M * F_B is ~2^-120 (f64) / 2^-62 (f32), below what
//! the closest multiples of pi/2 need (x mod pi/2 is never below ~2^-61
//! for f64, ~2^-30 for f32).
//!
//! Each product M * f_j is split exactly into p_j + e_j (fma), the large
//! ones reduced mod 4 exactly (t - 4 round(t/4)), and every term is cut
//! exactly at two fixed grids, G1 = 2^(6-p) and G2 = 2^(10-2p), by magic
//! adds. The pieces at or above G1 and those between the grids then add
//! without rounding (the sums stay under 2^(p-1) grid steps), so the
//! integer part n and the fraction f = x*2/pi - n come out exact to G2,
//! whatever cancellation there is; only the pieces below G2 add with
//! rounding. r = f * pi/2 as a double-word.

use super::bits::Format;
use super::dw::{fast_two_sum, two_prod, two_sum};
use crate::kernel_ir::{CmpOp, KernelBuilder, UnaryOp, Value};

/// 2/pi = 0.a2f9836e... in hex: its first 1536 bits after the point.
const TWO_OVER_PI: &str = concat!(
    "a2f9836e4e441529fc2757d1f534ddc0db6295993c439041fe5163abdebbc561",
    "b7246e3a424dd2e006492eea09d1921cfe1deb1cb129a73ee88235f52ebb4484",
    "e99c7026b45f7e413991d639835339f49c845f8bbdf9283b1ff897ffde05980f",
    "ef2f118b5a0a6d1f6d367ecf27cb09b74f463f669e5fea2d7527bac7ebe5f17b",
    "3d0739f78a5292ea6bfb5fb11f8d5d0856033046fc7b6babf0cfbc209af4361d",
    "a9e391615ee61b086599855f14a068408dffd8804d73273106061556ca73a8c9",
);

const WORDS: usize = 5;

/// Bit `k` of 2/pi after the point (weight 2^-k, k >= 1).
fn bit(k: i64) -> u64 {
    if k < 1 {
        return 0;
    }
    let k = (k - 1) as usize;
    let digit = TWO_OVER_PI.as_bytes()[k / 4];
    let d = (digit as char).to_digit(16).expect("hex digit") as u64;
    (d >> (3 - k % 4)) & 1
}

/// The bits of 2^shift * 2/pi of weights 2^hi down to 2^lo (at most 53),
/// as an exact f64.
fn bits_scaled(shift: i64, hi: i64, lo: i64) -> f64 {
    let mut m: u64 = 0;
    for j in (lo..=hi).rev() {
        m = (m << 1) | bit(shift - j);
    }
    m as f64 * (lo as f64).exp2()
}

/// First exponent of the bands: below 2^B0 the fast reduction is accurate.
pub fn threshold_exp(f: Format) -> i64 {
    if f.mant == 52 {
        30
    } else {
        16
    }
}

/// Quadrant and reduced argument of a huge x, as the fast path gives them:
/// `t` = magic + n (n in [0, 20] here, so it only matters mod 4), and
/// x*2/pi - n = (rh + rl) * 2/pi with |rh| <= ~pi/4.
pub struct Reduced {
    pub t: Value,
    pub n: Value,
    pub rh: Value,
    pub rl: Value,
}

pub fn reduce_huge(b: &mut KernelBuilder, x: Value, f: Format) -> Reduced {
    let ty = f.ty;
    let p = f.mant as i64 + 1;
    let max_exp = f.bias;
    let c = |b: &mut KernelBuilder, v: f64| b.fconst(ty, v);

    // The band's scale and words of F_B, chosen by |x|.
    let ax = b.unary(UnaryOp::Abs, x);
    let band = |bs: i64| -> (f64, Vec<f64>) {
        // F_B = 2^(B-p+1) * 2/pi mod 4: word j holds weights 2^(1-j*p)
        // down to 2^(2-(j+1)*p).
        let shift = bs - p + 1;
        let words = (0..WORDS as i64).map(|j| bits_scaled(shift, 1 - j * p, 2 - (j + 1) * p)).collect();
        (((p - 1 - bs) as f64).exp2(), words)
    };
    let b0 = threshold_exp(f);
    let (s0, w0) = band(b0);
    let mut scale = c(b, s0);
    let mut words: Vec<Value> = w0.iter().map(|&w| c(b, w)).collect();
    let mut bs = b0 + p;
    while bs <= max_exp {
        let (s, w) = band(bs);
        let lim = c(b, (bs as f64).exp2());
        let here = b.cmp(CmpOp::Le, lim, ax);
        let sv = c(b, s);
        scale = b.select(here, sv, scale);
        for (word, &wv) in words.iter_mut().zip(&w) {
            let wc = c(b, wv);
            *word = b.select(here, wc, *word);
        }
        bs += p;
    }
    let m = b.mul(x, scale);

    let g1 = ((6 - p) as f64).exp2();
    let g2 = ((10 - 2 * p) as f64).exp2();
    let magic1 = c(b, 1.5 * (p as f64 - 1.0).exp2() * g1);
    let magic2 = c(b, 1.5 * (p as f64 - 1.0).exp2() * g2);
    let quarter = c(b, 0.25);
    let minus4 = c(b, -4.0);
    // t - 4 round(t/4), in [-2, 2]: exact, where a floor could move a
    // small negative t up to a binade whose grid is coarser than t's.
    let mod4 = |b: &mut KernelBuilder, t: Value| {
        let q = b.mul(t, quarter);
        let q = b.unary(UnaryOp::RoundEven, q);
        b.fma(q, minus4, t)
    };
    let cut = |b: &mut KernelBuilder, t: Value, magic: Value| {
        let s = b.add(t, magic);
        let h = b.sub(s, magic);
        let l = b.sub(t, h);
        (h, l)
    };
    let mut hi: Vec<Value> = Vec::new();
    let mut mid: Vec<Value> = Vec::new();
    let mut lo: Vec<Value> = Vec::new();
    let mut three = |b: &mut KernelBuilder, t: Value| {
        let (h, r) = cut(b, t, magic1);
        let (md, l) = cut(b, r, magic2);
        hi.push(h);
        mid.push(md);
        lo.push(l);
    };
    // Sizes for M < 2^(2p): M*f0 < 2^(2p+2), M*f1 < 2^(p+2) (both reduced
    // mod 4), M*f2 < 4, M*f3 < G1/16, M*f4 < G2/256.
    let (p0, e0) = two_prod(b, m, words[0]);
    let (p1, e1) = two_prod(b, m, words[1]);
    let (p2, e2) = two_prod(b, m, words[2]);
    let (p3, e3) = two_prod(b, m, words[3]);
    let p4 = b.mul(m, words[4]);
    for t in [p0, e0, p1] {
        let t = mod4(b, t);
        three(b, t);
    }
    three(b, e1);
    three(b, p2);
    let mut two = |b: &mut KernelBuilder, t: Value| {
        let (md, l) = cut(b, t, magic2);
        mid.push(md);
        lo.push(l);
    };
    two(b, e2);
    two(b, p3);
    lo.push(e3);
    lo.push(p4);
    let sum = |b: &mut KernelBuilder, v: &[Value]| v[1..].iter().fold(v[0], |acc, &t| b.add(acc, t));
    let hi = sum(b, &hi);
    let mid = sum(b, &mid);
    let lo = sum(b, &lo);

    // n = round(hi), f = (hi - n) + mid + lo, r = f * pi/2.
    let magic = c(b, f.magic());
    let t = b.add(hi, magic);
    let n = b.sub(t, magic);
    let hf = b.sub(hi, n);
    let (s, se) = two_sum(b, hf, mid);
    let l = b.add(se, lo);
    let (fh, fl) = two_sum(b, s, l);
    let (pio2_hi, pio2_lo) = if f.mant == 52 {
        (std::f64::consts::FRAC_PI_2, 6.123233995736766e-17)
    } else {
        (1.5707963705062866, -4.371139000186243e-08)
    };
    let ph = c(b, pio2_hi);
    let pl = c(b, pio2_lo);
    let (rh, re) = two_prod(b, fh, ph);
    let re = b.fma(fl, ph, re);
    let re = b.fma(fh, pl, re);
    let (rh, rl) = fast_two_sum(b, rh, re);
    Reduced { t, n, rh, rl }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_starts_like_fdlibm() {
        // fdlibm's ipio2 begins 0xA2F983, 0x6E4E44, 0x1529FC.
        assert_eq!(bits_scaled(24, 23, 0), 0xA2F983 as f64);
        assert_eq!(bits_scaled(48, 23, 0), 0x6E4E44 as f64);
        assert_eq!(bits_scaled(72, 23, 0), 0x1529FC as f64);
    }
}
