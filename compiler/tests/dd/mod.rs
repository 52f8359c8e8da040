//! A double-double (~106-bit) reference for the f64 accuracy tests, so the
//! f64 errors are measured against the true value rather than against
//! glibc (which is itself up to ~0.5-2 ulp off). Plain, slow, obviously
//! right: Taylor series after an exact reduction.

#[derive(Clone, Copy, Debug)]
pub struct DD(pub f64, pub f64);

fn two_sum(a: f64, b: f64) -> DD {
    let s = a + b;
    let bb = s - a;
    DD(s, (a - (s - bb)) + (b - bb))
}
fn quick(a: f64, b: f64) -> DD {
    let s = a + b;
    DD(s, b - (s - a))
}
pub fn add(x: DD, y: DD) -> DD {
    let s = two_sum(x.0, y.0);
    let t = two_sum(x.1, y.1);
    let s = quick(s.0, s.1 + t.0);
    quick(s.0, s.1 + t.1)
}
pub fn neg(x: DD) -> DD {
    DD(-x.0, -x.1)
}
pub fn mul(x: DD, y: DD) -> DD {
    let p = x.0 * y.0;
    let e = x.0.mul_add(y.0, -p);
    quick(p, e + (x.0 * y.1 + x.1 * y.0))
}
pub fn mul_f(x: DD, f: f64) -> DD {
    mul(x, DD(f, 0.0))
}
pub fn div(x: DD, y: DD) -> DD {
    let q1 = x.0 / y.0;
    let r = add(x, neg(mul_f(y, q1)));
    let q2 = r.0 / y.0;
    let r = add(r, neg(mul_f(y, q2)));
    let q3 = r.0 / y.0;
    add(quick(q1, q2), DD(q3, 0.0))
}
fn div_f(x: DD, d: f64) -> DD {
    div(x, DD(d, 0.0))
}
fn scale(x: DD, e: i32) -> DD {
    let s = 2f64.powi(e);
    DD(x.0 * s, x.1 * s)
}

const LN2: DD = DD(std::f64::consts::LN_2, 2.3190468138462996e-17);
const PIO2: [f64; 4] = [1.5707963267948966, 6.123233995736766e-17, -1.4973849048591698e-33, 5.562271104316826e-50];

/// Taylor series sum_{i>=start, step 2 or 1} sign * r^i / i!.
fn series(r: DD, first: u32, step: u32, alternate: bool) -> DD {
    let mut term = DD(1.0, 0.0);
    for i in 1..=first {
        term = div_f(mul(term, r), i as f64);
    }
    let mut sum = term;
    let mut i = first;
    let mut sign = 1.0;
    while term.0.abs() > 1e-40 * sum.0.abs().max(1e-300) && i < 80 {
        for _ in 0..step {
            i += 1;
            term = div_f(mul(term, r), i as f64);
        }
        if alternate {
            sign = -sign;
        }
        sum = add(sum, mul_f(term, sign));
    }
    sum
}

/// exp(x) = v * 2^k, v in [0.7, 1.5].
pub fn exp(x: f64) -> (DD, i32) {
    let k = (x / std::f64::consts::LN_2).round();
    let r = add(DD(x, 0.0), neg(mul_f(LN2, k)));
    (series(r, 0, 1, false), k as i32)
}

pub fn log(x: f64) -> DD {
    let (mut m, mut e) = (x, 0i32);
    if m < f64::MIN_POSITIVE {
        m *= 2f64.powi(64);
        e -= 64;
    }
    let bits = m.to_bits();
    e += ((bits >> 52) as i32) - 1023;
    m = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let d = m - 1.0;
    let lm = if d.abs() < 1e-6 {
        // log(1+d) = d - d^2/2 + d^3/3 - ..., d exact.
        let dd = DD(d, 0.0);
        let mut sum = DD(0.0, 0.0);
        let mut p = dd;
        for i in 1..8 {
            let t = div_f(p, i as f64);
            sum = add(sum, if i % 2 == 1 { t } else { neg(t) });
            p = mul(p, dd);
        }
        sum
    } else {
        // One Newton step on exp from glibc's log doubles the precision.
        let y0 = m.ln();
        let (v, k) = exp(-y0);
        let t = add(mul_f(scale(v, k), m), DD(-1.0, 0.0));
        add(DD(y0, 0.0), t)
    };
    add(lm, mul_f(LN2, e as f64))
}

/// sin or cos of x, with the reduction by a 212-bit pi/2.
pub fn sin_cos(x: f64, is_cos: bool) -> DD {
    let n = (x / PIO2[0]).round();
    let mut r = DD(x, 0.0);
    for p in PIO2 {
        let prod = DD(n * p, n.mul_add(p, -(n * p)));
        r = add(r, neg(prod));
    }
    let q = (n as i64 + is_cos as i64).rem_euclid(4);
    let v = if q % 2 == 0 { series(r, 1, 2, true) } else { series(r, 0, 2, true) };
    if q >= 2 {
        neg(v)
    } else {
        v
    }
}

pub fn tanh(x: f64) -> DD {
    let a = x.abs();
    let t = if a < 1e-30 {
        DD(a, 0.0)
    } else if a > 40.0 {
        DD(1.0, 0.0)
    } else {
        let (v, k) = exp(2.0 * a);
        let e = scale(v, k);
        let em1 = if a < 0.1 { series(DD(2.0 * a, 0.0), 1, 1, false) } else { add(e, DD(-1.0, 0.0)) };
        div(em1, add(em1, DD(2.0, 0.0)))
    };
    if x < 0.0 {
        neg(t)
    } else {
        t
    }
}

/// x * 2^e in two steps, so neither factor over- or underflows (exact
/// whenever the result is normal).
fn ldexp(x: f64, e: i32) -> f64 {
    let h = e / 2;
    x * 2f64.powi(h) * 2f64.powi(e - h)
}

/// Error of `got` against the true value v * 2^k in f64 ulps of the true
/// value (subnormal ulp below the normal range).
pub fn ulp_error(got: f64, v: DD, k: i32) -> f64 {
    if v.0.is_nan() || got.is_nan() {
        return if v.0.is_nan() && got.is_nan() { 0.0 } else { f64::INFINITY };
    }
    if v.0 == 0.0 {
        return if got == 0.0 { 0.0 } else { f64::INFINITY };
    }
    let ev = v.0.abs().log2().floor() as i32;
    let e_true = ev + k;
    if got.is_infinite() {
        let max_in_scale = ldexp(f64::MAX, -k);
        return if v.0.abs() >= max_in_scale { 0.0 } else { f64::INFINITY };
    }
    // got * 2^-k is exact (a power-of-two scaling that stays normal).
    let g = ldexp(got, -k);
    let ulp = ldexp(1.0, e_true.max(-1022) - 52 - k);
    let diff = (g - v.0) - v.1;
    diff.abs() / ulp
}
