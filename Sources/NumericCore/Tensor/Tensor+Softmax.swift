import CNumericKernels
// Row-wise fused primitives over the last axis: softmax, logSoftmax, layer normalisation and
// the causal softmax of attention. Fused because they sit in every training step.

// NB: the loops index row pointers (`xr[j]`), not `x[b + j]`: Swift's overflow check on `b + j`
// is a branch per element that keeps LLVM from vectorising the loop.

@_specialize(where S == Float)
@_specialize(where S == Double)
func softmaxRows<S: TensorScalar>(
  _ x: UnsafeBufferPointer<S>, _ y: UnsafeMutableBufferPointer<S>, rows: Int, n: Int, log: Bool,
  causalT: Int, scale: S = 1
) {
  // Causal: row r of a [T, T] block sees columns 0...(r % T); the rest get probability 0.
  func validCount(_ r: Int) -> Int { causalT > 0 ? (r % causalT) + 1 : n }
  // The row maxima come four rows at a time (their sequential chains side by side); the last
  // rows % 4 rows alone.
  var maxima: (S, S, S, S) = (0, 0, 0, 0)
  let grouped = rows - rows % 4
  /// Row r's max (times scale), and exp(x·scale − max) of its valid columns written to y.
  func numerators(_ r: Int) -> S {
    let xr = x.baseAddress! + r * n, yr = y.baseAddress! + r * n
    let valid = validCount(r)
    var m: S
    if r < grouped {
      if r % 4 == 0 { maxima = rowMaxima(xr, n: n, lengths: (valid, validCount(r + 1), validCount(r + 2), validCount(r + 3))) }
      switch r % 4 {
      case 0: m = maxima.0
      case 1: m = maxima.1
      case 2: m = maxima.2
      default: m = maxima.3
      }
    } else {
      if let fast = rowMaxAVX(xr, count: Swift.max(valid, 1)) {
        m = fast
      } else {
        m = xr[0]
        for j in 1..<Swift.max(valid, 1) where xr[j] > m { m = xr[j] }
      }
    }
    m *= scale  // scale > 0, so the max commutes with it
    if !expShiftedAVX2(xr, yr, count: valid, scale: scale, minus: m) {
      for j in 0..<valid { yr[j] = S.exp(xr[j] * scale - m) }
    }
    return m
  }
  func finish(_ r: Int, max m: S, sum s: S) {
    finishSoftmaxRow(x.baseAddress! + r * n, y.baseAddress! + r * n, n: n, valid: validCount(r), log: log, scale: scale, max: m, sum: s)
  }
  // Two rows at a time: their sums side by side (each in rowSum's order).
  var r = 0
  while r + 2 <= rows {
    let (m0, m1) = (numerators(r), numerators(r + 1))
    let y0 = UnsafePointer(y.baseAddress! + r * n)
    let (s0, s1) = rowSums(y0, validCount(r), y0 + n, validCount(r + 1))
    finish(r, max: m0, sum: s0)
    finish(r + 1, max: m1, sum: s1)
    r += 2
  }
  if r < rows {
    let m = numerators(r)
    finish(r, max: m, sum: rowSum(UnsafePointer(y.baseAddress! + r * n), validCount(r)))
  }
}

/// A softmax row from its max (times scale) and the sum of its numerators: log-probabilities, or
/// probabilities with zeros past the valid columns.
@inline(__always)
func finishSoftmaxRow<S: TensorScalar>(
  _ xr: UnsafePointer<S>, _ yr: UnsafeMutablePointer<S>, n: Int, valid: Int, log: Bool, scale: S, max m: S, sum s: S
) {
  if log {
    let ls = S.log(s) + m
    for j in 0..<valid { yr[j] = xr[j] * scale - ls }
  } else {
    let inv = 1 / s
    for j in 0..<valid { yr[j] *= inv }
    for j in valid..<n { yr[j] = 0 }
  }
}

