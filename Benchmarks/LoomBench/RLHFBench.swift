// `rlhf_ppo_iteration`: one iteration of PPO on a language model, as TRL's PPOTrainer does it, with
// the same steps as Benchmarks/reference/numeric_bench.py's `rlhf_ppo_iteration`:
//   64 prompts of 16 tokens → 64 sampled tokens each (KV cache); policy log-probs and values, the
//   reference's log-probs and the reward model's scores (no grad); KL-penalised per-token rewards
//   (k1, β 0.05) with the score on the last token; GAE (γ 1, λ 0.95); whitened advantages; 4 epochs of
//   4 minibatches of 16: clipped surrogate + 0.1 × clipped value loss, grad-norm clip 1, Adam.
import NumericCore

enum RLHFBench {
  static let batch = 64, promptLength = 16, responseLength = 64, vocab = 64
  static let miniBatch = 16, epochs = 4

  final class Setup {
    let policy: GPT
    let valueHead: ScalarHead
    let reference: GPT
    let rewardModel: GPT
    let rewardHead: ScalarHead
    let optimizer: Adam<Float>
    let prompts: [[Int]]
    var round: UInt64 = 0

    init() {
      var rng = SeededGenerator(seed: 9)
      policy = GPT(vocabSize: vocab, contextLength: 80, dModel: 64, layers: 2, heads: 4, using: &rng)
      valueHead = ScalarHead(dModel: 64, using: &rng)
      reference = policy.frozenCopy()
      rewardModel = GPT(vocabSize: vocab, contextLength: 80, dModel: 64, layers: 2, heads: 4, using: &rng)
      rewardHead = ScalarHead(dModel: 64, using: &rng)
      optimizer = Adam(parameters: policy.parameters + valueHead.parameters, learningRate: 1e-5)
      prompts = (0..<batch).map { _ in (0..<promptLength).map { _ in 1 + rng.int(below: vocab - 1) } }
    }
  }

  /// Response-token log-probs `[B, R]` and values `[B, R]` from one pass of the policy.
  static func logProbsAndValues(_ s: Setup, _ tokens: [Int], rows: Int) -> (Tensor, Tensor) {
    let l = promptLength + responseLength
    let h = s.policy.hiddenStates(tokens, batch: rows)
    // Positions promptLength−1 … l−2 predict the response tokens.
    let logits = s.policy.head(h).slice(alongAxis: 1, (promptLength - 1)..<(l - 1)).reshaped([rows * responseLength, vocab])
    var targets: [Int] = []
    targets.reserveCapacity(rows * responseLength)
    for r in 0..<rows { targets += tokens[(r * l + promptLength)..<((r + 1) * l)] }
    let logProbs = logits.logSoftmax().gather(targets).reshaped([rows, responseLength])
    let values = s.valueHead.values(h).slice(alongAxis: 1, (promptLength - 1)..<(l - 1))
    return (logProbs, values)
  }

  static func iteration(_ s: Setup) {
    s.round += 1
    let l = promptLength + responseLength
    // 1. Rollout.
    let gens = s.policy.generate(
      s.prompts, GenerationConfig(maxNewTokens: responseLength, pad: 0),
      seeds: (0..<batch).map { s.round &* 1000 &+ UInt64($0) })
    let tokens = zip(s.prompts, gens).flatMap { $0 + $1.response }
    // 2. Scores, reference log-probs, old log-probs and values, without a graph.
    let (old, ref, values, scores) = withNoGrad { () -> ([Float], [Float], [Float], [Float]) in
      let (lp, v) = logProbsAndValues(s, tokens, rows: batch)
      let rh = s.reference.hiddenStates(tokens, batch: batch)
      let refLogits = s.reference.head(rh).slice(alongAxis: 1, (promptLength - 1)..<(l - 1)).reshaped([batch * responseLength, vocab])
      var targets: [Int] = []
      for r in 0..<batch { targets += tokens[(r * l + promptLength)..<((r + 1) * l)] }
      let refLP = refLogits.logSoftmax().gather(targets)
      let score = s.rewardHead.lastTokenValues(s.rewardModel.hiddenStates(tokens, batch: batch), lengths: Array(repeating: l, count: batch))
      return (lp.data, refLP.data, v.data, score.data)
    }
    // 3. KL-penalised rewards, GAE per response, whitened advantages.
    var advantages: [Double] = [], returns: [Double] = []
    for b in 0..<batch {
      let row = (b * responseLength)..<((b + 1) * responseLength)
      let r = klPenalizedRewards(
        score: Double(scores[b]), logProbs: old[row].map(Double.init), refLogProbs: ref[row].map(Double.init), beta: 0.05)
      let (a, ret) = responseGAE(rewards: r, values: values[row].map(Double.init), gamma: 1, lambda: 0.95)
      advantages += a
      returns += ret
    }
    advantages = maskedWhiten(advantages, mask: Array(repeating: 1, count: advantages.count))
    // 4. PPO epochs over shuffled minibatches.
    var rng = SeededGenerator(seed: s.round)
    for _ in 0..<epochs {
      let order = rng.permutation(batch)
      for start in stride(from: 0, to: batch, by: miniBatch) {
        let rows = Array(order[start..<(start + miniBatch)])
        let mbTokens = rows.flatMap { tokens[($0 * l)..<(($0 + 1) * l)] }
        func pick<T>(_ xs: [T]) -> [T] { rows.flatMap { xs[($0 * responseLength)..<(($0 + 1) * responseLength)] } }
        let shape = [miniBatch, responseLength]
        let (newLP, newV) = logProbsAndValues(s, mbTokens, rows: miniBatch)
        let pg = ppoPolicyLoss(
          newLogProb: newLP, oldLogProb: Tensor(pick(old), shape: shape),
          advantages: Tensor(pick(advantages).map(Float.init), shape: shape), clipCoef: 0.2)
        let vf = ppoValueLoss(
          newValues: newV, oldValues: Tensor(pick(values), shape: shape),
          returns: Tensor(pick(returns).map(Float.init), shape: shape), clipCoef: 0.2)
        s.optimizer.zeroGrad()
        (pg.loss + 0.1 * vf).backward()
        _ = clipGradNorm(s.optimizer.parameters, maxNorm: 1)
        s.optimizer.step()
      }
    }
  }

  /// Milliseconds per iteration (median of 3 after a warm-up).
  static func milliseconds() -> Double {
    let s = Setup()
    return medianSeconds(runs: 3, repeats: 1) { iteration(s) } * 1e3
  }
}
