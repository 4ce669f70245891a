import Testing
import NumericCore
#if canImport(Glibc)
import Glibc
#endif

/// The GPT as a language model: cached decoding against full recomputation, padding, log-probs,
/// heads, frozen copies; and the RL-for-LM formulas against hand computations.
@Suite("Language models: decoding, padding, log-probs, heads")
struct LanguageModelTests {
  static func model(seed: UInt64 = 3) -> GPT {
    var rng = SeededGenerator(seed: seed)
    return GPT(vocabSize: 17, contextLength: 40, dModel: 32, layers: 2, heads: 4, using: &rng)
  }
  static let pad = 0

  @Test("The decoder's logits equal the autograd forward's, position by position")
  func decoderMatchesForward() {
    let gpt = Self.model()
    let tokens = [3, 5, 7, 1, 2, 9, 4, 4, 11, 6, 2, 8]  // [2, 6]
    let reference = gpt(tokens, batch: 2).data
    let decoder = GPTDecoder(gpt, batch: 2, capacity: 6, pads: [0, 0])
    let prefill = decoder.append(tokens)
    var worst: Float = 0
    for i in reference.indices { worst = max(worst, abs(reference[i] - prefill[i])) }
    #expect(worst < 1e-4, "max difference \(worst)")
    // Appending column by column gives the same logits as the prefill.
    let stepwise = GPTDecoder(gpt, batch: 2, capacity: 6, pads: [0, 0])
    var columns: [[Float]] = []
    for t in 0..<6 { columns.append(stepwise.append([tokens[t], tokens[6 + t]])) }
    let v = gpt.vocabSize
    for b in 0..<2 {
      for t in 0..<6 {
        for k in 0..<v {
          #expect(abs(columns[t][b * v + k] - prefill[(b * 6 + t) * v + k]) < 1e-4)
        }
      }
    }
  }

