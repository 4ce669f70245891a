// Recursive-descent parser from tokens to `MathNode`. It never fails: problems are recorded and the
// offending source becomes an `.error` node.

/// Tokens that end a row when the surrounding construct expects them.
struct Stops: OptionSet {
  let rawValue: UInt8
  static let rbrace = Stops(rawValue: 1)
  static let align = Stops(rawValue: 2)
  static let newline = Stops(rawValue: 4)
  static let end = Stops(rawValue: 8)
  static let right = Stops(rawValue: 16)
  static let middle = Stops(rawValue: 32)
  static let rbracket = Stops(rawValue: 64)
}

struct Parser {
  /// Deeper nesting than this is reported and skipped, so recursion (and the stack) stays bounded.
  static let maxDepth = 40

  let source: [Character]
  let tokens: [Token]
  var pos = 0
  var problems: [String] = []
  var depth = 0
  var tooDeepReported = false
  /// Stops inherited from enclosing constructs (an open group, environment or `\left`).
  var hardStops: Stops = []
  var font: MathFont? = nil
  /// A `\tag{…}` waiting for the row (or formula) it belongs to.
  var pendingTag: MathNode? = nil

  init(_ tex: String) {
    let lexer = Lexer(tex)
    source = lexer.source
    tokens = lexer.tokenize()
  }

  var peek: Token { tokens[pos] }

  func peek(_ ahead: Int) -> Token { tokens[min(pos + ahead, tokens.count - 1)] }

  @discardableResult
  mutating func next() -> Token {
    let t = tokens[pos]
    if pos < tokens.count - 1 { pos += 1 }
    return t
  }

  mutating func problem(_ message: String) { problems.append(message) }

  func raw(_ start: Int, _ end: Int) -> String {
    let lo = max(0, min(start, source.count))
    let hi = max(lo, min(end, source.count))
    return String(source[lo..<hi])
  }

  /// Enters one level of nesting; false (after reporting once) when the formula is too deep.
  mutating func enter() -> Bool {
    if depth >= Parser.maxDepth {
      if !tooDeepReported {
        problem(
          "formula nested more than \(Parser.maxDepth) levels deep at offset \(peek.start); the rest of that group is shown as source"
        )
        tooDeepReported = true
      }
      return false
    }
    depth += 1
    return true
  }

  mutating func leave() { depth -= 1 }

  func stopKind(_ t: Token) -> Stops? {
    switch t.kind {
    case .endGroup: return .rbrace
    case .align: return .align
    case .command("\\"), .command("cr"), .command("newline"): return .newline
    case .command("end"): return .end
    case .command("right"): return .right
    case .command("middle"): return .middle
    case .char("]"): return .rbracket
    default: return nil
    }
  }

  // MARK: - Rows

  mutating func parseRow(_ stops: Stops) -> [MathNode] {
    var nodes: [MathNode] = []
    while true {
      let t = peek
      if t.kind == .eof { break }
      if let kind = stopKind(t) {
        if stops.contains(kind) { break }
        if kind != .rbracket {
          nodes.append(stray(kind))
          continue
        }
      }
      if case .command(let name) = t.kind, let rest = restOfRowCommand(name) {
        next()
        switch rest {
        case .style(var style):
          if style.color == "" { style.color = readColor() }
          let body = nestedRow(stops)
          nodes.append(.styled(style, .group(body)))
        case .font(let f):
          let saved = font
          font = f
          nodes.append(.group(nestedRow(stops)))
          font = saved
        case .fraction(let thickness, let delimiters):
          let denominator = nestedRow(stops)
          let frac = MathNode.fraction(
            .group(nodes), .group(denominator), thickness: thickness, style: nil)
          nodes = [delimiters ? MathNode.row([fence("(", false), frac, fence(")", false)]) : frac]
        }
        break
      }
      if case .command("tag") = t.kind {
        next()
        let starred = skipStar()
        let label = readRawArgument()
        pendingTag = .text(starred ? label : "(\(label))", css: nil)
        continue
      }
      let (atom, placement) = parseAtom()
      guard let atom else { continue }
      nodes.append(parseScripts(atom, placement))
    }
    return nodes
  }

  private mutating func nestedRow(_ stops: Stops) -> [MathNode] {
    guard enter() else { return [skipRest(stops)] }
    defer { leave() }
    return parseRow(stops)
  }

  enum RestOfRow {
    case style(Style)
    case font(MathFont)
    case fraction(thickness: String?, delimiters: Bool)
  }

  func restOfRowCommand(_ name: String) -> RestOfRow? {
    switch name {
    case "displaystyle": return .style(Style(displaystyle: true, scriptlevel: 0))
    case "textstyle": return .style(Style(displaystyle: false, scriptlevel: 0))
    case "scriptstyle": return .style(Style(displaystyle: false, scriptlevel: 1))
    case "scriptscriptstyle": return .style(Style(displaystyle: false, scriptlevel: 2))
    case "color": return .style(Style(color: ""))
    case "over": return .fraction(thickness: nil, delimiters: false)
    case "atop": return .fraction(thickness: "0", delimiters: false)
    case "choose": return .fraction(thickness: "0", delimiters: true)
    default:
      if let f = MathFont.switches[name] { return .font(f) }
      return nil
    }
  }

  /// A stop token that nothing around it expects: report it and show it.
  mutating func stray(_ kind: Stops) -> MathNode {
    let t = next()
    switch kind {
    case .rbrace:
      problem("unmatched '}' at offset \(t.start)")
      return .error("}")
    case .align:
      problem("'&' outside a table at offset \(t.start)")
      return .error("&")
    case .newline:
      problem("line break '\\\\' outside a table at offset \(t.start)")
      return .error(raw(t.start, t.end))
    case .end:
      let name = readRawArgument()
      problem("\\end{\(name)} without a matching \\begin at offset \(t.start)")
      return .error("\\end{\(name)}")
    default:
      problem("\(raw(t.start, t.end)) without a matching \\left at offset \(t.start)")
      let d = parseDelimiter()
      return d.isEmpty ? .empty : .op(Operator(text: d, stretchy: true))
    }
  }

  /// Consumes tokens up to the next stop at this level, returning them as red source.
  mutating func skipRest(_ stops: Stops) -> MathNode {
    let start = peek.start
    var level = 0
    while peek.kind != .eof {
      if level == 0, let kind = stopKind(peek), stops.contains(kind) { break }
      if peek.kind == .beginGroup { level += 1 }
      if peek.kind == .endGroup {
        if level == 0 { break }
        level -= 1
      }
      next()
    }
    return .error(raw(start, peek.start))
  }

  /// Consumes a balanced group starting at the current `{`, returning it as red source.
  mutating func skipGroup() -> MathNode {
    let start = peek.start
    var level = 0
    repeat {
      if peek.kind == .beginGroup { level += 1 }
      if peek.kind == .endGroup { level -= 1 }
      next()
    } while level > 0 && peek.kind != .eof
    return .error(raw(start, tokens[max(0, pos - 1)].end))
  }
}
