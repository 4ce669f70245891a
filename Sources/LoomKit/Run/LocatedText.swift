/// Text that names places in notes — "notes/a.md:12: Fatal error", "error: … in cell 2
/// (notes/a.md:11)" — kept as runs of text and places, where a place is a `SourceLocation` value.
/// Moving a cell moves the places in its outputs (the cache does this after a prose edit) without
/// reading the text again.
///
/// Loom's own messages are built with string interpolation, and an interpolated `SourceLocation`
/// becomes a place:
/// ```swift
/// let message: LocatedText = "\(location): error: the cell was stopped"
/// ```
/// Text from outside — a program's stderr, the runtime's trap message — is split once, where it
/// enters, with `LocatedText(_:placesIn:)`.
public struct LocatedText: Sendable, Equatable, Codable, CustomStringConvertible, ExpressibleByStringInterpolation {
  public enum Part: Sendable, Equatable {
    case text(String)
    /// `file:line`, or `file:line:column` when `showsColumn`.
    case place(SourceLocation, showsColumn: Bool)
  }

  public private(set) var parts: [Part]

  public init(parts: [Part] = []) {
    self.parts = []
    for part in parts { append(part) }
  }

  /// `text` with every `path:LINE` and `path:LINE:COLUMN` in it taken as a place in the note at
  /// `path` (other files' positions stay text: they do not move with this note's cells).
  public init(_ text: String, placesIn path: String) {
    self.init()
    let prefix = path + ":"
    var rest = Substring(text)
    while let r = rest.range(of: prefix) {
      let digits = rest[r.upperBound...].prefix { $0.isASCII && $0.isNumber }
      guard let line = Int(digits) else {
        append(.text(String(rest[..<r.upperBound])))
        rest = rest[r.upperBound...]
        continue
      }
      append(.text(String(rest[..<r.lowerBound])))
      rest = rest[r.upperBound...].dropFirst(digits.count)
      var column: Int?
      if rest.first == ":" {
        let columnDigits = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
        if let c = Int(columnDigits) {
          column = c
          rest = rest.dropFirst(1 + columnDigits.count)
        }
      }
      append(.place(SourceLocation(file: path, line: line, column: column ?? 1), showsColumn: column != nil))
    }
    append(.text(String(rest)))
  }

  public var description: String {
    parts.map { part in
      switch part {
      case .text(let s): s
      case .place(let loc, let showsColumn): showsColumn ? loc.description : "\(loc.file):\(loc.line)"
      }
    }.joined()
  }

  public var isEmpty: Bool { parts.isEmpty }

  /// Whether the text, as printed, contains `other`.
  public func contains(_ other: some StringProtocol) -> Bool { description.contains(other) }

  /// The places, in order.
  public var places: [SourceLocation] {
    parts.compactMap { if case .place(let loc, _) = $0 { loc } else { nil } }
  }

  /// The same text with every place passed through `move`.
  public func movingPlaces(_ move: (SourceLocation) -> SourceLocation) -> LocatedText {
    LocatedText(
      parts: parts.map { part in
        if case .place(let loc, let showsColumn) = part { .place(move(loc), showsColumn: showsColumn) } else { part }
      })
  }

  public mutating func append(_ part: Part) {
    switch (parts.last, part) {
    case (_, .text("")): return
    case (.text(let a)?, .text(let b)): parts[parts.count - 1] = .text(a + b)
    case (_, .place(var loc, false)) where loc.column != 1:
      loc.column = 1  // not shown, so not kept: equal text, equal value
      parts.append(.place(loc, showsColumn: false))
    default: parts.append(part)
    }
  }

  public mutating func append(_ other: LocatedText) { for p in other.parts { append(p) } }

  public static func + (a: LocatedText, b: LocatedText) -> LocatedText {
    var out = a
    out.append(b)
    return out
  }

  // MARK: Interpolation

  public struct StringInterpolation: StringInterpolationProtocol {
    var text = LocatedText()
    public init(literalCapacity: Int, interpolationCount: Int) {}
    public mutating func appendLiteral(_ literal: String) { text.append(.text(literal)) }
    /// A place, printed `file:line:column`.
    public mutating func appendInterpolation(_ location: SourceLocation) { text.append(.place(location, showsColumn: true)) }
    /// A place, printed `file:line`.
    public mutating func appendInterpolation(line location: SourceLocation) { text.append(.place(location, showsColumn: false)) }
    public mutating func appendInterpolation(_ other: LocatedText) { text.append(other) }
    public mutating func appendInterpolation<T>(_ value: T) { text.append(.text("\(value)")) }
  }

  public init(stringInterpolation: StringInterpolation) { self = stringInterpolation.text }
  public init(stringLiteral value: String) { self.init(parts: [.text(value)]) }

  // MARK: Codable — text as a JSON string, a place as {file, line, column?}

  private struct Place: Codable {
    var file: String
    var line: Int
    var column: Int?
  }

  public init(from decoder: any Decoder) throws {
    var c = try decoder.unkeyedContainer()
    self.init()
    while !c.isAtEnd {
      if let s = try? c.decode(String.self) {
        append(.text(s))
      } else {
        let p = try c.decode(Place.self)
        append(.place(SourceLocation(file: p.file, line: p.line, column: p.column ?? 1), showsColumn: p.column != nil))
      }
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.unkeyedContainer()
    for part in parts {
      switch part {
      case .text(let s): try c.encode(s)
      case .place(let loc, let showsColumn): try c.encode(Place(file: loc.file, line: loc.line, column: showsColumn ? loc.column : nil))
      }
    }
  }
}
