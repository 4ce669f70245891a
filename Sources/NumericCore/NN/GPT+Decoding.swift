import CNumericKernels
// Inference for the GPT, without autograd: a key–value cache for incremental decoding, batched
// sampling (temperature, top-k, top-p, stop tokens, a seed per sequence), and the training-side
// pieces RL on language needs: hidden states, masked per-token log-probs of (prompt, response)
// batches in one forward pass, value and reward heads.
//
// Padding. Prompts of different lengths are LEFT-padded for generation: every row then appends its
// next token at the same column, and the cache stays one rectangle. A row's pads are masked out of
// attention and its positions start at its first real token, so a prompt gives the same tokens and
// log-probs alone or in a batch. Training batches are RIGHT-padded: under a causal mask no real
// token can see a pad that comes after it, so the autograd forward needs no mask at all.

import CBLAS
#if canImport(Glibc)
import Glibc
#endif

extension GPT {
  /// Width of the residual stream.
  public var dModel: Int { tokenEmbedding.weight.shape[1] }
  /// Vocabulary size.
  public var vocabSize: Int { tokenEmbedding.weight.shape[0] }
  /// Attention heads per block.
  public var heads: Int { blocks.first?.attention.heads ?? 1 }

  /// The final hidden states `[batch, T, d]` (after the last LayerNorm, before the head).
  public func hiddenStates(_ tokens: [Int], batch: Int) -> Tensor {
    ensure(batch > 0 && tokens.count % batch == 0, "GPT: \(tokens.count) tokens for batch \(batch)")
    let t = tokens.count / batch
    ensure(t <= contextLength, "GPT: sequence length \(t) exceeds context \(contextLength)")
    let pos = positionEmbedding.weight.slice(alongAxis: 0, 0..<t)
    var x = tokenEmbedding(tokens, shape: [batch, t]) + pos
    for block in blocks { x = block(x) }
    return lnFinal(x)
  }

  /// A copy with the same weights, for a frozen reference policy (π_ref) or a reward model's base.
  /// Its parameters do not require gradients.
  public func frozenCopy() -> GPT {
    var rng = SeededGenerator(seed: 0)
    let copy = GPT(
      vocabSize: vocabSize, contextLength: contextLength, dModel: dModel, layers: blocks.count,
      heads: heads, using: &rng)
    copy.copyParameters(from: self)
    for p in copy.parameters { p.requiringGrad(false) }
    return copy
  }
}

// MARK: - Right-padded training batches

/// Sequences (prompt + response) right-padded into one `[batch, length]` block, and which
/// positions are response tokens.
public struct ResponseBatch: Sendable {
  /// `[batch · length]`, row-major, right-padded with `pad`.
  public var tokens: [Int]
  public var batch: Int
  public var length: Int
  /// Real tokens per row (prompt + response).
  public var lengths: [Int]
  /// Where each row's response starts.
  public var responseStarts: [Int]

  /// Packs `prompts[i] + responses[i]`; `length` defaults to the longest.
  public init(prompts: [[Int]], responses: [[Int]], pad: Int, length: Int? = nil) {
    ensure(prompts.count == responses.count && !prompts.isEmpty, "ResponseBatch: \(prompts.count) prompts, \(responses.count) responses")
    let rows = zip(prompts, responses).map { $0 + $1 }
    let l = length ?? rows.map(\.count).max()!
    ensure(rows.allSatisfy { $0.count <= l }, "ResponseBatch: a sequence is longer than \(l)")
    tokens = rows.flatMap { $0 + Array(repeating: pad, count: l - $0.count) }
    batch = rows.count
    self.length = l
    lengths = rows.map(\.count)
    responseStarts = prompts.map(\.count)
  }

  /// `[batch, length − 1]`: 1 where position t predicts a response token (t + 1 is in the response).
  public var responseMask: [Float] {
    var m = [Float](repeating: 0, count: batch * (length - 1))
    for b in 0..<batch {
      for t in 0..<(length - 1) where t + 1 >= responseStarts[b] && t + 1 < lengths[b] { m[b * (length - 1) + t] = 1 }
    }
    return m
  }
}

