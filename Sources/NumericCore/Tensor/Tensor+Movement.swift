// Shape changes, slicing, gathering. Reshape shares storage copy-on-write; the rest copy.

@_specialize(where S == Float)
@_specialize(where S == Double)
func permuteKernel<S: TensorScalar>(
  _ x: UnsafeBufferPointer<S>, shape: [Int], perm: [Int], _ y: UnsafeMutableBufferPointer<S>,
  accumulate: Bool
) {
  // Walk the output in order; read the input through permuted strides.
  let inStrides = contiguousStrides(shape)
  let outShape = perm.map { shape[$0] }
  let r = shape.count
  let src = perm.map { inStrides[$0] }
  let total = y.count
  if total == 0 { return }
  let n = outShape[r - 1], sn = src[r - 1]
  var idx = [Int](repeating: 0, count: r)
  var off = 0
  var o = 0
  while o < total {
    if accumulate { for i in 0..<n { y[o + i] += x[off + i * sn] } }
    else { for i in 0..<n { y[o + i] = x[off + i * sn] } }
    o += n
    var d = r - 2
    while d >= 0 {
      idx[d] += 1
      off += src[d]
      if idx[d] < outShape[d] { break }
      off -= src[d] * idx[d]
      idx[d] = 0
      d -= 1
    }
  }
}

/// `indices` as maximal runs of consecutive values: `position` in `indices`, the first `index`, and
/// how many (`[4, 5, 6, 2]` → (0, 4, 3), (3, 2, 1)).
func consecutiveRuns(_ indices: [Int]) -> [(position: Int, index: Int, count: Int)] {
  var runs: [(position: Int, index: Int, count: Int)] = []
  for (k, idx) in indices.enumerated() {
    if let last = runs.last, last.index + last.count == idx {
      runs[runs.count - 1].count += 1
    } else {
      runs.append((k, idx, 1))
    }
  }
  return runs
}

