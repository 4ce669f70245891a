import TeXMath

/// The state of one read: what cmark-gfm's walk has produced so far, in document order.
final class Reading {
  let path: String
  let lines: [Substring]
  var diagnostics: [Diagnostic] = []
  var inlines: [InlineValue] = []

  /// The page in order: prose HTML (holding the placeholders of the cells nested in it), headings
  /// (whose ids are given once every cell id is known), and top-level cells.
  enum Piece {
    case html(String, text: String, cells: [Int])
    case heading(level: Int, text: String, innerHTML: String, label: String?)
    case cell(Int)
  }
  var pieces: [Piece] = []
  var cells: [Cell] = []
  /// Cells nested in the top-level block being walked.
  var nestedCells: [Int] = []
  /// Where the last cell ended, for the ```output block that may follow it.
  var lastCellEnd: Int?
  var cellIDs: [String: Int] = [:]
  /// What the note labels (sections, figures, tables, equations, cells) and refers to.
  var labels: [Label] = []
  var references: [ReferenceUse] = []
  var noteLinks: [NoteLink] = []
  /// The number of the last heading at each level, for `### (a)` under `## 5.`.
  var headingNumbers: [Int: String] = [:]
  /// The lecture number that figures and equations are numbered under ("Figure 6.3"), if any.
  lazy var chapter: Int? = Note.chapter(of: path)
  var usedInlineSpots: Set<[Int]> = []
  lazy var lastContentLine: Int = (lines.lastIndex { !$0.trimmingWhitespace().isEmpty } ?? 0) + 1

  init(path: String, lines: [Substring]) {
    self.path = path
    self.lines = lines
  }

  var hooks: MarkdownHooks {
    var h = MarkdownHooks()
    h.rewriteURL = NoteReader.rewriteNoteLink
    h.isNotePage = NoteReader.isNotePage
    h.math = { [unowned self] span in
      if span.display, let (label, tex) = Self.equationLabel(span.tex) {
        let number = labels.filter { $0.kind == .equation }.count + 1
        if !label.hasPrefix("eq-") {
          diagnostics.append(
            Diagnostic(
              .error, "an equation's label starts with 'eq-' (as in \\label{eq-\(label)}), so that @eq-… refers to it",
              at: SourceLocation(file: path, line: span.line)))
        }
        labels.append(Label(kind: .equation, name: label, number: number, anchor: label, title: "", line: span.line))
        let (mathML, problems) = TeXMath.convert(tex, display: true)
        for p in problems { diagnostics.append(Diagnostic(.warning, "math: \(p)", at: SourceLocation(file: path, line: span.line))) }
        let shown = chapter.map { "\($0).\(number)" } ?? "\(number)"
        return "<span class=\"equation\" id=\"\(label.htmlEscaped)\">\(mathML)<span class=\"eq-number\">(\(shown))</span></span>"
      }
      let (mathML, problems) = TeXMath.convert(span.tex, display: span.display)
      let refusal = TeXMath.refusal(span.tex)
      for p in problems {
        diagnostics.append(Diagnostic(p == refusal ? .error : .warning, "math: \(p)", at: SourceLocation(file: path, line: span.line)))
      }
      return mathML
    }
    h.unclosedDisplayMath = { [unowned self] line in
      diagnostics.append(
        Diagnostic(
          .warning,
          "this $$ opens display math that nothing closes in its paragraph; a line inside it that starts with -, +, *, >, # or '1.' starts a new Markdown block: put the formula on one line, or in a ```math block",
          at: SourceLocation(file: path, line: line)))
    }
    h.unclosedInlineMath = { [unowned self] line, paragraphEnd in
      // Only when a block interrupted the paragraph: its next line is not blank.
      guard let next = lines[safe: paragraphEnd], !next.trimmingWhitespace().isEmpty else { return }
      diagnostics.append(
        Diagnostic(
          .warning,
          "this $ opens math that nothing closes in its paragraph: line \(paragraphEnd + 1) starts a new Markdown block (a line that starts with -, +, *, >, # or '1.' does), which cut the formula off; wrap the line elsewhere",
          at: SourceLocation(file: path, line: line)))
    }
    h.reference = { [unowned self] target, line, column in
      references.append(ReferenceUse(target: target, line: line, column: column))
      return ReferenceSyntax.marker(target)
    }
    h.noteLink = { [unowned self] url, line in noteLinks.append(NoteLink(url: url, line: line)) }
    h.inlineValue = { [unowned self] literal, line, column, blockEnd in inlineValue(literal, line: line, column: column, blockEnd: blockEnd) }
    h.nestedCode = { [unowned self] code in
      guard let html = self.code(code) else { return "" }
      return html
    }
    return h
  }