extension GPT {
  /// log π(x_{t+1} | x_≤t) for every position, `[batch, length − 1]`, in one forward pass (with
  /// autograd). Multiply by `batch.responseMask` to keep the response tokens.
  public func tokenLogProbs(_ batch: ResponseBatch) -> Tensor {
    let (b, l) = (batch.batch, batch.length)
    let logits = self(batch.tokens, batch: b)  // [B, L, V]
    let v = logits.shape[2]
    let next = logits.slice(alongAxis: 1, 0..<(l - 1)).reshaped([b * (l - 1), v])
    var targets: [Int] = []
    targets.reserveCapacity(b * (l - 1))
    for r in 0..<b { for t in 1..<l { targets.append(batch.tokens[r * l + t]) } }
    return next.logSoftmax().gather(targets).reshaped([b, l - 1])
  }
}

/// A scalar head on a GPT's hidden states: a value head (one number per token) or a reward head
/// (one number per sequence, read at its last real token).
public final class ScalarHead: Module {
  public let linear: Linear
  /// A head of width `dModel`, initialised small (std 1/√(d+1), as TRL's value head).
  public init(dModel: Int, using rng: inout SeededGenerator) {
    linear = Linear(dModel, 1, initializer: .normal(std: 1 / Double(dModel + 1).squareRoot()), using: &rng)
  }
  /// `[B, T, d]` → `[B, T]`: one value per position.
  public func values(_ hidden: Tensor) -> Tensor {
    let (b, t) = (hidden.shape[0], hidden.shape[1])
    return linear(hidden).reshaped([b, t])
  }
  /// `[B, T, d]` → `[B]`: the value at each row's last real token (`lengths[b] − 1`).
  public func lastTokenValues(_ hidden: Tensor, lengths: [Int]) -> Tensor {
    let (b, t, d) = (hidden.shape[0], hidden.shape[1], hidden.shape[2])
    ensure(lengths.count == b && lengths.allSatisfy { $0 >= 1 && $0 <= t }, "ScalarHead: lengths \(lengths) for \(hidden.shape)")
    let rows = hidden.reshaped([b * t, d]).indexSelect((0..<b).map { $0 * t + lengths[$0] - 1 }, alongAxis: 0)
    return linear(rows).reshaped([b])
  }
  public var parameters: [Tensor] { linear.parameters }
}

// MARK: - The key–value cache

/// Incremental decoding for a GPT: each call appends one column of tokens (or, first, the whole
/// left-padded prompt) and returns the next-token logits, reusing every earlier key and value.
public final class GPTDecoder {
  public let gpt: GPT
  public let batch: Int
  /// Columns the cache can hold (padded prompt + new tokens); at most the model's context.
  public let capacity: Int
  /// Left pads per row: attention skips them, positions start after them.
  public let pads: [Int]
  /// Columns filled so far.
  public private(set) var length = 0
  // Per layer: keys [B, H, hd, capacity] (transposed), values [B, H, capacity, hd].
  private var keys: [UnsafeMutablePointer<Float>]
  private var values: [UnsafeMutablePointer<Float>]
  private let d: Int, h: Int, hd: Int
  /// Activations of the rows being appended, reused across calls (see `Workspace`).
  private var work = Workspace()

  public init(_ gpt: GPT, batch: Int, capacity: Int, pads: [Int]) {
    ensure(capacity <= gpt.contextLength, "GPTDecoder: capacity \(capacity) exceeds the context \(gpt.contextLength)")
    ensure(pads.count == batch, "GPTDecoder: \(pads.count) pad counts for batch \(batch)")
    self.gpt = gpt
    self.batch = batch
    self.capacity = capacity
    self.pads = pads
    d = gpt.dModel
    h = gpt.heads
    hd = d / h
    // Not zeroed: attention reads only columns that `append` has written (first…query), and a
    // fresh page costs a fault whenever it is first touched.
    let size = Swift.max(batch * h * capacity * hd, 1)
    keys = gpt.blocks.map { _ in .allocate(capacity: size) }
    values = gpt.blocks.map { _ in .allocate(capacity: size) }
  }