extension TensorOf {
  /// Same values, new shape (one dimension may be -1). O(1): storage is shared copy-on-write.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func reshaped(_ newShape: [Int]) -> TensorOf {
    var s = newShape
    if let i = s.firstIndex(of: -1) {
      let known = s.enumerated().filter { $0.offset != i }.map(\.element).reduce(1, *)
      s[i] = known == 0 ? 0 : count / known
    }
    ensure(
      s.reduce(1, *) == count, "reshape: shapes \(shape) and \(newShape) are incompatible")
    return TensorOf(data, shape: s, op: "reshape", inputs: [self]) { out in
      self.accumulateGrad { gx in
        out.grad.withUnsafeBufferPointer { gy in
          for i in 0..<gx.count { gx[i] += gy[i] }
        }
      }
    }
  }

  /// Removes a dimension of extent 1.
  public func squeezed(axis: Int) -> TensorOf {
    let ax = normalizeAxis(axis, rank: rank, op: "squeeze")
    ensure(shape[ax] == 1, "squeeze: axis \(axis) of shape \(shape) is not 1")
    var s = shape
    s.remove(at: ax)
    return reshaped(s)
  }

  /// Inserts a dimension of extent 1 at `axis` (0...rank; negative counts from the end).
  public func unsqueezed(axis: Int) -> TensorOf {
    let ax = axis < 0 ? axis + rank + 1 : axis
    ensure(ax >= 0 && ax <= rank, "unsqueeze: axis \(axis) out of range for \(shape)")
    var s = shape
    s.insert(1, at: ax)
    return reshaped(s)
  }

  /// Flattens to 1-D.
  public func flattened() -> TensorOf { reshaped([count]) }

  /// Reorders dimensions: output axis i is input axis `perm[i]`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func permuted(_ perm: [Int]) -> TensorOf {
    ensure(
      perm.sorted() == Array(0..<rank), "permute: \(perm) is not a permutation for shape \(shape)")
    let outShape = perm.map { shape[$0] }
    var inverse = [Int](repeating: 0, count: rank)
    for (i, p) in perm.enumerated() { inverse[p] = i }
    var y: [Scalar] = uninitializedArray(count: count)
    let inShape = shape
    data.withUnsafeBufferPointer { x in
      y.withUnsafeMutableBufferPointer {
        permuteKernel(x, shape: inShape, perm: perm, $0, accumulate: false)
      }
    }
    return TensorOf(y, shape: outShape, op: "permute", inputs: [self]) { out in
      self.accumulateGrad { gx in
        out.grad.withUnsafeBufferPointer {
          permuteKernel($0, shape: outShape, perm: inverse, gx, accumulate: true)
        }
      }
    }
  }

  /// Swaps two axes (default: the last two, i.e. a matrix transpose).
  public func transposed(_ a: Int = -2, _ b: Int = -1) -> TensorOf {
    let i = normalizeAxis(a, rank: rank, op: "transpose")
    let j = normalizeAxis(b, rank: rank, op: "transpose")
    var p = Array(0..<rank)
    p.swapAt(i, j)
    return permuted(p)
  }

  /// Broadcasts to `newShape` (numpy rules); the gradient is summed back.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func expanded(to newShape: [Int]) -> TensorOf {
    var y: [Scalar] = uninitializedArray(count: newShape.reduce(1, *))
    let inShape = shape
    if !y.isEmpty {
      data.withUnsafeBufferPointer { x in
        y.withUnsafeMutableBufferPointer { broadcastCopy(x, from: inShape, into: $0, to: newShape) }
      }
    }
    return TensorOf(y, shape: newShape, op: "expand", inputs: [self]) { out in
      self.accumulateGrad { gx in
        out.grad.withUnsafeBufferPointer { unbroadcastAdd($0, from: newShape, into: gx, to: inShape) }
      }
    }
  }

  /// Elements `range` along `axis`.
  public func slice(alongAxis axis: Int, _ range: Range<Int>) -> TensorOf {
    let ax = normalizeAxis(axis, rank: rank, op: "slice")
    ensure(
      range.lowerBound >= 0 && range.upperBound <= shape[ax],
      "slice: range \(range) out of bounds for axis \(axis) of shape \(shape)")
    return indexSelect(Array(range), alongAxis: ax)
  }

  /// Rows `indices` (repeats allowed) along `axis`: embedding lookup, minibatch selection.
  /// The gradient is scattered back with `+=` (scatter-add).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func indexSelect(_ indices: [Int], alongAxis axis: Int = 0) -> TensorOf {
    let ax = normalizeAxis(axis, rank: rank, op: "indexSelect")
    let (outer, length, inner) = splitAround(shape, axis: ax)
    for i in indices {
      ensure(i >= 0 && i < length, "indexSelect: index \(i) out of range for shape \(shape)")
    }
    var outShape = shape
    outShape[ax] = indices.count
    let m = indices.count
    // Runs of consecutive indices (a slice is one) move as one block: the same values copied, and
    // in backward the same `+=` per element in the same order (a run's rows are distinct).
    let runs = consecutiveRuns(indices)
    var y: [Scalar] = uninitializedArray(count: outer * m * inner)
    data.withUnsafeBufferPointer { x in
      y.withUnsafeMutableBufferPointer { yb in
        for o in 0..<outer {
          for run in runs {
            let src = x.baseAddress! + (o * length + run.index) * inner
            (yb.baseAddress! + (o * m + run.position) * inner).update(from: src, count: run.count * inner)
          }
        }
      }
    }
    return TensorOf(y, shape: outShape, op: "indexSelect", inputs: [self]) { out in
      self.accumulateGrad { gx in
        out.grad.withUnsafeBufferPointer { gy in
          for o in 0..<outer {
            for run in runs {
              let d = gx.baseAddress! + (o * length + run.index) * inner
              let s = gy.baseAddress! + (o * m + run.position) * inner
              for i in 0..<(run.count * inner) { d[i] += s[i] }
            }
          }
        }
      }
    }
  }

  /// Picks one entry per row of the last axis: `out[i] = self[i, indices[i]]`
  /// (log-probabilities of the taken actions). Shape `[..., n]` → `[...]`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func gather(_ indices: [Int]) -> TensorOf {
    ensure(rank >= 1, "gather: needs rank ≥ 1, got shape \(shape)")
    let n = shape[rank - 1]
    let rows = count / Swift.max(n, 1)
    ensure(
      indices.count == rows, "gather: \(indices.count) indices for \(rows) rows of shape \(shape)")
    var y: [Scalar] = zerosArray(count: rows)
    for (r, i) in indices.enumerated() {
      ensure(i >= 0 && i < n, "gather: index \(i) out of range for shape \(shape)")
      y[r] = data[r * n + i]
    }
    return TensorOf(y, shape: Array(shape.dropLast()), op: "gather", inputs: [self]) { out in
      self.accumulateGrad { gx in
        for (r, i) in indices.enumerated() { gx[r * n + i] += out.grad[r] }
      }
    }
  }

  /// Adds rows of `source` into a zero tensor of `shape` at `indices` along axis 0
  /// (`out[indices[k]] += source[k]`), the adjoint of `indexSelect`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func scatterAdd(_ source: TensorOf, indices: [Int], shape: [Int]) -> TensorOf {
    let inner = shape.dropFirst().reduce(1, *)
    ensure(
      source.shape.first == indices.count && source.count == indices.count * inner,
      "scatterAdd: source shape \(source.shape) does not fit \(indices.count) rows of \(shape)")
    var y: [Scalar] = zerosArray(count: shape.reduce(1, *))
    for (k, idx) in indices.enumerated() {
      ensure(idx >= 0 && idx < shape[0], "scatterAdd: index \(idx) out of range for \(shape)")
      for i in 0..<inner { y[idx * inner + i] += source.data[k * inner + i] }
    }
    return TensorOf(y, shape: shape, op: "scatterAdd", inputs: [source]) { out in
      source.accumulateGrad { g in
        for (k, idx) in indices.enumerated() {
          for i in 0..<inner { g[k * inner + i] += out.grad[idx * inner + i] }
        }
      }
    }
  }

  /// Joins tensors along `axis`; all other dimensions must agree.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func concat(_ parts: [TensorOf], alongAxis axis: Int = 0) -> TensorOf {
    ensure(!parts.isEmpty, "concat: no tensors")
    let first = parts[0].shape
    let ax = normalizeAxis(axis, rank: first.count, op: "concat")
    for p in parts {
      var a = p.shape, b = first
      ensure(a.count == b.count, "concat: shapes \(first) and \(p.shape) are incompatible")
      a[ax] = 0
      b[ax] = 0
      ensure(a == b, "concat: shapes \(first) and \(p.shape) are incompatible")
    }
    let outer = first[..<ax].reduce(1, *)
    let inner = first[(ax + 1)...].reduce(1, *)
    let total = parts.reduce(0) { $0 + $1.shape[ax] }
    var outShape = first
    outShape[ax] = total
    var y: [Scalar] = zerosArray(count: outer * total * inner)
    var start = 0
    var starts: [Int] = []
    for p in parts {
      starts.append(start)
      let len = p.shape[ax]
      for o in 0..<outer {
        for j in 0..<(len * inner) {
          y[(o * total + start) * inner + j] = p.data[o * len * inner + j]
        }
      }
      start += len
    }
    return TensorOf(y, shape: outShape, op: "concat", inputs: parts) { out in
      for (p, s) in zip(parts, starts) where p.requiresGrad {
        let len = p.shape[ax]
        p.accumulateGrad { g in
          for o in 0..<outer {
            for j in 0..<(len * inner) { g[o * len * inner + j] += out.grad[(o * total + s) * inner + j] }
          }
        }
      }
    }
  }

  /// Stacks equal-shaped tensors along a new axis.
  public static func stack(_ parts: [TensorOf], alongAxis axis: Int = 0) -> TensorOf {
    concat(parts.map { $0.unsqueezed(axis: axis) }, alongAxis: axis)
  }

  /// One-hot rows: `[indices.count, classes]`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func oneHot(_ indices: [Int], classes: Int) -> TensorOf {
    var y: [Scalar] = zerosArray(count: indices.count * classes)
    for (r, i) in indices.enumerated() {
      ensure(i >= 0 && i < classes, "oneHot: index \(i) out of range for \(classes) classes")
      y[r * classes + i] = 1
    }
    return TensorOf(y, shape: [indices.count, classes])
  }
}
