import Foundation
import Testing

@testable import LoomKit

/// Regression tests for the bugs listed in the issue "A course, not a pile of pages"; each failed
/// before its fix.
@Suite("Bugs found reading the code")
struct CourseBugTests {
  @Test("Quoted option values keep backslashes that escape nothing; captions get their math")
  func captionBackslashesAndMath() {
    let (note, ds) = NoteReader().read("```swift caption=\"Weights $\\gamma^t$, a \\\"quote\\\", a \\\\ backslash\"\nprint(1)\n```\n", path: "docs/c.md")
    #expect(ds.isEmpty)
    #expect(note.cells.first?.options.caption == "Weights $\\gamma^t$, a \"quote\", a \\ backslash")
    let html = Weaver.caption(note.cells.first!.options.caption!)
    #expect(html.contains("<math") && html.contains("γ") && !html.contains("$gamma"), "\(html)")
  }

  @Test("A trap's location is the note's own path, wherever the note is; another file's is not the note's")
  func trapLocationPath() {
    let stderr = "Note_c/c.md:7: Fatal error: Index out of range\n"
    #expect(Runner.trapMessage(stderr, notePath: "docs/guide/c.md").location == SourceLocation(file: "docs/guide/c.md", line: 7))
    #expect(Runner.trapMessage(stderr, notePath: "notes/other.md").location == nil)
    #expect(Runner.trapMessage(stderr, notePath: "notes/other.md").text == "Fatal error: Index out of range")
  }

  @Test("The search index holds every word of a long section, in entries of at most 4 000 characters")
  func searchIndexKeepsLongSections() {
    let words = (0..<2000).map { "word\($0)" }.joined(separator: " ")
    let (note, _) = NoteReader().read("# Title\n\n## Long\n\n\(words) lastword\n", path: "notes/long.md")
    let site = Site(project: Project(root: URL(fileURLWithPath: "/tmp")), weaver: Weaver())
    let index = site.searchIndex([Site.Page(note: note, outputs: nil, diagnostics: [])])
    #expect(index.contains("lastword") && index.contains("word1999") && index.contains("word0 "))
    #expect(Site.chunks(words, of: 4000).allSatisfy { $0.count <= 4000 })
    #expect(Site.chunks(words, of: 4000).joined(separator: " ") == words)
    #expect(Site.chunks("", of: 10) == [""] && Site.chunks("abcdefghijkl", of: 5) == ["abcde", "fghij", "kl"])
  }

  @Test("Cell anchors and heading anchors do not collide: a named cell is cell-<id>, digits-only ids are refused")
  func anchorNamespaces() {
    let markdown = "# Intro\n\n```swift id=intro\nprint(1)\n```\n\n```swift id=x3\nprint(2)\n```\n\n```swift\nprint(3)\n```\n\n## Cell 3\n"
    let (note, ds) = NoteReader().read(markdown, path: "notes/a.md")
    #expect(ds.isEmpty)
    #expect(note.cells.map(\.id) == ["cell-intro", "cell-x3", "cell-3"])
    let headingIDs = note.blocks.flatMap { block -> [String] in if case .prose(let p) = block { return p.headings.map(\.id) } else { return [] } }
    #expect(headingIDs == ["intro", "cell-3-2"])
    let (_, digits) = NoteReader().read("```swift id=3\nprint(1)\n```\n", path: "notes/b.md")
    #expect(digits.contains { $0.message.contains("an id of digits only would take the anchor cell-3") && $0.location.line == 1 })
  }

