/// How two shapes broadcast (numpy rules): the output shape and each input's strides into it,
/// with stride 0 along broadcast dimensions. Walking the output with these strides reads the
/// inputs (forward) or accumulates into their gradients (backward: that *is* unbroadcasting).
struct BroadcastPlan {
  let outShape: [Int]
  let aStrides: [Int]
  let bStrides: [Int]
  let sameShape: Bool

  init(_ a: [Int], _ b: [Int], op: String) {
    sameShape = a == b
    let r = max(a.count, b.count)
    let pa = [Int](repeating: 1, count: r - a.count) + a
    let pb = [Int](repeating: 1, count: r - b.count) + b
    var out = [Int](repeating: 1, count: r)
    for i in 0..<r {
      ensure(
        pa[i] == pb[i] || pa[i] == 1 || pb[i] == 1,
        "\(op): shapes \(a) and \(b) are incompatible")
      out[i] = pa[i] == 1 ? pb[i] : pa[i]
    }
    outShape = out
    aStrides = BroadcastPlan.strides(pa, out)
    bStrides = BroadcastPlan.strides(pb, out)
  }

  /// Strides of a (left-padded) input shape read as `out`: 0 where the input has extent 1.
  static func strides(_ padded: [Int], _ out: [Int]) -> [Int] {
    var s = [Int](repeating: 0, count: padded.count)
    var acc = 1
    for i in stride(from: padded.count - 1, through: 0, by: -1) {
      s[i] = (padded[i] == 1 && out[i] != 1) ? 0 : acc
      acc *= padded[i]
    }
    return s
  }

  /// Calls `body(offA, offB, offOut, n, strideA, strideB)` once per innermost row.
  @inline(__always)
  func forEachRow(_ body: (Int, Int, Int, Int, Int, Int) -> Void) {
    let total = outShape.reduce(1, *)
    if total == 0 { return }
    if sameShape || outShape.isEmpty {
      body(0, 0, 0, total, 1, 1)
      return
    }
    let r = outShape.count
    let n = outShape[r - 1]
    let sa = aStrides[r - 1], sb = bStrides[r - 1]
    let rows = total / n
    var idx = [Int](repeating: 0, count: r)
    var offA = 0, offB = 0
    for row in 0..<rows {
      body(offA, offB, row * n, n, sa, sb)
      // Odometer over the outer dimensions.
      var d = r - 2
      while d >= 0 {
        idx[d] += 1
        offA += aStrides[d]
        offB += bStrides[d]
        if idx[d] < outShape[d] { break }
        offA -= aStrides[d] * idx[d]
        offB -= bStrides[d] * idx[d]
        idx[d] = 0
        d -= 1
      }
    }
  }
}

/// Row-major strides of a contiguous shape.
func contiguousStrides(_ shape: [Int]) -> [Int] {
  var s = [Int](repeating: 1, count: shape.count)
  var acc = 1
  for i in stride(from: shape.count - 1, through: 0, by: -1) {
    s[i] = acc
    acc *= shape[i]
  }
  return s
}

/// Resolves a possibly negative axis against `rank`.
func normalizeAxis(_ axis: Int, rank: Int, op: String) -> Int {
  let a = axis < 0 ? axis + rank : axis
  ensure(a >= 0 && a < rank, "\(op): axis \(axis) out of range for rank \(rank)")
  return a
}

/// (outer, length, inner) view of `shape` around `axis`.
func splitAround(_ shape: [Int], axis: Int) -> (outer: Int, length: Int, inner: Int) {
  let outer = shape[..<axis].reduce(1, *)
  let inner = shape[(axis + 1)...].reduce(1, *)
  return (outer, shape[axis], inner)
}

/// A zero-filled array, pre-specialised so generic callers don't fill it element by element
/// through witness tables.
@_specialize(where S == Float)
@_specialize(where S == Double)
func zerosArray<S: TensorScalar>(count n: Int) -> [S] {
  [S](unsafeUninitializedCapacity: n) { buf, initialized in
    if n > 0 { buf.baseAddress!.initialize(repeating: 0, count: n) }
    initialized = n
  }
}

