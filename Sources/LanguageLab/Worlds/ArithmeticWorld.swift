/// Multi-step arithmetic with a scratchpad, for outcome and process rewards.
///
/// A prompt is a chain of single-digit operations read **left to right** (no precedence):
/// `3+4*2` means (3+4)·2. A good response works it one operation per step and ends with the
/// answer after `#`:
///
/// ```
/// prompt   3+4*2
/// response 3+4=7;7*2=14#14
/// ```
///
/// The gold reward is the final answer's exactness (1 or 0). `grade(_:response:)` also labels every
/// written step (the gold labels a process reward model learns): a step is correct when it is well
/// formed, performs the prompt's operation of that index, starts from the result the previous step
/// wrote (the first operand for the first step), and its arithmetic is right. So `3+4=7;7*2=15#14`
/// has a correct final answer and a wrong second step.
public struct ArithmeticWorld: LanguageWorld {
  /// An operation of the chain.
  public enum Operator: Character, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*"
    /// `a ∘ b`.
    public func apply(_ a: Int, _ b: Int) -> Int {
      switch self {
      case .add: return a + b
      case .subtract: return a - b
      case .multiply: return a * b
      }
    }
  }

  /// One step of a chain: an operator and its right operand.
  public struct Operation: Sendable, Hashable {
    public var op: Operator
    public var operand: Int
    /// `op operand`, e.g. `*2`.
    public init(op: Operator, operand: Int) {
      self.op = op
      self.operand = operand
    }
  }

  /// A chain to evaluate.
  public struct Task: WorldTask, Hashable {
    /// The chain as written, `3+4*2`.
    public var prompt: String
    /// The first operand.
    public var first: Int
    /// The operations after it, in order.
    public var operations: [Operation]
    /// The value of the chain read left to right.
    public var answer: Int

    /// The chain `first ∘ operations`.
    public init(first: Int, operations: [Operation]) {
      self.first = first
      self.operations = operations
      prompt = String(first) + operations.map { String($0.op.rawValue) + String($0.operand) }.joined()
      answer = operations.reduce(first) { $1.op.apply($0, $1.operand) }
    }
  }

  /// What a response got right.
  public struct Grade: Sendable, Equatable {
    /// The number after `#`, if there is one that parses.
    public var finalAnswer: Int?
    /// The final answer equals the chain's value (the gold reward).
    public var finalCorrect: Bool
    /// One label per written step (see the type's documentation).
    public var steps: [Bool]
    /// Exactly one correct step per operation, and a correct final answer.
    public var allCorrect: Bool
    /// Index of the first wrong step, or of the first missing one; nil when `allCorrect`.
    public var firstError: Int?
  }

  /// Operations per chain.
  public var operationCount: ClosedRange<Int>
  /// Operands (the first one included).
  public var operands: ClosedRange<Int>
  /// Every intermediate value stays within ±this.
  public var maxMagnitude: Int
  /// Fraction of pretraining documents with one arithmetic slip (carried through to the answer).
  public var slipRate: Double

  /// A world of chains of `operationCount` operations on `operands`.
  public init(operationCount: ClosedRange<Int> = 2...3, operands: ClosedRange<Int> = 1...9, maxMagnitude: Int = 99, slipRate: Double = 0.25) {
    precondition(operationCount.lowerBound >= 1 && operands.lowerBound >= 0, "ArithmeticWorld: needs at least one operation and non-negative operands")
    self.operationCount = operationCount
    self.operands = operands
    self.maxMagnitude = maxMagnitude
    self.slipRate = slipRate
  }

  public var id: String {
    "arithmetic(ops \(operationCount.lowerBound)...\(operationCount.upperBound), operands \(operands.lowerBound)...\(operands.upperBound), max \(maxMagnitude), slips \(slipRate))"
  }
  public var tokenizer: CharTokenizer { CharTokenizer(alphabet: "0123456789+-*=;#") }
  public var pretrainingSteps: Int { 1200 }
  public var separatesPrompt: Bool { true }
  /// Longest chain: 2 + 2·ops characters of prompt; each step at most 4·digits + 4 characters.
  public var maxResponseLength: Int {
    let digits = String(maxMagnitude).count + 1  // with a sign
    return operationCount.upperBound * (3 * digits + 3) + digits + 2
  }
  public var contextLength: Int { 2 + 2 * operationCount.upperBound + 2 + maxResponseLength }

  public func task(using rng: inout SeededGenerator) -> Task {
    let n = rng.int(in: operationCount)
    let first = rng.int(in: operands)
    var value = first
    var ops: [Operation] = []
    while ops.count < n {
      let op = rng.pick(Operator.allCases)
      let b = rng.int(in: operands)
      let next = op.apply(value, b)
      if abs(next) > maxMagnitude { continue }  // draw again: small numbers keep chains learnable
      ops.append(Operation(op: op, operand: b))
      value = next
    }
    return Task(first: first, operations: ops)
  }

  /// The scratchpad of `task`, with every step right.
  public func reference(for task: Task, using rng: inout SeededGenerator) -> String {
    scratchpad(task, slipAt: nil, slip: 0)
  }

  public func pretrainingExample(using rng: inout SeededGenerator) -> (prompt: String, response: String) {
    let t = task(using: &rng)
    guard rng.bernoulli(slipRate) else { return (t.prompt, scratchpad(t, slipAt: nil, slip: 0)) }
    let at = rng.int(below: t.operations.count)
    let size = rng.int(in: 1...3) * (rng.bernoulli(0.5) ? 1 : -1)
    return (t.prompt, scratchpad(t, slipAt: at, slip: size))
  }

  /// A worked scratchpad; with `slipAt`, that step's result is off by `slip` and later steps carry
  /// the wrong value on.
  public func scratchpad(_ task: Task, slipAt: Int?, slip: Int) -> String {
    var value = task.first
    var steps: [String] = []
    for (i, o) in task.operations.enumerated() {
      var next = o.op.apply(value, o.operand)
      if i == slipAt { next += slip }
      steps.append("\(value)\(o.op.rawValue)\(o.operand)=\(next)")
      value = next
    }
    return steps.joined(separator: ";") + "#\(value)"
  }

  /// 1 when the answer after `#` is the chain's value, else 0.
  public func goldReward(_ task: Task, response: String) -> Double {
    grade(task, response: response).finalCorrect ? 1 : 0
  }

  /// The final answer and a label per written step (see the type's documentation).
  public func grade(_ task: Task, response: String) -> Grade {
    let parts = response.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
    let finalAnswer = parts.count == 2 ? Self.parseInt(Substring(parts[1])) : nil
    let written = parts[0].isEmpty ? [] : parts[0].split(separator: ";", omittingEmptySubsequences: false)
    var labels: [Bool] = []
    var expectedLeft = task.first
    var trueValue = task.first
    for (i, text) in written.enumerated() {
      if i < task.operations.count { trueValue = task.operations[i].op.apply(trueValue, task.operations[i].operand) }
      guard let step = Self.parseStep(text) else {
        labels.append(false)
        expectedLeft = trueValue  // the next step is checked against the true running value
        continue
      }
      let ok = i < task.operations.count && step.left == expectedLeft
        && step.op == task.operations[i].op && step.right == task.operations[i].operand
        && step.result == step.op.apply(step.left, step.right)
      labels.append(ok)
      expectedLeft = step.result
    }
    let finalCorrect = finalAnswer == task.answer
    let wrong = labels.firstIndex(of: false)
    let firstError = wrong ?? (labels.count == task.operations.count && finalCorrect ? nil : labels.count)
    return Grade(
      finalAnswer: finalAnswer, finalCorrect: finalCorrect, steps: labels,
      allCorrect: firstError == nil, firstError: firstError)
  }

  /// `a∘b=c` with signed integers.
  static func parseStep(_ text: Substring) -> (left: Int, op: Operator, right: Int, result: Int)? {
    let sides = text.split(separator: "=", omittingEmptySubsequences: false)
    guard sides.count == 2, let result = parseInt(sides[1]) else { return nil }
    let lhs = Array(sides[0])
    // The operator is the first +, - or * after the first character (which may be a sign).
    guard lhs.count >= 3, let k = lhs.indices.dropFirst().first(where: { Operator(rawValue: lhs[$0]) != nil }),
      let op = Operator(rawValue: lhs[k]),
      let left = parseInt(Substring(String(lhs[..<k]))), let right = parseInt(Substring(String(lhs[(k + 1)...])))
    else { return nil }
    return (left, op, right, result)
  }

  /// A signed decimal integer, nothing else (at most 9 digits).
  static func parseInt(_ s: Substring) -> Int? {
    let digits = s.hasPrefix("-") ? s.dropFirst() : s
    guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return Int(s)
  }
}
