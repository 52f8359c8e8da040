//! Exact reduction by pi/2 for any finite f64, the reference for huge
//! arguments: the mantissa times a 192-bit window of 2/pi in integer
//! arithmetic, so the quadrant and the fraction are exact to ~2^-137.

use super::{add, mul, DD, PIO2_DD};

/// 2/pi after the point, 1536 bits (fdlibm's `ipio2` table begins
/// A2F983 6E4E44 1529FC, as here).
const TWO_OVER_PI: &str = concat!(
    "a2f9836e4e441529fc2757d1f534ddc0db6295993c439041fe5163abdebbc561",
    "b7246e3a424dd2e006492eea09d1921cfe1deb1cb129a73ee88235f52ebb4484",
    "e99c7026b45f7e413991d639835339f49c845f8bbdf9283b1ff897ffde05980f",
    "ef2f118b5a0a6d1f6d367ecf27cb09b74f463f669e5fea2d7527bac7ebe5f17b",
    "3d0739f78a5292ea6bfb5fb11f8d5d0856033046fc7b6babf0cfbc209af4361d",
    "a9e391615ee61b086599855f14a068408dffd8804d73273106061556ca73a8c9",
);

/// Bit `k` after the point of 2/pi (weight 2^-k); 0 for k < 1.
fn bit(k: i64) -> u64 {
    if k < 1 {
        return 0;
    }
    let k = (k - 1) as usize;
    let d = (TWO_OVER_PI.as_bytes()[k / 4] as char).to_digit(16).unwrap() as u64;
    (d >> (3 - k % 4)) & 1
}

/// A 192-bit unsigned integer as little-endian 64-bit limbs to a DD.
fn limbs_to_dd(l: [u64; 3]) -> DD {
    let mut acc = DD(0.0, 0.0);
    for (i, &w) in l.iter().enumerate() {
        let hi = (w >> 32) as f64 * 2f64.powi(32 + 64 * i as i32);
        let lo = (w & 0xffff_ffff) as f64 * 2f64.powi(64 * i as i32);
        acc = add(acc, DD(hi, 0.0));
        acc = add(acc, DD(lo, 0.0));
    }
    acc
}

/// (n mod 4, r) with |x| = n*pi/2 + r, |r| <= pi/4, for finite x != 0.
fn reduce_abs(x: f64) -> (i64, DD) {
    let bits = x.abs().to_bits();
    let e = ((bits >> 52) & 0x7ff) as i64;
    let (m, e) = if e == 0 { (bits & ((1 << 52) - 1), -1074) } else { ((bits & ((1 << 52) - 1)) | (1 << 52), e - 1075) };
    // |x| = m * 2^e; y = |x| * 2/pi; y * 2^190 = m * floor(2/pi * 2^k) + tiny
    // with k = 190 + e, and only that product mod 2^192 matters (mod 4).
    let k = 190 + e;
    let mut a = [0u64; 3];
    for i in 0..192 {
        a[i / 64] |= bit(k - i as i64) << (i % 64);
    }
    let mut p = [0u64; 3];
    let mut carry: u128 = 0;
    for i in 0..3 {
        let t = a[i] as u128 * m as u128 + carry;
        p[i] = t as u64;
        carry = t >> 64;
    }
    // v = p / 2^190 in [0, 4): n = round(v), f = v - n.
    let int = p[2] >> 62;
    let half = (p[2] >> 61) & 1;
    let n = (int + half) as i64;
    let mut frac = [p[0], p[1], p[2] & ((1 << 62) - 1)];
    let negative = half == 1;
    if negative {
        // f = frac - 2^190 < 0: take its magnitude 2^190 - frac.
        let mut borrow = 0u128;
        let full = [0u64, 0, 1 << 62];
        for i in 0..3 {
            let t = (full[i] as u128).wrapping_sub(frac[i] as u128).wrapping_sub(borrow);
            frac[i] = t as u64;
            borrow = (t >> 127) & 1;
        }
    }
    let f = limbs_to_dd(frac);
    let f = DD(f.0 * 2f64.powi(-190), f.1 * 2f64.powi(-190));
    let f = if negative { DD(-f.0, -f.1) } else { f };
    (n & 3, mul(f, PIO2_DD))
}

/// (n mod 4, r) with x = n*pi/2 + r exactly to ~2^-137 absolute.
pub fn reduce(x: f64) -> (i64, DD) {
    let (n, r) = reduce_abs(x);
    if x < 0.0 {
        ((4 - n) & 3, DD(-r.0, -r.1))
    } else {
        (n, r)
    }
}
