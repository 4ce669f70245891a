import SwiftSyntax
import TeXMath

/// Weaves a note and its outputs into one HTML page: prose as cmark-gfm rendered it, each code
/// cell followed by what it printed, its figures (inline SVG), tables, checks and errors.
public struct Weaver: Sendable {
  public var highlighter = SwiftHighlighter()
  /// Names defined by other notes' exported cells → link target (`02-x.html#cell-3`).
  public var externalLinks: [String: String] = [:]
  public init() {}

  /// Lines of output above which the output is collapsed behind a summary.
  public var collapseAfterLines = 60

  /// The `<article>` body of a note's page.
  public func article(_ note: Note, outputs: NoteOutputs?, readDiagnostics: [Diagnostic]) -> String {
    var html = ""
    let errors =
      readDiagnostics.filter { $0.severity == .error }
      + (outputs?.diagnostics.filter { d in
        // Diagnostics that belong to a cell are shown after that cell instead.
        !note.cells.contains { $0.fencedLines.contains(d.location.line) }
      } ?? [])
    if !errors.isEmpty {
      html += "<div class=\"note-errors\" role=\"alert\"><p><strong>This note has problems:</strong></p><ul>"
      for d in errors { html += "<li><code>\(d.description.htmlEscaped)</code></li>" }
      html += "</ul></div>\n"
    } else if let outputs, outputs.status != .ok, let message = outputs.message, outputs.cells.values.allSatisfy({ $0.error == nil }) {
      html += "<div class=\"note-errors\" role=\"alert\"><p>\(message.description.htmlEscaped)</p></div>\n"
    }
    if let outputs, outputs.reseed != 0 {
      html +=
        "<div class=\"reseed-note\" role=\"note\"><p>These outputs come from a run with <code>--reseed \(outputs.reseed)</code>: every random stream of the note is shifted. The published pages are woven with the default seeds.</p></div>\n"
    }
    // Each cell is parsed once, for the definition index and for highlighting.
    let trees = Dictionary(uniqueKeysWithValues: note.cells.map { ($0.index, highlighter.parse($0.source)) })
    let links = self.links(for: note, trees: trees)
    for block in note.blocks {
      switch block {
      case .prose(let p):
        var prose = Self.fillingInlineValues(p.html, note: note, outputs: outputs)
        // Cells inside a list item or a block quote go where their placeholder is.
        for cell in p.cells {
          let shown = self.cell(cell, note: note, output: outputs?.cells[cell.index], outputs: outputs, links: links, tree: trees[cell.index]!)
          prose = prose.replacingOccurrences(of: Cell.placeholder(cell.index), with: shown)
        }
        html += prose
      case .cell(let cell):
        html += self.cell(cell, note: note, output: outputs?.cells[cell.index], outputs: outputs, links: links, tree: trees[cell.index]!)
      }
    }
    return html
  }

  /// Prose HTML with each inline value's placeholder replaced by the value the run computed (or,
  /// when the note did not get that far, by the expression, marked as not computed).
  static func fillingInlineValues(_ html: String, note: Note, outputs: NoteOutputs?) -> String {
    guard !note.inlines.isEmpty, html.contains("\u{1E}LOOM-INLINE ") else { return html }
    var out = html
    for v in note.inlines where out.contains(v.placeholder) {
      let source = v.expression + (v.format.map { ", format: \"\($0)\"" } ?? "")
      let shown: String
      if let text = outputs?.inlines[v.index] {
        shown = "<span class=\"inline-value\" title=\"\(source.htmlEscaped)\">\(text.htmlEscaped)</span>"
      } else {
        shown = "<code class=\"inline-value missing\" title=\"not computed: the note did not run this far\">{swift} \(source.htmlEscaped)</code>"
      }
      out = out.replacingOccurrences(of: v.placeholder, with: shown)
    }
    return out
  }

  /// Every name a cell of this note defines at top level → `#cell-id` (first definition wins),
  /// on top of names exported by other notes.
  func links(for note: Note, trees: [Int: SourceFileSyntax]) -> [String: String] {
    var links = externalLinks
    var local: [String: String] = [:]
    for cell in note.cells where !cell.options.norun {
      for name in highlighter.definitions(cell.source, tree: trees[cell.index]!) where local[name] == nil { local[name] = "#\(cell.id)" }
    }
    links.merge(local) { _, new in new }
    return links
  }

