/// A lookup table `[count, dim]`: token ids → vectors. The gradient is a scatter-add.
public final class Embedding: Module {
  /// `[count, dim]`.
  public let weight: Tensor
  /// A table of `count` vectors of width `dim`, N(0, std²).
  public init(_ count: Int, _ dim: Int, std: Double = 0.02, using rng: inout SeededGenerator) {
    weight = Tensor.randn([count, dim], std: std, using: &rng).requiringGrad()
  }
  /// Rows for `ids`, shaped `shape + [dim]` (default `[ids.count, dim]`).
  public func callAsFunction(_ ids: [Int], shape: [Int]? = nil) -> Tensor {
    let e = weight.indexSelect(ids, alongAxis: 0)
    return e.reshaped((shape ?? [ids.count]) + [weight.shape[1]])
  }
  /// `[weight]`.
  public var parameters: [Tensor] { [weight] }
}

/// Layer normalisation over the last axis with learned scale and shift.
public final class LayerNorm: Module {
  /// Scale, starts at 1.
  public let gamma: Tensor
  /// Shift, starts at 0.
  public let beta: Tensor
  /// Added to the variance.
  public let eps: Float
  /// Normalises vectors of width `dim`.
  public init(_ dim: Int, eps: Float = 1e-5) {
    gamma = Tensor.ones([dim]).requiringGrad()
    beta = Tensor.zeros([dim], requiresGrad: true)
    self.eps = eps
  }
  /// Normalises `[..., dim]`.
  public func callAsFunction(_ x: Tensor) -> Tensor { x.layerNorm(gamma: gamma, beta: beta, eps: eps) }
  /// `[gamma, beta]`.
  public var parameters: [Tensor] { [gamma, beta] }
}

/// Causal multi-head self-attention (GPT-2): one fused qkv projection, scaled dot products with
/// a causal softmax, and an output projection.
public final class CausalSelfAttention: Module {
  /// `[3·d, d]` query/key/value projection.
  public let qkv: Linear
  /// `[d, d]` output projection.
  public let proj: Linear
  /// Number of heads; `d` must divide evenly.
  public let heads: Int

  /// Attention over width `dModel` with `heads` heads.
  public init(dModel: Int, heads: Int, using rng: inout SeededGenerator) {
    ensure(dModel % heads == 0, "CausalSelfAttention: \(heads) heads do not divide \(dModel)")
    qkv = Linear(dModel, 3 * dModel, initializer: .normal(std: 0.02), using: &rng)
    proj = Linear(dModel, dModel, initializer: .normal(std: 0.02), using: &rng)
    self.heads = heads
  }

  /// `[B, T, d]` → `[B, T, d]`; position t attends to positions 0...t (fused kernel).
  public func callAsFunction(_ x: Tensor) -> Tensor { callAsFunction(x, residual: nil) }

  /// `residual + attention(x)`, the sum in the projection's epilogue (`linear(…, residual:)`).
  public func callAsFunction(_ x: Tensor, residual: Tensor?) -> Tensor {
    ensure(x.rank == 3, "CausalSelfAttention: expected [B, T, d], got \(x.shape)")
    return qkv(x).causalSelfAttention(heads: heads).linear(weight: proj.weight, bias: proj.bias, residual: residual)
  }

  /// The same computation from separate ops (permute, batched matmul, causal softmax); kept as
  /// the readable reference that the fused kernel is tested against.
  public func reference(_ x: Tensor) -> Tensor {
    proj(unfusedCausalAttention(qkv(x), heads: heads))
  }

  /// Projection weights and biases.
  public var parameters: [Tensor] { qkv.parameters + proj.parameters }
}

/// A pre-norm transformer block: `x + attn(ln1(x))`, then `x + mlp(ln2(x))` with a 4× GELU MLP.
public final class GPTBlock: Module {
  /// Before attention.
  public let ln1: LayerNorm
  /// The attention.
  public let attention: CausalSelfAttention
  /// Before the MLP.
  public let ln2: LayerNorm
  /// d → 4d.
  public let fc: Linear
  /// 4d → d.
  public let fcOut: Linear

