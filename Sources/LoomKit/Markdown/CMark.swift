// The ONLY file in Loom that touches cmark-gfm's C API. C pointers never leave it: it hands back
// plain Swift values (one per top-level Markdown block) that the rest of LoomKit works with.
import CCMarkGFM
#if canImport(Glibc)
import Glibc
#endif

/// A top-level block of a Markdown document, as cmark-gfm parsed it.
struct MarkdownBlock: Sendable {
  enum Kind: Sendable {
    /// A fenced code block: its info string and its literal content.
    case fencedCode(info: String, literal: String)
    /// A heading: level, plain text, and inner HTML (without the `<hN>` tags).
    case heading(level: Int, text: String, innerHTML: String)
    /// Any other block, rendered to HTML, with its plain text for search.
    case other(html: String, text: String)
  }
  var kind: Kind
  /// 1-based Markdown lines, inclusive.
  var startLine: Int
  var endLine: Int
}

enum CMark {
  /// GFM extensions Loom enables: tables, ~~strikethrough~~, autolinks, - [ ] task lists.
  /// `tagfilter` escapes the tags GFM disallows (`<script>`, `<style>`, `<title>`, `<xmp>`, …) even
  /// where our own sanitiser (HTMLSanitizer) would not run.
  static let extensionNames = ["table", "strikethrough", "autolink", "tasklist", "tagfilter"]

  /// Options: footnotes on; raw HTML kept — but only what HTMLSanitizer allows (`<details>`,
  /// `<kbd>`, tables…; never scripts, styles, event handlers or `javascript:` URLs); smart
  /// punctuation off (predictable output).
  static var options: Int32 { CMARK_OPT_UNSAFE | CMARK_OPT_FOOTNOTES | CMARK_OPT_GITHUB_PRE_LANG }
  /// For text that is not prose (captions): no raw HTML at all, unsafe URLs dropped.
  static var safeOptions: Int32 { CMARK_OPT_FOOTNOTES | CMARK_OPT_GITHUB_PRE_LANG }

  /// Parses `markdown` and returns its top-level blocks in order.
  /// - Parameter rewriteURL: applied to every link destination before rendering (`x.md` → `x.html`).
  /// - Parameter inlineCode: called for every code span whose text starts with `{swift}` (an inline
  ///   value), in document order, with the span's text and its top-level block's first and last
  ///   line; the span is replaced by the raw HTML it returns.
  static func topLevelBlocks(_ markdown: String, rewriteURL: (String) -> String,
                             inlineCode: (String, Int, Int) -> String = { _, _, _ in "" }) -> [MarkdownBlock] {
    cmark_gfm_core_extensions_ensure_registered()
    guard let parser = cmark_parser_new(options) else { return [] }
    defer { cmark_parser_free(parser) }
    for name in extensionNames {
      if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
    }
    var utf8 = Array(markdown.utf8)
    utf8.withUnsafeMutableBufferPointer { buf in
      buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { cmark_parser_feed(parser, $0, buf.count) }
    }
    guard let document = cmark_parser_finish(parser) else { return [] }
    defer { cmark_node_free(document) }
    let extensions = cmark_parser_get_syntax_extensions(parser)

    rewriteLinks(in: document, rewriteURL)
    sanitizeRawHTML(in: document)

    var blocks: [MarkdownBlock] = []
    var node = cmark_node_first_child(document)
    while let n = node {
      let start = Int(cmark_node_get_start_line(n))
      let end = Int(cmark_node_get_end_line(n))
      let type = string(cmark_node_get_type_string(n))
      if type != "code_block" { replaceInlineValues(in: n) { inlineCode($0, start, end) } }
      switch type {
      case "code_block" where isFenced(n):
        blocks.append(MarkdownBlock(
          kind: .fencedCode(info: string(cmark_node_get_fence_info(n)), literal: string(cmark_node_get_literal(n))),
          startLine: start, endLine: end))
      case "heading":
        let level = Int(cmark_node_get_heading_level(n))
        let html = render(n, extensions)
        let inner = stripOuterTag(html, tag: "h\(level)")
        let text = plainText(n).trimmingWhitespace()
        blocks.append(MarkdownBlock(kind: .heading(level: level, text: text, innerHTML: inner), startLine: start, endLine: end))
      default:
        blocks.append(MarkdownBlock(kind: .other(html: render(n, extensions), text: plainText(n)), startLine: start, endLine: end))
      }
      node = cmark_node_next(n)
    }
    return blocks
  }

