// NumericCore's single-precision matrix product (see loom_sgemm in include/CNumericKernels.h).
//
// Why our own and not OpenBLAS's: every element of C is one fixed chain of operations,
//     acc = +0;  acc = fma(A[i,p], B[p,j], acc) for p = 0, 1, …, k−1;  c = alpha·acc (+ beta·c)
// whatever the CPU, the kernel, the blocking or the shape of the call, so a Float matrix product has
// the same bits with AVX-512 (16 lanes), AVX2 (8 lanes) or no SIMD at all (`fmaf`, which every IEEE
// machine computes exactly). OpenBLAS's kernels split k across accumulators in a tile-dependent
// way, so its sums differ by kernel, which is why the notes had to pin one; and its AVX2 kernel,
// the one every x86-64 machine runs, leaves half of an AVX-512 machine's FMA width unused.
//
// The layout is the usual one (Goto/BLIS): B is packed into panels of NR columns × kc rows, A is read
// in place (a broadcast per row and step), an MR × NR tile of C lives in registers for the whole
// k-block. A product with k > KC is computed in k-blocks whose partial sums are kept in a scratch
// array and reloaded: a Float stored and loaded is the same Float, so the chain is unbroken.
#pragma clang fp contract(off)

#include "CNumericKernels.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { KC = 256, NC = 2048 };

/// A per-thread buffer that only grows (packed B panels, partial sums, edge tiles).
static float *scratch(float **buffer, size_t *capacity, size_t count) {
  if (count > *capacity) {
    free(*buffer);
    *capacity = count + count / 2;
    *buffer = aligned_alloc(64, ((*capacity * sizeof(float) + 63) / 64) * 64);
    if (!*buffer) abort();
  }
  return *buffer;
}

/// The scalar definition: one fmaf chain per element. Also the fallback without AVX2.
/// Throughout, y (row stride ldy) is what beta multiplies: C itself (ldy = ldc), or a bias row
/// added to every row (ldy = 0); z (row stride ldz), when not NULL, is added last (a residual
/// stream: z + (alpha·acc + beta·y), which IEEE addition gives the same bits in either order).
static void sgemm_scalar(size_t m, size_t n, size_t k, float alpha, const float *a, size_t rsa, size_t csa,
                         const float *b, size_t rsb, size_t csb, float beta, const float *y, size_t ldy,
                         const float *z, size_t ldz, float *c, size_t ldc) {
  for (size_t i = 0; i < m; i++) {
    for (size_t j = 0; j < n; j++) {
      float acc = 0.0f;
      for (size_t p = 0; p < k; p++) acc = fmaf(a[i * rsa + p * csa], b[p * rsb + j * csb], acc);
      float t = alpha * acc;
      const float u = beta == 0.0f ? t : t + beta * y[i * ldy + j];
      c[i * ldc + j] = z ? u + z[i * ldz + j] : u;
    }
  }
}

#if defined(__x86_64__)
#include <immintrin.h>

#define INLINE static inline __attribute__((always_inline))

// --- The micro-kernels. acc[r][v] holds C[i0 + r, j0 + 16v …] (AVX-512) or [j0 + 8v …] (AVX2).
// `init` (partial sums of earlier k-blocks, row stride ldi) or zero starts the chains; the result
// goes to dst (row stride ldd) raw, or through the epilogue alpha·acc (+ beta·dst) when `final`.

