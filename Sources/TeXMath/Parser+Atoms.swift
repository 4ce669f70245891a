// Single atoms: characters, numbers, delimiters and the dispatch of control words.

extension Parser {
  /// Parses one atom; nil when the token produced nothing (e.g. `\notag`).
  mutating func parseAtom() -> (MathNode?, ScriptPlacement) {
    let t = peek
    switch t.kind {
    case .beginGroup:
      return (parseGroup(), .beside)
    case .superscript, .subscript, .char("'"):
      return (.empty, .beside)  // a script with nothing before it attaches to an empty base
    case .char(let c):
      next()
      return (charAtom(c, t), .beside)
    case .command(let name):
      next()
      return command(name, t)
    case .endGroup, .align, .eof:
      next()
      return (nil, .beside)
    }
  }

  /// The atom for one source character; digits pull in the rest of their number.
  /// With `single` (a script or argument: `x^23` is x² 3 in TeX) a digit stands alone.
  mutating func charAtom(_ c: Character, _ t: Token, single: Bool = false) -> MathNode {
    if single && Lexer.isDigit(c) { return .number(font.map { $0.map(String(c)) } ?? String(c)) }
    if Lexer.isDigit(c) || (c == "." && isAdjacentDigit(at: pos)) {
      return number(startingWith: t)
    }
    if Lexer.isLetter(c) {
      guard let f = font else { return .identifier(String(c), upright: false) }
      // Inside \mathrm{…} and friends a run of letters is one identifier (a word such as "KL").
      var word = String(c)
      var last = t
      while case .char(let d) = peek.kind, Lexer.isLetter(d), peek.start == last.end {
        last = next()
        word.append(d)
      }
      return .identifier(f.map(word), upright: f == .roman)
    }
    switch c {
    case "|":
      return .op(Operator(text: "|", stretchy: false, lspace: "0", rspace: "0"))
    case "(", ")", "[", "]", "/", "\\":
      return .op(Operator(text: String(c), stretchy: false))
    case "<", ">", "=", "+", "-", "*", ",", ";", ":", "!", "?", "@":
      return .op(Operator(text: Symbols.mathChar(c)))
    case ".":
      return .op(Operator(text: ".", lspace: "0", rspace: "0"))
    case "~":
      return .space("0.3333em")
    case "'":
      return .op(Operator(text: "′"))
    default:
      if c.isLetter { return .identifier(font?.map(c) ?? String(c), upright: false) }
      if c.isNumber { return .number(String(c)) }
      return .op(Operator(text: String(c)))
    }
  }

  private func isAdjacentDigit(at index: Int) -> Bool {
    let t = tokens[min(index, tokens.count - 1)]
    guard case .char(let d) = t.kind, Lexer.isDigit(d) else { return false }
    return index > 0 && tokens[index - 1].end == t.start
  }

  private func adjacentChar(at index: Int) -> Character? {
    guard index < tokens.count, index > 0, tokens[index - 1].end == tokens[index].start,
      case .char(let c) = tokens[index].kind
    else { return nil }
    return c
  }

  /// `12`, `0.95`, `1e-6`, `3E+2` as one number; `t` (already consumed) is its first character.
  private mutating func number(startingWith t: Token) -> MathNode {
    var end = t.end
    while let c = adjacentChar(at: pos),
      Lexer.isDigit(c) || (c == "." && isAdjacentDigit(at: pos + 1))
    {
      end = next().end
    }
    if let e = adjacentChar(at: pos), e == "e" || e == "E" {
      var look = pos + 1
      if let sign = adjacentChar(at: look), sign == "-" || sign == "+" { look += 1 }
      if isAdjacentDigit(at: look) {
        while pos < look { next() }
        while let c = adjacentChar(at: pos), Lexer.isDigit(c) { end = next().end }
      }
    }
    let text = raw(t.start, end)
    return .number(font.map { $0.map(text) } ?? text)
  }

  /// A stretchy (or not) fence operator; an empty text (`\left.`) gives an empty row.
  func fence(_ text: String, _ stretchy: Bool, form: String? = nil) -> MathNode {
    if text.isEmpty { return .empty }
    return .op(Operator(text: text, stretchy: stretchy, form: form))
  }

  /// Reads the delimiter after `\left`, `\right`, `\middle` or `\big`: "" for `.` or when missing.
  mutating func parseDelimiter() -> String {
    let t = peek
    switch t.kind {
    case .char(let c) where "()[]|/.<>".contains(c):
      next()
      switch c {
      case ".": return ""
      case "<": return "⟨"
      case ">": return "⟩"
      default: return String(c)
      }
    case .command(let name):
      if let d = Symbols.delimiters[name] {
        next()
        return d
      }
    default:
      break
    }
    problem("missing or unknown delimiter at offset \(t.start)")
    return ""
  }

  // MARK: - \left … \middle … \right

  mutating func parseLeft(_ t: Token) -> MathNode {
    guard enter() else {
      _ = parseDelimiter()
      return .error(raw(t.start, tokens[max(0, pos - 1)].end))
    }
    defer { leave() }
    let open = parseDelimiter()
    var nodes: [MathNode] = [fence(open, true, form: "prefix")]
    let saved = hardStops
    hardStops.insert(.right)
    while true {
      nodes += parseRow(hardStops.union(.middle))
      if peek.kind == .command("middle") {
        next()
        let d = parseDelimiter()
        nodes.append(
          .op(
            Operator(text: d, stretchy: true, form: "infix", lspace: "0.1667em", rspace: "0.1667em")
          ))
        continue
      }
      if peek.kind == .command("right") {
        next()
        nodes.append(fence(parseDelimiter(), true, form: "postfix"))
      } else {
        problem("missing \\right for the \\left at offset \(t.start)")
      }
      break
    }
    hardStops = saved
    return .row(nodes.filter { $0 != .empty })
  }
}
