/* The ceiling lazyxp is measured against (issue 3): log(sin(x) + 5) on
 * float32 with 128-bit GCC vector extensions, FMA, and the same
 * polynomial sin/log of about 1 ULP as lazyxp's math library (Cody-Waite
 * reduction by pi/2 in three parts, fdlibm-style log), on 2 OpenMP
 * threads. Prints JSON rows like ours.rs. Build (compare.py does it):
 *   gcc -O3 -mavx2 -mfma -fopenmp -ffp-contract=off c_ref.c -o c_ref -lm */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));
#include <immintrin.h>

static inline v4f fma4(v4f a, v4f b, v4f c) { return (v4f)_mm_fmadd_ps((__m128)a, (__m128)b, (__m128)c); }
static inline v4f splat(float v) { return (v4f){v, v, v, v}; }
static inline v4f floor4(v4f x) { return (v4f)_mm_floor_ps((__m128)x); }
static inline v4f sel(v4i m, v4f a, v4f b) { return (v4f)(((v4i)a & m) | ((v4i)b & ~m)); }

static inline v4f sin4(v4f x) {
    const v4f magic = splat(12582912.0f);
    v4f n = fma4(x, splat(0.63661977236758134f), magic) - magic;
    v4f r1 = fma4(n, splat(-1.5707963705062866f), x);
    v4f mth = n * splat(4.371138828673793e-08f);
    v4f tl = fma4(n, splat(-4.371138828673793e-08f), mth);
    v4f rh = r1 + mth;
    v4f e = ((r1 - rh) + mth) - tl;
    v4f rl = fma4(n, splat(1.7151245100058819e-15f), e);
    v4f s = rh * rh;
    v4f ps = fma4(fma4(fma4(splat(2.7249895993008977e-06f), s, splat(-0.00019840087043121457f)), s, splat(0.008333331905305386f)), s, splat(-0.1666666716337204f));
    v4f sinr = rh + fma4(rh * s, ps, rl);
    v4f hs = s * splat(0.5f), w = splat(1.0f) - hs;
    v4f a = ((splat(1.0f) - w) - hs) - rh * rl;
    v4f pc = fma4(fma4(fma4(splat(-2.730093342506734e-07f), s, splat(2.480059993104078e-05f)), s, splat(-0.00138888880610466f)), s, splat(0.0416666679084301f));
    v4f cosr = w + fma4(s * s, pc, a);
    v4f h = n * splat(0.5f), fh = floor4(h);
    v4f res = sel(h != fh, cosr, sinr);
    v4f h2 = fh * splat(0.5f);
    return sel(h2 != floor4(h2), -res, res);
}

static inline v4f log4(v4f x) { /* x in (0, inf) normal: enough here */
    v4i ix = (v4i)x - 0x3F3504F3;
    v4i k = ix >> 23;
    v4f m = (v4f)((ix & 0x7FFFFF) + 0x3F3504F3);
    v4f kf = __builtin_convertvector(k, v4f);
    v4f f = m - splat(1.0f);
    v4f hfsq = f * splat(0.5f) * f;
    v4f s = f / (f + splat(2.0f));
    v4f z = s * s;
    v4f p = fma4(fma4(fma4(splat(0.23330582678318024f), z, splat(0.2855081558227539f)), z, splat(0.4000012278556824f)), z, splat(0.6666666865348816f));
    v4f t = fma4(s, hfsq + z * p, kf * splat(9.0580006145e-06f));
    return fma4(kf, splat(6.9313812256e-01f), f - (hfsq - t));
}

static void kernel(const float *x, float *y, size_t n) {
#pragma omp parallel for schedule(static) num_threads(2)
    for (size_t i = 0; i < n / 4; i++) {
        v4f v;
        memcpy(&v, x + 4 * i, 16);
        v = log4(sin4(v) + splat(5.0f));
        memcpy(y + 4 * i, &v, 16);
    }
    for (size_t i = n / 4 * 4; i < n; i++) y[i] = logf(sinf(x[i]) + 5.0f);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}
static int cmp(const void *a, const void *b) { double d = *(double *)a - *(double *)b; return (d > 0) - (d < 0); }

int main(int argc, char **argv) {
    for (int a = 1; a < argc; a++) {
        size_t n = strtoull(argv[a], 0, 10);
        float *x = aligned_alloc(64, (n * 4 + 63) / 64 * 64), *y = aligned_alloc(64, (n * 4 + 63) / 64 * 64);
        uint64_t s = 1;
        for (size_t i = 0; i < n; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            x[i] = (float)(-10.0 + 20.0 * ((s >> 11) / 9007199254740992.0));
        }
        int reps = n >= 1000000 ? 15 : n >= 100000 ? 200 : 3000;
        double *t = malloc(sizeof(double) * reps), maxerr = 0;
        for (int w = 0; w < 3; w++) kernel(x, y, n);
        for (int r = 0; r < reps; r++) { double t0 = now(); kernel(x, y, n); t[r] = now() - t0; }
        qsort(t, reps, sizeof(double), cmp);
        for (size_t i = 0; i < n; i++) {
            double want = log(sin((double)x[i]) + 5.0), e = fabs(y[i] - want) / want;
            if (e > maxerr) maxerr = e;
        }
        printf("{\"case\": \"log_sin\", \"dtype\": \"float32\", \"size\": \"%zu\", \"backend\": \"c_ref\", \"mode\": \"default\", \"median_s\": %e, \"min_s\": %e, \"max_rel_err\": %e, \"ok\": %s}\n",
               n, t[reps / 2], t[0], maxerr, maxerr < 1e-6 ? "true" : "false");
        free(x); free(y); free(t);
    }
    return 0;
}
