import Testing
import LanguageLab

@Suite("List programs: parser, types, interpreter with fuel")
struct ListProgramTests {
  @Test("Programs run stage by stage", arguments: [
    ("sort|head", [3, 1, 2], ProgramValue.int(1)),
    ("map(+1)|filter(even)|sort|take(2)|sum", [3, 0, 5], .int(10)),
    ("reverse", [1, 2, 3], .list([3, 2, 1])),
    ("drop(1)|len", [4, 4, 4], .int(2)),
    ("filter(>9)", [1, 2], .list([])),
    ("filter(<-1)", [-3, 0], .list([-3])),
    ("filter(=2)|len", [2, 1, 2], .int(2)),
    ("map(/2)", [-3, 3, 4], .list([-2, 1, 2])),
    ("map(%3)", [-1, 5, 6], .list([2, 2, 0])),
    ("until(>10,*2)", [1, 6], .list([16, 12])),
    ("take(9)|last", [5, 6], .int(6)),
    ("sum", [], .int(0)),
  ])
  func runs(_ text: String, _ input: [Int], _ expected: ProgramValue) {
    #expect(ListProgram.run(text, on: input) == .value(expected))
  }

  @Test("The canonical text parses back to the same program")
  func roundTrip() throws {
    let text = "until(>5,+3)|map(*2)|filter(odd)|drop(1)|take(2)|reverse|sort|max"
    let p = try ListProgram.parse(text)
    #expect(p.description == text)
    #expect(try ListProgram.parse(p.description) == p)
  }

  @Test("Syntax errors name their column", arguments: [
    ("", 1), ("sort|", 6), ("sort head", 5), ("mapp(+1)", 1), ("map(+)", 6), ("map(^2)", 5),
    ("filter(big)", 8), ("until(>3+1)", 9), ("take(1", 7), ("sum|", 5), ("map(+1234567)", 6),
  ])
  func syntaxErrors(_ text: String, _ column: Int) {
    guard case .syntaxError(let message) = ListProgram.run(text, on: [1]) else {
      Issue.record("\(text) should not parse")
      return
    }
    #expect(message.hasPrefix("column \(column):"), "\(text): \(message)")
  }

  @Test("A list stage after a reducer is a type error, not a syntax error")
  func typeError() {
    guard case .typeError(let m) = ListProgram.run("sum|sort", on: [1, 2]) else {
      Issue.record("expected a type error")
      return
    }
    #expect(m.contains("sort") && m.contains("sum"))
  }

  @Test("Runtime errors are their own outcome", arguments: [
    ("head", [Int]()), ("max", []), ("min", []), ("last", []), ("map(/0)", [3]), ("map(%0)", [3]),
    ("map(*1000)|map(*1000)|map(*1000)|map(*1000)", [5]),
  ])
  func runtimeErrors(_ text: String, _ input: [Int]) {
    guard case .runtimeError = ListProgram.run(text, on: input) else {
      Issue.record("\(text) on \(input) should fail at run time, got \(ListProgram.run(text, on: input))")
      return
    }
  }

  @Test("A program that loops forever runs out of fuel instead of hanging")
  func fuel() {
    #expect(ListProgram.run("until(>9,*1)", on: [5]) == .outOfFuel)
    #expect(ListProgram.run("until(>9,*2)", on: [0]) == .outOfFuel)
    #expect(ListProgram.run("until(>9,+0)", on: [5], fuel: 1_000_000) == .outOfFuel)
    // The same loop finishes when it can, and fuel bounds the work of long lists too.
    #expect(ListProgram.run("until(>9,*2)", on: [1]) == .value(.list([16])))
    #expect(ListProgram.run("sort", on: [3, 2, 1], fuel: 2) == .outOfFuel)
  }

  @Test("Division floors and remainders take the divisor's sign, as in Python")
  func floorDivision() {
    #expect(ListProgram.run("map(/3)", on: [-7, 7, -6]) == .value(.list([-3, 2, -2])))
    #expect(ListProgram.run("map(%3)", on: [-7, 7]) == .value(.list([2, 1])))
  }
}

@Suite("Programs world: tasks from examples, hidden tests")
struct ProgramsWorldTests {
  let world = ProgramsWorld()
  var task: ProgramsWorld.Task {
    let p = try! ListProgram.parse("sort|head")
    let ex = { (xs: [Int]) in ProgramsWorld.Example(input: xs, output: p.run(on: xs).value!) }
    return .init(examples: [ex([3, 1, 2]), ex([5, 4]), ex([7])], hiddenTests: [ex([2, 9]), ex([8, 6, 7]), ex([0]), ex([4, 4, 1])], solution: p)
  }

  @Test("The prompt writes the examples; the reference is the task's program")
  func prompt() {
    #expect(task.prompt == "[3,1,2]:1;[5,4]:4;[7]:7")
    var rng = SeededGenerator(seed: 0)
    #expect(world.reference(for: task, using: &rng) == "sort|head")
  }

  @Test("Gold reward is the fraction of hidden tests passed")
  func reward() {
    #expect(world.goldReward(task, response: "sort|head") == 1)
    #expect(world.goldReward(task, response: "min") == 1)  // another correct program
    #expect(world.goldReward(task, response: "head") == 0.5)  // right on [2,9] and [0] only
    #expect(world.passesShownExamples(task, response: "min"))
    #expect(!world.passesShownExamples(task, response: "head"))
  }

  @Test("Syntax errors, type errors, runtime errors and endless loops score 0, each named")
  func failures() {
    let syntax = world.grade(task, response: "sort|hed")
    #expect(syntax.fraction == 0 && syntax.syntaxError != nil)
    let types = world.grade(task, response: "min|sort")
    #expect(types.fraction == 0 && types.syntaxError == nil)
    #expect(types.outcomes.allSatisfy { if case .typeError = $0 { true } else { false } })
    let runtime = world.grade(task, response: "filter(>100)|head")
    #expect(runtime.fraction == 0 && runtime.outcomes.allSatisfy { if case .runtimeError = $0 { true } else { false } })
    let loop = world.grade(task, response: "until(>9,*1)|min")
    #expect(loop.fraction == 0 && loop.outcomes.contains(.outOfFuel))
  }

  @Test("Generated tasks run on every test, fit the context, and vary")
  func generated() {
    var rng = SeededGenerator(seed: 6)
    var programs = Set<String>()
    for _ in 0..<200 {
      let t = world.task(using: &rng)
      #expect(t.examples.count == 3 && t.hiddenTests.count == 6)
      #expect(world.goldReward(t, response: t.solution.description) == 1)
      #expect(t.prompt.count <= world.maxPromptLength)
      #expect(world.documentTokens(prompt: t.prompt, response: t.solution.description).count <= world.contextLength)
      programs.insert(t.solution.description)
    }
    #expect(programs.count > 100)
  }
}
