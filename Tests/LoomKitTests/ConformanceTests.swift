import CCMarkGFM
import Foundation
import Testing
@testable import LoomKit

/// Loom's prose path against libcmark-gfm itself. Every input below was written for this test (none
/// is taken from the GFM spec); together they walk through every GFM construct and the corner cases
/// the spec discusses. Loom must render each exactly as libcmark-gfm does, with the GFM extensions
/// Loom enables — except where a case names the intended difference:
///
/// - `.math`: `$…$` / `$$…$$` become MathML;
/// - `.sanitized`: raw HTML goes through the allow-list (HTMLSanitizer): tags, attributes and URL
///   schemes it does not allow are removed or shown as text, comments are dropped, and the tags it
///   keeps are written in its own canonical form (GFM's tagfilter alone changes nothing here: both
///   sides have it);
/// - `.noteLink`: a link to `x.md` points at `x.html`;
/// - `.balanced`: a text-level tag (`<a>`, `<em>`, …) that raw HTML leaves open is closed where its
///   paragraph, heading or HTML block ends, so it cannot spill into the blocks after it.
///
/// Two differences hold for every case and are normalised away before comparing: headings carry
/// an `id` and a trailing `#` anchor, and a fenced code block is `<pre class="code"><code
/// class="language-x">` where libcmark-gfm writes `<pre lang="x"><code>`.
@Suite("Conformance with libcmark-gfm")
struct ConformanceTests {
  enum Difference: String, Sendable { case math, sanitized, noteLink, balanced }

  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var markdown: String
    var difference: Difference?
    var testDescription: String { name }
  }

  /// libcmark-gfm's HTML for `markdown`: the same options and extensions as Loom, nothing of Loom's.
  static func reference(_ markdown: String) -> String {
    CMark.exclusive {
      cmark_gfm_core_extensions_ensure_registered()
      guard let parser = cmark_parser_new(CMark.options) else { return "" }
      defer { cmark_parser_free(parser) }
      for name in CMark.extensionNames {
        if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
      }
      cmark_parser_feed(parser, markdown, markdown.utf8.count)
      guard let document = cmark_parser_finish(parser) else { return "" }
      defer { cmark_node_free(document) }
      guard let html = cmark_render_html(document, CMark.options, cmark_parser_get_syntax_extensions(parser)) else { return "" }
      defer { free(html) }
      return String(cString: html)
    }
  }

  /// Loom's HTML for `markdown` as prose: what the reader renders, with links to notes resolved as
  /// if every note existed, and the two differences every page has normalised away.
  static func loom(_ markdown: String) -> (html: String, cells: Int) {
    let (note, _) = NoteReader().read(markdown, path: "notes/conformance.md")
    var html = note.blocks.map { if case .prose(let p) = $0 { return p.html } else { return "" } }.joined()
    html = html.replacingOccurrences(of: CMark.linkClose, with: "")
    html = replace(#"\x{1E}LOOM-LINK [^\x{1E}]*\x{1E}"#, in: html, with: "")
    html = replace(#"<h([1-6]) id="[^"]*">"#, in: html, with: "<h$1>")
    html = replace(##"<a class="anchor" href="#[^"]*" aria-label="Link to this section">#</a></h([1-6])>"##, in: html, with: "</h$1>")
    html = replace(#"<pre class="code"><code class="language-([^"]*)">"#, in: html, with: "<pre lang=\"$1\"><code>")
    html = html.replacingOccurrences(of: "<pre class=\"code\"><code>", with: "<pre><code>")
    return (html, note.cells.count)
  }

  static func replace(_ pattern: String, in s: String, with template: String) -> String {
    guard let re = try? NSRegularExpression(pattern: pattern) else { return s }
    return re.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: template)
  }

  @Test("Loom's prose renders as libcmark-gfm does, but for the differences named by case", arguments: Self.cases)
  func conforms(_ c: Case) {
    let expected = Self.reference(c.markdown)
    let (actual, cells) = Self.loom(c.markdown)
    #expect(cells == 0, "conformance inputs have no cells")
    // Code blocks: libcmark-gfm escapes ' as is; Loom writes &#39;.
    let comparable = actual.replacingOccurrences(of: "&#39;", with: "'")
    switch c.difference {
    case nil:
      #expect(comparable == expected, "\n--- input\n\(c.markdown)\n--- libcmark-gfm\n\(expected)\n--- loom\n\(actual)")
    case .math?:
      #expect(actual.contains("<math") && !expected.contains("<math"), "\(actual)")
    case .sanitized?:
      #expect(comparable != expected, "the sanitiser changed nothing:\n\(actual)")
      for bad in ["<script", "onerror=", "onclick=", "javascript:", "style=\"", "<iframe", "<style"] {
        #expect(!actual.lowercased().contains(bad), "\(bad) in \(actual)")
      }
    case .noteLink?:
      #expect(comparable == expected.replacingOccurrences(of: ".md", with: ".html"), "\(actual)\n\(expected)")
    case .balanced?:
      // Loom closes the text-level tags raw HTML left open; nothing else differs.
      let closers = "</(" + HTMLSanitizer.inlineTags.sorted().joined(separator: "|") + ")>"
      #expect(comparable != expected, "nothing was closed:\n\(actual)")
      #expect(Self.replace(closers, in: comparable, with: "") == Self.replace(closers, in: expected, with: ""), "\(actual)\n\(expected)")
    }
  }

  @Test("There are a few hundred cases, and each difference is named by a case")
  func coverage() {
    #expect(Self.cases.count >= 300)
    #expect(Set(Self.cases.map(\.name)).count == Self.cases.count)
    for d in [Difference.math, .sanitized, .noteLink, .balanced] { #expect(Self.cases.contains { $0.difference == d }) }
  }

  static func c(_ name: String, _ markdown: String, _ difference: Difference? = nil) -> Case {
    Case(name: name, markdown: markdown, difference: difference)
  }

  static let cases: [Case] = handWritten + generatedEmphasis + generatedLists

  /// Emphasis and strikethrough delimiters in the places the spec's rules on flanking runs,
  /// intraword `_`, nesting and the rule of three are about.
  static var generatedEmphasis: [Case] {
    let shapes: [(String, (String) -> String)] = [
      ("around a word", { "\($0)foo bar\($0)" }),
      ("with inner spaces", { "\($0) foo bar \($0)" }),
      ("inside a word", { "foo\($0)bar\($0)baz" }),
      ("around punctuation", { "\($0)(foo)\($0)" }),
      ("after a letter before quotes", { "a\($0)\"foo\"\($0)" }),
      ("unclosed", { "\($0)foo bar" }),
      ("nested in itself", { "\($0)foo \($0)bar\($0) baz\($0)" }),
      ("across a link", { "\($0)[foo\($0)](/u)" }),
      ("between digits", { "5\($0)6\($0)78" }),
      ("over two lines", { "\($0)foo\nbar\($0)" }),
      ("after punctuation", { "foo-\($0)(bar)\($0)" }),
      ("closing before punctuation", { "\($0)foo\($0)." }),
    ]
    var out: [Case] = []
    for delimiter in ["*", "_", "**", "__", "***", "___", "~~"] {
      for (shape, make) in shapes {
        out.append(c("emphasis \(delimiter) \(shape)", make(delimiter) + "\n"))
      }
    }
    let mixed = [
      "*foo**bar**baz*", "**foo*bar*baz**", "*foo _bar* baz_", "**foo \"*bar*\" foo**", "*(**foo**)*",
      "_foo __bar__ baz_", "__foo_ bar_", "*foo *bar**", "**foo bar *", "foo***bar***baz", "foo******bar*********baz",
      "*foo**bar***", "***foo** bar*", "**foo*", "*foo**", "__foo_", "_foo__", "*a `*`*", "_a `_`_", "**a<https://foo.bar/?q=**>",
      "__a<https://foo.bar/?q=__>", "_foo_bar_baz_", "*foo*bar", "пристаням_стремятся_",
    ]
    for (i, m) in mixed.enumerated() { out.append(c("emphasis mixed \(i + 1): \(m)", m + "\n")) }
    out.append(c("emphasis next to a tag holding the delimiter", "*<img src=\"foo\" title=\"*\"/>\n", .sanitized))
    return out
  }

  /// Lists with each marker, start and indentation, tight and loose, nested.
  static var generatedLists: [Case] {
    var out: [Case] = []
    for marker in ["-", "+", "*", "1.", "2)"] {
      let next = marker.hasSuffix(".") ? "2." : marker.hasSuffix(")") ? "3)" : marker
      out.append(c("list \(marker) tight", "\(marker) one\n\(next) two\n"))
      out.append(c("list \(marker) loose", "\(marker) one\n\n\(next) two\n"))
      out.append(c("list \(marker) nested", "\(marker) one\n" + String(repeating: " ", count: marker.count + 1) + "- inner\n\(next) two\n"))
      out.append(c("list \(marker) with paragraph continuation", "\(marker) one\ncontinued lazily\n\(next) two\n"))
      for indent in 0...3 {
        out.append(c("list \(marker) indented \(indent)", String(repeating: " ", count: indent) + "\(marker) item\n"))
      }
    }
    return out
  }
}
