// Why a generic `TensorOf<Scalar>` rather than a separate Double path:
// lectures train in Float32 (half the memory traffic, twice the SIMD width), while
// gradient checks need Float64 to reach tight tolerances. One generic class keeps a single
// implementation of every op and its derivative. Speed does not suffer because every loop lives
// in a free kernel function marked `@_specialize(where S == Float)` / `(where S == Double)`: the
// generic entry point jumps to the pre-specialised copy at run time, so callers in other modules
// (notes, benchmarks) run concrete Float code without anything being `@inlinable`. The graph
// plumbing around the kernels stays generic; it costs a few witness calls per op, not per element.
import CBLAS
import CNumericKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The element types a tensor can hold: `Float` (training) and `Double` (gradient checks).
public protocol TensorScalar: BinaryFloatingPoint, Sendable, CustomStringConvertible
where Magnitude == Self {
  /// e^x.
  static func exp(_ x: Self) -> Self
  /// Natural logarithm.
  static func log(_ x: Self) -> Self
  /// log(1 + x), accurate near 0.
  static func log1p(_ x: Self) -> Self
  /// Hyperbolic tangent.
  static func tanh(_ x: Self) -> Self
  /// x^y.
  static func pow(_ x: Self, _ y: Self) -> Self
  /// C ← alpha·op(A)·op(B) + beta·C, row-major (loom_sgemm / cblas_dgemm).
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
    a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
  /// C ← (alpha·op(A)·op(B) + beta·1·biasᵀ) + R (a bias row added to every row of C, then the
  /// residual R with row stride ldr if given; C is only written, and may be R): the bits of filling
  /// C's rows with `bias`, calling `gemm`, then adding R.
  static func gemmBias(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
    a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
    beta: Self, bias: UnsafePointer<Self>, residual: UnsafePointer<Self>?, ldr: Int, c: UnsafeMutablePointer<Self>, ldc: Int)
  /// `gemm` for causal attention, leaving out the triangle `mode` names (see `CausalProduct`): the
  /// same bits as `gemm` wherever the result is defined.
  static func causalGemm(
    _ mode: CausalProduct, transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
    a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
}

/// The triangle a causal product may leave out, for C (m × n) and A (m × k after op) whose row i
/// is position i of a sequence (loom_sgemm_causal in CNumericKernels.h):
public enum CausalProduct: Sendable {
  /// Only C[i, j] with j ≤ i is needed (scores); the rest is left unspecified.
  case lower
  /// A[i, p] = +0 for p > i (probabilities times values).
  case kEnd
  /// A[i, p] = +0 for p < i (transposed probabilities times the output gradient).
  case kBegin
}

extension TensorScalar {
  /// Fills C's rows with the bias, then `gemm` adds the product to them, then the residual.
  public static func gemmBias(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
    a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
    beta: Self, bias: UnsafePointer<Self>, residual: UnsafePointer<Self>?, ldr: Int, c: UnsafeMutablePointer<Self>, ldc: Int
  ) {
    // Into scratch first when C is the residual (C's rows are overwritten with the bias).
    if let residual, residual == UnsafePointer<Self>(c) {
      let t = UnsafeMutablePointer<Self>.allocate(capacity: Swift.max(m * n, 1))
      defer { t.deallocate() }
      gemmBias(
        transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta,
        bias: bias, residual: nil, ldr: 0, c: t, ldc: n)
      for i in 0..<m { for j in 0..<n { c[i * ldc + j] = residual[i * ldr + j] + t[i * n + j] } }
      return
    }
    if ldc == n { fillRows(c, with: bias, width: n, rows: m) } else { for i in 0..<m { (c + i * ldc).update(from: bias, count: n) } }
    gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    if let residual { for i in 0..<m { for j in 0..<n { c[i * ldc + j] = residual[i * ldr + j] + c[i * ldc + j] } } }
  }

  /// The causal product as plain products over blocks of 16 rows (what the Float kernel does in
  /// one pass): rows r0..<r1 need columns (LOWER), or k (K_END), below r1 only, and (K_BEGIN) k from
  /// r0. The skipped terms are exact zeros, so every defined element keeps `gemm`'s bits.
  public static func causalGemm(
    _ mode: CausalProduct, transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
    a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
  ) {
    let (rsa, csa) = transA ? (1, lda) : (lda, 1)
    let (rsb, _) = transB ? (1, ldb) : (ldb, 1)
    for r0 in stride(from: 0, to: m, by: 16) {
      let r1 = Swift.min(r0 + 16, m)
      let ar = a + r0 * rsa, cr = c + r0 * ldc
      switch mode {
      case .lower:
        gemm(transA: transA, transB: transB, m: r1 - r0, n: Swift.min(r1, n), k: k, alpha: alpha, a: ar, lda: lda, b: b, ldb: ldb, beta: beta, c: cr, ldc: ldc)
      case .kEnd:
        gemm(transA: transA, transB: transB, m: r1 - r0, n: n, k: Swift.min(r1, k), alpha: alpha, a: ar, lda: lda, b: b, ldb: ldb, beta: beta, c: cr, ldc: ldc)
      case .kBegin:
        let kb = Swift.min(r0, k)
        gemm(
          transA: transA, transB: transB, m: r1 - r0, n: n, k: k - kb, alpha: alpha, a: ar + kb * csa, lda: lda,
          b: b + kb * rsb, ldb: ldb, beta: beta, c: cr, ldc: ldc)
      }
    }
  }
}

/// One-time process set-up for the numeric core, run before the first gemm:
/// - OpenBLAS single-threaded (reproducible timings; the machines have 2 shared cores).
/// - glibc malloc keeps freed tensor buffers instead of returning them to the kernel. By
///   default every buffer over 128 KiB is a fresh mmap, and a GPT step spent a quarter of its
///   time in page faults zeroing pages for activations it had just freed.
let blasSingleThreaded: Bool = {
  openblas_set_num_threads(1)
  #if canImport(Glibc)
  // NB: <malloc.h> is not in the Glibc module, so mallopt is looked up by name.
  typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
  if let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
    let mallopt = unsafeBitCast(sym, to: Mallopt.self)
    _ = mallopt(-3, 512 << 20)  // M_MMAP_THRESHOLD
    _ = mallopt(-1, 1 << 30)  // M_TRIM_THRESHOLD
  }
  #endif
  return true
}()