#define MICRO_KERNEL(NAME, TARGET, VEC, LANES, ZERO, LOAD, STORE, SET1, FMA, MUL, ADD)                   \
  TARGET INLINE void NAME(const int MR, const int NV, size_t kc, const float *a, size_t rsa, size_t csa,  \
                          const float *bp, const float *init, size_t ldi, float *dst, size_t ldd,         \
                          const float *y, size_t ldy, const float *z, size_t ldz, int final, float alpha, \
                          float beta) {                                                                    \
    VEC acc[8][2];                                                                                         \
    for (int r = 0; r < MR; r++)                                                                           \
      for (int v = 0; v < NV; v++) acc[r][v] = init ? LOAD(init + r * ldi + v * LANES) : ZERO();           \
    for (size_t p = 0; p < kc; p++) {                                                                      \
      const float *bq = bp + p * (size_t)(NV * LANES);                                                     \
      VEC b0 = LOAD(bq), b1 = NV > 1 ? LOAD(bq + LANES) : b0;                                              \
      const float *ap = a + p * csa;                                                                       \
      for (int r = 0; r < MR; r++) {                                                                       \
        VEC ar = SET1(ap[r * rsa]);                                                                        \
        acc[r][0] = FMA(ar, b0, acc[r][0]);                                                                \
        if (NV > 1) acc[r][1] = FMA(ar, b1, acc[r][1]);                                                    \
      }                                                                                                    \
    }                                                                                                      \
    VEC va = SET1(alpha), vb = SET1(beta);                                                                 \
    for (int r = 0; r < MR; r++)                                                                           \
      for (int v = 0; v < NV; v++) {                                                                       \
        float *d = dst + r * ldd + v * LANES;                                                              \
        VEC x = acc[r][v];                                                                                 \
        if (final) {                                                                                       \
          x = MUL(va, x);                                                                                  \
          if (beta != 0.0f) x = ADD(x, MUL(vb, LOAD(y + r * ldy + v * LANES)));                            \
          if (z) x = ADD(x, LOAD(z + r * ldz + v * LANES));                                                \
        }                                                                                                  \
        STORE(d, x);                                                                                       \
      }                                                                                                    \
  }

#define AVX2 __attribute__((target("avx2,fma")))
#define AVX512 __attribute__((target("avx512f")))

MICRO_KERNEL(micro_avx2, AVX2, __m256, 8, _mm256_setzero_ps, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps,
             _mm256_fmadd_ps, _mm256_mul_ps, _mm256_add_ps)
MICRO_KERNEL(micro_avx512, AVX512, __m512, 16, _mm512_setzero_ps, _mm512_loadu_ps, _mm512_storeu_ps,
             _mm512_set1_ps, _mm512_fmadd_ps, _mm512_mul_ps, _mm512_add_ps)

// One function per (ISA, rows, vectors) so each inlined copy is fully unrolled with its
// accumulators in registers: AVX2 6 × 16 and 6 × 8; AVX-512 8 × 32 and 8 × 16.
typedef void (*micro_fn)(size_t, const float *, size_t, size_t, const float *, const float *, size_t, float *,
                         size_t, const float *, size_t, const float *, size_t, int, float, float);
#define INSTANCE(NAME, BASE, TARGET, MR, NV)                                                                \
  TARGET static void NAME(size_t kc, const float *a, size_t rsa, size_t csa, const float *bp,              \
                          const float *init, size_t ldi, float *dst, size_t ldd, const float *y,           \
                          size_t ldy, const float *z, size_t ldz, int final, float alpha, float beta) {    \
    BASE(MR, NV, kc, a, rsa, csa, bp, init, ldi, dst, ldd, y, ldy, z, ldz, final, alpha, beta);            \
  }
INSTANCE(avx2_6x16, micro_avx2, AVX2, 6, 2)
INSTANCE(avx2_6x8, micro_avx2, AVX2, 6, 1)
INSTANCE(avx512_8x32, micro_avx512, AVX512, 8, 2)
INSTANCE(avx512_8x16, micro_avx512, AVX512, 8, 1)

typedef struct {
  int mr, lanes;              // rows per tile; floats per vector
  micro_fn wide, narrow;      // NR = 2·lanes and lanes columns
} isa_t;

static const isa_t isa_avx2 = {6, 8, avx2_6x16, avx2_6x8};
static const isa_t isa_avx512 = {8, 16, avx512_8x32, avx512_8x16};

