extension ListProgram {
  /// A syntax error: what was expected, and the (0-based) column where it was not found.
  public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var column: Int
    public var message: String
    public var description: String { "column \(column + 1): \(message)" }
  }

  /// Parses a program's text (no spaces). Types are not checked here (`typeError`).
  ///
  /// ```swift
  /// try ListProgram.parse("map(*2)|sum").stages   // [.map(.multiply(2)), .sum]
  /// ```
  public static func parse(_ text: String) throws(SyntaxError) -> ListProgram {
    var p = Parser(chars: Array(text))
    var stages = [try p.stage()]
    while p.peek == "|" {
      p.pos += 1
      stages.append(try p.stage())
    }
    if p.pos < p.chars.count { throw p.error("expected `|` or the end of the program") }
    return ListProgram(stages)
  }

  private struct Parser {
    let chars: [Character]
    var pos = 0

    var peek: Character? { pos < chars.count ? chars[pos] : nil }

    func error(_ message: String) -> SyntaxError { SyntaxError(column: pos, message: message) }

    mutating func expect(_ c: Character) throws(SyntaxError) {
      guard peek == c else { throw error("expected `\(c)`") }
      pos += 1
    }

    mutating func word() -> String {
      var w = ""
      while let c = peek, c.isASCII, c.isLetter {
        w.append(c)
        pos += 1
      }
      return w
    }

    /// A decimal literal, optionally negative; at most 6 digits.
    mutating func number(allowNegative: Bool) throws(SyntaxError) -> Int {
      let start = pos
      var negative = false
      if allowNegative && peek == "-" {
        negative = true
        pos += 1
      }
      var digits = ""
      while let c = peek, c.isASCII, c.isNumber {
        digits.append(c)
        pos += 1
      }
      guard !digits.isEmpty else {
        pos = start
        throw error("expected a number")
      }
      guard digits.count <= 6, let v = Int(digits) else {
        pos = start
        throw error("number too long")
      }
      return negative ? -v : v
    }

    mutating func function() throws(SyntaxError) -> Function {
      let op = peek
      pos += 1
      switch op {
      case "+": return .add(try number(allowNegative: false))
      case "-": return .subtract(try number(allowNegative: false))
      case "*": return .multiply(try number(allowNegative: false))
      case "/": return .divide(try number(allowNegative: false))
      case "%": return .remainder(try number(allowNegative: false))
      default:
        pos -= 1
        throw error("expected a function: +k, -k, *k, /k or %k")
      }
    }

    mutating func predicate() throws(SyntaxError) -> Predicate {
      switch peek {
      case ">":
        pos += 1
        return .greater(try number(allowNegative: true))
      case "<":
        pos += 1
        return .less(try number(allowNegative: true))
      case "=":
        pos += 1
        return .equal(try number(allowNegative: true))
      default:
        let start = pos
        switch word() {
        case "even": return .even
        case "odd": return .odd
        default:
          pos = start
          throw error("expected a test: >k, <k, =k, even or odd")
        }
      }
    }

    mutating func stage() throws(SyntaxError) -> Stage {
      let start = pos
      let name = word()
      func argument<T>(_ body: (inout Parser) throws(SyntaxError) -> T) throws(SyntaxError) -> T {
        try expect("(")
        let v = try body(&self)
        try expect(")")
        return v
      }
      switch name {
      case "map": return .map(try argument { p throws(SyntaxError) in try p.function() })
      case "filter": return .filter(try argument { p throws(SyntaxError) in try p.predicate() })
      case "until":
        return try argument { p throws(SyntaxError) in
          let test = try p.predicate()
          try p.expect(",")
          return .until(test, try p.function())
        }
      case "take": return .take(try argument { p throws(SyntaxError) in try p.number(allowNegative: false) })
      case "drop": return .drop(try argument { p throws(SyntaxError) in try p.number(allowNegative: false) })
      case "sort": return .sort
      case "reverse": return .reverse
      case "sum": return .sum
      case "len": return .len
      case "max": return .max
      case "min": return .min
      case "head": return .head
      case "last": return .last
      default:
        pos = start
        throw error(name.isEmpty ? "expected a stage" : "unknown stage `\(name)`")
      }
    }
  }
}
