import Foundation
import Testing
@testable import LoomKit

@Suite("Swift highlighting")
struct HighlighterTests {
  let h = SwiftHighlighter()

  @Test("Keywords, literals and comments are classified by swift-syntax")
  func classes() {
    let html = h.highlight("let x = 42 // answer\nprint(\"hi\")")
    #expect(html.contains("<span class=\"hl-keyword\">let</span>"))
    #expect(html.contains("<span class=\"hl-number\">42</span>"))
    #expect(html.contains("<span class=\"hl-comment\">// answer</span>"))
    #expect(html.contains("<span class=\"hl-string\">&quot;hi&quot;</span>"))
  }

  @Test("Highlighting keeps every character of the source")
  func lossless() {
    let src = "struct S<T> { var a: [T] = [] }\nlet s = S<Int>()  /* x < y && z */\n"
    let html = h.highlight(src)
    let text = html.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
      .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    #expect(text == src)
  }

  @Test("Top-level definitions are found and uses link to them")
  func links() {
    #expect(Set(h.definitions("func gae() {}\nstruct Args {}\nlet (a, b) = (1, 2)\nvar gamma = 0.99")) == ["gae", "Args", "a", "b", "gamma"])
    let html = h.highlight("print(gamma)", links: ["gamma": "#cell-1"], selfAnchor: "cell-2")
    #expect(html.contains("<a class=\"hl-ref hl-ident\" href=\"#cell-1\""))
    let member = h.highlight("let d = Direction.down\nlet e: Direction = .down", links: ["down": "#cell-1"], selfAnchor: "cell-2")
    #expect(!member.contains("href=\"#cell-1\""))
    let shadowed = h.highlight("func f(inPlace: Bool) -> Bool { inPlace }", links: ["inPlace": "#cell-1"], selfAnchor: "cell-2")
    #expect(!shadowed.contains("href=\"#cell-1\""))
  }
}
