import TeXMath

/// Reads a note: front matter, prose rendered by cmark-gfm (with math converted to MathML),
/// and ```swift cells with their options and exact Markdown lines.
///
/// ```swift
/// let (note, diagnostics) = NoteReader().read(markdown, path: "notes/01-mdps-bellman.md")
/// ```
public struct NoteReader: Sendable {
  public init() {}

  /// Reads `source` (the contents of the file at `path`, relative to the project root).
  /// Problems in the note come back as diagnostics; reading itself never fails.
  public func read(_ source: String, path: String) -> (Note, [Diagnostic]) {
    // CRLF (and lone CR) notes read like LF ones; `--fix` writes them back with their endings.
    let markdown = Self.normalizingLineEndings(source)
    let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
    let (frontMatter, body, fmDiagnostics) = Self.frontMatter(lines, path: path)
    let reading = Reading(path: path, lines: lines)
    reading.diagnostics = fmDiagnostics
    CMark.parse(body, hooks: reading.hooks) { reading.block($0) }

    let file = path.split(separator: "/").last.map(String.init) ?? path
    let slug = file.hasSuffix(".md") ? String(file.dropLast(3)) : file
    var note = Note(path: path, slug: slug, frontMatter: frontMatter, blocks: reading.blocks(), lines: lines, inlines: reading.inlines)
    note.crlf = source.contains("\r\n")
    // Each inline value is evaluated after the last cell above it.
    let fences = note.cells.map(\.fenceLine)
    for i in note.inlines.indices { note.inlines[i].afterCell = fences.filter { $0 < note.inlines[i].line }.count }
    return (note, reading.diagnostics + CellLint.diagnostics(in: note))
  }

