// The ONLY file in Loom that touches cmark-gfm's C API. C pointers never leave it: it hands back
// plain Swift values (one per top-level Markdown block) that the rest of LoomKit works with.
import CCMarkGFM
import Foundation

/// A fenced code block, as cmark-gfm parsed it.
struct FencedCode: Sendable {
  /// The info string as cmark-gfm gives it (backslash escapes and entities resolved).
  var info: String
  var literal: String
  /// 1-based Markdown lines of the opening fence and of the block's last line.
  var startLine: Int
  var endLine: Int
  var fenceCharacter: Character
  var fenceLength: Int
  /// Inside a list item, a block quote or a footnote, not a top-level block.
  var nested: Bool
  var inFootnote: Bool
}

/// A top-level block of a Markdown document, as cmark-gfm parsed it.
struct MarkdownBlock: Sendable {
  enum Kind: Sendable {
    /// A top-level fenced code block.
    case fencedCode(FencedCode)
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

/// What the reader decides while cmark-gfm's tree is walked.
struct MarkdownHooks {
  /// Link and image destinations (`x.md` → `x.html`).
  var rewriteURL: (String) -> String = { $0 }
  /// Whether a rewritten link destination is another note's page. Such links are wrapped in
  /// markers (`linkOpen`/`linkClose`) that the site resolves once it knows which pages exist.
  var isNotePage: (String) -> Bool = { _ in false }
  /// The HTML (MathML) for a math span.
  var math: (MathSpans.Span) -> String = { $0.tex.htmlEscaped }
  /// `math` and `reference` return plain text to stand in for the span (see `renderFragment`), not HTML.
  var placeholders = false
  /// A cross-reference or citation in prose text (see `ReferenceSyntax`), its line and column → the
  /// raw HTML put in its place. Nil: `@` is plain text.
  var reference: ((ReferenceUse.Target, Int, Int) -> String)? = nil
  /// A link to another note's page (after `rewriteURL`) and its line.
  var noteLink: (String, Int) -> Void = { _, _ in }
  /// A `$$` that starts a line and that nothing closes in its paragraph.
  var unclosedDisplayMath: (Int) -> Void = { _ in }
  /// A `$` that looks like it opens math but that nothing closes in its paragraph: its line, and
  /// the paragraph's last line.
  var unclosedInlineMath: (Int, Int) -> Void = { _, _ in }
  /// A `{swift} …` code span: its text, the line and column cmark-gfm gives it, and the last line
  /// of its top-level block → the raw HTML put in its place.
  var inlineValue: (String, Int, Int, Int) -> String = { s, _, _, _ in s.htmlEscaped }
  /// A fenced code block inside a list item, block quote or footnote → the raw HTML in its place.
  var nestedCode: (FencedCode) -> String = { $0.literal.htmlEscaped }
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

  /// Markers around a link to another note (see `MarkdownHooks.isNotePage`). U+001E never reaches
  /// the HTML from a note's own text (the reader replaces it), so a note cannot forge them.
  static let linkOpen = "\u{1E}LOOM-LINK "
  static let linkClose = "\u{1E}LOOM-LINK-END\u{1E}"

  /// cmark-gfm keeps the inline parser's special characters in a process-wide table that every
  /// parse switches on and off, so two parses at once (tests run in parallel; `loom serve`) would
  /// see each other's `$`. One parse at a time.
  private static let lock = NSRecursiveLock()

