import Foundation

/// The static site: one page per note, `index.html` from `notes/index.md`, assets, search index.
/// Works from `file://` (no fetch, no modules) and from a server.
public struct Site: Sendable {
  public var project: Project
  public var weaver: Weaver
  /// The site's name: the title of notes/index.md when there is one (see `write`).
  public var title = "Notes"
  /// The series' labels and bibliography: references in pages are resolved with it.
  public var crossReferences: CrossReferences?

  public init(project: Project, weaver: Weaver) {
    self.project = project
    self.weaver = weaver
  }

  /// One page of the site, ready to write.
  public struct Page: Sendable {
    public var note: Note
    public var outputs: NoteOutputs?
    public var diagnostics: [Diagnostic]
    public var fileName: String { note.slug == "index" ? "index.html" : "\(note.slug).html" }
    /// `fileName` as a relative URL, safe in an attribute or a script: every byte outside
    /// [A-Za-z0-9-._~] is percent-encoded, so a file name can never close the attribute, start a
    /// `javascript:` URL, or climb out of the site.
    public var href: String { Site.urlPath(fileName) }
  }

  static let urlSafe = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

  /// A file name as a relative URL path segment (see `Page.href`).
  static func urlPath(_ name: String) -> String {
    name.addingPercentEncoding(withAllowedCharacters: urlSafe) ?? "index.html"
  }

  /// Writes every page, the assets and the search index. Each file is written atomically, and only
  /// when its bytes change.
  /// With `only`, just those pages (by slug) are rendered again; the rest keep their files.
  /// Writes the pages (only those in `only`, when given) and returns how many were written.
  ///
  /// With `only`, a page that is neither written now nor already in the folder (a new `--output`
  /// folder, a note never run) is left out of the navigation, the index, the pager and the search,
  /// so no link points at a file that is not there.
  @discardableResult
  public func write(_ pages: [Page], only: Set<String>? = nil) throws -> Int {
    let dir = project.siteDirectory
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    // A note whose page cannot be written under its name has a read error instead (Pipeline.link).
    let pages = pages.filter { page in
      guard Self.pageNameProblem(page.note) == nil else { return false }
      guard let only, !only.contains(page.note.slug) else { return true }
      return FileManager.default.fileExists(atPath: dir.appendingPathComponent(page.fileName).path)
    }
    let lectures = pages.filter { $0.note.slug != "index" }.sorted { $0.note.slug < $1.note.slug }
    var site = self
    if let index = pages.first(where: { $0.note.slug == "index" }) { site.title = index.note.title }
    if site.crossReferences == nil { site.crossReferences = CrossReferences(notes: pages.map(\.note)) }
    try site.writeAll(pages, lectures: lectures, only: only)
    return only.map { only in pages.filter { only.contains($0.note.slug) }.count } ?? pages.count
  }

  private func writeAll(_ pages: [Page], lectures: [Page], only: Set<String>?) throws {
    let dir = project.siteDirectory
    var pages = pages
    if !pages.contains(where: { $0.note.slug == "index" }) {
      // No notes/index.md: the landing page is just the list of notes.
      let (index, _) = NoteReader().read("# \(title)\n", path: "notes/index.md")
      pages.append(Page(note: index, outputs: nil, diagnostics: []))
    }
    let existing = Set(pages.flatMap { [$0.fileName, $0.href] })
    let graph = NoteGraph(pages.map(\.note))
    // One page that cannot be written does not stop the others: they are written, then its error.
    var failures: [String] = []
    for page in pages where only?.contains(page.note.slug) ?? true {
      do {
        try writePage(page, lectures: lectures, existing: existing, graph: graph)
      } catch {
        failures.append("\(page.note.path): error: its page could not be written: \(error)")
      }
    }
    let assets = dir.appendingPathComponent("assets")
    try FileIO.writeIfChanged(SiteAssets.css, to: assets.appendingPathComponent("loom.css"))
    try FileIO.writeIfChanged(SiteAssets.javascript, to: assets.appendingPathComponent("loom.js"))
    try FileIO.writeIfChanged(searchIndex(pages), to: assets.appendingPathComponent("search-index.js"))
    try writeTimings(pages, lectures: lectures)
    if !failures.isEmpty { throw LoomError(.io, failures.joined(separator: "\n")) }
    if only == nil {
      let sourceFiles = pages.flatMap { Self.sourceFiles($0.note) }
      Self.prune(
        dir,
        keeping: Set(pages.map(\.fileName) + pages.map { Self.volatilePath($0.note) } + Self.assetFiles + sourceFiles + Self.timingFiles))
    }
  }

