/// How a recipe trains: AdamW with a cosine schedule and warm-up, gradient clipping, fresh
/// documents every step (the worlds never run out).
public struct TrainingConfig: Sendable, Hashable, CustomStringConvertible {
  /// Optimizer steps.
  public var steps: Int
  /// Documents per step.
  public var batchSize: Int
  /// Peak learning rate.
  public var learningRate: Double
  /// Linear warm-up steps before the cosine decay.
  public var warmupSteps: Int
  /// AdamW's decoupled weight decay.
  public var weightDecay: Double
  /// Seeds the initial weights (pretraining) and the data stream.
  public var seed: UInt64

  /// A training run of `steps` steps of `batchSize` documents.
  public init(steps: Int, batchSize: Int = 32, learningRate: Double = 3e-3, warmupSteps: Int = 30, weightDecay: Double = 0.01, seed: UInt64 = 0) {
    self.steps = steps
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.warmupSteps = warmupSteps
    self.weightDecay = weightDecay
    self.seed = seed
  }

  /// `steps 600, batch 32, lr 0.003, warmup 30, wd 0.01, seed 0`.
  public var description: String {
    "steps \(steps), batch \(batchSize), lr \(learningRate), warmup \(warmupSteps), wd \(weightDecay), seed \(seed)"
  }
}

/// The masked next-token loss of a batch: mean −log π over the positions where `mask` is 1.
public func maskedNextTokenLoss(_ gpt: GPT, _ batch: ResponseBatch, mask: [Float]) -> Tensor {
  let l = batch.length - 1
  precondition(mask.count == batch.batch * l, "maskedNextTokenLoss: \(mask.count) mask entries for [\(batch.batch), \(l)]")
  let count = mask.reduce(0, +)
  precondition(count > 0, "maskedNextTokenLoss: the mask selects nothing")
  let lp = gpt.tokenLogProbs(batch)
  return -(lp * Tensor(mask, shape: [batch.batch, l])).sum() / count
}

/// What a recipe step trains on.
enum TrainingTarget {
  /// Whole documents of web text: every token after bos.
  case documents
  /// Prompt and reference response: the response tokens only.
  case responses
}

/// Trains `gpt` on `world` in place, deterministically; returns the loss of each step.
func train<W: LanguageWorld>(_ gpt: GPT, on world: W, target: TrainingTarget, _ config: TrainingConfig) -> [Float] {
  var data = SeededGenerator(seed: config.seed &+ 0x5EED_DA7A)
  let opt = AdamW(parameters: gpt.parameters, learningRate: config.learningRate, weightDecay: config.weightDecay)
  let schedule = LRSchedule.cosine(warmupSteps: config.warmupSteps, minFactor: 0.1)
  var losses: [Float] = []
  losses.reserveCapacity(config.steps)
  for step in 0..<config.steps {
    var prompts: [[Int]] = [], responses: [[Int]] = []
    for _ in 0..<config.batchSize {
      switch target {
      case .documents:
        let (p, r) = world.pretrainingExample(using: &data)
        let doc = world.documentTokens(prompt: p, response: r)
        prompts.append([doc[0]])
        responses.append(Array(doc.dropFirst()))
      case .responses:
        let t = world.task(using: &data)
        prompts.append(world.promptTokens(t.prompt))
        responses.append(world.responseTokens(world.reference(for: t, using: &data)))
      }
    }
    let batch = ResponseBatch(prompts: prompts, responses: responses, pad: CharTokenizer.pad)
    precondition(batch.length <= gpt.contextLength, "train: a \(batch.length)-token document exceeds \(world.id)'s context \(gpt.contextLength)")
    opt.learningRate = schedule.rate(base: config.learningRate, step: step, totalSteps: config.steps)
    opt.zeroGrad()
    let loss = maskedNextTokenLoss(gpt, batch, mask: batch.responseMask)
    loss.backward()
    _ = clipGradNorm(gpt.parameters, maxNorm: 1)
    opt.step()
    losses.append(loss.item)
  }
  return losses
}
