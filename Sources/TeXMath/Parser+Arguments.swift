// Groups `{…}`, required and optional arguments, and raw arguments (`\text{…}`, names, colours).

extension Parser {
  // MARK: - Groups and arguments

  /// `{…}` at the current position.
  mutating func parseGroup() -> MathNode {
    guard enter() else { return skipGroup() }
    defer { leave() }
    let open = next()
    let saved = hardStops
    hardStops.insert(.rbrace)
    let nodes = parseRow(hardStops)
    hardStops = saved
    if peek.kind == .endGroup {
      next()
    } else {
      problem("missing '}' for the '{' at offset \(open.start)")
    }
    return .group(nodes)
  }

  /// A required argument: a group or a single token.
  mutating func parseArgument(for command: String) -> MathNode {
    let t = peek
    switch t.kind {
    case .beginGroup:
      return parseGroup()
    case .char(let c) where stopKind(t) == nil || c == "]":
      next()
      return charAtom(c, t, single: true)
    case .command(let name) where stopKind(t) == nil && restOfRowCommand(name) == nil:
      guard enter() else {
        next()
        return .error(raw(t.start, t.end))
      }
      defer { leave() }
      return parseAtom().0 ?? .empty
    default:
      problem("missing argument for \\\(command) at offset \(t.start)")
      return .empty
    }
  }

  /// An optional `[…]` argument, or nil when there is none.
  mutating func parseOptionalArgument() -> MathNode? {
    guard peek.kind == .char("[") else { return nil }
    guard enter() else { return skipRest([.rbracket]) }
    defer { leave() }
    let open = next()
    let nodes = parseRow(hardStops.union(.rbracket))
    if peek.kind == .char("]") {
      next()
    } else {
      problem("missing ']' for the '[' at offset \(open.start)")
    }
    return .group(nodes)
  }

  /// The raw source of a `{…}` argument (for `\text`, `\begin{name}`, colours, lengths).
  mutating func readRawArgument() -> String {
    guard peek.kind == .beginGroup else {
      let t = peek
      if case .char = t.kind {
        next()
        return raw(t.start, t.end)
      }
      problem("missing '{' at offset \(t.start)")
      return ""
    }
    let open = next()
    var level = 1
    while peek.kind != .eof {
      if peek.kind == .beginGroup { level += 1 }
      if peek.kind == .endGroup {
        level -= 1
        if level == 0 { break }
      }
      next()
    }
    let text = raw(open.end, peek.start)
    if peek.kind == .endGroup {
      next()
    } else {
      problem("missing '}' for the '{' at offset \(open.start)")
    }
    return text
  }

  mutating func skipStar() -> Bool {
    if peek.kind == .char("*") {
      next()
      return true
    }
    return false
  }

  mutating func readColor() -> String {
    let name = readRawArgument()
    return String(name.filter { Lexer.isLetter($0) || Lexer.isDigit($0) || $0 == "#" })
  }
}
