import Foundation

/// Remembers each note's outputs under a key made of everything that can change them: the note's
/// code cells and options, its front-matter settings, the sources of the libraries it links, the
/// toolchain and Loom itself. Prose is not in the key, so a prose edit only re-weaves — even one
/// that adds or removes lines: where cells moved, cached locations (checks, errors, traps) move with
/// them.
public struct OutputCache: Sendable {
  public var directory: URL
  public init(directory: URL) { self.directory = directory }

  /// Bump when the outputs format or the runtime protocol changes.
  static let formatVersion = "loom-cache-9"

  struct Entry: Codable {
    var key: String
    var checksum: String
    var outputs: NoteOutputs
    /// Each cell's fence line when the outputs were made, to move locations if the cells moved.
    var fenceLines: [Int]
  }

  /// The key for `note`, given the digest of library sources and the toolchain version.
  public static func key(
    for note: Note, environment: String, upstream: [Note] = [], reseed: UInt64 = 0,
    memoryLimitMB: Int = 0
  ) -> String {
    RunInputs(note: note, environment: environment, upstream: upstream, reseed: reseed, memoryLimitMB: memoryLimitMB).digest
  }

  /// Digest of every source file of the libraries notes link, plus the toolchain version.
  public static func environmentDigest(project: Project, toolchain: String, pin: String = ArithmeticPin.fingerprint) -> String {
    var h = Hasher128()
    h.combine(toolchain)
    // What the runner pins in the arithmetic, and the libraries it pins it in.
    h.combine(pin)
    let fm = FileManager.default
    for lib in Project.noteLibraries {
      let dir = project.root.appendingPathComponent("Sources").appendingPathComponent(lib)
      guard let e = fm.enumerator(atPath: dir.path) else { continue }
      var files: [String] = []
      while let f = e.nextObject() as? String { files.append(f) }
      for f in files.sorted() {
        let url = dir.appendingPathComponent(f)
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue,
          let data = fm.contents(atPath: url.path)
        else { continue }
        h.combine("\(lib)/\(f)")
        h.combine(data)
      }
    }
    // The Package.swift decides how libraries are built.
    if let pkg = fm.contents(atPath: project.root.appendingPathComponent("Package.swift").path) { h.combine(pkg) }
    return h.hex
  }

  /// The cached outputs for `note` if an intact entry with this key exists.
  public func lookup(_ note: Note, key: String) -> NoteOutputs? {
    let url = file(for: note)
    guard let data = try? Data(contentsOf: url),
      let entry = try? JSONDecoder().decode(Entry.self, from: data),
      entry.key == key,
      entry.checksum == Self.checksum(entry.outputs)
    else { return nil }
    return Self.relocated(entry.outputs, path: note.path, from: entry.fenceLines, to: note)
  }

  /// `outputs` made when the note's cells started at `oldFences`, with every place inside a cell
  /// moved to where that cell is now. Places are values (locations, and the places in
  /// `LocatedText`), so this maps them; no text is read. A diagnostic's message names no place.
  static func relocated(_ outputs: NoteOutputs, path: String, from oldFences: [Int], to note: Note) -> NoteOutputs {
    let newFences = note.cells.map(\.fenceLine)
    guard oldFences != newFences, oldFences.count == newFences.count else { return outputs }
    // Old line range of each cell (fence to closing fence) and how far it moved.
    let moves: [(ClosedRange<Int>, Int)] = zip(note.cells, oldFences).map { cell, oldFence in
      let shift = cell.fenceLine - oldFence
      return ((cell.fencedLines.lowerBound - shift)...(cell.fencedLines.upperBound - shift), shift)
    }
    func move(_ loc: SourceLocation) -> SourceLocation {
      guard loc.file == path, let shift = moves.first(where: { $0.0.contains(loc.line) })?.1 else { return loc }
      var moved = loc
      moved.line += shift
      return moved
    }
    func moved(_ d: Diagnostic) -> Diagnostic {
      var d = d
      d.location = move(d.location)
      d.notes = d.notes.map(moved)
      return d
    }
    var out = outputs
    out.message = outputs.message?.movingPlaces(move)
    out.diagnostics = outputs.diagnostics.map(moved)
    for (index, cell) in outputs.cells {
      var c = cell
      c.stderr = cell.stderr.movingPlaces(move)
      c.error = cell.error?.movingPlaces(move)
      c.checks = cell.checks.map { check in
        var check = check
        check.location = check.location.map(move)
        return check
      }
      out.cells[index] = c
    }
    return out
  }

  /// Stores outputs atomically (a crash mid-write leaves the old entry or none, never half of one).
  public func store(_ outputs: NoteOutputs, for note: Note, key: String) throws {
    let entry = Entry(key: key, checksum: Self.checksum(outputs), outputs: outputs, fenceLines: note.cells.map(\.fenceLine))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    try FileIO.writeAtomically(try encoder.encode(entry), to: file(for: note))
  }

  public func hasEntry(for note: Note) -> Bool { FileManager.default.fileExists(atPath: file(for: note).path) }

  public func file(for note: Note) -> URL { directory.appendingPathComponent("\(note.slug).json") }

  static func checksum(_ outputs: NoteOutputs) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    var h = Hasher128()
    h.combine((try? encoder.encode(outputs)) ?? Data())
    return h.hex
  }
}