  /// Parses `markdown` and hands its top-level blocks to `block`, in order. Fenced code inside
  /// containers, math, inline values and links are handed to `hooks` while the block they are in
  /// is processed, before `block` sees it. Footnote definitions come last, as one block, so they
  /// are numbered across the note.
  static func parse(_ markdown: String, hooks: MarkdownHooks, block: (MarkdownBlock) -> Void) {
    lock.lock()
    defer { lock.unlock() }
    lineCache = (nil, 0, 0)
    guard let (parser, document) = parseDocument(markdown, options: options, math: true) else { return }
    defer {
      cmark_node_free(document)
      cmark_parser_free(parser)
    }
    let extensions = cmark_parser_get_syntax_extensions(parser)
    cleanLiterals(in: document)
    rewriteLinks(in: document, hooks)

    var footnotes: [OpaquePointer] = []
    var node = cmark_node_first_child(document)
    while let n = node {
      node = cmark_node_next(n)
      let start = Int(cmark_node_get_start_line(n)), end = Int(cmark_node_get_end_line(n))
      switch cmark_node_get_type(n) {
      case CMARK_NODE_FOOTNOTE_DEFINITION:
        footnotes.append(n)
      case CMARK_NODE_CODE_BLOCK where isFenced(n):
        block(MarkdownBlock(kind: .fencedCode(fencedCode(n, nested: false, inFootnote: false)), startLine: start, endLine: end))
      case CMARK_NODE_HEADING:
        let text = plainText(n).trimmingWhitespace()
        transform(n, hooks, blockEnd: end)
        let level = Int(cmark_node_get_heading_level(n))
        let inner = stripOuterTag(render(n, extensions), tag: "h\(level)")
        block(MarkdownBlock(kind: .heading(level: level, text: text, innerHTML: inner), startLine: start, endLine: end))
      default:
        let text = plainText(n)
        transform(n, hooks, blockEnd: end)
        block(MarkdownBlock(kind: .other(html: render(n, extensions), text: text), startLine: start, endLine: end))
      }
    }
    // All footnote definitions in one document: one list, numbered across the note.
    guard !footnotes.isEmpty, let notes = cmark_node_new(CMARK_NODE_DOCUMENT) else { return }
    defer { cmark_node_free(notes) }
    var start = Int.max, end = 0
    for f in footnotes {
      start = min(start, Int(cmark_node_get_start_line(f)))
      end = max(end, Int(cmark_node_get_end_line(f)))
      cmark_node_unlink(f)
      _ = cmark_node_append_child(notes, f)
    }
    let text = plainText(notes)
    transform(notes, hooks, blockEnd: end)
    block(MarkdownBlock(kind: .other(html: render(notes, extensions), text: text), startLine: start, endLine: end))
  }

  /// Renders a stand-alone Markdown fragment (a caption, a table cell) to HTML: no raw HTML, no
  /// unsafe URLs (captions come from code, which may put anything in them).
  /// With `math`, `$…$` spans become what it returns (MathML).
  static func renderFragment(_ text: String, math: ((MathSpans.Span) -> String)? = nil) -> String {
    let markdown = math == nil ? text : String(text.unicodeScalars.filter { $0 != "\u{E000}" && $0 != "\u{E001}" })
    lock.lock()
    defer { lock.unlock() }
    guard let (parser, document) = parseDocument(markdown, options: safeOptions, math: math != nil) else { return "" }
    defer {
      cmark_node_free(document)
      cmark_parser_free(parser)
    }
    guard let math else { return render(document, cmark_parser_get_syntax_extensions(parser), options: safeOptions) }
    // Safe rendering omits raw HTML, so each math span goes in as a text placeholder that is
    // swapped for its MathML after rendering.
    var spans: [String] = []
    var hooks = MarkdownHooks()
    hooks.placeholders = true
    hooks.math = { span in
      spans.append(math(span))
      return "\u{E000}\(spans.count - 1)\u{E001}"
    }
    // References become the markers the site resolves (see `CrossReferences`).
    hooks.reference = { target, _, _ in
      spans.append(ReferenceSyntax.marker(target))
      return "\u{E000}\(spans.count - 1)\u{E001}"
    }
    transform(document, hooks, blockEnd: Int(cmark_node_get_end_line(document)))
    var html = render(document, cmark_parser_get_syntax_extensions(parser), options: safeOptions)
    for (k, mathML) in spans.enumerated() { html = html.replacingOccurrences(of: "\u{E000}\(k)\u{E001}", with: mathML) }
    return html
  }

  /// Runs `body` while no other cmark-gfm parse runs in this process (see `lock`): for code that
  /// calls cmark-gfm itself, like the conformance test's reference rendering.
  static func exclusive<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }

  // MARK: - Parsing

  private static func parseDocument(_ markdown: String, options: Int32, math: Bool) -> (OpaquePointer, OpaquePointer)? {
    cmark_gfm_core_extensions_ensure_registered()
    guard let parser = cmark_parser_new(options) else { return nil }
    for name in extensionNames {
      if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
    }
    if math { cmark_parser_attach_syntax_extension(parser, mathExtension) }
    var utf8 = Array(markdown.utf8)
    utf8.withUnsafeMutableBufferPointer { buf in
      guard let base = buf.baseAddress else { return }
      base.withMemoryRebound(to: CChar.self, capacity: buf.count) { cmark_parser_feed(parser, $0, buf.count) }
    }
    guard let document = cmark_parser_finish(parser) else {
      cmark_parser_free(parser)
      return nil
    }
    return (parser, document)
  }

