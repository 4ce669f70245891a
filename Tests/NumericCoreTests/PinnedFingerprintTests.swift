import Foundation
import Testing
import NumericCore

/// Bit-exact guard for the language-model workloads under the notes' arithmetic pin
/// (OPENBLAS_CORETYPE=Haswell, one thread): the lectures' verified results depend on every bit
/// NumericCore computes there, so a performance change must leave these hashes unchanged.
///
/// Each part hashes (FNV-1a, 64 bit) the bit patterns of every Float it produces: sampled tokens
/// and log-probs with the KV cache (left-padded prompts), masked per-token log-probs without a
/// graph, GPT training steps with AdamW (weights after), value and reward heads, and one PPO-style
/// update shaped like Benchmarks/LoomBench/RLHFBench.swift (weights after).
///
/// OpenBLAS reads the pin when it loads, so the test runs this suite again in a child process (the
/// same test binary, filtered to this suite) whose environment is the pin, and checks that it passed.
/// To see the hashes: `LOOM_PINNED_FINGERPRINT_CHILD=1 OPENBLAS_CORETYPE=Haswell
/// OPENBLAS_NUM_THREADS=1 swift test --filter PinnedFingerprint` (with no other OPENBLAS_* set).
@Suite("Pinned bit-exact fingerprint of the GPT workloads")
struct PinnedFingerprintTests {
  /// The hashes recorded when Float matrix products moved from OpenBLAS to NumericCore's own
  /// sgemm (one fma chain per element); the same under every OpenBLAS kernel and at every kernel
  /// width below, scalar included. (Before: recorded from 42b55d9 under the OpenBLAS pin.)
  static let expected: [String: UInt64] = [
    "generate": 0x8992_9f01_63f5_20a1, "logprobs": 0x1d35_b5ee_755b_692c, "train": 0x7c93_0a9f_cae5_b1ed,
    "heads": 0x7bf7_6350_90d6_3a49, "ppo": 0x9425_42a8_7255_4333, "generate_hot": 0x62dc_2e78_2ec9_e32b,
  ]

  /// Set in the pinned child this test starts.
  static let childMarker = "LOOM_PINNED_FINGERPRINT_CHILD"

  @Test("generate, log-probs, training, heads and a PPO update hash to the recorded bits")
  func fingerprint() throws {
    guard ProcessInfo.processInfo.environment[Self.childMarker] == "1" else { return try runPinnedChild() }
    let got = FingerprintWorkloads.all()
    for (name, hash) in got.sorted(by: { $0.key < $1.key }) {
      print("fingerprint \(name) = 0x\(String(hash, radix: 16))")
      #expect(Self.expected[name] == hash, "\(name): 0x\(String(hash, radix: 16))")
    }
    #expect(Set(got.keys) == Set(Self.expected.keys))
  }

  /// The caller's environment without anything that changes OpenBLAS's (or OpenMP's, MKL's,
  /// glibc's) choices, plus the pin: what the notes' runner (ArithmeticPin in LoomKit) does.
  static func pinnedEnvironment() -> [String: String] {
    let dropped = ["OPENBLAS_", "GOTO_", "OMP_", "MKL_", "BLIS_", "LOOM_NUMERIC_"]
    var env = ProcessInfo.processInfo.environment.filter { key, _ in
      !dropped.contains { key.hasPrefix($0) } && key != "GLIBC_TUNABLES" && key != "LD_PRELOAD"
    }
    env["OPENBLAS_CORETYPE"] = "Haswell"
    for key in ["OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"] { env[key] = "1" }
    env[childMarker] = "1"
    return env
  }

  /// Runs this suite again in pinned children (this test binary, filtered), with NumericCore's
  /// C kernels at their widest (AVX-512 where the CPU has it), at AVX2 width, and without (the
  /// Swift loops); expects all three to pass.
  func runPinnedChild() throws {
    for (avx2, avx512) in [("1", "1"), ("1", "0"), ("0", "0")] {
      var env = Self.pinnedEnvironment()
      env["LOOM_NUMERIC_AVX2"] = avx2
      env["LOOM_NUMERIC_AVX512"] = avx512
      try runPinnedChild(environment: env)
    }
  }

