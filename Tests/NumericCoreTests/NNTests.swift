import Testing
import NumericCore
#if canImport(Glibc)
import Glibc
#endif

@Suite("Layers, initialisers, parameter handling")
struct NNTests {
  @Test("An MLP learns XOR with Adam")
  func xor() {
    var rng = SeededGenerator(seed: 0)
    let net = MLP([2, 16, 1], activation: .tanh, using: &rng)
    let opt = Adam(parameters: net.parameters, learningRate: 0.05)
    let x = Tensor([0, 0, 0, 1, 1, 0, 1, 1], shape: [4, 2])
    let y = Tensor([0, 1, 1, 0], shape: [4, 1])
    let before = binaryCrossEntropy(logits: net(x), targets: y).item
    var loss: Float = 0
    for _ in 0..<300 {
      opt.zeroGrad()
      let l = binaryCrossEntropy(logits: net(x), targets: y)
      l.backward()
      opt.step()
      loss = l.item
    }
    #expect(before > 0.6)
    #expect(loss < 0.05)
    let predictions = net(x).sigmoid().data.map { $0 > 0.5 }
    #expect(predictions == [false, true, true, false])
  }

  @Test("Same seed ⇒ bit-identical parameters after Adam steps; another seed differs")
  func determinism() {
    func train(seed: UInt64) -> [Float] {
      var rng = SeededGenerator(seed: seed)
      let net = MLP([3, 8, 2], activation: .relu, using: &rng)
      let opt = Adam(parameters: net.parameters, learningRate: 0.01)
      for _ in 0..<5 {
        let x = Tensor.randn([16, 3], using: &rng)
        let pi = Categorical(logits: net(x))
        let a = pi.sample(using: &rng)
        opt.zeroGrad()
        (-pi.logProb(a).mean()).backward()
        opt.step()
      }
      return net.parameters.flatMap(\.data)
    }
    #expect(train(seed: 7) == train(seed: 7))
    #expect(train(seed: 7) != train(seed: 8))
  }

  @Test("Orthogonal init has orthonormal rows (wide) or columns (tall), times gain", arguments: [(3, 5), (6, 4)])
  func orthogonal(rows: Int, cols: Int) {
    var rng = SeededGenerator(seed: 5)
    let w = orthogonalMatrix(rows: rows, cols: cols, gain: 2, using: &rng)
    let wt = Tensor(w, shape: [rows, cols])
    let gram = rows <= cols ? wt.matmul(wt, transposeOther: true) : wt.matmul(wt, transposeSelf: true)
    let n = min(rows, cols)
    for i in 0..<n {
      for j in 0..<n {
        #expect(Swift.abs(gram.data[i * n + j] - (i == j ? 4 : 0)) < 1e-4)
      }
    }
  }

  @Test(
    "forward(single:) and act(_:using:) agree with the batched graph forward",
    arguments: [Activation.tanh, .relu, .gelu, .sigmoid, .identity])
  func fastPath(activation: Activation) {
    var rng = SeededGenerator(seed: 9)
    let net = MLP([4, 64, 63, 2], activation: activation, outputGain: 0.01, using: &rng)
    let obs: [Float] = [0.1, -0.2, 0.03, 0.4]
    var out: [Float] = []
    net.forward(single: obs, into: &out)
    let batched = net(Tensor(obs, shape: [1, 4]))
    #expect(close(out.map(Double.init), batched.doubles, tol: 1e-5))
    var r1 = SeededGenerator(seed: 1), r2 = SeededGenerator(seed: 1)
    let fast = (0..<20).map { _ in net.act(obs, using: &r1) }
    let slow = (0..<20).map { _ in Categorical(logits: batched).sample(using: &r2)[0] }
    #expect(fast == slow)
  }

  @Test("save/load round-trips parameters; polyak and copy update target networks")
  func saveLoadPolyak() throws {
    var rng = SeededGenerator(seed: 2)
    let a = MLP([3, 5, 2], using: &rng), b = MLP([3, 5, 2], using: &rng)
    #expect(a.parameters[0].data != b.parameters[0].data)
    let path = "/tmp/numericcore-test-\(UInt32.random(in: 0...UInt32.max)).bin"
    try a.saveParameters(to: path)
    try b.loadParameters(from: path)
    #expect(a.parameters.map(\.data) == b.parameters.map(\.data))
    let c = MLP([3, 5, 2], using: &rng)
    let before = c.parameters[0].data[0], src = a.parameters[0].data[0]
    c.polyakUpdate(from: a, tau: 0.25)
    #expect(Swift.abs(c.parameters[0].data[0] - (0.25 * src + 0.75 * before)) < 1e-6)
    c.copyParameters(from: a)
    #expect(c.parameters.map(\.data) == a.parameters.map(\.data))
    let wrong = MLP([3, 4, 2], using: &rng)
    #expect(throws: ParameterFileError.self) { try wrong.loadParameters(from: path) }
  }

