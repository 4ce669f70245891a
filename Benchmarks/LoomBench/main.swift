// loom-bench: the Swift side of `make bench` (Benchmarks/run.sh). Prints one JSON object of
// workload → value, plus "openblas_core": the kernel OpenBLAS ran (run.sh runs this program both
// pinned, as notes run, and native, and checks which is which); run.sh pairs it with
// Benchmarks/reference/numeric_bench.py's numbers.
// Usage: loom-bench [workload ...]   (default: all)
import NumericCore

#if canImport(Glibc)
import Glibc
#endif

#if canImport(Environments)
import Environments
#endif

/// Seconds per call of `body`: the median over `runs` timed runs of `repeats` calls each.
func medianSeconds(runs: Int = 7, repeats: Int, _ body: () -> Void) -> Double {
  body()  // warm-up (allocations, lazy BLAS set-up)
  let clock = ContinuousClock()
  var times: [Double] = []
  for _ in 0..<runs {
    let start = clock.now
    for _ in 0..<repeats { body() }
    let d = clock.now - start
    let s = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    times.append(s / Double(repeats))
  }
  times.sort()
  return times[times.count / 2]
}

/// Calls per run so one run lasts about `target` seconds.
func calibrate(target: Double = 0.15, _ body: () -> Void) -> Int {
  let clock = ContinuousClock()
  var n = 1
  while true {
    let start = clock.now
    for _ in 0..<n { body() }
    let d = clock.now - start
    let s = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    if s > target / 4 || n > 1 << 22 { return max(1, Int(Double(n) * target / max(s, 1e-9))) }
    n *= 4
  }
}

func bench(_ body: () -> Void) -> Double {
  let r = calibrate(body)
  return medianSeconds(repeats: r, body)
}

/// GFLOP/s of an n×n×n single-precision matrix product through NumericCore's matmul.
func sgemm(_ n: Int) -> Double {
  var rng = SeededGenerator(seed: 1)
  let a = Tensor.randn([n, n], using: &rng), b = Tensor.randn([n, n], using: &rng)
  let s = bench { _ = a.matmul(b) }
  return 2 * Double(n * n * n) / s / 1e9
}

/// Milliseconds per MLP 4→64→64→2 (tanh) training step: batch 128, MSE, backward, Adam.
func mlpStep() -> Double {
  var rng = SeededGenerator(seed: 2)
  let net = MLP([4, 64, 64, 2], activation: .tanh, using: &rng)
  let opt = Adam(parameters: net.parameters, learningRate: 1e-3)
  let x = Tensor.randn([128, 4], using: &rng), y = Tensor.randn([128, 2], using: &rng)
  return bench {
    opt.zeroGrad()
    let loss = mseLoss(net(x), y)
    loss.backward()
    opt.step()
  } * 1e3
}

/// Milliseconds per tiny-GPT training step (vocab 64, d 64, 2 layers, 4 heads, T 64, batch 32).
func gptStep() -> Double {
  var rng = SeededGenerator(seed: 3)
  let gpt = GPT(vocabSize: 64, contextLength: 64, dModel: 64, layers: 2, heads: 4, using: &rng)
  let opt = AdamW(parameters: gpt.parameters, learningRate: 3e-4)
  let tokens = (0..<(32 * 64)).map { _ in rng.int(below: 64) }
  let targets = (0..<(32 * 64)).map { _ in rng.int(below: 64) }
  let step = {
    opt.zeroGrad()
    let loss = crossEntropy(logits: gpt(tokens, batch: 32), targets: targets)
    loss.backward()
    opt.step()
  }
  return medianSeconds(runs: 5, repeats: 5, step) * 1e3
}

/// The language-lab GPT of the generation workloads: vocab 64, context 80, d 64, 2 layers, 4 heads.
func labGPT(seed: UInt64) -> GPT {
  var rng = SeededGenerator(seed: seed)
  return GPT(vocabSize: 64, contextLength: 80, dModel: 64, layers: 2, heads: 4, using: &rng)
}