  // MARK: - Blocks

  func block(_ block: MarkdownBlock) {
    switch block.kind {
    case .fencedCode(let code):
      if let html = self.code(code) {
        pieces.append(.html(html, text: code.literal, cells: []))
      } else if let index = cells.last?.index, cells.last?.fenceLine == code.startLine {
        pieces.append(.cell(index))
      }
    case .heading(let level, let text, let innerHTML):
      let number = Self.sectionNumber(text, level: level, numbers: &headingNumbers)
      // `## 4.3 The agent {#sec-agent}`: the heading's label, not part of its text.
      if let (label, bare) = Self.headingLabel(text) {
        let html = innerHTML.hasSuffix("{#\(label)}") ? String(innerHTML.dropLast(label.count + 3)).trimmingWhitespace() : innerHTML
        if !label.hasPrefix("sec-") {
          diagnostics.append(
            Diagnostic(
              .error, "a heading's label starts with 'sec-' (as in {#sec-\(label)}), so that @sec-… refers to it",
              at: SourceLocation(file: path, line: block.startLine)))
        }
        labels.append(Label(kind: .section, name: label, number: 0, anchor: label, title: bare, line: block.startLine, display: number))
        pieces.append(.heading(level: level, text: bare, innerHTML: html, label: label))
      } else {
        if let attempt = Self.headingLabelAttempt(text) {
          // `{#sec-ünï}` or `{#sec x}`: meant as a label, but not one; say so rather than show it.
          diagnostics.append(
            Diagnostic(
              .error,
              "'{#\(attempt)}' is not a label: a label is ASCII letters, digits, '-' and '_', starting with a letter (as in {#sec-agent})",
              at: SourceLocation(file: path, line: block.startLine)))
        }
        pieces.append(.heading(level: level, text: text, innerHTML: innerHTML, label: nil))
      }
    case .other(let html, let text):
      pieces.append(.html(callout(html, line: block.startLine) ?? html, text: text, cells: nestedCells))
    }
    nestedCells = []
  }

  /// A fenced code block: a cell (nil; a nested one leaves its placeholder), a cell's expected
  /// output (nil, or "" in a container), or code to show (its HTML).
  func code(_ code: FencedCode) -> String? {
    let fenceLine = lines[safe: code.startLine - 1] ?? ""
    // The language as cmark-gfm reads it (escapes and entities resolved); the options and their
    // columns as the fence line has them.
    let language = String(code.info.trimmingWhitespace().prefix { $0 != " " && $0 != "\t" })
    let (_, rest, restColumn) = NoteReader.splitInfo(fenceLine, fence: code.fenceCharacter, length: code.fenceLength)
    let loc = SourceLocation(file: path, line: code.startLine, column: restColumn)
    let closed = code.endLine > code.startLine && isClosingFence(lines[safe: code.endLine - 1] ?? "", code)
    if !closed, code.endLine >= lastContentLine {
      let what =
        language == "swift"
        ? "everything after it, to the end of the note, is this cell's code" : "everything after it, to the end of the note, is shown as code"
      diagnostics.append(
        Diagnostic(
          .warning,
          "this \(String(repeating: code.fenceCharacter, count: code.fenceLength)) fence is never closed: \(what); close it with a line of \(String(repeating: code.fenceCharacter, count: code.fenceLength))",
          at: SourceLocation(file: path, line: code.startLine)))
    }
    if language == "swift", code.inFootnote {
      diagnostics.append(
        Diagnostic(
          .warning, "a ```swift block inside a footnote is shown, not run; move it out of the footnote to make it a cell",
          at: SourceLocation(file: path, line: code.startLine)))
    } else if language == "swift" {
      addCell(code, rest: rest, location: loc)
      return code.nested ? "\(Cell.placeholder(cells.count))\n" : nil
    }
    if language == "output", let end = lastCellEnd, directlyFollows(end, code.startLine) {
      attachOutput(code, rest: rest, location: loc)
      return code.nested ? "" : nil
    }
    lastCellEnd = nil
    if language == "math" {
      let (mathML, problems) = TeXMath.convert(code.literal, display: true)
      let refusal = TeXMath.refusal(code.literal)
      for p in problems {
        diagnostics.append(Diagnostic(p == refusal ? .error : .warning, "math: \(p)", at: SourceLocation(file: path, line: code.startLine)))
      }
      return "<div class=\"math-display\">\(mathML)</div>\n"
    }
    let cls = language.isEmpty ? "" : " class=\"language-\(language.htmlEscaped)\""
    let shown = code.literal.replacingOccurrences(of: "\u{1E}", with: "\u{FFFD}")
    return "<pre class=\"code\"><code\(cls)>\(shown.htmlEscaped)</code></pre>\n"
  }

