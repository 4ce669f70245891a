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
    note.labels = reading.labels
    note.references = reading.references
    note.noteLinks = reading.noteLinks
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

  /// Front matter: `key: value` lines (and blank or `#` comment lines among them) between a `---`
  /// first line and the next `---`. Its lines are blanked (not removed) in the body so that cmark's line
  /// numbers stay those of the file. Anything else between two `---` lines is prose (a thematic
  /// break and what follows) — unless it also has a line with a known key, which makes it front
  /// matter with an error at each line that is not `key: value`.
  static func frontMatter(_ lines: [Substring], path: String) -> (FrontMatter, String, [Diagnostic]) {
    guard let (close, pairs) = frontMatterBlock(lines) else { return (FrontMatter(), lines.joined(separator: "\n"), []) }
    var fm = FrontMatter()
    var diagnostics: [Diagnostic] = []
    let known = FrontMatter.keyNames.sorted().joined(separator: ", ")
    var seen: [String: Int] = [:]
    for (n, pair) in pairs {
      let at = SourceLocation(file: path, line: n + 1)
      guard let (name, value) = pair else {
        diagnostics.append(
          Diagnostic(
            .error,
            "front matter lines are 'key: value' (known keys: \(known)); if this '---' block is meant as prose, start the note with something else",
            at: at))
        continue
      }
      guard let key = FrontMatter.key(name) else {
        let suggestion = CellOptions.closest(name, in: FrontMatter.keyNames.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
        diagnostics.append(Diagnostic(.error, "unknown front matter key '\(name)'\(suggestion); known keys: \(known)", at: at))
        continue
      }
      if let first = seen[name] {
        diagnostics.append(Diagnostic(.error, "front matter '\(name)' is given twice (first at line \(first)); give it once", at: at))
        continue
      }
      seen[name] = n + 1
      if !fm.set(name, value) {
        diagnostics.append(Diagnostic(.error, "front matter '\(name)' has a malformed value '\(value)' (\(key.hint))", at: at))
      }
    }
    var body = Array(repeating: Substring(""), count: close + 1)
    body += lines[(close + 1)...]
    return (fm, body.joined(separator: "\n"), diagnostics)
  }

  /// The closing `---` line's index and each non-blank, non-comment line inside with its `key: value`
  /// (nil when it is not of that form), if the note starts with a front matter block.
  private static func frontMatterBlock(_ lines: [Substring]) -> (Int, [(Int, (String, String)?)])? {
    guard lines.first?.trimmingWhitespace() == "---",
      let close = lines.dropFirst().firstIndex(where: { $0.trimmingWhitespace() == "---" })
    else { return nil }
    let inner = (1..<close).filter { !lines[$0].trimmingWhitespace().isEmpty && !lines[$0].trimmingWhitespace().hasPrefix("#") }
    let pairs = inner.map { ($0, keyValue(lines[$0])) }
    let allPairs = pairs.allSatisfy { $0.1 != nil }
    let anyKnown = pairs.contains { $0.1.map { FrontMatter.key($0.0) != nil } ?? false }
    // `---`, `# Intro`, `---` is a rule and a heading, not front matter of comments; `---` `---`
    // (nothing between) is empty front matter.
    let empty = (1..<close).allSatisfy { lines[$0].trimmingWhitespace().isEmpty }
    // Otherwise a note that starts with a `---` rule: prose, all of it.
    return empty || (allPairs && !pairs.isEmpty) || anyKnown ? (close, pairs) : nil
  }

  private static func keyValue(_ line: Substring) -> (String, String)? {
    guard let colon = line.firstIndex(of: ":") else { return nil }
    let key = line[..<colon].trimmingWhitespace()
    guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }),
      !line[..<colon].hasPrefix(" ")
    else { return nil }
    var value = line[line.index(after: colon)...].trimmingWhitespace()
    if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
    return (key, value)
  }
}

extension Array {
  subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
