/// What raw HTML a note's prose may carry — about what GitHub lets through in a README.
///
/// Raw HTML is useful in notes (`<details>`, `<kbd>`, `<sub>`, a `<table>` with `colspan`), so it is
/// kept, but only as a fixed set of tags with a fixed set of attributes. Everything else is shown as
/// text: `<script>`, `<style>`, `<iframe>`, `<form>`, `<object>`, event handlers (`onclick=`…),
/// `style=`, and any URL whose scheme is not http, https or mailto (`javascript:`, `data:`,
/// `vbscript:`). So no page runs a script that Loom did not ship.
enum HTMLSanitizer {
  static let allowedTags: Set<String> = [
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup",
    "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "rp", "rt", "ruby", "s",
    "samp", "small", "source", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
  ]
  static let allowedAttributes: Set<String> = [
    "abbr", "align", "alt", "cite", "class", "colspan", "datetime", "dir", "height", "href", "id", "lang",
    "name", "open", "rel", "reversed", "rowspan", "scope", "span", "src", "srcset", "start", "summary",
    "title", "type", "valign", "width",
  ]
  static let urlAttributes: Set<String> = ["href", "src", "cite", "srcset"]

  /// Tags a paragraph's raw HTML may open (text-level elements): one left open at the end of its
  /// paragraph, heading or table cell would, by HTML's parsing rules, be reopened in every block
  /// after it (an unclosed `<a href>` turns the rest of the page into one link), so it is closed there.
  static let inlineTags: Set<String> = [
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q", "rp",
    "rt", "ruby", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var",
  ]

  /// The closing tags for the text-level elements that `fragments` (raw HTML, in order, as the
  /// sanitiser rebuilt it) open and do not close; "" when they are balanced.
  static func closingTags(for fragments: [String]) -> String {
    var open: [String] = []
    for fragment in fragments {
      let b = Array(fragment.utf8)
      var i = 0
      while i < b.count {
        guard b[i] == UInt8(ascii: "<") else { i += 1; continue }
        var j = i + 1
        let closing = j < b.count && b[j] == UInt8(ascii: "/")
        if closing { j += 1 }
        let nameStart = j
        while j < b.count, (b[j] | 0x20) >= UInt8(ascii: "a"), (b[j] | 0x20) <= UInt8(ascii: "z") || (b[j] >= UInt8(ascii: "0") && b[j] <= UInt8(ascii: "9")) {
          j += 1
        }
        let name = String(decoding: b[nameStart..<j], as: UTF8.self).lowercased()
        while j < b.count, b[j] != UInt8(ascii: ">") { j += 1 }
        let selfClosing = j > 0 && j < b.count && b[j - 1] == UInt8(ascii: "/")
        i = j + 1
        guard inlineTags.contains(name), !selfClosing else { continue }
        if !closing {
          open.append(name)
        } else if let k = open.lastIndex(of: name) {
          open.removeSubrange(k...)
        }
      }
    }
    return open.reversed().map { "</\($0)>" }.joined()
  }