  func addCell(_ code: FencedCode, rest: String, location: SourceLocation) {
    let (options, optionDiagnostics) = CellOptions.parse(rest, location: location)
    diagnostics += optionDiagnostics
    var cell = Cell(index: cells.count + 1, options: options, source: code.literal, fenceLine: code.startLine)
    cell.indentation = indentation(of: code)
    if let id = options.id {
      if let other = cellIDs[id] {
        diagnostics.append(Diagnostic(.error, "duplicate cell id '\(id)' (also used by the cell at line \(other))", at: location))
      }
      cellIDs[id] = code.startLine
      labels.append(Label(kind: .cell, name: "cell-\(id)", number: cell.index, anchor: cell.id, title: "[\(cell.index)]", line: code.startLine))
    }
    for (kind, names) in [(Label.Kind.figure, options.figures), (.table, options.tables)] {
      for name in names {
        let number = labels.filter { $0.kind == kind }.count + 1
        labels.append(Label(kind: kind, name: name, number: number, anchor: name, title: "", line: code.startLine))
      }
    }
    cells.append(cell)
    if code.nested { nestedCells.append(cell.index) }
    lastCellEnd = code.endLine
  }

  func attachOutput(_ code: FencedCode, rest: String, location: SourceLocation) {
    lastCellEnd = nil
    guard var cell = cells.last else { return }
    var tolerance: Double? = nil
    for token in CellOptions.tokenize(rest) {
      var tloc = location
      tloc.column += token.offset
      if token.key == "tolerance", let v = token.value.flatMap(Double.init), v >= 0 {
        tolerance = v
      } else {
        diagnostics.append(
          Diagnostic(
            .error, "unknown or malformed output option '\(token.key)'; the only option is tolerance=<relative tolerance>, e.g. tolerance=1e-6", at: tloc))
      }
    }
    if cell.options.volatile {
      diagnostics.append(
        Diagnostic(
          .error,
          "cell \(cell.index) is marked 'volatile' (its output changes from run to run), so it cannot have an ```output block; assert what must hold with check(...) instead",
          at: SourceLocation(file: path, line: code.startLine)))
    }
    cell.expectedOutput = ExpectedOutput(text: code.literal, fenceLine: code.startLine, endLine: code.endLine, tolerance: tolerance)
    cells[cells.count - 1] = cell
  }

  /// Whether only blank lines (inside the same containers) lie between a cell's last line and a
  /// block that starts at `start`.
  func directlyFollows(_ end: Int, _ start: Int) -> Bool {
    guard start > end else { return false }
    return (end + 1..<start).allSatisfy { l in
      (lines[safe: l - 1] ?? "").allSatisfy { $0 == " " || $0 == "\t" || $0 == ">" }
    }
  }

  func isClosingFence(_ line: Substring, _ code: FencedCode) -> Bool {
    let body = line.drop { $0 == " " || $0 == "\t" || $0 == ">" }.trimmingWhitespace()
    return body.count >= code.fenceLength && body.allSatisfy { $0 == code.fenceCharacter }
  }

  /// UTF-8 bytes of each source line's Markdown line before its code (fence indentation, a list
  /// item's indentation, `> `), so the compiler's columns can be the note's.
  func indentation(of code: FencedCode) -> [Int] {
    var source = code.literal.split(separator: "\n", omittingEmptySubsequences: false)
    if source.last == "" { source.removeLast() }
    var out: [Int] = []
    for (k, line) in source.enumerated() {
      guard let raw = lines[safe: code.startLine + k] else { break }
      guard !line.isEmpty else { out.append(0); continue }
      let r = Array(raw.utf8), l = Array(line.utf8)
      out.append(r.count >= l.count && r.suffix(l.count).elementsEqual(l) ? r.count - l.count : 0)
    }
    return out.allSatisfy { $0 == 0 } ? [] : out
  }

