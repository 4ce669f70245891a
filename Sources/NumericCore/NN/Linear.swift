/// A fully connected layer `y = x·Wᵀ + b`, with `weight: [out, in]` as in torch.
///
/// ```swift
/// var rng = SeededGenerator(seed: 1)
/// let layer = Linear(4, 64, initializer: .orthogonal(gain: 2.0.squareRoot()), using: &rng)
/// let y = layer(Tensor.zeros([128, 4]))    // [128, 64]
/// ```
public final class Linear: Module {
  /// `[out, in]`.
  public let weight: Tensor
  /// `[out]`, or nil.
  public let bias: Tensor?

  /// A layer from `inFeatures` to `outFeatures`.
  public init(
    _ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
    initializer: WeightInit = .torchDefault, using rng: inout SeededGenerator
  ) {
    let (w, b) = initializer.make(out: outFeatures, in: inFeatures, using: &rng)
    weight = Tensor(w, shape: [outFeatures, inFeatures], requiresGrad: true)
    self.bias = bias ? Tensor(b, shape: [outFeatures], requiresGrad: true) : nil
  }

  /// Applies the layer to `[..., in]`.
  public func callAsFunction(_ x: Tensor) -> Tensor { x.linear(weight: weight, bias: bias) }
  /// `[weight, bias]`.
  public var parameters: [Tensor] { bias.map { [weight, $0] } ?? [weight] }
  /// Input width.
  public var inFeatures: Int { weight.shape[1] }
  /// Output width.
  public var outFeatures: Int { weight.shape[0] }
}

/// Pointwise nonlinearities for `MLP`.
public enum Activation: Sendable {
  /// Hyperbolic tangent (CleanRL's PPO).
  case tanh
  /// max(x, 0).
  case relu
  /// GELU, tanh approximation.
  case gelu
  /// Logistic sigmoid.
  case sigmoid
  /// No nonlinearity.
  case identity

  /// Applies the activation to a tensor.
  public func callAsFunction<S>(_ x: TensorOf<S>) -> TensorOf<S> {
    switch self {
    case .tanh: x.tanh()
    case .relu: x.relu()
    case .gelu: x.gelu()
    case .sigmoid: x.sigmoid()
    case .identity: x
    }
  }

  @inline(__always) func scalar(_ v: Float) -> Float {
    switch self {
    case .tanh: Float.tanh(v)
    case .relu: v > 0 ? v : 0
    case .gelu:
      0.5 * v * (1 + Float.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)))
    case .sigmoid: sigmoidScalar(v)
    case .identity: v
    }
  }
}

/// A multilayer perceptron: Linear layers with `activation` between them (none after the last).
///
/// ```swift
/// // CleanRL's PPO actor: 4 → 64 → 64 → 2, tanh, orthogonal init, head gain 0.01.
/// let actor = MLP([4, 64, 64, 2], activation: .tanh, outputGain: 0.01, using: &rng)
/// let logits = actor(obs)                   // [batch, 2], records the graph
/// let a = actor.act(observation, using: &rng)  // one step of a rollout, no graph
/// ```
public final class MLP: Module {
  /// The layers, input first.
  public let layers: [Linear]
  /// The nonlinearity between layers.
  public let activation: Activation
  // Scratch for the single-observation fast path (no graph, no allocation per call).
  private var scratchA: [Float]
  private var scratchB: [Float]

  /// Builds `sizes[0] → sizes[1] → … → sizes.last`. Hidden layers get orthogonal init with
  /// gain √2 and the output layer `outputGain` (CleanRL's `layer_init`), unless `initializer`
  /// is given for all layers.
  public init(
    _ sizes: [Int], activation: Activation = .tanh, outputGain: Double = 1,
    initializer: WeightInit? = nil, using rng: inout SeededGenerator
  ) {
    ensure(sizes.count >= 2, "MLP: need at least input and output sizes, got \(sizes)")
    var ls: [Linear] = []
    for i in 0..<(sizes.count - 1) {
      let last = i == sizes.count - 2
      let ini = initializer ?? .orthogonal(gain: last ? outputGain : 2.0.squareRoot())
      ls.append(Linear(sizes[i], sizes[i + 1], initializer: ini, using: &rng))
    }
    layers = ls
    self.activation = activation
    let widest = sizes.max() ?? 0
    scratchA = [Float](repeating: 0, count: widest)
    scratchB = [Float](repeating: 0, count: widest)
  }

