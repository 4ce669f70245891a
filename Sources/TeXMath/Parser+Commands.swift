// What each control word means.

extension Parser {
  mutating func command(_ name: String, _ t: Token) -> (MathNode?, ScriptPlacement) {
    if name.isEmpty {
      problem("trailing '\\' at offset \(t.start)")
      return (.error("\\"), .beside)
    }
    if let node = symbol(name) { return (node, .beside) }
    if let s = Symbols.largeOperators[name] {
      return (.op(Operator(text: s, largeop: true, movablelimits: true)), .movable)
    }
    if let s = Symbols.integrals[name] { return (.op(Operator(text: s, largeop: true)), .beside) }
    if let s = Symbols.limitFunctions[name] { return (.function(s, limits: true), .movable) }
    if Symbols.functions.contains(name) { return (.function(name, limits: false), .beside) }
    if let width = Symbols.spaces[name] { return (.space(width), .beside) }
    if let (accent, stretchy) = Symbols.accents[name] {
      let base = parseArgument(for: name)
      return (.over(base, .op(Operator(text: accent, stretchy: stretchy)), accent: true), .beside)
    }
    if let (accent, stretchy) = Symbols.underAccents[name] {
      let base = parseArgument(for: name)
      return (.under(base, .op(Operator(text: accent, stretchy: stretchy)), accent: true), .beside)
    }
    if let f = MathFont.commands[name] {
      let saved = font
      font = f
      let arg = parseArgument(for: name)
      font = saved
      return (arg, .beside)
    }
    if let size = Symbols.bigSizes[name] {
      let form: String? = name.hasSuffix("l") ? "prefix" : name.hasSuffix("r") ? "postfix" : nil
      let d = parseDelimiter()
      return (
        .op(Operator(text: d, stretchy: true, form: form, minsize: size, maxsize: size)), .beside
      )
    }
    return structural(name, t)
  }

  /// Letters and single-character symbols.
  private func symbol(_ name: String) -> MathNode? {
    if let g = Symbols.greekLower[name] {
      return .identifier(font.map { $0.map(g) } ?? g, upright: font == .roman)
    }
    if let g = Symbols.greekUpper[name] {
      let f: MathFont? = font == .boldItalic ? .bold : font
      let mapped = f.map { $0.map(g) } ?? g
      return .identifier(mapped, upright: mapped == g)
    }
    if let s = Symbols.ordinary[name] {
      let mapped = font.map { $0.map(s) } ?? s
      return .identifier(mapped, upright: mapped == s)
    }
    if let s = Symbols.operators[name] {
      return .op(Operator(text: s, stretchy: s == "∣" || s == "∥" ? false : nil))
    }
    if let d = Symbols.delimiters[name] {
      // TeX treats |x| and ‖x‖ as ordinary symbols: no operator spacing.
      let bar = d == "|" || d == "‖"
      return .op(
        Operator(text: d, stretchy: false, lspace: bar ? "0" : nil, rspace: bar ? "0" : nil))
    }
    return nil
  }

