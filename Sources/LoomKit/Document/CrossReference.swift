/// Cross-references and citations in prose.
///
/// A note *labels* a section (`## 4.3 The agent {#sec-agent}`), a cell's figure or table (the cell's
/// `id=fig-returns`, `id=tbl-results`), a display equation (`\label{eq-bellman}` inside `$$…$$`) or a
/// cell (any `id=`); prose *refers* to it with `@sec-agent`, `@fig-returns`, `@tbl-results`,
/// `@eq-bellman`, `@cell-<id>`, or to a lecture with `@lec-06`. Labels are unique across the whole
/// series, so a reference works from any page. `[@key]`, `[@a; @b]` and author-in-text `@key` cite
/// entries of `notes/references.bib`. The reader leaves a marker where each one was; the site,
/// which knows every note, puts in the linked text ("Figure 6.3", "Eq. (4.2)", "Schulman et al. (2017)").
public struct Label: Sendable, Hashable, Codable {
  public enum Kind: String, Sendable, Codable {
    case section = "sec", figure = "fig", table = "tbl", equation = "eq", cell
  }
  public var kind: Kind
  /// As written after `@`: `fig-returns`, `cell-setup`.
  public var name: String
  /// 1-based among the note's labels of this kind (sections: 0, they show their heading's own number).
  public var number: Int
  /// The element's id on its page.
  public var anchor: String
  /// A section's heading text; a cell's index.
  public var title: String
  public var line: Int
  /// A section's number as references show it ("4.3", "5(a)"), if its heading has one.
  public var display: String? = nil
}

/// A reference or citation in a note's prose, where it is written.
public struct ReferenceUse: Sendable, Hashable, Codable {
  public enum Target: Sendable, Hashable, Codable {
    /// `@fig-x`, `@lec-06`: the label as written after `@`.
    case label(String)
    /// `[@a; @b]`; `inText` for a bare `@key` (author (year)).
    case citation([String], inText: Bool)
  }
  public var target: Target
  public var line: Int
  public var column: Int
}

enum ReferenceSyntax {
  /// The prefixes that make `@word` a cross-reference; any other `@word` is a citation key.
  static let prefixes = ["sec-", "fig-", "tbl-", "eq-", "cell-", "lec-"]
  /// The href the reader gives a link written `[text](@label)`; the site replaces it.
  static let hrefPrefix = "loom-ref:"
  static let markerOpen = "\u{1E}LOOM-REF "
  static let markerClose = "\u{1E}"

  enum Piece: Equatable {
    case text(String)
    /// The target and the piece's offset in UTF-8 bytes from the start of the scanned text.
    case reference(ReferenceUse.Target, offset: Int)
  }

