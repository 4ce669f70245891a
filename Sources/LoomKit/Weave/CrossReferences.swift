import Foundation

/// Every label and lecture of the series and its bibliography: checks each note's references and
/// citations (an unknown or duplicate label, or an unknown key, is an error at its line) and puts
/// their linked text in place of the reader's markers when a page is written.
public struct CrossReferences: Sendable {
  public struct Target: Sendable {
    public var slug: String
    public var anchor: String
    /// "Figure 6.3", "Eq. (4.2)", "Section 4.3", "Cell [3]", "Lecture 06".
    public var text: String
    /// Where the label is defined, for a duplicate's error.
    public var location: SourceLocation
    /// The note's lecture number, if it has one.
    public var chapter: Int?
  }

  public private(set) var targets: [String: Target] = [:]
  /// Anchors of each page (headings, cells, labels), for checking `other.md#anchor` links.
  public private(set) var anchors: [String: Set<String>] = [:]
  public private(set) var titles: [String: String] = [:]
  public private(set) var duplicates: [Diagnostic] = []
  public var bibliography: Bibliography

  public init(notes: [Note], bibliography: Bibliography = Bibliography(path: "notes/references.bib")) {
    self.bibliography = bibliography
    var lectures: [Int: [Note]] = [:]
    for note in notes {
      titles[note.slug] = note.title
      anchors[note.slug] = Self.anchors(of: note)
      if let chapter = note.chapter, note.path.hasPrefix("notes/") { lectures[chapter, default: []].append(note) }
      for label in note.labels {
        let target = Target(
          slug: note.slug, anchor: label.anchor, text: Self.text(for: label, chapter: note.chapter),
          location: SourceLocation(file: note.path, line: label.line), chapter: note.chapter)
        if let other = targets[label.name] {
          duplicates.append(
            Diagnostic(.error, "duplicate label '\(label.name)' (also defined at \(other.location)); labels are unique across the series", at: target.location))
          continue
        }
        targets[label.name] = target
      }
    }
    for (chapter, notes) in lectures where notes.count == 1 {
      let name = String(format: "lec-%02d", chapter)
      targets[name] = Target(
        slug: notes[0].slug, anchor: "", text: String(format: "Lecture %02d", chapter),
        location: SourceLocation(file: notes[0].path, line: 1), chapter: chapter)
    }
  }

  static func anchors(of note: Note) -> Set<String> {
    var ids = Set(note.cells.map(\.id)).union(note.labels.map(\.anchor))
    for block in note.blocks { if case .prose(let p) = block { ids.formUnion(p.headings.map(\.id)) } }
    return ids
  }

  /// "Figure 6.3", "Table 2", "Eq. (4.2)", "Section 4.3", "Section “Setup”", "Cell [3]".
  static func text(for label: Label, chapter: Int?) -> String {
    let number = chapter.map { "\($0).\(label.number)" } ?? "\(label.number)"
    switch label.kind {
    case .figure: return "Figure \(number)"
    case .table: return "Table \(number)"
    case .equation: return "Eq. (\(number))"
    case .cell: return "Cell \(label.title)"
    case .section:
      if let number = label.display { return "Section \(number)" }
      return "Section “\(label.title)”"
    }
  }

  /// Unknown labels and keys in `note`, and links to anchors that another note does not have.
  public func diagnostics(for note: Note) -> [Diagnostic] {
    var out = duplicates.filter { $0.location.file == note.path }
    // Suggestions for unknown names, each name once, the candidates sorted once (a note with
    // thousands of unknown references used to sort and search the series' labels for every one).
    lazy var names = targets.keys.sorted()
    lazy var keys = bibliography.entries.keys.sorted()
    var suggestions: [String: String] = [:]
    func suggestion(for name: String, citation: Bool = false) -> String {
      let memo = (citation ? "cite:" : "label:") + name
      if let known = suggestions[memo] { return known }
      let s = CellOptions.closest(name, in: citation ? keys : names).map { " (did you mean @\($0)?)" } ?? ""
      suggestions[memo] = s
      return s
    }
    for use in note.references {
      let at = SourceLocation(file: note.path, line: use.line, column: use.column)
      switch use.target {
      case .label(let name) where targets[name] == nil:
        let suggestion = suggestion(for: name)
        out.append(
          Diagnostic(.error, "unknown label '@\(name)'\(suggestion): no section, figure, table, equation, cell or lecture of the series has it", at: at))
      case .citation(let cited, _):
        for key in cited.map({ ReferenceSyntax.citedKey($0).key }) where bibliography.entries[key] == nil {
          let suggestion = suggestion(for: key, citation: true)
          out.append(
            Diagnostic(
              .error, "unknown citation key '\(key)'\(suggestion): add it to \(bibliography.path) (a word with an @ that is not a citation goes in `code`)",
              at: at))
        }
      default: break
      }
    }
    for link in note.noteLinks {
      guard let hash = link.url.firstIndex(of: "#") else { continue }
      let page = String(link.url[..<hash]), anchor = String(link.url[link.url.index(after: hash)...])
      let slug = page.hasSuffix(".html") ? String(page.dropLast(5)) : page
      guard let ids = anchors[slug], !anchor.isEmpty, !ids.contains(anchor.removingPercentEncoding ?? anchor) else { continue }
      out.append(
        Diagnostic(
          .error, "the link to \(page)#\(anchor) points at no heading, cell or label of that page",
          at: SourceLocation(file: note.path, line: link.line)))
    }
    return out
  }

