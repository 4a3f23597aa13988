// The arithmetic ceiling of one core for the instruction mixes the GEMMs use, in register-only loops
// (no loads, 10 independent accumulators): what the wasm kernels could reach at best against what
// numpy's OpenBLAS can.
//   gcc -O2 -mavx512f -mfma bench/fp-ceiling.c -o fp-ceiling && ./fp-ceiling
//   128-bit multiply, then add   what V8 runs for scratchnet's default (plain SIMD) f32x4 kernels
//   128-bit fused multiply-add   the relaxed-SIMD build (f32x4.relaxed_madd)
//   512-bit fused multiply-add   OpenBLAS's SkylakeX sgemm kernel (numpy, bench/numpy_gemm.py)
// bench/README.md ("What limits the rest") quotes its output.
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static const long N = 100000000;

// One step: c_r += a_r * b for r < 10; b is "changed" each step so nothing is hoisted.
#define STEP(T, MADD, LANES, NAME)                                                                     \
  static double NAME(void) {                                                                          \
    T b = SET(0.9999999f), a0 = SET(1.0000001f), a1 = SET(1.0000002f), a2 = SET(1.0000003f),          \
      a3 = SET(1.0000004f), a4 = SET(1.0000005f), a5 = SET(1.0000006f), a6 = SET(1.0000007f),         \
      a7 = SET(1.0000008f), a8 = SET(1.0000009f), a9 = SET(1.000001f);                                \
    T c0 = ZERO, c1 = ZERO, c2 = ZERO, c3 = ZERO, c4 = ZERO, c5 = ZERO, c6 = ZERO, c7 = ZERO,         \
      c8 = ZERO, c9 = ZERO;                                                                           \
    double t = now();                                                                                 \
    for (long i = 0; i < N; i++) {                                                                    \
      __asm__ volatile("" : "+v"(b));                                                                 \
      c0 = MADD(a0, b, c0); c1 = MADD(a1, b, c1); c2 = MADD(a2, b, c2); c3 = MADD(a3, b, c3);         \
      c4 = MADD(a4, b, c4); c5 = MADD(a5, b, c5); c6 = MADD(a6, b, c6); c7 = MADD(a7, b, c7);         \
      c8 = MADD(a8, b, c8); c9 = MADD(a9, b, c9);                                                     \
    }                                                                                                 \
    t = now() - t;                                                                                    \
    T s = ADD(ADD(ADD(c0, c1), ADD(c2, c3)), ADD(ADD(ADD(c4, c5), ADD(c6, c7)), ADD(c8, c9)));        \
    float out[LANES];                                                                                 \
    STORE(out, s);                                                                                    \
    if (out[0] == 42) printf("!");                                                                    \
    return 10.0 * 2 * LANES * N / t / 1e9;                                                            \
  }

#define SET _mm_set1_ps
#define ZERO _mm_setzero_ps()
#define ADD _mm_add_ps
#define STORE _mm_storeu_ps
#define MULADD(a, b, c) _mm_add_ps(c, _mm_mul_ps(a, b))
STEP(__m128, MULADD, 4, mulAdd128)
STEP(__m128, _mm_fmadd_ps, 4, fma128)
#undef SET
#undef ZERO
#undef ADD
#undef STORE
#define SET _mm512_set1_ps
#define ZERO _mm512_setzero_ps()
#define ADD _mm512_add_ps
#define STORE _mm512_storeu_ps
STEP(__m512, _mm512_fmadd_ps, 16, fma512)

int main(void) {
  for (int r = 0; r < 3; r++) {
    double m = mulAdd128(), f = fma128(), w = fma512();
    printf("GFLOPS, one core: 128-bit multiply then add %.1f | 128-bit FMA %.1f | 512-bit FMA %.1f\n", m, f, w);
  }
  return 0;
}