  // MARK: - Math, an inline syntax extension

  /// `$…$` and `$$…$$` as an inline construct of cmark-gfm's parser (see MathSpans). A math span
  /// becomes a code node that carries this extension, its TeX as literal, and in its user data its
  /// line, whether it is display math, and whether it is an unclosed `$$`.
  nonisolated(unsafe) private static let mathExtension: OpaquePointer = {
    let ext = cmark_syntax_extension_new("loom-math")!
    cmark_syntax_extension_set_match_inline_func(ext, matchMath)
    let dollar = UnsafeMutableRawPointer(bitPattern: Int(UInt8(ascii: "$")))
    cmark_syntax_extension_set_special_inline_chars(ext, cmark_llist_append(cmark_get_default_mem_allocator(), nil, dollar))
    return ext
  }()

  /// The line of the last math span found, to count newlines from there (under `lock`).
  nonisolated(unsafe) private static var lineCache: (parent: OpaquePointer?, offset: Int, line: Int) = (nil, 0, 0)

  private static let matchMath: cmark_match_inline_func = { _, _, parent, character, inline in
    guard let inline, let parent, character == UInt8(ascii: "$") else { return nil }
    let start = Int(cmark_inline_parser_get_offset(inline))
    func byte(_ i: Int) -> UInt8? {
      guard i >= 0 else { return nil }
      cmark_inline_parser_set_offset(inline, Int32(i))
      return cmark_inline_parser_is_eof(inline) != 0 ? nil : cmark_inline_parser_peek_char(inline)
    }
    // The line of this dollar: the block's first line plus the newlines before it.
    var (cachedParent, offset, line) = CMark.lineCache
    if cachedParent != parent || offset > start { offset = 0; line = Int(cmark_node_get_start_line(parent)) }
    for i in offset..<start where byte(i) == 0x0A { line += 1 }
    CMark.lineCache = (parent, start, line)

    var flags = 0, end = start, tex: [UInt8] = []
    if let found = MathSpans.close(at: start, byte: byte) {
      flags = found.display ? 1 : 0
      end = found.end
      if let range = found.tex { tex = range.compactMap(byte) }
    } else if byte(start + 1) == UInt8(ascii: "$"), start == 0 || byte(start - 1) == 0x0A, byte(start + 2) != nil {
      flags = 2  // `$$` opening a line, with more after it, never closed: the reader warns
      end = start + 2
      tex = Array("$$".utf8)
    } else if let next = byte(start + 1), next != UInt8(ascii: "$"), next > 0x20, !(0x30...0x39).contains(next),
      !((start + 1)...).lazy.prefix(while: { byte($0) != nil }).contains(where: { byte($0) == UInt8(ascii: "$") })
    {
      // `$x…` with no dollar after it in the paragraph: math that a Markdown block may have cut
      // off (a line starting with `+ `). The reader warns if the paragraph was interrupted.
      flags = 3
      end = start + 1
      tex = Array("$".utf8)
    } else {
      cmark_inline_parser_set_offset(inline, Int32(start))
      return nil
    }
    cmark_inline_parser_set_offset(inline, Int32(end))
    guard let node = cmark_node_new(CMARK_NODE_CODE) else { return nil }
    _ = cmark_node_set_literal(node, String(decoding: tex, as: UTF8.self))
    _ = cmark_node_set_syntax_extension(node, CMark.mathExtension)
    _ = cmark_node_set_user_data(node, UnsafeMutableRawPointer(bitPattern: line << 2 | flags))
    return node
  }

  private static func isMath(_ node: OpaquePointer) -> Bool {
    cmark_node_get_type(node) == CMARK_NODE_CODE && cmark_node_get_syntax_extension(node) == mathExtension
  }

  // MARK: - Walking the tree

