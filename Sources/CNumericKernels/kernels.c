// See include/CNumericKernels.h. The Swift originals: fastTanh and fastExp in
// Sources/NumericCore/Tensor/TensorScalar.swift, geluForward in Tensor+GELU.swift. Constants are
// the bit patterns of those Swift Float literals. Swift's min/max are written out as their
// definitions (min(x, y) = y < x ? y : x, max(x, y) = y >= x ? y : x) with compare + blend, so
// NaNs and signed zeros go the same way.
#pragma clang fp contract(off)

#include "CNumericKernels.h"
#include <stdlib.h>
#include <string.h>

int loom_kernels_use_avx2 = 0;
int loom_kernels_use_avx512 = 0;

static int disabled(const char *name) {
  const char *flag = getenv(name);
  return flag && strcmp(flag, "0") == 0;
}

__attribute__((constructor)) static void loom_kernels_init(void) {
  loom_kernels_use_avx2 = loom_kernels_have_avx2() && !disabled("LOOM_NUMERIC_AVX2");
  loom_kernels_use_avx512 = loom_kernels_use_avx2 && loom_kernels_have_avx512() && !disabled("LOOM_NUMERIC_AVX512");
}

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>

int loom_kernels_have_avx2(void) {
  static int cached = -1;
  if (cached < 0) {
    __builtin_cpu_init();
    cached = __builtin_cpu_supports("avx2") ? 1 : 0;
  }
  return cached;
}

int loom_kernels_have_avx512(void) {
  static int cached = -1;
  if (cached < 0) {
    __builtin_cpu_init();  // also checks that the OS saves the zmm and mask registers
    cached = __builtin_cpu_supports("avx512f") ? 1 : 0;
  }
  return cached;
}

#define AVX2 __attribute__((target("avx2")))
#define K(bits) _mm256_castsi256_ps(_mm256_set1_epi32((int)(bits)))

/// Swift.min(Swift.max(x, lo), hi) for constant bounds that are neither NaN nor zero, in two
/// instructions: max_ps(lo, x) is `lo > x ? lo : x` and returns x when x is NaN, which differs from
/// Swift.max(x, lo) = `lo >= x ? lo : x` only where lo == x (the same value, and not ±0); likewise
/// min_ps(hi, ·) and Swift.min.
AVX2 static inline __m256 clamp8(__m256 x, __m256 lo, __m256 hi) { return _mm256_min_ps(hi, _mm256_max_ps(lo, x)); }

/// All-ones in lanes 0..<count (count ≤ 8): which lanes a tail loads and stores.
AVX2 static inline __m256i tail_mask(size_t count) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

#define MUL _mm256_mul_ps
#define ADD _mm256_add_ps
#define SUB _mm256_sub_ps

/// fastTanh: a clamped 13/6 rational function; |x0| < 0.0004 returns x0.
AVX2 static inline __m256 tanh8(__m256 x0) {
  __m256 x = clamp8(x0, K(0xc0fcf84f), K(0x40fcf84f));
  __m256 x2 = MUL(x, x);
  __m256 p = K(0xa59f25c0);
  p = ADD(MUL(p, x2), K(0x2a61337e));
  p = ADD(MUL(p, x2), K(0xaebd37ff));
  p = ADD(MUL(p, x2), K(0x335c0041));
  p = ADD(MUL(p, x2), K(0x3779434a));
  p = ADD(MUL(p, x2), K(0x3a270ded));
  p = ADD(MUL(p, x2), K(0x3ba059dc));
  p = MUL(p, x);
  __m256 q = K(0x35a0d3d8);
  q = ADD(MUL(q, x2), K(0x38f895d6));
  q = ADD(MUL(q, x2), K(0x3b14aa05));
  q = ADD(MUL(q, x2), K(0x3ba059dd));
  __m256 magnitude = _mm256_andnot_ps(K(0x80000000), x0);
  __m256 tiny = _mm256_cmp_ps(magnitude, K(0x39d1b717), _CMP_LT_OQ);
  return _mm256_blendv_ps(_mm256_div_ps(p, q), x0, tiny);
}

/// fastExp: x = n·ln2 + r, a degree-6 polynomial for e^r, 2^n built in the exponent bits.
AVX2 static inline __m256 exp8(__m256 x0) {
  __m256 x = clamp8(x0, K(0xc2ae0000), K(0x42b00000));
  __m256 magic = K(0x4b400000);
  __m256 t = ADD(MUL(x, K(0x3fb8aa3b)), magic);
  __m256 n = SUB(t, magic);
  __m256 r = SUB(SUB(x, MUL(n, K(0x3f318000))), MUL(n, K(0xb95e8083)));
  __m256 p = K(0x39506967);
  p = ADD(MUL(p, r), K(0x3ab743ce));
  p = ADD(MUL(p, r), K(0x3c088908));
  p = ADD(MUL(p, r), K(0x3d2aa9c1));
  p = ADD(MUL(p, r), K(0x3e2aaaaa));
  p = ADD(MUL(p, r), K(0x3f000000));
  __m256 er = ADD(ADD(MUL(MUL(p, r), r), r), K(0x3f800000));
  __m256i e = _mm256_sub_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(0x4B400000));
  e = _mm256_slli_epi32(_mm256_add_epi32(e, _mm256_set1_epi32(127)), 23);
  return MUL(er, _mm256_castsi256_ps(e));
}

/// Lanes i < count (1…8) of gelu: masked loads and stores, so tails need no copies.
AVX2 static inline void gelu8(const float *x, float *y, float *t, size_t count, __m256 c, __m256 k) {
  __m256i mask = tail_mask(count);
  __m256 v = count == 8 ? _mm256_loadu_ps(x) : _mm256_maskload_ps(x, mask);
  __m256 th = tanh8(MUL(c, ADD(v, MUL(MUL(MUL(k, v), v), v))));
  __m256 out = MUL(MUL(K(0x3f000000), v), ADD(K(0x3f800000), th));
  if (count == 8) {
    if (t) _mm256_storeu_ps(t, th);
    _mm256_storeu_ps(y, out);
  } else {
    if (t) _mm256_maskstore_ps(t, mask, th);
    _mm256_maskstore_ps(y, mask, out);
  }
}

AVX2 static void gelu_avx2(const float *x, float *y, float *t, size_t n, float c, float k) {
  __m256 vc = _mm256_set1_ps(c), vk = _mm256_set1_ps(k);
  for (size_t i = 0; i < n; i += 8) gelu8(x + i, y + i, t ? t + i : NULL, n - i < 8 ? n - i : 8, vc, vk);
}

/// Lanes i < count (1…8) of exp(x·s − m), or exp(x − m) without the scale.
AVX2 static inline void exp8_shifted(const float *x, float *y, size_t count, int has_scale, __m256 s, __m256 m) {
  __m256i mask = tail_mask(count);
  __m256 v = count == 8 ? _mm256_loadu_ps(x) : _mm256_maskload_ps(x, mask);
  __m256 e = exp8(SUB(has_scale ? MUL(v, s) : v, m));
  if (count == 8) _mm256_storeu_ps(y, e); else _mm256_maskstore_ps(y, mask, e);
}

