import Foundation
import Testing
@testable import LoomKit
import TeXMath

/// The hostile run of issue "Under faults and attack": each input here once crashed, hung, ran a
/// script, or passed when it should not have.
extension EndToEndTests {
  @Suite("Under faults and attack")
  struct HostileInputTests {
    func pipeline(site: URL? = nil, useCache: Bool = false) -> Pipeline {
      let project = Project(root: EndToEndTests.root, siteDirectory: site, loomDirectory: EndToEndTests.root.appendingPathComponent(".loom/test-fixtures"))
      var options = Pipeline.Options()
      options.configuration = "debug"
      options.jobs = 2
      options.useCache = useCache
      return Pipeline(project: project, options: options, console: Console(silent: true))
    }

    @Test("A cell that calls exit(0) fails the note, naming the cell where it stopped")
    func exitEarly() throws {
      let p = pipeline()
      var items = try p.read([EndToEndTests.fixtures.appendingPathComponent("exit-early.md")])
      try p.execute(&items)
      let out = try #require(items[0].outputs)
      #expect(out.status == .crashed)
      #expect(out.failedCell == 2)
      #expect(out.message?.contains("cell 2") == true)
      #expect(out.cells[2]?.error != nil)
      let summary = Tester().evaluate(items)
      #expect(summary.failed >= 1)
    }

    @Test("A note killed from outside is reported but never cached")
    func killedIsNotCached() throws {
      let p = pipeline(useCache: true)
      var items = try p.read([EndToEndTests.fixtures.appendingPathComponent("killed.md")])
      let cache = OutputCache(directory: p.project.cacheDirectory)
      try? FileManager.default.removeItem(at: cache.file(for: items[0].note))
      try p.execute(&items)
      let out = try #require(items[0].outputs)
      #expect(out.status == .crashed)
      #expect(out.transient)
      #expect(!cache.hasEntry(for: items[0].note))
    }

    @Test("When a cell is stopped at its limit, the processes it started are stopped too")
    func childrenStopped() throws {
      let p = pipeline()
      var items = try p.read([EndToEndTests.fixtures.appendingPathComponent("orphan.md")])
      try p.execute(&items)
      let out = try #require(items[0].outputs)
      #expect(out.status == .timedOut)
      let pid = try #require(Int32((out.cells[1]?.stdout ?? "").trimmingCharacters(in: .whitespacesAndNewlines)))
      usleep(300_000)
      // Gone, or a zombie waiting for init to reap it: either way not running.
      let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
      let state = stat.split(separator: ")").last?.split(separator: " ").first.map(String.init) ?? "gone"
      #expect(state == "gone" || state == "Z", "the note's child \(pid) is still running (state \(state))")
      if state != "gone" && state != "Z" { kill(pid, SIGKILL) }
    }

    @Test("Endless recursion is reported as a stack overflow, not a bad pointer")
    func stackOverflow() throws {
      let p = pipeline()
      var items = try p.read([EndToEndTests.fixtures.appendingPathComponent("stack-overflow.md")])
      try p.execute(&items)
      let out = try #require(items[0].outputs)
      #expect(out.status == .crashed)
      #expect(out.message?.contains("stack overflow") == true, "\(out.message ?? "")")
    }

    @Test("A cell cannot fake a cell marker: its output stays in its cell")
    func fakeMarker() throws {
      let p = pipeline()
      var items = try p.read([EndToEndTests.fixtures.appendingPathComponent("fake-marker.md")])
      try p.execute(&items)
      let out = try #require(items[0].outputs)
      #expect(out.cells[1]?.stdout.contains("still cell 1") == true)
      #expect(out.cells[2]?.stdout == "cell 2\n")
    }

