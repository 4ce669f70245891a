import Foundation
import Testing
@testable import LoomKit

/// Faults found by reading notes nobody here wrote (a language book, the GFM spec): each input
/// here was once misread.
@Suite("Reading notes written elsewhere")
struct ForeignNoteTests {
  func read(_ md: String, path: String = "notes/f.md") -> (Note, [Diagnostic]) { NoteReader().read(md, path: path) }

  func prose(_ note: Note) -> String {
    note.blocks.map { if case .prose(let p) = $0 { return p.html } else { return "" } }.joined()
  }

  @Test("A ```markdown example that contains ```swift never changes a cell's code")
  func markdownExampleWithSwiftFence() {
    let md = "```markdown\n```swift\n```\n\nProse with $x$ in it.\n\n```swift\nlet name = \"n\", version = \"1\"\nprint(\"$name-$version\")\n```\n"
    let (note, _) = read(md)
    #expect(note.cells.count == 1)
    #expect(note.cells.first?.source == "let name = \"n\", version = \"1\"\nprint(\"$name-$version\")\n")
    #expect(note.cells.first?.fenceLine == 7)
    #expect(prose(note).contains("<math"))
  }

  @Test(
    "Dollars in indented code, code spans and link destinations stay dollars",
    arguments: [
      ("Text.\n\n    echo $HOME/$USER\n", "echo $HOME/$USER"),
      ("See [the query](https://example.com/api?$filter=a&$top=5).\n", "href=\"https://example.com/api?$filter=a&amp;$top=5\""),
      ("A span `$a$ and $b$` here.\n", "<code>$a$ and $b$</code>"),
      ("<https://example.com/$a$b$>\n", "href=\"https://example.com/$a$b$\""),
    ])
  func dollarsInCode(_ c: (String, String)) {
    let html = prose(read(c.0).0)
    #expect(html.contains(c.1), "\(html)")
    #expect(!html.contains("<math"))
  }

  @Test(
    "A price's dollar never pairs with a dollar inside a later code span, link destination or autolink",
    arguments: [
      ("It costs $10, see `$x` here.\n", "<code>$x</code>"),
      ("It costs $10, see [docs](https://e.com/$x) here.\n", "href=\"https://e.com/$x\""),
      ("It costs $10, see <https://e.com/$x> here.\n", "href=\"https://e.com/$x\""),
    ])
  func priceBeforeCode(_ c: (String, String)) {
    let html = prose(read(c.0).0)
    #expect(html.contains(c.1), "\(html)")
    #expect(html.contains("$10"), "\(html)")
    #expect(!html.contains("<math"), "\(html)")
  }

  @Test("Math next to a code span or a link is still math")
  func mathBesideCode() {
    let html = prose(read("Both $x^2$ and `code`, $y$ and [a link](https://e.com/$p), and $a < b$.\n").0)
    #expect(html.components(separatedBy: "<math").count == 4, "\(html)")
    #expect(html.contains("<code>code</code>") && html.contains("href=\"https://e.com/$p\""), "\(html)")
  }

  @Test("A link or autolink whose scheme is not followed (doc:, ftp:, javascript:) is its text, not an href=\"\" to the page")
  func unsafeLinksAreText() {
    let html = prose(read("See <doc:Foo> and <ftp://example.com/f> and [x](javascript:alert(1)) and ![i](data:x).\n").0)
    #expect(!html.contains("<a") && !html.contains("<img") && !html.contains("href="), "\(html)")
    #expect(html.contains("See doc:Foo and ftp://example.com/f and x and i."), "\(html)")
    let safe = prose(read("A [link](https://e.com) and <https://e.com/a>.\n").0)
    #expect(safe.contains("<a href=\"https://e.com\">link</a>") && safe.contains("<a href=\"https://e.com/a\">"), "\(safe)")
  }