  // MARK: - Inline values

  /// An inline value (`{swift} expr`): placed at its exact line and column in the raw lines, near
  /// where cmark-gfm says the code span is.
  func inlineValue(_ literal: String, line: Int, column: Int, blockEnd: Int) -> String {
    let needle = Array(InlineValue.prefix.utf8)
    var found: (line: Int, column: Int)? = nil
    search: for l in line...max(line, blockEnd) {
      guard let text = lines[safe: l - 1] else { break }
      let bytes = Array(text.utf8)
      var spots: [Int] = []
      var i = 0
      while i + needle.count <= bytes.count {
        if bytes[i..<(i + needle.count)].elementsEqual(needle), !usedInlineSpots.contains([l, i]) { spots.append(i) }
        i += 1
      }
      guard !spots.isEmpty else { continue }
      let spot = l == line ? spots.min { abs($0 - (column - 1)) < abs($1 - (column - 1)) }! : spots[0]
      usedInlineSpots.insert([l, spot])
      var j = spot + needle.count
      while j < bytes.count, bytes[j] == 0x20 { j += 1 }
      found = (l, j + 1)
      break search
    }
    let (valueLine, valueColumn) = found ?? (line, column)
    guard let (expression, format) = InlineValue.parse(literal) else {
      diagnostics.append(
        Diagnostic(
          .error, "an inline value needs a Swift expression after {swift}, e.g. `{swift} 6 * 7`",
          at: SourceLocation(file: path, line: valueLine, column: valueColumn)))
      return "<code>\(literal.htmlEscaped)</code>"
    }
    let value = InlineValue(index: inlines.count + 1, expression: expression, format: format, line: valueLine, column: valueColumn, afterCell: 0)
    inlines.append(value)
    return value.placeholder
  }

  // MARK: - The note's blocks

  /// Callout kinds: GitHub's five, the series' gotcha, and solution (collapsed on the page; the cells
  /// in it run like any other, so their checks count).
  static let calloutKinds = ["note", "tip", "important", "warning", "caution", "gotcha", "solution"]

  /// `> [!NOTE]` (optionally `> [!TIP] A title`) as the first line of a block quote: a callout box.
  func callout(_ html: String, line: Int) -> String? {
    let open = "<blockquote>\n<p>[!"
    guard html.hasPrefix(open), html.hasSuffix("</blockquote>\n") else { return nil }
    let afterOpen = html.dropFirst(open.count)
    guard let close = afterOpen.firstIndex(of: "]") else { return nil }
    let kind = afterOpen[..<close].lowercased()
    guard Self.calloutKinds.contains(kind) else {
      diagnostics.append(
        Diagnostic(
          .error, "unknown callout [!\(afterOpen[..<close])]; callouts are \(Self.calloutKinds.map { "[!\($0.uppercased())]" }.joined(separator: ", "))",
          at: SourceLocation(file: path, line: line)))
      return nil
    }
    var rest = afterOpen[afterOpen.index(after: close)...].dropLast("</blockquote>\n".count)
    // The title: the rest of the first line.
    let titleEnd = rest.range(of: "\n")?.lowerBound ?? rest.endIndex
    let paragraphEnd = rest.range(of: "</p>")?.lowerBound ?? rest.endIndex
    let end = min(titleEnd, paragraphEnd)
    let written = rest[..<end].trimmingWhitespace()
    let title = written.isEmpty ? kind.prefix(1).uppercased() + kind.dropFirst() : written
    rest = rest[end...]
    let body: String
    if rest.hasPrefix("</p>\n") {
      body = String(rest.dropFirst(5))
    } else {
      body = "<p>" + rest.dropFirst()
    }
    if kind == "solution" {
      return "<details class=\"callout callout-solution\"><summary class=\"callout-title\">\(title)</summary>\n\(body)</details>\n"
    }
    return "<div class=\"callout callout-\(kind)\"><p class=\"callout-title\">\(title)</p>\n\(body)</div>\n"
  }