  private mutating func structural(_ name: String, _ t: Token) -> (MathNode?, ScriptPlacement) {
    switch name {
    case "frac", "dfrac", "tfrac", "cfrac":
      let num = parseArgument(for: name)
      let den = parseArgument(for: name)
      let style: Bool? = name == "dfrac" || name == "cfrac" ? true : name == "tfrac" ? false : nil
      return (.fraction(num, den, thickness: nil, style: style), .beside)
    case "binom", "dbinom", "tbinom":
      let n = parseArgument(for: name)
      let k = parseArgument(for: name)
      let style: Bool? = name == "dbinom" ? true : name == "tbinom" ? false : nil
      let frac = MathNode.fraction(n, k, thickness: "0", style: nil)
      let row = MathNode.row([
        fence("(", true, form: "prefix"), frac, fence(")", true, form: "postfix"),
      ])
      return (style.map { .styled(Style(displaystyle: $0, scriptlevel: 0), row) } ?? row, .beside)
    case "sqrt":
      let index = parseOptionalArgument()
      let body = parseArgument(for: name)
      return (index.map { .root(body, index: $0) } ?? .sqrt(body), .beside)
    case "text", "textrm", "textnormal", "textup", "mbox", "hbox", "textmd":
      return (textNode(readRawArgument(), css: nil), .beside)
    case "textbf": return (textNode(readRawArgument(), css: "font-weight:bold"), .beside)
    case "textit", "textsl", "emph":
      return (textNode(readRawArgument(), css: "font-style:italic"), .beside)
    case "texttt": return (textNode(readRawArgument(), css: "font-family:monospace"), .beside)
    case "textsf": return (textNode(readRawArgument(), css: "font-family:sans-serif"), .beside)
    case "operatorname", "operatornamewithlimits":
      let star = skipStar() || name == "operatornamewithlimits"
      let text = operatorText(readRawArgument())
      return (.function(text, limits: star), star ? .movable : .beside)
    case "mathop":
      let arg = parseArgument(for: name)
      if case .identifier(let s, _) = arg { return (.function(s, limits: true), .movable) }
      return (arg, .always)
    case "left":
      return (parseLeft(t), .beside)
    case "begin":
      return (parseEnvironment(t), .beside)
    case "underbrace", "overbrace", "underbracket", "overbracket":
      let body = parseArgument(for: name)
      let under = name.hasPrefix("under")
      let brace = MathNode.op(
        Operator(
          text: under
            ? (name.hasSuffix("brace") ? "⏟" : "⎵") : (name.hasSuffix("brace") ? "⏞" : "⎴"),
          stretchy: true))
      // As accents, Chromium stretches the brace over the whole base.
      return (under ? .under(body, brace, accent: true) : .over(body, brace, accent: true), .always)
    case "stackrel", "overset":
      let top = parseArgument(for: name)
      let base = parseArgument(for: name)
      return (.over(base, top, accent: false), .beside)
    case "underset":
      let bottom = parseArgument(for: name)
      let base = parseArgument(for: name)
      return (.under(base, bottom, accent: false), .beside)
    case "xrightarrow", "xleftarrow", "xRightarrow", "xLeftarrow", "xmapsto", "xleftrightarrow":
      let below = parseOptionalArgument()
      let above = parseArgument(for: name)
      let arrows = [
        "xrightarrow": "→", "xleftarrow": "←", "xRightarrow": "⇒", "xLeftarrow": "⇐",
        "xmapsto": "↦", "xleftrightarrow": "↔",
      ]
      let arrow = MathNode.op(Operator(text: arrows[name] ?? "→", stretchy: true, minsize: "2em"))
      let pad: (MathNode) -> MathNode = { .row([.space("0.3em"), $0, .space("0.3em")]) }
      return (
        .scripts(base: arrow, sub: below.map(pad), sup: pad(above), placement: .always), .beside
      )
    case "boxed", "fbox", "framebox":
      let box = "border:1px solid;padding:0.15em 0.3em"
      if name == "boxed" { return (.decorated(parseArgument(for: name), css: box), .beside) }
      return (.decorated(textNode(readRawArgument(), css: nil), css: box), .beside)
    case "overline", "underline":
      // Latin Modern Math has no stretchy overline glyph, so the rule is a CSS border.
      let css =
        name == "overline"
        ? "border-top:0.06em solid;padding-top:0.08em"
        : "border-bottom:0.06em solid;padding-bottom:0.08em"
      return (.decorated(parseArgument(for: name), css: css), .beside)
    case "phantom", "hphantom", "vphantom":
      return (.phantom(parseArgument(for: name)), .beside)
    case "textcolor":
      let color = String(
        readRawArgument().filter { Lexer.isLetter($0) || Lexer.isDigit($0) || $0 == "#" })
      return (.styled(Style(color: color), parseArgument(for: name)), .beside)
    case "smash", "mathstrut", "strut", "ensuremath", "mathclap", "clap", "llap", "rlap",
      "mathrlap", "mathllap", "mathord", "mathbin", "mathrel", "mathopen", "mathclose", "mathpunct",
      "mathinner", "displaylimits":
      if ["mathstrut", "strut", "displaylimits"].contains(name) { return (nil, .beside) }
      return (parseArgument(for: name), .beside)
    case "substack":
      return (parseSubstack(t), .beside)
    case "bmod":
      return (.op(Operator(text: "mod", lspace: "0.2222em", rspace: "0.2222em")), .beside)
    case "mod":
      return (
        .row([.space("0.6667em"), .identifier("mod", upright: true), .space("0.3333em")]), .beside
      )
    case "pmod", "pod":
      let arg = parseArgument(for: name)
      var inner: [MathNode] = [.space("0.6667em"), fence("(", false)]
      if name == "pmod" { inner += [.identifier("mod", upright: true), .space("0.3333em")] }
      return (.row(inner + [arg, fence(")", false)]), .beside)
    case "not":
      return (negated(t), .beside)
    case "!", "negthinspace": return (.negativeSpace("0.1667em"), .beside)
    case "negmedspace": return (.negativeSpace("0.2222em"), .beside)
    case "negthickspace": return (.negativeSpace("0.2778em"), .beside)
    case "hspace", "hskip", "kern", "mkern", "mskip":
      _ = skipStar()
      let length = name == "hspace" ? readRawArgument() : readLength()
      return (space(length, mu: name.hasPrefix("m")), .beside)
    case "notag", "nonumber", "limits", "nolimits", "hline", "hdashline", "nobreak", "allowbreak",
      "relax", "label":
      if name == "label" { _ = readRawArgument() }
      return (nil, .beside)
    default:
      problem("unknown command \"\\\(name)\" at offset \(t.start)")
      return (.error("\\" + name), .beside)
    }
  }

