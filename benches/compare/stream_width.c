/* How fast one pass of sum(x*x) over 80 MB of float64 reads memory on this
 * machine with 128-, 256- and 512-bit loads (two OpenMP threads, chunks
 * of 65,536 elements as lazyxp splits a full sum, a 2 MiB-aligned buffer
 * with transparent huge pages), and the 128-bit loop with one scalar load
 * per cache line DIST doubles ahead (a prefetch stand-in). Cranelift has
 * 128-bit vectors only: this bounds lazyxp's streaming reductions
 * (benches/RESULTS.md, "what 128-bit vectors cost here").
 *
 *     gcc -O2 -fopenmp -DDIST=512 -o /tmp/stream_width benches/compare/stream_width.c
 *     OMP_NUM_THREADS=2 /tmp/stream_width
 */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#ifndef DIST
#define DIST 512
#endif

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Four 128-bit accumulators, 64 bytes a trip; `touch` adds the scalar load
 * DIST doubles ahead (clamped to the chunk). */
static volatile long sink;
static inline double sum_sq_128(const double *x, long n, int touch) {
    __m128d a0 = _mm_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
    long t = 0;
    for (long i = 0; i < n; i += 8) {
        if (touch) {
            long j = i + DIST < n ? i + DIST : n - 1;
            t ^= *(const volatile long *)(x + j);
        }
        __m128d v0 = _mm_loadu_pd(x + i), v1 = _mm_loadu_pd(x + i + 2);
        __m128d v2 = _mm_loadu_pd(x + i + 4), v3 = _mm_loadu_pd(x + i + 6);
        a0 = _mm_add_pd(a0, _mm_mul_pd(v0, v0));
        a1 = _mm_add_pd(a1, _mm_mul_pd(v1, v1));
        a2 = _mm_add_pd(a2, _mm_mul_pd(v2, v2));
        a3 = _mm_add_pd(a3, _mm_mul_pd(v3, v3));
    }
    sink = t;
    __m128d s = _mm_add_pd(_mm_add_pd(a0, a1), _mm_add_pd(a2, a3));
    return s[0] + s[1];
}
__attribute__((noinline)) static double sse128(const double *x, long n) { return sum_sq_128(x, n, 0); }
__attribute__((noinline)) static double sse128_touch(const double *x, long n) { return sum_sq_128(x, n, 1); }

__attribute__((target("avx2,fma"), noinline)) static double avx256(const double *x, long n) {
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
    for (long i = 0; i < n; i += 16) {
        a0 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i), _mm256_loadu_pd(x + i), a0);
        a1 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i + 4), _mm256_loadu_pd(x + i + 4), a1);
        a2 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i + 8), _mm256_loadu_pd(x + i + 8), a2);
        a3 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i + 12), _mm256_loadu_pd(x + i + 12), a3);
    }
    __m256d s = _mm256_add_pd(_mm256_add_pd(a0, a1), _mm256_add_pd(a2, a3));
    return s[0] + s[1] + s[2] + s[3];
}

__attribute__((target("avx512f"), noinline)) static double avx512(const double *x, long n) {
    __m512d a0 = _mm512_setzero_pd(), a1 = a0;
    for (long i = 0; i < n; i += 16) {
        a0 = _mm512_fmadd_pd(_mm512_loadu_pd(x + i), _mm512_loadu_pd(x + i), a0);
        a1 = _mm512_fmadd_pd(_mm512_loadu_pd(x + i + 8), _mm512_loadu_pd(x + i + 8), a1);
    }
    return _mm512_reduce_add_pd(_mm512_add_pd(a0, a1));
}

int main(void) {
    const long n = 10000000, chunk = 65536;
    const long chunks = (n + chunk - 1) / chunk;
    double *x;
    if (posix_memalign((void **)&x, 1 << 21, n * 8)) return 1;
    madvise(x, n * 8, MADV_HUGEPAGE);
    for (long i = 0; i < n; i++) x[i] = i * 1e-7;
    struct { const char *name; double (*sum)(const double *, long); } loops[] = {
        {"sse128", sse128}, {"avx256", avx256}, {"avx512", avx512}, {"sse128+touch", sse128_touch},
    };
    for (int w = 0; w < 4; w++) {
        for (int round = 0; round < 3; round++) {
            double best = 1e9, check = 0;
            for (int k = 0; k < 20; k++) {
                double t = now(), total = 0;
#pragma omp parallel for reduction(+ : total) schedule(static)
                for (long c = 0; c < chunks; c++) {
                    long len = c == chunks - 1 ? n - c * chunk : chunk;
                    total += loops[w].sum(x + c * chunk, len & ~15L);
                }
                t = now() - t;
                if (t < best) best = t;
                check += total;
            }
            printf("%s: %.3f ms %.1f GB/s (%g)\n", loops[w].name, best * 1e3, n * 8 / best / 1e9, check);
        }
    }
    free(x);
    return 0;
}