  /// Math, inline values and fenced code nested in containers, under `root`, handed to `hooks`
  /// and replaced by the HTML they return.
  private static func transform(_ root: OpaquePointer, _ hooks: MarkdownHooks, blockEnd: Int) {
    var math: [(OpaquePointer, inImage: Bool)] = []
    var inlineValues: [OpaquePointer] = []
    var nested: [(OpaquePointer, inFootnote: Bool)] = []
    var texts: [OpaquePointer] = []
    if hooks.reference != nil { cmark_consolidate_text_nodes(root) }
    guard let iter = cmark_iter_new(root) else { return }
    var images = 0, footnotes = 0, links = 0
    while true {
      let event = cmark_iter_next(iter)
      if event == CMARK_EVENT_DONE { break }
      guard let node = cmark_iter_get_node(iter) else { continue }
      let type = cmark_node_get_type(node)
      if type == CMARK_NODE_IMAGE { images += event == CMARK_EVENT_ENTER ? 1 : -1 }
      if type == CMARK_NODE_FOOTNOTE_DEFINITION { footnotes += event == CMARK_EVENT_ENTER ? 1 : -1 }
      if type == CMARK_NODE_LINK { links += event == CMARK_EVENT_ENTER ? 1 : -1 }
      guard event == CMARK_EVENT_ENTER else { continue }
      if type == CMARK_NODE_TEXT, hooks.reference != nil, images == 0, links == 0, string(cmark_node_get_literal(node)).contains("@") {
        texts.append(node)
      } else if isMath(node) {
        math.append((node, images > 0))
      } else if type == CMARK_NODE_CODE, images == 0, string(cmark_node_get_literal(node)).hasPrefix(InlineValue.prefix) {
        // (In an image's alt text a code span is plain text, not a place for a value.)
        inlineValues.append(node)
      } else if type == CMARK_NODE_CODE_BLOCK, node != root, isFenced(node) {
        nested.append((node, footnotes > 0))
      }
    }
    cmark_iter_free(iter)
    // Replaced after the walk: the iterator must not see its tree change under it.
    replaceMath(math, hooks)
    for node in inlineValues {
      let html = hooks.inlineValue(
        string(cmark_node_get_literal(node)), Int(cmark_node_get_start_line(node)),
        Int(cmark_node_get_start_column(node)), blockEnd)
      replace(node, with: CMARK_NODE_HTML_INLINE, html)
    }
    for (node, inFootnote) in nested {
      replace(node, with: CMARK_NODE_HTML_BLOCK, hooks.nestedCode(fencedCode(node, nested: true, inFootnote: inFootnote)))
    }
    if let reference = hooks.reference {
      for node in texts { splitReferences(node, reference, asText: hooks.placeholders) }
    }
  }

  /// Each math span (with whether it is in an image's alt text) becomes what `hooks.math` makes of
  /// it; an unclosed `$`/`$$` is reported and stays a dollar.
  private static func replaceMath(_ math: [(OpaquePointer, inImage: Bool)], _ hooks: MarkdownHooks) {
    for (node, inImage) in math {
      let tex = string(cmark_node_get_literal(node))
      let data = Int(bitPattern: cmark_node_get_user_data(node))
      let span = MathSpans.Span(tex: tex, display: data & 1 != 0, line: data >> 2)
      if data & 3 == 3 {
        var block = cmark_node_parent(node)
        while let b = block, cmark_node_get_type(b) != CMARK_NODE_PARAGRAPH { block = cmark_node_parent(b) }
        if let block { hooks.unclosedInlineMath(span.line, Int(cmark_node_get_end_line(block))) }
        replace(node, with: CMARK_NODE_TEXT, "$")
      } else if data & 2 != 0 {
        hooks.unclosedDisplayMath(span.line)
        replace(node, with: CMARK_NODE_TEXT, "$$")
      } else if inImage {
        replace(node, with: CMARK_NODE_TEXT, tex)  // an image's alt text is plain text
      } else {
        replace(node, with: hooks.placeholders ? CMARK_NODE_TEXT : CMARK_NODE_HTML_INLINE, hooks.math(span))
      }
    }
  }

