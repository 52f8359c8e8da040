//! A double-double (~106-bit) reference for the f64 accuracy tests, so the
//! f64 errors are measured against the true value rather than against
//! glibc (which is itself up to ~0.5-2 ulp off). Plain, slow, obviously
//! right: Taylor series after an exact reduction.

mod reduce;

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
/// x = n*pi/2 + r: by the 212-bit pi/2 below 2^20, where that is exact
/// enough, and by the exact integer reduction (`reduce.rs`) above.
fn reduce_pio2(x: f64) -> (i64, DD) {
    if x.abs() >= 1048576.0 {
        return reduce::reduce(x);
    }
    let n = (x / PIO2[0]).round();
    let mut r = DD(x, 0.0);
    for p in PIO2 {
        let prod = DD(n * p, n.mul_add(p, -(n * p)));
        r = add(r, neg(prod));
    }
    (n as i64, r)
}

pub fn sin_cos(x: f64, is_cos: bool) -> DD {
    let (n, r) = reduce_pio2(x);
    let q = (n + is_cos as i64).rem_euclid(4);
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

// ---- References for the functions added with issue 3. Inverses are one
// Newton step from the f64 libm value on the double-double forward
// function, which squares the seed's ~2^-52 error.

pub const PIO2_DD: DD = DD(PIO2[0], PIO2[1]);
const INV_LN2: DD = DD(1.4426950408889634, 2.0355273740931033e-17);
const INV_LN10: DD = DD(0.4342944819032518, 1.098319650216765e-17);

pub fn to_f64(x: DD) -> f64 {
    x.0 + x.1
}

/// exp of a double-double argument (its low part to first order).
pub fn exp_dd(x: DD) -> (DD, i32) {
    let (v, k) = exp(x.0);
    (mul(v, DD(1.0, x.1)), k)
}

pub fn expm1(x: f64) -> DD {
    if x.abs() < 0.5 {
        return series(DD(x, 0.0), 1, 1, false);
    }
    let (v, k) = exp(x);
    add(scale(v, k), DD(-1.0, 0.0))
}

/// log of a double-double argument.
pub fn log_dd(x: DD) -> DD {
    add(log(x.0), DD(x.1 / x.0, 0.0))
}

pub fn log1p(x: f64) -> DD {
    let u = two_sum(1.0, x);
    log_dd(u)
}

pub fn log2(x: f64) -> DD {
    mul(log(x), INV_LN2)
}

pub fn log10(x: f64) -> DD {
    mul(log(x), INV_LN10)
}

/// sinh (odd) or cosh, as v * 2^k.
pub fn sinh_cosh(x: f64, is_cosh: bool) -> (DD, i32) {
    let a = x.abs();
    let sign = if is_cosh || x >= 0.0 { 1.0 } else { -1.0 };
    if a < 0.5 {
        let v = if is_cosh { series(DD(a, 0.0), 0, 2, false) } else { series(DD(a, 0.0), 1, 2, false) };
        return (mul_f(v, sign), 0);
    }
    let (v, k) = exp(a);
    if a > 40.0 {
        return (mul_f(v, sign), k - 1);
    }
    let e = scale(v, k);
    let inv = div(DD(1.0, 0.0), e);
    let s = if is_cosh { add(e, inv) } else { add(e, neg(inv)) };
    (mul_f(s, 0.5 * sign), 0)
}

pub fn tan(x: f64) -> DD {
    div(sin_cos(x, false), sin_cos(x, true))
}

/// atan of a double-double t: y1 = y0 - (sin y0 - t cos y0) cos y0.
pub fn atan_dd(t: DD) -> DD {
    let y0 = t.0.atan();
    let s = sin_cos(y0, false);
    let c = sin_cos(y0, true);
    let f = add(s, neg(mul(t, c)));
    add(DD(y0, 0.0), neg(mul(f, c)))
}

pub fn atan(x: f64) -> DD {
    if x.abs() > 1.0 {
        // The Newton step above loses everything for huge t.
        let s = x.signum();
        return add(mul_f(PIO2_DD, s), neg(atan_dd(div(DD(1.0, 0.0), DD(x, 0.0)))));
    }
    atan_dd(DD(x, 0.0))
}

pub fn asin(x: f64) -> DD {
    if x.abs() == 1.0 {
        return mul_f(PIO2_DD, x);
    }
    let y0 = x.asin();
    let f = add(sin_cos(y0, false), DD(-x, 0.0));
    add(DD(y0, 0.0), neg(div(f, sin_cos(y0, true))))
}

pub fn acos(x: f64) -> DD {
    add(PIO2_DD, neg(asin(x)))
}

fn sinh_cosh_dd(y: f64, is_cosh: bool) -> DD {
    let (v, k) = sinh_cosh(y, is_cosh);
    scale(v, k)
}

pub fn asinh(x: f64) -> DD {
    let a = x.abs();
    let r = if a > 1e10 {
        add(add(log(a), LN2), DD(0.25 / (a * a), 0.0))
    } else if a == 0.0 {
        DD(0.0, 0.0)
    } else {
        let y0 = a.asinh();
        let f = add(sinh_cosh_dd(y0, false), DD(-a, 0.0));
        add(DD(y0, 0.0), neg(div(f, sinh_cosh_dd(y0, true))))
    };
    mul_f(r, x.signum())
}

pub fn acosh(x: f64) -> DD {
    if x > 1e10 {
        return add(add(log(x), LN2), DD(-0.25 / (x * x), 0.0));
    }
    if x == 1.0 {
        return DD(0.0, 0.0);
    }
    let y0 = x.acosh();
    let f = add(sinh_cosh_dd(y0, true), DD(-x, 0.0));
    add(DD(y0, 0.0), neg(div(f, sinh_cosh_dd(y0, false))))
}

pub fn atanh(x: f64) -> DD {
    let y0 = x.atanh();
    let one_m_x2 = add(DD(1.0, 0.0), neg(mul(DD(x, 0.0), DD(x, 0.0))));
    let f = add(tanh(y0), DD(-x, 0.0));
    add(DD(y0, 0.0), neg(div(f, one_m_x2)))
}

/// x^y for x > 0 as v * 2^k.
pub fn pow(x: f64, y: f64) -> (DD, i32) {
    exp_dd(mul_f(log(x), y))
}

pub fn atan2(y: f64, x: f64) -> DD {
    let r = if y.abs() > x.abs() {
        add(PIO2_DD, neg(atan_dd(div(DD(x.abs(), 0.0), DD(y.abs(), 0.0)))))
    } else {
        atan_dd(div(DD(y.abs(), 0.0), DD(x.abs(), 0.0)))
    };
    let r = if x < 0.0 { add(mul_f(PIO2_DD, 2.0), neg(r)) } else { r };
    mul_f(r, if y < 0.0 { -1.0 } else { 1.0 })
}

pub fn sqrt_dd(s: DD) -> DD {
    let q = s.0.sqrt();
    let r = add(s, neg(mul(DD(q, 0.0), DD(q, 0.0))));
    add(DD(q, 0.0), DD(r.0 / (2.0 * q), 0.0))
}

pub fn hypot(x: f64, y: f64) -> DD {
    let s = add(mul(DD(x, 0.0), DD(x, 0.0)), mul(DD(y, 0.0), DD(y, 0.0)));
    if s.0 == 0.0 {
        return DD(0.0, 0.0);
    }
    sqrt_dd(s)
}

pub fn logaddexp(x: f64, y: f64) -> DD {
    let m = x.max(y);
    // |x - y| = |h| + sign(h) l exactly; exp of it to first order in l.
    let d = add(DD(x, 0.0), DD(-y, 0.0));
    let (v, k) = exp(-(d.0.abs()));
    let e = mul(scale(v, k), DD(1.0, -d.1 * d.0.signum()));
    add(DD(m, 0.0), log_dd(add(DD(1.0, 0.0), e)))
}