  private func writePage(_ page: Page, lectures: [Page], existing: Set<String>, graph: NoteGraph) throws {
    let dir = project.siteDirectory
    let html = self.html(for: page, lectures: lectures, existing: existing)
    try FileIO.writeIfChanged(html, to: dir.appendingPathComponent(page.fileName))
    // What the reader can download: the Markdown, and the program Loom generated from it.
    for (file, text) in sources(page.note, graph: graph) { try FileIO.writeIfChanged(text, to: dir.appendingPathComponent(file)) }
    // Machine-dependent outputs (cells marked volatile) live beside the page, not in it.
    let volatileFile = dir.appendingPathComponent(Self.volatilePath(page.note))
    if let script = weaver.volatileScript(page.note, outputs: page.outputs) {
      try FileIO.writeIfChanged(script, to: volatileFile)
    } else if FileManager.default.fileExists(atPath: volatileFile.path) {
      try FileManager.default.removeItem(at: volatileFile)
    }
  }

  /// Why `note`'s page cannot have the name it would get, or nil: Loom's own run-times page is
  /// `timings.html`, and a file name has at most 255 bytes (the page's sources add `.swift`).
  static func pageNameProblem(_ note: Note) -> String? {
    if note.slug == "timings" {
      return "this note's page would be timings.html, which is Loom's run-times page; rename the note"
    }
    let bytes = note.slug.utf8.count
    if bytes > 240 {
      return "this note's name is \(bytes) bytes long; its page and sources need names of at most 255 bytes: shorten it to 240 or fewer"
    }
    return nil
  }

  /// `source/<note>.md` (every real note), and `source/<slug>.swift`, the `main.swift` Loom
  /// generates from it, for a note with code.
  func sources(_ note: Note, graph: NoteGraph) -> [(file: String, text: String)] {
    Self.sourceFiles(note).map { file in
      (file, file == Self.sourcePath(note) ? note.lines.joined(separator: "\n") : Tangler(project: project).mainSwift(for: note, graph: graph))
    }
  }

  /// The files `sources` writes for `note`, without generating them (for pruning).
  static func sourceFiles(_ note: Note) -> [String] {
    guard note.lines.count > 1 || !(note.lines.first ?? "").isEmpty, !note.path.isEmpty else { return [] }
    return [sourcePath(note)] + (Pipeline.hasCode(note) ? [swiftPath(note)] : [])
  }

  static func sourcePath(_ note: Note) -> String { "source/\(note.slug).md" }
  static func swiftPath(_ note: Note) -> String { "source/\(note.slug).swift" }

  static let timingFiles = ["timings.html", "volatile/timings.js"]

