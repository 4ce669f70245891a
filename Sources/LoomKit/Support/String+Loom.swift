import Foundation

extension StringProtocol {
  /// The string without leading and trailing spaces, tabs and newlines.
  func trimmingWhitespace() -> String { String(trimmingWhitespaceSubstring()) }

  func trimmingWhitespaceSubstring() -> SubSequence {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
      return self[endIndex...]
    }
    return self[first...last]
  }
}

extension String {
  /// Text made safe for HTML element content and attribute values.
  var htmlEscaped: String {
    var out = ""
    out.reserveCapacity(utf8.count)
    for ch in unicodeScalars {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.unicodeScalars.append(ch)
      }
    }
    return out
  }

  /// A URL-fragment-safe slug: "4. The Code (That Runs)" → "4-the-code-that-runs".
  var slugified: String {
    var out = ""
    var dash = false
    for ch in lowercased() {
      if ch.isLetter || ch.isNumber {
        out.append(ch)
        dash = false
      } else if !out.isEmpty, !dash {
        out.append("-")
        dash = true
      }
    }
    while out.hasSuffix("-") { out.removeLast() }
    return out.isEmpty ? "section" : out
  }
}

extension String {
  /// A JSON / JavaScript string literal, safe inside a `<script>` element (no `</script>`).
  var jsonQuoted: String {
    var out = "\""
    for u in unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "<": out += "\\u003c"
      case "\u{2028}": out += "\\u2028"
      case "\u{2029}": out += "\\u2029"
      default:
        if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
      }
    }
    return out + "\""
  }
}
