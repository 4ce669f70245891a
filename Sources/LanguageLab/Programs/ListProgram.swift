/// A program of the list language: stages applied left to right, `|` between them, to a list of
/// integers. Typed: every stage takes a list; most give a list, the reducers give an integer, and
/// nothing may follow a reducer.
///
/// ```
/// map(+1)|filter(even)|sort|take(2)|sum      [3,0,5] → [4,1,6] → [4,6] → [4,6] → [4,6] → 10
/// ```
///
/// | stage | does | | stage | does |
/// |---|---|---|---|---|
/// | `map(f)` | f on every element | | `sum`, `len` | total, count (0 on []) |
/// | `filter(p)` | keeps elements where p holds | | `max`, `min` | largest, smallest (error on []) |
/// | `until(p,f)` | on every element, f until p holds | | `head`, `last` | first, last (error on []) |
/// | `sort`, `reverse` | ascending, reversed | | | |
/// | `take(n)`, `drop(n)` | first n, all but the first n | | | |
///
/// `f` is `+k`, `-k`, `*k`, `/k` (floor division) or `%k` (remainder, sign of k), with `k` a
/// non-negative literal; `p` is `>k`, `<k`, `=k` (k may be negative), `even` or `odd`. `until` is
/// the one loop: `until(>9,*1)` never ends on 5, which is what fuel is for.
public struct ListProgram: Sendable, Hashable, CustomStringConvertible {
  /// An integer function of one argument.
  public enum Function: Sendable, Hashable {
    case add(Int), subtract(Int), multiply(Int), divide(Int), remainder(Int)
  }
  /// A test on one integer.
  public enum Predicate: Sendable, Hashable {
    case greater(Int), less(Int), equal(Int), even, odd
  }
  /// One stage of a program.
  public enum Stage: Sendable, Hashable {
    case map(Function), filter(Predicate), until(Predicate, Function)
    case sort, reverse, take(Int), drop(Int)
    case sum, len, max, min, head, last

    /// True for the stages that turn a list into one integer.
    public var isReducer: Bool {
      switch self {
      case .sum, .len, .max, .min, .head, .last: return true
      default: return false
      }
    }
  }

  /// The stages, applied left to right.
  public var stages: [Stage]

  /// A program of these stages.
  public init(_ stages: [Stage]) { self.stages = stages }

  /// The canonical text (what `parse` reads back to the same program).
  public var description: String { stages.map(Self.text).joined(separator: "|") }

  static func text(_ s: Stage) -> String {
    switch s {
    case .map(let f): return "map(\(text(f)))"
    case .filter(let p): return "filter(\(text(p)))"
    case .until(let p, let f): return "until(\(text(p)),\(text(f)))"
    case .sort: return "sort"
    case .reverse: return "reverse"
    case .take(let n): return "take(\(n))"
    case .drop(let n): return "drop(\(n))"
    case .sum: return "sum"
    case .len: return "len"
    case .max: return "max"
    case .min: return "min"
    case .head: return "head"
    case .last: return "last"
    }
  }

  static func text(_ f: Function) -> String {
    switch f {
    case .add(let k): return "+\(k)"
    case .subtract(let k): return "-\(k)"
    case .multiply(let k): return "*\(k)"
    case .divide(let k): return "/\(k)"
    case .remainder(let k): return "%\(k)"
    }
  }

  static func text(_ p: Predicate) -> String {
    switch p {
    case .greater(let k): return ">\(k)"
    case .less(let k): return "<\(k)"
    case .equal(let k): return "=\(k)"
    case .even: return "even"
    case .odd: return "odd"
    }
  }

  /// The first type error: a stage after a reducer (which gave an integer). nil when well typed.
  public var typeError: String? {
    guard let r = stages.firstIndex(where: \.isReducer), r + 1 < stages.count else { return nil }
    return "stage \(r + 2) `\(Self.text(stages[r + 1]))` needs a list, but `\(Self.text(stages[r]))` gave an integer"
  }
}

/// What a list program computes: a list or one integer.
public enum ProgramValue: Sendable, Hashable, CustomStringConvertible {
  case list([Int])
  case int(Int)
  /// `[1,2,3]` or `6`, as prompts write them.
  public var description: String {
    switch self {
    case .list(let xs): return "[" + xs.map(String.init).joined(separator: ",") + "]"
    case .int(let x): return String(x)
    }
  }
}

/// How running a program text on one input ended. Each way of failing is its own case.
public enum ProgramOutcome: Sendable, Hashable {
  /// It ran and gave this value.
  case value(ProgramValue)
  /// The text is not a program (message names the column).
  case syntaxError(String)
  /// It parses, but a stage gets an integer where it needs a list.
  case typeError(String)
  /// It failed while running: division by zero, `head` of [], overflow.
  case runtimeError(String)
  /// It used up its fuel (an `until` that never holds).
  case outOfFuel

  /// The value, if it ran.
  public var value: ProgramValue? {
    if case .value(let v) = self { return v }
    return nil
  }
}
