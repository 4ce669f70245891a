/// Program synthesis from examples in the list language (`ListProgram`), with hidden unit tests.
///
/// A prompt shows a few input→output examples; a good response is a program that computes them:
///
/// ```
/// prompt   [3,1,2]:1;[5,4]:4;[7]:7
/// response sort|head
/// ```
///
/// The gold reward is the fraction of the task's **hidden** tests (other inputs, outputs from the
/// task's own program) that the response passes. A program that does not parse, does not type-check,
/// fails at run time or runs out of fuel passes none; `grade(_:response:)` tells those apart.
public struct ProgramsWorld: LanguageWorld {
  /// One test: an input and the output the task's program gives.
  public struct Example: Sendable, Hashable {
    public var input: [Int]
    public var output: ProgramValue
    /// A test of `input` → `output`.
    public init(input: [Int], output: ProgramValue) {
      self.input = input
      self.output = output
    }
  }

  /// A task: examples shown in the prompt, tests kept hidden, and the program they came from.
  public struct Task: WorldTask, Hashable {
    public var prompt: String
    /// The examples the prompt shows.
    public var examples: [Example]
    /// Tests the gold reward runs; not in the prompt.
    public var hiddenTests: [Example]
    /// The program that made the outputs (one of the correct answers).
    public var solution: ListProgram

    /// A task; the prompt writes the examples as `input:output` joined by `;`.
    public init(examples: [Example], hiddenTests: [Example], solution: ListProgram) {
      self.examples = examples
      self.hiddenTests = hiddenTests
      self.solution = solution
      prompt = examples.map { ProgramValue.list($0.input).description + ":" + $0.output.description }.joined(separator: ";")
    }
  }

  /// What a response did on the hidden tests.
  public struct Grade: Sendable, Equatable {
    /// The outcome on each hidden test, in order.
    public var outcomes: [ProgramOutcome]
    /// How many outcomes equal the expected output.
    public var passed: Int
    /// `passed / hiddenTests.count`: the gold reward.
    public var fraction: Double
    /// The response is not a program (every outcome is this syntax error).
    public var syntaxError: String? {
      if case .syntaxError(let m)? = outcomes.first { return m }
      return nil
    }
  }

  /// Examples in each prompt.
  public var shownExamples: Int
  /// Hidden tests per task.
  public var hiddenTestCount: Int
  /// Longest prompt, in characters (longer tasks are drawn again).
  public var maxPromptLength: Int
  /// Fuel per test run.
  public var fuel: Int
  /// Fraction of pretraining documents whose program is slightly wrong (one stage changed).
  public var slipRate: Double

  /// A world with prompts of `shownExamples` examples and `hiddenTestCount` hidden tests.
  public init(shownExamples: Int = 3, hiddenTestCount: Int = 6, maxPromptLength: Int = 56, fuel: Int = ListProgram.defaultFuel, slipRate: Double = 0.2) {
    self.shownExamples = shownExamples
    self.hiddenTestCount = hiddenTestCount
    self.maxPromptLength = maxPromptLength
    self.fuel = fuel
    self.slipRate = slipRate
  }

  public var id: String {
    "programs(shown \(shownExamples), hidden \(hiddenTestCount), prompt ≤ \(maxPromptLength), fuel \(fuel), slips \(slipRate))"
  }
  public var tokenizer: CharTokenizer { CharTokenizer(alphabet: "0123456789[],:;|()+-*/%<>=abcdefghijklmnopqrstuvwxyz") }
  public var pretrainingSteps: Int { 700 }
  public var separatesPrompt: Bool { true }
  /// The longest program the generator writes is 32 characters (two `until`s and a reducer).
  public var maxResponseLength: Int { 36 }
  public var contextLength: Int { 2 + maxPromptLength + maxResponseLength }

  // MARK: - Tasks

  public func task(using rng: inout SeededGenerator) -> Task {
    while true {
      let program = randomProgram(using: &rng)
      let inputs = (0..<(shownExamples + hiddenTestCount)).map { _ in randomInput(using: &rng) }
      var examples: [Example] = []
      for input in inputs {
        guard case .value(let v) = program.run(on: input, fuel: fuel) else { break }
        examples.append(Example(input: input, output: v))
      }
      guard examples.count == inputs.count else { continue }  // it must run on every input
      let shown = Array(examples.prefix(shownExamples))
      // Informative examples: not all outputs alike, and not the identity.
      guard Set(shown.map(\.output)).count > 1, !shown.allSatisfy({ $0.output == .list($0.input) }) else { continue }
      let t = Task(examples: shown, hiddenTests: Array(examples.dropFirst(shownExamples)), solution: program)
      if t.prompt.count <= maxPromptLength { return t }
    }
  }

