/// The shape of a lab GPT. Presets keep training within seconds on two cores.
public struct ModelSize: Sendable, Hashable, CustomStringConvertible {
  /// Width of the residual stream.
  public var dModel: Int
  /// Transformer blocks.
  public var layers: Int
  /// Attention heads per block.
  public var heads: Int

  /// A GPT with these dimensions.
  public init(dModel: Int, layers: Int, heads: Int) {
    precondition(dModel % heads == 0, "ModelSize: \(heads) heads do not divide \(dModel)")
    self.dModel = dModel
    self.layers = layers
    self.heads = heads
  }

  /// d 32, 2 layers, 2 heads (~30k parameters): for tests and the quickest demos.
  public static let tiny = ModelSize(dModel: 32, layers: 2, heads: 2)
  /// d 64, 2 layers, 4 heads (~110k parameters): the lectures' default.
  public static let small = ModelSize(dModel: 64, layers: 2, heads: 4)
  /// d 96, 3 layers, 4 heads (~350k parameters).
  public static let medium = ModelSize(dModel: 96, layers: 3, heads: 4)

  /// `d64-l2-h4`.
  public var description: String { "d\(dModel)-l\(layers)-h\(heads)" }
}

/// Where a model's weights came from.
public struct ModelProvenance: Sendable, Hashable {
  /// The recipe that trained it (`pretrained/…`, `sft/…`), or `untrained`.
  public var recipe: String
  /// How long its training took when it ran (not how long loading took).
  public var time: TrainingTime
  /// True when the weights were read from the memo instead of trained in this call.
  public var fromMemo: Bool
}

/// A GPT that reads and writes one world's language, with the world it belongs to.
///
/// ```swift
/// let model = pretrained(ArithmeticWorld(), size: .small)
/// let tasks = model.world.tasks(8, using: &rng)
/// let answers = model.respond(to: tasks.map(\.prompt), seeds: Array(0..<8))
/// let rewards = model.world.goldRewards(tasks, responses: answers.map(\.text))
/// ```
public final class LabModel<World: LanguageWorld> {
  /// The world whose language it speaks.
  public let world: World
  /// The network (train it in place; `gpt.frozenCopy()` for a reference policy).
  public let gpt: GPT
  /// Its shape.
  public let size: ModelSize
  /// How it was made (a recipe key, or "untrained").
  public internal(set) var provenance: ModelProvenance

  /// A freshly initialised model for `world` (weights from `seed`).
  public init(world: World, size: ModelSize, seed: UInt64) {
    self.world = world
    self.size = size
    var rng = SeededGenerator(seed: seed)
    gpt = GPT(
      vocabSize: world.tokenizer.vocabularySize, contextLength: world.contextLength, dModel: size.dModel,
      layers: size.layers, heads: size.heads, using: &rng)
    provenance = ModelProvenance(recipe: "untrained", time: TrainingTime(wall: 0, cpu: 0), fromMemo: false)
  }

  /// The world's tokenizer.
  public var tokenizer: CharTokenizer { world.tokenizer }

  /// A sampled response.
  public struct Response: Sendable, Equatable {
    /// The response's text (up to eos, which is not included).
    public var text: String
    /// Its tokens, eos included when it was produced.
    public var tokens: [Int]
    /// log π of each token at the sampling temperature.
    public var logProbs: [Float]
    /// True when the model ended it with eos (false: cut at the length limit).
    public var finished: Bool
  }

  /// Samples one response per prompt, with its own seed (the same prompt and seed give the same
  /// response in any batch). Stops at eos or after `maxNewTokens` (default: the world's longest
  /// response, as far as the context allows).
  public func respond(
    to prompts: [String], seeds: [UInt64], temperature: Float = 1, topK: Int? = nil, topP: Float? = nil,
    maxNewTokens: Int? = nil
  ) -> [Response] {
    let tokens = prompts.map(world.promptTokens)
    let room = world.contextLength - (tokens.map(\.count).max() ?? 0)
    let config = GenerationConfig(
      maxNewTokens: min(maxNewTokens ?? world.maxResponseLength, room), temperature: temperature, topK: topK, topP: topP,
      stopTokens: [CharTokenizer.eos], pad: CharTokenizer.pad)
    return gpt.generate(tokens, config, seeds: seeds).map { g in
      Response(text: tokenizer.decode(g.response), tokens: g.response, logProbs: g.logProbs, finished: g.stopped)
    }
  }

  /// The right-padded batch of `prompts[i] + responses[i]` (eos appended to each response), ready
  /// for `gpt.tokenLogProbs` and `responseMask`.
  public func batch(prompts: [String], responses: [String]) -> ResponseBatch {
    ResponseBatch(prompts: prompts.map(world.promptTokens), responses: responses.map(world.responseTokens), pad: CharTokenizer.pad)
  }

  /// Summed log π(response | prompt) of each pair, eos included (no graph recorded).
  public func sequenceLogProbs(prompts: [String], responses: [String]) -> [Double] {
    let b = batch(prompts: prompts, responses: responses)
    let lp = withNoGrad { gpt.tokenLogProbs(b) }.data
    let mask = b.responseMask
    let l = b.length - 1
    return (0..<b.batch).map { r in (0..<l).reduce(0.0) { $0 + Double(lp[r * l + $1] * mask[r * l + $1]) } }
  }
}
