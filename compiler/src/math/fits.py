"""Chebyshev fits (near-minimax) for the polynomial kernels added with
issue 3, printed as Rust constants (lowest degree first). Rerun with
`python3.11 compiler/src/math/fits.py`; needs mpmath. Each fit is for the
correction polynomial P in  f(t) = t + t^3 P(t^2)  (or the stated form), so
its absolute error is scaled down by t^3 in the result."""
import mpmath as mp

mp.mp.dps = 60


def fit(name, f, lo, hi, deg, digits):
    coefs, err = mp.chebyfit(f, [lo, hi], deg + 1, error=True)
    coefs = coefs[::-1]
    fmt = (lambda c: repr(float(mp.mpf(c)))) if digits == 64 else (lambda c: repr(float(mp.mpf(float(c)).__float__())) )
    if digits == 32:
        import struct
        fmt = lambda c: repr(struct.unpack('f', struct.pack('f', float(c)))[0])
    print(f"// {name}: degree {deg} on [{float(lo):.4g}, {float(hi):.4g}], fit error {mp.nstr(err, 3)}")
    print(f"const {name}: &[f64] = &[" + ", ".join(fmt(c) for c in coefs) + "];")


def odd_tail(g):
    """P(z) with g(t) = t + t^3 P(t^2), t = sqrt(z)."""
    return lambda z: (g(mp.sqrt(z)) - mp.sqrt(z)) / mp.sqrt(z) ** 3


sinh_p = odd_tail(mp.sinh)
asin_p = odd_tail(mp.asin)
atan_p = odd_tail(mp.atan)
# log(m) = 2 atanh(s) = 2s + (2/3) s^3 + s^5 T(s^2)
log_t = lambda z: (2 * mp.atanh(mp.sqrt(z)) - 2 * mp.sqrt(z) - mp.mpf(2) / 3 * mp.sqrt(z) ** 3) / mp.sqrt(z) ** 5
tan_pi8 = mp.tan(mp.pi / 8)
s_max = (mp.sqrt(2) - 1) / (mp.sqrt(2) + 1)

for bits, degs in ((64, dict(sinh=7, asin=13, atan=10, log=7)), (32, dict(sinh=3, asin=5, atan=4, log=3))):
    sfx = str(bits)
    fit("SINH" + sfx, sinh_p, 0, 1, degs["sinh"], bits)
    fit("ASIN" + sfx, asin_p, 0, mp.mpf(1) / 4, degs["asin"], bits)
    fit("ATAN" + sfx, atan_p, 0, tan_pi8**2, degs["atan"], bits)
    fit("LOGT" + sfx, log_t, 0, s_max**2 * mp.mpf(1.01), degs["log"], bits)
