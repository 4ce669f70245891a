import Testing
@testable import NumericCore

/// One differentiable function of one Float64 input, checked against central differences.
struct GradCase: Sendable, CustomTestStringConvertible {
  let name: String
  let shape: [Int]
  /// Inputs are drawn in [low, high) (e.g. positive for log/sqrt).
  var low = -2.0, high = 2.0
  let f: @Sendable (Tensor64) -> Tensor64
  var testDescription: String { name }

  init(
    _ name: String, _ shape: [Int], low: Double = -2, high: Double = 2,
    _ f: @escaping @Sendable (Tensor64) -> Tensor64
  ) {
    self.name = name
    self.shape = shape
    self.low = low
    self.high = high
    self.f = f
  }
}

/// A fixed constant tensor for the other operand of binary cases.
func constant(_ shape: [Int], seed: UInt64, low: Double = -2, high: Double = 2) -> Tensor64 {
  var rng = SeededGenerator(seed: seed)
  return Tensor64.uniform(shape, low: low, high: high, using: &rng)
}

/// Reduces any output to a scalar with fixed, uneven weights, so every output element's
/// gradient matters (a plain sum would hide errors that cancel).
func weightedSum(_ y: Tensor64) -> Tensor64 {
  let w = Tensor64((0..<y.count).map { (i: Int) -> Double in 0.3 + 0.7 * Double((i * 7919) % 13) / 13 }, shape: y.shape)
  return (y * w).sum()
}

func numericGradient(_ f: (Tensor64) -> Tensor64, at x0: [Double], shape: [Int], h: Double = 1e-6)
  -> [Double]
{
  (0..<x0.count).map { i in
    var plus = x0, minus = x0
    plus[i] += h
    minus[i] -= h
    let fp = weightedSum(f(Tensor64(plus, shape: shape))).item
    let fm = weightedSum(f(Tensor64(minus, shape: shape))).item
    return (fp - fm) / (2 * h)
  }
}

extension GradCase {
  static let unary: [GradCase] = [
    GradCase("neg", [2, 3]) { -$0 },
    GradCase("exp", [2, 3]) { $0.exp() },
    GradCase("log", [2, 3], low: 0.2, high: 3) { $0.log() },
    GradCase("tanh", [2, 3]) { $0.tanh() },
    GradCase("sigmoid", [2, 3], low: -30, high: 30) { $0.sigmoid() },
    GradCase("relu", [2, 3]) { $0.relu() },
    GradCase("leakyRelu", [2, 3]) { $0.leakyRelu(slope: 0.1) },
    GradCase("gelu", [2, 3], low: -4, high: 4) { $0.gelu() },
    GradCase("gelu (pointwise op table)", [2, 3], low: -4, high: 4) { $0.unary(.gelu) },
    GradCase("softplus", [2, 3], low: -30, high: 30) { $0.softplus() },
    GradCase("logSigmoid", [2, 3], low: -30, high: 30) { $0.logSigmoid() },
    GradCase("sqrt", [2, 3], low: 0.2, high: 3) { $0.sqrt() },
    GradCase("abs", [2, 3]) { $0.abs() },
    GradCase("pow 3", [2, 3]) { $0.pow(3) },
    GradCase("clamp", [2, 3]) { $0.clamped(-0.5, 0.7) },
    GradCase("scale and shift", [2, 3]) { $0 * 1.5 + 0.25 },
    GradCase("constant over x", [2, 3], low: 0.5, high: 2) { 2.0 / $0 },
    GradCase("x * x (same tensor twice)", [4]) { $0 * $0 },
  ]

  static let binary: [GradCase] = {
    var cases: [GradCase] = []
    let ops: [(String, @Sendable (Tensor64, Tensor64) -> Tensor64)] = [
      ("+", { $0 + $1 }), ("-", { $0 - $1 }), ("*", { $0 * $1 }), ("/", { $0 / $1 }),
      ("maximum", { $0.maximum($1) }), ("minimum", { $0.minimum($1) }), ("pow", { $0.pow($1) }),
    ]
    // Same shape, and broadcasting in both directions (the gradient must be summed back).
    let shapes: [([Int], [Int])] = [([2, 3], [2, 3]), ([2, 3], [3]), ([4, 1, 3], [2, 1]), ([], [2, 2])]
    for (name, op) in ops {
      for (sa, sb) in shapes {
        let positive = name == "pow" || name == "/"
        let lo = positive ? 0.5 : -2.0
        cases.append(GradCase("\(name) lhs \(sa) rhs \(sb)", sa, low: lo) { a in
          op(a, constant(sb, seed: 11, low: lo))
        })
        cases.append(GradCase("\(name) rhs \(sb) lhs \(sa)", sb, low: lo) { b in
          op(constant(sa, seed: 12, low: lo), b)
        })
      }
    }
    return cases
  }()