  deinit {
    for p in keys + values { p.deallocate() }
    work.release()
  }

  /// Appends `tokens` (`[batch, n]`, row-major) and returns the logits `[batch, n, vocab]` of the
  /// new columns.
  public func append(_ tokens: [Int]) -> [Float] {
    let n = tokens.count / batch
    ensure(n >= 1 && tokens.count == batch * n, "GPTDecoder: \(tokens.count) tokens for batch \(batch)")
    ensure(length + n <= capacity, "GPTDecoder: \(length + n) columns exceed the capacity \(capacity)")
    let rows = batch * n
    work.reserve(rows: rows, d: d, hidden: gpt.blocks.map(\.fc.outFeatures).max() ?? 0, capacity: capacity)
    let w = work
    embed(tokens, n: n, into: w.x)
    for (layer, block) in gpt.blocks.enumerated() {
      layerNorm(w.x, rows: rows, block.ln1, into: w.a)
      linear(w.a, rows: rows, block.attention.qkv, into: w.qkv)
      attend(w.qkv, n: n, layer: layer, into: w.y)
      linear(w.y, rows: rows, block.attention.proj, into: w.x, addingTo: true)
      layerNorm(w.x, rows: rows, block.ln2, into: w.a)
      linear(w.a, rows: rows, block.fc, into: w.f)
      geluForwardInPlace(UnsafeMutableBufferPointer(start: w.f, count: rows * block.fc.outFeatures))
      linear(w.f, rows: rows, block.fcOut, into: w.x, addingTo: true)
    }
    length += n
    layerNorm(w.x, rows: rows, gpt.lnFinal, into: w.a)
    var logits = [Float](repeating: 0, count: rows * gpt.head.outFeatures)
    logits.withUnsafeMutableBufferPointer { linear(w.a, rows: rows, gpt.head, into: $0.baseAddress!) }
    return logits
  }

  /// Token + position embeddings (positions counted from each row's first real token).
  private func embed(_ tokens: [Int], n: Int, into x: UnsafeMutablePointer<Float>) {
    gpt.tokenEmbedding.weight.data.withUnsafeBufferPointer { te in
      gpt.positionEmbedding.weight.data.withUnsafeBufferPointer { pe in
        for b in 0..<batch {
          for i in 0..<n {
            let tok = tokens[b * n + i], pos = max(0, length + i - pads[b])
            let r = x + (b * n + i) * d, t = te.baseAddress! + tok * d, p = pe.baseAddress! + pos * d
            for j in 0..<d { r[j] = t[j] + p[j] }
          }
        }
      }
    }
  }

  private func layerNorm(_ x: UnsafeMutablePointer<Float>, rows: Int, _ ln: LayerNorm, into y: UnsafeMutablePointer<Float>) {
    ln.gamma.data.withUnsafeBufferPointer { g in
      ln.beta.data.withUnsafeBufferPointer { bt in
        layerNormRows(
          UnsafeBufferPointer(start: x, count: rows * d), g, bt, UnsafeMutableBufferPointer(start: y, count: rows * d),
          UnsafeMutableBufferPointer(start: work.xhat, count: d), UnsafeMutableBufferPointer(start: work.rstd, count: 1),
          rows: rows, n: d, eps: ln.eps, xhatRowStride: 0)
      }
    }
  }

