/// The options in a cell's info string: ```` ```swift id=gae hide timeout=120 caption="GAE" ````.
///
/// Unknown or malformed options are errors with file:line:column, never silently ignored.
public struct CellOptions: Sendable, Hashable, Codable {
  /// Stable name for the cell (anchors, cross-references).
  public var id: String?
  /// Run the cell but do not show its code (`hide` or `echo=false`).
  public var echo = true
  /// Run the cell but do not show its output (`output=false`).
  public var showOutput = true
  /// Show the cell but do not tangle or run it.
  public var norun = false
  /// The cell is expected to fail to compile or to trap; its diagnostic is shown, the run goes on.
  public var expectError = false
  /// The cell goes to the note's library module, for later notes to import.
  public var export = false
  /// Wall-clock limit for this cell, seconds.
  public var timeout: Double?
  /// Seed for this cell's `cellRNG`.
  public var seed: UInt64?
  /// Caption for the figures the cell shows.
  public var caption: String?
  /// The cell's output depends on the machine or the clock (timings, steps per second). It is shown,
  /// but lives outside the page's HTML (in `site/volatile/`), so the rest of the site stays
  /// byte-identical between builds; `--twice` does not compare it, and it cannot have an
  /// ```` ```output ```` block.
  public var volatile = false
  /// Labels for the cell's figures and tables, in the order it shows them (`fig=fig-a,fig-b`,
  /// `tbl=tbl-x`), for cross-references.
  public var figureLabels: [String] = []
  public var tableLabels: [String] = []

  public init() {}

  /// Every option name the parser accepts, for the error message.
  public static let known = ["id", "hide", "echo", "output", "norun", "error", "export", "volatile", "timeout", "seed", "caption", "fig", "tbl"]

  /// Parses the words after the language. `column` is the 1-based column of `words` in the fence line.
  static func parse(_ words: String, location: SourceLocation) -> (CellOptions, [Diagnostic]) {
    var options = CellOptions()
    var diagnostics: [Diagnostic] = []
    var seen: Set<String> = []
    for token in tokenize(words) {
      var loc = location
      loc.column = location.column + token.offset
      // `id=a id=b`: one of the two is a mistake, and which one counts is not obvious.
      if !seen.insert(token.key).inserted {
        diagnostics.append(Diagnostic(.error, "option '\(token.key)' is given twice on this fence; give it once", at: loc))
        continue
      }
      let problem =
        token.unclosedQuote
        ? "the quoted value of option '\(token.key)' is never closed: a closing \" is missing"
        : options.apply(token.key, token.value)
      if let problem { diagnostics.append(Diagnostic(.error, problem, at: loc)) }
    }
    if options.norun && options.expectError {
      diagnostics.append(Diagnostic(.error, "options 'norun' and 'error' contradict each other: a cell that is not run cannot fail", at: location))
    }
    return (options, diagnostics)
  }

  /// `true`/`yes` (or no value) and `false`/`no`; nil for anything else.
  static func flag(_ v: String?) -> Bool? {
    switch v {
    case nil, "true", "yes": return true
    case "false", "no": return false
    default: return nil
    }
  }

  /// Sets option `key` to `value`; returns what is wrong with them instead, if anything.
  mutating func apply(_ key: String, _ value: String?) -> String? {
    switch key {
    case "id":
      if let problem = Self.idProblem(value) { return problem }
      id = value
    case "hide":
      guard value == nil else { return "option 'hide' takes no value (use echo=false to be explicit)" }
      echo = false
    case "echo", "output", "norun", "error", "export", "volatile":
      guard let b = Self.flag(value) else { return "option '\(key)' takes true or false, got '\(value ?? "")'" }
      switch key {
      case "echo": echo = b
      case "output": showOutput = b
      case "norun": norun = b
      case "error": expectError = b
      case "volatile": volatile = b
      default: export = b
      }
    case "timeout":
      guard let v = value, let t = Double(v), t > 0, t.isFinite else { return "option 'timeout' needs a positive number of seconds, e.g. timeout=120" }
      timeout = t
    case "seed":
      guard let v = value, let s = UInt64(v) else { return "option 'seed' needs a non-negative integer, e.g. seed=7" }
      seed = s
    case "caption":
      guard let v = value else { return "option 'caption' needs a value, e.g. caption=\"Value of each state\"" }
      caption = v
    case "fig", "tbl":
      let labels = (value ?? "").split(separator: ",").map { String($0).trimmingWhitespace() }
      guard !labels.isEmpty, labels.allSatisfy({ $0.hasPrefix(key + "-") && Self.idProblem($0) == nil }) else {
        return "option '\(key)' needs labels that start with '\(key)-', one per \(key == "fig" ? "figure" : "table") in order, e.g. \(key)=\(key)-a,\(key)-b"
      }
      if key == "fig" { figureLabels = labels } else { tableLabels = labels }
    default:
      let suggestion = Self.closest(key, in: Self.known).map { " (did you mean '\($0)'?)" } ?? ""
      return "unknown cell option '\(key)'\(suggestion); known options: \(Self.known.joined(separator: ", "))"
    }
    return nil
  }