  static let reductions: [GradCase] = [
    GradCase("sum", [2, 3]) { $0.sum() },
    GradCase("sum axis 0", [2, 3, 4]) { $0.sum(alongAxis: 0) },
    GradCase("sum axis 1 keepDims", [2, 3, 4]) { $0.sum(alongAxis: 1, keepDims: true) },
    GradCase("sum axis -1", [2, 3, 4]) { $0.sum(alongAxis: -1) },
    GradCase("mean", [2, 3]) { $0.mean() },
    GradCase("mean axis 1", [2, 3]) { $0.mean(alongAxis: 1) },
    GradCase("max axis 1", [3, 4]) { $0.max(alongAxis: 1) },
    GradCase("max axis 0", [3, 4]) { $0.max(alongAxis: 0, keepDims: true) },
    GradCase("logSumExp axis -1", [3, 4]) { $0.logSumExp(alongAxis: -1) },
    GradCase("variance unbiased", [3, 4]) { $0.variance(alongAxis: 1, unbiased: true) },
  ]

  static let movement: [GradCase] = [
    GradCase("reshape", [2, 6]) { $0.reshaped([3, -1]) * constant([3, 4], seed: 3) },
    GradCase("permute", [2, 3, 4]) { $0.permuted([2, 0, 1]) * constant([4, 2, 3], seed: 3) },
    GradCase("transpose", [3, 4]) { $0.transposed() * constant([4, 3], seed: 4) },
    GradCase("expand", [3, 1]) { $0.expanded(to: [2, 3, 4]) * constant([2, 3, 4], seed: 5) },
    GradCase("slice", [4, 3]) { $0.slice(alongAxis: 0, 1..<3) },
    GradCase("slice axis 1", [4, 3]) { $0.slice(alongAxis: 1, 1..<3) },
    GradCase("indexSelect repeats", [4, 3]) { $0.indexSelect([3, 0, 3], alongAxis: 0) },
    GradCase("indexSelect axis 1", [2, 4, 3]) { $0.indexSelect([1, 1, 2], alongAxis: 1) },
    GradCase("gather", [3, 4]) { $0.gather([2, 0, 2]) },
    GradCase("scatterAdd", [3, 2]) { Tensor64.scatterAdd($0, indices: [1, 0, 1], shape: [2, 2]) },
    GradCase("concat axis 1", [2, 3]) { Tensor64.concat([$0, constant([2, 2], seed: 6), $0], alongAxis: 1) },
    GradCase("stack", [2, 3]) { Tensor64.stack([$0, $0 * 2], alongAxis: 1) },
  ]

  static let linearAlgebra: [GradCase] = [
    GradCase("matmul lhs", [3, 4]) { $0.matmul(constant([4, 5], seed: 7)) },
    GradCase("matmul rhs", [4, 5]) { constant([3, 4], seed: 7).matmul($0) },
    GradCase("matmul transposeSelf", [4, 3]) { $0.matmul(constant([4, 5], seed: 7), transposeSelf: true) },
    GradCase("matmul transposeOther lhs", [3, 4]) {
      $0.matmul(constant([5, 4], seed: 7), transposeOther: true)
    },
    GradCase("matmul transposeOther rhs", [5, 4]) {
      constant([3, 4], seed: 7).matmul($0, transposeOther: true)
    },
    GradCase("matmul both transposed lhs", [4, 3]) {
      $0.matmul(constant([5, 4], seed: 7), transposeSelf: true, transposeOther: true)
    },
    GradCase("matmul both transposed rhs", [5, 4]) {
      constant([4, 3], seed: 7).matmul($0, transposeSelf: true, transposeOther: true)
    },
    GradCase("batched matmul lhs", [2, 3, 4]) { $0.matmul(constant([2, 4, 2], seed: 8)) },
    GradCase("batched matmul rhs", [2, 4, 2]) { constant([2, 3, 4], seed: 8).matmul($0) },
    GradCase("batched transposed rhs", [2, 2, 4]) {
      constant([2, 3, 4], seed: 8).matmul($0, transposeOther: true)
    },
    GradCase("batch × shared matrix, lhs", [2, 3, 4]) { $0.matmul(constant([4, 2], seed: 9)) },
    GradCase("batch × shared matrix, rhs", [4, 2]) { constant([2, 3, 4], seed: 9).matmul($0) },
    GradCase("shared matrix × batch, lhs", [3, 4]) { $0.matmul(constant([2, 4, 2], seed: 9)) },
    GradCase("linear input", [2, 3, 4]) {
      $0.linear(weight: constant([5, 4], seed: 10), bias: constant([5], seed: 11))
    },
    GradCase("linear weight", [5, 4]) {
      constant([3, 4], seed: 10).linear(weight: $0, bias: constant([5], seed: 11))
    },
    GradCase("linear bias", [5]) {
      constant([3, 4], seed: 10).linear(weight: constant([5, 4], seed: 12), bias: $0)
    },
    GradCase("softmax", [3, 4]) { $0.softmax() },
    GradCase("softmax axis 0", [3, 4]) { $0.softmax(alongAxis: 0) },
    GradCase("logSoftmax", [3, 4], low: -20, high: 20) { $0.logSoftmax() },
    GradCase("causalSoftmax", [2, 3, 3]) { $0.causalSoftmax() },
    GradCase("causalSoftmax scaled", [2, 3, 3]) { $0.causalSoftmax(scale: 0.7) },
    GradCase("logSoftmax after scale", [2, 3]) { ($0 * 0.5).logSoftmax() },
    GradCase("fused causalSelfAttention", [2, 3, 12]) { $0.causalSelfAttention(heads: 2) },
    GradCase("unfused causal attention", [2, 3, 12]) { unfusedCausalAttention($0, heads: 2) },
    GradCase("layerNorm input", [3, 5]) {
      $0.layerNorm(gamma: constant([5], seed: 13), beta: constant([5], seed: 14))
    },
    GradCase("layerNorm gamma", [5]) {
      constant([3, 5], seed: 15).layerNorm(gamma: $0, beta: constant([5], seed: 14))
    },
    GradCase("layerNorm beta", [5]) {
      constant([3, 5], seed: 15).layerNorm(gamma: constant([5], seed: 13), beta: $0)
    },
  ]

