import Testing
import NumericCore

@Suite("Optimizers and schedules")
struct OptimizerTests {
  @Test("Adam's first step moves each parameter by lr against its gradient's sign")
  func adamFirstStep() {
    let p = Tensor64([1, -2, 3], requiresGrad: true)
    let opt = Adam(parameters: [p], learningRate: 0.1)
    (p * Tensor64([2, -0.5, 0.001])).sum().backward()
    opt.step()
    #expect(close(p.data, [0.9, -1.9, 2.9], tol: 1e-5))
  }

  @Test("AdamW decays weights even with a zero gradient")
  func adamWDecay() {
    let p = Tensor64([2], requiresGrad: true)
    let opt = AdamW(parameters: [p], learningRate: 0.1, weightDecay: 0.5)
    (p * 0).sum().backward()
    opt.step()
    #expect(close(p.item, 2 - 0.1 * 0.5 * 2, tol: 1e-12))
  }

  @Test("SGD with momentum follows v ← μv + g, p ← p − lr·v")
  func sgdMomentum() {
    let p = Tensor64([1], requiresGrad: true)
    let opt = SGD(parameters: [p], learningRate: 0.1, momentum: 0.9)
    for _ in 0..<2 {
      opt.zeroGrad()
      (p * 2).sum().backward()
      opt.step()
    }
    // v1 = 2, p = 0.8; v2 = 0.9·2 + 2 = 3.8, p = 0.8 − 0.38
    #expect(close(p.item, 0.42, tol: 1e-12))
  }

  @Test("RMSprop follows v ← αv + (1−α)g², p ← p − lr·g/(√v + ε)")
  func rmsprop() {
    let p = Tensor64([1], requiresGrad: true)
    let opt = RMSprop(parameters: [p], learningRate: 0.01, alpha: 0.9, eps: 0)
    for _ in 0..<2 {
      opt.zeroGrad()
      (p * 2).sum().backward()
      opt.step()
    }
    // g = 2 both times. v1 = 0.1·4 = 0.4, p = 1 − 0.01·2/√0.4; v2 = 0.9·0.4 + 0.4 = 0.76.
    let expected = 1 - 0.01 * 2 / 0.4.squareRoot() - 0.01 * 2 / 0.76.squareRoot()
    #expect(close(p.item, expected, tol: 1e-12))
  }

  @Test("clipGradNorm returns the pre-clip norm and rescales to maxNorm")
  func clip() {
    let a = Tensor64([0, 0], requiresGrad: true), b = Tensor64([0], requiresGrad: true)
    (a * Tensor64([3, 0]) + 0).sum().backward()
    (b * 4).sum().backward()
    let norm = clipGradNorm([a, b], maxNorm: 1)
    #expect(close(norm, 5))
    #expect(close(a.grad + b.grad, [0.6, 0, 0.8], tol: 1e-6))
  }

  @Test("Linear and cosine schedules")
  func schedules() {
    #expect(close(LRSchedule.linear().rate(base: 1, step: 25, totalSteps: 100), 0.75))
    #expect(close(LRSchedule.cosine().rate(base: 1, step: 50, totalSteps: 100), 0.5))
    #expect(close(LRSchedule.cosine(warmupSteps: 10).rate(base: 1, step: 4, totalSteps: 100), 0.5))
    #expect(close(LRSchedule.cosine(minFactor: 0.1).rate(base: 1, step: 100, totalSteps: 100), 0.1))
  }
}

@Suite("RL utilities")
struct RLUtilityTests {
  @Test("discountedReturns restarts after terminations and bootstraps at the end")
  func returns() {
    let g = discountedReturns(rewards: [1, 1, 1], terminated: [false, true, false], gamma: 0.5, bootstrapValue: 4)
    #expect(close(g, [1.5, 1, 3]))
  }

  @Test("RunningMeanStd matches the batch mean and variance")
  func runningStats() {
    var rms = RunningMeanStd(dimension: 2, epsilon: 0)
    let data: [[Double]] = [[1, 10], [2, 20], [3, 30], [4, 40], [5, 50]]
    rms.update(Array(data[0..<2]))
    rms.update(Array(data[2...]))
    #expect(close(rms.mean, [3, 30], tol: 1e-12))
    #expect(close(rms.variance, [2, 200], tol: 1e-12))
    #expect(close(rms.normalize([5, 30]), [2 / 2.0.squareRoot(), 0], tol: 1e-6))
  }

