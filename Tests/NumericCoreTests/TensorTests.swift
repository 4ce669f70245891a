import Testing
import NumericCore

@Suite("Tensor forward semantics")
struct TensorTests {
  @Test("Broadcasting follows numpy: [2, 1, 3] + [4, 1] → [2, 4, 3]")
  func broadcastShape() {
    let a = Tensor64((0..<6).map(Double.init), shape: [2, 1, 3])
    let b = Tensor64([0, 10, 20, 30], shape: [4, 1])
    let c = a + b
    #expect(c.shape == [2, 4, 3])
    // c[1, 2, 0] = a[1, 0, 0] + b[2, 0] = 3 + 20
    #expect(c.data[1 * 12 + 2 * 3 + 0] == 23)
  }

  @Test("matmul agrees with a naive triple loop, including batches and transposes")
  func matmulValues() {
    var rng = SeededGenerator(seed: 3)
    let a = Tensor64.randn([2, 3, 4], using: &rng), b = Tensor64.randn([2, 4, 5], using: &rng)
    let c = a.matmul(b)
    #expect(c.shape == [2, 3, 5])
    for bi in 0..<2 {
      for i in 0..<3 {
        for j in 0..<5 {
          var s = 0.0
          for k in 0..<4 { s += a.data[bi * 12 + i * 4 + k] * b.data[bi * 20 + k * 5 + j] }
          #expect(Swift.abs(c.data[bi * 15 + i * 5 + j] - s) < 1e-12)
        }
      }
    }
    let ct = a.transposed().matmul(b.transposed(), transposeSelf: true, transposeOther: true)
    #expect(close(ct.data, c.data, tol: 1e-12))
  }

  @Test("Float32 sgemm path matches the Float64 path")
  func floatMatmul() {
    var rng = SeededGenerator(seed: 4)
    let a64 = Tensor64.randn([17, 33], using: &rng), b64 = Tensor64.randn([33, 9], using: &rng)
    let c32 = Tensor(a64.data.map(Float.init), shape: [17, 33])
      .matmul(Tensor(b64.data.map(Float.init), shape: [33, 9]))
    #expect(close(c32.doubles, a64.matmul(b64).data, tol: 1e-4))
  }

  @Test("softmax and logSoftmax are stable for huge logits")
  func softmaxStable() {
    let x = Tensor64([1000, 1001, -1000], shape: [1, 3])
    let p = x.softmax()
    #expect(p.data.allSatisfy { $0.isFinite })
    #expect(close(p.data.reduce(0, +), 1, tol: 1e-12))
    #expect(close(x.logSoftmax().data[1], -0.31326168751822286, tol: 1e-12))
    #expect(close(x.logSumExp(alongAxis: -1).item, 1001.3132616875182, tol: 1e-9))
  }

  @Test("causalSoftmax gives zero weight to future positions")
  func causal() {
    let p = Tensor64.zeros([3, 3]).causalSoftmax()
    #expect(close(p.data, [1, 0, 0, 0.5, 0.5, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3], tol: 1e-12))
  }