  /// Replaces a text node by its plain pieces and the HTML of the references in it.
  private static func splitReferences(_ node: OpaquePointer, _ reference: (ReferenceUse.Target, Int, Int) -> String, asText: Bool) {
    let pieces = ReferenceSyntax.scan(string(cmark_node_get_literal(node)))
    guard pieces.contains(where: { if case .reference = $0 { return true } else { return false } }) else { return }
    var line = Int(cmark_node_get_start_line(node)), column = Int(cmark_node_get_start_column(node))
    // Text that cmark-gfm's autolink extension split off (after `foo@bar.com`) has no position:
    // the nearest ancestor's line, rather than line 0.
    var ancestor = cmark_node_parent(node)
    while line <= 0, let a = ancestor {
      line = Int(cmark_node_get_start_line(a))
      column = 1
      ancestor = cmark_node_parent(a)
    }
    for piece in pieces {
      let new: OpaquePointer?
      switch piece {
      case .text(let t):
        new = cmark_node_new(CMARK_NODE_TEXT)
        if let new { _ = cmark_node_set_literal(new, t) }
      case .reference(let target, let offset):
        new = cmark_node_new(asText ? CMARK_NODE_TEXT : CMARK_NODE_HTML_INLINE)
        if let new { _ = cmark_node_set_literal(new, reference(target, line, column + offset)) }
      }
      if let new { _ = cmark_node_insert_before(node, new) }
    }
    cmark_node_unlink(node)
    cmark_node_free(node)
  }

  private static func replace(_ node: OpaquePointer, with type: cmark_node_type, _ literal: String) {
    guard let new = cmark_node_new(type) else { return }
    _ = cmark_node_set_literal(new, literal)
    _ = cmark_node_replace(node, new)
    cmark_node_free(node)
  }

  private static func fencedCode(_ node: OpaquePointer, nested: Bool, inFootnote: Bool) -> FencedCode {
    var length: Int32 = 0, offset: Int32 = 0
    var character: CChar = 0
    _ = cmark_node_get_fenced(node, &length, &offset, &character)
    return FencedCode(
      info: string(cmark_node_get_fence_info(node)), literal: string(cmark_node_get_literal(node)),
      startLine: Int(cmark_node_get_start_line(node)), endLine: Int(cmark_node_get_end_line(node)),
      fenceCharacter: Character(Unicode.Scalar(UInt8(bitPattern: character))), fenceLength: Int(length),
      nested: nested, inFootnote: inFootnote)
  }

  /// Raw HTML keeps only what HTMLSanitizer allows, and U+001E (which Loom's own placeholders and
  /// markers start with) never reaches the page from the note's text.
  private static func cleanLiterals(in document: OpaquePointer) {
    sanitizeLiterals(in: document)
    closeInlineTags(in: document)
  }

  /// Text-level tags that raw HTML opens in a paragraph, heading, table cell or HTML block are
  /// closed at its end (see HTMLSanitizer.inlineTags): what a note's raw HTML leaves open never
  /// reaches the blocks after it.
  private static func closeInlineTags(in document: OpaquePointer) {
    guard let iter = cmark_iter_new(document) else { return }
    var fragments: [(block: OpaquePointer, html: String)] = []
    var htmlBlocks: [OpaquePointer] = []
    while true {
      let event = cmark_iter_next(iter)
      if event == CMARK_EVENT_DONE { break }
      guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iter) else { continue }
      let type = cmark_node_get_type(node)
      if type == CMARK_NODE_HTML_BLOCK {
        htmlBlocks.append(node)
      } else if type == CMARK_NODE_HTML_INLINE {
        // The nearest block around it (CMARK_NODE_TYPE_MASK 0xC000; blocks are 0x8000).
        var block = cmark_node_parent(node)
        while let b = block, cmark_node_get_type(b).rawValue & 0xC000 != 0x8000 { block = cmark_node_parent(b) }
        if let block { fragments.append((block, string(cmark_node_get_literal(node)))) }
      }
    }
    cmark_iter_free(iter)
    for node in htmlBlocks {
      let html = string(cmark_node_get_literal(node))
      let closing = HTMLSanitizer.closingTags(for: [html])
      if !closing.isEmpty {
        let trimmed = html.hasSuffix("\n") ? String(html.dropLast()) : html
        _ = cmark_node_set_literal(node, trimmed + closing + "\n")
      }
    }
    var order: [OpaquePointer] = []
    var byBlock: [OpaquePointer: [String]] = [:]
    for (block, html) in fragments {
      if byBlock[block] == nil { order.append(block) }
      byBlock[block, default: []].append(html)
    }
    for block in order {
      let closing = HTMLSanitizer.closingTags(for: byBlock[block] ?? [])
      guard !closing.isEmpty, let node = cmark_node_new(CMARK_NODE_HTML_INLINE) else { continue }
      _ = cmark_node_set_literal(node, closing)
      _ = cmark_node_append_child(block, node)
    }
  }

