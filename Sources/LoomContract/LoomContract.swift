// What the runner (LoomKit) and the programs it generates (through NoteRuntime) must agree on,
// written once: the cell marker, the environment keys, the names of the generated calls and the
// event stream. Dependency-free, so both sides can import it. (Which libraries a note links is
// LoomKit's table, `Project.noteLibraryTargets`, tested against the root manifest.)

/// The agreement between `loom` and a note's program.
public enum LoomContract {
  /// Printed to stdout and stderr before each cell: `<prefix><nonce> <k>\u{1E}\n`. Not printable
  /// text, and the nonce is fresh per run, so nothing a cell prints can pass for one.
  public static let markerPrefix = "\u{1E}LOOM-CELL "
  /// Ends the cell number in a marker.
  public static let markerTerminator = "\u{1E}\n"

  /// The marker prefix for one run.
  public static func marker(nonce: String?) -> String {
    guard let nonce, !nonce.isEmpty else { return markerPrefix }
    return markerPrefix + nonce + " "
  }

  /// Environment variables the runner sets for the program.
  public enum Environment {
    /// Path of the JSON-lines event file.
    public static let events = "LOOM_EVENTS"
    /// `--reseed N`.
    public static let reseed = "LOOM_RESEED"
    /// Cells (comma-separated indices) to skip: `error` cells whose failure is already recorded.
    public static let skipCells = "LOOM_SKIP_CELLS"
    /// Address-space limit, MiB.
    public static let memoryLimitMB = "LOOM_MEMORY_LIMIT_MB"
    /// The per-run marker nonce (the program reads it once and removes it from its environment).
    public static let markerNonce = "LOOM_MARKER_NONCE"
    /// Where LanguageLab memoises trained weights (`<loom dir>/artifacts` unless the caller set it).
    public static let artifacts = "LOOM_ARTIFACTS"
  }

  /// Names of the functions the generated `main.swift` calls (defined in NoteRuntime).
  public enum Call {
    public static let begin = "_loomBegin"
    public static let cell = "_loomCell"
    public static let end = "_loomEnd"
    public static let inline = "_loomInline"
    public static let shouldRun = "_loomShouldRun"
  }
}

/// One line of the event file: what a program reports besides its text output.
public enum RuntimeEvent: Equatable, Sendable {
  /// First event: the build fingerprint, the reseed, and the arithmetic really in use.
  case begin(build: String, reseed: UInt64, blasCore: String, blasThreads: Int)
  case cell(Int)
  case time(cell: Int, seconds: Double)
  case figure(cell: Int, svg: String, caption: String?)
  case table(cell: Int, header: [String]?, rows: [[String]], caption: String?)
  case check(cell: Int, ok: Bool, message: String, file: String, line: Int)
  case inline(index: Int, text: String)
  /// Last event: the program reached the end of its last cell.
  case end(checksFailed: Int)
}

extension RuntimeEvent: Codable {
  private enum Key: String, CodingKey {
    case type, build, reseed, blasCore, blasThreads, cell, seconds, svg, caption, header, rows, ok, message, file, line, index, text, checksFailed
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: Key.self)
    switch try c.decode(String.self, forKey: .type) {
    case "begin":
      self = .begin(build: try c.decodeIfPresent(String.self, forKey: .build) ?? "", reseed: try c.decodeIfPresent(UInt64.self, forKey: .reseed) ?? 0,
                    blasCore: try c.decodeIfPresent(String.self, forKey: .blasCore) ?? "", blasThreads: try c.decodeIfPresent(Int.self, forKey: .blasThreads) ?? 0)
    case "cell": self = .cell(try c.decode(Int.self, forKey: .cell))
    case "time": self = .time(cell: try c.decode(Int.self, forKey: .cell), seconds: try c.decode(Double.self, forKey: .seconds))
    case "figure":
      self = .figure(cell: try c.decode(Int.self, forKey: .cell), svg: try c.decode(String.self, forKey: .svg), caption: try c.decodeIfPresent(String.self, forKey: .caption))
    case "table":
      self = .table(cell: try c.decode(Int.self, forKey: .cell), header: try c.decodeIfPresent([String].self, forKey: .header),
                    rows: try c.decode([[String]].self, forKey: .rows), caption: try c.decodeIfPresent(String.self, forKey: .caption))
    case "check":
      self = .check(cell: try c.decode(Int.self, forKey: .cell), ok: try c.decode(Bool.self, forKey: .ok), message: try c.decode(String.self, forKey: .message),
                    file: try c.decodeIfPresent(String.self, forKey: .file) ?? "", line: try c.decodeIfPresent(Int.self, forKey: .line) ?? 1)
    case "inline": self = .inline(index: try c.decode(Int.self, forKey: .index), text: try c.decode(String.self, forKey: .text))
    case "end": self = .end(checksFailed: try c.decodeIfPresent(Int.self, forKey: .checksFailed) ?? 0)
    case let other:
      throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown event type '\(other)'")
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: Key.self)
    switch self {
    case let .begin(build, reseed, core, threads):
      try c.encode("begin", forKey: .type); try c.encode(build, forKey: .build); try c.encode(reseed, forKey: .reseed)
      try c.encode(core, forKey: .blasCore); try c.encode(threads, forKey: .blasThreads)
    case let .cell(k):
      try c.encode("cell", forKey: .type); try c.encode(k, forKey: .cell)
    case let .time(cell, seconds):
      try c.encode("time", forKey: .type); try c.encode(cell, forKey: .cell); try c.encode(seconds, forKey: .seconds)
    case let .figure(cell, svg, caption):
      try c.encode("figure", forKey: .type); try c.encode(cell, forKey: .cell); try c.encode(svg, forKey: .svg)
      try c.encodeIfPresent(caption, forKey: .caption)
    case let .table(cell, header, rows, caption):
      try c.encode("table", forKey: .type); try c.encode(cell, forKey: .cell); try c.encodeIfPresent(header, forKey: .header)
      try c.encode(rows, forKey: .rows); try c.encodeIfPresent(caption, forKey: .caption)
    case let .check(cell, ok, message, file, line):
      try c.encode("check", forKey: .type); try c.encode(cell, forKey: .cell); try c.encode(ok, forKey: .ok)
      try c.encode(message, forKey: .message); try c.encode(file, forKey: .file); try c.encode(line, forKey: .line)
    case let .inline(index, text):
      try c.encode("inline", forKey: .type); try c.encode(index, forKey: .index); try c.encode(text, forKey: .text)
    case let .end(failed):
      try c.encode("end", forKey: .type); try c.encode(failed, forKey: .checksFailed)
    }
  }
}
