import Testing
@testable import NumericCore
import CNumericKernels

/// The AVX2 kernels (Sources/CNumericKernels) against the Swift loops they replace, bit for bit,
/// on random values across every exponent and on the special ones (±0, ±inf, NaN, denormals, the
/// clamps' edges). Skipped where the CPU has no AVX2. The kernels run at their widest here (AVX-512
/// where the CPU has it; run with LOOM_NUMERIC_AVX512=0 to check the AVX2 copies); the tails cover
/// every length below two 16-lane vectors.
@Suite("AVX2 kernels equal the Swift loops bit for bit")
struct AVX2KernelTests {
  static let hasAVX2 = loom_kernels_have_avx2() != 0
  static let hasAVX512 = loom_kernels_have_avx512() != 0

  /// Random Float bit patterns (every exponent), plus the special values; 1 003 values so the
  /// kernels' 1–7-value tails run too.
  static func inputs() -> [Float] {
    var rng = SeededGenerator(seed: 77)
    var xs: [Float] = [
      0, -0, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
      .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0.0004, -0.0004,
      0.00039999998, 7.9053111, -7.9053111, 87, -87, 88, -88, 88.5, -87.5, 1, -1, 0.5,
    ]
    while xs.count < 600 { xs.append(Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))) }
    while xs.count < 1003 { xs.append(Float(rng.normal() * 6)) }
    return xs
  }

  /// Row r of a [t, t] block up to the end of its diagonal's 16-column block, rows concatenated.
  static func toDiagonalBlock(_ x: [Float], _ t: Int) -> [Float] {
    (0..<t).flatMap { r in x[(r * t)..<(r * t + Swift.min(t, 16 * ((r + 16) / 16)))] }
  }
  /// The entries past each row's diagonal 16-column block.
  static func beyondDiagonalBlock(_ x: [Float], _ t: Int) -> [Float] {
    (0..<t).flatMap { r in x[(r * t + Swift.min(t, 16 * ((r + 16) / 16)))..<(r * t + t)] }
  }

  static func same(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
  }

  @Test("GELU (with and without the tanh buffer, in place)", .enabled(if: hasAVX2))
  func gelu() {
    let x = Self.inputs()
    let (c, k): (Float, Float) = geluConst()
    var y = [Float](repeating: 0, count: x.count), t = y
    for i in x.indices {
      let v = x[i]
      t[i] = Float.tanh(c * (v + k * v * v * v))
      y[i] = 0.5 * v * (1 + t[i])
    }
    var y2 = [Float](repeating: 0, count: x.count), t2 = y2
    loom_gelu_f32(x, &y2, &t2, x.count, c, k)
    #expect(Self.same(y, y2) && Self.same(t, t2))
    var inPlace = x
    inPlace.withUnsafeMutableBufferPointer { loom_gelu_f32($0.baseAddress!, $0.baseAddress!, nil, $0.count, c, k) }
    #expect(Self.same(y, inPlace))
    for n in 1...33 {
      var buffer = Array(x[0..<(n + 3)]), tanh = [Float](repeating: 9, count: n + 3)
      loom_gelu_f32(buffer, &buffer, &tanh, n, c, k)
      #expect(Self.same(buffer, Array(y[0..<n]) + x[n..<(n + 3)]), "n \(n)")
      #expect(Self.same(tanh, Array(t[0..<n]) + [9, 9, 9]), "n \(n)")
    }
  }

  /// The three Swift entry points, on whichever path this CPU takes: the training one (which
  /// keeps tanh), the inference one, and the in-place one that aliases its output to its input.
  @Test("geluForward, geluForwardOnly and geluForwardInPlace give the same bits")
  func geluEntryPoints() {
    let x = Self.inputs()
    for n in [x.count, 1, 7, 8, 9] {
      let input = Array(x[0..<n])
      var y = [Float](repeating: 0, count: n), t = y, only = y, inPlace = input
      input.withUnsafeBufferPointer { xs in
        y.withUnsafeMutableBufferPointer { ys in t.withUnsafeMutableBufferPointer { geluForward(xs, ys, $0) } }
        only.withUnsafeMutableBufferPointer { geluForwardOnly(xs, $0) }
      }
      inPlace.withUnsafeMutableBufferPointer { geluForwardInPlace($0) }
      #expect(Self.same(y, only), "n \(n)")
      #expect(Self.same(y, inPlace), "n \(n)")
    }
  }

  @Test("exp(x·scale − m) and exp(x − m)", .enabled(if: hasAVX2))
  func exp() {
    let x = Self.inputs()
    for (scale, m) in [(Float(0.25), Float(1.5)), (1, 0), (1, -3.25), (0.125, 90)] {
      let want = x.map { Float.exp($0 * scale - m) }
      var got = [Float](repeating: 0, count: x.count)
      loom_exp_shifted_f32(x, &got, x.count, 1, scale, m)
      #expect(Self.same(want, got), "scale \(scale), m \(m)")
      let plain = x.map { Float.exp($0 - m) }
      loom_exp_shifted_f32(x, &got, x.count, 0, scale, m)
      #expect(Self.same(plain, got), "m \(m)")
    }
    // Every tail length, in place, leaving what follows untouched.
    for n in 1...33 {
      var buffer = Array(x[0..<(n + 3)])
      let want = buffer[0..<n].map { Float.exp($0 - 2) } + buffer[n...]
      buffer.withUnsafeMutableBufferPointer { loom_exp_shifted_f32($0.baseAddress!, $0.baseAddress!, n, 0, 1, 2) }
      #expect(Self.same(want, buffer), "n \(n)")
    }
  }

  @Test("GELU's backward", .enabled(if: hasAVX2))
  func geluBackward() {
    let x = Self.inputs()
    let (c, k): (Float, Float) = geluConst()
    let t = x.map { v in Float.tanh(c * (v + k * v * v * v)) }
    var rng = SeededGenerator(seed: 78)
    let gy = x.map { _ in Float(rng.normal()) }
    let start = x.map { _ in Float(rng.normal()) }
    for n in [x.count, 1, 5, 8, 13, 16, 17, 31] {
      var want = start, got = start
      for i in 0..<n {
        let v = x[i], th = t[i]
        let d = 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * c * (1 + 3 * k * v * v)
        want[i] += gy[i] * d
      }
      loom_gelu_backward_f32(x, t, gy, &got, n, c, k, 0)
      #expect(Self.same(want, got), "n \(n)")
      // Into a fresh (unwritten) buffer: what accumulating into zeros gives, bit for bit.
      var zeros = [Float](repeating: 0, count: x.count), fresh = [Float](repeating: .nan, count: x.count)
      for i in 0..<n {
        let v = x[i], th = t[i]
        zeros[i] += gy[i] * (0.5 * (1 + th) + 0.5 * v * (1 - th * th) * c * (1 + 3 * k * v * v))
      }
      loom_gelu_backward_f32(x, t, gy, &fresh, n, c, k, 1)
      #expect(Self.same(Array(zeros[0..<n]), Array(fresh[0..<n])) && fresh[n...].allSatisfy(\.isNaN), "fresh, n \(n)")
    }
  }

  /// The fused causal softmax of attention against `softmaxRows` (whose own kernels are tested
  /// above against the Swift loops): the same bits at every block size, zeros past the diagonal;
  /// it declines (returns 0) where a row's max is NaN or zero, which the Swift scan must decide.
  @Test("causal softmax of a block", .enabled(if: hasAVX512))
  func causalSoftmax() {
    var rng = SeededGenerator(seed: 82)
    for t in [1, 2, 3, 4, 5, 7, 16, 17, 33, 80, 81] {
      let x = (0..<(t * t)).map { _ in Float(rng.normal()) * 3 }
      let scale: Float = 0.25
      var want = [Float](repeating: .nan, count: t * t), got = [Float](repeating: .nan, count: t * t)
      x.withUnsafeBufferPointer { xb in
        want.withUnsafeMutableBufferPointer { softmaxRows(xb, $0, rows: t, n: t, log: false, causalT: t, scale: scale) }
      }
      #expect(loom_causal_softmax_f32(x, &got, t, scale) == 1)
      // Defined to the end of each row's diagonal 16-block (zeros past the diagonal); not written beyond.
      #expect(Self.same(Self.toDiagonalBlock(want, t), Self.toDiagonalBlock(got, t)), "t \(t)")
      let untouched = Self.beyondDiagonalBlock(got, t).allSatisfy { $0.isNaN }
      #expect(untouched, "t \(t): wrote past the diagonal's block")
    }
    var zeroMax = [Float](repeating: -1, count: 9)
    zeroMax[3] = 0  // row 1's max is 0
    var out = [Float](repeating: 0, count: 9)
    #expect(loom_causal_softmax_f32(zeroMax, &out, 3, 1) == 0)
    var withNaN = [Float](repeating: 1, count: 9)
    withNaN[7] = .nan
    #expect(loom_causal_softmax_f32(withNaN, &out, 3, 1) == 0)
  }

  /// Attention's backward through the causal softmax against attentionBackward's definition
  /// (rowDot over the valid columns, then (scale·P)·(dP − s), zeros past the diagonal).
  @Test("attention's dS of a block", .enabled(if: hasAVX512))
  func attentionDS() {
    var rng = SeededGenerator(seed: 84)
    for t in [1, 2, 3, 4, 5, 16, 17, 33, 80] {
      let dp = (0..<(t * t)).map { _ in Float(rng.normal()) }
      var prob = [Float](repeating: 0, count: t * t)
      for r in 0..<t { for j in 0...r { prob[r * t + j] = Float(rng.uniform()) / Float(r + 1) } }
      let scale: Float = 0.25
      var want = dp
      for r in 0..<t {
        let s = dp.withUnsafeBufferPointer { d in prob.withUnsafeBufferPointer { p in rowDot(d.baseAddress! + r * t, p.baseAddress! + r * t, r + 1) } }
        for j in 0..<t { want[r * t + j] = j <= r ? scale * prob[r * t + j] * (dp[r * t + j] - s) : 0 }
      }
      var got = dp
      for r in 0..<t { for j in (16 * ((r + 16) / 16))..<Swift.max(t, 16 * ((r + 16) / 16)) where j < t { got[r * t + j] = .nan } }
      #expect(loom_attention_ds_f32(&got, prob, t, scale) == 1)
      #expect(Self.same(Self.toDiagonalBlock(want, t), Self.toDiagonalBlock(got, t)), "t \(t)")
      let untouched = Self.beyondDiagonalBlock(got, t).allSatisfy { $0.isNaN }
      #expect(untouched, "t \(t): wrote past the diagonal's block")
    }
  }

  /// Sums of squares of many arrays, several chains side by side: each equals its own sequential
  /// loop bit for bit (clipGradNorm's norm), including empty arrays and more arrays than chains.
  @Test("sums of squares, chains side by side")
  func sumSquares() {
    var rng = SeededGenerator(seed: 85)
    let sizes = [5, 0, 16384, 1, 300, 0, 7, 4096, 65, 2, 3, 1000, 0]
    let arrays = sizes.map { n in (0..<n).map { _ in Float(rng.normal()) * Float(1 << rng.int(below: 8)) } }
    var want = [Double]()
    for a in arrays {
      var s = 0.0
      for x in a { s += Double(x) * Double(x) }
      want.append(s)
    }
    var got = [Double](repeating: .nan, count: arrays.count)
    func pin(_ i: Int, _ pointers: [UnsafePointer<Float>?]) {
      guard i < arrays.count else { return loom_sum_squares_f64(pointers, sizes, arrays.count, &got) }
      arrays[i].withUnsafeBufferPointer { pin(i + 1, pointers + [$0.baseAddress ?? UnsafePointer(bitPattern: 8)]) }
    }
    pin(0, [])
    #expect(zip(want, got).allSatisfy { $0.bitPattern == $1.bitPattern })
  }

  @Test("Adam's update", .enabled(if: hasAVX2))
  func adam() {
    var rng = SeededGenerator(seed: 80)
    for n in [1, 5, 8, 15, 16, 17, 33, 100] {
      let g = (0..<n).map { _ in Float(rng.normal()) }
      let p0 = (0..<n).map { _ in Float(rng.normal()) }
      let m0 = (0..<n).map { _ in Float(rng.normal()) * 0.1 }
      let v0 = (0..<n).map { _ in Float(rng.normal()) * Float(rng.normal()) * 0.01 }
      let (decay, l2, b1, b2, step, scale, eps): (Float, Float, Float, Float, Float, Float, Float) = (0.999, 0.01, 0.9, 0.999, 3e-3, 1.7, 1e-8)
      var (p, m, v) = (p0, m0, v0)
      for i in 0..<n {
        p[i] *= decay
        let gi = g[i] + l2 * p[i]
        m[i] = b1 * m[i] + (1 - b1) * gi
        v[i] = b2 * v[i] + (1 - b2) * gi * gi
        p[i] -= step * m[i] / (v[i].squareRoot() * scale + eps)
      }
      var (pc, mc, vc) = (p0, m0, v0)
      loom_adam_f32(&pc, g, &mc, &vc, n, decay, l2, b1, b2, step, scale, eps)
      #expect(Self.same(p, pc) && Self.same(m, mc) && Self.same(v, vc), "n \(n)")
    }
  }

  @Test("LayerNorm's backward", .enabled(if: hasAVX2))
  func layerNormBackward() {
    var rng = SeededGenerator(seed: 81)
    for (rows, n) in [(1, 1), (3, 7), (8, 64), (5, 13), (8, 4), (2, 100)] {
      func draw(_ count: Int) -> [Float] { (0..<count).map { _ in Float(rng.normal()) } }
      let gy = draw(rows * n), gamma = draw(n), xhat = draw(rows * n), rstd = draw(rows).map { Swift.abs($0) + 0.5 }
      let gx0 = draw(rows * n), gg0 = draw(n), gb0 = draw(n)
      // The definition: layerNormBackward's Swift loops (rowSum / rowDot order).
      var (gx, gg, gb) = (gx0, gg0, gb0)
      for r in 0..<rows {
        let dy = (0..<n).map { gy[r * n + $0] * gamma[$0] }
        let hr = Array(xhat[(r * n)..<((r + 1) * n)])
        var (s, t): ([Float], [Float]) = ([0, 0, 0, 0], [0, 0, 0, 0])
        for j in 0..<(n - n % 4) { s[j % 4] += dy[j]; t[j % 4] += dy[j] * hr[j] }
        for j in (n - n % 4)..<n { s[0] += dy[j]; t[0] += dy[j] * hr[j] }
        let m1 = ((s[0] + s[1]) + (s[2] + s[3])) / Float(n), m2 = ((t[0] + t[1]) + (t[2] + t[3])) / Float(n)
        for j in 0..<n { gx[r * n + j] += rstd[r] * (dy[j] - m1 - hr[j] * m2) }
        for j in 0..<n { gg[j] += gy[r * n + j] * hr[j] }
        for j in 0..<n { gb[j] += gy[r * n + j] }
      }
      var (x1, g1, b1) = (gx0, gg0, gb0)
      var scratch = [Float](repeating: 0, count: 8 * n)
      loom_layer_norm_backward8_f32(gy, gamma, xhat, rstd, &x1, &g1, &b1, rows, n, &scratch)
      #expect(Self.same(gx, x1) && Self.same(gg, g1) && Self.same(gb, b1), "rows \(rows) n \(n)")
      // Without γ's and β's gradients.
      var x2 = gx0
      loom_layer_norm_backward8_f32(gy, gamma, xhat, rstd, &x2, nil, nil, rows, n, &scratch)
      #expect(Self.same(gx, x2), "gx only: rows \(rows) n \(n)")
    }
  }

  @Test("log-softmax's backward", .enabled(if: hasAVX2))
  func logSoftmaxBackward() {
    var rng = SeededGenerator(seed: 79)
    let y = Self.inputs().map { -Swift.abs($0) }
    let gy = y.map { _ in Float(rng.normal()) }
    let start = y.map { _ in Float(rng.normal()) }
    for (n, scale, s) in [(y.count, Float(1), Float(0.75)), (7, 0.5, -2), (64, 1, 1e-3), (17, 2, 0.5), (31, 1, -1)] {
      var want = start, got = start
      for j in 0..<n { want[j] += scale * (gy[j] - Float.exp(y[j]) * s) }
      loom_log_softmax_backward_f32(y, gy, &got, n, scale, s)
      #expect(Self.same(want, got), "n \(n)")
    }
  }
}

