// Dispatch to the AVX2 copies of the hottest elementwise loops (Sources/CNumericKernels): the
// same operations per element in the same order, eight lanes at a time instead of the four of
// the baseline-x86-64 Swift loops, so the same bits. They run when the CPU has AVX2, unless
// LOOM_NUMERIC_AVX2=0 (the Swift loops then run: how the fingerprint test checks both paths).
// Where the CPU has AVX-512F the C side runs 16-lane copies of the same operations (the same bits
// again; LOOM_NUMERIC_AVX512=0 keeps it at AVX2 width).
import CNumericKernels

/// Whether the AVX2 kernels run in this process (decided when it loads; see CNumericKernels.h).
var avx2Kernels: Bool {
  @inline(__always) get { loom_kernels_enabled() != 0 }
}

/// If `S` is Float and AVX2 runs: y = gelu(x) (and t = its tanh, if given) through the AVX2
/// kernel, returning true; false otherwise (the caller runs its Swift loop).
@inline(__always)
func geluAVX2<S: TensorScalar>(
  _ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ t: UnsafeMutablePointer<S>?, count: Int, c: S, k: S
) -> Bool {
  guard S.self == Float.self, avx2Kernels, count > 0 else { return false }
  loom_gelu_f32(
    UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
    UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self),
    t.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Float.self) }, count,
    unsafeBitCast(c, to: Float.self), unsafeBitCast(k, to: Float.self))
  return true
}

/// If `S` is Float and AVX2 runs: y[i] = exp(x[i]·scale − m) (or exp(x[i] − m) when `scale` is
/// nil), returning true; false otherwise. x may equal y.
@inline(__always)
func expShiftedAVX2<S: TensorScalar>(
  _ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, count: Int, scale: S?, minus m: S
) -> Bool {
  guard S.self == Float.self, avx2Kernels, count > 0 else { return false }
  loom_exp_shifted_f32(
    UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
    UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self), count, scale == nil ? 0 : 1,
    unsafeBitCast(scale ?? 1, to: Float.self), unsafeBitCast(m, to: Float.self))
  return true
}

/// Rebinds a pointer to Float storage (callers have checked S == Float).
@inline(__always)
private func floats<S>(_ p: UnsafePointer<S>) -> UnsafePointer<Float> {
  UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
}

/// If `S` is Float and AVX2 runs: GELU's backward, gx += gy·gelu′(x) from the forward's tanh `t`,
/// returning true; false otherwise.
@inline(__always)
func geluBackwardAVX2<S: TensorScalar>(
  _ x: UnsafePointer<S>, _ t: UnsafePointer<S>, _ gy: UnsafePointer<S>, _ gx: UnsafeMutablePointer<S>,
  count: Int, c: S, k: S, fresh: Bool
) -> Bool {
  guard S.self == Float.self, avx2Kernels, count > 0 else { return false }
  loom_gelu_backward_f32(
    floats(x), floats(t), floats(gy), UnsafeMutableRawPointer(gx).assumingMemoryBound(to: Float.self), count,
    unsafeBitCast(c, to: Float.self), unsafeBitCast(k, to: Float.self), fresh ? 1 : 0)
  return true
}

/// If `S` is Float and AVX2 runs: one log-softmax row's backward, gx += scale·(gy − exp(y)·s),
/// returning true; false otherwise.
@inline(__always)
func logSoftmaxBackwardAVX2<S: TensorScalar>(
  _ y: UnsafePointer<S>, _ gy: UnsafePointer<S>, _ gx: UnsafeMutablePointer<S>, count: Int, scale: S, s: S
) -> Bool {
  guard S.self == Float.self, avx2Kernels, count > 0 else { return false }
  loom_log_softmax_backward_f32(
    floats(y), floats(gy), UnsafeMutableRawPointer(gx).assumingMemoryBound(to: Float.self), count,
    unsafeBitCast(scale, to: Float.self), unsafeBitCast(s, to: Float.self))
  return true
}

/// If `S` is Float and AVX2 runs: the max of x[0..<n] when an any-order max provably has the bits
/// of an in-order scan (`m = x[j]` where `x[j] > m`, or `x[j] >= m` from −inf): no NaN, and a
/// nonzero max (equal floats have equal bits unless they are ±0). nil otherwise: the caller scans.
@inline(__always)
func rowMaxAVX<S: TensorScalar>(_ x: UnsafePointer<S>, count n: Int) -> S? {
  guard S.self == Float.self, avx2Kernels, n > 0 else { return nil }
  var m: Float = 0
  guard loom_row_max_f32(floats(x), n, &m) != 0 else { return nil }
  return unsafeBitCast(m, to: S.self)
}

/// If `S` is Float and AVX2 runs: LayerNorm's backward for `rows` rows (`layerNormBackward`'s
/// operations in its order, eight rows side by side), returning true; false otherwise.
func layerNormBackwardAVX2<S: TensorScalar>(
  _ gy: UnsafePointer<S>, _ gamma: UnsafePointer<S>, _ xhat: UnsafePointer<S>, _ rstd: UnsafePointer<S>,
  gx: UnsafeMutablePointer<S>?, ggamma: UnsafeMutablePointer<S>?, gbeta: UnsafeMutablePointer<S>?, rows: Int, n: Int
) -> Bool {
  guard S.self == Float.self, avx2Kernels, rows > 0, n > 0 else { return rows == 0 || n == 0 }
  func f(_ p: UnsafePointer<S>) -> UnsafePointer<Float> { UnsafeRawPointer(p).assumingMemoryBound(to: Float.self) }
  func m(_ p: UnsafeMutablePointer<S>?) -> UnsafeMutablePointer<Float>? {
    p.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Float.self) }
  }
  withUnsafeTemporaryAllocation(of: Float.self, capacity: 8 * n) { scratch in
    var r = 0
    while r < rows {
      let k = Swift.min(8, rows - r)
      loom_layer_norm_backward8_f32(
        f(gy + r * n), f(gamma), f(xhat + r * n), f(rstd + r), m(gx.map { $0 + r * n }), m(ggamma), m(gbeta), k, n,
        scratch.baseAddress!)
      r += k
    }
  }
  return true
}

/// If `S` is Float and AVX-512 runs: the causal softmax of one [t, t] block (`softmaxRows` with
/// `causalT: t`, the same bits), returning true; false otherwise (the caller runs softmaxRows).
@inline(__always)
func causalSoftmaxAVX512<S: TensorScalar>(_ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, t: Int, scale: S) -> Bool {
  guard S.self == Float.self, avx2Kernels else { return false }
  return loom_causal_softmax_f32(
    floats(x), UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self), t, unsafeBitCast(scale, to: Float.self)) != 0
}
