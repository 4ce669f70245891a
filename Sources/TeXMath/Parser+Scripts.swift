// Sub- and superscripts, primes and `\limits`.

extension Parser {
  // MARK: - Scripts

  mutating func parseScripts(_ atom: MathNode, _ placement: ScriptPlacement) -> MathNode {
    var placement = placement
    var sub: MathNode? = nil
    var sup: MathNode? = nil
    var primes = 0
    loop: while true {
      let t = peek
      switch t.kind {
      case .command("limits"):
        next()
        placement = .always
      case .command("nolimits"):
        next()
        placement = .beside
      case .char("'"):
        next()
        if sup != nil { problem("prime after a superscript at offset \(t.start)") }
        primes += 1
      case .superscript, .subscript:
        next()
        let isSup = t.kind == .superscript
        if (isSup ? sup : sub) != nil {
          problem("double \(isSup ? "superscript" : "subscript") at offset \(t.start)")
        }
        let arg = parseScriptArgument(t)
        if isSup, sup == nil, arg == .identifier("′", upright: true) {
          primes += 1  // x^{\prime} is x'
          continue
        }
        if isSup {
          sup = sup.map { .row([$0, arg]) } ?? arg
        } else {
          sub = sub.map { .row([$0, arg]) } ?? arg
        }
      default:
        break loop
      }
    }
    var base = atom
    if primes > 0 {
      // The prime glyph is already raised; as a script it would sit too high and too small.
      let text = ["′", "″", "‴", "⁗"][min(primes, 4) - 1]
      base = .row([atom, .op(Operator(text: text, lspace: "0", rspace: "0"))])
    }
    if sub == nil && sup == nil { return base }
    return .scripts(base: base, sub: sub, sup: sup, placement: placement)
  }

  private mutating func parseScriptArgument(_ marker: Token) -> MathNode {
    let t = peek
    switch t.kind {
    case .superscript, .subscript, .eof, .align, .endGroup:
      problem(
        "missing \(marker.kind == .superscript ? "superscript" : "subscript") after '\(raw(marker.start, marker.end))' at offset \(marker.start)"
      )
      return .empty
    default:
      if stopKind(t) != nil, t.kind != .char("]") {
        problem("missing script after '\(raw(marker.start, marker.end))' at offset \(marker.start)")
        return .empty
      }
      return parseArgument(for: marker.kind == .superscript ? "^" : "_")
    }
  }
}