  /// Applies the network to `[batch, in]` (or `[in]`), recording the graph.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    var h = x
    for (i, l) in layers.enumerated() {
      h = l(h)
      if i < layers.count - 1 { h = activation(h) }
    }
    return h
  }

  /// All layers' weights and biases.
  public var parameters: [Tensor] { layers.flatMap(\.parameters) }

  /// Forward pass for ONE observation without building a graph: writes the outputs into
  /// `output` (resized if needed). Allocation-free after the first call; use it per env step.
  public func forward(single x: [Float], into output: inout [Float]) {
    ensure(x.count == layers[0].inFeatures, "MLP.forward(single:): got \(x.count) inputs, expected \(layers[0].inFeatures)")
    let outN = layers[layers.count - 1].outFeatures
    if output.count != outN { output = [Float](repeating: 0, count: outN) }
    x.withUnsafeBufferPointer { xb in
      scratchA.withUnsafeMutableBufferPointer { a in
        scratchB.withUnsafeMutableBufferPointer { b in
          output.withUnsafeMutableBufferPointer { o in
            var src = UnsafePointer(xb.baseAddress!)
            var useA = true
            for (li, l) in layers.enumerated() {
              let last = li == layers.count - 1
              let dst = last ? o.baseAddress! : (useA ? a.baseAddress! : b.baseAddress!)
              gemvBias(l, src, dst, activation: last ? .identity : activation)
              src = UnsafePointer(dst)
              useA.toggle()
            }
          }
        }
      }
    }
  }

  /// Samples an action for one observation from a categorical policy over this network's
  /// output logits (no graph). The `policy_act` fast path.
  public func act(_ observation: [Float], using rng: inout SeededGenerator) -> Int {
    // Borrow the scratch array (swap, not copy: a second reference would force a copy-on-write
    // allocation on every call).
    var logits: [Float] = []
    swap(&logits, &actLogits)
    defer { swap(&logits, &actLogits) }
    forward(single: observation, into: &logits)
    return Categorical<Float>.sample(logits: logits, using: &rng)
  }
  private var actLogits: [Float] = []
}

/// y = act(W·x + b) for one vector: explicit SIMD over four rows at a time, so four independent
/// accumulators hide the add latency (a BLAS call costs more than the work at these sizes).
@inline(__always)
private func gemvBias(
  _ l: Linear, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, activation: Activation
) {
  let inN = l.inFeatures, outN = l.outFeatures
  let inMain = inN - inN % 4, outMain = outN - outN % 4
  let xr = UnsafeRawPointer(x)
  l.weight.data.withUnsafeBufferPointer { w in
    let wp = w.baseAddress!
    var r = 0
    while r < outMain {
      let w0 = UnsafeRawPointer(wp + r * inN), w1 = UnsafeRawPointer(wp + (r + 1) * inN)
      let w2 = UnsafeRawPointer(wp + (r + 2) * inN), w3 = UnsafeRawPointer(wp + (r + 3) * inN)
      var a0 = SIMD4<Float>(), a1 = SIMD4<Float>(), a2 = SIMD4<Float>(), a3 = SIMD4<Float>()
      var j = 0
      while j < inMain {
        let o = j &* 4
        let xv = xr.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
        a0 += w0.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self) * xv
        a1 += w1.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self) * xv
        a2 += w2.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self) * xv
        a3 += w3.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self) * xv
        j &+= 4
      }
      var s0 = a0.sum(), s1 = a1.sum(), s2 = a2.sum(), s3 = a3.sum()
      while j < inN {
        s0 += wp[r * inN + j] * x[j]
        s1 += wp[(r + 1) * inN + j] * x[j]
        s2 += wp[(r + 2) * inN + j] * x[j]
        s3 += wp[(r + 3) * inN + j] * x[j]
        j += 1
      }
      y[r] = s0; y[r + 1] = s1; y[r + 2] = s2; y[r + 3] = s3
      r += 4
    }
    while r < outN {
      var s: Float = 0
      for j in 0..<inN { s += wp[r * inN + j] * x[j] }
      y[r] = s
      r += 1
    }
  }
  if let b = l.bias {
    b.data.withUnsafeBufferPointer { bb in for r in 0..<outN { y[r] += bb[r] } }
  }
  // One loop per activation (no switch inside the loop), so each vectorises.
  switch activation {
  case .identity: return
  case .tanh: for r in 0..<outN { y[r] = fastTanh(y[r]) }
  case .relu: for r in 0..<outN { y[r] = Swift.max(y[r], 0) }
  case .gelu, .sigmoid: for r in 0..<outN { y[r] = activation.scalar(y[r]) }
  }
}
