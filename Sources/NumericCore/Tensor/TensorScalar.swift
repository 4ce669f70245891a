// Why a generic `TensorOf<Scalar>` rather than a separate Double path:
// lectures train in Float32 (half the memory traffic, twice the SIMD width, cblas_sgemm), while
// gradient checks need Float64 to reach tight tolerances. One generic class keeps a single
// implementation of every op and its derivative. Speed does not suffer because every loop lives
// in a free kernel function marked `@_specialize(where S == Float)` / `(where S == Double)`: the
// generic entry point jumps to the pre-specialised copy at run time, so callers in other modules
// (notes, benchmarks) run concrete Float code without anything being `@inlinable`. The graph
// plumbing around the kernels stays generic; it costs a few witness calls per op, not per element.
import CBLAS

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
  /// C ← alpha·op(A)·op(B) + beta·C, row-major (cblas_sgemm / cblas_dgemm).
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
    a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
}

/// Makes OpenBLAS single-threaded exactly once (reproducible timings; 2 shared cores).
let blasSingleThreaded: Bool = {
  openblas_set_num_threads(1)
  return true
}()

@inline(__always) private func cblasTrans(_ t: Bool) -> CBLAS_TRANSPOSE {
  t ? CblasTrans : CblasNoTrans
}

extension Float: TensorScalar {
  /// e^x.
  @inline(__always) public static func exp(_ x: Float) -> Float { expf(x) }
  /// Natural logarithm.
  @inline(__always) public static func log(_ x: Float) -> Float { logf(x) }
  /// log(1 + x).
  @inline(__always) public static func log1p(_ x: Float) -> Float { log1pf(x) }
  /// Hyperbolic tangent.
  @inline(__always) public static func tanh(_ x: Float) -> Float { tanhf(x) }
  /// x^y.
  @inline(__always) public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
  /// Single-precision GEMM through OpenBLAS.
  public static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    _ = blasSingleThreaded
    cblas_sgemm(
      CblasRowMajor, cblasTrans(transA), cblasTrans(transB), Int32(m), Int32(n), Int32(k),
      alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
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