  /// Renders a stand-alone Markdown fragment (a caption, a table cell) to HTML: no raw HTML, no
  /// unsafe URLs (captions come from code, which may put anything in them).
  static func renderFragment(_ markdown: String) -> String {
    cmark_gfm_core_extensions_ensure_registered()
    guard let parser = cmark_parser_new(safeOptions) else { return "" }
    defer { cmark_parser_free(parser) }
    for name in extensionNames {
      if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
    }
    cmark_parser_feed(parser, markdown, markdown.utf8.count)
    guard let document = cmark_parser_finish(parser) else { return "" }
    defer { cmark_node_free(document) }
    return render(document, cmark_parser_get_syntax_extensions(parser), options: safeOptions)
  }

  // MARK: - Helpers

  private static func rewriteLinks(in document: OpaquePointer, _ rewrite: (String) -> String) {
    guard let iter = cmark_iter_new(document) else { return }
    defer { cmark_iter_free(iter) }
    while true {
      let event = cmark_iter_next(iter)
      if event == CMARK_EVENT_DONE { break }
      guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iter) else { continue }
      let type = string(cmark_node_get_type_string(node))
      guard type == "link" || type == "image" else { continue }
      let url = string(cmark_node_get_url(node))
      // `javascript:`, `data:`, `vbscript:` … are dropped, as GitHub does: the link text stays.
      let rewritten = HTMLSanitizer.isSafeURL(url) ? rewrite(url) : ""
      if rewritten != url { _ = cmark_node_set_url(node, rewritten) }
    }
  }

  /// Raw HTML blocks and inline tags keep only what HTMLSanitizer allows.
  private static func sanitizeRawHTML(in document: OpaquePointer) {
    guard let iter = cmark_iter_new(document) else { return }
    defer { cmark_iter_free(iter) }
    while true {
      let event = cmark_iter_next(iter)
      if event == CMARK_EVENT_DONE { break }
      guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iter) else { continue }
      let type = cmark_node_get_type(node)
      guard type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE else { continue }
      let raw = string(cmark_node_get_literal(node))
      let clean = HTMLSanitizer.sanitize(raw)
      if clean != raw { _ = cmark_node_set_literal(node, clean) }
    }
  }

  /// Replaces every `{swift} …` code span under `block` by an inline HTML node.
  private static func replaceInlineValues(in block: OpaquePointer, _ replacement: (String) -> String) {
    var spans: [OpaquePointer] = []
    guard let iter = cmark_iter_new(block) else { return }
    while true {
      let event = cmark_iter_next(iter)
      if event == CMARK_EVENT_DONE { break }
      guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iter),
            cmark_node_get_type(node) == CMARK_NODE_CODE,
            string(cmark_node_get_literal(node)).hasPrefix(InlineValue.prefix) else { continue }
      spans.append(node)
    }
    cmark_iter_free(iter)
    // Replaced after the walk: the iterator must not see its tree change under it.
    for node in spans {
      guard let html = cmark_node_new(CMARK_NODE_HTML_INLINE) else { continue }
      _ = cmark_node_set_literal(html, replacement(string(cmark_node_get_literal(node))))
      _ = cmark_node_replace(node, html)
      cmark_node_free(node)
    }
  }

  private static func render(_ node: OpaquePointer, _ extensions: UnsafeMutablePointer<cmark_llist>?, options: Int32 = CMark.options) -> String {
    guard let cString = cmark_render_html(node, options, extensions) else { return "" }
    defer { free(cString) }
    return String(cString: cString)
  }

  private static func plainText(_ node: OpaquePointer) -> String {
    guard let cString = cmark_render_plaintext(node, CMARK_OPT_DEFAULT, 0) else { return "" }
    defer { free(cString) }
    return String(cString: cString)
  }

  private static func isFenced(_ node: OpaquePointer) -> Bool {
    var length: Int32 = 0, offset: Int32 = 0
    var character: CChar = 0
    return cmark_node_get_fenced(node, &length, &offset, &character) != 0
  }

  private static func string(_ p: UnsafePointer<CChar>?) -> String {
    guard let p else { return "" }
    return String(cString: p)
  }

  private static func stripOuterTag(_ html: String, tag: String) -> String {
    var s = Substring(html).trimmingWhitespaceSubstring()
    if s.hasPrefix("<\(tag)>") { s = s.dropFirst(tag.count + 2) }
    if s.hasSuffix("</\(tag)>") { s = s.dropLast(tag.count + 3) }
    return String(s)
  }
}