  /// 1–4 list elements in 0…9.
  func randomInput(using rng: inout SeededGenerator) -> [Int] {
    (0..<rng.int(in: 1...4)).map { _ in rng.int(in: 0...9) }
  }

  func randomFunction(using rng: inout SeededGenerator) -> ListProgram.Function {
    switch rng.int(below: 5) {
    case 0, 1: return .add(rng.int(in: 1...5))
    case 2: return .subtract(rng.int(in: 1...3))
    case 3: return .multiply(rng.int(in: 2...3))
    default: return rng.bernoulli(0.5) ? .divide(2) : .remainder(rng.int(in: 2...3))
    }
  }

  func randomPredicate(using rng: inout SeededGenerator) -> ListProgram.Predicate {
    switch rng.int(below: 5) {
    case 0, 1: return .greater(rng.int(in: 1...7))
    case 2: return .less(rng.int(in: 2...8))
    case 3: return .even
    default: return .odd
    }
  }

  func randomListStage(using rng: inout SeededGenerator) -> ListProgram.Stage {
    switch rng.int(below: 12) {
    case 0, 1, 2: return .map(randomFunction(using: &rng))
    case 3, 4: return .filter(randomPredicate(using: &rng))
    case 5, 6: return .sort
    case 7: return .reverse
    case 8: return .take(rng.int(in: 1...2))
    case 9: return .drop(1)
    default: return .until(.greater(rng.int(in: 5...20)), rng.bernoulli(0.5) ? .multiply(2) : .add(rng.int(in: 2...4)))
    }
  }

  /// One to three stages; half end with a reducer.
  func randomProgram(using rng: inout SeededGenerator) -> ListProgram {
    let reducer: ListProgram.Stage? = rng.bernoulli(0.5) ? rng.pick([.sum, .len, .max, .min, .head, .last]) : nil
    let listStages = rng.int(in: reducer == nil ? 1...2 : 0...2)
    var stages = (0..<listStages).map { _ in randomListStage(using: &rng) }
    if let reducer { stages.append(reducer) }
    return ListProgram(stages)
  }

  // MARK: - Text and rewards

  /// The task's own program.
  public func reference(for task: Task, using rng: inout SeededGenerator) -> String {
    task.solution.description
  }

  public func pretrainingExample(using rng: inout SeededGenerator) -> (prompt: String, response: String) {
    let t = task(using: &rng)
    guard rng.bernoulli(slipRate) else { return (t.prompt, t.solution.description) }
    var stages = t.solution.stages
    let i = rng.int(below: stages.count)
    stages[i] = stages[i].isReducer ? rng.pick([.sum, .len, .max, .min, .head, .last]) : randomListStage(using: &rng)
    return (t.prompt, ListProgram(stages).description)
  }

  /// The fraction of hidden tests passed.
  public func goldReward(_ task: Task, response: String) -> Double {
    grade(task, response: response).fraction
  }

  /// Every hidden test's outcome.
  public func grade(_ task: Task, response: String) -> Grade {
    outcomes(of: response, on: task.hiddenTests)
  }

  /// Whether `response` reproduces the examples the prompt shows (what a model can check itself,
  /// e.g. to filter samples before the hidden tests see them).
  public func passesShownExamples(_ task: Task, response: String) -> Bool {
    outcomes(of: response, on: task.examples).passed == task.examples.count
  }

  func outcomes(of response: String, on tests: [Example]) -> Grade {
    let outcomes: [ProgramOutcome]
    do {
      let program = try ListProgram.parse(response)
      outcomes = tests.map { program.run(on: $0.input, fuel: fuel) }
    } catch {
      outcomes = Array(repeating: .syntaxError(error.description), count: tests.count)
    }
    let passed = zip(outcomes, tests).filter { $0.0 == .value($0.1.output) }.count
    return Grade(outcomes: outcomes, passed: passed, fraction: tests.isEmpty ? 0 : Double(passed) / Double(tests.count))
  }
}