AVX2 static void exp_avx2(const float *x, float *y, size_t n, int has_scale, float scale, float m) {
  __m256 s = _mm256_set1_ps(scale), vm = _mm256_set1_ps(m);
  for (size_t i = 0; i < n; i += 8) exp8_shifted(x + i, y + i, n - i < 8 ? n - i : 8, has_scale, s, vm);
}

/// Lanes i < count of loads from p (zeros beyond).
AVX2 static inline __m256 load(const float *p, size_t count, __m256i mask) {
  return count == 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, mask);
}

AVX2 static inline void store(float *p, __m256 v, size_t count, __m256i mask) {
  if (count == 8) _mm256_storeu_ps(p, v); else _mm256_maskstore_ps(p, mask, v);
}

AVX2 static void gelu_backward_avx2(const float *x, const float *t, const float *gy, float *gx, size_t n, float c, float k, int fresh) {
  __m256 vc = _mm256_set1_ps(c), three_k = MUL(K(0x40400000), _mm256_set1_ps(k));
  __m256 half = K(0x3f000000), one = K(0x3f800000);
  for (size_t i = 0; i < n; i += 8) {
    size_t count = n - i < 8 ? n - i : 8;
    __m256i mask = tail_mask(count);
    __m256 v = load(x + i, count, mask), th = load(t + i, count, mask);
    __m256 a = MUL(half, ADD(one, th));
    __m256 b = MUL(MUL(MUL(MUL(half, v), SUB(one, MUL(th, th))), vc), ADD(one, MUL(MUL(three_k, v), v)));
    __m256 d = ADD(a, b);
    __m256 old = fresh ? _mm256_setzero_ps() : load(gx + i, count, mask);  // fresh: gx is unwritten, +0 + …
    store(gx + i, ADD(old, MUL(load(gy + i, count, mask), d)), count, mask);
  }
}

AVX2 static void log_softmax_backward_avx2(const float *y, const float *gy, float *gx, size_t n, float scale, float s) {
  __m256 vscale = _mm256_set1_ps(scale), vs = _mm256_set1_ps(s);
  for (size_t j = 0; j < n; j += 8) {
    size_t count = n - j < 8 ? n - j : 8;
    __m256i mask = tail_mask(count);
    __m256 e = exp8(load(y + j, count, mask));
    __m256 g = MUL(vscale, SUB(load(gy + j, count, mask), MUL(e, vs)));
    store(gx + j, ADD(load(gx + j, count, mask), g), count, mask);
  }
}

// --- AVX-512 copies: the AVX2 kernels above, 16 lanes at a time, lane for lane the same
// operations (compare-into-mask + blend for Swift's min/max and the tiny-|x| select; integer
// and-not for the magnitude), so the same bits again. Masked loads and stores take the tails.
#define AVX512 __attribute__((target("avx512f")))
#define K16(bits) _mm512_castsi512_ps(_mm512_set1_epi32((int)(bits)))
#define MUL16 _mm512_mul_ps
#define ADD16 _mm512_add_ps
#define SUB16 _mm512_sub_ps

/// clamp8, 16 lanes.
AVX512 static inline __m512 clamp16(__m512 x, __m512 lo, __m512 hi) { return _mm512_min_ps(hi, _mm512_max_ps(lo, x)); }

/// Lanes 0..<count (count ≤ 16).
static inline __mmask16 tail_mask16(size_t count) { return (__mmask16)((1u << count) - 1u); }

/// Stores the lanes of `mask`: a plain store when that is all 16 (a masked store costs several
/// times as much on some CPUs, AMD's among them).
AVX512 static inline void store16(float *p, __mmask16 mask, __m512 v) {
  if (mask == 0xFFFF) _mm512_storeu_ps(p, v); else _mm512_mask_storeu_ps(p, mask, v);
}

/// tanh8, 16 lanes.
AVX512 static inline __m512 tanh16(__m512 x0) {
  __m512 x = clamp16(x0, K16(0xc0fcf84f), K16(0x40fcf84f));
  __m512 x2 = MUL16(x, x);
  __m512 p = K16(0xa59f25c0);
  p = ADD16(MUL16(p, x2), K16(0x2a61337e));
  p = ADD16(MUL16(p, x2), K16(0xaebd37ff));
  p = ADD16(MUL16(p, x2), K16(0x335c0041));
  p = ADD16(MUL16(p, x2), K16(0x3779434a));
  p = ADD16(MUL16(p, x2), K16(0x3a270ded));
  p = ADD16(MUL16(p, x2), K16(0x3ba059dc));
  p = MUL16(p, x);
  __m512 q = K16(0x35a0d3d8);
  q = ADD16(MUL16(q, x2), K16(0x38f895d6));
  q = ADD16(MUL16(q, x2), K16(0x3b14aa05));
  q = ADD16(MUL16(q, x2), K16(0x3ba059dd));
  __m512 magnitude = _mm512_castsi512_ps(_mm512_andnot_epi32(_mm512_set1_epi32((int)0x80000000), _mm512_castps_si512(x0)));
  __mmask16 tiny = _mm512_cmp_ps_mask(magnitude, K16(0x39d1b717), _CMP_LT_OQ);
  return _mm512_mask_blend_ps(tiny, _mm512_div_ps(p, q), x0);
}

/// tanh16 of four vectors, stage by stage: the same operations per lane, but the four dependency
/// chains (~75 cycles each) interleaved, so the out-of-order window sees independent work.
AVX512 static inline void tanh16x4(const __m512 x0[4], __m512 out[4]) {
  __m512 x[4], x2[4], p[4], q[4];
  for (int u = 0; u < 4; u++) x[u] = clamp16(x0[u], K16(0xc0fcf84f), K16(0x40fcf84f));
  for (int u = 0; u < 4; u++) x2[u] = MUL16(x[u], x[u]);
  for (int u = 0; u < 4; u++) p[u] = ADD16(MUL16(K16(0xa59f25c0), x2[u]), K16(0x2a61337e));
  for (int u = 0; u < 4; u++) q[u] = ADD16(MUL16(K16(0x35a0d3d8), x2[u]), K16(0x38f895d6));
  for (int u = 0; u < 4; u++) p[u] = ADD16(MUL16(p[u], x2[u]), K16(0xaebd37ff));
  for (int u = 0; u < 4; u++) q[u] = ADD16(MUL16(q[u], x2[u]), K16(0x3b14aa05));
  for (int u = 0; u < 4; u++) p[u] = ADD16(MUL16(p[u], x2[u]), K16(0x335c0041));
  for (int u = 0; u < 4; u++) q[u] = ADD16(MUL16(q[u], x2[u]), K16(0x3ba059dd));
  for (int u = 0; u < 4; u++) p[u] = ADD16(MUL16(p[u], x2[u]), K16(0x3779434a));
  for (int u = 0; u < 4; u++) p[u] = ADD16(MUL16(p[u], x2[u]), K16(0x3a270ded));
  for (int u = 0; u < 4; u++) p[u] = ADD16(MUL16(p[u], x2[u]), K16(0x3ba059dc));
  for (int u = 0; u < 4; u++) p[u] = MUL16(p[u], x[u]);
  for (int u = 0; u < 4; u++) {
    __m512 magnitude = _mm512_castsi512_ps(_mm512_andnot_epi32(_mm512_set1_epi32((int)0x80000000), _mm512_castps_si512(x0[u])));
    __mmask16 tiny = _mm512_cmp_ps_mask(magnitude, K16(0x39d1b717), _CMP_LT_OQ);
    out[u] = _mm512_mask_blend_ps(tiny, _mm512_div_ps(p[u], q[u]), x0[u]);
  }
}