  func runPinnedChild(environment: [String: String]) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/proc/self/exe")
    p.arguments = ["--testing-library", "swift-testing", "--filter", "PinnedFingerprintTests"]
    p.environment = environment
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    let avx2 = environment["LOOM_NUMERIC_AVX2"] ?? "-", avx512 = environment["LOOM_NUMERIC_AVX512"] ?? "-"
    #expect(
      p.terminationStatus == 0,
      "pinned child (LOOM_NUMERIC_AVX2=\(avx2) LOOM_NUMERIC_AVX512=\(avx512)) failed:\n\(output)")
    #expect(output.contains("fingerprint ppo"), "pinned child did not compute the fingerprint:\n\(output)")
  }
}

/// FNV-1a over 64-bit words.
struct BitHasher {
  private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
  mutating func add(_ word: UInt64) {
    for shift in stride(from: 0, to: 64, by: 8) {
      value ^= (word >> UInt64(shift)) & 0xff
      value = value &* 0x100_0000_01b3
    }
  }
  mutating func add(_ xs: [Float]) { for x in xs { add(UInt64(x.bitPattern)) } }
  mutating func add(_ xs: [Int]) { for x in xs { add(UInt64(bitPattern: Int64(x))) } }
  mutating func add(_ xs: [Double]) { for x in xs { add(x.bitPattern) } }
  mutating func add(parameters: [Tensor]) { for p in parameters { add(p.data) } }
}

/// The workloads the fingerprint covers, small enough for a debug build.
enum FingerprintWorkloads {
  static func all() -> [String: UInt64] {
    var out: [String: UInt64] = [:]
    out["generate"] = generate()
    out["generate_hot"] = generateHot()
    out["logprobs"] = logProbs()
    out["train"] = train()
    out["heads"] = heads()
    out["ppo"] = ppo()
    return out
  }

  static func model(seed: UInt64) -> GPT {
    var rng = SeededGenerator(seed: seed)
    return GPT(vocabSize: 64, contextLength: 48, dModel: 64, layers: 2, heads: 4, using: &rng)
  }

  /// Left-padded prompts, unfiltered and filtered sampling, a stop token.
  static func generate() -> UInt64 {
    let gpt = model(seed: 101)
    var rng = SeededGenerator(seed: 102)
    let prompts = (0..<12).map { i in (0..<(4 + i % 5)).map { _ in 1 + rng.int(below: 63) } }
    var h = BitHasher()
    let configs = [
      GenerationConfig(maxNewTokens: 24, pad: 0),
      GenerationConfig(maxNewTokens: 16, temperature: 0.8, topK: 10, topP: 0.9, stopTokens: [5], pad: 0),
      GenerationConfig(maxNewTokens: 8, temperature: 0, pad: 0),
    ]
    for (c, config) in configs.enumerated() {
      let gens = gpt.generate(prompts, config, seeds: (0..<12).map { UInt64(c * 100 + $0) })
      for g in gens {
        h.add(g.response)
        h.add(g.logProbs)
      }
    }
    let decoder = GPTDecoder(gpt, batch: 2, capacity: 10, pads: [0, 2])
    h.add(decoder.append([3, 4, 5, 6, 0, 0, 7, 8]))
    h.add(decoder.append([9, 10]))
    return h.value
  }

  /// Unfiltered sampling at temperature 1.3 with a stop token, 7 prompts (a group of four rows
  /// sampled together, then three alone, then fewer as rows stop).
  static func generateHot() -> UInt64 {
    let gpt = model(seed: 111)
    var rng = SeededGenerator(seed: 112)
    let prompts = (0..<7).map { i in (0..<(2 + i % 3)).map { _ in 1 + rng.int(below: 63) } }
    var h = BitHasher()
    let config = GenerationConfig(maxNewTokens: 20, temperature: 1.3, stopTokens: [3, 9], pad: 0)
    for g in gpt.generate(prompts, config, seeds: (0..<7).map { UInt64(500 + $0) }) {
      h.add(g.response)
      h.add(g.logProbs)
      h.add([g.stopped ? 1 : 0])
    }
    return h.value
  }

