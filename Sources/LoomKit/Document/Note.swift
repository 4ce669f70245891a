/// One Markdown note, read: its front matter and its blocks in order.
///
/// Prose is already rendered to HTML by cmark-gfm when the note is read (the reader is the only
/// place that touches the C API); code cells keep their source and exact Markdown start line.
public struct Note: Sendable {
  /// Path relative to the project root, as diagnostics print it: `notes/01-mdps-bellman.md`.
  public var path: String
  /// The note's file name without extension: `01-mdps-bellman`.
  public var slug: String
  public var frontMatter: FrontMatter
  public var blocks: [Block]
  /// The raw Markdown lines (1-based line N is `lines[N - 1]`), for diagnostics excerpts.
  public var lines: [Substring]
  /// The `{swift} expr` values in the prose, in order (their placeholders are in the prose HTML).
  public var inlines: [InlineValue] = []
  /// The file's lines end in CRLF (it is read as LF; `--fix` writes CRLF back).
  public var crlf = false
  /// What the note labels, refers to and cites (see `ReferenceSyntax`), and its links to other notes.
  public var labels: [Label] = []
  public var references: [ReferenceUse] = []
  public var noteLinks: [NoteLink] = []

  /// The number a note's file name starts with (`06-ppo.md` → 6): figures and equations are
  /// numbered under it ("Figure 6.3"), and `@lec-06` refers to the note.
  public var chapter: Int? { Note.chapter(of: path) }

  static func chapter(of path: String) -> Int? {
    let file = path.split(separator: "/").last ?? Substring(path)
    return Int(file.prefix { $0.isASCII && $0.isNumber })
  }

  /// How the program is compiled: the front matter's `optimize:`, else `none` for a note of more
  /// than `Optimization.cellLimit` cells to tangle (see `FrontMatter.Optimization`).
  public var optimization: FrontMatter.Optimization {
    frontMatter.optimize ?? (cells.filter { !$0.options.norun }.count > FrontMatter.Optimization.cellLimit ? .none : .speed)
  }

  /// Every cell, in order: top-level ones and those nested in a list item or block quote.
  public var cells: [Cell] {
    blocks.flatMap { block -> [Cell] in
      switch block {
      case .cell(let c): return [c]
      case .prose(let p): return p.cells
      }
    }
  }

  /// The front matter title, or the first `#` heading with text, or the slug (a title is never
  /// empty: it names the page in the sidebar, the pager and the browser's tab).
  public var title: String {
    if let t = frontMatter.title, !t.trimmingWhitespace().isEmpty { return t }
    for block in blocks {
      if case .prose(let p) = block, let h = p.headings.first(where: { $0.level == 1 && !$0.text.trimmingWhitespace().isEmpty }) {
        return h.text
      }
    }
    return slug
  }

  /// Name of the generated SwiftPM executable target: `01-mdps-bellman` → `Note01MdpsBellman`.
  public var targetName: String { Note.identifier(for: slug, prefix: "Note") }

  static func identifier(for slug: String, prefix: String) -> String {
    var out = prefix
    var upperNext = true
    for ch in slug {
      if ch.isLetter || ch.isNumber, ch.isASCII {
        out.append(upperNext ? Character(ch.uppercased()) : ch)
        upperNext = false
      } else {
        upperNext = true
      }
    }
    return out
  }
}

/// A link in prose to another note's page: `06-ppo.html#sec-agent`.
public struct NoteLink: Sendable, Hashable {
  public var url: String
  public var line: Int
}

/// A top-level piece of a note.
public enum Block: Sendable {
  /// Markdown prose between cells, rendered to HTML.
  case prose(Prose)
  /// A ```swift block: tangled, built, run.
  case cell(Cell)
}

/// Rendered prose and what the site needs to know about it.
public struct Prose: Sendable {
  public var html: String
  public var headings: [Heading]
  /// Plain text for the search index.
  public var text: String
  /// Cells inside this prose (in a list item or a block quote), in order; `html` holds each one's
  /// `Cell.placeholder(index)`, which the weaver replaces by the cell.
  public var cells: [Cell] = []
}

/// A heading, with the anchor id the weaver gives it.
public struct Heading: Sendable, Codable, Hashable {
  public var level: Int
  public var text: String
  public var id: String
}

/// A ```swift block of a note.
public struct Cell: Sendable, Hashable {
  /// 1-based position among the note's cells.
  public var index: Int
  public var options: CellOptions
  public var source: String
  /// Markdown line of the opening fence; the first source line is `fenceLine + 1`.
  public var fenceLine: Int
  /// The ```output block right after this cell, if any (expected output, doctest-style).
  public var expectedOutput: ExpectedOutput?
  /// UTF-8 bytes before each source line on its Markdown line (an indented fence, a list item, a
  /// block quote's `> `); empty when there are none. The tangler indents each line by as much, so
  /// the compiler's columns are the note's.
  public var indentation: [Int] = []

  public var firstSourceLine: Int { fenceLine + 1 }
  /// Markdown lines of the cell's code (between the fences).
  public var sourceLines: ClosedRange<Int> { firstSourceLine...(fenceLine + source.split(separator: "\n", omittingEmptySubsequences: false).count) }
  /// Markdown lines from the opening fence to the closing one.
  public var fencedLines: ClosedRange<Int> { fenceLine...(sourceLines.upperBound + 1) }
  /// The cell's id option, or `cell-N`.
  /// The cell's anchor: `cell-<id>` for a named cell, `cell-<index>` otherwise. Cells have their own
  /// namespace (headings never start with `cell-` unless they are "Cell …", which then gets a suffix),
  /// and an `id=` of digits only is refused, so a named and an unnamed cell never share an anchor.
  public var id: String { "cell-" + (options.id ?? String(index)) }

  /// Where a cell nested in prose goes in the prose's HTML.
  public static func placeholder(_ index: Int) -> String { "\u{1E}LOOM-CELL \(index)\u{1E}" }
}

/// An ```output block that follows a cell: what the cell is expected to print.
public struct ExpectedOutput: Sendable, Hashable {
  public var text: String
  public var fenceLine: Int
  /// Last line of the block (the closing fence), for `--fix` rewrites.
  public var endLine: Int
  /// Relative tolerance for numbers in the text (`output tolerance=1e-6`); nil means exact.
  public var tolerance: Double?
}
