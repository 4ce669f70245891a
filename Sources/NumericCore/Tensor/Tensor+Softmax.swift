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
  for r in 0..<rows {
    let xr = x.baseAddress! + r * n, yr = y.baseAddress! + r * n
    // Causal: row r of a [T, T] block sees columns 0...(r % T); the rest get probability 0.
    let valid = causalT > 0 ? (r % causalT) + 1 : n
    var m = xr[0]
    for j in 1..<Swift.max(valid, 1) where xr[j] > m { m = xr[j] }
    m *= scale  // scale > 0, so the max commutes with it
    if !expShiftedAVX2(xr, yr, count: valid, scale: scale, minus: m) {
      for j in 0..<valid { yr[j] = S.exp(xr[j] * scale - m) }
    }
    let s = rowSum(UnsafePointer(yr), valid)
    if log {
      let ls = S.log(s) + m
      for j in 0..<valid { yr[j] = xr[j] * scale - ls }
    } else {
      let inv = 1 / s
      for j in 0..<valid { yr[j] *= inv }
      for j in valid..<n { yr[j] = 0 }
    }
  }
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
  for r in 0..<rows {
    let xr = x.baseAddress! + r * n, hr = xhat.baseAddress! + r * hs, yr = y.baseAddress! + r * n
    let mean = rowSum(xr, n) / S(n)
    for j in 0..<n { hr[j] = xr[j] - mean }
    let v = rowDot(UnsafePointer(hr), UnsafePointer(hr), n)
    let rs = 1 / (v / S(n) + eps).squareRoot()
    rstd[hs == 0 ? 0 : r] = rs
    for j in 0..<n { hr[j] *= rs }
    for j in 0..<n { yr[j] = hr[j] * g[j] + bt[j] }
  }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func layerNormBackward<S: TensorScalar>(
  _ gy: UnsafeBufferPointer<S>, _ gamma: UnsafeBufferPointer<S>, _ xhat: UnsafeBufferPointer<S>,
  _ rstd: UnsafeBufferPointer<S>, gx: UnsafeMutableBufferPointer<S>?,
  ggamma: UnsafeMutableBufferPointer<S>?, gbeta: UnsafeMutableBufferPointer<S>?, rows: Int, n: Int
) {
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