  static func normalizingLineEndings(_ s: String) -> String {
    guard s.utf8.contains(0x0D) else { return s }
    var out = String.UnicodeScalarView()
    var previousCR = false
    for u in s.unicodeScalars {
      if u == "\r" {
        out.append("\n")
        previousCR = true
        continue
      }
      if u == "\n", previousCR { previousCR = false; continue }
      previousCR = false
      out.append(u)
    }
    return String(out)
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

  /// Whether a (rewritten) link destination is a page of this site: `x.html` or `x.html#a`.
  static func isNotePage(_ url: String) -> Bool {
    let file = url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    return file.hasSuffix(".html") && !file.contains("/") && !file.contains(":") && !file.contains("?")
  }

  /// The language and the options of a fence, read from the fence line as written (cmark-gfm's
  /// info string has Markdown escapes resolved, so its columns and quotes are not the note's), with
  /// the 1-based column of the options on that line.
  static func splitInfo(_ fenceLine: Substring, fence: Character, length: Int) -> (language: String, rest: String, column: Int) {
    let chars = Array(fenceLine)
    var i = 0
    // Past the container prefix (`> `, `- `, `1. `, indentation) to the fence itself.
    while i < chars.count {
      if chars[i] == fence {
        var n = 0
        while i + n < chars.count, chars[i + n] == fence { n += 1 }
        if n >= length { i += n; break }
        i += n
      } else {
        i += 1
      }
    }
    while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
    var language = ""
    while i < chars.count, chars[i] != " ", chars[i] != "\t" { language.append(chars[i]); i += 1 }
    while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
    var end = chars.count
    while end > i, chars[end - 1] == " " || chars[end - 1] == "\t" { end -= 1 }
    return (language, String(chars[i..<end]), i + 1)
  }

  static let frontMatterKeys: Set<String> = ["title", "seed", "timeout", "module", "description", "author", "cell-timeout", "memory"]

  /// Front matter: `key: value` lines (and blank or `#` comment lines) between a `---` first line
  /// and the next `---`. Its lines are blanked (not removed) in the body so that cmark's line
  /// numbers stay those of the file. Anything else between two `---` lines is prose (a thematic
  /// break and what follows) — unless it also has a line with a known key, which makes it front
  /// matter with an error at each line that is not `key: value`.
  static func frontMatter(_ lines: [Substring], path: String) -> (FrontMatter, String, [Diagnostic]) {
    var fm = FrontMatter()
    var diagnostics: [Diagnostic] = []
    guard lines.first?.trimmingWhitespace() == "---",
          let close = lines.dropFirst().firstIndex(where: { $0.trimmingWhitespace() == "---" })
    else {
      return (fm, lines.joined(separator: "\n"), [])
    }
    func keyValue(_ line: Substring) -> (String, String)? {
      guard let colon = line.firstIndex(of: ":") else { return nil }
      let key = line[..<colon].trimmingWhitespace()
      guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }),
            !line[..<colon].hasPrefix(" ") else { return nil }
      var value = line[line.index(after: colon)...].trimmingWhitespace()
      if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
      return (key, value)
    }
    let inner = (1..<close).filter { !lines[$0].trimmingWhitespace().isEmpty && !lines[$0].trimmingWhitespace().hasPrefix("#") }
    let pairs = inner.map { ($0, keyValue(lines[$0])) }
    let allPairs = pairs.allSatisfy { $0.1 != nil }
    let anyKnown = pairs.contains { $0.1.map { frontMatterKeys.contains($0.0) } ?? false }
    guard allPairs || anyKnown else {
      // A note that starts with a `---` rule: prose, all of it.
      return (fm, lines.joined(separator: "\n"), [])
    }
    for (n, pair) in pairs {
      guard let (key, value) = pair else {
        diagnostics.append(Diagnostic(.error, "front matter lines are 'key: value' (known keys: \(frontMatterKeys.sorted().joined(separator: ", "))); if this '---' block is meant as prose, start the note with something else", at: SourceLocation(file: path, line: n + 1)))
        continue
      }
      if !frontMatterKeys.contains(key) {
        let suggestion = CellOptions.closest(key, in: frontMatterKeys.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
        diagnostics.append(Diagnostic(.error, "unknown front matter key '\(key)'\(suggestion); known keys: \(frontMatterKeys.sorted().joined(separator: ", "))", at: SourceLocation(file: path, line: n + 1)))
      }
      let positive = { (v: String) in Double(v).map { $0 > 0 && $0.isFinite } ?? false }
      let checks: [String: (String) -> Bool] = [
        "seed": { UInt64($0) != nil }, "timeout": positive, "cell-timeout": positive,
        "memory": { Int($0).map { $0 > 0 } ?? false },
      ]
      if let check = checks[key], !check(value) {
        let hint = key == "memory" ? " (a whole number of MiB, e.g. memory: 4096)" : key == "seed" ? " (a non-negative integer)" : " (a positive number of seconds)"
        diagnostics.append(Diagnostic(.error, "front matter '\(key)' has a malformed value '\(value)'\(hint)", at: SourceLocation(file: path, line: n + 1)))
      }
      fm.values[key] = value
    }
    var body = Array(repeating: Substring(""), count: close + 1)
    body += lines[(close + 1)...]
    return (fm, body.joined(separator: "\n"), diagnostics)
  }
}

/// The state of one read: what cmark-gfm's walk has produced so far, in document order.
private final class Reading {
  let path: String
  let lines: [Substring]
  var diagnostics: [Diagnostic] = []
  var inlines: [InlineValue] = []