  @Test("Generation with the KV cache equals generation by full recomputation", arguments: [
    GenerationConfig(maxNewTokens: 12, pad: 0),
    GenerationConfig(maxNewTokens: 12, temperature: 0.7, topK: 5, pad: 0),
    GenerationConfig(maxNewTokens: 12, temperature: 1.3, topP: 0.8, stopTokens: [2], pad: 0),
    GenerationConfig(maxNewTokens: 8, temperature: 0, pad: 0),
  ])
  func cacheEqualsRecomputation(_ config: GenerationConfig) {
    let gpt = Self.model()
    let prompts = [[1, 4, 6], [5], [7, 7, 8, 9, 10]]
    let seeds: [UInt64] = [11, 12, 13]
    let cached = gpt.generate(prompts, config, seeds: seeds)
    let full = gpt.generate(prompts, config, seeds: seeds, useCache: false)
    for (a, b) in zip(cached, full) {
      #expect(a.response == b.response)
      #expect(a.stopped == b.stopped)
      for (x, y) in zip(a.logProbs, b.logProbs) { #expect(abs(x - y) < 1e-5) }
    }
  }

  @Test("Unfiltered sampling draws tokens with the softmax's frequencies and reports their log-probs")
  func samplingFrequencies() {
    let gpt = Self.model()
    let prompt = [1, 4, 6]
    let logits = GPTDecoder(gpt, batch: 1, capacity: 3, pads: [0]).append(prompt).suffix(gpt.vocabSize).map { Double($0) / 2 }
    let z = logits.map { exp($0) }.reduce(0, +)
    let probs = logits.map { exp($0) / z }
    let n = 4000
    let gens = gpt.generate(Array(repeating: prompt, count: n), GenerationConfig(maxNewTokens: 1, temperature: 2, pad: 0), seeds: (0..<n).map(UInt64.init))
    var counts = [Int](repeating: 0, count: gpt.vocabSize)
    for g in gens {
      counts[g.response[0]] += 1
      #expect(abs(Double(g.logProbs[0]) - log(probs[g.response[0]])) < 1e-4)
    }
    for (c, p) in zip(counts, probs) {
      // Within 4.5 standard errors of the expected count.
      #expect(abs(Double(c) - Double(n) * p) < 4.5 * (Double(n) * p * (1 - p)).squareRoot() + 1, "\(c) vs \(Double(n) * p)")
    }
  }

  @Test("A prompt gives the same continuation alone or left-padded in a batch")
  func paddingChangesNothing() {
    let gpt = Self.model()
    let config = GenerationConfig(maxNewTokens: 10, pad: Self.pad)
    let alone = gpt.generate([[5, 6]], config, seeds: [99])[0]
    let batched = gpt.generate([[1, 2, 3, 4, 5, 6, 7], [5, 6]], config, seeds: [1, 99])[1]
    #expect(alone.response == batched.response)
    for (x, y) in zip(alone.logProbs, batched.logProbs) { #expect(abs(x - y) < 1e-5) }
  }

  @Test("Masked token log-probs in one forward pass match the sampler's, and right pads change nothing")
  func tokenLogProbs() {
    let gpt = Self.model()
    let prompts = [[1, 4, 6], [5]]
    let gens = gpt.generate(prompts, GenerationConfig(maxNewTokens: 6, pad: Self.pad), seeds: [3, 4])
    let batch = ResponseBatch(prompts: prompts, responses: gens.map(\.response), pad: Self.pad)
    let lp = gpt.tokenLogProbs(batch).data
    let mask = batch.responseMask
    let l = batch.length - 1
    for (b, g) in gens.enumerated() {
      let got = (0..<l).filter { mask[b * l + $0] == 1 }.map { lp[b * l + $0] }
      #expect(got.count == g.logProbs.count)
      for (x, y) in zip(got, g.logProbs) { #expect(abs(x - y) < 1e-4) }
    }
    // Three more columns of padding: the response log-probs are the same.
    let wider = ResponseBatch(prompts: prompts, responses: gens.map(\.response), pad: Self.pad, length: batch.length + 3)
    let lp2 = gpt.tokenLogProbs(wider).data
    let mask2 = wider.responseMask
    for b in 0..<2 {
      let a = (0..<l).filter { mask[b * l + $0] == 1 }.map { lp[b * l + $0] }
      let c = (0..<(wider.length - 1)).filter { mask2[b * (wider.length - 1) + $0] == 1 }.map { lp2[b * (wider.length - 1) + $0] }
      // Equal up to the rounding of a different-sized matrix product.
      #expect(a.count == c.count && zip(a, c).allSatisfy { abs($0 - $1) < 1e-5 })
    }
  }

  @Test("The reward head reads the last real token; the value head one value per token")
  func heads() {
    let gpt = Self.model()
    var rng = SeededGenerator(seed: 5)
    let head = ScalarHead(dModel: gpt.dModel, using: &rng)
    let a = ResponseBatch(prompts: [[1, 2], [3]], responses: [[4, 5], [6]], pad: Self.pad, length: 6)
    var b = a
    b.tokens[5] = 13  // a pad of row 0 changed
    b.tokens[11] = 14  // a pad of row 1 changed
    let ra = head.lastTokenValues(gpt.hiddenStates(a.tokens, batch: 2), lengths: a.lengths).data
    let rb = head.lastTokenValues(gpt.hiddenStates(b.tokens, batch: 2), lengths: b.lengths).data
    #expect(ra == rb)
    #expect(head.values(gpt.hiddenStates(a.tokens, batch: 2)).shape == [2, 6])
  }

  @Test("A frozen copy computes the same and does not train")
  func frozenCopy() {
    let gpt = Self.model()
    let ref = gpt.frozenCopy()
    #expect(ref(Array(1...8), batch: 2).data == gpt(Array(1...8), batch: 2).data)
    #expect(ref.parameters.allSatisfy { !$0.requiresGrad })
    #expect(gpt.parameters.allSatisfy { $0.requiresGrad })
  }

  @Test("Save and load give bit-identical weights")
  func saveLoad() throws {
    let gpt = Self.model(seed: 8)
    let path = "/tmp/loom-gpt-\(getpid()).bin"
    try gpt.saveParameters(to: path)
    let other = Self.model(seed: 9)
    try other.loadParameters(from: path)
    for (a, b) in zip(gpt.parameters, other.parameters) { #expect(a.data == b.data) }
    #expect(gpt.generate([[1, 2]], GenerationConfig(maxNewTokens: 5, pad: 0), seeds: [1]) == other.generate([[1, 2]], GenerationConfig(maxNewTokens: 5, pad: 0), seeds: [1]))
  }
}

@Suite("RL on language: the formulas")
struct LanguageRLTests {
  @Test("KL estimators k1, k2, k3 on a hand-computed token")
  func klEstimators() {
    let lp = -1.2, ref = -0.7  // log r = 0.5
    #expect(abs(KLEstimator.k1(logProb: lp, refLogProb: ref) - -0.5) < 1e-12)
    #expect(abs(KLEstimator.k2(logProb: lp, refLogProb: ref) - 0.125) < 1e-12)
    #expect(abs(KLEstimator.k3(logProb: lp, refLogProb: ref) - (1.6487212707001282 - 1 - 0.5)) < 1e-12)
    // k1 and k3 are unbiased: their mean over samples of p is KL(p‖q).
    let p = [0.5, 0.3, 0.2], q = [0.2, 0.3, 0.5]
    let kl = zip(p, q).reduce(0) { $0 + $1.0 * log($1.0 / $1.1) }
    for est in [KLEstimator.k1, .k3] {
      let mean = p.indices.reduce(0) { $0 + p[$1] * est(logProb: log(p[$1]), refLogProb: log(q[$1])) }
      #expect(abs(mean - kl) < 1e-12)
    }
  }

  @Test("KL-penalised rewards put the score on the last token")
  func penalisedRewards() {
    let r = klPenalizedRewards(score: 2, logProbs: [-1, -2, -0.5], refLogProbs: [-1.5, -2, -1], beta: 0.1)
    let expected: [Double] = [-0.05, 0, 1.95]
    #expect(zip(r, expected).allSatisfy { abs($0 - $1) < 1e-12 })
  }

  @Test("Masked whitening uses only the unmasked values (unbiased variance)")
  func whitening() {
    let w = maskedWhiten([1, 2, 3, 100], mask: [1, 1, 1, 0])
    #expect(abs(w[0] - -1) < 1e-6 && abs(w[1]) < 1e-9 && abs(w[2] - 1) < 1e-6)
    let kept = maskedWhiten([1, 2, 3, 100], mask: [1, 1, 1, 0], shiftMean: false)
    #expect(abs(kept[1] - 2) < 1e-9)
  }

  @Test("GAE over a response with γ = 1, λ = 1 is reward-to-go minus value")
  func gae() {
    let (adv, ret) = responseGAE(rewards: [0, 0, 1], values: [0.2, 0.5, 0.1], gamma: 1, lambda: 1)
    let expectedAdv: [Double] = [0.8, 0.5, 0.9]
    #expect(zip(adv, expectedAdv).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(ret.allSatisfy { abs($0 - 1) < 1e-12 })
    let (a0, _) = responseGAE(rewards: [0, 0, 1], values: [0.2, 0.5, 0.1], gamma: 1, lambda: 0)
    let expectedA0: [Double] = [0.3, -0.4, 0.9]
    #expect(zip(a0, expectedA0).allSatisfy { abs($0 - $1) < 1e-12 })
  }

  @Test("The adaptive KL controller moves β by at most 20% of the error per horizon")
  func adaptiveKL() {
    var c = AdaptiveKLController(initial: 0.2, target: 6, horizon: 10_000)
    c.update(kl: 12, steps: 256)  // error clipped to 0.2
    #expect(abs(c.value - 0.2 * (1 + 0.2 * 256 / 10_000)) < 1e-15)
    c.update(kl: 5.4, steps: 10_000)  // error −0.1
    #expect(abs(c.value - 0.2 * (1 + 0.2 * 256 / 10_000) * 0.9) < 1e-12)
  }

  @Test("GRPO and RLOO advantages on one group")
  func groupAdvantages() {
    let r = [1.0, 0, 0, 1]
    let std = (4.0 / 3 * 0.25).squareRoot()  // unbiased std of [1,0,0,1]
    let g = groupRelativeAdvantages(r, groupSize: 4, eps: 0)
    let expectedG: [Double] = [0.5, -0.5, -0.5, 0.5].map { $0 / std }
    #expect(zip(g, expectedG).allSatisfy { abs($0 - $1) < 1e-12 })
    let l = leaveOneOutAdvantages(r, groupSize: 4)
    let third = 1.0 / 3
    let expectedL: [Double] = [1 - third, -2 * third, -2 * third, 1 - third]
    #expect(zip(l, expectedL).allSatisfy { abs($0 - $1) < 1e-12 })
  }
}
