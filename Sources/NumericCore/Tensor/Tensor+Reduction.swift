// Reductions along an axis, viewed as (outer, length, inner) blocks.

@_specialize(where S == Float)
@_specialize(where S == Double)
func sumAxisKernel<S: TensorScalar>(
  _ x: UnsafeBufferPointer<S>, _ y: UnsafeMutableBufferPointer<S>, outer: Int, length: Int,
  inner: Int
) {
  for o in 0..<outer {
    let yb = o * inner
    for k in 0..<length {
      let xb = (o * length + k) * inner
      for i in 0..<inner { y[yb + i] += x[xb + i] }
    }
  }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func sumAxisBackward<S: TensorScalar>(
  _ gy: UnsafeBufferPointer<S>, _ gx: UnsafeMutableBufferPointer<S>, outer: Int, length: Int,
  inner: Int
) {
  for o in 0..<outer {
    for k in 0..<length {
      let xb = (o * length + k) * inner
      for i in 0..<inner { gx[xb + i] += gy[o * inner + i] }
    }
  }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func maxAxisKernel<S: TensorScalar>(
  _ x: UnsafeBufferPointer<S>, _ y: UnsafeMutableBufferPointer<S>, _ arg: UnsafeMutableBufferPointer<Int>,
  outer: Int, length: Int, inner: Int
) {
  for o in 0..<outer {
    for i in 0..<inner {
      var best = x[o * length * inner + i]
      var bi = 0
      for k in 1..<max(length, 1) {
        let v = x[(o * length + k) * inner + i]
        if v > best { best = v; bi = k }
      }
      y[o * inner + i] = best
      arg[o * inner + i] = bi
    }
  }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func sumAll<S: TensorScalar>(_ x: UnsafeBufferPointer<S>) -> S {
  var s0: S = 0, s1: S = 0, s2: S = 0, s3: S = 0
  let n = x.count
  var i = 0
  while i + 4 <= n {
    s0 += x[i]; s1 += x[i + 1]; s2 += x[i + 2]; s3 += x[i + 3]
    i += 4
  }
  while i < n { s0 += x[i]; i += 1 }
  return (s0 + s1) + (s2 + s3)
}

extension TensorOf {
  /// Sum of all elements, a scalar.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func sum() -> TensorOf {
    let s = data.withUnsafeBufferPointer { sumAll($0) }
    return TensorOf([s], shape: [], op: "sum", inputs: [self]) { out in
      let g = out.grad[0]
      self.accumulateGrad { gx in for i in 0..<gx.count { gx[i] += g } }
    }
  }

  /// Sum along `axis` (negative counts from the end); `keepDims` leaves a 1 in its place.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func sum(alongAxis axis: Int, keepDims: Bool = false) -> TensorOf {
    let ax = normalizeAxis(axis, rank: rank, op: "sum(alongAxis:)")
    let (outer, length, inner) = splitAround(shape, axis: ax)
    var outShape = shape
    if keepDims { outShape[ax] = 1 } else { outShape.remove(at: ax) }
    var y: [Scalar] = zerosArray(count: outer * inner)
    data.withUnsafeBufferPointer { x in
      y.withUnsafeMutableBufferPointer {
        sumAxisKernel(x, $0, outer: outer, length: length, inner: inner)
      }
    }
    return TensorOf(y, shape: outShape, op: "sum(axis)", inputs: [self]) { out in
      self.accumulateGrad { gx in
        out.grad.withUnsafeBufferPointer {
          sumAxisBackward($0, gx, outer: outer, length: length, inner: inner)
        }
      }
    }
  }

  /// Maximum along `axis`; the gradient goes to the (first) arg-max.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func max(alongAxis axis: Int, keepDims: Bool = false) -> TensorOf {
    let ax = normalizeAxis(axis, rank: rank, op: "max(alongAxis:)")
    let (outer, length, inner) = splitAround(shape, axis: ax)
    ensure(length > 0, "max(alongAxis:): empty axis in shape \(shape)")
    var outShape = shape
    if keepDims { outShape[ax] = 1 } else { outShape.remove(at: ax) }
    var y: [Scalar] = zerosArray(count: outer * inner)
    var arg = [Int](repeating: 0, count: outer * inner)
    data.withUnsafeBufferPointer { x in
      y.withUnsafeMutableBufferPointer { yb in
        arg.withUnsafeMutableBufferPointer {
          maxAxisKernel(x, yb, $0, outer: outer, length: length, inner: inner)
        }
      }
    }
    return TensorOf(y, shape: outShape, op: "max(axis)", inputs: [self]) { out in
      self.accumulateGrad { gx in
        for o in 0..<outer {
          for i in 0..<inner {
            gx[(o * length + arg[o * inner + i]) * inner + i] += out.grad[o * inner + i]
          }
        }
      }
    }
  }

  /// Indices of the maxima along `axis` (first one on ties); not differentiable.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func argmax(alongAxis axis: Int) -> [Int] {
    let ax = normalizeAxis(axis, rank: rank, op: "argmax(alongAxis:)")
    let (outer, length, inner) = splitAround(shape, axis: ax)
    var y: [Scalar] = zerosArray(count: outer * inner)
    var arg = [Int](repeating: 0, count: outer * inner)
    data.withUnsafeBufferPointer { x in
      y.withUnsafeMutableBufferPointer { yb in
        arg.withUnsafeMutableBufferPointer {
          maxAxisKernel(x, yb, $0, outer: outer, length: length, inner: inner)
        }
      }
    }
    return arg
  }

  /// Mean of all elements.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func mean() -> TensorOf { sum() * (1 / Scalar(Swift.max(count, 1))) }

  /// Mean along `axis`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func mean(alongAxis axis: Int, keepDims: Bool = false) -> TensorOf {
    let ax = normalizeAxis(axis, rank: rank, op: "mean(alongAxis:)")
    return sum(alongAxis: ax, keepDims: keepDims) * (1 / Scalar(shape[ax]))
  }

  /// Variance along `axis` (biased, like LayerNorm; `unbiased: true` divides by n − 1).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func variance(alongAxis axis: Int, keepDims: Bool = false, unbiased: Bool = false)
    -> TensorOf
  {
    let ax = normalizeAxis(axis, rank: rank, op: "variance(alongAxis:)")
    let centered = self - mean(alongAxis: ax, keepDims: true)
    let n = Scalar(shape[ax] - (unbiased ? 1 : 0))
    return centered.squared().sum(alongAxis: ax, keepDims: keepDims) * (1 / n)
  }

  /// log Σ exp along `axis`, stable (the max is subtracted first).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func logSumExp(alongAxis axis: Int, keepDims: Bool = false) -> TensorOf {
    let ax = normalizeAxis(axis, rank: rank, op: "logSumExp(alongAxis:)")
    let m = max(alongAxis: ax, keepDims: true).detached()
    let r = (self - m).exp().sum(alongAxis: ax, keepDims: true).log() + m
    return keepDims ? r : r.squeezed(axis: ax)
  }
}
