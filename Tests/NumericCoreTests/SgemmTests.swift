import CBLAS
import CNumericKernels
import Testing

@testable import NumericCore

/// NumericCore's own Float matrix product (Sources/CNumericKernels/sgemm.c) against its definition:
/// every element is +0 followed by one fused multiply-add per k in order, then alpha·acc (+ beta·c).
/// Each code path (AVX-512, AVX2, scalar; a path the CPU lacks falls back to the next one down)
/// must give exactly those bits, for every transpose, leading dimension and edge of the tiling
/// (rows and columns that do not fill a register tile, k across the 256-wide k-blocks, k = 0, m = 1).
@Suite("Float gemm: one fma chain per element, the same bits on every path")
struct SgemmTests {
  /// Values across a few binades, so that the order of the additions shows in the low bits.
  static func values(_ count: Int, seed: UInt64) -> [Float] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { _ in Float(rng.normal()) * Float(1 << rng.int(below: 6)) / 8 }
  }

  /// The definition, written independently of the C code: Swift's `addingProduct` is IEEE fma.
  static func definition(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: [Float], lda: Int, b: [Float],
    ldb: Int, beta: Float, c: [Float], ldc: Int
  ) -> [Float] {
    var out = c
    for i in 0..<m {
      for j in 0..<n {
        var acc: Float = 0
        for p in 0..<k {
          let x = transA ? a[p * lda + i] : a[i * lda + p]
          let y = transB ? b[j * ldb + p] : b[p * ldb + j]
          acc = acc.addingProduct(x, y)
        }
        let t = alpha * acc
        out[i * ldc + j] = beta == 0 ? t : t + beta * c[i * ldc + j]
      }
    }
    return out
  }

  struct Case: CustomStringConvertible {
    var transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, beta: Float
    var description: String {
      "\(transA ? "T" : "N")\(transB ? "T" : "N") m \(m) n \(n) k \(k) alpha \(alpha) beta \(beta)"
    }
  }

  static let shapes: [(Int, Int, Int)] = [
    (1, 1, 1), (1, 37, 19), (1, 64, 300), (2, 3, 0), (5, 16, 7), (6, 8, 3), (6, 16, 9), (7, 17, 4),
    (8, 32, 5), (9, 33, 11), (13, 40, 16), (17, 15, 23), (16, 80, 16), (3, 5, 257), (9, 18, 600), (16, 64, 300),
    (20, 49, 31), (1, 150, 40),
  ]

  static var cases: [Case] {
    var all: [Case] = []
    for (index, (m, n, k)) in shapes.enumerated() {
      for transA in [false, true] {
        for transB in [false, true] {
          let (alpha, beta): (Float, Float) = [(1, 0), (1, 1), (0.375, -1.5)][(index + (transA ? 1 : 0)) % 3]
          all.append(Case(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta))
        }
      }
    }
    return all
  }

  static func same(_ x: [Float], _ y: [Float]) -> Bool {
    x.count == y.count && zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern }
  }

  @Test("every path gives the definition's bits", arguments: [0, 1, 2])
  func pathsEqualDefinition(path: Int32) {
    for (index, c) in Self.cases.enumerated() {
      // Row strides wider than the rows: products of sub-matrices, as attention's strided calls.
      let (ar, ac) = c.transA ? (c.k, c.m) : (c.m, c.k)
      let (br, bc) = c.transB ? (c.n, c.k) : (c.k, c.n)
      let lda = ac + 3, ldb = bc + 2, ldc = c.n + 5
      let a = Self.values(max(ar * lda, 1), seed: UInt64(3 * index))
      let b = Self.values(max(br * ldb, 1), seed: UInt64(3 * index + 1))
      let c0 = Self.values(c.m * ldc, seed: UInt64(3 * index + 2))
      let want = Self.definition(
        transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: c.alpha, a: a, lda: lda, b: b,
        ldb: ldb, beta: c.beta, c: c0, ldc: ldc)
      var got = c0
      loom_sgemm_path(
        path, c.transA ? 1 : 0, c.transB ? 1 : 0, c.m, c.n, c.k, c.alpha, a, lda, b, ldb, c.beta, &got, ldc)
      #expect(Self.same(got, want), "path \(path): \(c)")
    }
  }

  /// The decoder's four-head attention output against loom_sgemm per head (m = 1): the same bits,
  /// for every count and head width it takes; widths it does not take are declined.
  @Test("four heads' attention outputs are loom_sgemm's")
  func attendValues4() {
    for hd in [16, 32, 48, 64] {
      for count in [1, 2, 15, 16, 17, 80] {
        let ldp = count + 3, ldv = (count + 2) * hd
        let p = Self.values(4 * ldp, seed: UInt64(hd * 100 + count)).map { Swift.abs($0) }
        let v = Self.values(4 * ldv, seed: UInt64(hd * 100 + count + 1))
        let alpha: [Float] = [0.5, 1, 1.0 / 3, 7]
        var want = [Float](repeating: 0, count: 4 * hd)
        for h in 0..<4 {
          p.withUnsafeBufferPointer { pb in
            v.withUnsafeBufferPointer { vb in
              want.withUnsafeMutableBufferPointer { wb in
                loom_sgemm(0, 0, 1, hd, count, alpha[h], pb.baseAddress! + h * ldp, count, vb.baseAddress! + h * ldv, hd, 0, wb.baseAddress! + h * hd, hd)
              }
            }
          }
        }
        var got = [Float](repeating: .nan, count: 4 * hd)
        let taken = loom_attend_values4_f32(count, hd, p, ldp, v, ldv, alpha[0], alpha[1], alpha[2], alpha[3], &got)
        if loom_kernels_have_avx512() != 0 {
          #expect(taken == 1 && Self.same(want, got), "hd \(hd) count \(count)")
        }
      }
    }
    var out = [Float](repeating: 0, count: 4 * 8)
    #expect(loom_attend_values4_f32(3, 8, [Float](repeating: 1, count: 12), 3, [Float](repeating: 1, count: 96), 24, 1, 1, 1, 1, &out) == 0)
  }

  /// A bias row as the addend (a linear layer's forward): the bits of filling C's rows with the bias
  /// and calling loom_sgemm, on every path and shape (one row, edge tiles, k past one block), and
  /// C's contents before the call are never read.
  @Test("a bias row as beta's addend", arguments: [0, 1, 2])
  func biasAddend(path: Int32) {
    for (index, (m, n, k)) in Self.shapes.enumerated() {
      for transB in [false, true] {
        let lda = k + 1, ldb = (transB ? k : n) + 2, ldc = n + 3
        let a = Self.values(max(m * lda, 1), seed: UInt64(5 * index)), b = Self.values(max((transB ? n : k) * ldb, 1), seed: UInt64(5 * index + 1))
        let bias = Self.values(n, seed: UInt64(5 * index + 2))
        let (alpha, beta): (Float, Float) = index % 2 == 0 ? (1, 1) : (0.5, -0.25)
        var filled = [Float](repeating: 0, count: m * ldc)
        for i in 0..<m { for j in 0..<n { filled[i * ldc + j] = bias[j] } }
        let want = Self.definition(
          transA: false, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta,
          c: filled, ldc: ldc)
        var got = [Float](repeating: .nan, count: m * ldc)
        loom_sgemm_bias_path(path, 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, bias, nil, 0, &got, ldc)
        var same = true
        for i in 0..<m { for j in 0..<n { same = same && got[i * ldc + j].bitPattern == want[i * ldc + j].bitPattern } }
        #expect(same, "path \(path) m \(m) n \(n) k \(k) transB \(transB)")
        // With a residual added last (residual + result), given apart or as C itself.
        let residual = Self.values(m * ldc, seed: UInt64(5 * index + 3))
        var withResidual = [Float](repeating: .nan, count: m * ldc), inPlace = residual
        loom_sgemm_bias_path(path, 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, bias, residual, ldc, &withResidual, ldc)
        inPlace.withUnsafeMutableBufferPointer { c in
          loom_sgemm_bias_path(path, 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, bias, c.baseAddress!, ldc, c.baseAddress!, ldc)
        }
        var sameResidual = true
        for i in 0..<m {
          for j in 0..<n {
            let w = residual[i * ldc + j] + want[i * ldc + j]
            sameResidual = sameResidual && withResidual[i * ldc + j].bitPattern == w.bitPattern && inPlace[i * ldc + j].bitPattern == w.bitPattern
          }
        }
        #expect(sameResidual, "residual: path \(path) m \(m) n \(n) k \(k) transB \(transB)")
      }
    }
  }

  /// The causal products attention uses, against the definition: where A's triangle is +0 (and B
  /// finite), the K_END / K_BEGIN products have the full product's bits in every element, and LOWER's
  /// at and below the diagonal; for square and non-square shapes, tiles that do not fill a register
  /// tile, k past one 256-wide block (the block-by-block fallback) and every transpose.
  @Test("causal products keep the full product's bits", arguments: [0, 1, 2])
  func causalProducts(path: Int32) {
    let shapes: [(Int, Int, Int)] = [(80, 80, 16), (80, 16, 80), (13, 13, 5), (9, 40, 9), (33, 7, 33), (2, 2, 3), (300, 12, 300)]
    var checked = 0
    for (index, (m, n, k)) in shapes.enumerated() {
      for mode in [LOOM_CAUSAL_LOWER, LOOM_CAUSAL_K_END, LOOM_CAUSAL_K_BEGIN] {
        for transA in [false, true] {
          for transB in [false, true] {
            let lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 5
            var a = Self.values((transA ? k : m) * lda, seed: UInt64(7 * index + 1))
            let b = Self.values((transB ? n : k) * ldb, seed: UInt64(7 * index + 2))
            let c0 = Self.values(m * ldc, seed: UInt64(7 * index + 3))
            // A's known zeros (row i of A after op is position i).
            for i in 0..<m {
              for p in 0..<k where (mode == LOOM_CAUSAL_K_END && p > i) || (mode == LOOM_CAUSAL_K_BEGIN && p < i) {
                a[transA ? p * lda + i : i * lda + p] = 0
              }
            }
            let (alpha, beta): (Float, Float) = index % 2 == 0 ? (1, 0) : (0.5, 1)
            let want = Self.definition(
              transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
              beta: beta, c: c0, ldc: ldc)
            var got = c0
            loom_sgemm_causal_path(
              path, Int32(mode), transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, &got, ldc)
            var same = true
            for i in 0..<m {
              for j in 0..<n where mode != LOOM_CAUSAL_LOWER || j <= i {
                same = same && got[i * ldc + j].bitPattern == want[i * ldc + j].bitPattern
              }
            }
            #expect(same, "path \(path) mode \(mode) \(transA ? "T" : "N")\(transB ? "T" : "N") m \(m) n \(n) k \(k)")
            checked += 1
          }
        }
      }
    }
    #expect(checked == 84)
  }

  /// The AVX-512 and scalar paths read A no further past the diagonal than the end of its 16-wide
  /// block (where the causal softmax stops writing zeros): NaN beyond it changes nothing.
  @Test("causal products read A only to the end of the diagonal's 16-block", arguments: [0, 2])
  func causalReach(path: Int32) {
    for (m, n, k) in [(80, 16, 80), (37, 16, 37), (80, 32, 80)] {
      for mode in [LOOM_CAUSAL_K_END, LOOM_CAUSAL_K_BEGIN] {
        let transA = mode == LOOM_CAUSAL_K_BEGIN  // how attention uses each (P·V and Pᵀ·dY)
        var a = Self.values(m * k, seed: 90)
        for i in 0..<m {
          for p in 0..<k where (mode == LOOM_CAUSAL_K_END && p > i) || (mode == LOOM_CAUSAL_K_BEGIN && p < i) {
            a[transA ? p * m + i : i * k + p] = 0
          }
        }
        var poisoned = a
        for i in 0..<m {
          let reach = 16 * ((i + 1 + 15) / 16)  // the end of row (or column) i's 16-block
          for p in 0..<k where (mode == LOOM_CAUSAL_K_END && p >= reach) || (mode == LOOM_CAUSAL_K_BEGIN && p < i && i >= 16 * ((p + 1 + 15) / 16)) {
            poisoned[transA ? p * m + i : i * k + p] = .nan
          }
        }
        let b = Self.values(k * n, seed: 91)
        var want = [Float](repeating: 0, count: m * n), got = want
        loom_sgemm_causal_path(path, Int32(mode), transA ? 1 : 0, 0, m, n, k, 1, a, transA ? m : k, b, n, 0, &want, n)
        loom_sgemm_causal_path(path, Int32(mode), transA ? 1 : 0, 0, m, n, k, 1, poisoned, transA ? m : k, b, n, 0, &got, n)
        #expect(Self.same(want, got), "path \(path) mode \(mode) m \(m) n \(n)")
      }
    }
  }

  /// The causal product also leaves C's row padding (between n and ldc) alone and writes nothing
  /// beyond its rows.
  @Test("causal products write only inside C", arguments: [0, 1, 2])
  func causalWritesInside(path: Int32) {
    let (m, n, k, ldc) = (21, 21, 7, 30)
    let a = Self.values(m * k, seed: 5), b = Self.values(n * k, seed: 6)
    var c = [Float](repeating: .nan, count: (m + 1) * ldc)
    loom_sgemm_causal_path(path, Int32(LOOM_CAUSAL_LOWER), 0, 1, m, n, k, 1, a, k, b, k, 0, &c, ldc)
    for i in 0...m {
      for j in 0..<ldc where i == m || j >= n {
        #expect(c[i * ldc + j].isNaN, "wrote (\(i), \(j))")
      }
      if i < m { #expect((0...i).allSatisfy { c[i * ldc + $0].isFinite }, "row \(i)") }
    }
  }

  @Test("beta = 0 never reads C (NaN there stays out of the result)")
  func betaZeroIgnoresC() {
    let a = Self.values(9 * 70, seed: 1), b = Self.values(70 * 33, seed: 2)
    for path: Int32 in [0, 1, 2] {
      var c = [Float](repeating: .nan, count: 9 * 33)
      loom_sgemm_path(path, 0, 0, 9, 33, 70, 1, a, 70, b, 33, 0, &c, 33)
      #expect(c.allSatisfy { $0.isFinite }, "path \(path)")
    }
  }

  /// The transposes and leading dimensions mean what BLAS means: against OpenBLAS's sgemm (a
  /// different summation order, so within a tolerance) on a shape that spans several k-blocks.
  @Test("agrees with cblas_sgemm to rounding")
  func matchesBLAS() {
    let (m, n, k) = (37, 45, 530)
    for transA in [false, true] {
      for transB in [false, true] {
        let a = Self.values(m * k, seed: 5), b = Self.values(k * n, seed: 6)
        let c0 = Self.values(m * n, seed: 7)
        let lda = transA ? m : k, ldb = transB ? k : n
        var ours = c0, theirs = c0
        loom_sgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, 0.5, a, lda, b, ldb, 2, &ours, n)
        cblas_sgemm(
          CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, Int32(m),
          Int32(n), Int32(k), 0.5, a, Int32(lda), b, Int32(ldb), 2, &theirs, Int32(n))
        let worst = zip(ours, theirs).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(worst < 1e-4, "\(transA) \(transB): \(worst)")
      }
    }
  }

  /// What NumericCore calls: `Float.gemm` is this product (on the path the process chose).
  @Test("Float.gemm is loom_sgemm")
  func floatGemmIsOurs() {
    let a = Self.values(20 * 300, seed: 8), b = Self.values(300 * 24, seed: 9)
    var viaSwift = [Float](repeating: 0, count: 20 * 24), direct = viaSwift
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        viaSwift.withUnsafeMutableBufferPointer { cp in
          Float.gemm(
            transA: false, transB: false, m: 20, n: 24, k: 300, alpha: 1, a: ap.baseAddress!, lda: 300,
            b: bp.baseAddress!, ldb: 24, beta: 0, c: cp.baseAddress!, ldc: 24)
        }
      }
    }
    loom_sgemm_path(0, 0, 0, 20, 24, 300, 1, a, 300, b, 24, 0, &direct, 24)
    #expect(Self.same(viaSwift, direct))
  }
}