  @Test("Fused attention equals the unfused composite, forward and backward")
  func fusedAttention() {
    var rng = SeededGenerator(seed: 21)
    let x0 = Tensor64.randn([2, 5, 24], using: &rng)
    let a = Tensor64(x0.data, shape: x0.shape, requiresGrad: true)
    let b = Tensor64(x0.data, shape: x0.shape, requiresGrad: true)
    let w = Tensor64.randn([2, 5, 8], using: &rng)
    let fa = a.causalSelfAttention(heads: 2), fb = unfusedCausalAttention(b, heads: 2)
    #expect(close(fa.data, fb.data, tol: 1e-12))
    (fa * w).sum().backward()
    (fb * w).sum().backward()
    #expect(close(a.grad, b.grad, tol: 1e-12))
    // Causality: changing the last position's input leaves earlier outputs unchanged.
    var x1 = x0.data
    for c in 0..<24 { x1[4 * 24 + c] += 1 }
    let f1 = Tensor64(x1, shape: x0.shape).causalSelfAttention(heads: 2)
    for t in 0..<4 { for c in 0..<8 { #expect(f1.data[t * 8 + c] == fa.data[t * 8 + c]) } }
    #expect(f1.data[4 * 8] != fa.data[4 * 8])
  }

  /// The residual sum in a linear layer's epilogue is `residual + x.linear(…)` bit for bit, forward
  /// and backward (every input's gradient), with and without a bias, in Float and Double.
  @Test("linear with a residual equals residual + linear, bit for bit")
  func linearResidual() {
    func check<S: TensorScalar>(_: S.Type, bias withBias: Bool) {
      var rng = SeededGenerator(seed: 22)
      let shapes = (x: [3, 5, 12], w: [20, 12], r: [3, 5, 20])
      let x0 = TensorOf<S>.randn(shapes.x, using: &rng), w0 = TensorOf<S>.randn(shapes.w, using: &rng)
      let b0 = TensorOf<S>.randn([20], using: &rng), r0 = TensorOf<S>.randn(shapes.r, using: &rng)
      let g = TensorOf<S>.randn(shapes.r, using: &rng)
      func leaves() -> (TensorOf<S>, TensorOf<S>, TensorOf<S>, TensorOf<S>) {
        (TensorOf<S>(x0.data, shape: x0.shape, requiresGrad: true), TensorOf<S>(w0.data, shape: w0.shape, requiresGrad: true),
         TensorOf<S>(b0.data, shape: b0.shape, requiresGrad: true), TensorOf<S>(r0.data, shape: r0.shape, requiresGrad: true))
      }
      let (x1, w1, b1, r1) = leaves(), (x2, w2, b2, r2) = leaves()
      let fused = x1.linear(weight: w1, bias: withBias ? b1 : nil, residual: r1)
      let composite = r2 + x2.linear(weight: w2, bias: withBias ? b2 : nil)
      // (Float → Double is exact, signs of zero included: equal Double bit patterns are equal bits.)
      func bits(_ t: [S]) -> [UInt64] { t.map { Double($0).bitPattern } }
      #expect(bits(fused.data) == bits(composite.data))
      (fused * g).sum().backward()
      (composite * g).sum().backward()
      for (a, b) in [(x1, x2), (w1, w2), (r1, r2)] + (withBias ? [(b1, b2)] : []) {
        #expect(bits(a.grad) == bits(b.grad))
      }
    }
    check(Float.self, bias: true)
    check(Float.self, bias: false)
    check(Double.self, bias: true)
    check(Double.self, bias: false)
  }

  @Test("gather, indexSelect, concat, stack, oneHot, argmax")
  func indexing() {
    let x = Tensor64([1, 2, 3, 4, 5, 6], shape: [2, 3])
    #expect(x.gather([2, 0]).data == [3, 4])
    #expect(x.indexSelect([1, 1], alongAxis: 0).data == [4, 5, 6, 4, 5, 6])
    #expect(x.slice(alongAxis: 1, 1..<3).data == [2, 3, 5, 6])
    #expect(Tensor64.concat([x, x], alongAxis: 1).shape == [2, 6])
    #expect(Tensor64.stack([x, x], alongAxis: 0).shape == [2, 2, 3])
    #expect(Tensor64.oneHot([2, 0], classes: 3).data == [0, 0, 1, 1, 0, 0])
    #expect(x.argmax(alongAxis: 1) == [2, 2])
    #expect(x.transposed().data == [1, 4, 2, 5, 3, 6])
    #expect(x.max(alongAxis: 0).data == [4, 5, 6])
    #expect(Tensor64.scatterAdd(Tensor64([1, 2, 3], shape: [3, 1]), indices: [0, 1, 0], shape: [2, 1]).data == [4, 2])
  }

  @Test("reshape shares values and infers -1")
  func reshape() {
    let x = Tensor64((0..<12).map(Double.init), shape: [3, 4])
    #expect(x.reshaped([2, -1]).shape == [2, 6])
    #expect(x.reshaped([2, -1]).data == x.data)
  }

  @Test("where picks elementwise")
  func whereOp() {
    let a = Tensor64([1, 2, 3]), b = Tensor64([10, 20, 30])
    #expect(Tensor64.where([true, false, true], shape: [3], a, b).data == [1, 20, 3])
  }

  @Test("Elementwise values: gelu(1), softplus(−100), clamp, relu")
  func elementwiseValues() {
    // torch.nn.functional.gelu(torch.tensor(1.0), approximate="tanh") = 0.8411919906082768
    #expect(close(Tensor64([1]).gelu().item, 0.8411919906082768, tol: 1e-12))
    #expect(Tensor64([-100]).softplus().item > 0)
    #expect(Tensor64([-100]).softplus().item < 1e-40)
    #expect(Tensor64([-2, 0.5, 2]).clamped(-1, 1).data == [-1, 0.5, 1])
    #expect(Tensor64([-2, 3]).relu().data == [0, 3])
  }
}

@Suite("Shape errors stop with a message naming the op and both shapes")
struct ShapeErrorTests {
  @Test("matmul with mismatched inner dimensions traps")
  func matmulTrap() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor.zeros([3, 4]).matmul(Tensor.zeros([5, 2]))
    }
    let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(stderr.contains("matmul: shapes [3, 4] and [5, 2] are incompatible"))
  }

  @Test("adding non-broadcastable shapes traps")
  func addTrap() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor([1, 2]) + Tensor([1, 2, 3])
    }
    let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(stderr.contains("+: shapes [2] and [3] are incompatible"))
  }

  @Test("a Tensor whose data does not fill its shape traps")
  func initTrap() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor([1, 2, 3], shape: [2, 2])
    }
  }
}

@Suite("Float32 fast paths")
struct FloatFastPathTests {
  @Test("Float tanh stays within 5e-7 (a few ulp) of the Float64 tanh over [-12, 12]")
  func fastTanhAccuracy() {
    let xs = (0...24000).map { Double($0) / 1000 - 12 }
    let f = Tensor(xs.map(Float.init)).tanh().doubles
    let d = Tensor64(xs.map { Double(Float($0)) }).tanh().data
    let worst = zip(f, d).map { Swift.abs($0 - $1) }.max() ?? 1
    #expect(worst < 5e-7)
  }

  @Test("Float exp stays within 3 ulp (relative 4e-7) of the Float64 exp over [-80, 80]")
  func fastExpAccuracy() {
    let xs = (0...16000).map { Double($0) / 100 - 80 }
    let f = Tensor(xs.map(Float.init)).exp().doubles
    let d = Tensor64(xs.map { Double(Float($0)) }).exp().data
    let worst = zip(f, d).map { Swift.abs($0 - $1) / $1 }.max() ?? 1
    #expect(worst < 4e-7)
    #expect(Tensor([0]).exp().item == 1)
  }
}
