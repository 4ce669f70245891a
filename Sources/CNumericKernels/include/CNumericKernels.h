// AVX2 copies of NumericCore's hottest elementwise loops (GELU and the fast exp), 8 lanes wide
// where the Swift loops, compiled for baseline x86-64, run 4. Every lane performs exactly the
// Swift code's operations in the same order (no FMA: the file contracts nothing and does not
// enable the fma feature), so results are bit-identical; callers use them only when
// `loom_kernels_have_avx2()` says so, and the Swift loops otherwise. Where the CPU has AVX-512F,
// each kernel runs a 16-lane copy instead, lane for lane the same operations (bit-identical too).
#ifndef C_NUMERIC_KERNELS_H
#define C_NUMERIC_KERNELS_H

#include <stddef.h>

/// 1 when the CPU runs AVX2 (checked once), else 0; always 0 off x86-64.
int loom_kernels_have_avx2(void);
/// 1 when the CPU (and OS) run AVX-512F (checked once), else 0; always 0 off x86-64.
int loom_kernels_have_avx512(void);

/// Whether NumericCore uses these kernels: the CPU has AVX2 and LOOM_NUMERIC_AVX2 is not "0".
/// Set when the program loads; read with `loom_kernels_enabled()` (a plain load, no lazy init).
extern int loom_kernels_use_avx2;
static inline int loom_kernels_enabled(void) { return loom_kernels_use_avx2; }
/// Whether the kernels below run their AVX-512 copies (16 lanes, the same operations per lane, so
/// the same bits): AVX2 is on, the CPU has AVX-512F and LOOM_NUMERIC_AVX512 is not "0".
extern int loom_kernels_use_avx512;

/// y[i] = 0.5·v·(1 + tanh(c·(v + k·v·v·v))) with v = x[i], NumericCore's fastTanh; t[i] = the tanh
/// (t may be NULL). x may equal y (in place).
void loom_gelu_f32(const float *x, float *y, float *t, size_t n, float c, float k);

/// y[i] = fastExp(x[i]·scale − m) (scale applied only when has_scale is nonzero). x may equal y.
void loom_exp_shifted_f32(const float *x, float *y, size_t n, int has_scale, float scale, float m);

/// GELU's backward: gx[i] += gy[i]·d with v = x[i], th = t[i] (the forward's tanh) and
/// d = 0.5·(1 + th) + 0.5·v·(1 − th·th)·c·(1 + 3·k·v·v).
void loom_gelu_backward_f32(const float *x, const float *t, const float *gy, float *gx, size_t n, float c, float k, int fresh);

/// log-softmax's backward for one row: gx[j] += scale·(gy[j] − exp(y[j])·s).
void loom_log_softmax_backward_f32(const float *y, const float *gy, float *gx, size_t n, float scale, float s);

/// The max of x[0..<n], computed in any order, into *out and 1 when that is provably the bits of
/// NumericCore's in-order scans (no NaN, and a nonzero max: floats that compare equal have the
/// same bits unless they are ±0); 0 otherwise (n = 0 too), leaving *out, and the caller scans.
int loom_row_max_f32(const float *x, size_t n, float *out);

/// LayerNorm's statistics for `rows` (1…8) consecutive rows of width n: mean[k] = Σx / n and
/// squares[k] = Σ(x − mean)², each sum in NumericCore's four-accumulator order (`rowSum`,
/// `centeredSquares`), so the same bits; eight rows' chains run side by side.
void loom_layer_norm_stats8_f32(const float *x, size_t rows, size_t n, float *mean, float *squares);
/// out[i] = Σ_j double(x[i][j])² over j < count[i] in order from 0 (one chain per array, so the bits
/// of that loop), for n arrays, up to eight chains side by side. Any CPU.
void loom_sum_squares_f64(const float *const *x, const size_t *count, size_t n, double *out);
/// LayerNorm's forward for `rows` (1…8) rows of width n, `layerNormRows`' operations (the same bits):
/// the statistics above, rstd = 1/√(squares/n + eps), x̂ = (x − mean)·rstd, y = x̂·γ + β; x̂ rows at
/// xhat_stride, rstd at rstd_stride (0: one scratch value or row, overwritten).
void loom_layer_norm_rows8_f32(const float *x, size_t rows, size_t n, const float *gamma, const float *beta, float eps,
                               float *y, float *xhat, size_t xhat_stride, float *rstd, size_t rstd_stride);