// --- One row of A (m = 1) times a B whose rows are contiguous: no packing, vectors along B's rows.
// Four vectors side by side where n allows (four independent chains hide the FMA latency).
#define ROW_KERNEL(NAME, TARGET, VEC, LANES, ZERO, LOAD, STORE, SET1, FMA, MUL, ADD)                       \
  TARGET static void NAME(size_t n, size_t k, float alpha, const float *a, size_t csa, const float *b,     \
                          size_t rsb, float beta, const float *y, const float *z, float *c) {              \
    size_t j = 0;                                                                                          \
    VEC va = SET1(alpha), vb = SET1(beta);                                                                 \
    for (; j + 8 * LANES <= n; j += 8 * LANES) { /* long k (column sums): eight chains in flight */        \
      VEC s[8];                                                                                            \
      for (int v = 0; v < 8; v++) s[v] = ZERO();                                                           \
      for (size_t p = 0; p < k; p++) {                                                                     \
        const float *bp = b + p * rsb + j;                                                                 \
        VEC ap = SET1(a[p * csa]);                                                                         \
        for (int v = 0; v < 8; v++) s[v] = FMA(ap, LOAD(bp + v * LANES), s[v]);                            \
      }                                                                                                    \
      for (int v = 0; v < 8; v++) {                                                                        \
        VEC x = MUL(va, s[v]);                                                                             \
        if (beta != 0.0f) x = ADD(x, MUL(vb, LOAD(y + j + v * LANES)));                                    \
        if (z) x = ADD(x, LOAD(z + j + v * LANES));                                                        \
        STORE(c + j + v * LANES, x);                                                                       \
      }                                                                                                    \
    }                                                                                                      \
    for (; j + 4 * LANES <= n; j += 4 * LANES) {                                                           \
      VEC s0 = ZERO(), s1 = ZERO(), s2 = ZERO(), s3 = ZERO();                                              \
      for (size_t p = 0; p < k; p++) {                                                                     \
        const float *bp = b + p * rsb + j;                                                                 \
        VEC ap = SET1(a[p * csa]);                                                                         \
        s0 = FMA(ap, LOAD(bp), s0), s1 = FMA(ap, LOAD(bp + LANES), s1);                                    \
        s2 = FMA(ap, LOAD(bp + 2 * LANES), s2), s3 = FMA(ap, LOAD(bp + 3 * LANES), s3);                    \
      }                                                                                                    \
      VEC s[4] = {s0, s1, s2, s3};                                                                         \
      for (int v = 0; v < 4; v++) {                                                                        \
        VEC x = MUL(va, s[v]);                                                                             \
        if (beta != 0.0f) x = ADD(x, MUL(vb, LOAD(y + j + v * LANES)));                                    \
        if (z) x = ADD(x, LOAD(z + j + v * LANES));                                                        \
        STORE(c + j + v * LANES, x);                                                                       \
      }                                                                                                    \
    }                                                                                                      \
    for (; j + LANES <= n; j += LANES) {                                                                   \
      VEC s0 = ZERO();                                                                                     \
      for (size_t p = 0; p < k; p++) s0 = FMA(SET1(a[p * csa]), LOAD(b + p * rsb + j), s0);                \
      VEC x = MUL(va, s0);                                                                                 \
      if (beta != 0.0f) x = ADD(x, MUL(vb, LOAD(y + j)));                                                  \
      if (z) x = ADD(x, LOAD(z + j));                                                                      \
      STORE(c + j, x);                                                                                     \
    }                                                                                                      \
    if (j < n) sgemm_scalar(1, n - j, k, alpha, a, 0, csa, b + j, rsb, 1, beta, y + j, 0, z ? z + j : NULL, 0, \
                            c + j, 0);                                                                     \
  }
ROW_KERNEL(row_avx2, AVX2, __m256, 8, _mm256_setzero_ps, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps,
           _mm256_fmadd_ps, _mm256_mul_ps, _mm256_add_ps)
