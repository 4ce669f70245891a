import Testing
import NumericCore

/// The README's workflows, end to end, so the documented API keeps compiling and working.
@Suite("README workflows")
struct ReadmeExampleTests {
  @Test("PPO-style update: rollout with act(), GAE, clipped loss, Adam; the policy improves")
  func ppoStyleUpdate() {
    var rng = SeededGenerator(seed: 1)
    let actor = MLP([2, 16, 2], activation: .tanh, outputGain: 0.01, using: &rng)
    let opt = Adam(parameters: actor.parameters, learningRate: 0.02)
    // A one-step bandit: observation o ∈ {[1,0],[0,1]}; action == argmax(o) pays 1.
    func rollout(_ n: Int) -> (obs: [Float], actions: [Int], rewards: [Double]) {
      var obs: [Float] = [], acts: [Int] = [], rews: [Double] = []
      for _ in 0..<n {
        let k = rng.int(below: 2)
        let o: [Float] = k == 0 ? [1, 0] : [0, 1]
        let a = actor.act(o, using: &rng)
        obs += o
        acts.append(a)
        rews.append(a == k ? 1 : 0)
      }
      return (obs, acts, rews)
    }
    let before = rollout(400).rewards.reduce(0, +) / 400
    for _ in 0..<15 {
      let (obs, acts, rews) = rollout(64)
      let values = [Double](repeating: 0.5, count: 64)
      let (adv, _) = gae(
        rewards: rews, values: values, nextValues: [Double](repeating: 0, count: 64),
        terminated: [Bool](repeating: true, count: 64), truncated: [Bool](repeating: false, count: 64),
        gamma: 0.99, lambda: 0.95)
      let x = Tensor(obs, shape: [64, 2])
      let oldLogp = withNoGrad { Categorical(logits: actor(x)).logProb(acts) }
      let advantages = Tensor(normalized(adv).map(Float.init))
      for _ in 0..<4 {
        opt.zeroGrad()
        let pi = Categorical(logits: actor(x))
        let ppo = ppoPolicyLoss(
          newLogProb: pi.logProb(acts), oldLogProb: oldLogp, advantages: advantages, clipCoef: 0.2)
        (ppo.loss - 0.01 * pi.entropy().mean()).backward()
        clipGradNorm(actor.parameters, maxNorm: 0.5)
        opt.step()
      }
    }
    let after = rollout(400).rewards.reduce(0, +) / 400
    #expect(before < 0.65)
    #expect(after > 0.9)
  }

  @Test("TRPO natural-gradient step: CG on the exact Fisher solves F·x = g")
  func trpoStep() {
    var rng = SeededGenerator(seed: 2)
    let policy = MLP([3, 8, 3], activation: .tanh, using: &rng)
    let obs = Tensor.randn([16, 3], using: &rng)
    let g = (0..<policy.parameterCount).map { _ in rng.normal() }
    let fvp: ([Double]) -> [Double] = { v in
      flatten(
        policy.categoricalFisherVectorProduct(
          observations: obs, vector: unflatten(v, like: policy.parameters), damping: 0.1))
    }
    let (x, norms) = conjugateGradient(fvp, g, iterations: 200, residualTolerance: 1e-6)
    let fx = fvp(x)
    let residual = zip(fx, g).map { $0 - $1 }
    #expect(dot(residual, residual).squareRoot() < 1e-2 * dot(g, g).squareRoot())
    #expect(norms.count > 1)
    // The flat-parameter round trip used by TRPO's line search.
    let theta = policy.flatParameters
    policy.assignFlatParameters(theta.map { $0 + 1 })
    #expect(zip(policy.flatParameters, theta).allSatisfy { Swift.abs($0 - $1 - 1) < 1e-5 })
  }
}