  @Test("A URL whose text before the colon cannot be a scheme is relative, and stays a link (GFM spec example 508)")
  func relativeURLsWithColons() {
    let html = prose(read("[link](foo\\)\\:) and [x](a_b:c) and [y](1ab:c) and <a href=\"a_b:c\">z</a>\n").0)
    #expect(html.contains("<a href=\"foo):\">link</a>"), "\(html)")
    #expect(html.contains("<a href=\"a_b:c\">x</a>") && html.contains("<a href=\"1ab:c\">y</a>"), "\(html)")
    #expect(html.contains("<a href=\"a_b:c\">z</a>"), "\(html)")
    #expect(!HTMLSanitizer.isSafeURL("JavaScript:alert(1)") && !HTMLSanitizer.isSafeURL("java\tscript:x") && !HTMLSanitizer.isSafeURL("doc:Foo"))
  }

  @Test("A note whose first heading is empty takes its title from the next heading with text, or its file name")
  func emptyHeadingTitle() {
    #expect(read("## \n#\n### ###\n", path: "notes/ex-049.md").0.title == "ex-049")
    #expect(read("# \n\n# Real title\n", path: "notes/t.md").0.title == "Real title")
    #expect(read("---\ntitle: \"\"\n---\n# From the heading\n", path: "notes/t.md").0.title == "From the heading")
  }

  @Test("A text-level tag that raw HTML leaves open is closed where its paragraph, heading or HTML block ends")
  func unclosedInlineTags() {
    let html = prose(read("<a href=\"https://example.org\">unclosed\n\nPlain text after it.\n").0)
    #expect(html.contains("<p><a href=\"https://example.org\">unclosed</a></p>"), "\(html)")
    #expect(html.contains("<p>Plain text after it.</p>"), "\(html)")
    let nested = prose(read("# A <b>bold <i>head\n\n<span>\n\nAfter.\n").0)
    #expect(nested.contains("head</i></b><a class=\"anchor\""), "\(nested)")
    #expect(nested.contains("<span></span>") || nested.contains("<span>\n</span>") || nested.contains("<span></span>\n"), "\(nested)")
    // Balanced or block-level HTML is left as it is: <details> may span several Markdown blocks.
    let details = prose(read("<details><summary>More</summary>\n\n*hidden* <b>x</b>\n\n</details>\n").0)
    #expect(details.contains("<details><summary>More</summary>") && details.contains("<b>x</b></p>") && !details.contains("</summary></details>"), "\(details)")
  }

  @Test("Math in a link title or an image's alt text does not break the tag")
  func mathInAttributes() {
    let html = prose(read("[t](https://example.com \"the $x$ title\") and ![a $\\alpha$ b](i.png)\n").0)
    #expect(html.contains("title=\"the $x$ title\""), "\(html)")
    #expect(html.contains("alt=\"a \\alpha b\""), "\(html)")
    #expect(!html.contains("<math"))
    let (note, _) = read("![value `{swift} 1 + 1`](i.png)\n")
    #expect(note.inlines.isEmpty && prose(note).contains("alt=\"value {swift} 1 + 1\""))
  }

  @Test("Display math a Markdown block interrupts is a warning at its line")
  func interruptedDisplayMath() {
    let (_, ds) = read("Text.\n\n$$\nV = r\n+ \\gamma V\n$$\n")
    #expect(ds.count == 1)
    #expect(ds.first?.severity == .warning && ds.first?.location.line == 3)
  }

  @Test("Inline math a Markdown block cut off is a warning at its line; a lone dollar in prose is not")
  func interruptedInlineMath() {
    let (_, ds) = read("The entropy, $H(a) = H(u)\n+ E[\\log J]$ by quadrature.\n")
    #expect(ds.count == 1 && ds.first?.location.line == 1 && ds.first?.message.contains("line 2") == true, "\(ds)")
    let (_, quiet) = read("Set $HOME first.\n\n- a list\n")
    #expect(quiet.isEmpty)
  }