  /// The attribute value at `i` (after `=` and any spaces): in double or single quotes, or up to a
  /// space or `>`; nil at the end of the input or when its quote is never closed. Leaves `i` after it.
  static func attributeValue(_ b: [UInt8], _ i: inout Int) -> String? {
    guard i < b.count else { return nil }
    let start: Int
    if b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") {
      let quote = b[i]
      i += 1
      start = i
      while i < b.count, b[i] != quote { i += 1 }
      guard i < b.count else { return nil }
      defer { i += 1 }
      return String(decoding: b[start..<i], as: UTF8.self)
    }
    start = i
    while i < b.count, !isSpace(b[i]), b[i] != UInt8(ascii: ">") { i += 1 }
    return String(decoding: b[start..<i], as: UTF8.self)
  }

  /// True when `url` may be followed from a page: relative, a fragment, or http(s)/mailto.
  static func isSafeURL(_ url: String) -> Bool {
    // Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:").
    let cleaned = url.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }
    let s = String(String.UnicodeScalarView(cleaned)).lowercased()
    guard let colon = s.firstIndex(of: ":") else { return true }
    // A colon after the first '/', '?' or '#' is not a scheme's.
    if let other = s.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }), other < colon { return true }
    let scheme = s[..<colon]
    // Only letters, digits, '+', '.', '-' (a letter first) make a scheme; `foo):` or `a_b:c` is a
    // relative URL, as a browser reads it.
    guard let first = scheme.first, first.isASCII, first.isLetter,
      scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) })
    else { return true }
    return scheme == "http" || scheme == "https" || scheme == "mailto"
  }

  /// `html` (a raw HTML block or inline tag from Markdown) with every tag outside the allowlist
  /// escaped to text, and every attribute outside it removed.
  static func sanitize(_ html: String) -> String {
    let b = Array(html.utf8)
    var out = ""
    out.reserveCapacity(b.count)
    var i = 0
    var textStart = 0
    func flushText(_ end: Int) { if end > textStart { out += String(decoding: b[textStart..<end], as: UTF8.self) } }
    while i < b.count {
      guard b[i] == UInt8(ascii: "<") else { i += 1; continue }
      flushText(i)
      if let (tag, end) = parseTag(b, at: i) {
        out += tag
        i = end
      } else if let end = comment(b, at: i) {
        i = end  // comments are dropped
      } else {
        out += "&lt;"
        i += 1
      }
      textStart = i
    }
    flushText(b.count)
    return out
  }

  /// `<!-- … -->` starting at `i`: the index after it.
  private static func comment(_ b: [UInt8], at i: Int) -> Int? {
    let open = Array("<!--".utf8), close = Array("-->".utf8)
    guard b[i...].starts(with: open) else { return nil }
    var j = i + open.count
    while j + close.count <= b.count {
      if b[j..<(j + close.count)].elementsEqual(close) { return j + close.count }
      j += 1
    }
    return nil
  }

  /// An allowed tag at `i`, rebuilt with its allowed attributes; nil when it is not one.
  private static func parseTag(_ b: [UInt8], at start: Int) -> (String, Int)? {
    var i = start + 1
    var closing = false
    if i < b.count, b[i] == UInt8(ascii: "/") { closing = true; i += 1 }
    let nameStart = i
    while i < b.count, isNameByte(b[i]) { i += 1 }
    guard i > nameStart else { return nil }
    let name = String(decoding: b[nameStart..<i], as: UTF8.self).lowercased()
    guard allowedTags.contains(name) else { return nil }
    var attributes: [(String, String?)] = []
    var selfClosing = false
    while true {
      while i < b.count, isSpace(b[i]) { i += 1 }
      guard i < b.count else { return nil }
      if b[i] == UInt8(ascii: ">") { i += 1; break }
      if b[i] == UInt8(ascii: "/"), i + 1 < b.count, b[i + 1] == UInt8(ascii: ">") { selfClosing = true; i += 2; break }
      let aStart = i
      while i < b.count, !isSpace(b[i]), b[i] != UInt8(ascii: "="), b[i] != UInt8(ascii: ">"), b[i] != UInt8(ascii: "/") { i += 1 }
      guard i > aStart else { return nil }
      let attr = String(decoding: b[aStart..<i], as: UTF8.self).lowercased()
      while i < b.count, isSpace(b[i]) { i += 1 }
      var value: String? = nil
      if i < b.count, b[i] == UInt8(ascii: "=") {
        i += 1
        while i < b.count, isSpace(b[i]) { i += 1 }
        guard let v = attributeValue(b, &i) else { return nil }
        value = v
      }
      attributes.append((attr, value))
    }
    var tag = closing ? "</" + name : "<" + name
    if !closing {
      for (attr, value) in attributes where allowedAttributes.contains(attr) {
        if let value {
          let decoded = decodeEntities(value)
          if urlAttributes.contains(attr), !isSafeURL(decoded) { continue }
          tag += " \(attr)=\"\(escapedAttribute(value))\""
        } else {
          tag += " \(attr)"
        }
      }
    }
    tag += selfClosing ? " />" : ">"
    return (tag, i)
  }

  private static func isNameByte(_ c: UInt8) -> Bool {
    (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-")
  }
  private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C }

  static let namedEntities: [String: Unicode.Scalar] = [
    "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "colon": ":", "tab": "\t", "newline": "\n",
  ]

  /// An attribute value, escaped for a double-quoted attribute: what `decodeEntities` decodes is
  /// written escaped, and any other entity reference (`&ouml;`) is kept as written, so the browser
  /// reads the value the note meant.
  static func escapedAttribute(_ raw: String) -> String {
    var out = ""
    var rest = Substring(raw)
    while let amp = rest.firstIndex(of: "&") {
      out += String(rest[..<amp]).htmlEscaped
      let after = rest[rest.index(after: amp)...]
      if let semi = after.prefix(32).firstIndex(of: ";"), !after[..<semi].isEmpty,
        after[..<semi].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "#") })
      {
        let reference = String(rest[amp...semi])
        let decoded = decodeEntities(reference)
        out += decoded == reference ? reference : decoded.htmlEscaped
        rest = after[after.index(after: semi)...]
      } else {
        out += "&amp;"
        rest = after
      }
    }
    return out + String(rest).htmlEscaped
  }

  /// The few entities an attribute value needs decoded before it is checked and re-escaped
  /// (`&#106;avascript:` must not slip through as text the browser decodes later).
  static func decodeEntities(_ s: String) -> String {
    guard s.contains("&") else { return s }
    var out = ""
    var rest = Substring(s)
    while let amp = rest.firstIndex(of: "&") {
      out += rest[..<amp]
      let after = rest[rest.index(after: amp)...]
      guard let semi = after.prefix(12).firstIndex(of: ";") else { out += "&"; rest = after; continue }
      let body = after[..<semi]
      var scalar: Unicode.Scalar? = nil
      if body.hasPrefix("#x") || body.hasPrefix("#X") {
        scalar = UInt32(body.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
      } else if body.hasPrefix("#") {
        scalar = UInt32(body.dropFirst()).flatMap(Unicode.Scalar.init)
      } else {
        scalar = namedEntities[String(body)]
      }
      if let scalar { out.unicodeScalars.append(scalar) } else { out += "&" + body + ";" }
      rest = after[after.index(after: semi)...]
    }
    return out + rest
  }
}