  @Test("ReplayBuffer overwrites the oldest and samples reproducibly")
  func replay() {
    var buf = ReplayBuffer(capacity: 3, observationSize: 1)
    for i in 0..<5 {
      buf.add(observation: [Float(i)], action: [0], reward: Float(i), nextObservation: [Float(i + 1)], terminated: i == 4)
    }
    #expect(buf.count == 3)
    var r1 = SeededGenerator(seed: 3), r2 = SeededGenerator(seed: 3)
    let a = buf.sample(64, using: &r1), b = buf.sample(64, using: &r2)
    #expect(a.indices == b.indices)
    #expect(Set(a.rewards.data) == [2, 3, 4])  // 0 and 1 were overwritten
    for (o, n) in zip(a.observations.data, a.nextObservations.data) { #expect(n == o + 1) }
    for (r, t) in zip(a.rewards.data, a.terminated.data) { #expect((t == 1) == (r == 4)) }
  }

  @Test("conjugateGradient with residualTolerance 0 returns the exact solution, not NaN, once r = 0")
  func conjugateGradientExactSolve() {
    // Tridiagonal SPD: CG reaches r = 0 exactly in n = 3 steps; α = r·r / pᵀAp would then be 0/0.
    let a: [[Double]] = [[2, -1, 0], [-1, 2, -1], [0, -1, 2]]
    let (x, norms) = conjugateGradient({ v in a.map { dot($0, v) } }, [1, 0, 0], iterations: 10, residualTolerance: 0)
    #expect(x.allSatisfy { $0.isFinite })
    #expect(close(x, [0.75, 0.5, 0.25], tol: 1e-15))
    #expect(norms.count == 3 && norms.last == 0)
    // b = 0: solved before the first iteration.
    let (zero, zeroNorms) = conjugateGradient({ v in a.map { dot($0, v) } }, [0, 0, 0], iterations: 5, residualTolerance: 0)
    #expect(zero == [0, 0, 0] && zeroNorms.isEmpty)
  }

  @Test("Categorical sampling frequencies follow the probabilities")
  func samplingFrequencies() {
    var rng = SeededGenerator(seed: 12)
    let logits = Tensor64([0.0, Foundationless.log(3.0)], shape: [1, 2])  // p = [0.25, 0.75]
    let pi = Categorical(logits: logits)
    let n = 20000
    let ones = (0..<n).filter { _ in pi.sample(using: &rng)[0] == 1 }.count
    #expect(Swift.abs(Double(ones) / Double(n) - 0.75) < 0.015)
  }

  @Test("Gaussian reparameterised samples carry gradients to mean and logStd")
  func gaussianRsample() {
    var rng = SeededGenerator(seed: 13)
    let mu = Tensor64([0.5, -1], shape: [1, 2], requiresGrad: true)
    let ls = Tensor64([0.1, -0.3], requiresGrad: true)
    let pi = DiagonalGaussian(mean: mu, logStd: ls)
    let a = pi.sample(using: &rng)
    a.sum().backward()
    #expect(mu.grad == [1, 1])
    // d/dlogσ (μ + e^{logσ}·ε) = σ·ε = a − μ.
    #expect(close(ls.grad, zip(a.data, mu.data).map { $0 - $1 }, tol: 1e-12))
    #expect(close(pi.entropy().item, 0.1 - 0.3 + 2 * 0.5 * (1 + Foundationless.log(2 * Double.pi)), tol: 1e-12))
  }
}

/// log without importing Foundation in tests.
enum Foundationless {
  static func log(_ x: Double) -> Double { Tensor64([x]).log().item }
}

@Suite("Optimizer precision paths")
struct OptimizerPathTests {
  @Test("Float Adam/AdamW (SIMD path) match the Float64 path over several steps", arguments: [0.0, 0.1])
  func floatMatchesDouble(weightDecay: Double) {
    var rng = SeededGenerator(seed: 31)
    let init0 = (0..<11).map { _ in rng.normal() }  // 11: eight SIMD lanes plus a scalar tail
    let grads = (0..<5).map { _ in (0..<11).map { _ in rng.normal() } }
    let p32 = Tensor(init0.map(Float.init), requiresGrad: true)
    let p64 = Tensor64(init0, requiresGrad: true)
    let o32 = AdamW(parameters: [p32], learningRate: 0.01, weightDecay: weightDecay)
    let o64 = AdamW(parameters: [p64], learningRate: 0.01, weightDecay: weightDecay)
    for g in grads {
      o32.zeroGrad()
      o64.zeroGrad()
      (p32 * Tensor(g.map(Float.init))).sum().backward()
      (p64 * Tensor64(g)).sum().backward()
      o32.step()
      o64.step()
    }
    #expect(close(p32.doubles, p64.data, tol: 2e-6))
    #expect(!close(p64.data, init0, tol: 1e-3))  // the parameters did move
  }
}