  static func isKeyCharacter(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-" || c == ":" || c == ".") }

  /// A key at the start of `s` (after its `@`): a letter, then key characters; a final `.`, `:` or
  /// `-` is punctuation, not key.
  static func key(_ s: Substring) -> Substring? {
    guard let first = s.first, first.isASCII, first.isLetter else { return nil }
    var k = s.prefix { isKeyCharacter($0) }
    while let last = k.last, last == "." || last == ":" || last == "-" { k = k.dropLast() }
    return k
  }

  static func target(for key: Substring, bracketed: Bool) -> ReferenceUse.Target {
    if prefixes.contains(where: { key.hasPrefix($0) }) { return .label(String(key)) }
    return .citation([String(key)], inText: !bracketed)
  }

  /// Splits text into plain pieces and references. `@` preceded by a letter, digit or `\` (an email
  /// address, `a@b`) is plain text.
  static func scan(_ text: String) -> [Piece] {
    guard text.contains("@") else { return [.text(text)] }
    var pieces: [Piece] = []
    var plain = ""
    var i = text.startIndex
    func offset(_ index: String.Index) -> Int { text.utf8.distance(from: text.startIndex, to: index) }
    while i < text.endIndex {
      let c = text[i]
      if c == "[", let (targets, end) = bracketed(text, from: i) {
        if !plain.isEmpty { pieces.append(.text(plain)) }
        plain = ""
        pieces.append(.reference(targets, offset: offset(i)))
        i = end
        continue
      }
      if c == "@",
        i == text.startIndex || !(text[text.index(before: i)].isLetter || text[text.index(before: i)].isNumber || text[text.index(before: i)] == "\\"),
        let k = key(text[text.index(after: i)...])
      {
        if !plain.isEmpty { pieces.append(.text(plain)) }
        plain = ""
        var t = target(for: k, bracketed: false)
        var end = k.endIndex
        // `@huang2022's table`: "Huang et al.’s (2022) table".
        if case .citation(let keys, true) = t, let suffix = ["'s", "’s"].first(where: { text[end...].hasPrefix($0) }) {
          t = .citation([keys[0] + possessive], inText: true)
          end = text.index(end, offsetBy: suffix.count)
        }
        pieces.append(.reference(t, offset: offset(i)))
        i = end
        continue
      }
      plain.append(c)
      i = text.index(after: i)
    }
    if !plain.isEmpty { pieces.append(.text(plain)) }
    return pieces
  }

  /// Marks an author-in-text citation written `@key's`.
  static let possessive = "'s"
  /// Separates a citation's key from its locator (`[@sutton2018, §8.2]` → `sutton2018|§8.2`).
  static let locatorSeparator: Character = "|"

  /// A cited key as stored in a target → the bib key, its locator, and whether it is possessive.
  static func citedKey(_ s: String) -> (key: String, locator: String?, possessive: Bool) {
    var k = Substring(s)
    let isPossessive = k.hasSuffix(possessive)
    if isPossessive { k = k.dropLast(possessive.count) }
    guard let bar = k.firstIndex(of: locatorSeparator) else { return (String(k), nil, isPossessive) }
    return (String(k[..<bar]), String(k[k.index(after: bar)...]), isPossessive)
  }

  /// `[@a]`, `[@a; @b]`, `[@a, p. 4]`, `[@fig-x]` at `start`: the target and the index after `]`.
  static func bracketed(_ text: String, from start: String.Index) -> (ReferenceUse.Target, String.Index)? {
    guard let close = text[start...].firstIndex(of: "]") else { return nil }
    let inner = text[text.index(after: start)..<close]
    let parts = inner.split(separator: ";").map { $0.trimmingWhitespace() }
    guard !parts.isEmpty, parts.allSatisfy({ $0.hasPrefix("@") }) else { return nil }
    var keys: [String] = []
    for p in parts {
      guard let k = key(p.dropFirst()) else { return nil }
      let rest = p.dropFirst(k.count + 1)
      if rest.isEmpty {
        keys.append(String(k))
      } else if rest.hasPrefix(","), !rest.contains(locatorSeparator) {
        // A locator: `[@sutton2018, §8.2]`.
        keys.append(String(k) + String(locatorSeparator) + String(rest.dropFirst()).trimmingWhitespace())
      } else {
        return nil
      }
    }
    let after = text.index(after: close)
    // `[@fig-x]` is a reference in brackets only when it stands alone.
    if keys.count == 1, !keys[0].contains(locatorSeparator), case .label(let l) = target(for: Substring(keys[0]), bracketed: true) {
      return (.label(l), after)
    }
    guard keys.allSatisfy({ k in !prefixes.contains { k.hasPrefix($0) } }) else { return nil }
    return (.citation(keys, inText: false), after)
  }

  /// The marker the reader leaves for the site: the target, encoded.
  static func marker(_ target: ReferenceUse.Target) -> String {
    switch target {
    case .label(let l): return markerOpen + "x " + l + markerClose
    case .citation(let keys, let inText): return markerOpen + (inText ? "t " : "c ") + keys.joined(separator: ";") + markerClose
    }
  }

  /// The targets of the markers in `html`, with their ranges.
  static func markers(in html: String) -> [(Range<String.Index>, ReferenceUse.Target)] {
    var out: [(Range<String.Index>, ReferenceUse.Target)] = []
    var from = html.startIndex
    while let open = html.range(of: markerOpen, range: from..<html.endIndex),
      let close = html.range(of: markerClose, range: open.upperBound..<html.endIndex)
    {
      let body = html[open.upperBound..<close.lowerBound]
      let payload = String(body.dropFirst(2))
      switch body.prefix(2) {
      case "x ": out.append((open.lowerBound..<close.upperBound, .label(payload)))
      case "t ": out.append((open.lowerBound..<close.upperBound, .citation([payload], inText: true)))
      default: out.append((open.lowerBound..<close.upperBound, .citation(payload.split(separator: ";").map(String.init), inText: false)))
      }
      from = close.upperBound
    }
    return out
  }
}
