// Sampling a batch of rows of logits for `GPT.generate`. The common case (temperature > 0, no
// top-k or top-p) takes four rows at a time: their in-order max and sums run side by side as SIMD
// lanes, one row per lane, so the four dependency chains overlap. Every lane computes exactly
// what `GPT.sample` computes for its row, and each row still draws from its own generator.

extension GPT {
  /// Draws one token per row in `rows` (row b's logits start at `start(b)` in `all`), with its
  /// log-probability at the temperature; `rngs[b]` draws row b.
  static func sampleRows(
    _ all: UnsafeBufferPointer<Float>, rows: [Int], start: (Int) -> Int, vocab: Int, _ c: GenerationConfig,
    scratch: SamplingScratch, rngs: inout [SeededGenerator]
  ) -> [(Int, Float)] {
    func row(_ b: Int) -> UnsafeBufferPointer<Float> { UnsafeBufferPointer(rebasing: all[start(b)..<(start(b) + vocab)]) }
    let filtered = (c.topK.map { $0 > 0 && $0 < vocab } ?? false) || (c.topP.map { $0 < 1 } ?? false)
    var out: [(Int, Float)] = []
    out.reserveCapacity(rows.count)
    var next = 0
    if c.temperature > 0 && !filtered && vocab > 0 {
      while rows.count - next >= 4 {
        let group = Array(rows[next..<(next + 4)])
        let logits = group.map(row)
        for l in logits where mayHaveSamplingProblem(l) {
          if let problem = rowSamplingProblem(l, row: 0) { fatalError("generate: \(problem)") }
        }
        let logZ = scratch.logNormalizers(logits, temperature: c.temperature)
        let totals = scratch.probabilities(logits, logZ: logZ)
        for lane in 0..<4 {
          let pick = walk(scratch.probabilities(lane: lane, count: vocab), total: totals[lane], using: &rngs[group[lane]])
          out.append((pick, logits[lane][pick] / c.temperature - logZ[lane]))
        }
        next += 4
      }
    }
    for b in rows[next...] { out.append(sample(row(b), c, scratch: scratch, using: &rngs[b])) }
    return out
  }

  /// rng.categorical's walk over `probs` (summing to `total`), without building an array per row:
  /// subtract each probability in id order from u·total until it goes negative.
  static func walk(_ probs: UnsafeBufferPointer<Double>, total: Double, using rng: inout SeededGenerator) -> Int {
    precondition(total > 0 && total.isFinite, "generate: probabilities sum to \(total)")
    var u = rng.uniform() * total
    for i in 0..<probs.count {
      u -= probs[i]
      if u < 0 { return i }
    }
    return (0..<probs.count).last { probs[$0] > 0 } ?? probs.count - 1
  }
}

/// Per-row buffers of `GPT.sample` and `GPT.sampleRows`, kept across rows and steps (room for four
/// rows). Its loops compute what one fused loop per quantity would (each exp, then a sum in id
/// order); split so the exps vectorise.
final class SamplingScratch {
  /// logits / temperature, row after row (unused at temperature 1, where the division is exact).
  let scaled: UnsafeMutablePointer<Float>
  /// exp(·) of the scaled logits, before the in-order sums.
  let exps: UnsafeMutablePointer<Float>
  /// The probabilities, Float64, of the last `probabilities` call, row after row.
  let probs: UnsafeMutablePointer<Double>
  private var unscaled = true
  private let vocab: Int

  init(vocab: Int) {
    self.vocab = vocab
    let size = Swift.max(4 * vocab, 1)
    (scaled, exps, probs) = (.allocate(capacity: size), .allocate(capacity: size), .allocate(capacity: size))
    scaled.initialize(repeating: 0, count: size)
    exps.initialize(repeating: 0, count: size)
    probs.initialize(repeating: 0, count: size)
  }

  deinit {
    scaled.deallocate()
    exps.deallocate()
    probs.deallocate()
  }

  /// Row `lane` of probs.
  func probabilities(lane: Int, count: Int) -> UnsafeBufferPointer<Double> {
    UnsafeBufferPointer(start: probs + lane * vocab, count: count)
  }

  /// Divides `row` by t into row `lane` of `scaled` unless t is 1; returns where the scaled row is.
  private func scale(_ row: UnsafeBufferPointer<Float>, lane: Int, by t: Float) -> UnsafePointer<Float> {
    if unscaled { return row.baseAddress! }
    let dst = scaled + lane * vocab
    for i in 0..<row.count { dst[i] = row[i] / t }
    return UnsafePointer(dst)
  }