/// The causal softmax of one [t, t] block of scores (row r sees columns 0…r) with `softmaxRows`'
/// operations and summation order, so the same bits; 16 lanes. Past the diagonal, row r is zero to
/// the end of its 16-column block (columns below 16·⌈(r + 1)/16⌉) and not written beyond: all that
/// the causal products read (loom_sgemm_causal's tiles of 8 rows, or blocks of 16, never reach past
/// it). Returns 1, or 0 (y unspecified; the caller runs its own loop) without AVX-512 or when a
/// row's max is NaN or ±0.
int loom_causal_softmax_f32(const float *x, float *y, size_t t, float scale);
/// The KV-cache decoder's attention for one new token over four heads (GPTDecoder.attendFour, the same
/// bits): q holds the four heads' queries (hd each), head h's keys are kt[h·kt_stride + p·capacity +
/// j] and values v[h·ldv + j·hd + c] for columns j < count; scores (4 × capacity) is scratch; out gets
/// the four heads' outputs (4·hd). Returns 1, or 0 (out untouched) without AVX-512, for hd not a
/// multiple of 16 up to 64, or when a row of scores has a NaN or a max of ±0.
int loom_decode_attend4_f32(const float *q, const float *kt, size_t kt_stride, size_t capacity, size_t count, size_t hd,
                            float scale, const float *v, size_t ldv, float *scores, float *out);
/// Attention's backward through the causal softmax of one [t, t] block, in place: row r of `ds`
/// holds dP (columns 0…r read) and becomes dS = (scale·P)·(dP − s), s = Σ_{j ≤ r} dP·P in rowDot's
/// four-accumulator order, with zeros past the diagonal to the end of its 16-column block (not
/// written beyond, as loom_causal_softmax_f32) — the bits of `attentionBackward`'s loops.
/// Returns 1, or 0 without AVX-512 (nothing written; the caller runs its loops).
int loom_attention_ds_f32(float *ds, const float *prob, size_t t, float scale);

/// Adam's update of n parameters in place, `adamKernel`'s operations per element (the same bits):
/// p ← p·decay; g' = g + l2·p; m ← b1·m + (1 − b1)·g'; v ← b2·v + ((1 − b2)·g')·g';
/// p ← p − (step·m)/(√v·scale + eps).
void loom_adam_f32(float *p, const float *g, float *m, float *v, size_t n, float decay, float l2, float b1, float b2,
                   float step, float scale, float eps);

/// LayerNorm's backward for `rows` (1…8) consecutive rows of width n (gy, x̂ and gx row stride n;
/// rstd one per row): gx += rstd·((dy − m1) − x̂·m2) with dy = gy·γ, m1 = rowSum(dy)/n and
/// m2 = rowDot(dy, x̂)/n in NumericCore's four-accumulator order; γ's and β's gradients (either
/// may be NULL, as gx) accumulate gy·x̂ and gy over the rows in order: the bits of
/// `layerNormBackward`. scratch holds 8·n floats.
void loom_layer_norm_backward8_f32(const float *gy, const float *gamma, const float *xhat, const float *rstd, float *gx,
                                   float *ggamma, float *gbeta, size_t rows, size_t n, float *scratch);

/// C ← alpha·op(A)·op(B) + beta·C for row-major Float matrices (op = transpose when trans_* is
/// nonzero; A is m × k after op, B k × n, C m × n; lda, ldb, ldc are row strides). Every element is
/// acc = +0, then acc = fma(A[i,p], B[p,j], acc) for p = 0 ..< k in order, then alpha·acc, plus
/// beta·C when beta ≠ 0 (C is not read when beta = 0): the same bits on every CPU and code path.
/// Runs the AVX-512 kernel when `loom_kernels_use_avx512`, else AVX2 when enabled, else scalar fmaf.
void loom_sgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
                const float *b, size_t ldb, float beta, float *c, size_t ldc);
