import Foundation

/// Everything that changes what a note's run computes, as one value: the output cache's key is the
/// digest of its JSON encoding. What is not here (prose, cell lines, `id=`, `caption=`, `echo`,
/// `output`, `volatile`, `title:`) changes only the page, so editing it re-weaves without re-running.
struct RunInputs: Codable {
  struct Upstream: Codable {
    var path: String
    var module: String?
    var exports: [String]
  }

  /// A cell's part: its position among the note's cells, its code, and the options the run reads.
  struct CellPart: Codable {
    var index: Int
    var source: String
    /// Indentation moves the columns of compile errors (see `Cell.indentation`).
    var indentation: [Int]
    var options: CellOptions.RunPart
  }

  /// An inline value is code too; not its line, since prose may move it.
  struct InlinePart: Codable {
    var index: Int
    var afterCell: Int
    var format: String?
    var expression: String
  }

  var format = OutputCache.formatVersion
  var environment: String
  var reseed: UInt64
  /// The limit decides whether a big allocation succeeds.
  var memoryLimitMB: Int
  var upstream: [Upstream]
  var frontMatter: [String: String]
  var optimization: String
  var path: String
  var cells: [CellPart]
  var inlines: [InlinePart]

  init(note: Note, environment: String, upstream: [Note], reseed: UInt64, memoryLimitMB: Int) {
    self.environment = environment
    self.reseed = reseed
    self.memoryLimitMB = memoryLimitMB
    self.upstream = upstream.map { dep in
      Upstream(path: dep.path, module: dep.frontMatter.module, exports: dep.cells.filter(\.options.export).map(\.source))
    }
    frontMatter = note.frontMatter.runAffecting
    optimization = note.optimization.rawValue
    path = note.path
    cells = note.cells.map { CellPart(index: $0.index, source: $0.source, indentation: $0.indentation, options: $0.options.runPart) }
    inlines = note.inlines.map { InlinePart(index: $0.index, afterCell: $0.afterCell, format: $0.format, expression: $0.expression) }
  }

  var digest: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    var h = Hasher128()
    // Encoding plain structs of strings and numbers cannot fail.
    h.combine(try! encoder.encode(self))
    return h.hex
  }
}

extension CellOptions {
  /// The options a run reads. The rest (`id`, `caption`, `echo`, `output`, `volatile`) are
  /// `displayOnly`: a test checks that each option is in exactly one of the two.
  struct RunPart: Codable {
    var norun: Bool
    var expectError: Bool
    var export: Bool
    var timeout: Double?
    var seed: UInt64?
  }

  var runPart: RunPart { RunPart(norun: norun, expectError: expectError, export: export, timeout: timeout, seed: seed) }

  /// Option names that change only the page.
  static let displayOnly: Set<String> = ["id", "hide", "echo", "output", "caption", "volatile", "fig", "tbl"]
}
