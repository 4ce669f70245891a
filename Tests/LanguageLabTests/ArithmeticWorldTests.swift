import Testing
import LanguageLab

@Suite("Arithmetic world: scratchpads and their gold labels")
struct ArithmeticWorldTests {
  let world = ArithmeticWorld()
  /// 3+4*2, read left to right: 14.
  let task = ArithmeticWorld.Task(first: 3, operations: [.init(op: .add, operand: 4), .init(op: .multiply, operand: 2)])

  @Test("The prompt is the chain; its value is read left to right")
  func task_() {
    #expect(task.prompt == "3+4*2")
    #expect(task.answer == 14)
    var rng = SeededGenerator(seed: 0)
    #expect(world.reference(for: task, using: &rng) == "3+4=7;7*2=14#14")
  }

  @Test("A correct scratchpad: reward 1, every step right")
  func correct() {
    let g = world.grade(task, response: "3+4=7;7*2=14#14")
    #expect(g.finalCorrect && g.steps == [true, true] && g.allCorrect && g.firstError == nil)
    #expect(world.goldReward(task, response: "3+4=7;7*2=14#14") == 1)
  }

  @Test("A wrong step in a correct final answer: outcome reward 1, the step labelled wrong")
  func wrongStepRightAnswer() {
    let g = world.grade(task, response: "3+4=7;7*2=15#14")
    #expect(g.finalCorrect)
    #expect(g.steps == [true, false])
    #expect(!g.allCorrect && g.firstError == 1)
    #expect(world.goldReward(task, response: "3+4=7;7*2=15#14") == 1)
  }

  @Test("A slip carried through: the slip is wrong, the step after it follows from it, the answer is wrong")
  func carriedSlip() {
    let g = world.grade(task, response: "3+4=8;8*2=16#16")
    #expect(!g.finalCorrect && g.steps == [false, true] && g.firstError == 0)
    #expect(world.goldReward(task, response: "3+4=8;8*2=16#16") == 0)
  }

  @Test("Steps with the wrong operation or operand are wrong even when their arithmetic is right")
  func wrongOperation() {
    #expect(world.grade(task, response: "3+4=7;7+2=9#9").steps == [true, false])
    #expect(world.grade(task, response: "3+5=8;8*2=16#16").steps == [false, true])
    #expect(world.grade(task, response: "4+4=8;8*2=16#16").steps == [false, true])
  }

  @Test("Malformed text, missing steps, missing answer", arguments: [
    ("", [Bool](), Int?.none, false),
    ("14", [false], nil, false),
    ("#14", [], 14, true),
    ("3+4=7#14", [true], 14, true),
    ("3+4=7;7*2=14", [true, true], nil, false),
    ("3+4=7;;7*2=14#14", [true, false, false], 14, true),
    ("3+4=7;7*2=14#14#", [true, true], nil, false),
    ("3+=7;7*2=14#1 4", [false, true], nil, false),
  ])
  func malformed(_ response: String, _ steps: [Bool], _ answer: Int?, _ correct: Bool) {
    let g = world.grade(task, response: response)
    #expect(g.steps == steps)
    #expect(g.finalAnswer == answer)
    #expect(g.finalCorrect == correct)
    #expect(!g.allCorrect)  // a missing or wrong step is never all correct
  }

  @Test("Negative intermediate values are written with their sign")
  func negatives() {
    let t = ArithmeticWorld.Task(first: 2, operations: [.init(op: .subtract, operand: 7), .init(op: .multiply, operand: 3)])
    var rng = SeededGenerator(seed: 0)
    #expect(world.reference(for: t, using: &rng) == "2-7=-5;-5*3=-15#-15")
    #expect(world.grade(t, response: "2-7=-5;-5*3=-15#-15").allCorrect)
    #expect(world.grade(t, response: "2-7=5;5*3=15#15").steps == [false, true])
  }

  @Test("Generated tasks stay in range, fit the context, and their references grade as all correct")
  func generated() {
    var rng = SeededGenerator(seed: 4)
    for _ in 0..<300 {
      let t = world.task(using: &rng)
      #expect(world.operationCount.contains(t.operations.count))
      let ref = world.reference(for: t, using: &rng)
      #expect(world.grade(t, response: ref).allCorrect)
      #expect(world.documentTokens(prompt: t.prompt, response: ref).count <= world.contextLength)
      let (p, r) = world.pretrainingExample(using: &rng)
      #expect(world.documentTokens(prompt: p, response: r).count <= world.contextLength)
    }
  }

  @Test("About a quarter of the web text has a slip")
  func slips() {
    var rng = SeededGenerator(seed: 5)
    var wrong = 0
    for _ in 0..<400 {
      let (p, r) = world.pretrainingExample(using: &rng)
      let value = ArithmeticWorldTests.evaluate(p)
      if !r.hasSuffix("#\(value)") { wrong += 1 }
    }
    #expect(wrong > 60 && wrong < 140, "\(wrong) of 400")
  }

  /// Left-to-right value of a chain like `3+4*2`.
  static func evaluate(_ chain: String) -> Int {
    var value = 0, op: Character = "+", number = ""
    func apply() {
      let n = Int(number)!
      value = op == "+" ? value + n : op == "-" ? value - n : value * n
    }
    for c in chain {
      if c.isNumber { number.append(c) } else { apply(); op = c; number = "" }
    }
    apply()
    return value
  }
}
