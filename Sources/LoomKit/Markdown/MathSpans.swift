/// TeX math in prose: `$…$` inline, `$$…$$` display.
///
/// Math is an inline construct of cmark-gfm's own parser (a syntax extension, registered in
/// CMark.swift), with the precedence of a code span: cmark-gfm decides where code blocks, indented
/// code, code spans, link destinations, autolinks and raw HTML are, and only text it parses as
/// inline content ever reaches these rules. Inside math, Markdown does nothing (`\\`, `_`, `*`, `\{`
/// stay TeX). This file holds the delimiter rules; CMark.swift applies them to the parser's bytes.
enum MathSpans {
  /// A math span found by the parser.
  struct Span: Sendable, Equatable {
    var tex: String
    var display: Bool
    /// 1-based Markdown line of the opening dollar.
    var line: Int
  }

  /// Where the math that opens at `start` (a `$`) ends: the offset just past the closing
  /// delimiter, whether it is display math, and the TeX between the delimiters; nil when this
  /// dollar does not open math (an escaped or lone dollar, prices: `$5 and $10`).
  ///
  /// The rules: `$$` opens display math, closed by the next `$$`; `$` opens inline math when the
  /// next character is not a space, and the next `$` closes it when it follows a non-space and is
  /// not followed by a digit. A backslash escapes the character after it (`\$` inside math). The
  /// search stops at the first dollar after the opening one, so every dollar is looked at once.
  /// Math never reaches into a code span, a link's destination or an autolink: a backtick, `](` or
  /// the start of an autolink (`<https:`) before the closing dollar means this dollar is text
  /// (``costs $10, see `$x` here``), as TeX has no use for them.
  /// - Parameter byte: the byte at an offset of the parser's text, nil past its end.
  static func close(at start: Int, byte: (Int) -> UInt8?) -> (end: Int, display: Bool, tex: ClosedRange<Int>?)? {
    let dollar = UInt8(ascii: "$"), backslash = UInt8(ascii: "\\")
    let display = byte(start + 1) == dollar
    var j = start + (display ? 2 : 1)
    guard let first = byte(j) else { return nil }
    if !display, isSpace(first) { return nil }
    while let c = byte(j) {
      if c == backslash { j += 2; continue }
      if c == UInt8(ascii: "`") || (c == UInt8(ascii: "]") && byte(j + 1) == UInt8(ascii: "(")) { return nil }
      if c == UInt8(ascii: "<"), startsAutolink(at: j + 1, byte: byte) { return nil }
      if c == dollar {
        if display {
          guard byte(j + 1) == dollar else { return nil }
          let inner = (start + 2)..<j
          // `$$$$` or `$$ $$`: not math.
          guard inner.contains(where: { byte($0).map { !isSpace($0) } ?? false }) else { return nil }
          return (j + 2, true, (start + 2)...(j - 1))
        }
        guard let before = byte(j - 1), !isSpace(before), j - 1 > start else { return nil }
        if let after = byte(j + 1), after >= UInt8(ascii: "0"), after <= UInt8(ascii: "9") { return nil }
        return (j + 1, false, (start + 1)...(j - 1))
      }
      j += 1
    }
    return nil
  }

  /// CommonMark's URI autolink after a `<`: a scheme of 2–32 letters, digits, `+`, `.`, `-` (a letter
  /// first), a colon, then no space, `<` or control character up to a `>`.
  private static func startsAutolink(at start: Int, byte: (Int) -> UInt8?) -> Bool {
    func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") }
    guard let first = byte(start), isLetter(first) else { return false }
    var j = start + 1
    while let c = byte(j),
      isLetter(c) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
    {
      j += 1
    }
    guard (2...32).contains(j - start), byte(j) == UInt8(ascii: ":") else { return false }
    j += 1
    while let c = byte(j) {
      if c == UInt8(ascii: ">") { return true }
      if c <= 0x20 || c == UInt8(ascii: "<") || c == 0x7F { return false }
      j += 1
    }
    return false
  }

  private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
}
