// Serializes `MathNode` trees as MathML Core. All text goes through `escaped`.

struct MathMLWriter {
  var out = ""
  /// Inside sub/superscripts TeX drops the spacing around binary operators and relations.
  var scriptDepth = 0

  mutating func write(_ node: MathNode) {
    switch node {
    case .row(let nodes):
      out += "<mrow>"
      writeSequence(nodes)
      out += "</mrow>"
    case .identifier(let text, let upright):
      out += upright && text.count == 1 ? "<mi mathvariant=\"normal\">" : "<mi>"
      out += escaped(text) + "</mi>"
    case .number(let text):
      out += "<mn>" + escaped(text) + "</mn>"
    case .op(let o):
      writeOperator(o)
    case .function(let name, let limits):
      if limits {
        writeOperator(Operator(text: name, form: "prefix", lspace: "0", rspace: "0"))
      } else {
        // A one-letter name (\operatorname{E}) would otherwise be italic.
        out += name.count == 1 ? "<mi mathvariant=\"normal\">" : "<mi>"
        out += escaped(name) + "</mi>"
      }
    case .text(let text, let css):
      out += "<mtext" + attribute("style", css) + ">"
      // Leading and trailing spaces would collapse; no-break spaces keep them.
      out += escaped(String(text.map { $0 == " " ? "\u{A0}" : $0 })) + "</mtext>"
    case .space(let width):
      out += "<mspace width=\"\(escaped(width))\"/>"
    case .negativeSpace(let width):
      out += "<mspace style=\"margin-left:-\(escaped(width))\"/>"
    case .fraction(let num, let den, let thickness, let style):
      if let style { out += "<mstyle displaystyle=\"\(style)\" scriptlevel=\"0\">" }
      out += "<mfrac" + attribute("linethickness", thickness) + ">"
      write(num)
      write(den)
      out += "</mfrac>"
      if style != nil { out += "</mstyle>" }
    case .sqrt(let body):
      out += "<msqrt>"
      write(body)
      out += "</msqrt>"
    case .root(let body, let index):
      out += "<mroot>"
      write(body)
      scriptDepth += 1
      write(index)
      scriptDepth -= 1
      out += "</mroot>"
    case .scripts(let base, let sub, let sup, let placement):
      writeScripts(base, sub, sup, placement)
    case .under(let base, let under, let accent):
      out += accent ? "<munder accentunder=\"true\">" : "<munder>"
      write(base)
      if !accent { scriptDepth += 1 }
      write(under)
      if !accent { scriptDepth -= 1 }
      out += "</munder>"
    case .over(let base, let over, let accent):
      out += accent ? "<mover accent=\"true\">" : "<mover>"
      write(base)
      if !accent { scriptDepth += 1 }
      write(over)
      if !accent { scriptDepth -= 1 }
      out += "</mover>"
    case .table(let table):
      writeTable(table)
    case .styled(let style, let body):
      out += "<mstyle"
      if let d = style.displaystyle { out += " displaystyle=\"\(d)\"" }
      if let level = style.scriptlevel { out += " scriptlevel=\"\(level)\"" }
      if let color = style.color, !color.isEmpty { out += " style=\"color:\(escaped(color))\"" }
      out += ">"
      write(body)
      out += "</mstyle>"
    case .phantom(let body):
      out += "<mphantom>"
      write(body)
      out += "</mphantom>"
    case .decorated(let body, let css):
      out += "<mrow style=\"\(escaped(css))\">"
      write(body)
      out += "</mrow>"
    case .error(let source):
      out += "<merror><mtext style=\"color:#c00\">" + escaped(source) + "</mtext></merror>"
    }
  }

  /// Writes siblings, adding the function-application operator and TeX's thin space after
  /// function names (`\log x`, but not `\log(x)`).
  mutating func writeSequence(_ nodes: [MathNode]) {
    for (i, node) in nodes.enumerated() {
      if node.isFunction, i > 0, nodes[i - 1].endsOrdinary { out += "<mspace width=\"0.1667em\"/>" }
      if case .op(var o) = node, o.form == nil, ["−", "+", "±", "∓"].contains(o.text), i > 0,
        case .op(let previous) = nodes[i - 1], !MathNode.closing.contains(previous.text)
      {
        // After a relation, operator or opening fence a sign is unary (`= -x`), as in TeX.
        o.form = "prefix"
        write(.op(o))
      } else {
        write(node)
      }
      guard node.isFunction else { continue }
      if case .function(_, false) = node.functionBase { out += "<mo>\u{2061}</mo>" }
      if i + 1 < nodes.count, !nodes[i + 1].isSpace,
        !nodes[i + 1].isOperator || nodes[i + 1].isLargeOperator
      {
        out += "<mspace width=\"0.1667em\"/>"
      }
    }
  }