  private static func sanitizeLiterals(in document: OpaquePointer) {
    guard let iter = cmark_iter_new(document) else { return }
    defer { cmark_iter_free(iter) }
    while true {
      let event = cmark_iter_next(iter)
      if event == CMARK_EVENT_DONE { break }
      guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iter) else { continue }
      let type = cmark_node_get_type(node)
      switch type {
      case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE, CMARK_NODE_TEXT, CMARK_NODE_CODE:
        let raw = string(cmark_node_get_literal(node))
        var clean = raw.contains("\u{1E}") ? raw.replacingOccurrences(of: "\u{1E}", with: "\u{FFFD}") : raw
        if type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE { clean = HTMLSanitizer.sanitize(clean) }
        if clean != raw { _ = cmark_node_set_literal(node, clean) }
      case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
        let title = string(cmark_node_get_title(node))
        if title.contains("\u{1E}") { _ = cmark_node_set_title(node, title.replacingOccurrences(of: "\u{1E}", with: "\u{FFFD}")) }
      default:
        break
      }
    }
  }

  /// Rewrites link destinations, drops unsafe ones, and wraps links to other notes in markers.
  private static func rewriteLinks(in document: OpaquePointer, _ hooks: MarkdownHooks) {
    guard let iter = cmark_iter_new(document) else { return }
    var noteLinks: [(OpaquePointer, String)] = []
    var unsafe: [OpaquePointer] = []
    var images = 0
    while true {
      let event = cmark_iter_next(iter)
      if event == CMARK_EVENT_DONE { break }
      guard let node = cmark_iter_get_node(iter) else { continue }
      let type = cmark_node_get_type(node)
      if type == CMARK_NODE_IMAGE { images += event == CMARK_EVENT_ENTER ? 1 : -1 }
      guard event == CMARK_EVENT_ENTER, type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE else { continue }
      let url = string(cmark_node_get_url(node))
      // `[gotcha (a)](@sec-x)`: a cross-reference with its own text; the site puts in the href.
      if url.hasPrefix("@"), type == CMARK_NODE_LINK, let label = ReferenceSyntax.key(Substring(url.dropFirst())), label.count == url.count - 1,
        let reference = hooks.reference
      {
        _ = reference(.label(String(label)), Int(cmark_node_get_start_line(node)), Int(cmark_node_get_start_column(node)))
        _ = cmark_node_set_url(node, ReferenceSyntax.hrefPrefix + label)
        continue
      }
      // `javascript:`, `data:`, `vbscript:`, `doc:` … are not followed, as on GitHub: the link (or
      // image) gives way to its text, rather than becoming an `href=""` back to the page.
      guard HTMLSanitizer.isSafeURL(url) else {
        unsafe.append(node)
        continue
      }
      let rewritten = hooks.rewriteURL(url)
      if rewritten != url { _ = cmark_node_set_url(node, rewritten) }
      // A link inside an image is only its alt text: no markers in an attribute.
      if type == CMARK_NODE_LINK, images == 0, hooks.isNotePage(rewritten) {
        noteLinks.append((node, rewritten))
        hooks.noteLink(rewritten, Int(cmark_node_get_start_line(node)))
      }
    }
    cmark_iter_free(iter)
    // Innermost first (the walk enters outer nodes first), so each unwrap sees its children in place.
    for node in unsafe.reversed() {
      while let child = cmark_node_first_child(node) { _ = cmark_node_insert_before(node, child) }
      cmark_node_unlink(node)
      cmark_node_free(node)
    }
    for (link, url) in noteLinks {
      if let open = cmark_node_new(CMARK_NODE_HTML_INLINE), let close = cmark_node_new(CMARK_NODE_HTML_INLINE) {
        _ = cmark_node_set_literal(open, linkOpen + url.replacingOccurrences(of: "\u{1E}", with: "") + "\u{1E}")
        _ = cmark_node_set_literal(close, linkClose)
        _ = cmark_node_insert_before(link, open)
        _ = cmark_node_insert_after(link, close)
      }
    }
  }

  // MARK: - Helpers

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
