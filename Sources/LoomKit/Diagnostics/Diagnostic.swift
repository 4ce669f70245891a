/// A position in a note, printed the way swiftc prints positions so editors and CI can jump to it.
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
  /// Path relative to the project root, e.g. `notes/01-mdps-bellman.md`.
  public var file: String
  public var line: Int
  public var column: Int

  public init(file: String, line: Int, column: Int = 1) {
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String { "\(file):\(line):\(column)" }
}

/// Something wrong with a note (or a warning about it), printed as `file:line:col: error: message`
/// followed by the offending Markdown line and a caret, and by the compiler's notes about it
/// ("'x' previously declared here", "consumed here"), each at its own line.
public struct Diagnostic: Hashable, Sendable, Codable, CustomStringConvertible {
  public enum Severity: String, Sendable, Codable { case error, warning, note }
  public var severity: Severity
  public var message: String
  public var location: SourceLocation
  /// Notes that belong to this diagnostic, in the compiler's order.
  public var notes: [Diagnostic] = []

  public init(_ severity: Severity, _ message: String, at location: SourceLocation, notes: [Diagnostic] = []) {
    self.severity = severity
    self.message = message
    self.location = location
    self.notes = notes
  }

  enum CodingKeys: String, CodingKey { case severity, message, location, notes }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    severity = try c.decode(Severity.self, forKey: .severity)
    message = try c.decode(String.self, forKey: .message)
    location = try c.decode(SourceLocation.self, forKey: .location)
    notes = try c.decodeIfPresent([Diagnostic].self, forKey: .notes) ?? []
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(severity, forKey: .severity)
    try c.encode(message, forKey: .message)
    try c.encode(location, forKey: .location)
    if !notes.isEmpty { try c.encode(notes, forKey: .notes) }
  }

  public var description: String { "\(location): \(severity.rawValue): \(message)" }

  /// The diagnostic with the source line and a caret under the column, as swiftc prints it; then
  /// its notes, with their lines when they point into the same file.
  public func rendered(sourceLines: [Substring]?) -> String { renderedText(sourceLines: sourceLines).description }

  /// The most characters of a source line shown under a diagnostic.
  static let excerptWidth = 160

  /// `rendered(sourceLines:)` with its places as values (for outputs that move with their cell).
  public func renderedText(sourceLines: [Substring]?) -> LocatedText {
    var out: LocatedText = "\(location): \(severity.rawValue): \(message)"
    if let lines = sourceLines, location.line >= 1, location.line <= lines.count {
      var text = String(lines[location.line - 1])
      var caretColumn = max(1, min(location.column, text.count + 1))
      // A long line is shown as the window around the caret: a note whose one line holds thousands
      // of errors would otherwise print the whole line under each of them.
      let window = Self.excerptWidth
      if text.count > window {
        let chars = Array(text)
        let start = max(0, min(caretColumn - 1 - window / 2, chars.count - window))
        let head = start > 0 ? "…" : "", tail = start + window < chars.count ? "…" : ""
        text = head + String(chars[start..<(start + window)]) + tail
        caretColumn += head.count - start
      }
      // Keep tabs so the caret lines up under the same characters.
      let pad = text.prefix(caretColumn - 1).map { $0 == "\t" ? "\t" : " " }.joined()
      out.append(.text("\n\(text)\n" + pad + "^"))
    }
    for note in notes {
      out.append(.text("\n"))
      out.append(note.renderedText(sourceLines: note.location.file == location.file ? sourceLines : nil))
    }
    return out
  }
}

/// The one error the toolchain throws when a command cannot go on (I/O, a missing tool, a bad
/// argument). Problems inside notes are `Diagnostic`s instead, collected rather than thrown.
public struct LoomError: Error, Sendable, CustomStringConvertible {
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: String, Hashable, Sendable { case invalidNote, buildFailed, runFailed, io, usage }
    private let kind: Kind
    public static let invalidNote = Code(kind: .invalidNote)
    public static let buildFailed = Code(kind: .buildFailed)
    public static let runFailed = Code(kind: .runFailed)
    public static let io = Code(kind: .io)
    public static let usage = Code(kind: .usage)
    public var description: String { kind.rawValue }
  }

  public var code: Code
  /// What went wrong and what to do about it.
  public var message: String
  public var location: SourceLocation?

  public init(_ code: Code, _ message: String, at location: SourceLocation? = nil) {
    self.code = code
    self.message = message
    self.location = location
  }

  public var description: String {
    if let location { return "\(location): error: \(message)" }
    return "error: \(message)"
  }
}
