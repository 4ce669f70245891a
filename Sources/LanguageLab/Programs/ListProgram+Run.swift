extension ListProgram {
  /// Fuel a run gets unless told otherwise: one unit per element a stage touches, one per `until`
  /// iteration. The world's programs need well under a hundred.
  public static let defaultFuel = 1_000

  /// Runs a program's text on `input`: parse, type-check, then interpret with `fuel`.
  ///
  /// ```swift
  /// ListProgram.run("sort|head", on: [3, 1, 2])        // .value(.int(1))
  /// ListProgram.run("sort|", on: [3])                  // .syntaxError("column 6: expected a stage")
  /// ListProgram.run("until(>9,*1)", on: [5])           // .outOfFuel
  /// ```
  public static func run(_ text: String, on input: [Int], fuel: Int = defaultFuel) -> ProgramOutcome {
    let program: ListProgram
    do { program = try parse(text) } catch { return .syntaxError(error.description) }
    return program.run(on: input, fuel: fuel)
  }

  /// Type-checks, then interprets on `input` with `fuel`.
  public func run(on input: [Int], fuel: Int = ListProgram.defaultFuel) -> ProgramOutcome {
    if let typeError { return .typeError(typeError) }
    var machine = Machine(fuel: fuel)
    var value = ProgramValue.list(input)
    do throws(Failure) {
      for stage in stages {
        guard case .list(let xs) = value else { return .typeError("a stage after a reducer") }
        value = try machine.apply(stage, to: xs)
      }
    } catch {
      switch error {
      case .outOfFuel: return .outOfFuel
      case .failed(let message): return .runtimeError(message)
      }
    }
    return .value(value)
  }

  private enum Failure: Error {
    case outOfFuel
    case failed(String)
  }

  private struct Machine {
    var fuel: Int

    mutating func burn(_ n: Int = 1) throws(Failure) {
      fuel -= n
      if fuel < 0 { throw .outOfFuel }
    }

    func checked(_ r: (partialValue: Int, overflow: Bool)) throws(Failure) -> Int {
      // Values stay far from Int's range so that every machine agrees on where overflow is.
      guard !r.overflow, abs(r.partialValue) <= 1_000_000_000 else { throw .failed("overflow") }
      return r.partialValue
    }

    func apply(_ f: Function, _ x: Int) throws(Failure) -> Int {
      switch f {
      case .add(let k): return try checked(x.addingReportingOverflow(k))
      case .subtract(let k): return try checked(x.subtractingReportingOverflow(k))
      case .multiply(let k): return try checked(x.multipliedReportingOverflow(by: k))
      case .divide(let k):
        guard k != 0 else { throw .failed("division by zero") }
        let q = x / k
        return (x % k != 0 && (x < 0) != (k < 0)) ? q - 1 : q  // floor
      case .remainder(let k):
        guard k != 0 else { throw .failed("remainder by zero") }
        let r = x % k
        return (r != 0 && (r < 0) != (k < 0)) ? r + k : r  // the sign of k
      }
    }

    func test(_ p: Predicate, _ x: Int) -> Bool {
      switch p {
      case .greater(let k): return x > k
      case .less(let k): return x < k
      case .equal(let k): return x == k
      case .even: return x % 2 == 0
      case .odd: return x % 2 != 0
      }
    }

    mutating func apply(_ stage: Stage, to xs: [Int]) throws(Failure) -> ProgramValue {
      try burn(max(1, xs.count))
      switch stage {
      case .map(let f):
        var out: [Int] = []
        for x in xs { out.append(try apply(f, x)) }
        return .list(out)
      case .filter(let p): return .list(xs.filter { test(p, $0) })
      case .until(let p, let f):
        var out: [Int] = []
        for var x in xs {
          while !test(p, x) {
            try burn()
            x = try apply(f, x)
          }
          out.append(x)
        }
        return .list(out)
      case .sort: return .list(xs.sorted())
      case .reverse: return .list(xs.reversed())
      case .take(let n): return .list(Array(xs.prefix(n)))
      case .drop(let n): return .list(Array(xs.dropFirst(n)))
      case .sum:
        var total = 0
        for x in xs { total = try checked(total.addingReportingOverflow(x)) }
        return .int(total)
      case .len: return .int(xs.count)
      case .max:
        guard let m = xs.max() else { throw .failed("max of an empty list") }
        return .int(m)
      case .min:
        guard let m = xs.min() else { throw .failed("min of an empty list") }
        return .int(m)
      case .head:
        guard let h = xs.first else { throw .failed("head of an empty list") }
        return .int(h)
      case .last:
        guard let l = xs.last else { throw .failed("last of an empty list") }
        return .int(l)
      }
    }
  }
}
