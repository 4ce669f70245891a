/// The `key: value` lines between `---` fences at the top of a note, as typed values.
///
/// Every key is a row of `FrontMatter.keys`: its name, how its value is parsed (a malformed value is
/// an error at its line, with the hint), and whether it changes what a run computes (and so enters the
/// cache key) or only how the page looks.
public struct FrontMatter: Sendable, Hashable, Codable {
  public var title: String?
  public var description: String?
  public var author: String?
  /// Seed every cell starts from unless it says `seed=`.
  public var seed: UInt64?
  /// Wall-clock limit for the whole note, in seconds.
  public var timeout: Double?
  /// Wall-clock limit for each cell that has no `timeout=`, in seconds.
  public var cellTimeout: Double?
  /// Address-space limit for the note's process, in MiB.
  public var memory: Int?
  /// Module name for this note's `export` cells.
  public var module: String?
  /// How the note's program is compiled (see `Optimization`).
  public var optimize: Optimization?

  public init() {}

  /// How the note's program is compiled: `speed` (-O, what `swift build -c release` does) or
  /// `none` (-Onone). The optimiser's time grows faster than quadratically with the size of one
  /// `main.swift` (measured here: 250 one-line cells with a `print` 20 s, 500 cells 118 s; -Onone
  /// 5 s and 13 s), so a note of more than `Optimization.cellLimit` cells is compiled with `none`
  /// unless its front matter says `optimize: speed`.
  public enum Optimization: String, Sendable, Codable {
    case speed, none
    public static let cellLimit = 300
  }

  /// One front matter key.
  public struct Key: Sendable {
    public let name: String
    /// Shown after "malformed value" when `parse` rejects a value.
    let hint: String
    /// Whether the value changes what the note's run computes (then it is part of the cache key;
    /// otherwise it only changes the page).
    public let affectsRun: Bool
    /// Stores the value in `FrontMatter`; false when the value is malformed.
    let parse: @Sendable (inout FrontMatter, String) -> Bool
  }

  public static let keys: [Key] = [
    Key(name: "title", hint: "", affectsRun: false) { fm, v in
      fm.title = v; return true
    },
    Key(name: "description", hint: "", affectsRun: false) { fm, v in
      fm.description = v; return true
    },
    Key(name: "author", hint: "", affectsRun: false) { fm, v in
      fm.author = v; return true
    },
    Key(name: "seed", hint: "a non-negative integer", affectsRun: true) { fm, v in
      fm.seed = UInt64(v)
      return fm.seed != nil
    },
    Key(name: "timeout", hint: "a positive number of seconds", affectsRun: true) { fm, v in
      fm.timeout = positive(v)
      return fm.timeout != nil
    },
    Key(name: "cell-timeout", hint: "a positive number of seconds", affectsRun: true) { fm, v in
      fm.cellTimeout = positive(v)
      return fm.cellTimeout != nil
    },
    Key(name: "memory", hint: "a whole number of MiB, e.g. memory: 4096", affectsRun: true) { fm, v in
      fm.memory = Int(v).flatMap { $0 > 0 ? $0 : nil }
      return fm.memory != nil
    },
    // Exports are compiled into the module other notes import.
    Key(name: "module", hint: "", affectsRun: true) { fm, v in
      fm.module = v; return true
    },
    Key(name: "optimize", hint: "speed or none", affectsRun: true) { fm, v in
      fm.optimize = Optimization(rawValue: v)
      return fm.optimize != nil
    },
  ]

  public static let keyNames: [String] = keys.map(\.name)

  static func key(_ name: String) -> Key? { keys.first { $0.name == name } }

  private static func positive(_ v: String) -> Double? { Double(v).flatMap { $0 > 0 && $0.isFinite ? $0 : nil } }

  /// The values as written, by key.
  public internal(set) var written: [String: String] = [:]

  /// Sets `name` from its written value; false if the key is unknown or the value malformed.
  mutating func set(_ name: String, _ value: String) -> Bool {
    written[name] = value
    guard let key = Self.key(name) else { return false }
    return key.parse(&self, value)
  }

  /// The written values of the keys that change what a run computes: the cache key's part of the
  /// front matter (`optimize` enters it through `Note.optimization`, which also counts cells).
  public var runAffecting: [String: String] {
    written.filter { name, _ in Self.key(name)?.affectsRun ?? false && name != "optimize" }
  }
}