  @Test("A note that starts with a --- rule keeps its text; front matter is key: value lines only")
  func frontMatterOrRule() {
    let (rule, ds1) = read("---\n# Intro\n\nSome text.\n\n---\n\nMore.\n")
    #expect(ds1.isEmpty)
    #expect(rule.title == "Intro")
    #expect(prose(rule).contains("Some text.") && prose(rule).contains("<hr />"))
    #expect(rule.frontMatter.written.isEmpty)

    let (heading, ds5) = read("---\n# Intro\n---\n\nText.\n")
    #expect(ds5.isEmpty && heading.title == "Intro" && heading.frontMatter.written.isEmpty)

    let (_, ds2) = read("---\ntitle: T\nthis line is prose\n---\n")
    #expect(ds2.count == 1 && ds2.first?.location.line == 3 && ds2.first?.severity == .error)

    let (_, ds3) = read("---\nNote: this looks like a key\n---\n")
    #expect(ds3.first?.location.line == 2 && ds3.first?.message.contains("unknown front matter key 'Note'") == true)

    let (fm, ds4) = read("---\ntitle: T\n# a comment\nseed: 3\n---\n\n# Body\n")
    #expect(ds4.isEmpty && fm.frontMatter.title == "T" && fm.frontMatter.seed == 3)
  }

  @Test("memory: must be a number of MiB, an error at its line")
  func memoryValue() {
    let (_, ds) = read("---\ntitle: T\nmemory: lots\n---\n")
    #expect(ds.count == 1 && ds.first?.location.line == 3 && ds.first?.message.contains("memory") == true)
  }

  @Test("A heading and a cell may share a name: the cell's anchor is cell-<id>, the heading keeps its slug")
  func headingAndCellIDs() {
    let (note, ds) = read("## Setup\n\n```swift id=setup\nprint(1)\n```\n\n## Foo\n\n## Foo\n\n## Foo 2\n\n## Cell 1\n")
    #expect(ds.isEmpty, "\(ds)")
    let ids = note.blocks.flatMap { if case .prose(let p) = $0 { return p.headings.map(\.id) } else { return [] } }
    #expect(ids == ["setup", "foo", "foo-3", "foo-2", "cell-1"])
    let cellIDs = Set(note.cells.map(\.id))
    #expect(Set(ids).count == ids.count && cellIDs.isDisjoint(with: ids))
    let (_, dup) = read("```swift id=a\nprint(1)\n```\n\n```swift id=a\nprint(2)\n```\n")
    #expect(dup.first?.message.contains("duplicate cell id 'a'") == true)
  }

  @Test("Footnotes are numbered across the note, in one list")
  func footnotes() {
    let md = "First[^a].\n\n```swift\nprint(1)\n```\n\nSecond[^b].\n\n[^a]: one\n[^b]: two\n"
    let (note, _) = read(md)
    let html = Weaver().article(note, outputs: nil, readDiagnostics: [])
    #expect(html.components(separatedBy: "<section class=\"footnotes\"").count == 2)
    #expect(html.contains("data-footnote-ref>2</a>"))
    #expect(html.contains("<li id=\"fn-a\">") && html.contains("<li id=\"fn-b\">"))
  }

  @Test("A link to a missing note is marked from the tree: raw HTML around it cannot eat the page")
  func missingNoteLinks() {
    let (note, _) = read("# A\n\nSee <a href=\"b.html\">this and [later](missing.md) and [b](b.md).\n", path: "notes/a.md")
    let (b, _) = read("# B\n", path: "notes/b.md")
    let (c, _) = read("# C\n", path: "notes/c.md")
    let pages = [note, b, c].map { Site.Page(note: $0, outputs: nil, diagnostics: []) }
    let site = Site(project: Project(root: URL(fileURLWithPath: "/tmp")), weaver: Weaver())
    let html = Site.markMissingNotes(site.render(pages[1], lectures: pages), existing: Set(pages.map(\.fileName) + ["index.html"]))
    #expect(html.contains("rel=\"prev\" href=\"a.html\""))
    let page = Site.markMissingNotes(site.render(pages[0], lectures: pages), existing: Set(pages.map(\.fileName) + ["index.html"]))
    #expect(page.contains("<span class=\"missing-note\" title=\"not written yet\">later</span>"), "\(page)")
    #expect(page.contains("<a href=\"b.html\">b</a>"))
    #expect(page.contains("rel=\"next\" href=\"b.html\""))
    #expect(!page.contains("\u{1E}"))
    // A link inside an image's alt text is text: nothing is marked inside the attribute.
    let (image, _) = read("![see [b](missing.md)](pic.png)\n", path: "notes/d.md")
    #expect(prose(image) == "<p><img src=\"pic.png\" alt=\"see b\" /></p>\n")
  }