@inline(__always) private func cblasTrans(_ t: Bool) -> CBLAS_TRANSPOSE {
  t ? CblasTrans : CblasNoTrans
}

extension Float: TensorScalar {
  /// e^x: a branch-free polynomial (≤ 2 ulp on [-87, 88]) that vectorises, unlike glibc's
  /// `expf` call; below -87 it returns e^-87 instead of a denormal.
  @inline(__always) public static func exp(_ x: Float) -> Float { fastExp(x) }
  /// Natural logarithm.
  @inline(__always) public static func log(_ x: Float) -> Float { logf(x) }
  /// log(1 + x).
  @inline(__always) public static func log1p(_ x: Float) -> Float { log1pf(x) }
  /// Hyperbolic tangent: Eigen's rational approximation (a few ulp, vectorisable), about 10×
  /// faster than glibc's `tanhf`, which dominated tanh-MLP training steps.
  @inline(__always) public static func tanh(_ x: Float) -> Float { fastTanh(x) }
  /// x^y.
  @inline(__always) public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
  /// Single-precision GEMM: NumericCore's own (`loom_sgemm`), one fma chain per element in k order,
  /// so the same bits on every CPU path and under every OpenBLAS kernel.
  public static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    _ = blasSingleThreaded
    loom_sgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
  }
  /// The bias row and the residual are addends in NumericCore's sgemm epilogue (`loom_sgemm_bias`):
  /// no copies of either.
  public static func gemmBias(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, bias: UnsafePointer<Float>, residual: UnsafePointer<Float>?, ldr: Int, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    _ = blasSingleThreaded
    loom_sgemm_bias(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, bias, residual, ldr, c, ldc)
  }
  /// The causal product in one pass of NumericCore's sgemm (`loom_sgemm_causal`): B packed once,
  /// each 8-row tile running only the panels or the k range its rows need.
  public static func causalGemm(
    _ mode: CausalProduct, transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    _ = blasSingleThreaded
    let code: Int32
    switch mode {
    case .lower: code = Int32(LOOM_CAUSAL_LOWER)
    case .kEnd: code = Int32(LOOM_CAUSAL_K_END)
    case .kBegin: code = Int32(LOOM_CAUSAL_K_BEGIN)
    }
    loom_sgemm_causal(code, transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
  }
}