  /// y = x·Wᵀ + b, the bias added in the gemm's epilogue (`gemmBias`); without a bias, beta is 0.
  /// `addingTo`: y ← y + (x·Wᵀ + b), a residual connection, in the same epilogue.
  private func linear(
    _ x: UnsafeMutablePointer<Float>, rows: Int, _ layer: Linear, into y: UnsafeMutablePointer<Float>, addingTo: Bool = false
  ) {
    let (o, i) = (layer.outFeatures, layer.inFeatures)
    layer.weight.data.withUnsafeBufferPointer { wb in
      if let bias = layer.bias {
        bias.data.withUnsafeBufferPointer { b in
          Float.gemmBias(
            transA: false, transB: true, m: rows, n: o, k: i, alpha: 1, a: x, lda: i, b: wb.baseAddress!, ldb: i,
            beta: 1, bias: b.baseAddress!, residual: addingTo ? UnsafePointer(y) : nil, ldr: o, c: y, ldc: o)
        }
      } else {
        Float.gemm(
          transA: false, transB: true, m: rows, n: o, k: i, alpha: 1, a: x, lda: i, b: wb.baseAddress!, ldb: i,
          beta: addingTo ? 1 : 0, c: y, ldc: o)
      }
    }
  }

  /// Stores the new keys and values, then attends from each new column to every earlier real
  /// column of its row (causal; left pads masked); `y` (zeroed first, as the gemv's output) gets
  /// `[rows, d]`.
  ///
  /// Keys are cached transposed, `[B, H, hd, capacity]`, so that a query's scores over all columns
  /// are `hd` contiguous axpy's (vectorised; each score still sums its `hd` products in order), and
  /// values `[B, H, capacity, hd]`, so that the output is an axpy per column.
  private func attend(_ qkv: UnsafeMutablePointer<Float>, n: Int, layer: Int, into y: UnsafeMutablePointer<Float>) {
    y.update(repeating: 0, count: batch * n * d)
    let (keys, values, scores) = (self.keys[layer], self.values[layer], work.scores)
    for b in 0..<batch {
      for i in 0..<n {
        let src = qkv + (b * n + i) * 3 * d
        let column = length + i
        for head in 0..<h {
          let kt = keys + (b * h + head) * hd * capacity
          let v = values + ((b * h + head) * capacity + column) * hd
          for j in 0..<hd {
            kt[j * capacity + column] = src[d + head * hd + j]
            v[j] = src[2 * d + head * hd + j]
          }
        }
      }
    }
    for b in 0..<batch {
      for i in 0..<n {
        let query = length + i
        let first = min(pads[b], query)  // a pad column attends to itself only
        var head = 0
        // Four heads at a time share the scalar max and sum loops (one SIMD lane each, each
        // lane in column order as in attendOne), so their dependency chains overlap.
        while h - head >= 4 {
          attendFour(b: b, row: b * n + i, firstHead: head, first: first, query: query, keys: keys, values: values, qkv: qkv, y: y, scores: scores)
          head += 4
        }
        while head < h {
          attendOne(b: b, row: b * n + i, head: head, first: first, query: query, keys: keys, values: values, qkv: qkv, y: y, scores: scores)
          head += 1
        }
      }
    }
  }

  /// The decoder's activation buffers, grown to the largest append so far and reused: x (the
  /// residual stream, to which the projections add in their epilogues), a (a LayerNorm's output),
  /// qkv, y (attention), f (the MLP's hidden layer), plus LayerNorm's x̂/σ scratch and four rows of
  /// attention scores.
  private struct Workspace {
    var rows = 0, width = 0
    var x = UnsafeMutablePointer<Float>.allocate(capacity: 1), a = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var qkv = UnsafeMutablePointer<Float>.allocate(capacity: 1), y = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var f = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var xhat = UnsafeMutablePointer<Float>.allocate(capacity: 1), rstd = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var scores = UnsafeMutablePointer<Float>.allocate(capacity: 1)

    mutating func reserve(rows: Int, d: Int, hidden: Int, capacity: Int) {
      guard rows > self.rows || d > width else { return }
      release()
      (self.rows, width) = (Swift.max(rows, self.rows), Swift.max(d, width))
      let r = self.rows, w = width
      func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(count, 1))
        p.initialize(repeating: 0, count: Swift.max(count, 1))
        return p
      }
      (x, a, qkv, y, f) = (buffer(r * w), buffer(r * w), buffer(r * 3 * w), buffer(r * w), buffer(r * Swift.max(hidden, w)))
      (xhat, rstd, scores) = (buffer(w), buffer(1), buffer(4 * capacity))
    }

    func release() {
      for p in [x, a, qkv, y, f, xhat, rstd, scores] { p.deallocate() }
    }
  }
}