/// loom_sgemm on a chosen path, for tests and benchmarks: 0 scalar, 1 AVX2, 2 AVX-512 (a path the
/// CPU lacks falls back to the next one down).
void loom_sgemm_path(int path, int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha,
                     const float *a, size_t lda, const float *b, size_t ldb, float beta, float *c, size_t ldc);
/// Four heads' attention outputs for one query (the KV-cache decoder): out[h·hd + c] = alpha_h ·
/// Σ_{j < count} p[h·ldp + j]·v[h·ldv + j·hd + c], each sum one fma chain in j order from +0 — the
/// bits of loom_sgemm(m = 1, n = hd, k = count) per head — with the four heads' chains interleaved.
/// Returns 1, or 0 when this CPU path or hd (a multiple of 16 up to 64) has no such kernel (then
/// call loom_sgemm per head).
int loom_attend_values4_f32(size_t count, size_t hd, const float *p, size_t ldp, const float *v, size_t ldv,
                            float alpha0, float alpha1, float alpha2, float alpha3, float *out);
/// loom_sgemm with a bias row in place of C as the addend, and optionally a residual stream added
/// last: C[i, j] ← (alpha·acc + beta·bias[j]) + residual[i·ldr + j] (C only written; residual may be
/// NULL). The bits of filling every row of C with `bias`, calling loom_sgemm, then adding the
/// residual (residual + C, which IEEE addition gives in either order).
void loom_sgemm_bias(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
                     const float *b, size_t ldb, float beta, const float *bias, const float *residual, size_t ldr, float *c,
                     size_t ldc);
/// loom_sgemm_bias on a chosen path (as loom_sgemm_path).
void loom_sgemm_bias_path(int path, int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha,
                          const float *a, size_t lda, const float *b, size_t ldb, float beta, const float *bias,
                          const float *residual, size_t ldr, float *c, size_t ldc);

/// Which triangle a causal product (`loom_sgemm_causal`) may leave out, for C (m × n) and A
/// (m × k after op) whose row i is position i of a sequence:
enum {
  /// C[i, j] is needed for j ≤ i only; entries above the diagonal are left unspecified.
  LOOM_CAUSAL_LOWER = 0,
  /// A[i, p] = +0 for p > i (attention probabilities, or their gradient, times values or keys).
  LOOM_CAUSAL_K_END = 1,
  /// A[i, p] = +0 for p < i (the transpose of such a matrix, times values or queries).
  LOOM_CAUSAL_K_BEGIN = 2,
};
/// How far past the diagonal a causal product reads A (K_END: columns p > i of row i; K_BEGIN: rows
/// p < i of column i): on the AVX-512 path (tiles of 8 rows) and the scalar path (blocks of 16 rows),
/// never past the end of the diagonal's 16-wide block (p < 16·⌈(i + 1)/16⌉), which is as far as
/// loom_causal_softmax_f32 and loom_attention_ds_f32 write their zeros; the AVX2 path's tiles of 6
/// rows may read up to 5 further (it only meets matrices its own fallbacks zeroed in full).
/// loom_sgemm for attention's products, skipping work on the triangle `mode` names. When A's zeros
/// are exactly +0 and B is finite, every computed element has loom_sgemm's bits: a term 0·b at the
/// end of a chain adds ±0 to a sum that is not −0 (the chain starts at +0 and a rounded sum is −0
/// only when it is exactly −0), and at the start leaves the +0 sum +0; so no blocking of the rows
/// changes a bit. (With LOWER, only the entries at or below the diagonal are defined.)
void loom_sgemm_causal(int mode, int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha,
                       const float *a, size_t lda, const float *b, size_t ldb, float beta, float *c, size_t ldc);
/// loom_sgemm_causal on a chosen path (as loom_sgemm_path).
void loom_sgemm_causal_path(int path, int mode, int trans_a, int trans_b, size_t m, size_t n, size_t k,
                            float alpha, const float *a, size_t lda, const float *b, size_t ldb, float beta,
                            float *c, size_t ldc);

#endif
