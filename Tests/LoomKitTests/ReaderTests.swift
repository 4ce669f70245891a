import Testing
@testable import LoomKit

@Suite("Reading notes")
struct ReaderTests {
  let reader = NoteReader()

  @Test("Every swift block becomes a cell with its exact fence line")
  func cellsAndLines() {
    let md = """
      # Title

      Some prose.

      ```swift
      let a = 1
      ```

      ```python
      print("not a cell")
      ```

      ```swift id=two hide
      print(a)
      ```
      """
    let (note, diagnostics) = reader.read(md, path: "notes/x.md")
    #expect(diagnostics.isEmpty)
    #expect(note.cells.count == 2)
    #expect(note.cells[0].fenceLine == 5)
    #expect(note.cells[0].firstSourceLine == 6)
    #expect(note.cells[0].source == "let a = 1\n")
    #expect(note.cells[1].fenceLine == 13)
    #expect(note.cells[1].id == "cell-two" && note.cells[1].options.id == "two")
    #expect(note.cells[1].options.echo == false)
    #expect(note.title == "Title")
  }

  @Test("Front matter is read and keeps line numbers")
  func frontMatter() {
    let md = "---\ntitle: T\nseed: 7\n---\n\n```swift\nprint(1)\n```\n"
    let (note, diagnostics) = reader.read(md, path: "notes/x.md")
    #expect(diagnostics.isEmpty)
    #expect(note.frontMatter.title == "T")
    #expect(note.frontMatter.seed == 7)
    #expect(note.cells.first?.fenceLine == 6)
  }

  @Test("An unknown option is an error at its line and column, with a suggestion")
  func unknownOption() {
    let md = "text\n\n```swift id=a timout=3\nprint(1)\n```\n"
    let (_, diagnostics) = reader.read(md, path: "notes/x.md")
    #expect(diagnostics.count == 1)
    let d = try! #require(diagnostics.first)
    #expect(d.severity == .error)
    #expect(d.location.line == 3)
    #expect(d.location.column == 15)
    #expect(d.message.contains("unknown cell option 'timout'"))
    #expect(d.message.contains("did you mean 'timeout'"))
  }

  @Test("Malformed option values are errors", arguments: ["timeout=abc", "seed=-1", "echo=maybe", "id=", "hide=1"])
  func malformed(_ option: String) {
    let md = "```swift \(option)\nprint(1)\n```\n"
    let (_, diagnostics) = reader.read(md, path: "notes/x.md")
    #expect(diagnostics.contains { $0.severity == .error && $0.location.line == 1 })
  }

  @Test("An output block after a cell is its expected output")
  func expectedOutput() {
    let md = "```swift\nprint(1)\n```\n\n```output tolerance=1e-3\n1\n```\n"
    let (note, diagnostics) = reader.read(md, path: "notes/x.md")
    #expect(diagnostics.isEmpty)
    #expect(note.cells[0].expectedOutput?.text == "1\n")
    #expect(note.cells[0].expectedOutput?.tolerance == 1e-3)
  }

  @Test("A volatile cell is read; it cannot have an expected output")
  func volatileCell() {
    let (note, ds) = NoteReader().read("```swift volatile\nprint(1)\n```\n\n```output\n1\n```\n", path: "notes/t.md")
    #expect(note.cells.first?.options.volatile == true)
    let d = ds.first { $0.severity == .error }
    #expect(d?.location.line == 5)
    #expect(d?.message.contains("volatile") == true)
  }

  @Test("Links to other notes point at their pages")
  func links() {
    #expect(NoteReader.rewriteNoteLink("02-policy-gradients.md") == "02-policy-gradients.html")
    #expect(NoteReader.rewriteNoteLink("02-x.md#gae") == "02-x.html#gae")
    #expect(NoteReader.rewriteNoteLink("https://example.com/a.md") == "https://example.com/a.md")
    let (note, _) = reader.read("See [next](02-x.md).", path: "notes/x.md")
    guard case .prose(let p) = note.blocks[0] else { Issue.record("expected prose"); return }
    #expect(p.html.contains("href=\"02-x.html\""))
  }

  @Test("Headings get unique anchors")
  func headingAnchors() {
    let (note, _) = reader.read("## The Code\n\ntext\n\n## The Code\n", path: "notes/x.md")
    guard case .prose(let p) = note.blocks[0] else { Issue.record("expected prose"); return }
    #expect(p.headings.map(\.id) == ["the-code", "the-code-2"])
    #expect(p.html.contains("<h2 id=\"the-code\">"))
  }

  @Test("Raw HTML in captured text never reaches the page unescaped")
  func escaping() {
    #expect("<script>alert(1)</script>".htmlEscaped == "&lt;script&gt;alert(1)&lt;/script&gt;")
  }
}

@Suite("Math in Markdown")
struct MathSpanTests {
  static func html(_ md: String) -> String {
    let (note, _) = NoteReader().read(md, path: "notes/x.md")
    return note.blocks.map { if case .prose(let p) = $0 { return p.html } else { return "" } }.joined()
  }

  @Test("Math is protected from Markdown: no emphasis, escapes stay TeX")
  func protects() {
    let html = Self.html("A $a_1 * b_2$ and $x*y*z$\n$$\n\\frac{1}{2} \\\\ x\n$$\nend")
    #expect(html.components(separatedBy: "<math").count - 1 == 3)
    #expect(html.contains("display=\"block\""))
    #expect(!html.contains("<em>"))
  }

  @Test(
    "Dollars in code, escaped dollars and prices are not math",
    arguments: ["`let s = \"$x$\"`", "costs $5 and $10", "\\$x\\$", "```\n$x$\n```"])
  func notMath(_ md: String) {
    #expect(!Self.html(md).contains("<math"))
  }

  @Test("Rendered notes carry MathML, not TeX")
  func rendered() {
    let (note, _) = NoteReader().read("The value $v_\\pi(s)$ here.", path: "notes/x.md")
    guard case .prose(let p) = note.blocks[0] else { Issue.record("expected prose"); return }
    #expect(p.html.contains("<math"))
    #expect(!p.html.contains("LOOMMATH"))
  }
}