/// exp8, 16 lanes.
AVX512 static inline __m512 exp16(__m512 x0) {
  __m512 x = clamp16(x0, K16(0xc2ae0000), K16(0x42b00000));
  __m512 magic = K16(0x4b400000);
  __m512 t = ADD16(MUL16(x, K16(0x3fb8aa3b)), magic);
  __m512 n = SUB16(t, magic);
  __m512 r = SUB16(SUB16(x, MUL16(n, K16(0x3f318000))), MUL16(n, K16(0xb95e8083)));
  __m512 p = K16(0x39506967);
  p = ADD16(MUL16(p, r), K16(0x3ab743ce));
  p = ADD16(MUL16(p, r), K16(0x3c088908));
  p = ADD16(MUL16(p, r), K16(0x3d2aa9c1));
  p = ADD16(MUL16(p, r), K16(0x3e2aaaaa));
  p = ADD16(MUL16(p, r), K16(0x3f000000));
  __m512 er = ADD16(ADD16(MUL16(MUL16(p, r), r), r), K16(0x3f800000));
  __m512i e = _mm512_sub_epi32(_mm512_castps_si512(t), _mm512_set1_epi32(0x4B400000));
  e = _mm512_slli_epi32(_mm512_add_epi32(e, _mm512_set1_epi32(127)), 23);
  return MUL16(er, _mm512_castsi512_ps(e));
}

/// exp16 of four vectors, stage by stage (the same operations per lane; see tanh16x4).
AVX512 static inline void exp16x4(const __m512 x0[4], __m512 out[4]) {
  const __m512 magic = K16(0x4b400000);
  __m512 x[4], t[4], n[4], r[4], p[4];
  for (int u = 0; u < 4; u++) x[u] = clamp16(x0[u], K16(0xc2ae0000), K16(0x42b00000));
  for (int u = 0; u < 4; u++) t[u] = ADD16(MUL16(x[u], K16(0x3fb8aa3b)), magic);
  for (int u = 0; u < 4; u++) n[u] = SUB16(t[u], magic);
  for (int u = 0; u < 4; u++) r[u] = SUB16(SUB16(x[u], MUL16(n[u], K16(0x3f318000))), MUL16(n[u], K16(0xb95e8083)));
  for (int u = 0; u < 4; u++) p[u] = ADD16(MUL16(K16(0x39506967), r[u]), K16(0x3ab743ce));
  for (int u = 0; u < 4; u++) p[u] = ADD16(MUL16(p[u], r[u]), K16(0x3c088908));
  for (int u = 0; u < 4; u++) p[u] = ADD16(MUL16(p[u], r[u]), K16(0x3d2aa9c1));
  for (int u = 0; u < 4; u++) p[u] = ADD16(MUL16(p[u], r[u]), K16(0x3e2aaaaa));
  for (int u = 0; u < 4; u++) p[u] = ADD16(MUL16(p[u], r[u]), K16(0x3f000000));
  for (int u = 0; u < 4; u++) {
    __m512 er = ADD16(ADD16(MUL16(MUL16(p[u], r[u]), r[u]), r[u]), K16(0x3f800000));
    __m512i e = _mm512_sub_epi32(_mm512_castps_si512(t[u]), _mm512_set1_epi32(0x4B400000));
    e = _mm512_slli_epi32(_mm512_add_epi32(e, _mm512_set1_epi32(127)), 23);
    out[u] = MUL16(er, _mm512_castsi512_ps(e));
  }
}

AVX512 static void gelu_avx512(const float *x, float *y, float *t, size_t n, float c, float k) {
  __m512 vc = _mm512_set1_ps(c), vk = _mm512_set1_ps(k);
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {  // four vectors' chains side by side (the loop below, per lane)
    __m512 v[4], a[4], th[4];
    for (int u = 0; u < 4; u++) v[u] = _mm512_loadu_ps(x + i + 16 * u);
    for (int u = 0; u < 4; u++) a[u] = MUL16(vc, ADD16(v[u], MUL16(MUL16(MUL16(vk, v[u]), v[u]), v[u])));
    tanh16x4(a, th);
    for (int u = 0; u < 4; u++) {
      if (t) _mm512_storeu_ps(t + i + 16 * u, th[u]);
      _mm512_storeu_ps(y + i + 16 * u, MUL16(MUL16(K16(0x3f000000), v[u]), ADD16(K16(0x3f800000), th[u])));
    }
  }
  for (; i < n; i += 16) {
    __mmask16 mask = tail_mask16(n - i < 16 ? n - i : 16);
    __m512 v = _mm512_maskz_loadu_ps(mask, x + i);
    __m512 th = tanh16(MUL16(vc, ADD16(v, MUL16(MUL16(MUL16(vk, v), v), v))));
    __m512 out = MUL16(MUL16(K16(0x3f000000), v), ADD16(K16(0x3f800000), th));
    if (t) store16(t + i, mask, th);
    store16(y + i, mask, out);
  }
}

AVX512 static void exp_avx512(const float *x, float *y, size_t n, int has_scale, float scale, float m) {
  __m512 s = _mm512_set1_ps(scale), vm = _mm512_set1_ps(m);
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {  // four vectors' chains side by side (the loop below, per lane)
    __m512 a[4], e[4];
    for (int u = 0; u < 4; u++) {
      const __m512 v = _mm512_loadu_ps(x + i + 16 * u);
      a[u] = SUB16(has_scale ? MUL16(v, s) : v, vm);
    }
    exp16x4(a, e);
    for (int u = 0; u < 4; u++) _mm512_storeu_ps(y + i + 16 * u, e[u]);
  }
  for (; i < n; i += 16) {
    __mmask16 mask = tail_mask16(n - i < 16 ? n - i : 16);
    __m512 v = _mm512_maskz_loadu_ps(mask, x + i);
    store16(y + i, mask, exp16(SUB16(has_scale ? MUL16(v, s) : v, vm)));
  }
}

AVX512 static void gelu_backward_avx512(const float *x, const float *t, const float *gy, float *gx, size_t n, float c, float k, int fresh) {
  __m512 vc = _mm512_set1_ps(c), three_k = MUL16(K16(0x40400000), _mm512_set1_ps(k));
  __m512 half = K16(0x3f000000), one = K16(0x3f800000);
  for (size_t i = 0; i < n; i += 16) {
    __mmask16 mask = tail_mask16(n - i < 16 ? n - i : 16);
    __m512 v = _mm512_maskz_loadu_ps(mask, x + i), th = _mm512_maskz_loadu_ps(mask, t + i);
    __m512 a = MUL16(half, ADD16(one, th));
    __m512 b = MUL16(MUL16(MUL16(MUL16(half, v), SUB16(one, MUL16(th, th))), vc), ADD16(one, MUL16(MUL16(three_k, v), v)));
    __m512 d = ADD16(a, b);
    __m512 old = fresh ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(mask, gx + i);  // fresh: +0 + …
    __m512 g = ADD16(old, MUL16(_mm512_maskz_loadu_ps(mask, gy + i), d));
    store16(gx + i, mask, g);
  }
}