  @Test("MLP jvp matches central differences along a parameter direction")
  func jvpMatchesFiniteDifferences() {
    var rng = SeededGenerator(seed: 4)
    let net = MLP([3, 8, 2], activation: .tanh, using: &rng)
    let x = Tensor.randn([5, 3], using: &rng)
    let v = net.parameters.map { Tensor.randn($0.shape, using: &rng) }
    let (_, jv) = net.jvp(x, parameterTangent: v)
    let h: Float = 1e-2
    func shifted(_ s: Float) -> [Float] {
      for (p, d) in zip(net.parameters, v) { p.assign(zip(p.data, d.data).map { $0 + s * $1 }) }
      defer { for (p, d) in zip(net.parameters, v) { p.assign(zip(p.data, d.data).map { $0 - s * $1 }) } }
      return withNoGrad { net(x).data }
    }
    let fd = zip(shifted(h), shifted(-h)).map { Double(($0 - $1) / (2 * h)) }
    #expect(close(jv.doubles, fd, tol: 2e-3))
  }

  @Test("Categorical Fisher-vector product: vᵀFv equals ‖J v‖²_F and F is symmetric")
  func parameterFisher() {
    var rng = SeededGenerator(seed: 6)
    let net = MLP([3, 6, 3], activation: .tanh, using: &rng)
    let x = Tensor.randn([4, 3], using: &rng)
    let v = net.parameters.map { Tensor.randn($0.shape, using: &rng) }
    let w = net.parameters.map { Tensor.randn($0.shape, using: &rng) }
    func inner(_ a: [Tensor], _ b: [Tensor]) -> Double {
      zip(a, b).reduce(0) { $0 + zip($1.0.data, $1.1.data).reduce(0) { $0 + Double($1.0 * $1.1) } }
    }
    let fv = net.categoricalFisherVectorProduct(observations: x, vector: v)
    let fw = net.categoricalFisherVectorProduct(observations: x, vector: w)
    #expect(Swift.abs(inner(w, fv) - inner(v, fw)) < 1e-4 * Swift.max(1, Swift.abs(inner(w, fv))))
    // vᵀ F v = mean over rows of (Jv)ᵀ (diag p − ppᵀ) (Jv), computed independently here.
    let (logits, jv) = net.jvp(x, parameterTangent: v)
    let p = logits.softmax().doubles, d = jv.doubles
    var quad = 0.0
    for r in 0..<4 {
      var pd = 0.0, pdd = 0.0
      for k in 0..<3 { pd += p[r * 3 + k] * d[r * 3 + k]; pdd += p[r * 3 + k] * d[r * 3 + k] * d[r * 3 + k] }
      quad += (pdd - pd * pd) / 4
    }
    #expect(Swift.abs(inner(v, fv) - quad) < 1e-4 * Swift.max(1, quad))
    #expect(net.parameters.allSatisfy { $0.grad.isEmpty })  // gradients left untouched
  }

  @Test("Gaussian Fisher-vector product: vᵀFv = mean ‖J v‖²/σ² + 2‖v_logσ‖²")
  func gaussianParameterFisher() {
    var rng = SeededGenerator(seed: 8)
    let net = MLP([3, 6, 2], activation: .tanh, using: &rng)
    let logStd = Tensor([-0.5, 0.3], requiresGrad: true)
    let x = Tensor.randn([5, 3], using: &rng)
    let v = net.parameters.map { Tensor.randn($0.shape, using: &rng) }
    let vls = Tensor([0.7, -1.1])
    let (fv, fls) = net.gaussianFisherVectorProduct(
      observations: x, logStd: logStd, vector: v, logStdVector: vls)
    let inner = zip(v, fv).reduce(0.0) { $0 + zip($1.0.data, $1.1.data).reduce(0) { $0 + Double($1.0 * $1.1) } }
      + zip(vls.data, fls.data).reduce(0.0) { $0 + Double($1.0 * $1.1) }
    let (_, jv) = net.jvp(x, parameterTangent: v)
    let invVar = [exp(-2 * -0.5), exp(-2 * 0.3)]  // 1/σ² for logσ = [-0.5, 0.3]
    var quad = 0.0
    for r in 0..<5 { for a in 0..<2 { quad += Double(jv.data[r * 2 + a] * jv.data[r * 2 + a]) * invVar[a] / 5 } }
    quad += 2 * (0.7 * 0.7 + 1.1 * 1.1)
    #expect(Swift.abs(inner - quad) < 1e-4 * quad)
  }

  @Test("A tiny GPT's loss falls on a repeating sequence")
  func gptLearns() {
    var rng = SeededGenerator(seed: 11)
    let gpt = GPT(vocabSize: 8, contextLength: 8, dModel: 16, layers: 1, heads: 2, using: &rng)
    let opt = AdamW(parameters: gpt.parameters, learningRate: 1e-2, weightDecay: 0)
    let seq = (0..<9).map { $0 % 4 }
    let tokens = Array(seq[0..<8]), targets = Array(seq[1..<9])
    var first: Float = 0, last: Float = 0
    for i in 0..<40 {
      opt.zeroGrad()
      let logits = gpt(tokens, batch: 1)
      #expect(logits.shape == [1, 8, 8])
      let loss = crossEntropy(logits: logits, targets: targets)
      loss.backward()
      opt.step()
      if i == 0 { first = loss.item }
      last = loss.item
    }
    #expect(first > 1.8)  // ≈ log 8 at init
    #expect(last < 0.2)
  }
}