extension AVX2KernelTests {
  /// The two in-order scans NumericCore runs: `m = x[0]`, then `x[j] > m`; and from −inf, `x[j] >= m`.
  static func scans(_ x: ArraySlice<Float>) -> (Float, Float) {
    var strict = x.first!, from = -Float.infinity
    for v in x.dropFirst() where v > strict { strict = v }
    for v in x where v >= from { from = v }
    return (strict, from)
  }

  @Test("Row maxima in any order give the scans' bits, or decline (NaN, a zero max)", .enabled(if: hasAVX2))
  func rowMax() {
    var rng = SeededGenerator(seed: 80)
    let special: [Float] = [0, -0, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 3, 3, -2]
    var accepted = 0
    for trial in 0..<3000 {
      let n = 1 + trial % 70
      var x = (0..<n).map { _ in Float(rng.normal() * 4) }
      if trial % 3 == 0 { x = x.map { -Swift.abs($0) } }  // all negative: masked tails must not read 0
      if trial % 5 == 0 { x[rng.int(below: n)] = special[rng.int(below: special.count)] }
      if trial % 7 == 0 { x = x.map { _ in special[rng.int(below: special.count)] } }
      var got: Float = 0
      let ok = x.withUnsafeBufferPointer { loom_row_max_f32($0.baseAddress!, n, &got) } != 0
      let (strict, from) = Self.scans(x[...])
      if ok {
        accepted += 1
        #expect(got.bitPattern == strict.bitPattern && got.bitPattern == from.bitPattern, "\(x)")
      } else {
        #expect(x.contains { $0.isNaN } || strict == 0, "declined \(x)")
      }
    }
    #expect(accepted > 2000)
  }
}

