import Foundation
import Testing
@testable import LoomKit
import FlyingFox

/// The second hostile run (a reviewer with only the docs): what it found, each as a test.
@Suite("Under faults and attack, second run")
struct HostileInputTests2 {
  func temporaryProject(_ files: [String: String]) throws -> (Project, URL) {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("loom-hostile2-\(UUID().uuidString)")
    let notes = root.appendingPathComponent("notes")
    try FileManager.default.createDirectory(at: notes, withIntermediateDirectories: true)
    for (name, text) in files { try text.write(to: notes.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    return (Project(root: root), root)
  }

  @Test("A diagnostic on a very long line shows the window around its caret, not the whole line")
  func longLineExcerpt() {
    let line = String(repeating: "a", count: 100_000) + "@sec-nope" + String(repeating: "b", count: 100_000)
    let d = Diagnostic(.error, "unknown label", at: SourceLocation(file: "notes/x.md", line: 1, column: 100_001))
    let text = d.rendered(sourceLines: [Substring(line)])
    #expect(text.count < 500, "\(text.count) characters")
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let caret = try? #require(lines.last)
    let excerpt = lines[lines.count - 2]
    // The caret still points at the '@'.
    let at = excerpt.firstIndex(of: "@").map { excerpt.distance(from: excerpt.startIndex, to: $0) }
    #expect(at == (caret?.count ?? 0) - 1, "\(excerpt)\n\(caret ?? "")")
  }

  @Test("A reference after an email autolink is reported at its line, not line 0")
  func referenceAfterEmailAutolink() throws {
    let (project, root) = try temporaryProject(["e.md": "# e\n\nmail foo@bar.com then @sec-nope here\n"])
    defer { try? FileManager.default.removeItem(at: root) }
    let p = Pipeline(project: project, options: Pipeline.Options(), console: Console(silent: true))
    var items = try p.read(project.noteFiles([]))
    _ = p.link(&items)
    let d = try #require(items[0].readDiagnostics.first { $0.message.contains("sec-nope") })
    #expect(d.location.line == 3, "\(d)")
  }

  @Test("A note named timings.md, or with a name too long for its page, is an error at its line 1; the other pages are written")
  func pageNames() throws {
    let long = String(repeating: "x", count: 250) + ".md"
    let (project, root) = try temporaryProject(["timings.md": "# Mine\n", long: "# Long\n", "a.md": "# A\n"])
    defer { try? FileManager.default.removeItem(at: root) }
    let p = Pipeline(project: project, options: Pipeline.Options(), console: Console(silent: true))
    var items = try p.read(project.noteFiles([]))
    _ = p.link(&items)
    for slug in ["timings", String(repeating: "x", count: 250)] {
      let item = try #require(items.first { $0.note.slug == slug })
      #expect(
        item.readDiagnostics.contains { $0.location.line == 1 && ($0.message.contains("run-times page") || $0.message.contains("255 bytes")) },
        "\(item.readDiagnostics)")
    }
    #expect(items.first { $0.note.slug == "a" }?.hasReadErrors == false)
    try p.weave(items)
    let site = project.siteDirectory
    #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("a.html").path))
    let timings = try String(contentsOf: site.appendingPathComponent("timings.html"), encoding: .utf8)
    #expect(!timings.contains("<h1>Mine</h1>") && !timings.contains(">Mine<"), "the note overwrote Loom's run-times page")
  }

  @Test("An inline value is bounded like a cell's output")
  func inlineCap() {
    let big = String(repeating: "é", count: 100_000)
    let capped = Runner.capped(big, limit: 64 * 1024)
    #expect(capped.utf8.count < 64 * 1024 + 200)
    #expect(capped.hasSuffix("[loom: the value was 200000 bytes; the first 65536 are shown]"), "\(capped.suffix(80))")
    #expect(Runner.capped("42", limit: 64 * 1024) == "42")
  }
}

extension HostileInputTests2 {
  @Test("A heading's {#…} that is not a valid label is an error at its line, not silently heading text")
  func invalidHeadingLabel() {
    for bad in ["sec-ünï", "sec agent", "1sec", ""] {
      let (_, ds) = NoteReader().read("# T\n\nText.\n\n## Agents {#\(bad)}\n\nMore.\n", path: "notes/l.md")
      #expect(ds.contains { $0.severity == .error && $0.message.contains("'{#\(bad)}' is not a label") && $0.location.line == 5 }, "\(bad): \(ds)")
    }
    let (note, ds) = NoteReader().read("# T\n\n## Agents {#sec-agents}\n", path: "notes/l.md")
    #expect(ds.isEmpty, "\(ds)")
    #expect(note.labels.contains { $0.name == "sec-agents" })
  }