ROW_KERNEL(row_avx512, AVX512, __m512, 16, _mm512_setzero_ps, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_set1_ps,
           _mm512_fmadd_ps, _mm512_mul_ps, _mm512_add_ps)

#if defined(__x86_64__)
/// dst[p·ldd + j] = src[j·lds + p] for p, j < 16: a 16 × 16 block transposed in registers (pairs of
/// rows interleaved, then pairs of pairs, then 128-bit lanes twice).
AVX512 static void transpose16(const float *src, size_t lds, float *dst, size_t ldd) {
  __m512 r[16], t[16];
  for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(src + i * lds);
  for (int i = 0; i < 8; i++) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 4; i++) {
    const __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 1]);
    const __m512d c = _mm512_castps_pd(t[4 * i + 2]), d = _mm512_castps_pd(t[4 * i + 3]);
    r[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
    r[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
    r[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
    r[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
  }
  for (int h = 0; h < 16; h += 8)
    for (int i = 0; i < 4; i++) {
      t[h + i] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0x88);
      t[h + i + 4] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0xdd);
    }
  for (int i = 0; i < 8; i++) {
    _mm512_storeu_ps(dst + i * ldd, _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88));
    _mm512_storeu_ps(dst + (i + 8) * ldd, _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd));
  }
}
#endif

static __thread float *packed_buffer, *partial_buffer, *edge_buffer;
static __thread size_t packed_capacity, partial_capacity, edge_capacity;

/// The width of the panel that starts at column j0 of nc: nr = 2·lanes, or `lanes` for a last
/// panel of at most `lanes` columns.
static inline size_t panel_width(size_t lanes, size_t nc, size_t j0) {
  const size_t nr = 2 * lanes;
  return nc - j0 >= nr ? nr : (nc - j0 <= lanes ? lanes : nr);
}

/// Packs B[0 ..< kc, 0 ..< nc] (element (p, j) at b[p·rsb + j·csb]) into panels of
/// panel_width columns, kc rows each, p-major; columns beyond nc are zero.
static void pack_b(size_t lanes, size_t kc, size_t nc, const float *b, size_t rsb, size_t csb, float *packed) {
  size_t offset = 0;
  for (size_t j0 = 0; j0 < nc; j0 += 2 * lanes) {
    const size_t width = panel_width(lanes, nc, j0);
    const size_t valid = nc - j0 < width ? nc - j0 : width;
    float *panel = packed + offset;
    const float *src = b + j0 * csb;
    if (csb == 1) {
      for (size_t p = 0; p < kc; p++) {
        float *row = panel + p * width;
        const float *from = src + p * rsb;
        size_t jj = 0;
        for (; jj + 8 <= valid; jj += 8) {  // short rows: a call to memcpy costs more than the copy
          float chunk[8];
          __builtin_memcpy(chunk, from + jj, sizeof chunk);
          __builtin_memcpy(row + jj, chunk, sizeof chunk);
        }
        for (; jj < valid; jj++) row[jj] = from[jj];
        for (jj = valid; jj < width; jj++) row[jj] = 0.0f;
      }
    } else {
      // B is stored transposed: read each of its columns (a contiguous run when rsb = 1) once;
      // with AVX-512, 16 × 16 blocks of them transposed in registers.
      size_t vp = 0, vj = 0;
#if defined(__x86_64__)
      if (lanes == 16 && rsb == 1) {
        vp = kc - kc % 16, vj = valid - valid % 16;
        for (size_t p0 = 0; p0 < vp; p0 += 16)
          for (size_t j0 = 0; j0 < vj; j0 += 16) transpose16(src + j0 * csb + p0, csb, panel + p0 * width + j0, width);
      }
#endif
      for (size_t jj = 0; jj < valid; jj++) {
        const float *from = src + jj * csb;
        for (size_t p = jj < vj ? vp : 0; p < kc; p++) panel[p * width + jj] = from[p * rsb];
      }
      for (size_t p = 0; p < kc; p++)
        for (size_t jj = valid; jj < width; jj++) panel[p * width + jj] = 0.0f;
    }
    offset += kc * width;
  }
}

