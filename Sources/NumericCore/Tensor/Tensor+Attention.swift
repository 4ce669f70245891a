import CNumericKernels
// Fused causal multi-head attention: reads q, k and v straight out of the qkv projection with
// strided gemm calls (no permute, slice or reshape copies) and keeps only the attention
// probabilities for the backward pass.

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
  let scores = UnsafeMutablePointer<S>.allocate(capacity: t * t)
  defer { scores.deallocate() }
  for b in 0..<batch {
    for h in 0..<heads {
      let q = xp + b * t * c3 + h * hd, k = q + d, v = q + 2 * d
      let s = pp + (b * heads + h) * blockStride
      // Row i sees columns 0...i: the scores above the diagonal are not needed (softmaxRows reads
      // only the causal columns), and P·V skips P's zeros above it (CausalProduct).
      S.causalGemm(
        .lower, transA: false, transB: true, m: t, n: t, k: hd, alpha: 1, a: q, lda: c3, b: k, ldb: c3, beta: 0,
        c: scores, ldc: t)
      // (The C kernel writes P's zeros only to the end of the diagonal's 16-column block: all that
      // the causal products below and in the backward read.)
      if !causalSoftmaxAVX512(scores, s, t: t, scale: scale) {
        softmaxRows(
          UnsafeBufferPointer(start: scores, count: t * t), UnsafeMutableBufferPointer(start: s, count: t * t),
          rows: t, n: t, log: false, causalT: t, scale: scale)
      }
      S.causalGemm(
        .kEnd, transA: false, transB: false, m: t, n: hd, k: t, alpha: 1, a: s, lda: t, b: v, ldb: c3, beta: 0,
        c: yp + b * t * d + h * hd, ldc: d)
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
      S.causalGemm(
        .lower, transA: false, transB: true, m: t, n: t, k: hd, alpha: 1, a: g, lda: d, b: v, ldb: c3, beta: 0,
        c: ds, ldc: t)
      // dS = scale · P ⊙ (dP − Σ_j dP·P), row by row (masked entries have P = 0); the row sums
      // two rows at a time (side by side, each in rowDot's order).
      func finish(_ r: Int, _ s: S) {
        let dr = ds + r * t, pr = prob + r * t
        for j in 0..<(r + 1) { dr[j] = scale * pr[j] * (dr[j] - s) }  // (a half-open range vectorises)
        for j in (r + 1)..<t { dr[j] = 0 }
      }
      if S.self == Float.self && avx2Kernels
        && loom_attention_ds_f32(
          UnsafeMutableRawPointer(ds).assumingMemoryBound(to: Float.self),
          UnsafeRawPointer(prob).assumingMemoryBound(to: Float.self), t, unsafeBitCast(scale, to: Float.self)) != 0
      {
        // done in C, four rows side by side (the same operations as below)
      } else {
        var r = 0
        while r + 2 <= t {
          let (d0, p0) = (UnsafePointer(ds + r * t), prob + r * t)
          let (s0, s1) = rowDots(d0, p0, r + 1, d0 + t, p0 + t, r + 2)
          finish(r, s0)
          finish(r + 1, s1)
          r += 2
        }
        if r < t { finish(r, rowDot(UnsafePointer(ds + r * t), prob + r * t, r + 1)) }
      }
      // dQ += dS·K, dK += dSᵀ·Q, dV += Pᵀ·dY
      // Only the causal part of dS and P is nonzero (+0 above the diagonal): dQ's row i stops at
      // column i of dS; dK's and dV's row j (column j of dS and P) starts at their row j.
      S.causalGemm(
        .kEnd, transA: false, transB: false, m: t, n: hd, k: t, alpha: 1, a: ds, lda: t, b: k, ldb: c3, beta: 1,
        c: gq, ldc: c3)
      S.causalGemm(
        .kBegin, transA: true, transB: false, m: t, n: hd, k: t, alpha: 1, a: ds, lda: t, b: q, ldb: c3, beta: 1,
        c: gk, ldc: c3)
      S.causalGemm(
        .kBegin, transA: true, transB: false, m: t, n: hd, k: t, alpha: 1, a: prob, lda: t, b: g, ldb: d, beta: 1,
        c: gv, ldc: c3)
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