/// An array of `n` elements left uninitialised, for outputs a kernel overwrites entirely
/// (saves a memset per op; Float and Double are trivial types, so this is safe).
@_specialize(where S == Float)
@_specialize(where S == Double)
func uninitializedArray<S: TensorScalar>(count n: Int) -> [S] {
  [S](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
}

/// Σ a[i] over n contiguous values with four independent accumulators: floating-point sums
/// don't vectorise under strict IEEE ordering, and one accumulator waits on every add.
@inline(__always)
func rowSum<S: TensorScalar>(_ a: UnsafePointer<S>, _ n: Int) -> S {
  var s0: S = 0, s1: S = 0, s2: S = 0, s3: S = 0
  var i = 0
  while i + 4 <= n {
    s0 += a[i]; s1 += a[i + 1]; s2 += a[i + 2]; s3 += a[i + 3]
    i += 4
  }
  while i < n { s0 += a[i]; i += 1 }
  return (s0 + s1) + (s2 + s3)
}

/// Σ a[i]·b[i] over n contiguous values, four accumulators.
@inline(__always)
func rowDot<S: TensorScalar>(_ a: UnsafePointer<S>, _ b: UnsafePointer<S>, _ n: Int) -> S {
  var s0: S = 0, s1: S = 0, s2: S = 0, s3: S = 0
  var i = 0
  while i + 4 <= n {
    s0 += a[i] * b[i]; s1 += a[i + 1] * b[i + 1]
    s2 += a[i + 2] * b[i + 2]; s3 += a[i + 3] * b[i + 3]
    i += 4
  }
  while i < n { s0 += a[i] * b[i]; i += 1 }
  return (s0 + s1) + (s2 + s3)
}

/// `rowDot(a0, b0, n0)` and `rowDot(a1, b1, n1)` side by side (two independent chains): each
/// row's four accumulators see the same products in the same order as `rowDot`.
@inline(__always)
func rowDots<S: TensorScalar>(
  _ a0: UnsafePointer<S>, _ b0: UnsafePointer<S>, _ n0: Int, _ a1: UnsafePointer<S>, _ b1: UnsafePointer<S>, _ n1: Int
) -> (S, S) {
  var (p0, p1, p2, p3): (S, S, S, S) = (0, 0, 0, 0)
  var (q0, q1, q2, q3): (S, S, S, S) = (0, 0, 0, 0)
  let (full0, full1) = (n0 - n0 % 4, n1 - n1 % 4)
  let common = Swift.min(full0, full1)
  var i = 0
  while i < common {
    p0 += a0[i] * b0[i]; p1 += a0[i + 1] * b0[i + 1]; p2 += a0[i + 2] * b0[i + 2]; p3 += a0[i + 3] * b0[i + 3]
    q0 += a1[i] * b1[i]; q1 += a1[i + 1] * b1[i + 1]; q2 += a1[i + 2] * b1[i + 2]; q3 += a1[i + 3] * b1[i + 3]
    i += 4
  }
  var j = i
  while j < full0 {
    p0 += a0[j] * b0[j]; p1 += a0[j + 1] * b0[j + 1]; p2 += a0[j + 2] * b0[j + 2]; p3 += a0[j + 3] * b0[j + 3]
    j += 4
  }
  while j < n0 { p0 += a0[j] * b0[j]; j += 1 }
  j = i
  while j < full1 {
    q0 += a1[j] * b1[j]; q1 += a1[j + 1] * b1[j + 1]; q2 += a1[j + 2] * b1[j + 2]; q3 += a1[j + 3] * b1[j + 3]
    j += 4
  }
  while j < n1 { q0 += a1[j] * b1[j]; j += 1 }
  return ((p0 + p1) + (p2 + p3), (q0 + q1) + (q2 + q3))
}

/// An array of ones, pre-specialised like `zerosArray`.
@_specialize(where S == Float)
@_specialize(where S == Double)
func onesArray<S: TensorScalar>(count n: Int) -> [S] {
  [S](unsafeUninitializedCapacity: n) { buf, initialized in
    if n > 0 { buf.baseAddress!.initialize(repeating: 1, count: n) }
    initialized = n
  }
}