  @Test("An indented fence: the compiler sees each line as far right as the note has it")
  func indentedFence() {
    let (note, _) = read("Text.\n\n  ```swift\n  let x: Int = \"a\"\n    print(x)\n  ```\n", path: "notes/i.md")
    #expect(note.cells.first?.indentation == [2, 2])
    let main = Tangler(project: Project(root: URL(fileURLWithPath: "/tmp"))).mainSwift(for: note)
    #expect(main.contains("#sourceLocation(file: \"notes/i.md\", line: 4)\n  let x: Int = \"a\"\n    print(x)\n"))
  }

  @Test("A ```swift block in a list item or a block quote is a cell, woven where it is")
  func nestedCells() {
    let md = "1. A step:\n\n   ```swift\n   print(1)\n   ```\n\n   ```output\n   1\n   ```\n\n> ```swift\n> print(2)\n> ```\n\n```swift\nprint(3)\n```\n"
    let (note, ds) = read(md)
    #expect(ds.isEmpty, "\(ds)")
    #expect(note.cells.map(\.fenceLine) == [3, 11, 15])
    #expect(note.cells.map(\.index) == [1, 2, 3])
    #expect(note.cells[0].expectedOutput?.text == "1\n")
    #expect(note.cells[1].indentation == [2])
    let html = Weaver().article(note, outputs: nil, readDiagnostics: [])
    let item = try? #require(html.range(of: "<li>"))
    let section = html.range(of: "<section class=\"cell\" id=\"cell-1\"")
    #expect(item != nil && section != nil && item!.lowerBound < section!.lowerBound)
    #expect(html.range(of: "</li>")!.lowerBound > section!.lowerBound)
    #expect(html.contains("<blockquote>\n<section class=\"cell\" id=\"cell-2\""))
    #expect(!html.contains("\u{1E}"))
  }

  @Test("CRLF notes: front matter, cells, lines for excerpts")
  func crlf() {
    let md = "---\r\ntitle: T\r\n---\r\n\r\n```swift\r\nlet a: Int = \"x\"\r\n```\r\n\r\n```output\r\nold\r\n```\r\n"
    let (note, ds) = read(md)
    #expect(ds.isEmpty, "\(ds)")
    #expect(note.frontMatter.title == "T")
    #expect(note.cells.first?.source == "let a: Int = \"x\"\n")
    #expect(note.lines[5] == "let a: Int = \"x\"")
    #expect(note.crlf)
    var out = NoteOutputs(status: .ok)
    var cell = CellOutput()
    cell.stdout = "new\n"
    out.cells[1] = cell
    let fixed = OutputFixer().fixed(md, note: note, outputs: out)
    #expect(fixed == md.replacingOccurrences(of: "old", with: "new"))
  }

