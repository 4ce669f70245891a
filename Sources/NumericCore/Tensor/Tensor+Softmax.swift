// Row-wise fused primitives over the last axis: softmax, logSoftmax, layer normalisation and
// the causal softmax of attention. Fused because they sit in every training step.

@_specialize(where S == Float)
@_specialize(where S == Double)
func softmaxRows<S: TensorScalar>(
  _ x: UnsafeBufferPointer<S>, _ y: UnsafeMutableBufferPointer<S>, rows: Int, n: Int, log: Bool,
  causalT: Int
) {
  for r in 0..<rows {
    let b = r * n
    // Causal: row r of a [T, T] block sees columns 0...(r % T); the rest get probability 0.
    let valid = causalT > 0 ? (r % causalT) + 1 : n
    var m = x[b]
    for j in 1..<Swift.max(valid, 1) { m = Swift.max(m, x[b + j]) }
    var s: S = 0
    for j in 0..<valid { let e = S.exp(x[b + j] - m); y[b + j] = e; s += e }
    if log {
      let ls = S.log(s) + m
      for j in 0..<valid { y[b + j] = x[b + j] - ls }
    } else {
      let inv = 1 / s
      for j in 0..<valid { y[b + j] *= inv }
      for j in valid..<n { y[b + j] = 0 }
    }
  }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func softmaxRowsBackward<S: TensorScalar>(
  _ y: UnsafeBufferPointer<S>, _ gy: UnsafeBufferPointer<S>, _ gx: UnsafeMutableBufferPointer<S>,
  rows: Int, n: Int, log: Bool
) {
  for r in 0..<rows {
    let b = r * n
    if log {
      // y = x − lse: gx = gy − softmax·Σgy.
      var s: S = 0
      for j in 0..<n { s += gy[b + j] }
      for j in 0..<n { gx[b + j] += gy[b + j] - S.exp(y[b + j]) * s }
    } else {
      // gx = y ⊙ (gy − Σ gy·y).
      var s: S = 0
      for j in 0..<n { s += gy[b + j] * y[b + j] }
      for j in 0..<n { gx[b + j] += y[b + j] * (gy[b + j] - s) }
    }
  }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func layerNormRows<S: TensorScalar>(
  _ x: UnsafeBufferPointer<S>, _ gamma: UnsafeBufferPointer<S>, _ beta: UnsafeBufferPointer<S>,
  _ y: UnsafeMutableBufferPointer<S>, _ xhat: UnsafeMutableBufferPointer<S>,
  _ rstd: UnsafeMutableBufferPointer<S>, rows: Int, n: Int, eps: S
) {
  for r in 0..<rows {
    let b = r * n
    var mean: S = 0
    for j in 0..<n { mean += x[b + j] }
    mean /= S(n)
    var v: S = 0
    for j in 0..<n { let d = x[b + j] - mean; v += d * d }
    let rs = 1 / (v / S(n) + eps).squareRoot()
    rstd[r] = rs
    for j in 0..<n {
      let h = (x[b + j] - mean) * rs
      xhat[b + j] = h
      y[b + j] = h * gamma[j] + beta[j]
    }
  }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func layerNormBackward<S: TensorScalar>(
  _ gy: UnsafeBufferPointer<S>, _ gamma: UnsafeBufferPointer<S>, _ xhat: UnsafeBufferPointer<S>,
  _ rstd: UnsafeBufferPointer<S>, gx: UnsafeMutableBufferPointer<S>?,
  ggamma: UnsafeMutableBufferPointer<S>?, gbeta: UnsafeMutableBufferPointer<S>?, rows: Int, n: Int
) {
  for r in 0..<rows {
    let b = r * n
    if let gx {
      var m1: S = 0, m2: S = 0
      for j in 0..<n {
        let d = gy[b + j] * gamma[j]
        m1 += d
        m2 += d * xhat[b + j]
      }
      m1 /= S(n)
      m2 /= S(n)
      for j in 0..<n {
        gx[b + j] += rstd[r] * (gy[b + j] * gamma[j] - m1 - xhat[b + j] * m2)
      }
    }
    if let ggamma { for j in 0..<n { ggamma[j] += gy[b + j] * xhat[b + j] } }
    if let gbeta { for j in 0..<n { gbeta[j] += gy[b + j] } }
  }
}

extension TensorOf {
  func rowwiseSoftmax(log: Bool, causal: Bool) -> TensorOf {
    precondition(rank >= 1, "softmax: needs rank ≥ 1")
    let n = shape[rank - 1]
    if causal {
      precondition(
        rank >= 2 && shape[rank - 2] == n, "causalSoftmax: last two axes must be square, got \(shape)")
    }
    let rows = count / Swift.max(n, 1)
    var y = [Scalar](repeating: 0, count: count)
    data.withUnsafeBufferPointer { x in
      y.withUnsafeMutableBufferPointer {
        softmaxRows(x, $0, rows: rows, n: n, log: log, causalT: causal ? n : 0)
      }
    }
    let name = log ? "logSoftmax" : (causal ? "causalSoftmax" : "softmax")
    return TensorOf(y, shape: shape, op: name, inputs: [self]) { out in
      self.accumulateGrad { gx in
        out.data.withUnsafeBufferPointer { y in
          out.grad.withUnsafeBufferPointer { gy in
            softmaxRowsBackward(y, gy, gx, rows: rows, n: n, log: log)
          }
        }
      }
    }
  }

  /// Softmax over the last axis, stable (the row max is subtracted first).
  public func softmax() -> TensorOf { rowwiseSoftmax(log: false, causal: false) }
  /// log-softmax over the last axis, stable: `x − logsumexp(x)`.
  public func logSoftmax() -> TensorOf { rowwiseSoftmax(log: true, causal: false) }
  /// Softmax over the last axis of `[..., T, T]` scores where query t sees keys 0...t only.
  public func causalSoftmax() -> TensorOf { rowwiseSoftmax(log: false, causal: true) }

  /// Softmax along any axis (composite: moves the axis last and back).
  public func softmax(alongAxis axis: Int) -> TensorOf {
    let ax = normalizeAxis(axis, rank: rank, op: "softmax")
    if ax == rank - 1 { return softmax() }
    return transposed(ax, -1).softmax().transposed(ax, -1)
  }

  /// Layer normalisation over the last axis, then `* gamma + beta` (fused).
  public func layerNorm(gamma: TensorOf, beta: TensorOf, eps: Scalar = 1e-5) -> TensorOf {
    let n = shape.last ?? 0
    precondition(
      gamma.shape == [n] && beta.shape == [n],
      "layerNorm: shapes \(shape) and \(gamma.shape) are incompatible")
    let rows = count / Swift.max(n, 1)
    var y = [Scalar](repeating: 0, count: count)
    var xhat = [Scalar](repeating: 0, count: count)
    var rstd = [Scalar](repeating: 0, count: rows)
    data.withUnsafeBufferPointer { x in
      gamma.data.withUnsafeBufferPointer { g in
        beta.data.withUnsafeBufferPointer { b in
          y.withUnsafeMutableBufferPointer { yb in
            xhat.withUnsafeMutableBufferPointer { hb in
              rstd.withUnsafeMutableBufferPointer { rb in
                layerNormRows(x, g, b, yb, hb, rb, rows: rows, n: n, eps: eps)
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