/// The maxima of four consecutive rows (row i: its first `lengths.i` values, at least one), each
/// as `m = x[0]`, then `m = x[j]` wherever `x[j] > m`, in column order; the four chains run side
/// by side, so their compare latencies overlap.
@inline(__always)
func rowMaxima<S: TensorScalar>(_ x: UnsafePointer<S>, n: Int, lengths: (Int, Int, Int, Int)) -> (S, S, S, S) {
  let (r0, r1, r2, r3) = (x, x + n, x + 2 * n, x + 3 * n)
  let (l0, l1, l2, l3) = (Swift.max(lengths.0, 1), Swift.max(lengths.1, 1), Swift.max(lengths.2, 1), Swift.max(lengths.3, 1))
  if let a = rowMaxAVX(r0, count: l0), let b = rowMaxAVX(r1, count: l1), let c = rowMaxAVX(r2, count: l2),
    let d = rowMaxAVX(r3, count: l3)
  {
    return (a, b, c, d)  // the scans' bits (see rowMaxAVX)
  }
  var (m0, m1, m2, m3) = (r0[0], r1[0], r2[0], r3[0])
  let common = Swift.min(Swift.min(l0, l1), Swift.min(l2, l3))
  for j in 1..<common {
    if r0[j] > m0 { m0 = r0[j] }
    if r1[j] > m1 { m1 = r1[j] }
    if r2[j] > m2 { m2 = r2[j] }
    if r3[j] > m3 { m3 = r3[j] }
  }
  for j in common..<l0 where r0[j] > m0 { m0 = r0[j] }
  for j in common..<l1 where r1[j] > m1 { m1 = r1[j] }
  for j in common..<l2 where r2[j] > m2 { m2 = r2[j] }
  for j in common..<l3 where r3[j] > m3 { m3 = r3[j] }
  return (m0, m1, m2, m3)
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func softmaxRowsBackward<S: TensorScalar>(
  _ y: UnsafeBufferPointer<S>, _ gy: UnsafeBufferPointer<S>, _ gx: UnsafeMutableBufferPointer<S>,
  rows: Int, n: Int, log: Bool, scale: S = 1
) {
  for r in 0..<rows {
    let yr = y.baseAddress! + r * n, gyr = gy.baseAddress! + r * n, gxr = gx.baseAddress! + r * n
    if log {
      // y = x − lse: gx = gy − softmax·Σgy.
      let s = rowSum(gyr, n)
      if !logSoftmaxBackwardAVX2(yr, gyr, gxr, count: n, scale: scale, s: s) {
        for j in 0..<n { gxr[j] += scale * (gyr[j] - S.exp(yr[j]) * s) }
      }
    } else {
      // gx = y ⊙ (gy − Σ gy·y).
      let s = rowDot(gyr, yr, n)
      for j in 0..<n { gxr[j] += scale * yr[j] * (gyr[j] - s) }
    }
  }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func layerNormRows<S: TensorScalar>(
  _ x: UnsafeBufferPointer<S>, _ gamma: UnsafeBufferPointer<S>, _ beta: UnsafeBufferPointer<S>,
  _ y: UnsafeMutableBufferPointer<S>, _ xhat: UnsafeMutableBufferPointer<S>,
  _ rstd: UnsafeMutableBufferPointer<S>, rows: Int, n: Int, eps: S, xhatRowStride: Int? = nil
) {
  let g = gamma.baseAddress!, bt = beta.baseAddress!
  let hs = xhatRowStride ?? n  // 0: one scratch row reused (no backward pass will read x̂)
  /// Row r from its mean and Σ(x − mean)²: x̂ = (x − mean)·rstd, y = x̂·γ + β.
  func finish(_ r: Int, mean: S, squares v: S) {
    let xr = x.baseAddress! + r * n, hr = xhat.baseAddress! + r * hs, yr = y.baseAddress! + r * n
    let rs = 1 / (v / S(n) + eps).squareRoot()
    rstd[hs == 0 ? 0 : r] = rs
    for j in 0..<n {
      let h = (xr[j] - mean) * rs
      hr[j] = h
      yr[j] = h * g[j] + bt[j]
    }
  }
  if S.self == Float.self && avx2Kernels && n > 0 {
    // Eight rows at a time in C: their statistics, each sum in the order below, then `finish`'s
    // operations (the same bits).
    func f(_ p: UnsafePointer<S>) -> UnsafePointer<Float> { UnsafeRawPointer(p).assumingMemoryBound(to: Float.self) }
    func m(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Float> {
      UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
    }
    var r = 0
    while r < rows {
      let k = Swift.min(8, rows - r)
      loom_layer_norm_rows8_f32(
        f(x.baseAddress! + r * n), k, n, f(g), f(bt), unsafeBitCast(eps, to: Float.self), m(y.baseAddress! + r * n),
        m(xhat.baseAddress! + r * hs), hs, m(rstd.baseAddress! + (hs == 0 ? 0 : r)), hs == 0 ? 0 : 1)
      r += k
    }
    return
  }
  // Two rows at a time: their sums run side by side (each in rowSum's and rowDot's order).
  var r = 0
  while r + 2 <= rows {
    let xa = x.baseAddress! + r * n, xb = xa + n
    let (sa, sb) = rowSums(xa, n, xb, n)
    let (ma, mb) = (sa / S(n), sb / S(n))
    let (va, vb) = centeredSquares(xa, ma, xb, mb, n)
    finish(r, mean: ma, squares: va)
    finish(r + 1, mean: mb, squares: vb)
    r += 2
  }
  if r < rows {
    let xr = x.baseAddress! + r * n
    let mean = rowSum(xr, n) / S(n)
    finish(r, mean: mean, squares: centeredSquares(xr, mean, xr, mean, n).0)
  }
}

/// `rowSum` of two rows (of lengths na and nb), side by side: each row's four accumulators see
/// the same values in the same order as `rowSum`.
@inline(__always)
func rowSums<S: TensorScalar>(_ a: UnsafePointer<S>, _ na: Int, _ b: UnsafePointer<S>, _ nb: Int) -> (S, S) {
  var (a0, a1, a2, a3): (S, S, S, S) = (0, 0, 0, 0)
  var (b0, b1, b2, b3): (S, S, S, S) = (0, 0, 0, 0)
  let (fullA, fullB) = (na - na % 4, nb - nb % 4)
  let common = Swift.min(fullA, fullB)
  var i = 0
  while i < common {
    a0 += a[i]; a1 += a[i + 1]; a2 += a[i + 2]; a3 += a[i + 3]
    b0 += b[i]; b1 += b[i + 1]; b2 += b[i + 2]; b3 += b[i + 3]
    i += 4
  }
  var j = i
  while j < fullA { a0 += a[j]; a1 += a[j + 1]; a2 += a[j + 2]; a3 += a[j + 3]; j += 4 }
  while j < na { a0 += a[j]; j += 1 }
  j = i
  while j < fullB { b0 += b[j]; b1 += b[j + 1]; b2 += b[j + 2]; b3 += b[j + 3]; j += 4 }
  while j < nb { b0 += b[j]; j += 1 }
  return ((a0 + a1) + (a2 + a3), (b0 + b1) + (b2 + b3))
}

/// `rowDot(h, h, n)` of h = row − mean for two rows, side by side, without storing h.
@inline(__always)
func centeredSquares<S: TensorScalar>(_ a: UnsafePointer<S>, _ ma: S, _ b: UnsafePointer<S>, _ mb: S, _ n: Int) -> (S, S) {
  var (a0, a1, a2, a3): (S, S, S, S) = (0, 0, 0, 0)
  var (b0, b1, b2, b3): (S, S, S, S) = (0, 0, 0, 0)
  var i = 0
  while i + 4 <= n {
    let (p0, p1, p2, p3) = (a[i] - ma, a[i + 1] - ma, a[i + 2] - ma, a[i + 3] - ma)
    let (q0, q1, q2, q3) = (b[i] - mb, b[i + 1] - mb, b[i + 2] - mb, b[i + 3] - mb)
    a0 += p0 * p0; a1 += p1 * p1; a2 += p2 * p2; a3 += p3 * p3
    b0 += q0 * q0; b1 += q1 * q1; b2 += q2 * q2; b3 += q3 * q3
    i += 4
  }
  while i < n {
    let (p, q) = (a[i] - ma, b[i] - mb)
    a0 += p * p
    b0 += q * q
    i += 1
  }
  return ((a0 + a1) + (a2 + a3), (b0 + b1) + (b2 + b3))
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func layerNormBackward<S: TensorScalar>(
  _ gy: UnsafeBufferPointer<S>, _ gamma: UnsafeBufferPointer<S>, _ xhat: UnsafeBufferPointer<S>,
  _ rstd: UnsafeBufferPointer<S>, gx: UnsafeMutableBufferPointer<S>?,
  ggamma: UnsafeMutableBufferPointer<S>?, gbeta: UnsafeMutableBufferPointer<S>?, rows: Int, n: Int
) {
  if layerNormBackwardAVX2(
    gy.baseAddress!, gamma.baseAddress!, xhat.baseAddress!, rstd.baseAddress!, gx: gx?.baseAddress,
    ggamma: ggamma?.baseAddress, gbeta: gbeta?.baseAddress, rows: rows, n: n)
  {
    return
  }
  let g = gamma.baseAddress!
  let dy = UnsafeMutablePointer<S>.allocate(capacity: Swift.max(n, 1))
  defer { dy.deallocate() }
  for r in 0..<rows {
    let gyr = gy.baseAddress! + r * n, hr = xhat.baseAddress! + r * n
    if let gx {
      // dx = rstd·(gy·γ − mean(gy·γ) − x̂·mean(gy·γ·x̂))
      for j in 0..<n { dy[j] = gyr[j] * g[j] }
      let m1 = rowSum(UnsafePointer(dy), n) / S(n)
      let m2 = rowDot(UnsafePointer(dy), hr, n) / S(n)
      let rs = rstd[r]
      let gxr = gx.baseAddress! + r * n
      for j in 0..<n { gxr[j] += rs * (dy[j] - m1 - hr[j] * m2) }
    }
    if let ggamma {
      let gg = ggamma.baseAddress!
      for j in 0..<n { gg[j] += gyr[j] * hr[j] }
    }
    if let gbeta {
      let gb = gbeta.baseAddress!
      for j in 0..<n { gb[j] += gyr[j] }
    }
  }
}

extension TensorOf {
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  func rowwiseSoftmax(log: Bool, causal: Bool, scale: Scalar = 1) -> TensorOf {
    ensure(rank >= 1, "softmax: needs rank ≥ 1")
    let n = shape[rank - 1]
    if causal {
      ensure(
        rank >= 2 && shape[rank - 2] == n, "causalSoftmax: last two axes must be square, got \(shape)")
    }
    let rows = count / Swift.max(n, 1)
    var y: [Scalar] = uninitializedArray(count: count)
    data.withUnsafeBufferPointer { x in
      y.withUnsafeMutableBufferPointer {
        softmaxRows(x, $0, rows: rows, n: n, log: log, causalT: causal ? n : 0, scale: scale)
      }
    }
    let name = log ? "logSoftmax" : (causal ? "causalSoftmax" : "softmax")
    return TensorOf(y, shape: shape, op: name, inputs: [self]) { out in
      self.accumulateGrad { gx in
        out.data.withUnsafeBufferPointer { y in
          out.grad.withUnsafeBufferPointer { gy in
            softmaxRowsBackward(y, gy, gx, rows: rows, n: n, log: log, scale: scale)
          }
        }
      }
    }
  }

  /// Softmax over the last axis, stable (the row max is subtracted first).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func softmax() -> TensorOf { rowwiseSoftmax(log: false, causal: false) }
  /// log-softmax over the last axis, stable: `x − logsumexp(x)`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func logSoftmax() -> TensorOf { rowwiseSoftmax(log: true, causal: false) }
  /// Softmax over the last axis of `[..., T, T]` scores where query t sees keys 0...t only;
  /// the scores are multiplied by `scale` first (attention's 1/√d, fused).
  public func causalSoftmax(scale: Scalar = 1) -> TensorOf {
    ensure(scale > 0, "causalSoftmax: scale must be positive, got \(scale)")
    return rowwiseSoftmax(log: false, causal: true, scale: scale)
  }

  /// Softmax along any axis (composite: moves the axis last and back).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func softmax(alongAxis axis: Int) -> TensorOf {
    let ax = normalizeAxis(axis, rank: rank, op: "softmax")
    if ax == rank - 1 { return softmax() }
    return transposed(ax, -1).softmax().transposed(ax, -1)
  }

  /// Layer normalisation over the last axis, then `* gamma + beta` (fused).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func layerNorm(gamma: TensorOf, beta: TensorOf, eps: Scalar = 1e-5) -> TensorOf {
    let n = shape.last ?? 0
    ensure(
      gamma.shape == [n] && beta.shape == [n],
      "layerNorm: shapes \(shape) and \(gamma.shape) are incompatible")
    let rows = count / Swift.max(n, 1)
    // Without a graph, x̂ and 1/σ are scratch: one row, reused.
    let keep = recordsGraph([self, gamma, beta])
    var y: [Scalar] = uninitializedArray(count: count)
    var xhat: [Scalar] = uninitializedArray(count: keep ? count : n)
    var rstd: [Scalar] = uninitializedArray(count: keep ? rows : 1)
    data.withUnsafeBufferPointer { x in
      gamma.data.withUnsafeBufferPointer { g in
        beta.data.withUnsafeBufferPointer { b in
          y.withUnsafeMutableBufferPointer { yb in
            xhat.withUnsafeMutableBufferPointer { hb in
              rstd.withUnsafeMutableBufferPointer { rb in
                if keep {
                  layerNormRows(x, g, b, yb, hb, rb, rows: rows, n: n, eps: eps)
                } else {
                  layerNormRows(x, g, b, yb, hb, rb, rows: rows, n: n, eps: eps, xhatRowStride: 0)
                }
              }
            }
          }
        }
      }
    }
    return TensorOf(y, shape: shape, op: "layerNorm", inputs: [self, gamma, beta]) { out in
      out.grad.withUnsafeBufferPointer { gy in
        gamma.data.withUnsafeBufferPointer { g in
          xhat.withUnsafeBufferPointer { h in
            rstd.withUnsafeBufferPointer { rs in
              withOptionalGrad(self) { gx in
                withOptionalGrad(gamma) { gg in
                  withOptionalGrad(beta) { gb in
                    layerNormBackward(
                      gy, g, h, rs, gx: gx, ggamma: gg, gbeta: gb, rows: rows, n: n)
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

/// Hands `t`'s gradient buffer to `body` if `t` needs a gradient, else nil.
@inline(__always)
func withOptionalGrad<S: TensorScalar>(
  _ t: TensorOf<S>, _ body: (UnsafeMutableBufferPointer<S>?) -> Void
) {
  if t.requiresGrad { t.accumulateGrad { body($0) } } else { body(nil) }
}