  /// `timings.html`: each lecture's run time and its slowest cells. The numbers depend on the
  /// machine, so they live in `volatile/timings.js` and the page itself stays byte-identical.
  func writeTimings(_ pages: [Page], lectures: [Page]) throws {
    let dir = project.siteDirectory
    var rows: [String] = []
    for page in lectures {
      guard let outputs = page.outputs, outputs.seconds > 0 else { continue }
      let slowest = outputs.cells.compactMap { index, cell in cell.seconds.map { (index, $0) } }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }.prefix(3)
      let cells = slowest.compactMap { index, seconds -> String? in
        guard let cell = page.note.cells.first(where: { $0.index == index }) else { return nil }
        return "<a href=\"\(page.href)#\(cell.id.htmlEscaped)\">line \(cell.fenceLine)</a> \(String(format: "%.1f", seconds)) s"
      }
      rows.append(
        "<tr><td><a href=\"\(page.href)\">\(page.note.title.htmlEscaped)</a></td><td>\(String(format: "%.1f", outputs.seconds))</td><td>\(cells.joined(separator: ", "))</td></tr>"
      )
    }
    let table =
      "<table class=\"output-table\"><thead><tr><th>note</th><th>run time (s)</th><th>slowest cells</th></tr></thead><tbody>\(rows.joined(separator: "\n"))</tbody></table>"
    let script =
      "// Run times of the notes on the machine that ran them last (written by loom weave).\nwindow.LoomVolatile = Object.assign(window.LoomVolatile || {}, {\n  \"timings\": \(table.jsonQuoted)\n});\n"
    try FileIO.writeIfChanged(script, to: dir.appendingPathComponent("volatile/timings.js"))
    let (note, _) = NoteReader().read(
      "# Run times\n\nHow long each note took to run when its outputs were made (its *cold* run: a cached note is not run again), and its three slowest cells. The numbers depend on the machine, so they are loaded from `volatile/timings.js` and the rest of the site stays the same from build to build. `loom test --timings` prints the slowest cells of a run.\n",
      path: "notes/timings.md")
    var html = render(Page(note: note, outputs: nil, diagnostics: []), lectures: lectures, sources: false)
    html = html.replacingOccurrences(
      of: "</article>",
      with: "<div class=\"volatile\" data-volatile=\"timings\"></div>\n</article>\n<script src=\"volatile/timings.js\"></script>")
    try FileIO.writeIfChanged(html, to: dir.appendingPathComponent("timings.html"))
  }

  static let assetFiles = ["assets/loom.css", "assets/loom.js", "assets/search-index.js"]

  /// "Source: notes/06-ppo.md · generated Swift", linked to the files `sources` writes.
  static func sourceLinks(_ note: Note) -> String {
    var html = "Source: <a href=\"\(urlPath(sourcePath(note)).replacingOccurrences(of: "%2F", with: "/"))\"><code>\(note.path.htmlEscaped)</code></a>"
    if Pipeline.hasCode(note) {
      html += " · <a href=\"\(urlPath(swiftPath(note)).replacingOccurrences(of: "%2F", with: "/"))\">generated Swift</a>"
    }
    return html
  }

  /// Removes what a full weave did not write: pages of renamed or deleted notes, their volatile
  /// scripts, files a cell wrote into the site. Only in a folder that is a Loom site (its
  /// index.html says `generator: loom`), so a mistaken `--output` never deletes anyone's files.
  static func prune(_ dir: URL, keeping: Set<String>) {
    let fm = FileManager.default
    guard let index = try? String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8),
      index.contains("<meta name=\"generator\" content=\"loom\">"),
      let walker = fm.enumerator(atPath: dir.path)
    else { return }
    var files: [String] = [], dirs: [String] = []
    while let rel = walker.nextObject() as? String {
      var isDir: ObjCBool = false
      guard fm.fileExists(atPath: dir.appendingPathComponent(rel).path, isDirectory: &isDir) else { continue }
      if isDir.boolValue { dirs.append(rel) } else { files.append(rel) }
    }
    for rel in files where !keeping.contains(rel) { try? fm.removeItem(at: dir.appendingPathComponent(rel)) }
    for rel in dirs.sorted(by: { $0.count > $1.count }) {
      let url = dir.appendingPathComponent(rel)
      if (try? fm.contentsOfDirectory(atPath: url.path))?.isEmpty == true { try? fm.removeItem(at: url) }
    }
  }

  /// Links to notes that are not written yet (`03-x.md` with no such file) become plain text
  /// marked "not written yet", so the site never has a broken link. The reader marked each link to
  /// another note in cmark-gfm's tree (`CMark.linkOpen` … `CMark.linkClose` around the `<a>` it
  /// rendered), so what is rewritten is exactly that link, whatever raw HTML the prose holds.
  static func markMissingNotes(_ html: String, existing: Set<String>) -> String {
    guard html.contains(CMark.linkOpen) else { return html }
    var out = ""
    var rest = Substring(html)
    while let open = rest.range(of: CMark.linkOpen) {
      out += rest[..<open.lowerBound]
      let afterOpen = rest[open.upperBound...]
      guard let urlEnd = afterOpen.firstIndex(of: "\u{1E}"), let close = afterOpen.range(of: CMark.linkClose) else {
        rest = afterOpen
        continue
      }
      let url = String(afterOpen[..<urlEnd])
      var link = afterOpen[afterOpen.index(after: urlEnd)..<close.lowerBound]
      let file = String(url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
      let decoded = file.removingPercentEncoding ?? file
      if existing.contains(file) || existing.contains(decoded) {
        out += link
      } else {
        // `<a href="…" …>text</a>` as cmark-gfm rendered it → the text.
        if link.hasPrefix("<a "), let tagEnd = link.firstIndex(of: ">") { link = link[link.index(after: tagEnd)...] }
        if link.hasSuffix("</a>") { link = link.dropLast(4) }
        out += "<span class=\"missing-note\" title=\"not written yet\">\(link)</span>"
      }
      rest = afterOpen[close.upperBound...]
    }
    return out + rest
  }

  /// Where a note's volatile outputs are written, relative to the site.
  static func volatilePath(_ note: Note) -> String { "volatile/\(note.slug).js" }

  /// A page's file as written: `render`ed, with links to notes outside `existing` (page file names
  /// and hrefs) marked missing.
  public func html(for page: Page, lectures: [Page], existing: Set<String>) -> String {
    let html = Self.markMissingNotes(render(page, lectures: lectures), existing: existing)
    return crossReferences?.resolve(html, on: page.note.slug) ?? html
  }

  /// The full HTML document for a page: the sidebar (lectures, then this page's sections), the
  /// woven article, the notes list on the index, the pager.
  /// `sources: false` for a page Loom makes itself (run times), which has no Markdown of its own.
  public func render(_ page: Page, lectures: [Page], sources: Bool = true) -> String {
    let note = page.note
    let isIndex = note.slug == "index"
    let article =
      weaver.article(note, outputs: page.outputs, readDiagnostics: page.diagnostics) + (crossReferences?.referenceList(for: note) ?? "")
    let nav = Self.lectureNav(current: note, lectures: lectures)
    let toc = Self.toc(note)
    let pager = Self.pager(current: note, lectures: lectures)
    let notesList = isIndex ? Self.notesList(lectures) : ""
    return """
      <!DOCTYPE html>
      <html lang="en" data-page="\(note.slug.htmlEscaped)">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta name="generator" content="loom">
      <title>\(isIndex ? title.htmlEscaped : "\(note.title.htmlEscaped) · \(title.htmlEscaped)")</title>
      <link rel="stylesheet" href="assets/loom.css">
      <script>try{var t=localStorage.getItem("loom-theme");if(t)document.documentElement.dataset.theme=t}catch(e){}</script>
      </head>
      <body class="\(isIndex ? "index-page" : "note-page")">
      <header class="topbar">
      <a class="brand" href="index.html">\(title.htmlEscaped)</a>
      <div class="search"><input id="search" type="search" placeholder="Search notes…" aria-label="Search notes" autocomplete="off"><ol id="search-results" hidden></ol></div>
      <button id="theme-toggle" type="button" aria-label="Toggle dark mode" title="Toggle dark mode">◐</button>
      </header>
      <div class="layout">
      <aside class="sidebar">\(nav)\(toc)</aside>
      <main>
      <article class="note">
      \(article)\(notesList)
      </article>
      \(pager)
      <footer class="source">\(sources ? Self.sourceLinks(note) + " · " : "")<a href="timings.html">run times</a> · woven by loom</footer>
      </main>
      </div>
      <script src="assets/search-index.js"></script>
      \(note.cells.contains { $0.options.volatile } ? "<script src=\"volatile/\(Self.urlPath(note.slug + ".js"))\"></script>\n" : "")<script src="assets/loom.js"></script>
      </body>
      </html>

      """
  }

  /// The sidebar's list of lectures; the current one marked, broken ones flagged.
  static func lectureNav(current note: Note, lectures: [Page]) -> String {
    var w = HTMLWriter()
    w.element("nav", ["class": "site-nav", "aria-label": "Lectures"]) { w in
      w.element("ul") { w in
        w.element("li", ["class": note.slug == "index" ? "current" : nil]) { $0.element("a", ["href": "index.html"], text: "Overview") }
        for l in lectures {
          let current = l.note.slug == note.slug
          let broken = l.outputs.map { !($0.status == .ok && $0.checks.allSatisfy(\.ok)) } ?? false
          let classes = [current ? "current" : nil, broken ? "broken" : nil].compactMap { $0 }.joined(separator: " ")
          w.element("li", ["class": classes]) { w in
            w.element("a", ["href": l.href, "aria-current": current ? "page" : nil], text: l.note.title)
          }
        }
      }
    }
    return w.html
  }

  /// "On this page": the note's level-2 and level-3 headings.
  static func toc(_ note: Note) -> String {
    let headings = note.blocks.flatMap { block -> [Heading] in
      if case .prose(let p) = block { return p.headings.filter { $0.level >= 2 && $0.level <= 3 } }
      return []
    }
    guard !headings.isEmpty else { return "" }
    var w = HTMLWriter()
    w.element("nav", ["class": "toc", "aria-label": "On this page"]) { w in
      w.element("p", ["class": "toc-title"], text: "On this page")
      w.element("ul") { w in
        for h in headings {
          w.element("li", ["class": "toc-h\(h.level)"]) { $0.element("a", ["href": "#\(h.id)"], text: h.text) }
        }
      }
    }
    return w.html
  }

  /// Previous and next lecture (the index leads to the first; the first leads back to the index).
  static func pager(current note: Note, lectures: [Page]) -> String {
    let isIndex = note.slug == "index"
    let position = lectures.firstIndex { $0.note.slug == note.slug }
    let prev = position.flatMap { $0 > 0 ? lectures[$0 - 1] : nil }
    let next: Page? = isIndex ? lectures.first : position.flatMap { $0 + 1 < lectures.count ? lectures[$0 + 1] : nil }
    var w = HTMLWriter()
    w.element("nav", ["class": "pager", "aria-label": "Previous and next"]) { w in
      if let prev {
        w.element("a", ["class": "prev", "rel": "prev", "href": prev.href], text: "← \(prev.note.title)")
      } else if !isIndex {
        w.element("a", ["class": "prev", "rel": "prev", "href": "index.html"], text: "← Overview")
      }
      if let next { w.element("a", ["class": "next", "rel": "next", "href": next.href], text: "\(next.note.title) →") }
    }
    return w.html
  }

  /// The index page's list of every note, with how its checks fared.
  static func notesList(_ lectures: [Page]) -> String {
    var w = HTMLWriter()
    w.element("section", ["class": "notes-list"]) { w in
      w.raw("<h2 id=\"all-notes\">All notes<a class=\"anchor\" href=\"#all-notes\">#</a></h2>")
      w.element("ul") { w in
        for l in lectures {
          w.element("li") { w in
            w.element("a", ["href": l.href], text: l.note.title)
            w.raw(" ")
            if let (text, ok) = badge(l.outputs) { w.element("span", ["class": ok ? "badge ok" : "badge bad"], text: text) }
          }
        }
      }
    }
    return w.html
  }

  /// "12 checks pass", "2 of 12 checks failed", or the run's status when it did not finish.
  static func badge(_ outputs: NoteOutputs?) -> (String, ok: Bool)? {
    guard let o = outputs else { return nil }
    let checks = o.checks
    let failed = checks.filter { !$0.ok }.count
    if o.status != .ok { return (o.status.rawValue, false) }
    if failed > 0 { return ("\(failed) of \(checks.count) checks failed", false) }
    return checks.isEmpty ? nil : ("\(checks.count) checks pass", true)
  }

  static let searchChunk = 4000

  /// `text` in pieces of at most `size` characters, cut at spaces where there is one; `[""]` for "".
  static func chunks(_ text: String, of size: Int) -> [String] {
    var pieces: [String] = []
    var rest = Substring(text)
    while rest.count > size {
      let limit = rest.index(rest.startIndex, offsetBy: size)
      let cut = rest[..<limit].lastIndex(of: " ") ?? limit
      pieces.append(String(rest[..<cut]))
      rest = rest[cut...].drop { $0 == " " }
    }
    return pieces + [String(rest)]
  }

  /// `window.LOOM_SEARCH = [...]`: a script (not JSON) so search works from file:// too.
  func searchIndex(_ pages: [Page]) -> String {
    var entries: [String] = []
    for page in pages.sorted(by: { $0.note.slug < $1.note.slug }) {
      var sectionTitle = page.note.title
      var sectionID = ""
      var text = ""
      func flush() {
        let t = text.split(whereSeparator: { $0 == "\n" || $0 == " " }).joined(separator: " ")
        guard !t.isEmpty || !sectionID.isEmpty else { return }
        // A long section is several entries with the same anchor, so all of its text is found and no
        // entry is too long to show.
        for chunk in Self.chunks(t, of: Self.searchChunk) {
          entries.append(
            "{\"p\":\(page.href.jsonQuoted),\"t\":\(page.note.title.jsonQuoted),\"s\":\(sectionTitle.jsonQuoted),\"a\":\(sectionID.jsonQuoted),\"x\":\(chunk.jsonQuoted)}"
          )
        }
      }
      for block in page.note.blocks {
        switch block {
        case .prose(let p):
          // Split the prose text at its headings.
          var remaining = Substring(p.text)
          for h in p.headings {
            if let r = remaining.range(of: h.text + "\n") {
              text += remaining[..<r.lowerBound]
              flush()
              sectionTitle = h.text
              sectionID = h.id
              text = ""
              remaining = remaining[r.upperBound...]
            }
          }
          text += remaining
        case .cell(let c):
          text += " " + c.source
        }
        if case .prose(let p) = block { for c in p.cells { text += " " + c.source } }
      }
      flush()
    }
    return "window.LOOM_SEARCH = [\n" + entries.joined(separator: ",\n") + "\n];\n"
  }
}
