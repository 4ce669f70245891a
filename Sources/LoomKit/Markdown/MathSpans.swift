/// Finds TeX math in Markdown (`$…$`, `$$…$$`) outside code, and swaps it for placeholders before
/// cmark-gfm sees the text, so Markdown never mangles TeX (`\\`, `_`, `*`, `\{`). Placeholders keep
/// every line where it was, so cmark's line numbers — and thus cell locations — are unchanged.
struct MathSpans {
  struct Span: Sendable {
    var tex: String
    var display: Bool
    /// 1-based line of the opening dollar, for warnings.
    var line: Int
  }

  static let prefix = "LOOMMATH"
  static let continuation = "LOOMMATHC"

  var spans: [Span] = []
  var text: String = ""

  /// Protects math in `markdown`. Fenced code blocks and inline code spans are left alone, as are
  /// escaped dollars (`\$`) and dollars that do not look like math (`$5 and $10`).
  init(protecting markdown: String) {
    let chars = Array(markdown)
    var out = ""
    out.reserveCapacity(chars.count)
    var i = 0
    var line = 1
    var atLineStart = true
    var fence: (char: Character, count: Int)? = nil

    func lineEnd(from j: Int) -> Int {
      var k = j
      while k < chars.count, chars[k] != "\n" { k += 1 }
      return k
    }

    while i < chars.count {
      let c = chars[i]
      if atLineStart {
        // Fenced code: copy whole lines verbatim until the closing fence.
        var j = i, spaces = 0
        while j < chars.count, chars[j] == " ", spaces < 4 { j += 1; spaces += 1 }
        if spaces < 4, j < chars.count, chars[j] == "`" || chars[j] == "~" {
          let fc = chars[j]
          var n = 0
          while j + n < chars.count, chars[j + n] == fc { n += 1 }
          if let f = fence {
            if fc == f.char, n >= f.count { fence = nil }
          } else if n >= 3 {
            fence = (fc, n)
          }
          if n >= 3 || fence != nil {
            let end = lineEnd(from: i)
            out.append(contentsOf: chars[i..<end])
            i = end
            atLineStart = false
            continue
          }
        }
        if fence != nil {
          let end = lineEnd(from: i)
          out.append(contentsOf: chars[i..<end])
          i = end
          atLineStart = false
          continue
        }
      }
      atLineStart = false
      if c == "\n" {
        out.append(c); line += 1; atLineStart = true; i += 1
        continue
      }
      if c == "\\", i + 1 < chars.count {
        out.append(c); out.append(chars[i + 1])
        if chars[i + 1] == "\n" { line += 1; atLineStart = true }
        i += 2
        continue
      }
      if c == "`" {
        var n = 0
        while i + n < chars.count, chars[i + n] == "`" { n += 1 }
        if let close = MathSpans.findBacktickRun(chars, from: i + n, length: n) {
          for k in i..<(close + n) {
            out.append(chars[k])
            if chars[k] == "\n" { line += 1 }
          }
          i = close + n
        } else {
          out.append(contentsOf: chars[i..<(i + n)])
          i += n
        }
        continue
      }
      if c == "$" {
        let display = i + 1 < chars.count && chars[i + 1] == "$"
        if let (end, tex) = MathSpans.findClose(chars, from: i, display: display) {
          let index = spans.count
          spans.append(Span(tex: tex, display: display, line: line))
          out += "\(MathSpans.prefix)\(index)X"
          // Keep line structure: one continuation token per newline inside the math.
          for k in i..<end where chars[k] == "\n" {
            out += "\n\(MathSpans.continuation)"
            line += 1
          }
          i = end
          continue
        }
      }
      out.append(c)
      i += 1
    }
    text = out
  }

  /// Index of the next run of exactly `length` backticks at or after `from`, or nil.
  private static func findBacktickRun(_ chars: [Character], from: Int, length: Int) -> Int? {
    var j = from
    while j < chars.count {
      if chars[j] == "`" {
        var n = 0
        while j + n < chars.count, chars[j + n] == "`" { n += 1 }
        if n == length { return j }
        j += n
      } else {
        // An inline code span never crosses a blank line.
        if chars[j] == "\n", j + 1 < chars.count, chars[j + 1] == "\n" { return nil }
        j += 1
      }
    }
    return nil
  }

  /// For math opening at `start`: the index just past the closing delimiter, and the TeX inside.
  private static func findClose(_ chars: [Character], from start: Int, display: Bool) -> (Int, String)? {
    let open = display ? 2 : 1
    var j = start + open
    guard j < chars.count else { return nil }
    if !display, chars[j] == " " || chars[j] == "\n" || chars[j] == "\t" { return nil }
    while j < chars.count {
      let c = chars[j]
      if c == "\\" { j += 2; continue }
      if c == "\n", j + 1 < chars.count, chars[j + 1] == "\n" { return nil }  // blank line ends a paragraph
      if c == "\n", j + 1 < chars.count, chars[j + 1] == "\r" { return nil }
      if c == "$" {
        if display {
          if j + 1 < chars.count, chars[j + 1] == "$" {
            let tex = String(chars[(start + 2)..<j])
            return tex.trimmingWhitespace().isEmpty ? nil : (j + 2, tex)
          }
          return nil
        }
        let before = chars[j - 1]
        if before == " " || before == "\t" || before == "\n" { return nil }
        if j + 1 < chars.count, chars[j + 1].isNumber { return nil }
        return (j + 1, String(chars[(start + 1)..<j]))
      }
      j += 1
    }
    return nil
  }

  /// Replaces placeholders in `html` (and the continuation tokens after them) using `render`.
  static func substitute(in html: String, spans: [Span], render: (Span) -> String) -> String {
    guard !spans.isEmpty, html.contains(prefix) else { return html }
    var out = ""
    var rest = Substring(html)
    while let r = rest.range(of: prefix) {
      out += rest[..<r.lowerBound]
      var k = r.upperBound
      var digits = ""
      while k < rest.endIndex, rest[k].isNumber { digits.append(rest[k]); k = rest.index(after: k) }
      guard let index = Int(digits), index < spans.count, k < rest.endIndex, rest[k] == "X" else {
        out += rest[r]
        rest = rest[r.upperBound...]
        continue
      }
      k = rest.index(after: k)
      // Swallow "\nLOOMMATHC" continuations (cmark renders soft breaks as "\n"; in a table or
      // heading they may come out as spaces).
      while true {
        var m = k
        while m < rest.endIndex, rest[m] == "\n" || rest[m] == " " { m = rest.index(after: m) }
        if rest[m...].hasPrefix(continuation) {
          k = rest.index(m, offsetBy: continuation.count)
        } else {
          break
        }
      }
      out += render(spans[index])
      rest = rest[k...]
    }
    out += rest
    return out
  }
}

extension Substring {
  func range(of needle: String) -> Range<Index>? {
    guard let first = needle.first else { return nil }
    var i = startIndex
    while i < endIndex {
      if self[i] == first, self[i...].hasPrefix(needle) {
        return i..<self.index(i, offsetBy: needle.count)
      }
      i = index(after: i)
    }
    return nil
  }
}