/// The causal softmax of one [t, t] block of attention scores, `softmaxRows`' operations for each row
/// r (valid = r + 1 columns): m = max(x[0…r])·scale; y = exp(x·scale − m); s = its four-accumulator
/// sum (`rowSum`'s order); y ·= 1/s; zeros past the diagonal. Four rows' sums side by side. Returns 0
/// (y unspecified) if a row's max could differ from the scalar scan's bits (a NaN, or a max of ±0).
AVX512 static int row_max_avx512(const float *x, size_t n, float *out);

AVX512 static int causal_softmax_avx512(const float *x, float *y, size_t t, float scale) {
  const __m512 vs = _mm512_set1_ps(scale);
  for (size_t r0 = 0; r0 < t; r0 += 4) {
    const size_t rows = t - r0 < 4 ? t - r0 : 4;
    // The group's exponentials as a list of vectors (row, column), four at a time through exp16x4
    // so their chains overlap. Whole vectors where the row has room (lanes past `valid` hold values
    // nothing reads, and the last pass zeroes them): a masked store costs several times a plain one
    // on some CPUs.
    __m512 arg[4], e[4];
    float *dst[4];
    __mmask16 masks[4];
    int jobs = 0;
    for (size_t k = 0; k < rows; k++) {
      const size_t r = r0 + k, valid = r + 1;
      const float *xr = x + r * t;
      float *yr = y + r * t;
      float best;
      if (!row_max_avx512(xr, valid, &best)) return 0;
      const __m512 vm = _mm512_set1_ps(best * scale);
      for (size_t j = 0; j < valid; j += 16) {
        const __mmask16 mask = j + 16 <= t ? 0xFFFF : tail_mask16(valid - j < 16 ? valid - j : 16);
        arg[jobs] = SUB16(MUL16(_mm512_maskz_loadu_ps(mask, xr + j), vs), vm);
        dst[jobs] = yr + j, masks[jobs] = mask;
        if (++jobs == 4) {
          exp16x4(arg, e);
          for (int u = 0; u < 4; u++) store16(dst[u], masks[u], e[u]);
          jobs = 0;
        }
      }
    }
    if (jobs > 0) {
      for (int u = jobs; u < 4; u++) arg[u] = _mm512_setzero_ps();  // unused lanes of the batch
      exp16x4(arg, e);
      for (int u = 0; u < jobs; u++) store16(dst[u], masks[u], e[u]);
    }
    // Sums: each row's four accumulators are the four lanes of one 128-bit chain (rowSum's order:
    // quads in column order, then the valid % 4 tail into accumulator 0, then (a0 + a1) + (a2 + a3)).
    __m128 a0 = _mm_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    // The first row's full quads, which every row of the group has: four chains in registers.
    const size_t common = rows == 4 ? (r0 + 1) - (r0 + 1) % 4 : 0;
    const float *y0 = y + r0 * t;
    for (size_t j = 0; j < common; j += 4) {
      a0 = _mm_add_ps(a0, _mm_loadu_ps(y0 + j));
      a1 = _mm_add_ps(a1, _mm_loadu_ps(y0 + t + j));
      a2 = _mm_add_ps(a2, _mm_loadu_ps(y0 + 2 * t + j));
      a3 = _mm_add_ps(a3, _mm_loadu_ps(y0 + 3 * t + j));
    }
    __m128 acc[4] = {a0, a1, a2, a3};
    for (size_t k = 0; k < rows; k++) {
      const size_t r = r0 + k, valid = r + 1, full = valid - valid % 4;
      float *yr = y + r * t;
      for (size_t j = common; j < full; j += 4) acc[k] = _mm_add_ps(acc[k], _mm_loadu_ps(yr + j));
      float a[4];
      _mm_storeu_ps(a, acc[k]);
      for (size_t j = full; j < valid; j++) a[0] += yr[j];
      const float sum = (a[0] + a[1]) + (a[2] + a[3]);
      const __m512 inv = _mm512_set1_ps(1.0f / sum);
      // Columns below `valid` scaled, the rest of the diagonal's 16-column block zero; the blocks
      // past it are not written (see CNumericKernels.h).
      for (size_t j = 0; j < valid; j += 16) {
        const __mmask16 keep = tail_mask16(valid - j < 16 ? valid - j : 16);
        const __m512 out = _mm512_maskz_mul_ps(keep, _mm512_maskz_loadu_ps(keep, yr + j), inv);
        if (j + 16 <= t) _mm512_storeu_ps(yr + j, out);
        else store16(yr + j, tail_mask16(t - j), out);
      }
    }
  }
  return 1;
}

/// Attention's backward through the causal softmax for one [t, t] block, in place on dP (row r's
/// valid columns 0…r): s = Σ_j dP·P in `rowDot`'s four-accumulator order (four rows side by side),
/// then dS = (scale·P)·(dP − s) on the valid columns and zeros past them — `attentionBackward`'s
/// operations, the same bits.
AVX512 static void attention_ds_avx512(float *ds, const float *prob, size_t t, float scale) {
  const __m512 vscale = _mm512_set1_ps(scale);
  for (size_t r0 = 0; r0 < t; r0 += 4) {
    const size_t rows = t - r0 < 4 ? t - r0 : 4;
    __m128 a0 = _mm_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    const size_t common = rows == 4 ? (r0 + 1) - (r0 + 1) % 4 : 0;
    const float *d0 = ds + r0 * t, *p0 = prob + r0 * t;
    for (size_t j = 0; j < common; j += 4) {
      a0 = _mm_add_ps(a0, _mm_mul_ps(_mm_loadu_ps(d0 + j), _mm_loadu_ps(p0 + j)));
      a1 = _mm_add_ps(a1, _mm_mul_ps(_mm_loadu_ps(d0 + t + j), _mm_loadu_ps(p0 + t + j)));
      a2 = _mm_add_ps(a2, _mm_mul_ps(_mm_loadu_ps(d0 + 2 * t + j), _mm_loadu_ps(p0 + 2 * t + j)));
      a3 = _mm_add_ps(a3, _mm_mul_ps(_mm_loadu_ps(d0 + 3 * t + j), _mm_loadu_ps(p0 + 3 * t + j)));
    }
    __m128 acc[4] = {a0, a1, a2, a3};
    for (size_t k = 0; k < rows; k++) {
      const size_t r = r0 + k, valid = r + 1, full = valid - valid % 4;
      float *dr = ds + r * t;
      const float *pr = prob + r * t;
      for (size_t j = common; j < full; j += 4)
        acc[k] = _mm_add_ps(acc[k], _mm_mul_ps(_mm_loadu_ps(dr + j), _mm_loadu_ps(pr + j)));
      float a[4];
      _mm_storeu_ps(a, acc[k]);
      for (size_t j = full; j < valid; j++) a[0] += dr[j] * pr[j];
      const __m512 vs = _mm512_set1_ps((a[0] + a[1]) + (a[2] + a[3]));
      for (size_t j = 0; j < valid; j += 16) {  // to the end of the diagonal's 16-column block
        const __mmask16 keep = tail_mask16(valid - j < 16 ? valid - j : 16);
        const __m512 d = _mm512_maskz_loadu_ps(keep, dr + j), pv = _mm512_maskz_loadu_ps(keep, pr + j);
        const __m512 out = _mm512_maskz_mul_ps(keep, MUL16(vscale, pv), SUB16(d, vs));
        store16(dr + j, tail_mask16(t - j < 16 ? t - j : 16), out);
      }
    }
  }
}