    @Test("A note that prints 20 MB keeps 64 KiB of it, with a notice")
    func hugeOutput() throws {
      let p = pipeline()
      let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loom-loud-\(getpid())")
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: dir) }
      let note = EndToEndTests.fixtures.appendingPathComponent("loud.md")
      var items = try p.read([note])
      try p.execute(&items)
      let out = try #require(items[0].outputs)
      let text = out.cells.values.map(\.stdout).joined()
      #expect(text.utf8.count < 70_000 * max(1, out.cells.count))
      #expect(text.contains("output truncated"))
    }

    @Test("@main and #sourceLocation in a cell are errors at their line")
    func forbiddenInCells() {
      let (_, d) = NoteReader().read(
        "```swift\n@main struct App { static func main() {} }\n```\n\n```swift\n#sourceLocation(file: \"x\", line: 1)\n```\n", path: "notes/f.md")
      let errors = d.filter { $0.severity == .error }
      #expect(errors.map(\.location.line) == [2, 6])
    }

    @Test("The memory limit is part of the cache key")
    func memoryLimitInKey() {
      let note = NoteReader().read("```swift\nprint(1)\n```\n", path: "notes/m.md").0
      #expect(OutputCache.key(for: note, environment: "e", memoryLimitMB: 100) != OutputCache.key(for: note, environment: "e", memoryLimitMB: 200))
    }

    @Test("A file name cannot become script: every href and script src is percent-encoded")
    func fileNameInjection() {
      let path = "notes/x\" autofocus onfocus=\"alert(1)\" y.md"
      let (note, _) = NoteReader().read("# Title\n", path: path)
      let (other, _) = NoteReader().read("# Other\n", path: "notes/javascript:alert(1).md")
      let site = Site(project: Project(root: URL(fileURLWithPath: "/tmp")), weaver: Weaver())
      let pages = [Site.Page(note: note, outputs: nil, diagnostics: []), Site.Page(note: other, outputs: nil, diagnostics: [])]
      let (index, _) = NoteReader().read("# Home\n", path: "notes/index.md")
      for page in pages + [Site.Page(note: index, outputs: nil, diagnostics: [])] {
        let html = site.render(page, lectures: pages)
        #expect(!html.contains("onfocus=\"alert"))
        #expect(!html.contains("href=\"javascript:"))
        #expect(html.contains("x%22%20autofocus%20onfocus%3D%22alert%281%29%22%20y.html"))
      }
      #expect(site.searchIndex(pages).contains("javascript%3Aalert%281%29.html"))
    }

    @Test(
      "Prose keeps safe raw HTML and loses scripts, handlers, styles and javascript: URLs",
      arguments: [
        ("<script>alert(1)</script>\n", "<script"),
        ("Text <img src=x onerror=alert(1)> more.\n", "onerror"),
        ("[click](javascript:alert(1))\n", "javascript:"),
        ("<a href=\"jav&#x09;ascript:alert(1)\">x</a>\n", "ascript:alert"),
        ("<a href=\"&#106;avascript:alert(1)\">x</a>\n", "avascript:alert"),
        ("<style>body{display:none}</style>\n", "<style"),
        ("<div style=\"position:fixed\" onclick=\"alert(1)\">x</div>\n", "onclick"),
        ("<iframe src=\"https://example.com\"></iframe>\n", "<iframe"),
        ("<svg><script>alert(1)</script></svg>\n", "<script"),
        ("<details open><summary>More</summary>\n\nhidden\n\n</details>\n", "NOTHING-FORBIDDEN"),
      ])
    func proseSanitised(_ input: (String, String)) {
      let (note, _) = NoteReader().read(input.0, path: "notes/p.md")
      let html = Weaver().article(note, outputs: nil, readDiagnostics: [])
      #expect(!html.contains(input.1), "\(html)")
      if input.0.hasPrefix("<details") {
        #expect(html.contains("<details open><summary>More</summary>"))
      }
    }

    @Test("Captions are Markdown without raw HTML")
    func captionsAreSafe() {
      let (note, _) = NoteReader().read("```swift caption=\"<img src=x onerror=alert(1)>\"\nprint(1)\n```\n", path: "notes/c.md")
      var out = NoteOutputs(status: .ok)
      var cell = CellOutput()
      cell.figures = [FigureOutput(svg: "<svg></svg>", caption: "**bold** <script>alert(1)</script>")]
      out.cells[1] = cell
      let html = Weaver().article(note, outputs: out, readDiagnostics: [])
      #expect(!html.contains("<script>alert"))
      #expect(html.contains("<strong>bold</strong>"))
    }

    @Test("Two notes that map to one build target are an error on both, before the build")
    func duplicateTargets() {
      let p = pipeline()
      let a = NoteReader().read("```swift\nprint(1)\n```\n", path: "notes/my note.md").0
      let b = NoteReader().read("```swift\nprint(2)\n```\n", path: "notes/my-note.md").0
      let c = NoteReader().read("```swift\nprint(3)\n```\n", path: "notes/other.md").0
      var items = [a, b, c].map { Pipeline.Item(note: $0, readDiagnostics: []) }
      _ = p.link(&items)
      #expect(items[0].hasReadErrors && items[1].hasReadErrors && !items[2].hasReadErrors)
      #expect(items[0].readDiagnostics.first?.message.contains("notes/my-note.md") == true)
    }

    @Test("An invalid UTF-8 byte is that note's error at its line and column; other notes are read")
    func invalidUTF8() throws {
      let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loom-utf8-\(getpid())")
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: dir) }
      let bad = dir.appendingPathComponent("bad.md"), good = dir.appendingPathComponent("good.md")
      try Data("# Bad\n\nab".utf8 + [0xFF] + Data("cd\n".utf8)).write(to: bad)
      try Data("# Good\n".utf8).write(to: good)
      let items = try pipeline().read([bad, good])
      let d = try #require(items[0].readDiagnostics.first)
      #expect(d.severity == .error && d.location.line == 3 && d.location.column == 3)
      #expect(!items[1].hasReadErrors)
    }

    @Test("A full weave removes pages of deleted notes and files a cell left in the site")
    func staleFilesPruned() throws {
      let site = FileManager.default.temporaryDirectory.appendingPathComponent("loom-prune-\(getpid())")
      defer { try? FileManager.default.removeItem(at: site) }
      let s = Site(project: Project(root: URL(fileURLWithPath: "/tmp"), siteDirectory: site), weaver: Weaver())
      let (a, _) = NoteReader().read("# A\n", path: "notes/a.md")
      let (gone, _) = NoteReader().read("# Gone\n", path: "notes/gone.md")
      try s.write([Site.Page(note: a, outputs: nil, diagnostics: []), Site.Page(note: gone, outputs: nil, diagnostics: [])])
      try Data("x".utf8).write(to: site.appendingPathComponent("dropped-by-a-cell.png"))
      #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("gone.html").path))
      try s.write([Site.Page(note: a, outputs: nil, diagnostics: [])])
      #expect(!FileManager.default.fileExists(atPath: site.appendingPathComponent("gone.html").path))
      #expect(!FileManager.default.fileExists(atPath: site.appendingPathComponent("dropped-by-a-cell.png").path))
      #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("a.html").path))
      #expect(!(try String(contentsOf: site.appendingPathComponent("assets/search-index.js"), encoding: .utf8)).contains("gone"))
    }

    @Test("Deeply nested brackets in a cell are shown as plain text instead of hanging the highlighter")
    func nestedBrackets() {
      for source in [String(repeating: "[", count: 40), String(repeating: "[", count: 30) + String(repeating: "]", count: 30)] {
        let html = SwiftHighlighter().highlight("let x = " + source)
        #expect(html.contains(source))
        let (_, d) = NoteReader().read("```swift\nlet x = \(source)\n```\n", path: "notes/b.md")
        #expect(d.isEmpty)
      }
    }

    @Test("A formula of thousands of scripts is a warning, an overlong one an error at its line")
    func hostileMath() {
      let (_, d1) = NoteReader().read("Text\n\n$x" + String(repeating: "^", count: 3000) + "$\n", path: "notes/m.md")
      #expect(d1.allSatisfy { $0.severity == .warning } && !d1.isEmpty)
      let (_, d2) = NoteReader().read("Text\n\n$$" + String(repeating: "\\left(", count: 20_000) + "$$\n", path: "notes/m.md")
      #expect(d2.contains { $0.severity == .error && $0.location.line == 3 && $0.message.contains("bytes long") })
    }
  }
}

/// Every input `make fuzz` ever found slow or crashing stays a regression case.
@Suite("Fuzz findings")
struct FuzzFindingTests {
  static let dir = EndToEndTests.fixtures.appendingPathComponent("fuzz")
  static var cases: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
  }

  @Test("Each kept input goes through the reader, cross-references, weaver, highlighter, TeX converter and BibTeX reader", arguments: cases)
  func finding(_ name: String) throws {
    let text = String(decoding: try Data(contentsOf: Self.dir.appendingPathComponent(name)), as: UTF8.self)
    let (note, _) = NoteReader().read(text, path: "notes/06-fuzz.md")
    let index = CrossReferences(notes: [note])
    _ = index.diagnostics(for: note)
    _ = index.resolve(Weaver().article(note, outputs: nil, readDiagnostics: []), on: note.slug)
    _ = Bibliography.parse(text, path: "notes/references.bib")
    _ = SwiftHighlighter().highlight(text)
    _ = TeXMath.convert(text, display: true)
  }
}