  func cell(_ cell: Cell, note: Note, output: CellOutput?, outputs: NoteOutputs?, links: [String: String], tree: SourceFileSyntax) -> String {
    var classes = ["cell"]
    if cell.options.norun { classes.append("norun") }
    if cell.options.expectError { classes.append("expect-error") }
    if cell.options.export { classes.append("export") }
    var html = "<section class=\"\(classes.joined(separator: " "))\" id=\"\(cell.id.htmlEscaped)\" data-line=\"\(cell.fenceLine)\">\n"
    if cell.options.echo {
      html += "<div class=\"cell-source\">"
      html +=
        "<div class=\"cell-bar\"><a class=\"cell-loc\" href=\"#\(cell.id.htmlEscaped)\" title=\"\(note.path.htmlEscaped):\(cell.fenceLine)\">[\(cell.index)]</a>"
      if cell.options.norun { html += "<span class=\"tag\">not run</span>" }
      if cell.options.export { html += "<span class=\"tag\">export</span>" }
      html += "<button class=\"copy\" type=\"button\" aria-label=\"Copy code\">Copy</button></div>"
      html += "<pre><code class=\"language-swift\">\(highlighter.highlight(cell.source, tree: tree, links: links, selfAnchor: cell.id))</code></pre></div>\n"
    }
    // Compile errors that point into this cell.
    let cellErrors = (outputs?.diagnostics ?? []).filter { $0.location.file == note.path && cell.fencedLines.contains($0.location.line) }
    var inner = ""
    if let output {
      if cell.options.showOutput && cell.options.volatile {
        if output.showsSomething {
          inner +=
            "<div class=\"volatile\" data-volatile=\"\(cell.id.htmlEscaped)\"><p class=\"volatile-note\">This output is machine-dependent (timings); it is kept in <code>volatile/\(note.slug.htmlEscaped).js</code> so the rest of the page is identical between builds.</p></div>\n"
        }
      } else if cell.options.showOutput {
        inner += shown(output, cell: cell, note: note)
      }
      if !output.checks.isEmpty {
        let failed = output.checks.filter { !$0.ok }
        let passed = output.checks.count - failed.count
        inner +=
          "<details class=\"checks\(failed.isEmpty ? "" : " failed")\"\(failed.isEmpty ? "" : " open")><summary>\(passed) of \(output.checks.count) checks passed</summary><ul>"
        for c in output.checks {
          inner += "<li class=\"\(c.ok ? "pass" : "fail")\"><span class=\"mark\">\(c.ok ? "✓" : "✗")</span> \(c.message.htmlEscaped)</li>"
        }
        inner += "</ul></details>\n"
      }
      if let e = output.error, cellErrors.isEmpty {
        let cls = output.expectedFailure ? "cell-error expected" : "cell-error"
        let label = output.expectedFailure ? "<span class=\"expected-label\">expected error</span>\n" : ""
        inner += "<pre class=\"\(cls)\">\(label)\(e.description.htmlEscaped)</pre>\n"
      }
    }
    for d in cellErrors { inner += "<pre class=\"cell-error\">\(d.rendered(sourceLines: note.lines).htmlEscaped)</pre>\n" }
    if !inner.isEmpty { html += "<div class=\"cell-output\">\(inner)</div>\n" }
    html += "</section>\n"
    return html
  }