extension GPTDecoder {
  /// One query row's attention for one head: scores = scale · Kᵀq over the columns first…query,
  /// softmax, out = Vᵀ·softmax (two gemv's around the scalar softmax).
  private func attendOne(
    b: Int, row: Int, head: Int, first: Int, query: Int, keys: UnsafeMutablePointer<Float>,
    values: UnsafeMutablePointer<Float>, qkv: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
    scores: UnsafeMutablePointer<Float>
  ) {
    let scale = 1 / Float(hd).squareRoot()
    let kt = keys + (b * h + head) * hd * capacity
    let vs = values + (b * h + head) * capacity * hd
    let q = qkv + row * 3 * d + head * hd
    let count = query - first + 1
    Float.gemm(
      transA: false, transB: false, m: 1, n: count, k: hd, alpha: scale, a: q, lda: hd, b: kt + first,
      ldb: capacity, beta: 0, c: scores, ldc: count)
    var maxScore = -Float.infinity
    if let fast = rowMaxAVX(scores, count: count) {
      maxScore = fast  // the scan's bits (see rowMaxAVX)
    } else {
      for j in 0..<count { maxScore = max(maxScore, scores[j]) }
    }
    if !expShiftedAVX2(scores, scores, count: count, scale: nil, minus: maxScore) {
      for j in 0..<count { scores[j] = Float.exp(scores[j] - maxScore) }  // vectorised
    }
    var total: Float = 0
    for j in 0..<count { total += scores[j] }
    let out = y + row * d + head * hd
    Float.gemm(
      transA: false, transB: false, m: 1, n: hd, k: count, alpha: 1 / total, a: scores, lda: count,
      b: vs + first * hd, ldb: hd, beta: 0, c: out, ldc: hd)
  }

  /// `attendOne` for heads firstHead…firstHead+3, with the same operations per head in the same
  /// order: the max and the sum run over the four heads' scores side by side (SIMD lanes).
  private func attendFour(
    b: Int, row: Int, firstHead: Int, first: Int, query: Int, keys: UnsafeMutablePointer<Float>,
    values: UnsafeMutablePointer<Float>, qkv: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
    scores: UnsafeMutablePointer<Float>
  ) {
    let scale = 1 / Float(hd).squareRoot()
    let count = query - first + 1
    // All of it in one C kernel where there is one (the same operations as below, the heads' chains
    // side by side).
    if loom_decode_attend4_f32(
      qkv + row * 3 * d + firstHead * hd, keys + (b * h + firstHead) * hd * capacity + first, hd * capacity, capacity,
      count, hd, scale, values + (b * h + firstHead) * capacity * hd + first * hd, capacity * hd, scores,
      y + row * d + firstHead * hd) != 0
    {
      return
    }
    let s0 = scores, s1 = scores + capacity, s2 = scores + 2 * capacity, s3 = scores + 3 * capacity
    for lane in 0..<4 {
      let kt = keys + (b * h + firstHead + lane) * hd * capacity
      let q = qkv + row * 3 * d + (firstHead + lane) * hd
      Float.gemm(
        transA: false, transB: false, m: 1, n: count, k: hd, alpha: scale, a: q, lda: hd, b: kt + first,
        ldb: capacity, beta: 0, c: scores + lane * capacity, ldc: count)
    }
    // max(m, s) is `s >= m ? s : m` (Swift.max), lane by lane.
    var m = SIMD4<Float>(repeating: -.infinity)
    if let a = rowMaxAVX(s0, count: count), let b = rowMaxAVX(s1, count: count), let c = rowMaxAVX(s2, count: count),
      let e = rowMaxAVX(s3, count: count)
    {
      m = SIMD4(a, b, c, e)  // the scans' bits (see rowMaxAVX)
    } else {
      for j in 0..<count {
        let s = SIMD4(s0[j], s1[j], s2[j], s3[j])
        m.replace(with: s, where: s .>= m)
      }
    }
    for lane in 0..<4 {
      let sl = scores + lane * capacity, ml = m[lane]
      if !expShiftedAVX2(sl, sl, count: count, scale: nil, minus: ml) {
        for j in 0..<count { sl[j] = Float.exp(sl[j] - ml) }  // vectorised
      }
    }
    var total = SIMD4<Float>(repeating: 0)
    for j in 0..<count { total += SIMD4(s0[j], s1[j], s2[j], s3[j]) }
    // The four heads' V·p chains side by side in C where it has a kernel (the same bits as below).
    if loom_attend_values4_f32(
      count, hd, scores, capacity, values + (b * h + firstHead) * capacity * hd + first * hd, capacity * hd,
      1 / total[0], 1 / total[1], 1 / total[2], 1 / total[3], y + row * d + firstHead * hd) != 0
    {
      return
    }
    for lane in 0..<4 {
      let vs = values + (b * h + firstHead + lane) * capacity * hd
      let out = y + row * d + (firstHead + lane) * hd
      Float.gemm(
        transA: false, transB: false, m: 1, n: hd, k: count, alpha: 1 / total[lane], a: scores + lane * capacity,
        lda: count, b: vs + first * hd, ldb: hd, beta: 0, c: out, ldc: hd)
    }
  }
}

