#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The two recipes lectures start from. Both are deterministic (a seed for the weights, a seed for the
// data, single-threaded arithmetic) and memoised: asking again, in this process or another, loads
// the stored weights, bit-identical to training again.

/// Pretraining defaults: `world.pretrainingSteps` steps of 32 documents; the learning rate
/// shrinks as models grow.
public func defaultPretraining<W: LanguageWorld>(_ world: W, size: ModelSize) -> TrainingConfig {
  let rate = size.dModel <= 32 ? 3e-3 : size.dModel <= 64 ? 2e-3 : 1e-3
  return TrainingConfig(steps: world.pretrainingSteps, batchSize: 32, learningRate: rate)
}

/// Supervised fine-tuning defaults: a short run on reference responses at a lower rate.
public func defaultFineTuning<W: LanguageWorld>(_ world: W, size: ModelSize) -> TrainingConfig {
  TrainingConfig(steps: 150, batchSize: 32, learningRate: 5e-4, warmupSteps: 10)
}

/// A GPT pretrained on `world`'s web text (documents of mixed quality), from weights drawn with
/// `config.seed`. Memoised in `store` (nil: train without the memo).
///
/// ```swift
/// let base = pretrained(ArithmeticWorld(), size: .small)
/// base.provenance.time.wall              // what training took when it ran
/// ```
public func pretrained<W: LanguageWorld>(
  _ world: W, size: ModelSize = .small, config: TrainingConfig? = nil, store: ArtifactStore? = .standard
) -> LabModel<W> {
  let config = config ?? defaultPretraining(world, size: size)
  let model = LabModel(world: world, size: size, seed: config.seed)
  let recipe = pretrainingRecipe(world, size: size, config: config)
  let run = { timed { _ = train(model.gpt, on: world, target: .documents, config) } }
  let (time, memo) = store?.provide(recipe, into: model.gpt, train: run) ?? (run(), false)
  model.provenance = ModelProvenance(recipe: recipe, time: time, fromMemo: memo)
  return model
}

/// `pretrained(world, size, config)` fine-tuned on `world`'s reference responses (loss on the
/// response tokens only). Memoised like `pretrained`, base included.
public func sft<W: LanguageWorld>(
  _ world: W, size: ModelSize = .small, pretraining: TrainingConfig? = nil, config: TrainingConfig? = nil,
  store: ArtifactStore? = .standard
) -> LabModel<W> {
  let config = config ?? defaultFineTuning(world, size: size)
  let pre = pretraining ?? defaultPretraining(world, size: size)
  let base = pretrained(world, size: size, config: pre, store: store)
  let recipe = "sft/\(world.id)/\(size)/\(config) from \(base.provenance.recipe)"
  let run = { timed { _ = train(base.gpt, on: world, target: .responses, config) } }
  let (time, memo) = store?.provide(recipe, into: base.gpt, train: run) ?? (run(), false)
  base.provenance = ModelProvenance(recipe: recipe, time: time, fromMemo: memo)
  return base
}

/// The recipe key of a pretraining run.
func pretrainingRecipe<W: LanguageWorld>(_ world: W, size: ModelSize, config: TrainingConfig) -> String {
  "pretrained/\(world.id)/\(size)/\(config)"
}

/// How long a training run took.
public struct TrainingTime: Sendable, Hashable {
  /// Wall-clock seconds.
  public var wall: Double
  /// CPU seconds of the training thread: what the run costs on an idle machine (the wall clock of a
  /// shared, loaded machine says more about the others).
  public var cpu: Double
}

/// Runs `body` and measures it.
func timed(_ body: () -> Void) -> TrainingTime {
  let clock = ContinuousClock()
  let start = clock.now
  let cpu0 = threadCPUSeconds()
  body()
  let d = clock.now - start
  return TrainingTime(wall: Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18, cpu: threadCPUSeconds() - cpu0)
}

func threadCPUSeconds() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