/// The blocked product on one ISA.
static void sgemm_blocked(const isa_t *isa, size_t m, size_t n, size_t k, float alpha, const float *a,
                          size_t rsa, size_t csa, const float *b, size_t rsb, size_t csb, float beta,
                          const float *y, size_t ldy, const float *z, size_t ldz, float *c, size_t ldc) {
  const size_t mr = (size_t)isa->mr, lanes = (size_t)isa->lanes, nr = 2 * lanes;
  // Partial sums between k-blocks, row stride n.
  float *partial = k > KC ? scratch(&partial_buffer, &partial_capacity, m * n) : NULL;
  // Edge tiles: an mr × nr tile of C, and rows of A padded with zeros (kc × mr, p-major).
  float *edge = scratch(&edge_buffer, &edge_capacity, mr * nr + KC * mr);
  float *edge_a = edge + mr * nr;
  for (size_t jc = 0; jc < n; jc += NC) {
    const size_t nc = n - jc < NC ? n - jc : NC;
    for (size_t pc = 0; pc < k || (k == 0 && pc == 0); pc += KC) {
      const size_t kc = k - pc < KC ? k - pc : KC;
      const int first = pc == 0, last = pc + kc >= k;
      // Pack B[pc ..< pc+kc, jc ..< jc+nc] into panels: nr columns wide, or lanes for a last
      // panel of at most `lanes` columns; zero beyond n.
      float *packed = scratch(&packed_buffer, &packed_capacity, (kc ? kc : 1) * (nc + nr));
      pack_b(lanes, kc, nc, b + pc * rsb + jc * csb, rsb, csb, packed);
      for (size_t i0 = 0; i0 < m; i0 += mr) {
        const size_t rows = m - i0 < mr ? m - i0 : mr;
        const float *ai = a + i0 * rsa + pc * csa;
        size_t rsa_i = rsa, csa_i = csa;
        if (rows < mr) {  // copy the last rows of A, padded with zero rows
          for (size_t p = 0; p < kc; p++)
            for (size_t r = 0; r < mr; r++) edge_a[p * mr + r] = r < rows ? ai[r * rsa + p * csa] : 0.0f;
          ai = edge_a, rsa_i = 1, csa_i = mr;
        }
        size_t panel_offset = 0;
        for (size_t j0 = 0; j0 < nc; j0 += nr) {
          const size_t width = nc - j0 >= nr ? nr : (nc - j0 <= lanes ? lanes : nr);
          const size_t cols = nc - j0 < width ? nc - j0 : width;
          const float *panel = packed + panel_offset;
          panel_offset += kc * width;
          micro_fn kernel = width == nr ? isa->wide : isa->narrow;
          float *cij = c + i0 * ldc + jc + j0;
          const float *yij = y + i0 * ldy + jc + j0, *zij = z ? z + i0 * ldz + jc + j0 : NULL;
          float *pij = partial ? partial + i0 * n + jc + j0 : NULL;
          if (rows == mr && cols == width) {
            kernel(kc, ai, rsa_i, csa_i, panel, first ? NULL : pij, n, last ? cij : pij, last ? ldc : n, yij, ldy,
                   last ? zij : NULL, ldz, last, alpha, beta);
            continue;
          }
          // An edge tile: run the full tile into `edge`, then copy out what exists.
          if (!first)
            for (size_t r = 0; r < mr; r++)
              for (size_t jj = 0; jj < width; jj++)
                edge[r * width + jj] = r < rows && jj < cols ? pij[r * n + jj] : 0.0f;
          kernel(kc, ai, rsa_i, csa_i, panel, first ? NULL : edge, width, edge, width, NULL, 0, NULL, 0, 0, alpha, beta);
          for (size_t r = 0; r < rows; r++)
            for (size_t jj = 0; jj < cols; jj++) {
              const float acc = edge[r * width + jj];
              if (!last) {
                pij[r * n + jj] = acc;
              } else {
                const float t = alpha * acc;
                const float u = beta == 0.0f ? t : t + beta * yij[r * ldy + jj];
                cij[r * ldc + jj] = zij ? u + zij[r * ldz + jj] : u;
              }
            }
        }
      }
      if (k == 0) break;
    }
  }
}
#endif