extension Double: TensorScalar {
  /// e^x.
  @inline(__always) public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
  /// Natural logarithm.
  @inline(__always) public static func log(_ x: Double) -> Double { Glibc.log(x) }
  /// log(1 + x).
  @inline(__always) public static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }
  /// Hyperbolic tangent.
  @inline(__always) public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
  /// x^y.
  @inline(__always) public static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
  /// Double-precision GEMM through OpenBLAS.
  public static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
    a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
    beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    _ = blasSingleThreaded
    cblas_dgemm(
      CblasRowMajor, cblasTrans(transA), cblasTrans(transB), Int32(m), Int32(n), Int32(k),
      alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
}

/// tanh for Float as a clamped 13/6 rational function (Eigen's `generic_fast_tanh_float`):
/// within a few ulp of the true value on all of Float, and branch-free, so loops vectorise.
@inline(__always) func fastTanh(_ x0: Float) -> Float {
  let x = Swift.min(Swift.max(x0, -7.90531110763549805), 7.90531110763549805)
  let x2 = x * x
  var p: Float = -2.76076847742355e-16
  p = p * x2 + 2.00018790482477e-13
  p = p * x2 + -8.60467152213735e-11
  p = p * x2 + 5.12229709037114e-08
  p = p * x2 + 1.48572235717979e-05
  p = p * x2 + 6.37261928875436e-04
  p = p * x2 + 4.89352455891786e-03
  p = p * x
  var q: Float = 1.19825839466702e-06
  q = q * x2 + 1.18534705686654e-04
  q = q * x2 + 2.26843463243900e-03
  q = q * x2 + 4.89352518554385e-03
  // Tiny |x|: tanh(x) = x exactly in float (keeps the sign of zero and denormals).
  return Swift.abs(x0) < 0.0004 ? x0 : p / q
}

/// e^x for Float, Cephes-style: x = n·ln2 + r with |r| ≤ ln2/2, e^r by a degree-6 polynomial,
/// 2^n put straight into the exponent bits. Rounding uses the 1.5·2²³ trick so no libm call
/// (SSE2 has no round instruction) blocks vectorisation.
@inline(__always) func fastExp(_ x0: Float) -> Float {
  let x = Swift.min(Swift.max(x0, -87.0), 88.0)
  let magic: Float = 12582912  // 1.5·2^23: adding it rounds to an integer
  let t = x * 1.44269504088896341 + magic
  let n = t - magic
  let r = (x - n * 0.693359375) - n * -2.12194440e-4
  var p: Float = 1.9875691500e-4
  p = p * r + 1.3981999507e-3
  p = p * r + 8.3334519073e-3
  p = p * r + 4.1665795894e-2
  p = p * r + 1.6666665459e-1
  p = p * r + 5.0000001201e-1
  let er = p * r * r + r + 1
  // t's low mantissa bits hold n (t = 1.5·2^23 + n), so 2^n's exponent field is
  // bits(t) − bits(1.5·2^23) + 127: integer arithmetic with no trapping Float→Int conversion.
  let scale = Float(bitPattern: (t.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
  return er * scale
}