  @Test("Suggestions for misspelt names: the bounded edit distance is Levenshtein's wherever it is within the bound")
  func boundedEditDistance() {
    func levenshtein(_ a: [Character], _ b: [Character]) -> Int {
      var d = (0...a.count).map { i in (0...b.count).map { j in i == 0 ? j : (j == 0 ? i : 0) } }
      for i in stride(from: 1, through: a.count, by: 1) {
        for j in stride(from: 1, through: b.count, by: 1) {
          d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
      }
      return d[a.count][b.count]
    }
    // Every pair of strings over "ab-" up to length 4 (121 strings).
    var words: [[Character]] = [[]]
    var frontier: [[Character]] = [[]]
    for _ in 1...4 {
      frontier = frontier.flatMap { w in Array("ab-").map { w + [$0] } }
      words += frontier
    }
    var mismatches = 0
    for a in words {
      for b in words {
        let exact = levenshtein(a, b), bounded = CellOptions.boundedEditDistance(a, b, limit: 2)
        if exact <= 2 ? bounded != exact : bounded <= 2 { mismatches += 1 }
      }
    }
    #expect(words.count == 121 && mismatches == 0)
    #expect(CellOptions.closest("sec-agnets", in: ["sec-agents", "sec-setup", "fig-agents"]) == "sec-agents")
    #expect(CellOptions.closest("sec-zzzzzz", in: ["sec-agents"]) == nil)
  }

  @Test("An option given twice on a fence, or a front matter key given twice, is an error at its place")
  func repeatedOptions() {
    let (note, ds) = NoteReader().read("---\ntitle: A\ntitle: B\n---\n```swift id=a id=b hide\nprint(1)\n```\n", path: "notes/r.md")
    #expect(ds.contains { $0.message.contains("option 'id' is given twice") && $0.location.line == 5 && $0.location.column == 15 }, "\(ds)")
    #expect(ds.contains { $0.message.contains("front matter 'title' is given twice (first at line 2)") && $0.location.line == 3 }, "\(ds)")
    #expect(note.cells.first?.options.id == "a")
  }
}

extension HostileInputTests2 {
  @Test("Control characters a cell prints (NUL, terminal escapes, BEL) do not reach the HTML")
  func controlCharacters() {
    let (note, _) = NoteReader().read("```swift\nprint(1)\n```\n", path: "notes/c.md")
    var out = NoteOutputs(status: .ok)
    var cell = CellOutput()
    cell.stdout = "a\u{0}b\u{1B}[31mred\u{7}\tc\nd\u{1E}e\n"
    out.cells[1] = cell
    let html = Weaver().article(note, outputs: out, readDiagnostics: [])
    #expect(!html.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" }, "\(html)")
    #expect(html.contains("a\u{FFFD}b\u{FFFD}[31mred\u{FFFD}\tc\nd\u{FFFD}e"), "\(html)")
  }
}

extension HostileInputTests2 {
  @Test("loom serve's 403 and 404 echo the path as plain text, marked nosniff")
  func serveErrorsArePlainText() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("loom-serve-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: root) }
    for path in ["/<script>alert(1)</script>", "/../../etc/passwd"] {
      let r = Server.file(for: path, in: root.standardizedFileURL.resolvingSymlinksInPath())
      #expect(r.statusCode == .notFound || r.statusCode == .forbidden)
      #expect(r.headers[.contentType] == "text/plain; charset=utf-8")
      #expect(r.headers[HTTPHeader("X-Content-Type-Options")] == "nosniff")
    }
  }
}