  /// What a cell printed and showed: text, tables, figures.
  /// A cell labelled `id=fig-…` numbers its first figure ("Figure 6.3: caption") and gives it the
  /// label as its id; `id=tbl-…` does the same for its first table.
  func shown(_ output: CellOutput, cell: Cell, note: Note) -> String {
    var html = textOutput(output.stdout, kind: "stdout")
    html += textOutput(output.stderr.description, kind: "stderr")
    /// The k-th figure's or table's label, its anchor and "Figure 6.3: ".
    func numbered(_ kind: Label.Kind, _ k: Int) -> (id: String?, prefix: String) {
      let names = kind == .figure ? cell.options.figures : cell.options.tables
      guard k < names.count, let label = note.labels.first(where: { $0.kind == kind && $0.name == names[k] }) else { return (nil, "") }
      return (label.anchor, CrossReferences.text(for: label, chapter: note.chapter) + ": ")
    }
    for (k, t) in output.tables.enumerated() {
      let (id, prefix) = numbered(.table, k)
      html += table(t, id: id, prefix: prefix)
    }
    for (k, f) in output.figures.enumerated() {
      let (id, prefix) = numbered(.figure, k)
      // The program made this markup (a plot, but also showSVG or a note's own Figure): only SVG's
      // drawing elements reach the page (SVGSanitizer).
      html += "<figure class=\"figure\"\(id.map { " id=\"\($0.htmlEscaped)\"" } ?? "")>\(SVGSanitizer.sanitize(f.svg))"
      if let caption = f.caption ?? cell.options.caption {
        html += "<figcaption>\(prefix.htmlEscaped)\(Self.caption(caption))</figcaption>"
      } else if !prefix.isEmpty {
        html += "<figcaption>\(String(prefix.dropLast(2)).htmlEscaped)</figcaption>"
      }
      html += "</figure>\n"
    }
    return html
  }

  /// The outputs of the note's `volatile` cells as a script for `site/volatile/<slug>.js`, which
  /// fills the placeholders `cell` left in the page; nil when the note has no volatile cell (the
  /// page then loads no such script).
  public func volatileScript(_ note: Note, outputs: NoteOutputs?) -> String? {
    guard note.cells.contains(where: { $0.options.volatile }) else { return nil }
    var entries: [String] = []
    for cell in note.cells where cell.options.volatile && cell.options.showOutput {
      guard let output = outputs?.cells[cell.index], output.showsSomething else { continue }
      entries.append("  \(cell.id.jsonQuoted): \(shown(output, cell: cell, note: note).jsonQuoted)")
    }
    return "// Machine-dependent outputs of \(note.path) (cells marked volatile), written by loom weave.\n"
      + "window.LoomVolatile = Object.assign(window.LoomVolatile || {}, {\n\(entries.joined(separator: ",\n"))\n});\n"
  }

  /// `text` with control characters that HTML does not allow (NUL, ESC of terminal colours, BEL,
  /// Loom's own U+001E…) shown as U+FFFD; tabs and line breaks stay.
  static func withoutControls(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { isForbiddenControl($0) }) else { return text }
    return String(String.UnicodeScalarView(text.unicodeScalars.map { isForbiddenControl($0) ? "\u{FFFD}" : $0 }))
  }

  static func isForbiddenControl(_ s: Unicode.Scalar) -> Bool {
    (s.value < 0x20 && s != "\t" && s != "\n" && s != "\r") || s.value == 0x7F || (0x80...0x9F).contains(s.value)
  }

  func textOutput(_ text: String, kind: String) -> String {
    guard !text.isEmpty else { return "" }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
    let pre = "<pre class=\"\(kind)\">\(Self.withoutControls(text).htmlEscaped)</pre>"
    if lines > collapseAfterLines {
      return "<details class=\"long-output\"><summary>\(kind == "stderr" ? "stderr" : "Output"): \(lines) lines</summary>\(pre)</details>\n"
    }
    return pre + "\n"
  }

  func table(_ t: TableOutput, id: String? = nil, prefix: String = "") -> String {
    var w = HTMLWriter()
    w.element("div", ["class": "table-wrap"]) { w in
      w.element("table", ["class": "output-table", "id": id]) { w in
        if let caption = t.caption {
          w.element("caption") { w in
            w.text(prefix)
            w.raw(Self.caption(caption))
          }
        } else if !prefix.isEmpty {
          w.element("caption", text: String(prefix.dropLast(2)))
        }
        if let header = t.header {
          w.element("thead") { w in w.element("tr") { w in for h in header { w.element("th", text: h) } } }
        }
        w.element("tbody") { w in
          for row in t.rows { w.element("tr") { w in for cell in row { w.element("td", text: cell) } } }
        }
      }
    }
    return w.html + "\n"
  }

  /// A caption's Markdown, with its math, as inline HTML.
  static func caption(_ markdown: String) -> String {
    CMark.renderFragment(markdown) { TeXMath.convert($0.tex, display: $0.display).0 }.strippingParagraph
  }
}

extension String {
  /// `<p>x</p>\n` → `x` (for captions rendered from Markdown).
  var strippingParagraph: String {
    var s = trimmingWhitespace()
    if s.hasPrefix("<p>"), s.hasSuffix("</p>") { s = String(s.dropFirst(3).dropLast(4)) }
    return s
  }
}
