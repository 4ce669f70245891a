// Sub- and superscripts, primes and `\limits`.

extension Parser {
  // MARK: - Scripts

  mutating func parseScripts(_ atom: MathNode, _ placement: ScriptPlacement) -> MathNode {
    var placement = placement
    // Repeated scripts (a malformed `x^a^b^c…`) are collected flat, so a long run of them makes one
    // wide row, not a deep tree that recursion over it would overflow the stack on.
    var subs: [MathNode] = []
    var sups: [MathNode] = []
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
        if !sups.isEmpty { problem("prime after a superscript at offset \(t.start)") }
        primes += 1
      case .superscript, .subscript:
        next()
        let isSup = t.kind == .superscript
        if !(isSup ? sups : subs).isEmpty {
          problem("double \(isSup ? "superscript" : "subscript") at offset \(t.start)")
        }
        let arg = parseScriptArgument(t)
        if isSup, sups.isEmpty, arg == .identifier("′", upright: true) {
          primes += 1  // x^{\prime} is x'
          continue
        }
        if isSup { sups.append(arg) } else { subs.append(arg) }
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
    let sub: MathNode? = subs.isEmpty ? nil : subs.count == 1 ? subs[0] : .row(subs)
    let sup: MathNode? = sups.isEmpty ? nil : sups.count == 1 ? sups[0] : .row(sups)
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