  /// A block of width `dModel` with `heads` heads.
  public init(dModel: Int, heads: Int, using rng: inout SeededGenerator) {
    ln1 = LayerNorm(dModel)
    attention = CausalSelfAttention(dModel: dModel, heads: heads, using: &rng)
    ln2 = LayerNorm(dModel)
    fc = Linear(dModel, 4 * dModel, initializer: .normal(std: 0.02), using: &rng)
    fcOut = Linear(4 * dModel, dModel, initializer: .normal(std: 0.02), using: &rng)
  }

  /// `[B, T, d]` → `[B, T, d]`.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    // The residual sums happen in the projections' epilogues (the bits of h = x + attention(…)).
    let h = attention(ln1(x), residual: x)
    let f = fc(ln2(h))
    if !f.requiresGrad {
      // No graph recorded (inference, a frozen model): GELU in place on fc's fresh output, with
      // the same arithmetic, instead of into a new [B, T, 4d] array.
      f.withMutableData { geluForwardInPlace($0) }
      return f.linear(weight: fcOut.weight, bias: fcOut.bias, residual: h)
    }
    return f.gelu().linear(weight: fcOut.weight, bias: fcOut.bias, residual: h)
  }

  /// All sublayers' parameters.
  public var parameters: [Tensor] {
    ln1.parameters + attention.parameters + ln2.parameters + fc.parameters + fcOut.parameters
  }
}

/// A tiny GPT: token + position embeddings, `layers` blocks, a final LayerNorm and a linear head.
///
/// ```swift
/// let gpt = GPT(vocabSize: 64, contextLength: 64, dModel: 64, layers: 2, heads: 4, using: &rng)
/// let logits = gpt(tokens, batch: 32)              // [32, 64, 64]
/// let loss = crossEntropy(logits: logits, targets: nextTokens)
/// ```
public final class GPT: Module {
  /// Token embeddings `[vocab, d]`.
  public let tokenEmbedding: Embedding
  /// Position embeddings `[context, d]`.
  public let positionEmbedding: Embedding
  /// The blocks.
  public let blocks: [GPTBlock]
  /// The final normalisation.
  public let lnFinal: LayerNorm
  /// `[vocab, d]`, no bias.
  public let head: Linear
  /// Longest sequence the model accepts.
  public let contextLength: Int

  /// A model of the given size.
  public init(
    vocabSize: Int, contextLength: Int, dModel: Int, layers: Int, heads: Int,
    using rng: inout SeededGenerator
  ) {
    tokenEmbedding = Embedding(vocabSize, dModel, using: &rng)
    positionEmbedding = Embedding(contextLength, dModel, using: &rng)
    blocks = (0..<layers).map { _ in GPTBlock(dModel: dModel, heads: heads, using: &rng) }
    lnFinal = LayerNorm(dModel)
    head = Linear(dModel, vocabSize, bias: false, initializer: .normal(std: 0.02), using: &rng)
    self.contextLength = contextLength
  }

  /// Logits `[batch, T, vocab]` for `tokens` (row-major `[batch, T]`).
  public func callAsFunction(_ tokens: [Int], batch: Int) -> Tensor {
    head(hiddenStates(tokens, batch: batch))
  }

  /// Every parameter, embeddings first.
  public var parameters: [Tensor] {
    tokenEmbedding.parameters + positionEmbedding.parameters + blocks.flatMap(\.parameters)
      + lnFinal.parameters + head.parameters
  }
}

/// Causal multi-head attention on a `[B, T, 3·d]` qkv tensor, written with separate ops.
public func unfusedCausalAttention<S>(_ qkv: TensorOf<S>, heads: Int) -> TensorOf<S> {
  let (b, t, d) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
  let hd = d / heads
  // [B, T, 3, H, hd] → [3, B, H, T, hd]
  let parts = qkv.reshaped([b, t, 3, heads, hd]).permuted([2, 0, 3, 1, 4])
  let q = parts.slice(alongAxis: 0, 0..<1).reshaped([b, heads, t, hd])
  let k = parts.slice(alongAxis: 0, 1..<2).reshaped([b, heads, t, hd])
  let v = parts.slice(alongAxis: 0, 2..<3).reshaped([b, heads, t, hd])
  let scores = q.matmul(k, transposeOther: true)  // [B, H, T, T]
  let y = scores.causalSoftmax(scale: 1 / S(hd).squareRoot()).matmul(v)  // [B, H, T, hd]
  return y.permuted([0, 2, 1, 3]).reshaped([b, t, d])
}
