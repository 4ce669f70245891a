import Foundation
import Testing
@testable import LoomKit

/// Golden files for what Loom generates: the `main.swift` and `Package.swift` of a note, and its
/// woven page (from fixed outputs, so only the tangler and the weave layer are under test).
/// After an intended change, regenerate them with `LOOM_UPDATE_GOLDEN=1 swift test --filter GoldenTests`
/// and review the diff.
@Suite("Golden files")
struct GoldenTests {
  static let directory = EndToEndTests.fixtures.appendingPathComponent("golden")
  let project = Project(root: URL(fileURLWithPath: "/tmp/golden-project"))

  func note() throws -> Note {
    let text = try String(contentsOf: Self.directory.appendingPathComponent("page.md"), encoding: .utf8)
    let (note, diagnostics) = NoteReader().read(text, path: "notes/page.md")
    #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
    return note
  }

  /// Outputs as a run would have recorded them.
  func outputs(for note: Note) -> NoteOutputs {
    var out = NoteOutputs(status: .ok, seconds: 1.5)
    var first = CellOutput()
    first.stdout = "the answer is 42\n"
    first.ran = true
    first.checks = [CheckOutput(ok: true, message: "six times seven", location: SourceLocation(file: note.path, line: 15))]
    first.figures = [FigureOutput(svg: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>", caption: "What the cell drew")]
    var second = CellOutput()
    second.ran = true
    second.tables = [TableOutput(header: ["name", "value"], rows: [["a", "1"], ["<b>", "2"]], caption: nil)]
    second.checks = [CheckOutput(ok: false, message: "a claim that fails", location: SourceLocation(file: note.path, line: 28))]
    var third = CellOutput()
    third.error = "notes/page.md:32:18: error: cannot convert value of type 'String' to specified type 'Int'"
    third.expectedFailure = true
    out.cells = [1: first, 2: second, 3: third]
    out.inlines = [1: "42"]
    return out
  }

  /// Compares `actual` with the golden file `name`, or rewrites it under LOOM_UPDATE_GOLDEN=1.
  func expectGolden(_ actual: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let url = Self.directory.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["LOOM_UPDATE_GOLDEN"] == "1" {
      try actual.write(to: url, atomically: true, encoding: .utf8)
      return
    }
    let golden = try String(contentsOf: url, encoding: .utf8)
    if golden != actual {
      let a = golden.split(separator: "\n", omittingEmptySubsequences: false), b = actual.split(separator: "\n", omittingEmptySubsequences: false)
      let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
      Issue.record(
        "\(name) differs from its golden file at line \(line + 1):\n golden: \(line < a.count ? String(a[line]) : "<end>")\n actual: \(line < b.count ? String(b[line]) : "<end>")\n(LOOM_UPDATE_GOLDEN=1 rewrites it after an intended change)",
        sourceLocation: sourceLocation)
    }
  }

  @Test("The generated main.swift of a note")
  func mainSwift() throws {
    try expectGolden(Tangler(project: project).mainSwift(for: try note()), "page.main.swift.txt")
  }

  @Test("The generated Package.swift")
  func packageSwift() throws {
    try expectGolden(Tangler(project: project).packageSwift(for: [try note()]), "Package.swift.txt")
  }

  @Test("A woven page")
  func page() throws {
    let note = try note()
    let page = Site.Page(note: note, outputs: outputs(for: note), diagnostics: [])
    // As Site.write writes it: other.md is not among the pages, so its link is marked missing.
    let html = Site(project: project, weaver: Weaver()).html(for: page, lectures: [page], existing: [page.fileName, page.href])
    #expect(!html.contains("LOOM-LINK"))
    try expectGolden(html, "page.html")
  }
}