/// loom_sgemm on a chosen path with explicit strides: A[i, p] = a[i·rsa + p·csa], B[p, j] = b[p·rsb + j·csb].
static void sgemm_strided(int path, size_t m, size_t n, size_t k, float alpha, const float *a, size_t rsa,
                          size_t csa, const float *b, size_t rsb, size_t csb, float beta, const float *y, size_t ldy,
                          const float *z, size_t ldz, float *c, size_t ldc) {
  if (m == 0 || n == 0) return;
#if defined(__x86_64__)
  if (m == 1 && csb == 1 && path >= 1 && loom_kernels_have_avx2()) {
    if (path >= 2 && loom_kernels_have_avx512()) row_avx512(n, k, alpha, a, csa, b, rsb, beta, y, z, c);
    else row_avx2(n, k, alpha, a, csa, b, rsb, beta, y, z, c);
    return;
  }
  if (path >= 2 && loom_kernels_have_avx512()) {
    sgemm_blocked(&isa_avx512, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, y, ldy, z, ldz, c, ldc);
    return;
  }
  if (path >= 1 && loom_kernels_have_avx2()) {
    sgemm_blocked(&isa_avx2, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, y, ldy, z, ldz, c, ldc);
    return;
  }
#else
  (void)path;
#endif
  sgemm_scalar(m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, y, ldy, z, ldz, c, ldc);
}

void loom_sgemm_path(int path, int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha,
                     const float *a, size_t lda, const float *b, size_t ldb, float beta, float *c, size_t ldc) {
  const size_t rsa = trans_a ? 1 : lda, csa = trans_a ? lda : 1;
  const size_t rsb = trans_b ? 1 : ldb, csb = trans_b ? ldb : 1;
  sgemm_strided(path, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c, ldc, NULL, 0, c, ldc);
}

void loom_sgemm_bias_path(int path, int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha,
                          const float *a, size_t lda, const float *b, size_t ldb, float beta, const float *bias,
                          const float *residual, size_t ldr, float *c, size_t ldc) {
  const size_t rsa = trans_a ? 1 : lda, csa = trans_a ? lda : 1;
  const size_t rsb = trans_b ? 1 : ldb, csb = trans_b ? ldb : 1;
  sgemm_strided(path, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, bias, 0, residual, ldr, c, ldc);
}

static int current_path(void) { return loom_kernels_use_avx512 ? 2 : loom_kernels_use_avx2 ? 1 : 0; }