/// One new token's attention over four heads in the KV-cache decoder (GPTDecoder.attendFour's
/// steps, the same operations): s_h[j] = scale·(q_h · K_h[:, j]) as one fma chain per score (the
/// m = 1 product), m_h = max_j s_h[j], s_h[j] = exp(s_h[j] − m_h), total_h = Σ_j s_h[j] in column
/// order, then the outputs by loom_attend_values4_f32 with alpha_h = 1/total_h. Eight score chains
/// and four exponentials at a time. Returns 0 (before any output) if a row's max is NaN or ±0.
AVX512 static int decode_attend4_avx512(const float *q, const float *kt, size_t kt_stride, size_t capacity, size_t count,
                                        size_t hd, float scale, float *scores, float totals[4]) {
  const __m512 vscale = _mm512_set1_ps(scale);
  // Scores: (head, 16-column chunk) pairs, two chunks of the four heads (eight chains) at a time.
  for (size_t j0 = 0; j0 < count; j0 += 32) {
    const size_t chunks = count - j0 > 16 ? 2 : 1;
    __m512 acc[2][4];
    __mmask16 mask[2];
    for (size_t c = 0; c < chunks; c++) {
      const size_t left = count - j0 - 16 * c;
      mask[c] = tail_mask16(left < 16 ? left : 16);
      for (int h = 0; h < 4; h++) acc[c][h] = _mm512_setzero_ps();
    }
    for (size_t p = 0; p < hd; p++)
      for (size_t c = 0; c < chunks; c++)
        for (int h = 0; h < 4; h++) {
          const float *row = kt + h * kt_stride + p * capacity + j0 + 16 * c;
          acc[c][h] = _mm512_fmadd_ps(_mm512_set1_ps(q[h * hd + p]), _mm512_maskz_loadu_ps(mask[c], row), acc[c][h]);
        }
    for (size_t c = 0; c < chunks; c++)
      for (int h = 0; h < 4; h++) store16(scores + h * capacity + j0 + 16 * c, mask[c], MUL16(vscale, acc[c][h]));
  }
  float m[4];
  for (int h = 0; h < 4; h++)
    if (!row_max_avx512(scores + h * capacity, count, &m[h])) return 0;
  // exp(s − m), four vectors at a time.
  __m512 arg[4], e[4];
  float *dst[4];
  __mmask16 masks[4];
  int jobs = 0;
  for (int h = 0; h < 4; h++) {
    const __m512 vm = _mm512_set1_ps(m[h]);
    for (size_t j = 0; j < count; j += 16) {
      const __mmask16 mask = tail_mask16(count - j < 16 ? count - j : 16);
      float *at = scores + h * capacity + j;
      arg[jobs] = SUB16(_mm512_maskz_loadu_ps(mask, at), vm);
      dst[jobs] = at, masks[jobs] = mask;
      if (++jobs == 4) {
        exp16x4(arg, e);
        for (int u = 0; u < 4; u++) store16(dst[u], masks[u], e[u]);
        jobs = 0;
      }
    }
  }
  if (jobs > 0) {
    for (int u = jobs; u < 4; u++) arg[u] = _mm512_setzero_ps();
    exp16x4(arg, e);
    for (int u = 0; u < jobs; u++) store16(dst[u], masks[u], e[u]);
  }
  float t0 = 0, t1 = 0, t2 = 0, t3 = 0;  // each head's sum in column order
  const float *s0 = scores, *s1 = scores + capacity, *s2 = scores + 2 * capacity, *s3 = scores + 3 * capacity;
  for (size_t j = 0; j < count; j++) t0 += s0[j], t1 += s1[j], t2 += s2[j], t3 += s3[j];
  totals[0] = t0, totals[1] = t1, totals[2] = t2, totals[3] = t3;
  return 1;
}

/// adam_avx2, 16 lanes.
AVX512 static void adam_avx512(float *p, const float *g, float *m, float *v, size_t n, float decay, float l2, float b1,
                               float b2, float step, float scale, float eps) {
  const __m512 vd = _mm512_set1_ps(decay), vl2 = _mm512_set1_ps(l2), vb1 = _mm512_set1_ps(b1), vb2 = _mm512_set1_ps(b2);
  const __m512 c1 = _mm512_set1_ps(1.0f - b1), c2 = _mm512_set1_ps(1.0f - b2);
  const __m512 vs = _mm512_set1_ps(step), vsc = _mm512_set1_ps(scale), ve = _mm512_set1_ps(eps);
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 mask = tail_mask16(n - i < 16 ? n - i : 16);
    __m512 pv = MUL16(_mm512_maskz_loadu_ps(mask, p + i), vd);
    __m512 gi = ADD16(_mm512_maskz_loadu_ps(mask, g + i), MUL16(vl2, pv));
    __m512 mi = ADD16(MUL16(vb1, _mm512_maskz_loadu_ps(mask, m + i)), MUL16(c1, gi));
    __m512 vi = ADD16(MUL16(vb2, _mm512_maskz_loadu_ps(mask, v + i)), MUL16(MUL16(c2, gi), gi));
    pv = SUB16(pv, _mm512_div_ps(MUL16(vs, mi), ADD16(MUL16(_mm512_sqrt_ps(vi), vsc), ve)));
    store16(m + i, mask, mi), store16(v + i, mask, vi), store16(p + i, mask, pv);
  }
}

AVX512 static void log_softmax_backward_avx512(const float *y, const float *gy, float *gx, size_t n, float scale, float s) {
  __m512 vscale = _mm512_set1_ps(scale), vs = _mm512_set1_ps(s);
  for (size_t j = 0; j < n; j += 16) {
    __mmask16 mask = tail_mask16(n - j < 16 ? n - j : 16);
    __m512 e = exp16(_mm512_maskz_loadu_ps(mask, y + j));
    __m512 g = MUL16(vscale, SUB16(_mm512_maskz_loadu_ps(mask, gy + j), MUL16(e, vs)));
    store16(gx + j, mask, ADD16(_mm512_maskz_loadu_ps(mask, gx + j), g));
  }
}