  struct Token {
    var key: String
    var value: String?
    var offset: Int
    /// `key="…` with no closing quote: the value ran to the end of the line.
    var unclosedQuote = false
  }

  /// Why `value` cannot be a cell id, or nil when it can.
  static func idProblem(_ value: String?) -> String? {
    guard let v = value, !v.isEmpty, v.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
      return "option 'id' needs a value of letters, digits, '-' or '_', e.g. id=gae"
    }
    guard !v.allSatisfy(\.isNumber) else {
      return "option 'id' needs a letter or '-' or '_' in it: an id of digits only would take the anchor cell-\(v) of the note's cell \(v)"
    }
    return nil
  }

  /// Splits `a=1 b="x y" c` into tokens, honouring double quotes.
  static func tokenize(_ s: String) -> [Token] {
    var tokens: [Token] = []
    let chars = Array(s)
    var i = 0
    while i < chars.count {
      while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
      guard i < chars.count else { break }
      let start = i
      var key = ""
      while i < chars.count, chars[i] != "=", chars[i] != " ", chars[i] != "\t" { key.append(chars[i]); i += 1 }
      var value: String? = nil
      var unclosed = false
      if i < chars.count, chars[i] == "=" {
        i += 1
        var v = ""
        if i < chars.count, chars[i] == "\"" {
          i += 1
          while i < chars.count, chars[i] != "\"" {
            // `\"` and `\\` are escapes; any other backslash is itself (`$\gamma$`).
            if chars[i] == "\\", i + 1 < chars.count, chars[i + 1] == "\"" || chars[i + 1] == "\\" { i += 1 }
            v.append(chars[i]); i += 1
          }
          unclosed = i >= chars.count
          i += 1
        } else {
          while i < chars.count, chars[i] != " ", chars[i] != "\t" { v.append(chars[i]); i += 1 }
        }
        value = v
      }
      tokens.append(Token(key: key, value: value, offset: start, unclosedQuote: unclosed))
    }
    return tokens
  }

  static func closest(_ word: String, in candidates: [String]) -> String? {
    // The distance is at least the difference in length: most candidates need no table.
    let length = word.count
    let w = Array(word)
    let scored = candidates.lazy.filter { abs($0.count - length) <= 2 }.map { ($0, boundedEditDistance(w, Array($0), limit: 2)) }.filter { $0.1 <= 2 }
    return scored.min(by: { $0.1 < $1.1 })?.0
  }

  /// The Levenshtein distance of a and b, or `limit + 1` as soon as every entry of a row of the
  /// table exceeds `limit` (the distance cannot come back down): exact wherever it is ≤ limit, in a
  /// few rows for most pairs.
  static func boundedEditDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
    if a.isEmpty || b.isEmpty { return Swift.max(a.count, b.count) }
    var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      cur[0] = i
      var best = i
      for j in 1...b.count {
        cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        best = Swift.min(best, cur[j])
      }
      if best > limit { return limit + 1 }
      swap(&prev, &cur)
    }
    return prev[b.count]
  }

}

extension CellOptions {
  /// The labels of the cell's figures, in order: `id=fig-x` names the first, `fig=` names them all.
  public var figures: [String] {
    if !figureLabels.isEmpty { return figureLabels }
    return id.map { $0.hasPrefix("fig-") ? [$0] : [] } ?? []
  }

  /// The labels of the cell's tables, in order (`id=tbl-x` or `tbl=`).
  public var tables: [String] {
    if !tableLabels.isEmpty { return tableLabels }
    return id.map { $0.hasPrefix("tbl-") ? [$0] : [] } ?? []
  }
}