void loom_sgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
                const float *b, size_t ldb, float beta, float *c, size_t ldc) {
  loom_sgemm_path(current_path(), trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void loom_sgemm_bias(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
                     const float *b, size_t ldb, float beta, const float *bias, const float *residual, size_t ldr, float *c,
                     size_t ldc) {
  loom_sgemm_bias_path(current_path(), trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, bias, residual, ldr, c, ldc);
}

// --- Attention for one new token, four heads at once (the KV-cache decoder): out_h = alpha_h ·
// Σ_j p_h[j]·V_h[j, :] for h = 0…3, each output lane one fma chain in j order from +0 — the chains
// of loom_sgemm with m = 1 — but the four heads' chains side by side instead of one call after
// another, each waiting on its own FMA latency.
#if defined(__x86_64__)
AVX512 static void attend_values4_avx512(size_t count, size_t hd, const float *p, size_t ldp, const float *v,
                                         size_t ldv, const float alpha[4], float *out) {
  __m512 acc[4][4];
  const size_t nv = hd / 16;
  for (int h = 0; h < 4; h++)
    for (size_t c = 0; c < nv; c++) acc[h][c] = _mm512_setzero_ps();
  for (size_t j = 0; j < count; j++)
    for (int h = 0; h < 4; h++) {
      const __m512 w = _mm512_set1_ps(p[h * ldp + j]);
      const float *row = v + h * ldv + j * hd;
      for (size_t c = 0; c < nv; c++) acc[h][c] = _mm512_fmadd_ps(w, _mm512_loadu_ps(row + 16 * c), acc[h][c]);
    }
  for (int h = 0; h < 4; h++)
    for (size_t c = 0; c < nv; c++)
      _mm512_storeu_ps(out + h * hd + 16 * c, _mm512_mul_ps(_mm512_set1_ps(alpha[h]), acc[h][c]));
}
#endif

int loom_attend_values4_f32(size_t count, size_t hd, const float *p, size_t ldp, const float *v, size_t ldv,
                            float alpha0, float alpha1, float alpha2, float alpha3, float *out) {
#if defined(__x86_64__)
  if (current_path() >= 2 && hd % 16 == 0 && hd >= 16 && hd <= 64) {
    const float alpha[4] = {alpha0, alpha1, alpha2, alpha3};
    attend_values4_avx512(count, hd, p, ldp, v, ldv, alpha, out);
    return 1;
  }
#else
  (void)count; (void)hd; (void)p; (void)ldp; (void)v; (void)ldv; (void)alpha0; (void)alpha1; (void)alpha2; (void)alpha3;
  (void)out;
#endif
  return 0;
}

// --- Causal products (attention): the same chains as loom_sgemm, without the work on the
// triangle that is known to be zero or unused. Rows are taken a block at a time; within a block
// the products run to the block's edge, so some rows include a few of the zero terms: exact no-ops
// (see CNumericKernels.h), which is why the bits do not depend on the blocking.

/// Row blocks of the fallback (and of the Swift loop it replaced).
enum { CAUSAL_BLOCK = 16 };

/// The causal product as a loop of plain products over blocks of CAUSAL_BLOCK rows.
static void causal_by_blocks(int path, int mode, size_t m, size_t n, size_t k, float alpha, const float *a,
                             size_t rsa, size_t csa, const float *b, size_t rsb, size_t csb, float beta, float *c,
                             size_t ldc) {
  for (size_t r0 = 0; r0 < m; r0 += CAUSAL_BLOCK) {
    const size_t r1 = m - r0 < CAUSAL_BLOCK ? m : r0 + CAUSAL_BLOCK;
    const float *ar = a + r0 * rsa;
    float *cr = c + r0 * ldc;
    switch (mode) {
    case LOOM_CAUSAL_LOWER:
      sgemm_strided(path, r1 - r0, r1 < n ? r1 : n, k, alpha, ar, rsa, csa, b, rsb, csb, beta, cr, ldc, NULL, 0, cr, ldc);
      break;
    case LOOM_CAUSAL_K_END:
      sgemm_strided(path, r1 - r0, n, r1 < k ? r1 : k, alpha, ar, rsa, csa, b, rsb, csb, beta, cr, ldc, NULL, 0, cr, ldc);
      break;
    default: {
      const size_t kb = r0 < k ? r0 : k;
      sgemm_strided(path, r1 - r0, n, k - kb, alpha, ar + kb * csa, rsa, csa, b + kb * rsb, rsb, csb, beta, cr, ldc,
                    NULL, 0, cr, ldc);
    }
    }
  }
}

#if defined(__x86_64__)
/// The causal product in one pass: B packed once, then each mr-row tile of C runs its micro-kernels
/// over the k range (K_END, K_BEGIN) or the column panels (LOWER) its rows need. k ≤ KC, n ≤ NC.
static void causal_tiles(const isa_t *isa, int mode, size_t m, size_t n, size_t k, float alpha, const float *a,
                         size_t rsa, size_t csa, const float *b, size_t rsb, size_t csb, float beta, float *c,
                         size_t ldc) {
  const size_t mr = (size_t)isa->mr, lanes = (size_t)isa->lanes, nr = 2 * lanes;
  float *edge = scratch(&edge_buffer, &edge_capacity, mr * nr + KC * mr);
  float *edge_a = edge + mr * nr;
  float *packed = scratch(&packed_buffer, &packed_capacity, (k ? k : 1) * (n + nr));
  pack_b(lanes, k, n, b, rsb, csb, packed);
  for (size_t i0 = 0; i0 < m; i0 += mr) {
    const size_t rows = m - i0 < mr ? m - i0 : mr;
    const size_t kb = mode == LOOM_CAUSAL_K_BEGIN ? (i0 < k ? i0 : k) : 0;
    const size_t ke = mode == LOOM_CAUSAL_K_END ? (i0 + rows < k ? i0 + rows : k) : k;
    const size_t kc = ke - kb;
    const size_t jend = mode == LOOM_CAUSAL_LOWER ? (i0 + rows < n ? i0 + rows : n) : n;
    const float *ai = a + i0 * rsa + kb * csa;
    size_t rsa_i = rsa, csa_i = csa;
    if (rows < mr) {  // copy the last rows of A, padded with zero rows
      for (size_t p = 0; p < kc; p++)
        for (size_t r = 0; r < mr; r++) edge_a[p * mr + r] = r < rows ? ai[r * rsa + p * csa] : 0.0f;
      ai = edge_a, rsa_i = 1, csa_i = mr;
    }
    size_t panel_offset = 0;
    for (size_t j0 = 0; j0 < jend; j0 += nr) {
      const size_t width = panel_width(lanes, n, j0);
      const size_t cols = n - j0 < width ? n - j0 : width;
      const float *panel = packed + panel_offset + kb * width;
      panel_offset += k * width;
      micro_fn kernel = width == nr ? isa->wide : isa->narrow;
      float *cij = c + i0 * ldc + j0;
      if (rows == mr && cols == width) {
        kernel(kc, ai, rsa_i, csa_i, panel, NULL, 0, cij, ldc, cij, ldc, NULL, 0, 1, alpha, beta);
        continue;
      }
      kernel(kc, ai, rsa_i, csa_i, panel, NULL, width, edge, width, NULL, 0, NULL, 0, 0, alpha, beta);
      for (size_t r = 0; r < rows; r++)
        for (size_t jj = 0; jj < cols; jj++) {
          const float t = alpha * edge[r * width + jj];
          cij[r * ldc + jj] = beta == 0.0f ? t : t + beta * cij[r * ldc + jj];
        }
    }
  }
}
#endif

void loom_sgemm_causal_path(int path, int mode, int trans_a, int trans_b, size_t m, size_t n, size_t k,
                            float alpha, const float *a, size_t lda, const float *b, size_t ldb, float beta,
                            float *c, size_t ldc) {
  if (m == 0 || n == 0) return;
  const size_t rsa = trans_a ? 1 : lda, csa = trans_a ? lda : 1;
  const size_t rsb = trans_b ? 1 : ldb, csb = trans_b ? ldb : 1;
#if defined(__x86_64__)
  if (k <= KC && n <= NC && m > 1) {
    if (path >= 2 && loom_kernels_have_avx512()) {
      causal_tiles(&isa_avx512, mode, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c, ldc);
      return;
    }
    if (path >= 1 && loom_kernels_have_avx2()) {
      causal_tiles(&isa_avx2, mode, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c, ldc);
      return;
    }
  }
#endif
  causal_by_blocks(path, mode, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c, ldc);
}

void loom_sgemm_causal(int mode, int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha,
                       const float *a, size_t lda, const float *b, size_t ldb, float beta, float *c, size_t ldc) {
  loom_sgemm_causal_path(current_path(), mode, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
