import TeXMath

/// Reads a note: front matter, prose rendered by cmark-gfm (with math converted to MathML),
/// and ```swift cells with their options and exact Markdown lines.
///
/// ```swift
/// let (note, diagnostics) = NoteReader().read(markdown, path: "notes/01-mdps-bellman.md")
/// ```
public struct NoteReader: Sendable {
  public init() {}

  /// Reads `markdown` (the contents of the file at `path`, relative to the project root).
  /// Problems in the note come back as diagnostics; reading itself never fails.
  public func read(_ markdown: String, path: String) -> (Note, [Diagnostic]) {
    var diagnostics: [Diagnostic] = []
    let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
    let (frontMatter, body, fmDiagnostics) = Self.frontMatter(lines, path: path)
    diagnostics += fmDiagnostics

    let math = MathSpans(protecting: body)
    // Inline values (`{swift} expr`): found in the raw lines in document order, to know the exact
    // line and column of each expression for diagnostics.
    var inlines: [InlineValue] = []
    var cursor = (line: 0, byte: 0)
    let mdBlocks = CMark.topLevelBlocks(math.text, rewriteURL: Self.rewriteNoteLink) { literal, start, end in
      var line = start, column = 1
      let first = max(start, cursor.line), last = max(start, end)
      search: for l in stride(from: first, through: last, by: 1) {
        guard let text = lines[safe: l - 1] else { break }
        let bytes = Array(text.utf8)
        let from = l == cursor.line ? cursor.byte : 0
        let needle = Array(InlineValue.prefix.utf8)
        var i = from
        while i + needle.count <= bytes.count {
          if bytes[i..<(i + needle.count)].elementsEqual(needle) {
            var j = i + needle.count
            while j < bytes.count, bytes[j] == 0x20 { j += 1 }
            line = l; column = j + 1
            cursor = (l, i + needle.count)
            break search
          }
          i += 1
        }
      }
      let index = inlines.count + 1
      guard let (expression, format) = InlineValue.parse(literal) else {
        diagnostics.append(Diagnostic(.error, "an inline value needs a Swift expression after {swift}, e.g. `{swift} 6 * 7`", at: SourceLocation(file: path, line: line, column: column)))
        return "<code>\(literal.htmlEscaped)</code>"
      }
      let value = InlineValue(index: index, expression: expression, format: format, line: line, column: column, afterCell: 0)
      inlines.append(value)
      return value.placeholder
    }

    var blocks: [Block] = []
    var usedIDs: [String: Int] = [:]
    var cellCount = 0
    var lastWasCell = false

    func renderMath(_ html: String) -> String {
      MathSpans.substitute(in: html, spans: math.spans) { span in
        let (mathML, problems) = TeXMath.convert(span.tex, display: span.display)
        let refusal = TeXMath.refusal(span.tex)
        for p in problems {
          diagnostics.append(Diagnostic(p == refusal ? .error : .warning, "math: \(p)", at: SourceLocation(file: path, line: span.line)))
        }
        return mathML
      }
    }
    func plainMath(_ text: String) -> String {
      MathSpans.substitute(in: text, spans: math.spans) { $0.tex }
    }
    func appendProse(html: String, text: String, heading: Heading? = nil) {
      if case .prose(var p)? = blocks.last {
        p.html += html
        p.text += text
        if let heading { p.headings.append(heading) }
        blocks[blocks.count - 1] = .prose(p)
      } else {
        blocks.append(.prose(Prose(html: html, headings: heading.map { [$0] } ?? [], text: text)))
      }
    }

    for block in mdBlocks {
      switch block.kind {
      case .fencedCode(let info, let literal):
        let (language, rest, restColumn) = Self.splitInfo(info, fenceLine: lines[safe: block.startLine - 1])
        if language == "swift" {
          cellCount += 1
          let loc = SourceLocation(file: path, line: block.startLine, column: restColumn)
          let (options, optDiagnostics) = CellOptions.parse(rest, location: loc)
          diagnostics += optDiagnostics
          var cell = Cell(index: cellCount, options: options, source: literal, fenceLine: block.startLine)
          if let id = options.id {
            if let other = usedIDs[id] {
              diagnostics.append(Diagnostic(.error, "duplicate cell id '\(id)' (also used by the cell at line \(other))", at: loc))
            }
            usedIDs[id] = block.startLine
          }
          if cell.source.isEmpty { cell.source = "" }
          blocks.append(.cell(cell))
          lastWasCell = true
          continue
        }
        if language == "output", lastWasCell, case .cell(var cell)? = blocks.last {
          let loc = SourceLocation(file: path, line: block.startLine, column: restColumn)
          var tolerance: Double? = nil
          for token in CellOptions.tokenize(rest) {
            var tloc = loc
            tloc.column += token.offset
            if token.key == "tolerance", let v = token.value.flatMap(Double.init), v >= 0 {
              tolerance = v
            } else {
              diagnostics.append(Diagnostic(.error, "unknown or malformed output option '\(token.key)'; the only option is tolerance=<relative tolerance>, e.g. tolerance=1e-6", at: tloc))
            }
          }
          if cell.options.volatile {
            diagnostics.append(Diagnostic(.error, "cell \(cell.index) is marked 'volatile' (its output changes from run to run), so it cannot have an ```output block; assert what must hold with check(...) instead", at: SourceLocation(file: path, line: block.startLine)))
          }
          cell.expectedOutput = ExpectedOutput(text: literal, fenceLine: block.startLine, endLine: block.endLine, tolerance: tolerance)
          blocks[blocks.count - 1] = .cell(cell)
          lastWasCell = false
          continue
        }
        lastWasCell = false
        if language == "math" {
          let tex = plainMath(literal)
          let (mathML, problems) = TeXMath.convert(tex, display: true)
          let refusal = TeXMath.refusal(tex)
          for p in problems {
            diagnostics.append(Diagnostic(p == refusal ? .error : .warning, "math: \(p)", at: SourceLocation(file: path, line: block.startLine)))
          }
          appendProse(html: "<div class=\"math-display\">\(mathML)</div>\n", text: tex + "\n")
        } else {
          let code = plainMath(literal)
          let cls = language.isEmpty ? "" : " class=\"language-\(language.htmlEscaped)\""
          appendProse(html: "<pre class=\"code\"><code\(cls)>\(code.htmlEscaped)</code></pre>\n", text: code)
        }
      case .heading(let level, let text, let innerHTML):
        lastWasCell = false
        let plain = plainMath(text)
        var id = plain.slugified
        if let n = usedIDs[id] {
          usedIDs[id] = n + 1
          id += "-\(n + 1)"
        } else {
          usedIDs[id] = 1
        }
        let heading = Heading(level: level, text: plain, id: id)
        let html = "<h\(level) id=\"\(id)\">\(renderMath(innerHTML))<a class=\"anchor\" href=\"#\(id)\" aria-label=\"Link to this section\">#</a></h\(level)>\n"
        appendProse(html: html, text: plain + "\n", heading: heading)
      case .other(let html, let text):
        lastWasCell = false
        appendProse(html: renderMath(html), text: plainMath(text))
      }
    }

    let file = path.split(separator: "/").last.map(String.init) ?? path
    let slug = file.hasSuffix(".md") ? String(file.dropLast(3)) : file
    // Each inline value is evaluated after the last cell above it.
    let fences = blocks.compactMap { if case .cell(let c) = $0 { return c.fenceLine } else { return nil } }
    for i in inlines.indices { inlines[i].afterCell = fences.filter { $0 < inlines[i].line }.count }
    let note = Note(path: path, slug: slug, frontMatter: frontMatter, blocks: blocks, lines: lines, inlines: inlines)
    diagnostics += CellLint.diagnostics(in: note)
    return (note, diagnostics)
  }

