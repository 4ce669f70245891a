// GELU as its own primitive: the forward keeps tanh(·) so the backward needs no second tanh
// (GELU sits on the widest activations of every transformer block).

@_specialize(where S == Float)
@_specialize(where S == Double)
func geluForward<S: TensorScalar>(
  _ x: UnsafeBufferPointer<S>, _ y: UnsafeMutableBufferPointer<S>, _ t: UnsafeMutableBufferPointer<S>
) {
  let (c, k): (S, S) = geluConst()
  if geluAVX2(x.baseAddress!, y.baseAddress!, t.baseAddress!, count: x.count, c: c, k: k) { return }
  for i in 0..<x.count {
    let v = x[i]
    let th = S.tanh(c * (v + k * v * v * v))
    t[i] = th
    y[i] = 0.5 * v * (1 + th)
  }
}

/// `geluForwardOnly` in place: for inference, where no backward pass needs tanh(·). Each element is
/// read before it is written, so the output may alias the input (the AVX2 kernel reads a vector
/// before storing it too); the same expression, so the same bits.
func geluForwardInPlace<S: TensorScalar>(_ x: UnsafeMutableBufferPointer<S>) {
  geluForwardOnly(UnsafeBufferPointer(x), x)
}

/// `geluForward` without keeping tanh(·), for inference (no graph recorded).
@_specialize(where S == Float)
@_specialize(where S == Double)
func geluForwardOnly<S: TensorScalar>(_ x: UnsafeBufferPointer<S>, _ y: UnsafeMutableBufferPointer<S>) {
  let (c, k): (S, S) = geluConst()
  if x.count > 0, geluAVX2(x.baseAddress!, y.baseAddress!, nil, count: x.count, c: c, k: k) { return }
  for i in 0..<x.count {
    let v = x[i]
    let th = S.tanh(c * (v + k * v * v * v))
    y[i] = 0.5 * v * (1 + th)
  }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func geluBackward<S: TensorScalar>(
  _ x: UnsafeBufferPointer<S>, _ t: UnsafeBufferPointer<S>, _ gy: UnsafeBufferPointer<S>,
  _ gx: UnsafeMutableBufferPointer<S>, fresh: Bool = false
) {
  let (c, k): (S, S) = geluConst()
  if x.count > 0,
    geluBackwardAVX2(x.baseAddress!, t.baseAddress!, gy.baseAddress!, gx.baseAddress!, count: x.count, c: c, k: k, fresh: fresh)
  {
    return
  }
  for i in 0..<x.count {
    let v = x[i], th = t[i]
    let d = 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * c * (1 + 3 * k * v * v)
    gx[i] = (fresh ? 0 : gx[i]) + gy[i] * d  // a fresh buffer is unwritten: +0 + …, as if zeroed
  }
}

extension TensorOf {
  /// GELU, tanh approximation (GPT-2; torch `gelu(approximate="tanh")`).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func gelu() -> TensorOf {
    if !recordsGraph([self]) {
      // No graph will be recorded: no tanh buffer to keep for the backward pass.
      var y: [Scalar] = uninitializedArray(count: count)
      data.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { geluForwardOnly(x, $0) } }
      return TensorOf(y, shape: shape, op: "gelu", inputs: [self]) { _ in }
    }
    var y: [Scalar] = uninitializedArray(count: count)
    var t: [Scalar] = uninitializedArray(count: count)
    data.withUnsafeBufferPointer { x in
      y.withUnsafeMutableBufferPointer { yb in
        t.withUnsafeMutableBufferPointer { geluForward(x, yb, $0) }
      }
    }
    return TensorOf(y, shape: shape, op: "gelu", inputs: [self]) { out in
      self.accumulateGrad { gx, fresh in
        self.data.withUnsafeBufferPointer { x in
          t.withUnsafeBufferPointer { tb in
            out.grad.withUnsafeBufferPointer { gy in geluBackward(x, tb, gy, gx, fresh: fresh) }
          }
        }
      }
    }
  }
}
