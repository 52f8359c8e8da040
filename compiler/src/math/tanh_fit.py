"""The T64/T32 coefficients of tanh.rs: T(z) with tanh(a) = a + a^3 T(a^2),
interpolated at the Chebyshev nodes of [0, A^2] (A the dtype's switch:
0.3 for f64, 1.0 for f32) in exact rational
arithmetic from 80-digit Decimal values of tanh (no mpmath needed), rounded
to the format, then checked on a dense grid: the printed error is
max z |T - P| (the error relative to tanh(a) ~ a) in units of 2^-53 / 2^-24,
coefficient rounding included. Run with `python3 compiler/src/math/tanh_fit.py`."""
import math
import struct
from decimal import Decimal as D, getcontext
from fractions import Fraction as F

getcontext().prec = 80


def tanh_d(a):
    e = (2 * a).exp()
    return (e - 1) / (e + 1)


def T(z):
    z = D(z.numerator) / D(z.denominator)
    if z == 0:
        return F(-1, 3)
    a = z.sqrt()
    if z < D("1e-8"):  # Taylor series: the quotient below cancels
        c = [D(-1) / 3, D(2) / 15, D(-17) / 315, D(62) / 2835, D(-1382) / 155925]
        return F(sum(ci * z**i for i, ci in enumerate(c)))
    return F((tanh_d(a) - a) / (z * a))


def solve(A, b):
    n = len(A)
    M = [row[:] + [bb] for row, bb in zip(A, b)]
    for i in range(n):
        p = max(range(i, n), key=lambda r: abs(M[r][i]))
        M[i], M[p] = M[p], M[i]
        for r in range(n):
            if r != i and M[r][i] != 0:
                f = M[r][i] / M[i][i]
                M[r] = [x - f * y for x, y in zip(M[r], M[i])]
    return [M[i][n] / M[i][i] for i in range(n)]


def fit(deg, is32, a_max):
    zm = F(a_max) ** 2
    n = deg + 1
    nodes = [zm * F((1 - math.cos(math.pi * (2 * k + 1) / (2 * n))) / 2) for k in range(n)]
    c = solve([[z**j for j in range(n)] for z in nodes], [T(z) for z in nodes])
    c = [float(x) for x in c]
    if is32:
        c = [struct.unpack("f", struct.pack("f", x))[0] for x in c]
    worst = 0.0
    for k in range(2001):
        z = zm * k / 2000
        p = sum(F(ci) * z**j for j, ci in enumerate(c))
        worst = max(worst, abs(float((p - T(z)) * z)))
    return c, worst / (2.0**-24 if is32 else 2.0**-53)


for name, deg, is32, a_max in [("T64", 7, False, 0.3), ("T32", 8, True, 1.0)]:
    c, err = fit(deg, is32, a_max)
    print(f"// {name}: degree {deg} on [0, {a_max}^2], weighted error {err:.3f} ulp")
    print(f"const {name}: &[f64] = &[" + ", ".join(repr(x) for x in c) + "];")