// --- Row maxima, in any order, where that provably gives the in-order scan's bits. NumericCore
// scans `m = x[0]; m = x[j] if x[j] > m` (or `x[j] >= m` from −inf): with no NaN the value of the
// max does not depend on the order, and floats that compare equal have the same bits unless they
// are ±0, so a nonzero max is the scan's max bit for bit. NaN or a zero max: return 0 and let the
// caller scan.
AVX2 static int row_max_avx2(const float *x, size_t n, float *out) {
  __m256 m = K(0xff800000), nan = _mm256_setzero_ps();
  for (size_t i = 0; i < n; i += 8) {
    size_t count = n - i < 8 ? n - i : 8;
    __m256i mask = tail_mask(count);
    __m256 v = _mm256_blendv_ps(K(0xff800000), load(x + i, count, mask), _mm256_castsi256_ps(mask));
    nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    m = _mm256_max_ps(m, v);
  }
  __m128 h = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
  h = _mm_max_ps(h, _mm_movehl_ps(h, h));
  h = _mm_max_ss(h, _mm_shuffle_ps(h, h, 1));
  float best = _mm_cvtss_f32(h);
  if (_mm256_movemask_ps(nan) != 0 || best == 0.0f) return 0;
  *out = best;
  return 1;
}

AVX512 static int row_max_avx512(const float *x, size_t n, float *out) {
  __m512 m = K16(0xff800000);
  __mmask16 nan = 0;
  for (size_t i = 0; i < n; i += 16) {
    __mmask16 mask = tail_mask16(n - i < 16 ? n - i : 16);
    __m512 v = _mm512_mask_loadu_ps(K16(0xff800000), mask, x + i);
    nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    m = _mm512_max_ps(m, v);
  }
  float best = _mm512_reduce_max_ps(m);
  if (nan != 0 || best == 0.0f) return 0;
  *out = best;
  return 1;
}

// --- LayerNorm's row statistics, eight rows at a time: two rows per 8-lane vector (row 2c in lanes
// 0–3, row 2c+1 in lanes 4–7), so each lane is one of a row's four accumulators and sees the same
// values in the same order as `rowSum` / `centeredSquares` (Sources/NumericCore/Tensor/
// Tensor+Softmax.swift); the n % 4 tail goes into accumulator 0 last, and (a0 + a1) + (a2 + a3)
// ends each row, as there. Four independent vector chains instead of the Swift code's two rows.
AVX2 static inline __m256 load_pair(const float *lo, const float *hi) {
  return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(lo)), _mm_loadu_ps(hi), 1);
}

/// (a0 + a1) + (a2 + a3) of lanes base…base+3 of `acc` after the tail values (x[j] or its
/// centred square) went into a0 in order.
static inline float finish_row(const float *acc, const float *row, size_t full, size_t n, int centred, float mean) {
  float a0 = acc[0];
  for (size_t j = full; j < n; j++) {
    if (centred) {
      float p = row[j] - mean;
      a0 += p * p;
    } else {
      a0 += row[j];
    }
  }
  return (a0 + acc[1]) + (acc[2] + acc[3]);
}

AVX2 static void row_stats8_avx2(const float *x, size_t rows, size_t n, float *mean, float *squares) {
  const float *p[8];
  for (size_t k = 0; k < 8; k++) p[k] = x + (k < rows ? k : rows - 1) * n;  // spare lanes repeat a row
  size_t full = n - n % 4;
  __m256 s[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
  for (size_t i = 0; i < full; i += 4)
    for (int c = 0; c < 4; c++) s[c] = ADD(s[c], load_pair(p[2 * c] + i, p[2 * c + 1] + i));
  float acc[32], m[8];
  for (int c = 0; c < 4; c++) _mm256_storeu_ps(acc + 8 * c, s[c]);
  for (size_t k = 0; k < 8; k++) m[k] = finish_row(acc + 4 * k, p[k], full, n, 0, 0) / (float)n;
  __m256 mv[4], q[4];
  for (int c = 0; c < 4; c++) {
    mv[c] = _mm256_setr_ps(m[2 * c], m[2 * c], m[2 * c], m[2 * c], m[2 * c + 1], m[2 * c + 1], m[2 * c + 1], m[2 * c + 1]);
    q[c] = _mm256_setzero_ps();
  }
  for (size_t i = 0; i < full; i += 4) {
    for (int c = 0; c < 4; c++) {
      __m256 d = SUB(load_pair(p[2 * c] + i, p[2 * c + 1] + i), mv[c]);
      q[c] = ADD(q[c], MUL(d, d));
    }
  }
  for (int c = 0; c < 4; c++) _mm256_storeu_ps(acc + 8 * c, q[c]);
  for (size_t k = 0; k < rows && k < 8; k++) {
    mean[k] = m[k];
    squares[k] = finish_row(acc + 4 * k, p[k], full, n, 1, m[k]);
  }
}

void loom_layer_norm_stats8_f32(const float *x, size_t rows, size_t n, float *mean, float *squares) {
  if (rows > 0 && n > 0) row_stats8_avx2(x, rows, n, mean, squares);
}

/// LayerNorm's forward for 1…8 rows (`layerNormRows`' `finish` after row_stats8_avx2): rstd =
/// 1/√(Σ(x − mean)²/n + eps); x̂ = (x − mean)·rstd; y = x̂·γ + β. x̂ and rstd go to row strides
/// xhat_stride and rstd_stride (0: one scratch row, overwritten).
AVX2 static void layer_norm_rows8_avx2(const float *x, size_t rows, size_t n, const float *g, const float *bt, float eps,
                                       float *y, float *xhat, size_t xhat_stride, float *rstd, size_t rstd_stride) {
  float mean[8], squares[8];
  row_stats8_avx2(x, rows, n, mean, squares);
  for (size_t k = 0; k < rows; k++) {
    const float rs = 1.0f / sqrtf(squares[k] / (float)n + eps);
    rstd[k * rstd_stride] = rs;
    const float *xr = x + k * n;
    float *hr = xhat + k * xhat_stride, *yr = y + k * n;
    const __m256 vm = _mm256_set1_ps(mean[k]), vr = _mm256_set1_ps(rs);
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
      const __m256 h = MUL(SUB(_mm256_loadu_ps(xr + j), vm), vr);
      _mm256_storeu_ps(hr + j, h);
      _mm256_storeu_ps(yr + j, ADD(MUL(h, _mm256_loadu_ps(g + j)), _mm256_loadu_ps(bt + j)));
    }
    for (; j < n; j++) {
      const float h = (xr[j] - mean[k]) * rs;
      hr[j] = h;
      yr[j] = h * g[j] + bt[j];
    }
  }
}

void loom_layer_norm_rows8_f32(const float *x, size_t rows, size_t n, const float *gamma, const float *beta, float eps,
                               float *y, float *xhat, size_t xhat_stride, float *rstd, size_t rstd_stride) {
  if (rows > 0 && rows <= 8 && n > 0)
    layer_norm_rows8_avx2(x, rows, n, gamma, beta, eps, y, xhat, xhat_stride, rstd, rstd_stride);
}