/// Milliseconds to sample 64 new tokens for each of 64 prompts of 16 tokens (temperature 1, a seed
/// per sequence, log-probs returned), with the key–value cache.
func gptGenerate() -> Double {
  let gpt = labGPT(seed: 5)
  var rng = SeededGenerator(seed: 6)
  let prompts = (0..<64).map { _ in (0..<16).map { _ in 1 + rng.int(below: 63) } }
  let config = GenerationConfig(maxNewTokens: 64, pad: 0)
  var round: UInt64 = 0
  var total = 0
  let ms = medianSeconds(runs: 5, repeats: 1) {
    round += 1
    let out = gpt.generate(prompts, config, seeds: (0..<64).map { round &* 1000 &+ UInt64($0) })
    total &+= out.reduce(0) { $0 + $1.response.count }
  } * 1e3
  precondition(total > 0)
  return ms
}

/// Milliseconds for masked per-token log-probs of 64 sequences of 80 tokens (16 prompt + 64
/// response) in one forward pass, without recording a graph.
func gptLogProbs() -> Double {
  let gpt = labGPT(seed: 7)
  var rng = SeededGenerator(seed: 8)
  let prompts = (0..<64).map { _ in (0..<16).map { _ in 1 + rng.int(below: 63) } }
  let responses = (0..<64).map { _ in (0..<64).map { _ in 1 + rng.int(below: 63) } }
  let batch = ResponseBatch(prompts: prompts, responses: responses, pad: 0)
  let mask = Tensor(batch.responseMask, shape: [64, 79])
  var sink: Float = 0
  let ms = bench {
    let lp = withNoGrad { gpt.tokenLogProbs(batch) * mask }
    sink += lp.data[100]
  } * 1e3
  precondition(sink.isFinite)
  return ms
}

/// Microseconds to push one observation through the 4→64→64→2 policy and sample an action.
func policyAct() -> Double {
  var rng = SeededGenerator(seed: 4)
  let net = MLP([4, 64, 64, 2], activation: .tanh, outputGain: 0.01, using: &rng)
  var obs: [Float] = [0.01, -0.02, 0.03, 0.04]
  var total = 0
  let s = bench {
    total &+= net.act(obs, using: &rng)
    obs[0] = Float(total & 7) * 0.01  // a new observation each step, as in a rollout
  }
  precondition(total >= 0)
  return s * 1e6
}

let workloads: [(String, () -> Double)] = {
  var w: [(String, () -> Double)] = [
    ("sgemm_64", { sgemm(64) }), ("sgemm_256", { sgemm(256) }), ("sgemm_1024", { sgemm(1024) }),
    ("sgemm_2048", { sgemm(2048) }), ("mlp_step", mlpStep), ("gpt_step", gptStep),
    ("policy_act", policyAct), ("gpt_generate", gptGenerate), ("gpt_logprobs", gptLogProbs),
    ("rlhf_ppo_iteration", { RLHFBench.milliseconds() }),
  ]
  #if canImport(Environments)
  w.append(("cartpole_steps", { CartPoleBench.stepsPerSecond() }))
  #endif
  return w
}()

/// The kernel OpenBLAS picked (or was pinned to): `openblas_get_corename()`, looked up at run time
/// because the CBLAS module does not declare it. nil when the BLAS is not OpenBLAS.
func openBLASCore() -> String? {
  #if canImport(Glibc)
  typealias CoreName = @convention(c) () -> UnsafeMutablePointer<CChar>?
  guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "openblas_get_corename"),
    let name = unsafeBitCast(symbol, to: CoreName.self)()
  else { return nil }
  return String(cString: name)
  #else
  return nil
  #endif
}

let wanted = Set(CommandLine.arguments.dropFirst())
var fields: [String] = []
for (name, run) in workloads where wanted.isEmpty || wanted.contains(name) {
  fields.append("\"\(name)\": \(run())")
}
fields.append("\"openblas_core\": " + (openBLASCore().map { "\"\($0)\"" } ?? "null"))
print("{" + fields.joined(separator: ", ") + "}")