  @Test("--fix keeps an output block inside its list item or block quote")
  func fixNested() {
    let md = "1. Step:\n\n   ```swift\n   print(1)\n   ```\n\n   ```output\n   old\n   ```\n\n> ```swift\n> print(2)\n> ```\n>\n> ```output\n> ```\n"
    let (note, _) = read(md)
    var out = NoteOutputs(status: .ok)
    out.cells[1] = CellOutput()
    out.cells[1]!.stdout = "new\n\nlines\n"
    out.cells[2] = CellOutput()
    out.cells[2]!.stdout = "```\n"
    let fixed = OutputFixer().fixed(md, note: note, outputs: out)
    #expect(
      fixed
        == "1. Step:\n\n   ```swift\n   print(1)\n   ```\n\n   ```output\n   new\n\n   lines\n   ```\n\n> ```swift\n> print(2)\n> ```\n>\n> `````output\n> ```\n> `````\n"
    )
    let (again, _) = read(fixed ?? "")
    #expect(again.cells.map { $0.expectedOutput?.text } == ["new\n\nlines\n", "```\n"])
  }

  @Test("An unclosed fence is named at its line")
  func unclosedFence() {
    let (_, ds) = read("# T\n\nText.\n\n```swift\nprint(1)\n\nMore text that became code.\n")
    #expect(ds.contains { $0.location.line == 5 && $0.message.contains("never closed") })
    let (_, closed) = read("```swift\nprint(1)\n```\n")
    #expect(closed.isEmpty)
  }

  @Test("Option columns are right for escaped info strings; an unclosed quote is an error")
  func infoStrings() {
    let (_, ds) = read("```swift caption=\"a\\_b \\\"c\\\"\" timout=3\nprint(1)\n```\n")
    let d = ds.first { $0.message.contains("timout") }
    #expect(d?.location.column == 31, "\(ds)")
    let (note, _) = read("```swift caption=\"a \\\"quoted\\\" word\"\nprint(1)\n```\n")
    #expect(note.cells.first?.options.caption == "a \"quoted\" word")
    let (_, unclosed) = read("```swift caption=\"never closed\nprint(1)\n```\n")
    #expect(unclosed.contains { $0.severity == .error && $0.location.line == 1 && $0.message.contains("never closed") })
  }

  @Test("An error cell stays at file scope unless a scope changes nothing (statements, bindings no other cell uses)")
  func errorCellScope() {
    let md =
      "```swift error\nextension Int { var twice: Int { self * 2 } }\nlet s: String = 2.twice\n```\n\n```swift error\nprint([1][3])\n```\n\n```swift error\nguard let x = Int(\"a\") else { fatalError() }\n```\n\n```swift error\nlet unused = [1][3]\n```\n\n```swift error\nlet used = [1][3]\n```\n\n```swift\nprint(used)\n```\n"
    let (note, _) = read(md, path: "notes/e.md")
    #expect(note.cells.map { Tangler.isSkippable($0, in: note) } == [false, true, false, true, false, true])
    let main = Tangler(project: Project(root: URL(fileURLWithPath: "/tmp"))).mainSwift(for: note)
    #expect(main.contains("_loomCell(1, line: 1, seed: nil)\n#sourceLocation(file: \"notes/e.md\", line: 2)\nextension Int"))
    #expect(main.contains("if _loomShouldRun(2) { do {\n#sourceLocation(file: \"notes/e.md\", line: 7)\nprint([1][3])"))
    #expect(!main.contains("_loomShouldRun(3)"))
  }

  @Test("The compiler's notes are kept under their error; notes into Loom's generated code are not")
  func compilerNotes() {
    let log = """
      notes/a.md:12:5: error: invalid redeclaration of 'x'
      let x = 2
          ^
      notes/a.md:10:5: note: 'x' previously declared here
      let x = 1
          ^
      /p/.loom/build/Sources/NoteA/main.swift:3:1: note: in generated code
      /p/Sources/NumericCore/Tensor.swift:7:3: note: 'Tensor' declared here
      notes/a.md:20:1: warning: something
      notes/a.md:21:1: note: about the warning
      """
    let ds = Builder.parseDiagnostics(log, root: "/p", generated: "/p/.loom/build")
    #expect(ds.count == 1)
    #expect(
      ds.first?.notes.map(\.description) == [
        "notes/a.md:10:5: note: 'x' previously declared here", "Sources/NumericCore/Tensor.swift:7:3: note: 'Tensor' declared here",
      ])
    let lines = (1...12).map { Substring($0 == 10 ? "let x = 1" : $0 == 12 ? "let x = 2" : "") }
    let shown = ds[0].rendered(sourceLines: lines)
    #expect(shown.contains("notes/a.md:10:5: note: 'x' previously declared here\nlet x = 1\n    ^"), "\(shown)")
    // Cached outputs written before notes existed still decode.
    let old = #"{"severity":"error","message":"m","location":{"file":"f.md","line":1,"column":1}}"#
    #expect((try? JSONDecoder().decode(Diagnostic.self, from: Data(old.utf8)))?.notes == [])
  }
}