// --- Adam's update (`adamKernel` in Sources/NumericCore/Optimizers/Optimizers.swift), per element:
// p·decay; g + l2·p; m ← b1·m + (1 − b1)·g; v ← b2·v + ((1 − b2)·g)·g; p − (step·m)/(√v·scale + eps).
AVX2 static void adam_avx2(float *p, const float *g, float *m, float *v, size_t n, float decay, float l2, float b1,
                           float b2, float step, float scale, float eps) {
  const __m256 vd = _mm256_set1_ps(decay), vl2 = _mm256_set1_ps(l2), vb1 = _mm256_set1_ps(b1), vb2 = _mm256_set1_ps(b2);
  const __m256 c1 = _mm256_set1_ps(1.0f - b1), c2 = _mm256_set1_ps(1.0f - b2);
  const __m256 vs = _mm256_set1_ps(step), vsc = _mm256_set1_ps(scale), ve = _mm256_set1_ps(eps);
  for (size_t i = 0; i < n; i += 8) {
    const size_t count = n - i < 8 ? n - i : 8;
    const __m256i mask = tail_mask(count);
    __m256 pv = MUL(load(p + i, count, mask), vd);
    __m256 gi = ADD(load(g + i, count, mask), MUL(vl2, pv));
    __m256 mi = ADD(MUL(vb1, load(m + i, count, mask)), MUL(c1, gi));
    __m256 vi = ADD(MUL(vb2, load(v + i, count, mask)), MUL(MUL(c2, gi), gi));
    pv = SUB(pv, _mm256_div_ps(MUL(vs, mi), ADD(MUL(_mm256_sqrt_ps(vi), vsc), ve)));
    store(m + i, mi, count, mask), store(v + i, vi, count, mask), store(p + i, pv, count, mask);
  }
}

// --- LayerNorm's backward, eight rows at a time, in `layerNormBackward`'s order
// (Sources/NumericCore/Tensor/Tensor+Softmax.swift): dy = gy·γ; m1 = rowSum(dy)/n and
// m2 = rowDot(dy, x̂)/n with their four accumulators as lanes (as row_stats8_avx2);
// gx += rstd·((dy − m1) − x̂·m2); γ's and β's gradients take the rows in order.
AVX2 static void layer_norm_backward8_avx2(const float *gy, const float *g, const float *xhat, const float *rstd,
                                           float *gx, float *gg, float *gb, size_t rows, size_t n, float *dy) {
  const float *pg[8], *ph[8];
  float *pd[8];
  for (size_t k = 0; k < 8; k++) {
    const size_t r = k < rows ? k : rows - 1;  // spare lanes repeat a row
    pg[k] = gy + r * n, ph[k] = xhat + r * n, pd[k] = dy + k * n;
  }
  const size_t full = n - n % 4;
  if (gx) {
    for (size_t k = 0; k < 8; k++) {
      size_t j = 0;
      for (; j + 8 <= n; j += 8) _mm256_storeu_ps(pd[k] + j, _mm256_mul_ps(_mm256_loadu_ps(pg[k] + j), _mm256_loadu_ps(g + j)));
      for (; j < n; j++) pd[k][j] = pg[k][j] * g[j];
    }
    __m256 s[4], t[4];
    for (int c = 0; c < 4; c++) s[c] = t[c] = _mm256_setzero_ps();
    for (size_t i = 0; i < full; i += 4)
      for (int c = 0; c < 4; c++) {
        __m256 d = load_pair(pd[2 * c] + i, pd[2 * c + 1] + i);
        s[c] = _mm256_add_ps(s[c], d);
        t[c] = _mm256_add_ps(t[c], _mm256_mul_ps(d, load_pair(ph[2 * c] + i, ph[2 * c + 1] + i)));
      }
    float sa[32], ta[32];
    for (int c = 0; c < 4; c++) _mm256_storeu_ps(sa + 8 * c, s[c]), _mm256_storeu_ps(ta + 8 * c, t[c]);
    for (size_t k = 0; k < rows && k < 8; k++) {
      float s0 = sa[4 * k], t0 = ta[4 * k];
      for (size_t j = full; j < n; j++) s0 += pd[k][j], t0 += pd[k][j] * ph[k][j];
      const float m1 = ((s0 + sa[4 * k + 1]) + (sa[4 * k + 2] + sa[4 * k + 3])) / (float)n;
      const float m2 = ((t0 + ta[4 * k + 1]) + (ta[4 * k + 2] + ta[4 * k + 3])) / (float)n;
      const float rs = rstd[k];
      float *out = gx + k * n;
      const __m256 vm1 = _mm256_set1_ps(m1), vm2 = _mm256_set1_ps(m2), vrs = _mm256_set1_ps(rs);
      size_t j = 0;
      for (; j + 8 <= n; j += 8) {
        __m256 v = _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(pd[k] + j), vm1), _mm256_mul_ps(_mm256_loadu_ps(ph[k] + j), vm2));
        _mm256_storeu_ps(out + j, _mm256_add_ps(_mm256_loadu_ps(out + j), _mm256_mul_ps(vrs, v)));
      }
      for (; j < n; j++) out[j] += rs * ((pd[k][j] - m1) - ph[k][j] * m2);
    }
  }
  if (gg || gb) {
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
      __m256 a = gg ? _mm256_loadu_ps(gg + j) : _mm256_setzero_ps(), b = gb ? _mm256_loadu_ps(gb + j) : _mm256_setzero_ps();
      for (size_t k = 0; k < rows; k++) {
        __m256 y = _mm256_loadu_ps(pg[k] + j);
        a = _mm256_add_ps(a, _mm256_mul_ps(y, _mm256_loadu_ps(ph[k] + j)));
        b = _mm256_add_ps(b, y);
      }
      if (gg) _mm256_storeu_ps(gg + j, a);
      if (gb) _mm256_storeu_ps(gb + j, b);
    }
    for (; j < n; j++)
      for (size_t k = 0; k < rows; k++) {
        if (gg) gg[j] += pg[k][j] * ph[k][j];
        if (gb) gb[j] += pg[k][j];
      }
  }
}

void loom_layer_norm_backward8_f32(const float *gy, const float *gamma, const float *xhat, const float *rstd, float *gx,
                                   float *ggamma, float *gbeta, size_t rows, size_t n, float *scratch) {
  if (rows > 0 && rows <= 8 && n > 0) layer_norm_backward8_avx2(gy, gamma, xhat, rstd, gx, ggamma, gbeta, rows, n, scratch);
}

int loom_row_max_f32(const float *x, size_t n, float *out) {
  if (n == 0) return 0;
  return loom_kernels_use_avx512 ? row_max_avx512(x, n, out) : row_max_avx2(x, n, out);
}

int loom_decode_attend4_f32(const float *q, const float *kt, size_t kt_stride, size_t capacity, size_t count, size_t hd,
                            float scale, const float *v, size_t ldv, float *scores, float *out) {
  if (!loom_kernels_use_avx512 || count == 0 || hd % 16 != 0 || hd > 64) return 0;
  float totals[4];
  if (!decode_attend4_avx512(q, kt, kt_stride, capacity, count, hd, scale, scores, totals)) return 0;
  return loom_attend_values4_f32(count, hd, scores, capacity, v, ldv, 1.0f / totals[0], 1.0f / totals[1],
                                 1.0f / totals[2], 1.0f / totals[3], out);
}

int loom_attention_ds_f32(float *ds, const float *prob, size_t t, float scale) {
  if (!loom_kernels_use_avx512 || t == 0) return 0;
  attention_ds_avx512(ds, prob, t, scale);
  return 1;
}