// MARK: - Sampling

/// How `generate` samples.
public struct GenerationConfig: Sendable {
  public var maxNewTokens: Int
  /// Divides the logits; 0 means greedy (argmax).
  public var temperature: Float = 1
  /// Keep only the k most likely tokens (nil: all).
  public var topK: Int? = nil
  /// Keep the smallest set of most likely tokens whose probability reaches p (nil: all).
  public var topP: Float? = nil
  /// A sequence ends after it produces one of these (the stop token is kept).
  public var stopTokens: Set<Int> = []
  /// Fills left pads, and the columns of sequences that already stopped.
  public var pad: Int
  public init(maxNewTokens: Int, temperature: Float = 1, topK: Int? = nil, topP: Float? = nil, stopTokens: Set<Int> = [], pad: Int) {
    self.maxNewTokens = maxNewTokens
    self.temperature = temperature
    self.topK = topK
    self.topP = topP
    self.stopTokens = stopTokens
    self.pad = pad
  }
}

/// One sampled continuation.
public struct Generation: Sendable, Equatable {
  public var prompt: [Int]
  /// The new tokens (ending with a stop token if one was produced).
  public var response: [Int]
  /// log π(token) of each response token under the model at the sampling temperature (before
  /// top-k/top-p filtering): what the policy-gradient methods need.
  public var logProbs: [Float]
  /// True when a stop token ended it, false when it ran out of `maxNewTokens`.
  public var stopped: Bool
}

