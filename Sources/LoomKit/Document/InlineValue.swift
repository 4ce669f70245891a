/// An inline value in prose, knitr/Quarto style: `` `{swift} expr` `` or
/// `` `{swift} expr, format: "%.1f"` ``. It is evaluated in the note's program right after the last
/// cell above it, and the page shows its value in place, so a number in a sentence is never typed
/// by hand.
public struct InlineValue: Sendable, Hashable, Codable {
  /// What a code span starts with to be an inline value.
  public static let prefix = "{swift}"

  /// 1-based position among the note's inline values.
  public var index: Int
  /// The Swift expression.
  public var expression: String
  /// A `String(format:)` format (its Swift string-literal body, escapes kept), if given.
  public var format: String?
  /// Where the expression starts in the Markdown: line, and column in UTF-8 bytes (as swiftc counts).
  public var line: Int
  public var column: Int
  /// The last cell above it (0: none; it is evaluated before the first cell).
  public var afterCell: Int

  /// The placeholder the reader leaves in the prose HTML; the weaver puts the value there.
  public var placeholder: String { "\u{1E}LOOM-INLINE \(index)\u{1E}" }

  /// Splits a code span's text (`{swift} x, format: "%.2f"`) into expression and format; nil
  /// expression when it is empty.
  static func parse(_ literal: String) -> (expression: String, format: String?)? {
    var body = Substring(literal.dropFirst(prefix.count))
    while body.first == " " { body = body.dropFirst() }
    while body.last == " " { body = body.dropLast() }
    guard !body.isEmpty else { return nil }
    // A trailing `, format: "…"` (a plain Swift string literal, escapes allowed).
    if body.hasSuffix("\""), let r = body.range(of: "format:", options: .backwards) {
      let before = body[..<r.lowerBound].trimmingWhitespaceSubstring()
      var literal = body[r.upperBound...].trimmingWhitespaceSubstring()
      if before.hasSuffix(","), literal.count >= 2, literal.hasPrefix("\"") {
        literal = literal.dropFirst().dropLast()
        var escaped = false, clean = true
        for ch in literal {
          if escaped { escaped = false; continue }
          if ch == "\\" { escaped = true } else if ch == "\"" { clean = false }
        }
        let expression = before.dropLast().trimmingWhitespaceSubstring()
        if clean, !escaped, !expression.isEmpty { return (String(expression), String(literal)) }
      }
    }
    return (String(body), nil)
  }
}