  /// Relative links to `x.md` (optionally `#anchor`) become `x.html`, so notes link to each other
  /// the way they do on GitHub and the site keeps working.
  static func rewriteNoteLink(_ url: String) -> String {
    if url.contains("://") || url.hasPrefix("/") || url.hasPrefix("mailto:") { return url }
    let parts = url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
    guard let target = parts.first, target.hasSuffix(".md") else { return url }
    var out = String(target.dropLast(3)) + ".html"
    if parts.count == 2 { out += "#" + parts[1] }
    return out
  }

  /// Splits an info string into language and the rest, with the 1-based column of the rest on the
  /// fence line (for diagnostics).
  static func splitInfo(_ info: String, fenceLine: Substring?) -> (String, String, Int) {
    let trimmed = info.trimmingWhitespace()
    let language: String
    let rest: String
    if let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) {
      language = String(trimmed[..<space])
      rest = String(trimmed[space...]).trimmingWhitespace()
    } else {
      language = trimmed
      rest = ""
    }
    var column = 1
    if let line = fenceLine, !rest.isEmpty, let r = line.range(of: rest) {
      column = line.distance(from: line.startIndex, to: r.lowerBound) + 1
    }
    return (language, rest, column)
  }

  /// Front matter between `---` lines at the very top. Its lines are blanked (not removed) in the
  /// body so that cmark's line numbers stay those of the file.
  static func frontMatter(_ lines: [Substring], path: String) -> (FrontMatter, String, [Diagnostic]) {
    var fm = FrontMatter()
    var diagnostics: [Diagnostic] = []
    guard lines.first?.trimmingWhitespace() == "---",
          let close = lines.dropFirst().firstIndex(where: { $0.trimmingWhitespace() == "---" })
    else {
      return (fm, lines.joined(separator: "\n"), [])
    }
    let known: Set<String> = ["title", "seed", "timeout", "module", "description", "author", "cell-timeout", "memory"]
    for n in 1..<close {
      let line = lines[n]
      if line.trimmingWhitespace().isEmpty || line.trimmingWhitespace().hasPrefix("#") { continue }
      guard let colon = line.firstIndex(of: ":") else {
        diagnostics.append(Diagnostic(.error, "front matter lines are 'key: value'", at: SourceLocation(file: path, line: n + 1)))
        continue
      }
      let key = line[..<colon].trimmingWhitespace()
      var value = line[line.index(after: colon)...].trimmingWhitespace()
      if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
      if !known.contains(key) {
        diagnostics.append(Diagnostic(.error, "unknown front matter key '\(key)'; known keys: \(known.sorted().joined(separator: ", "))", at: SourceLocation(file: path, line: n + 1)))
      }
      fm.values[key] = value
    }
    for (key, check) in [("seed", { (v: String) in UInt64(v) != nil }), ("timeout", { Double($0).map { $0 > 0 } ?? false }),
                         ("cell-timeout", { Double($0).map { $0 > 0 } ?? false })] {
      if let v = fm.values[key], !check(v), let n = (1..<close).first(where: { lines[$0].hasPrefix(key) }) {
        diagnostics.append(Diagnostic(.error, "front matter '\(key)' has a malformed value '\(v)'", at: SourceLocation(file: path, line: n + 1)))
      }
    }
    var body = Array(repeating: Substring(""), count: close + 1)
    body += lines[(close + 1)...]
    return (fm, body.joined(separator: "\n"), diagnostics)
  }
}

extension Array {
  subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