int loom_causal_softmax_f32(const float *x, float *y, size_t t, float scale) {
  return loom_kernels_use_avx512 && t > 0 ? causal_softmax_avx512(x, y, t, scale) : 0;
}

void loom_adam_f32(float *p, const float *g, float *m, float *v, size_t n, float decay, float l2, float b1, float b2,
                   float step, float scale, float eps) {
  if (loom_kernels_use_avx512) adam_avx512(p, g, m, v, n, decay, l2, b1, b2, step, scale, eps);
  else adam_avx2(p, g, m, v, n, decay, l2, b1, b2, step, scale, eps);
}

void loom_gelu_f32(const float *x, float *y, float *t, size_t n, float c, float k) {
  if (loom_kernels_use_avx512) gelu_avx512(x, y, t, n, c, k); else gelu_avx2(x, y, t, n, c, k);
}

void loom_gelu_backward_f32(const float *x, const float *t, const float *gy, float *gx, size_t n, float c, float k, int fresh) {
  if (loom_kernels_use_avx512) gelu_backward_avx512(x, t, gy, gx, n, c, k, fresh); else gelu_backward_avx2(x, t, gy, gx, n, c, k, fresh);
}

void loom_log_softmax_backward_f32(const float *y, const float *gy, float *gx, size_t n, float scale, float s) {
  if (loom_kernels_use_avx512) log_softmax_backward_avx512(y, gy, gx, n, scale, s);
  else log_softmax_backward_avx2(y, gy, gx, n, scale, s);
}

void loom_exp_shifted_f32(const float *x, float *y, size_t n, int has_scale, float scale, float m) {
  if (loom_kernels_use_avx512) exp_avx512(x, y, n, has_scale, scale, m); else exp_avx2(x, y, n, has_scale, scale, m);
}

#else

int loom_kernels_have_avx2(void) { return 0; }
int loom_kernels_have_avx512(void) { return 0; }
int loom_row_max_f32(const float *x, size_t n, float *out) {
  (void)x; (void)n; (void)out;
  return 0;
}
void loom_layer_norm_stats8_f32(const float *x, size_t rows, size_t n, float *mean, float *squares) {
  (void)x; (void)rows; (void)n; (void)mean; (void)squares;
}
void loom_layer_norm_rows8_f32(const float *x, size_t rows, size_t n, const float *gamma, const float *beta, float eps,
                               float *y, float *xhat, size_t xhat_stride, float *rstd, size_t rstd_stride) {
  (void)x; (void)rows; (void)n; (void)gamma; (void)beta; (void)eps; (void)y; (void)xhat; (void)xhat_stride; (void)rstd;
  (void)rstd_stride;
}
void loom_layer_norm_backward8_f32(const float *gy, const float *gamma, const float *xhat, const float *rstd, float *gx,
                                   float *ggamma, float *gbeta, size_t rows, size_t n, float *scratch) {
  (void)gy; (void)gamma; (void)xhat; (void)rstd; (void)gx; (void)ggamma; (void)gbeta; (void)rows; (void)n; (void)scratch;
}
int loom_decode_attend4_f32(const float *q, const float *kt, size_t kt_stride, size_t capacity, size_t count, size_t hd,
                            float scale, const float *v, size_t ldv, float *scores, float *out) {
  (void)q; (void)kt; (void)kt_stride; (void)capacity; (void)count; (void)hd; (void)scale; (void)v; (void)ldv; (void)scores;
  (void)out;
  return 0;
}
int loom_attention_ds_f32(float *ds, const float *prob, size_t t, float scale) {
  (void)ds; (void)prob; (void)t; (void)scale;
  return 0;
}
int loom_causal_softmax_f32(const float *x, float *y, size_t t, float scale) {
  (void)x; (void)y; (void)t; (void)scale;
  return 0;
}
void loom_adam_f32(float *p, const float *g, float *m, float *v, size_t n, float decay, float l2, float b1, float b2,
                   float step, float scale, float eps) {
  (void)p; (void)g; (void)m; (void)v; (void)n; (void)decay; (void)l2; (void)b1; (void)b2; (void)step; (void)scale; (void)eps;
}
void loom_gelu_f32(const float *x, float *y, float *t, size_t n, float c, float k) {
  (void)x; (void)y; (void)t; (void)n; (void)c; (void)k;
}
void loom_exp_shifted_f32(const float *x, float *y, size_t n, int has_scale, float scale, float m) {
  (void)x; (void)y; (void)n; (void)has_scale; (void)scale; (void)m;
}
void loom_gelu_backward_f32(const float *x, const float *t, const float *gy, float *gx, size_t n, float c, float k, int fresh) {
  (void)x; (void)t; (void)gy; (void)gx; (void)n; (void)c; (void)k; (void)fresh;
}
void loom_log_softmax_backward_f32(const float *y, const float *gy, float *gx, size_t n, float scale, float s) {
  (void)y; (void)gy; (void)gx; (void)n; (void)scale; (void)s;
}

#endif

void loom_sum_squares_f64(const float *const *x, const size_t *count, size_t n, double *out) {
  // Eight arrays' chains at a time in registers, each summed in its own order from 0: run all eight
  // for as many steps as the shortest has left, then retire the finished ones and take the next
  // arrays. (A lane without an array repeats lane 0's values and is discarded.)
  enum { LANES = 8 };
  size_t next = 0, index[LANES], pos[LANES];
  double acc[LANES];
  int used[LANES];
  for (int l = 0; l < LANES; l++) used[l] = 0;
  for (;;) {
    int any = 0;
    for (int l = 0; l < LANES; l++) {
      while (!used[l] && next < n) {
        if (count[next] == 0) { out[next++] = 0.0; continue; }
        index[l] = next++, pos[l] = 0, acc[l] = 0.0, used[l] = 1;
      }
      any |= used[l];
    }
    if (!any) return;
    size_t step = (size_t)-1;
    int first = -1;
    for (int l = 0; l < LANES; l++)
      if (used[l]) {
        const size_t left = count[index[l]] - pos[l];
        if (left < step) step = left;
        if (first < 0) first = l;
      }
    const float *p[LANES];
    double a[LANES];
    for (int l = 0; l < LANES; l++) {
      p[l] = used[l] ? x[index[l]] + pos[l] : x[index[first]] + pos[first];
      a[l] = used[l] ? acc[l] : 0.0;
    }
    for (size_t j = 0; j < step; j++) {
      double v0 = p[0][j], v1 = p[1][j], v2 = p[2][j], v3 = p[3][j], v4 = p[4][j], v5 = p[5][j], v6 = p[6][j], v7 = p[7][j];
      a[0] += v0 * v0, a[1] += v1 * v1, a[2] += v2 * v2, a[3] += v3 * v3;
      a[4] += v4 * v4, a[5] += v5 * v5, a[6] += v6 * v6, a[7] += v7 * v7;
    }
    for (int l = 0; l < LANES; l++) {
      if (!used[l]) continue;
      acc[l] = a[l], pos[l] += step;
      if (pos[l] == count[index[l]]) out[index[l]] = acc[l], used[l] = 0;
    }
  }
}

