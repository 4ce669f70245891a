/// One task of a world: a prompt, and whatever the gold reward needs that the prompt does not show
/// (a program task's hidden tests, a request's category).
public protocol WorldTask: Sendable {
  /// The text the model is given.
  var prompt: String { get }
}

/// A synthetic world for language-model RL: seeded prompts, good reference responses for supervised
/// fine-tuning, mixed-quality "web text" for pretraining, and a gold reward that is code.
///
/// A document is `bos · prompt · sep · response · eos` (`separatesPrompt`), or
/// `bos · prompt · response · eos` when the response continues the prompt's own text (reviews).
///
/// ```swift
/// let world = ArithmeticWorld()
/// var rng = SeededGenerator(seed: cellSeed)
/// let task = world.task(using: &rng)                     // prompt "3+4*2"
/// world.reference(for: task, using: &rng)                // "3+4=7;7*2=14#14"
/// world.goldReward(task, response: "3+4=7;7*2=14#14")    // 1
/// ```
public protocol LanguageWorld: Sendable {
  associatedtype Task: WorldTask
  /// Names the world and its parameters; part of every recipe key (`"arithmetic(ops 2…3, |v| ≤ 99)"`).
  var id: String { get }
  /// The characters this world writes.
  var tokenizer: CharTokenizer { get }
  /// Longest document in tokens (bos and eos included): the context its models get.
  var contextLength: Int { get }
  /// Longest response worth sampling, in tokens (eos included).
  var maxResponseLength: Int { get }
  /// True when `sep` stands between prompt and response.
  var separatesPrompt: Bool { get }
  /// Pretraining steps (of 32 documents) of the `pretrained` recipe: about 15 s of one core for a
  /// `.small` model, enough to write the world's text, short of getting everything right.
  var pretrainingSteps: Int { get }
  /// A task, drawn from the world's prompt distribution.
  func task(using rng: inout SeededGenerator) -> Task
  /// A good response to `task`: what supervised fine-tuning imitates.
  func reference(for task: Task, using rng: inout SeededGenerator) -> String
  /// One document of the world's web text, of mixed quality: what pretraining reads.
  func pretrainingExample(using rng: inout SeededGenerator) -> (prompt: String, response: String)
  /// The true reward of `response` (the text after the prompt, without eos), computed by code.
  func goldReward(_ task: Task, response: String) -> Double
}

extension LanguageWorld {
  /// `n` tasks from one generator.
  public func tasks(_ n: Int, using rng: inout SeededGenerator) -> [Task] {
    (0..<n).map { _ in task(using: &rng) }
  }

  /// What a model is given to answer `prompt`: `bos · prompt (· sep)`.
  public func promptTokens(_ prompt: String) -> [Int] {
    tokenizer.encode(prompt, bos: true) + (separatesPrompt ? [CharTokenizer.sep] : [])
  }

  /// The tokens of a response (eos appended).
  public func responseTokens(_ response: String) -> [Int] {
    tokenizer.encode(response, eos: true)
  }

  /// A whole document: `promptTokens(prompt) + responseTokens(response)`.
  public func documentTokens(prompt: String, response: String) -> [Int] {
    promptTokens(prompt) + responseTokens(response)
  }

  /// Gold rewards of several responses to their tasks.
  public func goldRewards(_ tasks: [Task], responses: [String]) -> [Double] {
    precondition(tasks.count == responses.count, "goldRewards: \(tasks.count) tasks, \(responses.count) responses")
    return zip(tasks, responses).map { goldReward($0, response: $1) }
  }
}

// MARK: - Small helpers the worlds share

extension SeededGenerator {
  /// A uniformly chosen element.
  mutating func pick<T>(_ items: [T]) -> T { items[int(below: items.count)] }
}

/// Length of the longest common subsequence of two sequences.
func longestCommonSubsequence<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
  guard !a.isEmpty, !b.isEmpty else { return 0 }
  var previous = [Int](repeating: 0, count: b.count + 1)
  for x in a {
    var current = [Int](repeating: 0, count: b.count + 1)
    for (j, y) in b.enumerated() {
      current[j + 1] = x == y ? previous[j] + 1 : max(previous[j + 1], current[j])
    }
    previous = current
  }
  return previous[b.count]
}