  /// Row `lane` of exps = exp(x − m).
  private func shiftedExps(_ x: UnsafePointer<Float>, count n: Int, lane: Int, minus m: Float) {
    let e = exps + lane * vocab
    if !expShiftedAVX2(x, e, count: n, scale: nil, minus: m) {
      for i in 0..<n { e[i] = Float.exp(x[i] - m) }
    }
  }

  /// Scales the row by 1/t (kept for `probabilities`) and returns log Σ exp: the max m, then
  /// log(Σ exp(x − m)) + m, summed in id order.
  func logNormalizer(_ logits: UnsafeBufferPointer<Float>, temperature t: Float) -> Float {
    let n = logits.count
    unscaled = t == 1  // x / 1 == x exactly
    let x = scale(logits, lane: 0, by: t)
    var m = -Float.infinity
    if let fast = rowMaxAVX(x, count: n) {
      m = fast  // the scan's bits (see rowMaxAVX)
    } else {
      for i in 0..<n { m = max(m, x[i]) }
    }
    shiftedExps(x, count: n, lane: 0, minus: m)
    var z: Float = 0
    for i in 0..<n { z += exps[i] }
    return m + Float.log(z)
  }

  /// `logNormalizer` for four rows of equal length, one per SIMD lane.
  func logNormalizers(_ rows: [UnsafeBufferPointer<Float>], temperature t: Float) -> SIMD4<Float> {
    let n = rows[0].count
    unscaled = t == 1
    let x = (0..<4).map { scale(rows[$0], lane: $0, by: t) }
    var m = SIMD4<Float>(repeating: -.infinity)
    if let a = rowMaxAVX(x[0], count: n), let b = rowMaxAVX(x[1], count: n), let c = rowMaxAVX(x[2], count: n),
      let d = rowMaxAVX(x[3], count: n)
    {
      m = SIMD4(a, b, c, d)  // the scans' bits (see rowMaxAVX)
    } else {
      for i in 0..<n {
        let v = SIMD4(x[0][i], x[1][i], x[2][i], x[3][i])
        m.replace(with: v, where: v .>= m)  // max(m, v) is `v >= m ? v : m`
      }
    }
    for lane in 0..<4 { shiftedExps(x[lane], count: n, lane: lane, minus: m[lane]) }
    var z = SIMD4<Float>(repeating: 0)
    let (e0, e1, e2, e3) = (exps, exps + vocab, exps + 2 * vocab, exps + 3 * vocab)
    for i in 0..<n { z += SIMD4(e0[i], e1[i], e2[i], e3[i]) }
    return m + SIMD4(Float.log(z[0]), Float.log(z[1]), Float.log(z[2]), Float.log(z[3]))
  }

  /// Fills row 0 of `probs` with Float64(exp(x/t − logZ)) for `logits`, the row last given to
  /// `logNormalizer`, and returns their sum in id order.
  func probabilities(_ logits: UnsafeBufferPointer<Float>, logZ: Float) -> Double {
    let n = logits.count
    shiftedExps(unscaled ? logits.baseAddress! : UnsafePointer(scaled), count: n, lane: 0, minus: logZ)
    var total = 0.0
    for i in 0..<n {
      probs[i] = Double(exps[i])
      total += probs[i]
    }
    return total
  }

  /// `probabilities` for the four rows last given to `logNormalizers`, one per lane; row `lane`'s
  /// probabilities go to row `lane` of `probs`.
  func probabilities(_ rows: [UnsafeBufferPointer<Float>], logZ: SIMD4<Float>) -> SIMD4<Double> {
    let n = rows[0].count
    for lane in 0..<4 {
      let x = unscaled ? rows[lane].baseAddress! : UnsafePointer(scaled + lane * vocab)
      shiftedExps(x, count: n, lane: lane, minus: logZ[lane])
    }
    var total = SIMD4<Double>(repeating: 0)
    let v = vocab
    for i in 0..<n {
      let q = SIMD4(Double(exps[i]), Double(exps[v + i]), Double(exps[2 * v + i]), Double(exps[3 * v + i]))
      (probs[i], probs[v + i], probs[2 * v + i], probs[3 * v + i]) = (q[0], q[1], q[2], q[3])
      total += q
    }
    return total
  }
}