  /// Masked per-token log-probs of right-padded (prompt, response) pairs, without a graph.
  static func logProbs() -> UInt64 {
    let gpt = model(seed: 103)
    var rng = SeededGenerator(seed: 104)
    let prompts = (0..<10).map { i in (0..<(3 + i % 4)).map { _ in 1 + rng.int(below: 63) } }
    let responses = (0..<10).map { i in (0..<(20 + i % 7)).map { _ in 1 + rng.int(below: 63) } }
    let batch = ResponseBatch(prompts: prompts, responses: responses, pad: 0)
    let mask = Tensor(batch.responseMask, shape: [batch.batch, batch.length - 1])
    var h = BitHasher()
    h.add(withNoGrad { gpt.tokenLogProbs(batch) * mask }.data)
    h.add(withNoGrad { gpt.hiddenStates(batch.tokens, batch: batch.batch) }.data)
    return h.value
  }

  /// Cross-entropy training steps with AdamW (gpt_step's shape, smaller); weights and losses.
  static func train() -> UInt64 {
    let gpt = model(seed: 105)
    var rng = SeededGenerator(seed: 106)
    let opt = AdamW(parameters: gpt.parameters, learningRate: 3e-3)
    let (b, t) = (6, 32)
    var h = BitHasher()
    for _ in 0..<4 {
      let tokens = (0..<(b * t)).map { _ in rng.int(below: 64) }
      let targets = (0..<(b * t)).map { _ in rng.int(below: 64) }
      opt.zeroGrad()
      let loss = crossEntropy(logits: gpt(tokens, batch: b), targets: targets)
      loss.backward()
      h.add(loss.data)
      opt.step()
    }
    h.add(parameters: gpt.parameters)
    return h.value
  }

  /// Value head per token (with its gradient) and reward head at each row's last real token.
  static func heads() -> UInt64 {
    let gpt = model(seed: 107)
    var rng = SeededGenerator(seed: 108)
    let valueHead = ScalarHead(dModel: 64, using: &rng)
    let rewardHead = ScalarHead(dModel: 64, using: &rng)
    let tokens = (0..<(5 * 20)).map { _ in rng.int(below: 64) }
    var h = BitHasher()
    let hidden = gpt.hiddenStates(tokens, batch: 5)
    let values = valueHead.values(hidden)
    h.add(values.data)
    values.sum().backward()
    h.add(valueHead.linear.weight.grad)
    h.add(gpt.blocks[0].fc.weight.grad)
    h.add(withNoGrad { rewardHead.lastTokenValues(hidden, lengths: [20, 7, 13, 1, 20]) }.data)
    return h.value
  }
}