  /// The number a heading shows or inherits, for "Section 4.3": its own leading `4.3` or `4.`, or
  /// for `### (a) …` the nearest numbered heading above it with the letter, `5(a)`.
  static func sectionNumber(_ text: String, level: Int, numbers: inout [Int: String]) -> String? {
    for l in numbers.keys where l >= level { numbers[l] = nil }
    let t = text.trimmingWhitespace()
    let lead = t.prefix { $0.isNumber || $0 == "." }
    if let first = lead.first, first.isNumber {
      let n = lead.hasSuffix(".") ? String(lead.dropLast()) : String(lead)
      numbers[level] = n
      return n
    }
    if t.count >= 3, t.hasPrefix("("), let close = t.firstIndex(of: ")"), t.distance(from: t.startIndex, to: close) <= 3,
      let parent = numbers.filter({ $0.key < level }).max(by: { $0.key < $1.key })?.value
    {
      return parent + t[...close]
    }
    return nil
  }

  /// `Title {#sec-x}` → (`sec-x`, `Title`).
  static func headingLabel(_ text: String) -> (String, String)? {
    let t = text.trimmingWhitespace()
    guard t.hasSuffix("}"), let open = t.range(of: "{#", options: .backwards) else { return nil }
    let label = t[open.upperBound..<t.index(before: t.endIndex)]
    guard let first = label.first, first.isLetter, label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
      return nil
    }
    return (String(label), String(t[..<open.lowerBound]).trimmingWhitespace())
  }

  /// The text of a trailing `{#…}` on a heading (what was meant as a label, valid or not).
  static func headingLabelAttempt(_ text: String) -> String? {
    let t = text.trimmingWhitespace()
    guard t.hasSuffix("}"), let open = t.range(of: "{#", options: .backwards) else { return nil }
    return String(t[open.upperBound..<t.index(before: t.endIndex)])
  }

  /// `… \label{eq-x} …` → (`eq-x`, the TeX without it).
  static func equationLabel(_ tex: String) -> (String, String)? {
    guard let start = tex.range(of: "\\label{"), let close = tex[start.upperBound...].firstIndex(of: "}") else { return nil }
    let label = String(tex[start.upperBound..<close]).trimmingWhitespace()
    guard !label.isEmpty else { return nil }
    return (label, String(tex[..<start.lowerBound]) + String(tex[tex.index(after: close)...]))
  }

  /// Ids that the page itself uses, which a heading must not take.
  static let reservedIDs: Set<String> = ["search", "search-results", "theme-toggle", "all-notes"]

  /// The blocks, with heading ids given now that every cell id is known: a cell keeps its id, and
  /// a heading whose slug is taken (by a cell, another heading, the page, or a footnote) gets the
  /// next free `-2`, `-3`, … that no other heading has as its own slug.
  func blocks() -> [Block] {
    let cellIDs = Set(cells.map(\.id))
    var natural: [String] = []
    for piece in pieces { if case .heading(_, let text, _, let label) = piece { natural.append(label ?? text.slugified) } }
    let naturalSet = Set(natural)
    var taken = cellIDs.union(Self.reservedIDs)
    func free(_ id: String) -> Bool { !taken.contains(id) && !id.hasPrefix("fn-") && !id.hasPrefix("fnref-") }
    var ids: [String] = []
    for slug in natural {
      var id = slug
      if !free(id) {
        var n = 2
        while !free("\(slug)-\(n)") || naturalSet.contains("\(slug)-\(n)") { n += 1 }
        id = "\(slug)-\(n)"
      }
      taken.insert(id)
      ids.append(id)
    }

    var blocks: [Block] = []
    var headingIndex = 0
    func appendProse(html: String, text: String, heading: Heading? = nil, nested: [Int] = []) {
      let nestedCells = nested.map { cells[$0 - 1] }
      if case .prose(var p)? = blocks.last {
        p.html += html
        p.text += text
        if let heading { p.headings.append(heading) }
        p.cells += nestedCells
        blocks[blocks.count - 1] = .prose(p)
      } else {
        blocks.append(.prose(Prose(html: html, headings: heading.map { [$0] } ?? [], text: text, cells: nestedCells)))
      }
    }
    for piece in pieces {
      switch piece {
      case .cell(let index):
        blocks.append(.cell(cells[index - 1]))
      case .html(let html, let text, let nested):
        appendProse(html: html, text: text, nested: nested)
      case .heading(let level, let text, let innerHTML, _):
        let id = ids[headingIndex]
        headingIndex += 1
        let html = "<h\(level) id=\"\(id)\">\(innerHTML)<a class=\"anchor\" href=\"#\(id)\" aria-label=\"Link to this section\">#</a></h\(level)>\n"
        appendProse(html: html, text: text + "\n", heading: Heading(level: level, text: text, id: id))
      }
    }
    return blocks
  }
}