  static let losses: [GradCase] = [
    GradCase("mse", [2, 3]) { mseLoss($0, constant([2, 3], seed: 20)) },
    GradCase("huber", [6], low: -3, high: 3) { huberLoss($0, constant([6], seed: 21), delta: 1) },
    GradCase("crossEntropy", [3, 4]) { crossEntropy(logits: $0, targets: [1, 3, 0]) },
    GradCase("bce with logits", [5], low: -10, high: 10) {
      binaryCrossEntropy(logits: $0, targets: constant([5], seed: 22, low: 0, high: 1))
    },
    GradCase("categorical entropy", [2, 3]) { Categorical(logits: $0).entropy() },
    GradCase("categorical kl", [2, 3]) {
      Categorical(logits: $0).kl(to: Categorical(logits: constant([2, 3], seed: 23)))
    },
    GradCase("gaussian logProb wrt mean", [2, 3]) {
      DiagonalGaussian(mean: $0, logStd: constant([3], seed: 24, low: -1, high: 0.5))
        .logProb(constant([2, 3], seed: 25))
    },
    GradCase("gaussian logProb wrt logStd", [3], low: -1, high: 0.5) {
      DiagonalGaussian(mean: constant([2, 3], seed: 26), logStd: $0).logProb(constant([2, 3], seed: 25))
    },
    GradCase("squashed gaussian logProb", [2, 2], low: -1.5, high: 1.5) {
      SquashedGaussian(mean: constant([2, 2], seed: 27), logStd: constant([2], seed: 28, low: -1, high: 0), scale: 2)
        .logProb(preTanh: $0)
    },
  ]

  static let all = unary + binary + reductions + movement + linearAlgebra + losses
}

@Suite("Gradients match central finite differences (Float64)")
struct GradientCheckTests {
  @Test(arguments: GradCase.all)
  func matchesFiniteDifferences(_ c: GradCase) {
    var rng = SeededGenerator(seed: 1234)
    var x0 = (0..<c.shape.reduce(1, *)).map { _ in rng.uniform(c.low, c.high) }
    // Keep kinks (relu, abs, clamp, max) out of the finite-difference stencil.
    for i in x0.indices where Swift.abs(x0[i]) < 0.05 { x0[i] += 0.1 }
    let x = Tensor64(x0, shape: c.shape, requiresGrad: true)
    weightedSum(c.f(x)).backward()
    let numeric = numericGradient(c.f, at: x0, shape: c.shape)
    #expect(x.grad.count == numeric.count, "\(c.name): gradient has the wrong size")
    for (i, (analytic, fd)) in zip(x.grad, numeric).enumerated() {
      #expect(
        Swift.abs(analytic - fd) <= 1e-6 * Swift.max(1, Swift.abs(fd)),
        "\(c.name)[\(i)]: analytic \(analytic) vs numeric \(fd)")
    }
  }

  @Test("Broadcast gradients are summed back to the input's shape")
  func broadcastReduction() {
    let bias = Tensor64([1, 2, 3], shape: [3], requiresGrad: true)
    let x = Tensor64.ones([4, 3])
    (x * 2 + bias).sum().backward()
    #expect(bias.grad == [4, 4, 4])
  }

  @Test("Gradients accumulate across backward calls until zeroGrad")
  func accumulation() {
    let w = Tensor64([3], shape: [1], requiresGrad: true)
    (w * w).sum().backward()
    (w * w).sum().backward()
    #expect(w.grad == [12])
    w.zeroGrad()
    #expect(w.grad == [0])
  }

  @Test("withNoGrad and detached stop gradient flow")
  func noGrad() {
    let w = Tensor64([2], shape: [1], requiresGrad: true)
    let y = withNoGrad { w * w }
    #expect(!y.requiresGrad)
    let z = (w.detached() * w).sum()
    z.backward()
    #expect(w.grad == [2])  // only through the non-detached factor
  }
}