  /// `\text{…}`: spaces are kept, `$…$` inside switches back to math.
  private mutating func textNode(_ text: String, css: String?) -> MathNode {
    var parts: [MathNode] = []
    var current = ""
    var math: String? = nil
    var chars = Array(text)[...]
    while let c = chars.popFirst() {
      if c == "\\", let n = chars.first, "{}$%&#_ ".contains(n) {
        chars.removeFirst()
        if math != nil { math!.append(contentsOf: ["\\", n]) } else { current.append(n) }
      } else if c == "$" {
        if let m = math {
          var inner = Parser(m)
          inner.depth = depth + 1
          parts.append(.group(inner.parseRow([])))
          problems += inner.problems.map { "in \\text: " + $0 }
          math = nil
        } else {
          if !current.isEmpty { parts.append(.text(current, css: css)) }
          current = ""
          math = ""
        }
      } else if math != nil {
        math!.append(c)
      } else if c == "{" || c == "}" {
        continue  // grouping inside text, not shown
      } else {
        current.append(c == "~" ? "\u{A0}" : c)
      }
    }
    if let m = math { current += "$" + m }
    if !current.isEmpty || parts.isEmpty { parts.append(.text(current, css: css)) }
    return .group(parts)
  }

  /// The name inside `\operatorname{…}`, with spacing commands turned into spaces.
  private func operatorText(_ text: String) -> String {
    var out = ""
    var chars = Array(text)[...]
    while let c = chars.popFirst() {
      if c == "\\" {
        var word = ""
        while let n = chars.first, Lexer.isLetter(n) {
          word.append(n)
          chars.removeFirst()
        }
        if word.isEmpty, let n = chars.popFirst() { word = String(n) }
        if Symbols.spaces[word] != nil {
          out.append(" ")
        } else if word == "_" || word == "-" {
          out.append("_")
        } else {
          out += Symbols.greekLower[word] ?? ""
        }
      } else if c == "-" {
        out.append("-")
      } else if c != "{" && c != "}" && c != " " {
        out.append(c)
      }
    }
    return out
  }

  private mutating func readLength() -> String {
    if peek.kind == .beginGroup { return readRawArgument() }
    var text = ""
    while case .char(let c) = peek.kind,
      Lexer.isDigit(c) || Lexer.isLetter(c) || c == "." || c == "-"
    {
      text.append(c)
      next()
      if Lexer.isLetter(c) && text.filter(Lexer.isLetter).count == 2 { break }
    }
    return text
  }

  private mutating func space(_ length: String, mu: Bool) -> MathNode {
    let trimmed = length.filter { $0 != " " }
    let units: [String: Double] = [
      "em": 1, "ex": 0.431, "pt": 0.1, "mu": 1.0 / 18, "px": 0.0625, "cm": 2.845, "mm": 0.2845,
      "in": 7.227,
    ]
    for (unit, factor) in units where trimmed.hasSuffix(unit) {
      if let value = Double(trimmed.dropLast(unit.count)) {
        let em = (value * factor * 10000).rounded() / 10000
        return em < 0 ? .negativeSpace("\(-em)em") : .space("\(em)em")
      }
    }
    problem("unknown length \"\(length)\"")
    return .empty
  }

  /// `\not=`, `\not\in`: the next symbol with a combining long solidus overlay.
  private mutating func negated(_ t: Token) -> MathNode {
    let known: [String: String] = [
      "=": "≠", "<": "≮", ">": "≯", "∈": "∉", "≤": "≰", "≥": "≱", "∼": "≁", "≡": "≢", "⊂": "⊄",
      "⊃": "⊅", "⊆": "⊈", "⊇": "⊉", "∣": "∤", "≈": "≉", "≅": "≇",
    ]
    let (atom, _) = parseAtom()
    if case .op(var o)? = atom {
      o.text = known[o.text] ?? (o.text + "\u{338}")
      return .op(o)
    }
    if let atom { return .row([atom, .op(Operator(text: "\u{338}"))]) }
    problem("\\not without a symbol at offset \(t.start)")
    return .empty
  }
}
