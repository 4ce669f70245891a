import Foundation
import Testing
@testable import LoomKit

/// Notes nobody here wrote: the shape of a language book (many independent snippets, names declared
/// again, `error` cells failing at every phase of the compiler and at run time, async code).
extension EndToEndTests {
  @Suite("Notes in the style of the Swift book")
  struct BookStyleTests {
    func pipeline() -> Pipeline {
      let project = Project(root: EndToEndTests.root, loomDirectory: EndToEndTests.root.appendingPathComponent(".loom/test-fixtures"))
      var options = Pipeline.Options()
      options.configuration = "debug"
      options.jobs = 2
      options.useCache = false
      return Pipeline(project: project, options: options, console: Console(silent: true))
    }

    func line(of text: String, in note: Note) -> Int {
      (note.lines.firstIndex { $0.contains(text) } ?? -1) + 1
    }

    @Test("A cell's warnings are reported at its Markdown line, once, and do not fail the build")
    func warningsAtMarkdownLines() throws {
      let p = pipeline()
      // A new program each time: an unchanged file is not compiled again, and then says nothing.
      let markdown = "# W\n\n```swift\nfunc twice(_ n: Int) -> Int {\n  var m = n * 2\n  return m\n}\nprint(twice(2), \"\(UUID())\")\n```\n"
      var items = [Pipeline.Item(note: NoteReader().read(markdown, path: "notes/zz-warn.md").0, readDiagnostics: [])]
      let report = try p.build(&items)
      #expect(report.failed.isEmpty, "\(report.errors)")
      let warnings = report.warnings["notes/zz-warn.md"] ?? []
      #expect(warnings.count == 1, "\(warnings)")
      #expect(warnings.first?.location.line == 5 && warnings.first?.message.contains("never mutated") == true)
    }

    @Test("loom build (no run) accepts the error cells that loom run accepts, and reports a real compile error")
    func buildOnly() throws {
      let p = pipeline()
      var items = try p.read([EndToEndTests.fixtures.appendingPathComponent("book-style.md")])
      let report = try p.build(&items)
      #expect(report.failed.isEmpty, "\(report.errors)")
      // A cell not marked `error` that does not compile is the note's error, at its Markdown line.
      var broken = [Pipeline.Item(note: NoteReader().read("# B\n\n```swift\nlet x: Int = \"no\"\n```\n", path: "notes/zz-broken.md").0, readDiagnostics: [])]
      let failed = try p.build(&broken)
      #expect(failed.failed == ["notes/zz-broken.md"])
      #expect(failed.errors["notes/zz-broken.md"]?.first?.location.line == 4)
    }

    @Test("Every error cell fails as expected — parse, type-check, overflow, ownership, escaping closures, traps — and the rest runs")
    func bookStyle() throws {
      let p = pipeline()
      var items = try p.read([EndToEndTests.fixtures.appendingPathComponent("book-style.md")])
      #expect(!items[0].hasReadErrors, "\(items[0].readDiagnostics)")
      try p.execute(&items)
      let out = try #require(items[0].outputs)
      let note = items[0].note
      #expect(out.status == .ok, "\(out.message ?? "") \(out.diagnostics)")
      for cell in note.cells where cell.options.expectError {
        #expect(
          out.cells[cell.index]?.expectedFailure == true,
          "cell \(cell.index) (line \(cell.fenceLine)) did not fail as expected: \(out.cells[cell.index] ?? CellOutput())")
      }
      let summary = Tester().evaluate(items)
      #expect(summary.failed == 0, "\(summary.failures)")
      func error(of source: String) -> String {
        guard let cell = note.cells.first(where: { $0.source.contains(source) }) else { return "no such cell" }
        return out.cells[cell.index]?.error?.description ?? "no error"
      }
      // The compiler's notes are shown under their error, at the note's lines.
      let first = line(of: "let maximumNumberOfLoginAttempts = 10", in: note)
      let redeclared = error(of: "let maximumNumberOfLoginAttempts = 3")
      #expect(redeclared.contains("invalid redeclaration"))
      #expect(redeclared.contains("book-style.md:\(first):5: note: 'maximumNumberOfLoginAttempts' previously declared here"), "\(redeclared)")
      #expect(error(of: "consume names").contains("note: consumed here"))
      #expect(error(of: "Int8.max + 1").contains("overflow"))
      // At file scope, an extension is fine; the cell's error is its own.
      let ext = error(of: "var squared")
      #expect(ext.contains("cannot convert value of type 'Int' to specified type 'String'"))
      #expect(!ext.contains("file scope"))
      // A fence indented by its list item: the column is the note's.
      let indented = line(of: "let count: Int = \"three\"", in: note)
      let column = try #require(note.lines[indented - 1].firstIndex(of: "\"")).utf16Offset(in: note.lines[indented - 1]) + 1
      #expect(error(of: "\"three\"").contains("book-style.md:\(indented):\(column): error"), "\(error(of: "\"three\""))")
      // Cells inside a list run in order, with their expected output.
      #expect(out.cells[note.cells.first { $0.source.contains("push(\"tres\")") }!.index]?.stdout == "[\"uno\", \"tres\"]\n")
    }