extension FingerprintWorkloads {
  /// One PPO iteration as RLHFBench runs it (rollout with the cache; policy, reference and reward
  /// passes without a graph; KL-penalised rewards, GAE, whitening; clipped losses, grad-norm
  /// clipping, Adam), at a smaller size: 8 prompts of 6 tokens, 12 new tokens, 2 epochs of 2
  /// minibatches. Hashes the rollout, the no-grad passes and every weight after the update.
  static func ppo() -> UInt64 {
    let (batch, p, r, vocab, mini) = (8, 6, 12, 64, 4)
    let l = p + r
    var rng = SeededGenerator(seed: 109)
    let policy = GPT(vocabSize: vocab, contextLength: l, dModel: 64, layers: 2, heads: 4, using: &rng)
    let valueHead = ScalarHead(dModel: 64, using: &rng)
    let reference = policy.frozenCopy()
    let rewardModel = GPT(vocabSize: vocab, contextLength: l, dModel: 64, layers: 2, heads: 4, using: &rng)
    let rewardHead = ScalarHead(dModel: 64, using: &rng)
    let optimizer = Adam(parameters: policy.parameters + valueHead.parameters, learningRate: 1e-3)
    let prompts = (0..<batch).map { _ in (0..<p).map { _ in 1 + rng.int(below: vocab - 1) } }
    var h = BitHasher()
    let gens = policy.generate(prompts, GenerationConfig(maxNewTokens: r, pad: 0), seeds: (0..<batch).map { UInt64(7000 + $0) })
    let tokens = zip(prompts, gens).flatMap { $0 + $1.response }
    h.add(tokens)
    func responseTargets(_ toks: [Int], rows: Int) -> [Int] {
      (0..<rows).flatMap { toks[($0 * l + p)..<(($0 + 1) * l)] }
    }
    func logProbsAndValues(_ toks: [Int], rows: Int) -> (Tensor, Tensor) {
      let hs = policy.hiddenStates(toks, batch: rows)
      let logits = policy.head(hs).slice(alongAxis: 1, (p - 1)..<(l - 1)).reshaped([rows * r, vocab])
      let lp = logits.logSoftmax().gather(responseTargets(toks, rows: rows)).reshaped([rows, r])
      return (lp, valueHead.values(hs).slice(alongAxis: 1, (p - 1)..<(l - 1)))
    }
    let (old, ref, values, scores) = withNoGrad { () -> ([Float], [Float], [Float], [Float]) in
      let (lp, v) = logProbsAndValues(tokens, rows: batch)
      let rh = reference.hiddenStates(tokens, batch: batch)
      let refLogits = reference.head(rh).slice(alongAxis: 1, (p - 1)..<(l - 1)).reshaped([batch * r, vocab])
      let refLP = refLogits.logSoftmax().gather(responseTargets(tokens, rows: batch))
      let score = rewardHead.lastTokenValues(rewardModel.hiddenStates(tokens, batch: batch), lengths: Array(repeating: l, count: batch))
      return (lp.data, refLP.data, v.data, score.data)
    }
    for xs in [old, ref, values, scores] { h.add(xs) }
    var advantages: [Double] = [], returns: [Double] = []
    for b in 0..<batch {
      let row = (b * r)..<((b + 1) * r)
      let rewards = klPenalizedRewards(
        score: Double(scores[b]), logProbs: old[row].map(Double.init), refLogProbs: ref[row].map(Double.init), beta: 0.05)
      let (a, ret) = responseGAE(rewards: rewards, values: values[row].map(Double.init), gamma: 1, lambda: 0.95)
      advantages += a
      returns += ret
    }
    advantages = maskedWhiten(advantages, mask: Array(repeating: 1, count: advantages.count))
    h.add(advantages)
    var order = SeededGenerator(seed: 110)
    for _ in 0..<2 {
      let perm = order.permutation(batch)
      for start in stride(from: 0, to: batch, by: mini) {
        let rows = Array(perm[start..<(start + mini)])
        let mbTokens = rows.flatMap { tokens[($0 * l)..<(($0 + 1) * l)] }
        func pick<T>(_ xs: [T]) -> [T] { rows.flatMap { xs[($0 * r)..<(($0 + 1) * r)] } }
        let (newLP, newV) = logProbsAndValues(mbTokens, rows: mini)
        let pg = ppoPolicyLoss(
          newLogProb: newLP, oldLogProb: Tensor(pick(old), shape: [mini, r]),
          advantages: Tensor(pick(advantages).map(Float.init), shape: [mini, r]), clipCoef: 0.2)
        let vf = ppoValueLoss(
          newValues: newV, oldValues: Tensor(pick(values), shape: [mini, r]),
          returns: Tensor(pick(returns).map(Float.init), shape: [mini, r]), clipCoef: 0.2)
        optimizer.zeroGrad()
        let loss = pg.loss + 0.1 * vf
        loss.backward()
        h.add(loss.data)
        h.add([clipGradNorm(optimizer.parameters, maxNorm: 1)])
        optimizer.step()
      }
    }
    h.add(parameters: policy.parameters + valueHead.parameters)
    return h.value
  }
}
