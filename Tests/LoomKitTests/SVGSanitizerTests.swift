import Foundation
import Testing
@testable import LoomKit

/// A figure's SVG comes from the note's program: what it may put on the page.
@Suite("Figures: SVG from a note's program")
struct SVGSanitizerTests {
  static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("PlottingTests/Golden")

  @Test("Every figure Plotting draws (its golden files) passes through unchanged")
  func plottingUnchanged() throws {
    let files = try FileManager.default.contentsOfDirectory(at: Self.golden, includingPropertiesForKeys: nil).filter { $0.pathExtension == "svg" }
    #expect(files.count >= 10)
    for file in files {
      let svg = try String(contentsOf: file, encoding: .utf8)
      #expect(SVGSanitizer.sanitize(svg) == svg, "\(file.lastPathComponent)")
    }
  }

  @Test(
    "Scripts, handlers, foreign content, links and markup that would close the figure are dropped",
    arguments: [
      "<svg onload=\"alert(1)\"><script>alert(2)</script><foreignObject><iframe src=\"javascript:alert(3)\"></iframe></foreignObject></svg>",
      "<img src=x onerror=alert(4)></figure></article><script>alert(5)</script>",
      "<svg><a href=\"javascript:alert(6)\"><rect width=\"1\" height=\"1\"/></a></svg>",
      "<svg><rect style=\"fill:url(javascript:alert(7))\" fill=\"url(data:x)\"/><set attributeName=\"onmouseover\" to=\"alert(8)\"/></svg>",
      "<svg><style>@import url(https://e.com/x.css)</style><SCRIPT>alert(9)</SCRIPT><use href=\"https://e.com/x.svg#a\"/></svg>",
      "<svg><script><script>nested</script>alert(10)</script><g><!-- <script>alert(11)</script> --></g>",
    ])
  func hostile(_ svg: String) {
    let out = SVGSanitizer.sanitize(svg)
    for bad in [
      "script", "onload", "onerror", "alert", "iframe", "foreignObject", "javascript", "<img", "</figure", "</article", "href", "<set", "@import", "<a ",
    ] {
      #expect(!out.lowercased().contains(bad.lowercased()), "\(bad) in \(out)")
    }
  }

  @Test("The fragment is balanced: what it opens it closes, what it did not open it cannot close")
  func balanced() {
    #expect(SVGSanitizer.sanitize("<svg><g><rect width=\"2\"/>") == "<svg><g><rect width=\"2\"/></g></svg>")
    #expect(SVGSanitizer.sanitize("<svg></g></svg></svg>") == "<svg></svg>")
    #expect(SVGSanitizer.sanitize("<svg><text x='1' y=\"2\">a &lt; b</text></svg>") == "<svg><text x=\"1\" y=\"2\">a &lt; b</text></svg>")
  }

  @Test("A woven figure goes through the sanitiser")
  func woven() {
    let (note, _) = NoteReader().read("```swift\nshowSVG(\"x\")\n```\n", path: "notes/s.md")
    var out = NoteOutputs(status: .ok)
    var cell = CellOutput()
    cell.figures = [FigureOutput(svg: "<svg onload=\"alert(1)\"><circle r=\"3\"/></svg></figure><script>alert(2)</script>", caption: nil)]
    out.cells[1] = cell
    let html = Weaver().article(note, outputs: out, readDiagnostics: [])
    #expect(html.contains("<figure class=\"figure\"><svg><circle r=\"3\"/></svg></figure>"), "\(html)")
    #expect(!html.contains("alert"), "\(html)")
  }
}
