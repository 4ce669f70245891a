// Fused causal multi-head attention: reads q, k and v straight out of the qkv projection with
// strided gemm calls (no permute, slice or reshape copies) and keeps only the attention
// probabilities for the backward pass.

/// Row blocks (r0, r1) of a causal [t, t] attention: `causalBlockRows` rows each (the last may be
/// shorter). Row i sees columns 0...i, so a block's products need columns (or, transposed, rows)
/// below r1 only, which saves 40% of the products' work at T = 80. The skipped terms are exact
/// zeros (P and dS are +0 above the diagonal): at the start of a chain, where the sum is still +0
/// and stays so, or at its end, where adding ±0 changes nothing (unless the sum is exactly −0,
/// which +0 would turn into +0): the results keep their bits.
func causalBlocks(_ t: Int) -> [(Int, Int)] {
  stride(from: 0, to: t, by: causalBlockRows).map { ($0, Swift.min($0 + causalBlockRows, t)) }
}
/// Rows per causal block: more blocks skip more zeros but make smaller, less efficient products.
let causalBlockRows = 16

@_specialize(where S == Float)
@_specialize(where S == Double)
func attentionForward<S: TensorScalar>(
  _ x: UnsafeBufferPointer<S>, _ p: UnsafeMutableBufferPointer<S>, _ y: UnsafeMutableBufferPointer<S>,
  batch: Int, t: Int, d: Int, heads: Int, keepProbabilities: Bool = true
) {
  let hd = d / heads, c3 = 3 * d
  // Without a backward pass, `p` is one [T, T] block reused by every (batch, head).
  let blockStride = keepProbabilities ? t * t : 0
  let scale = 1 / S(hd).squareRoot()
  let xp = x.baseAddress!, pp = p.baseAddress!, yp = y.baseAddress!
  // Raw scores go to a scratch block, probabilities to `p`: separate buffers let the softmax
  // loop vectorise (in place, the aliasing check sends it down the scalar path).
  let blocks = causalBlocks(t)
  let scores = UnsafeMutablePointer<S>.allocate(capacity: t * t)
  defer { scores.deallocate() }
  for b in 0..<batch {
    for h in 0..<heads {
      let q = xp + b * t * c3 + h * hd, k = q + d, v = q + 2 * d
      let s = pp + (b * heads + h) * blockStride
      // Rows r0..<r1 see columns 0..<r1 at most: the scores above the diagonal's block are
      // never computed (softmaxRows reads only the causal columns), and P·V stops at column r1.
      for (r0, r1) in blocks {
        S.gemm(
          transA: false, transB: true, m: r1 - r0, n: r1, k: hd, alpha: 1, a: q + r0 * c3, lda: c3, b: k,
          ldb: c3, beta: 0, c: scores + r0 * t, ldc: t)
      }
      softmaxRows(
        UnsafeBufferPointer(start: scores, count: t * t), UnsafeMutableBufferPointer(start: s, count: t * t),
        rows: t, n: t, log: false, causalT: t, scale: scale)
      for (r0, r1) in blocks {
        S.gemm(
          transA: false, transB: false, m: r1 - r0, n: hd, k: r1, alpha: 1, a: s + r0 * t, lda: t, b: v,
          ldb: c3, beta: 0, c: yp + (b * t + r0) * d + h * hd, ldc: d)
      }
    }
  }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func attentionBackward<S: TensorScalar>(
  _ x: UnsafeBufferPointer<S>, _ p: UnsafeBufferPointer<S>, _ gy: UnsafeBufferPointer<S>,
  _ gx: UnsafeMutableBufferPointer<S>, batch: Int, t: Int, d: Int, heads: Int
) {
  let hd = d / heads, c3 = 3 * d
  let scale = 1 / S(hd).squareRoot()
  let xp = x.baseAddress!, pp = p.baseAddress!, gyp = gy.baseAddress!, gxp = gx.baseAddress!
  let blocks = causalBlocks(t)
  let ds = UnsafeMutablePointer<S>.allocate(capacity: t * t)
  defer { ds.deallocate() }
  for b in 0..<batch {
    for h in 0..<heads {
      let off = b * t * c3 + h * hd
      let q = xp + off, k = q + d, v = q + 2 * d
      let gq = gxp + off, gk = gq + d, gv = gq + 2 * d
      let g = gyp + b * t * d + h * hd
      let prob = pp + (b * heads + h) * t * t
      // dP = dY·Vᵀ
      for (r0, r1) in blocks {
        S.gemm(
          transA: false, transB: true, m: r1 - r0, n: r1, k: hd, alpha: 1, a: g + r0 * d, lda: d, b: v,
          ldb: c3, beta: 0, c: ds + r0 * t, ldc: t)
      }
      // dS = scale · P ⊙ (dP − Σ_j dP·P), row by row (masked entries have P = 0); the row sums
      // two rows at a time (side by side, each in rowDot's order).
      func finish(_ r: Int, _ s: S) {
        let dr = ds + r * t, pr = prob + r * t
        for j in 0..<(r + 1) { dr[j] = scale * pr[j] * (dr[j] - s) }  // (a half-open range vectorises)
        for j in (r + 1)..<t { dr[j] = 0 }
      }
      var r = 0
      while r + 2 <= t {
        let (d0, p0) = (UnsafePointer(ds + r * t), prob + r * t)
        let (s0, s1) = rowDots(d0, p0, r + 1, d0 + t, p0 + t, r + 2)
        finish(r, s0)
        finish(r + 1, s1)
        r += 2
      }
      if r < t { finish(r, rowDot(UnsafePointer(ds + r * t), prob + r * t, r + 1)) }
      // dQ += dS·K, dK += dSᵀ·Q, dV += Pᵀ·dY
      // Only the causal part of dS and P is nonzero: dQ's rows r0..<r1 stop at column r1; dK's
      // and dV's rows c0..<c1 (columns of dS and P) start at row c0, the zeros before it skipped.
      for (r0, r1) in blocks {
        S.gemm(
          transA: false, transB: false, m: r1 - r0, n: hd, k: r1, alpha: 1, a: ds + r0 * t, lda: t, b: k,
          ldb: c3, beta: 1, c: gq + r0 * c3, ldc: c3)
        let (c0, c1) = (r0, r1)
        S.gemm(
          transA: true, transB: false, m: c1 - c0, n: hd, k: t - c0, alpha: 1, a: ds + c0 * t + c0, lda: t,
          b: q + c0 * c3, ldb: c3, beta: 1, c: gk + c0 * c3, ldc: c3)
        S.gemm(
          transA: true, transB: false, m: c1 - c0, n: hd, k: t - c0, alpha: 1, a: prob + c0 * t + c0, lda: t,
          b: g + c0 * d, ldb: d, beta: 1, c: gv + c0 * c3, ldc: c3)
      }
    }
  }
}

extension TensorOf {
  /// Causal multi-head self-attention on a fused projection: `self` is `[B, T, 3·d]` holding
  /// q, k and v (each `heads` heads of width d/heads, GPT-2's layout); returns `[B, T, d]` with
  /// `softmax(q·kᵀ/√(d/heads), causal)·v` per head. One primitive, forward and backward.
  /// - Complexity: O(B · T² · d).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func causalSelfAttention(heads: Int) -> TensorOf {
    ensure(
      rank == 3 && heads > 0 && shape[2] % (3 * heads) == 0,
      "causalSelfAttention: shape \(shape) is not [B, T, 3·d] with d divisible by \(heads) heads")
    let (b, t, d) = (shape[0], shape[1], shape[2] / 3)
    let keep = recordsGraph([self])
    var p: [Scalar] = uninitializedArray(count: keep ? b * heads * t * t : t * t)
    var y: [Scalar] = uninitializedArray(count: b * t * d)
    data.withUnsafeBufferPointer { x in
      p.withUnsafeMutableBufferPointer { pb in
        y.withUnsafeMutableBufferPointer {
          attentionForward(x, pb, $0, batch: b, t: t, d: d, heads: heads, keepProbabilities: keep)
        }
      }
    }
    return TensorOf(y, shape: [b, t, d], op: "causalSelfAttention", inputs: [self]) { out in
      self.accumulateGrad { gx in
        self.data.withUnsafeBufferPointer { x in
          p.withUnsafeBufferPointer { pb in
            out.grad.withUnsafeBufferPointer { gy in
              attentionBackward(x, pb, gy, gx, batch: b, t: t, d: d, heads: heads)
            }
          }
        }
      }
    }
  }
}