  /// The page in order: prose HTML (holding the placeholders of the cells nested in it), headings
  /// (whose ids are given once every cell id is known), and top-level cells.
  enum Piece {
    case html(String, text: String, cells: [Int])
    case heading(level: Int, text: String, innerHTML: String)
    case cell(Int)
  }
  var pieces: [Piece] = []
  var cells: [Cell] = []
  /// Cells nested in the top-level block being walked.
  var nestedCells: [Int] = []
  /// Where the last cell ended, for the ```output block that may follow it.
  var lastCellEnd: Int?
  var cellIDs: [String: Int] = [:]
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
      let (mathML, problems) = TeXMath.convert(span.tex, display: span.display)
      let refusal = TeXMath.refusal(span.tex)
      for p in problems {
        diagnostics.append(Diagnostic(p == refusal ? .error : .warning, "math: \(p)", at: SourceLocation(file: path, line: span.line)))
      }
      return mathML
    }
    h.unclosedDisplayMath = { [unowned self] line in
      diagnostics.append(Diagnostic(.warning, "this $$ opens display math that nothing closes in its paragraph; a line inside it that starts with -, +, *, >, # or '1.' starts a new Markdown block: put the formula on one line, or in a ```math block", at: SourceLocation(file: path, line: line)))
    }
    h.unclosedInlineMath = { [unowned self] line, paragraphEnd in
      // Only when a block interrupted the paragraph: its next line is not blank.
      guard let next = lines[safe: paragraphEnd], !next.trimmingWhitespace().isEmpty else { return }
      diagnostics.append(Diagnostic(.warning, "this $ opens math that nothing closes in its paragraph: line \(paragraphEnd + 1) starts a new Markdown block (a line that starts with -, +, *, >, # or '1.' does), which cut the formula off; wrap the line elsewhere", at: SourceLocation(file: path, line: line)))
    }
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
      pieces.append(.heading(level: level, text: text, innerHTML: innerHTML))
    case .other(let html, let text):
      pieces.append(.html(html, text: text, cells: nestedCells))
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
      let what = language == "swift" ? "everything after it, to the end of the note, is this cell's code" : "everything after it, to the end of the note, is shown as code"
      diagnostics.append(Diagnostic(.warning, "this \(String(repeating: code.fenceCharacter, count: code.fenceLength)) fence is never closed: \(what); close it with a line of \(String(repeating: code.fenceCharacter, count: code.fenceLength))", at: SourceLocation(file: path, line: code.startLine)))
    }
    if language == "swift", code.inFootnote {
      diagnostics.append(Diagnostic(.warning, "a ```swift block inside a footnote is shown, not run; move it out of the footnote to make it a cell", at: SourceLocation(file: path, line: code.startLine)))
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
        diagnostics.append(Diagnostic(.error, "unknown or malformed output option '\(token.key)'; the only option is tolerance=<relative tolerance>, e.g. tolerance=1e-6", at: tloc))
      }
    }
    if cell.options.volatile {
      diagnostics.append(Diagnostic(.error, "cell \(cell.index) is marked 'volatile' (its output changes from run to run), so it cannot have an ```output block; assert what must hold with check(...) instead", at: SourceLocation(file: path, line: code.startLine)))
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
      diagnostics.append(Diagnostic(.error, "an inline value needs a Swift expression after {swift}, e.g. `{swift} 6 * 7`", at: SourceLocation(file: path, line: valueLine, column: valueColumn)))
      return "<code>\(literal.htmlEscaped)</code>"
    }
    let value = InlineValue(index: inlines.count + 1, expression: expression, format: format, line: valueLine, column: valueColumn, afterCell: 0)
    inlines.append(value)
    return value.placeholder
  }

  // MARK: - The note's blocks

  /// Ids that the page itself uses, which a heading must not take.
  static let reservedIDs: Set<String> = ["search", "search-results", "theme-toggle", "all-notes"]

  /// The blocks, with heading ids given now that every cell id is known: a cell keeps its id, and
  /// a heading whose slug is taken (by a cell, another heading, the page, or a footnote) gets the
  /// next free `-2`, `-3`, … that no other heading has as its own slug.
  func blocks() -> [Block] {
    let cellIDs = Set(cells.map(\.id))
    var natural: [String] = []
    for piece in pieces { if case .heading(_, let text, _) = piece { natural.append(text.slugified) } }
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
      case .heading(let level, let text, let innerHTML):
        let id = ids[headingIndex]
        headingIndex += 1
        let html = "<h\(level) id=\"\(id)\">\(innerHTML)<a class=\"anchor\" href=\"#\(id)\" aria-label=\"Link to this section\">#</a></h\(level)>\n"
        appendProse(html: html, text: text + "\n", heading: Heading(level: level, text: text, id: id))
      }
    }
    return blocks
  }
}

extension Array {
  subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