extension GPT {
  /// Samples a continuation for each prompt, with its own seed (`seeds[i]`), so a prompt gives the
  /// same continuation alone or in any batch. With `useCache: false` every step recomputes the
  /// whole sequence (the reference the cache is tested against).
  public func generate(
    _ prompts: [[Int]], _ config: GenerationConfig, seeds: [UInt64], useCache: Bool = true
  ) -> [Generation] {
    ensure(!prompts.isEmpty && prompts.count == seeds.count, "generate: \(prompts.count) prompts, \(seeds.count) seeds")
    ensure(prompts.allSatisfy { !$0.isEmpty }, "generate: every prompt needs at least one token")
    let batch = prompts.count
    let width = prompts.map(\.count).max()!
    let pads = prompts.map { width - $0.count }
    var columns = prompts.enumerated().map { Array(repeating: config.pad, count: pads[$0.offset]) + $0.element }
    var rngs = seeds.map { SeededGenerator(seed: $0) }
    var out = prompts.map { Generation(prompt: $0, response: [], logProbs: [], stopped: false) }
    let vocab = vocabSize
    let decoder = useCache ? GPTDecoder(self, batch: batch, capacity: width + config.maxNewTokens, pads: pads) : nil
    var logits = decoder?.append(columns.flatMap { $0 }) ?? []
    var lastColumn = width - 1
    var stride = width
    let scratch = SamplingScratch(vocab: vocab)
    for step in 0..<config.maxNewTokens {
      if decoder == nil {
        let full = GPTDecoder(self, batch: batch, capacity: columns[0].count, pads: pads)
        logits = full.append(columns.flatMap { $0 })
        stride = columns[0].count
        lastColumn = stride - 1
      }
      var next = [Int](repeating: config.pad, count: batch)
      let active = (0..<batch).filter { !out[$0].stopped }
      let drawn = logits.withUnsafeBufferPointer { all in
        Self.sampleRows(all, rows: active, start: { ((($0 * stride) + lastColumn) * vocab) }, vocab: vocab, config, scratch: scratch, rngs: &rngs)
      }
      for (b, (token, logProb)) in zip(active, drawn) {
        next[b] = token
        out[b].response.append(token)
        out[b].logProbs.append(logProb)
        if config.stopTokens.contains(token) { out[b].stopped = true }
      }
      if out.allSatisfy(\.stopped) || step == config.maxNewTokens - 1 { break }
      for b in 0..<batch { columns[b].append(next[b]) }
      if let decoder {
        logits = decoder.append(next)
        stride = 1
        lastColumn = 0
      }
    }
    return out
  }

  /// Draws a token from one row of logits; returns it with its log-probability at the temperature.
  /// Without top-k or top-p, one pass in id order (`scratch.probs` holds the probabilities); with
  /// them, the candidates are sorted, most likely first.
  static func sample(
    _ logits: UnsafeBufferPointer<Float>, _ c: GenerationConfig, scratch: SamplingScratch, using rng: inout SeededGenerator
  ) -> (Int, Float) {
    if mayHaveSamplingProblem(logits), let problem = rowSamplingProblem(logits, row: 0) { fatalError("generate: \(problem)") }
    let t = c.temperature > 0 ? c.temperature : 1
    let logZ = scratch.logNormalizer(logits, temperature: t)
    if c.temperature <= 0 {
      var best = 0  // the first of the largest
      for i in 1..<logits.count where logits[i] / t > logits[best] / t { best = i }
      return (best, logits[best] / t - logZ)
    }
    let filtered = (c.topK.map { $0 > 0 && $0 < logits.count } ?? false) || (c.topP.map { $0 < 1 } ?? false)
    guard filtered else {
      // rng.categorical's walk, without building an array per row.
      let total = scratch.probabilities(logits, logZ: logZ)
      let pick = walk(scratch.probabilities(lane: 0, count: logits.count), total: total, using: &rng)
      return (pick, logits[pick] / t - logZ)
    }
    let scaled = logits.map { $0 / t }
    // Candidates, most likely first (ties: lower id first); then top-k and top-p.
    var order = Array(scaled.indices).sorted { scaled[$0] > scaled[$1] || (scaled[$0] == scaled[$1] && $0 < $1) }
    if let k = c.topK, k > 0, k < order.count { order = Array(order.prefix(k)) }
    var probs = order.map { Double(Float.exp(scaled[$0] - logZ)) }
    if let p = c.topP, p < 1 {
      var total = 0.0, keep = 0
      while keep < probs.count { total += probs[keep]; keep += 1; if total >= Double(p) { break } }
      order = Array(order.prefix(keep))
      probs = Array(probs.prefix(keep))
    }
    let i = rng.categorical(probs)
    return (order[i], scaled[order[i]] - logZ)
  }
}

/// Whether a row of logits might not be a distribution (NaN, +inf, or every entry −inf): one
/// cheap pass; `rowSamplingProblem` then says what is wrong.
func mayHaveSamplingProblem(_ logits: UnsafeBufferPointer<Float>) -> Bool {
  var bad = false, allNegativeInfinity = true
  for v in logits {
    bad = bad || v.isNaN || v == .infinity
    allNegativeInfinity = allNegativeInfinity && v == -.infinity
  }
  return bad || (allNegativeInfinity && !logits.isEmpty)
}