extension AVX2KernelTests {
  @Test("LayerNorm's eight-row statistics equal rowSum and centeredSquares bit for bit", .enabled(if: hasAVX2))
  func layerNormStats() {
    var rng = SeededGenerator(seed: 81)
    for n in 1...70 {
      for rows in [1, 2, 3, 7, 8] {
        let x = (0..<(rows * n)).map { _ in Float(rng.normal() * 3) + (n % 3 == 0 ? 100 : 0) }
        var means = [Float](repeating: 0, count: 8), squares = means
        x.withUnsafeBufferPointer { loom_layer_norm_stats8_f32($0.baseAddress!, rows, n, &means, &squares) }
        x.withUnsafeBufferPointer { xb in
          for r in 0..<rows {
            let row = xb.baseAddress! + r * n
            let mean = rowSum(row, n) / Float(n)
            let sq = centeredSquares(row, mean, row, mean, n).0
            #expect(means[r].bitPattern == mean.bitPattern && squares[r].bitPattern == sq.bitPattern, "n \(n), row \(r) of \(rows)")
          }
        }
      }
    }
  }

  @Test("LayerNorm's eight-row forward equals layerNormRows' Swift loops bit for bit", .enabled(if: hasAVX2))
  func layerNormRowsForward() {
    var rng = SeededGenerator(seed: 83)
    for n in [1, 3, 8, 13, 64, 70] {
      for rows in [1, 5, 8] {
        let x = (0..<(rows * n)).map { _ in Float(rng.normal() * 2) + 1 }
        let g = (0..<n).map { _ in Float(rng.normal()) }, b = (0..<n).map { _ in Float(rng.normal()) }
        let eps: Float = 1e-5
        // The definition: rowSum / centeredSquares, then finish's operations.
        var y = [Float](repeating: 0, count: rows * n), h = y, rs = [Float](repeating: 0, count: rows)
        x.withUnsafeBufferPointer { xb in
          for r in 0..<rows {
            let row = xb.baseAddress! + r * n
            let mean = rowSum(row, n) / Float(n)
            let v = centeredSquares(row, mean, row, mean, n).0
            rs[r] = 1 / (v / Float(n) + eps).squareRoot()
            for j in 0..<n {
              h[r * n + j] = (row[j] - mean) * rs[r]
              y[r * n + j] = h[r * n + j] * g[j] + b[j]
            }
          }
        }
        var y2 = [Float](repeating: .nan, count: rows * n), h2 = y2, rs2 = [Float](repeating: .nan, count: rows)
        loom_layer_norm_rows8_f32(x, rows, n, g, b, eps, &y2, &h2, n, &rs2, 1)
        #expect(Self.same(y, y2) && Self.same(h, h2) && Self.same(rs, rs2), "n \(n) rows \(rows)")
      }
    }
  }
}