  @Test("loom weave NOTE.md weaves that page and keeps the other pages' outputs from the cache")
  func weaveNamedKeepsOtherPages() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("loom-weave-named-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let notes = root.appendingPathComponent("notes")
    try FileManager.default.createDirectory(at: notes, withIntermediateDirectories: true)
    try "# A\n\nProse only.\n".write(to: notes.appendingPathComponent("01-a.md"), atomically: true, encoding: .utf8)
    try "# B\n\n```swift\nprint(\"b\")\n```\n".write(to: notes.appendingPathComponent("02-b.md"), atomically: true, encoding: .utf8)
    let project = Project(root: root)
    let p = Pipeline(project: project, options: Pipeline.Options(), console: Console(silent: true))
    let b = try #require(try p.read(project.noteFiles([])).first { $0.note.slug == "02-b" })
    // What B's last run left in the cache.
    var outputs = NoteOutputs(status: .ok)
    outputs.cells[1] = CellOutput()
    outputs.cells[1]!.stdout = "B-RAN-EARLIER\n"
    let key = p.cacheKey(b.note, upstream: [], environment: CacheKeys.environment(project: project))
    try OutputCache(directory: project.cacheDirectory(reseed: 0)).store(outputs, for: b.note, key: key)
    let (all, ran, _) = try p.weaveSite(named: [notes.appendingPathComponent("01-a.md")])
    #expect(all.count == 2 && ran.map(\.note.slug) == ["01-a"])
    let page = try String(contentsOf: project.siteDirectory.appendingPathComponent("02-b.html"), encoding: .utf8)
    #expect(page.contains("B-RAN-EARLIER"))
  }

  @Test("loom weave NOTE.md into a new folder: pages that are not there are not linked, and the count says what was written")
  func weaveNamedIntoNewFolder() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("loom-weave-new-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let notes = root.appendingPathComponent("notes")
    try FileManager.default.createDirectory(at: notes, withIntermediateDirectories: true)
    try "# Home\n".write(to: notes.appendingPathComponent("index.md"), atomically: true, encoding: .utf8)
    try "# A\n\nProse only.\n".write(to: notes.appendingPathComponent("01-a.md"), atomically: true, encoding: .utf8)
    // B has code and has never run: no cached outputs, so this weave does not write its page.
    try "# B\n\n```swift\nprint(\"b\")\n```\n".write(to: notes.appendingPathComponent("02-b.md"), atomically: true, encoding: .utf8)
    try "# C\n\nProse only.\n".write(to: notes.appendingPathComponent("03-c.md"), atomically: true, encoding: .utf8)
    var project = Project(root: root)
    project.siteDirectory = root.appendingPathComponent("elsewhere")
    let p = Pipeline(project: project, options: Pipeline.Options(), console: Console(silent: true))
    let (_, ran, written) = try p.weaveSite(named: [notes.appendingPathComponent("03-c.md")])
    #expect(ran.map(\.note.slug) == ["03-c"])
    let site = project.siteDirectory
    for file in ["index.html", "01-a.html", "03-c.html"] {
      #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent(file).path), "\(file)")
    }
    #expect(!FileManager.default.fileExists(atPath: site.appendingPathComponent("02-b.html").path))
    #expect(written == 3)
    for file in ["index.html", "01-a.html", "03-c.html", "assets/search-index.js"] {
      let text = try String(contentsOf: site.appendingPathComponent(file), encoding: .utf8)
      #expect(!text.contains("02-b.html"), "\(file) links a page that was not written")
    }
  }

  @Test("Orphan cleanup stops only what note programs left behind, not the children others in this process started")
  func foreignChildrenSurvive() throws {
    // Swift Testing's exit tests, or any library, may run children of their own in the same process.
    let other = Process()
    other.executableURL = URL(fileURLWithPath: "/bin/sleep")
    other.arguments = ["0.3"]
    try other.run()
    ChildProcess.adoptOrphans()
    _ = try ChildProcess.run(URL(fileURLWithPath: "/bin/true"), [])  // ends with stopOrphans()
    ChildProcess.stopOrphans()
    let deadline = Date().addingTimeInterval(10)
    while other.isRunning && Date() < deadline { usleep(20_000) }
    #expect(!other.isRunning, "the other child was reaped behind its owner's back")
    #expect(other.terminationReason == .exit && other.terminationStatus == 0)
  }

  @Test("SIGTERM (timeout, CI) stops loom: the handler stops the children, then the process dies of the signal")
  func diesOfSIGTERM() async {
    await #expect(processExitsWith: .signal(SIGTERM)) {
      ChildProcess.stopChildrenOnInterrupt()
      kill(getpid(), SIGTERM)
      // Before the fix the handler's raise() stayed pending on a dispatch thread, and this returned.
      sleep(10)
    }
  }
}