    @Test("Two error cells, one found while type-checking and one only after it: both expected, the note runs")
    func laterPhaseErrors() throws {
      let p = pipeline()
      var items = try p.read([EndToEndTests.fixtures.appendingPathComponent("later-phase-errors.md")])
      try p.execute(&items)
      let out = try #require(items[0].outputs)
      #expect(out.status == .ok, "\(out.message ?? "") \(out.diagnostics)")
      #expect(out.cells[1]?.expectedFailure == true && out.cells[2]?.expectedFailure == true)
      #expect(out.cells[2]?.error?.contains("overflow") == true)
      #expect(Tester().evaluate(items).failed == 0)
    }

    @Test("An error cell is compiled at file scope: its extension is fine, its trap is its error, and it is left out")
    func errorCellAtFileScope() throws {
      let p = pipeline()
      var items = try p.read([EndToEndTests.fixtures.appendingPathComponent("error-cell-scope.md")])
      try p.execute(&items)
      let out = try #require(items[0].outputs)
      #expect(out.status == .ok, "\(out.message ?? "") \(out.diagnostics)")
      let failure = try #require(out.cells[1])
      #expect(failure.expectedFailure)
      #expect(!(failure.error ?? "").contains("file scope"), "\(failure)")
      #expect(failure.error?.contains("Index out of range") == true, "\(failure)")
      #expect(out.cells[2]?.stdout == "2\n")
      #expect(Tester().evaluate(items).failed == 0)
    }

    @Test("An error cell after a crash is not reported as having run without failing")
    func errorCellAfterCrash() throws {
      let p = pipeline()
      var items = try p.read([EndToEndTests.fixtures.appendingPathComponent("error-after-crash.md")])
      try p.execute(&items)
      let out = try #require(items[0].outputs)
      #expect(out.status == .crashed)
      #expect(out.failedCell == 1)
      #expect(!out.checks.contains { $0.message.contains("ran without failing") }, "\(out.checks)")
    }

    @Test("An error cell that compiled says what the compiler warned about it (hidden otherwise)")
    func errorCellThatOnlyWarned() throws {
      let p = pipeline()
      var items = try p.read([EndToEndTests.fixtures.appendingPathComponent("error-cell-warned.md")])
      // The compiler warns only when it compiles: an up-to-date build from an earlier run says nothing.
      var builder = Builder(project: p.project)
      builder.configuration = p.options.configuration
      builder.forgetBuild(of: items[0].note)
      try p.execute(&items)
      let out = try #require(items[0].outputs)
      let failed = try #require(out.checks.first { !$0.ok }, "\(out.checks)")
      #expect(failed.message.contains("ran without failing; the compiler only warned: "), "\(failed.message)")
      #expect(failed.message.contains("never mutated") && failed.message.contains("(line 4)"), "\(failed.message)")
      #expect(failed.location?.line == 3)
    }
  }
}
