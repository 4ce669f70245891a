/// What running a note produced, cell by cell. Codable: this is what the cache stores.
public struct NoteOutputs: Codable, Sendable, Equatable {
  public enum Status: String, Codable, Sendable {
    case ok, compileFailed, crashed, timedOut, notRun
    /// The executable reported a different source fingerprint than the generated main.swift.
    case staleBuild
  }
  public var status: Status
  /// Outputs of every cell, by 1-based cell index.
  public var cells: [Int: CellOutput]
  /// Wall-clock seconds of the run (0 when nothing ran).
  public var seconds: Double
  /// Compile errors and other problems, already mapped to Markdown lines.
  public var diagnostics: [Diagnostic]
  /// One-line explanation when status is not ok.
  public var message: LocatedText?
  /// The text of each inline value (`{swift} expr` in prose), by its index.
  public var inlines: [Int: String] = [:]
  /// The `--reseed` the note ran with (0: the default run).
  public var reseed: UInt64 = 0
  /// The outcome was not determined by the note's code (the process was killed from outside):
  /// never cached.
  public var transient = false

  public init(status: Status, cells: [Int: CellOutput] = [:], seconds: Double = 0, diagnostics: [Diagnostic] = [], message: LocatedText? = nil) {
    self.status = status
    self.cells = cells
    self.seconds = seconds
    self.diagnostics = diagnostics
    self.message = message
  }

  public var checks: [CheckOutput] { cells.keys.sorted().flatMap { cells[$0]!.checks } }
  /// The cell the program was in when it crashed or was stopped.
  public var failedCell: Int?
}

public struct CellOutput: Codable, Sendable, Equatable {
  public var stdout = ""
  /// What the cell wrote to stderr; places in the note (a trap's `notes/x.md:12`) are values.
  public var stderr = LocatedText()
  public var figures: [FigureOutput] = []
  public var tables: [TableOutput] = []
  public var checks: [CheckOutput] = []
  public var seconds: Double?
  /// A compile error, trap or timeout that belongs to this cell, rendered for display.
  public var error: LocatedText?
  public var ran = false
  /// The cell is marked `error` and failed as expected (its `error` is shown, not counted).
  public var expectedFailure = false
  public init() {}
  /// Printed text, a table or a figure: something the page shows after the cell.
  public var showsSomething: Bool { !stdout.isEmpty || !stderr.isEmpty || !tables.isEmpty || !figures.isEmpty }
}

public struct FigureOutput: Codable, Sendable, Equatable {
  public var svg: String
  public var caption: String?
}

public struct TableOutput: Codable, Sendable, Equatable {
  public var header: [String]?
  public var rows: [[String]]
  public var caption: String?
}

public struct CheckOutput: Codable, Sendable, Equatable {
  public var ok: Bool
  public var message: String
  public var location: SourceLocation?
}
