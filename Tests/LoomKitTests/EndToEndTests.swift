import Foundation
import Testing
@testable import LoomKit

/// Runs the real pipeline (tangle → swift build → run → weave) on the fixture notes in
/// Tests/LoomKitTests/Fixtures, against this repository's own libraries. Builds in debug into a
/// scratch folder of its own (.loom/test-fixtures), so it never touches the notes' build.
@Suite("End to end on fixture notes", .serialized)
struct EndToEndTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let fixtures = root.appendingPathComponent("Tests/LoomKitTests/Fixtures")

  func pipeline(site: URL? = nil) -> Pipeline {
    let project = Project(root: Self.root, siteDirectory: site, loomDirectory: Self.root.appendingPathComponent(".loom/test-fixtures"))
    var options = Pipeline.Options()
    options.configuration = "debug"
    options.jobs = 2
    // Really build and run every time; the tests that are about the cache turn it back on.
    options.useCache = false
    return Pipeline(project: project, options: options, console: Console(silent: true))
  }

  func items(_ names: [String], _ p: Pipeline) throws -> [Pipeline.Item] {
    try p.read(names.map { Self.fixtures.appendingPathComponent($0) })
  }

  @Test("After forgetBuild a note is compiled again from its sources, and the build succeeds (debug's incremental records included)")
  func forgetBuildThenBuild() throws {
    let p = pipeline()
    var first = try items(["outputs.md"], p)
    try p.execute(&first)
    #expect(first[0].outputs?.status == .ok)
    var builder = Builder(project: p.project)
    builder.configuration = p.options.configuration
    let note = first[0].note
    let objects = builder.executable(for: note).deletingLastPathComponent().appendingPathComponent("\(note.targetName).build")
    let fm = FileManager.default
    #expect(fm.fileExists(atPath: objects.appendingPathComponent("output-file-map.json").path))
    builder.forgetBuild(of: note)
    #expect(!fm.fileExists(atPath: builder.executable(for: note).path))
    #expect(!fm.fileExists(atPath: objects.appendingPathComponent("main.swift.o").path))
    let result = try builder.build([note])
    #expect(result.built == [note.targetName], "\(result.unattributed)")
    #expect(fm.fileExists(atPath: builder.executable(for: note).path))
    #expect(fm.fileExists(atPath: objects.appendingPathComponent("main.swift.o").path))
  }

  @Test("A type error in the second cell is reported once, at its Markdown line and column")
  func typeError() throws {
    let p = pipeline()
    var items = try items(["type-error.md"], p)
    try p.execute(&items)
    let out = try #require(items[0].outputs)
    #expect(out.status == .compileFailed)
    #expect(out.diagnostics.count == 1)
    let d = try #require(out.diagnostics.first)
    #expect(d.location.file == "Tests/LoomKitTests/Fixtures/type-error.md")
    #expect(d.location.line == 12)
    #expect(d.location.column == 19)
    #expect(d.message.contains("cannot convert value of type 'String'"))
    #expect(Tester().evaluate(items).failed >= 1)
  }

  @Test("A trap is reported in the cell that trapped; earlier output is kept")
  func trap() throws {
    let p = pipeline()
    var items = try items(["trap.md"], p)
    try p.execute(&items)
    let out = try #require(items[0].outputs)
    #expect(out.status == .crashed)
    #expect(out.cells[1]?.stdout == "before\n")
    #expect(out.cells[2]?.stdout == "about to trap\n")
    #expect(out.cells[2]?.error != nil)
    #expect(out.cells[3]?.ran == false)
    #expect(out.message?.contains("cell 2") == true)
  }

  @Test("An infinite loop is stopped by its cell's timeout, naming the cell")
  func hang() throws {
    let p = pipeline()
    var items = try items(["hang.md"], p)
    let start = Date()
    try p.execute(&items)
    #expect(Date().timeIntervalSince(start) < 120)
    let out = try #require(items[0].outputs)
    #expect(out.status == .timedOut)
    #expect(out.cells[1]?.stdout == "first cell runs\n")
    #expect(out.cells[2]?.error?.contains("2 s limit") == true)
    #expect(out.message?.contains("hang.md:7") == true)
  }

  @Test("Exports: a later note imports them; changing an export re-runs the notes downstream and no others")
  func exports() throws {
    let p = pipeline()
    var items = try items(["exporter.md", "importer.md", "trap.md"], p)
    try p.execute(&items)
    #expect(items[0].outputs?.cells[2]?.stdout == "1.75\n")
    #expect(items[1].outputs?.cells[1]?.stdout == "3.0\n")

    // Same notes again: everything from the cache.
    p.options.useCache = true
    var again = try self.items(["exporter.md", "importer.md", "trap.md"], p)
    try p.execute(&again)
    let allCached = again.allSatisfy { $0.cached }
    #expect(allCached)

    // Edit the export cell (in memory): exporter and importer are re-run, trap.md is not.
    let text = try String(contentsOf: Self.fixtures.appendingPathComponent("exporter.md"), encoding: .utf8)
    let edited = NoteReader().read(text.replacingOccurrences(of: "$0 * gamma + $1", with: "$1 + gamma * $0"), path: items[0].note.path).0
    var changed = [Pipeline.Item(note: edited, readDiagnostics: []), again[1], again[2]]
    for i in changed.indices { changed[i].outputs = nil; changed[i].cached = false }
    try p.execute(&changed)
    #expect(!changed[0].cached)
    #expect(!changed[1].cached)
    #expect(changed[2].cached)
    #expect(changed[1].outputs?.cells[1]?.stdout == "3.0\n")
  }

  @Test("A note over its memory limit fails in the cell that allocated, and says so")
  func memory() throws {
    let p = pipeline()
    var items = try items(["memory.md"], p)
    try p.execute(&items)
    let out = try #require(items[0].outputs)
    #expect(out.status == .crashed)
    #expect(out.cells[1]?.stdout == "small allocation fine\n")
    #expect(out.failedCell == 2)
    #expect(out.message?.contains("300 MiB") == true)
  }

  @Test("A huge print is cut at the output limit with a notice")
  func loud() throws {
    let p = pipeline()
    var items = try items(["loud.md"], p)
    try p.execute(&items)
    let out = try #require(items[0].outputs)
    #expect(out.status == .ok)
    let text = try #require(out.cells[1]?.stdout)
    #expect(text.utf8.count < 70_000)
    #expect(text.contains("output truncated"))
  }

  @Test("Outputs are captured per cell, compared, escaped, and a prose edit does not re-run")
  func outputsAndCache() throws {
    let site = FileManager.default.temporaryDirectory.appendingPathComponent("loom-site-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: site) }
    let p = pipeline(site: site)
    var items = try items(["outputs.md"], p)
    try p.execute(&items)
    let out = try #require(items[0].outputs)
    #expect(out.status == .ok)
    #expect(out.cells[1]?.stdout == "<script>alert(1)</script>\n")
    let summary = Tester().evaluate(items)
    #expect(summary.failed == 0)
    #expect(summary.passed == 4)  // the note ran, one check, two expected outputs

    try p.weave(items)
    let html = try String(contentsOf: site.appendingPathComponent("outputs.html"), encoding: .utf8)
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(!html.contains("<script>alert(1)</script>"))
    #expect(html.contains("<math"))
    // other.md does not exist: the link is shown as "not written yet", never broken.
    #expect(html.contains("<span class=\"missing-note\" title=\"not written yet\">link</span>"))

    // The same code with different prose: served from the cache, nothing built or run.
    p.options.useCache = true
    let text = try String(contentsOf: Self.fixtures.appendingPathComponent("outputs.md"), encoding: .utf8)
    let (edited, _) = NoteReader().read(text.replacingOccurrences(of: "Prose with math", with: "Edited prose with math"), path: items[0].note.path)
    var again = [Pipeline.Item(note: edited, readDiagnostics: [])]
    try p.execute(&again)
    #expect(again[0].cached)
    #expect(again[0].outputs == out)

    // A volatile cell's output is not in the page: it is in volatile/outputs.js, which fills it in.
    #expect(!html.contains("<pre class=\"stdout\">volatile text 42"))
    #expect(html.contains("data-volatile=\"cell-3\""))
    #expect(html.contains("<script src=\"volatile/outputs.js\"></script>"))
    let volatile = try String(contentsOf: site.appendingPathComponent("volatile/outputs.js"), encoding: .utf8)
    #expect(volatile.contains("volatile text 42"))

    // A program that reports another source fingerprint than the generated main.swift is stale:
    // its outputs are refused. The one just built reports the right one.
    var builder = Builder(project: p.project)
    builder.configuration = "debug"
    let exe = builder.executable(for: items[0].note)
    let main = try String(contentsOf: Tangler(project: p.project).mainSwiftURL(for: items[0].note), encoding: .utf8)
    let build = try #require(Tangler.buildID(ofMainSwift: main))
    let runner = Runner(project: p.project)
    #expect(try runner.run(items[0].note, executable: exe, expectedBuild: build).status == .ok)
    let stale = try runner.run(items[0].note, executable: exe, expectedBuild: "0123456789abcdef")
    #expect(stale.status == .staleBuild)
    #expect(stale.message?.contains("stale") == true)
    // What the pipeline does with it: forget the note's build and build it from its sources, once;
    // stale again, it is reported rather than retried.
    #expect(Pipeline.nextStep(after: .init(outputs: stale), rebuiltFromSources: false) == .rebuildFromSources)
    #expect(Pipeline.nextStep(after: .init(outputs: stale), rebuiltFromSources: true) == .finish)
    #expect(Pipeline.nextStep(after: .init(outputs: NoteOutputs(status: .ok)), rebuiltFromSources: false) == .finish)

    // Weaving twice gives identical bytes.
    try p.weave(items)
    let html2 = try String(contentsOf: site.appendingPathComponent("outputs.html"), encoding: .utf8)
    #expect(html == html2)
  }
}