  /// `html` with every reference marker replaced by its link (citations by author–year links to
  /// the page's reference list). An unresolved marker (a note read with errors) becomes its text.
  public func resolve(_ html: String, on slug: String) -> String {
    resolveMarkers(resolveHrefs(html, on: slug), on: slug)
  }

  /// `href="loom-ref:sec-x"` (a link written `[text](@sec-x)`) → the label's page and anchor.
  func resolveHrefs(_ html: String, on slug: String) -> String {
    let open = "href=\"" + ReferenceSyntax.hrefPrefix
    guard html.contains(open) else { return html }
    var out = ""
    var rest = Substring(html)
    while let r = rest.range(of: open), let close = rest[r.upperBound...].firstIndex(of: "\"") {
      out += rest[..<r.lowerBound]
      let name = String(rest[r.upperBound..<close])
      if let t = targets[name] {
        let page = t.slug == slug ? "" : Site.urlPath(t.slug + ".html")
        out += "class=\"xref\" href=\"" + (page + (t.anchor.isEmpty ? "" : "#\(t.anchor)")).htmlEscaped + "\""
      } else {
        out += "class=\"xref missing\" href=\"#\""
      }
      rest = rest[rest.index(after: close)...]
    }
    return out + rest
  }

  func resolveMarkers(_ html: String, on slug: String) -> String {
    let markers = ReferenceSyntax.markers(in: html)
    guard !markers.isEmpty else { return html }
    var out = ""
    var last = html.startIndex
    for (range, target) in markers {
      out += html[last..<range.lowerBound]
      out += link(target, from: slug)
      last = range.upperBound
    }
    return out + html[last...]
  }

  func link(_ target: ReferenceUse.Target, from slug: String) -> String {
    switch target {
    case .label(let name):
      guard let t = targets[name] else { return "<span class=\"xref missing\">@\(name.htmlEscaped)</span>" }
      let page = t.slug == slug ? "" : Site.urlPath(t.slug + ".html")
      var text = t.text
      // A section or cell of another page: say which ("Section 4.3 of Lecture 06").
      if t.slug != slug, name.hasPrefix("sec-") || name.hasPrefix("cell-") {
        text += " of " + (t.chapter.map { String(format: "Lecture %02d", $0) } ?? "“\(titles[t.slug] ?? t.slug)”")
      }
      let anchor = t.anchor.isEmpty ? "" : "#\(t.anchor)"
      return HTMLWriter.element("a", ["class": "xref", "href": page + anchor], text: text)
    case .citation(let keys, let inText):
      let parts = keys.map { cited -> String in
        let (key, locator, possessive) = ReferenceSyntax.citedKey(cited)
        guard let e = bibliography.entries[key] else { return "@\(key.htmlEscaped)" }
        let author = e.authorShort + (possessive ? "’s" : "")
        let year = e.year + (locator.map { ", \($0)" } ?? "")
        let words = inText ? "\(author) (\(year))" : "\(author), \(year)"
        return HTMLWriter.element("a", ["class": "citation", "href": "#ref-\(key)"], text: words)
      }
      return inText ? parts.joined(separator: "; ") : "(" + parts.joined(separator: "; ") + ")"
    }
  }

  /// The page's "References": every entry it cites, by author then year.
  public func referenceList(for note: Note) -> String {
    var keys: [String] = []
    for use in note.references {
      if case .citation(let cited, _) = use.target {
        for k in cited.map({ ReferenceSyntax.citedKey($0).key }) where !keys.contains(k) && bibliography.entries[k] != nil { keys.append(k) }
      }
    }
    guard !keys.isEmpty else { return "" }
    let entries = keys.compactMap { bibliography.entries[$0] }.sorted {
      ($0.familyNames.first ?? $0.key, $0.year, $0.key) < ($1.familyNames.first ?? $1.key, $1.year, $1.key)
    }
    var w = HTMLWriter()
    w.element("section", ["class": "references", "id": "references"]) { w in
      w.element("h2", text: "References")
      w.element("ol") { w in
        for e in entries {
          w.raw("\n")
          w.element("li", ["id": "ref-\(e.key)"]) { $0.raw(e.html) }
        }
        w.raw("\n")
      }
    }
    return w.html + "\n"
  }
}