  private mutating func writeOperator(_ o: Operator) {
    out += "<mo"
    out += attribute("form", o.form)
    if let v = o.stretchy { out += " stretchy=\"\(v)\"" }
    if let v = o.largeop { out += " largeop=\"\(v)\"" }
    if let v = o.movablelimits { out += " movablelimits=\"\(v)\"" }
    if let v = o.accent { out += " accent=\"\(v)\"" }
    if scriptDepth > 0, o.lspace == nil, o.rspace == nil, o.largeop != true {
      out += " lspace=\"0\" rspace=\"0\""
    } else {
      out += attribute("lspace", o.lspace) + attribute("rspace", o.rspace)
    }
    out += attribute("minsize", o.minsize) + attribute("maxsize", o.maxsize)
    out += ">" + escaped(o.text) + "</mo>"
  }

  private mutating func writeScripts(
    _ base: MathNode, _ sub: MathNode?, _ sup: MathNode?, _ placement: ScriptPlacement
  ) {
    let names: (String, String, String)
    var base = base
    if placement == .beside {
      names = ("msub", "msup", "msubsup")
    } else {
      names = ("munder", "mover", "munderover")
      base = base.withMovableLimits(placement == .movable)
    }
    let tag = sub != nil && sup != nil ? names.2 : sub != nil ? names.0 : names.1
    out += "<\(tag)>"
    write(base)
    scriptDepth += 1
    if let sub { write(sub) }
    if let sup { write(sup) }
    scriptDepth -= 1
    out += "</\(tag)>"
  }

  private func attribute(_ name: String, _ value: String?) -> String {
    guard let value else { return "" }
    return " \(name)=\"\(escaped(value))\""
  }
}

/// Escapes text for XML content and attribute values.
/// Characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) become U+FFFD.
func escaped(_ text: String) -> String {
  var out = ""
  out.reserveCapacity(text.utf8.count)
  for scalar in text.unicodeScalars {
    switch scalar {
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "&": out += "&amp;"
    case "\"": out += "&quot;"
    case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
    case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out
}

extension MathNode {
  var functionBase: MathNode {
    switch self {
    case .scripts(let base, _, _, _), .under(let base, _, _), .over(let base, _, _):
      return base.functionBase
    default: return self
    }
  }

  /// Operators that end an operand (closing fences, `!`, primes, dots): a sign after them is binary.
  static let closing: Set<String> = [
    ")", "]", "}", "|", "‖", "⟩", "⌋", "⌉", "!", "′", "″", "‴", "⟯", "⟧",
    "…", "⋯", "⋮", "⋱", "%",
  ]

  /// True when the node ends with an ordinary atom (a letter, number, closing fence…), before
  /// which TeX puts a thin space ahead of a function name (`2\log n`, `f(x)\exp(y)`).
  var endsOrdinary: Bool {
    switch self {
    case .op(let o): return MathNode.closing.contains(o.text)
    case .row(let nodes): return nodes.last?.endsOrdinary ?? false
    case .styled(_, let body): return body.endsOrdinary
    case .space, .negativeSpace, .function, .error: return false
    default: return true
    }
  }

  /// `\sum`, `\int`… possibly with scripts: TeX puts a thin space between two operators (`\max_a \sum_s`).
  var isLargeOperator: Bool {
    switch self {
    case .op(let o): return o.largeop == true
    case .scripts(let base, _, _, _): return base.isLargeOperator
    default: return false
    }
  }

  var isSpace: Bool {
    switch self {
    case .space, .negativeSpace: return true
    default: return false
    }
  }

  /// The base of an under/over construct, with `movablelimits` set on its operator.
  func withMovableLimits(_ movable: Bool) -> MathNode {
    switch self {
    case .op(var o):
      o.movablelimits = movable
      return .op(o)
    case .function(let name, _):
      return .op(
        Operator(text: name, movablelimits: movable, form: "prefix", lspace: "0", rspace: "0"))
    default:
      return self
    }
  }
}
