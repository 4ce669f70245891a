import Foundation

/// `loom test --fix`: rewrites the ```output blocks of a note with what its cells printed — the
/// only time Loom writes to a note, and then atomically (a temporary file renamed over the note).
public struct OutputFixer: Sendable {
  public init() {}

  /// The note's text with every expected-output block that differs replaced by the actual output.
  /// Returns nil when nothing changes.
  public func fixed(_ original: String, note: Note, outputs: NoteOutputs) -> String? {
    // Lines as the reader numbered them (a CRLF note is read as LF), written back with the
    // note's own line endings.
    let crlf = original.contains("\r\n")
    var lines = NoteReader.normalizingLineEndings(original).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var changed = false
    // From the bottom up, so earlier line numbers stay valid.
    for cell in note.cells.reversed() {
      guard let expected = cell.expectedOutput, let actual = outputs.cells[cell.index]?.stdout else { continue }
      if Tester.compare(actual: actual, expected: expected.text, tolerance: expected.tolerance) == nil { continue }
      // Lines strictly between the opening fence and the closing fence.
      let first = expected.fenceLine  // 0-based index of the first content line
      let last = expected.endLine - 1  // 0-based index of the closing fence
      guard first <= last, last < lines.count else { continue }
      // In a list item or a block quote, every line carries the container's prefix (`   `, `> `).
      let fence = lines[expected.fenceLine - 1]
      guard let fenceStart = fence.firstIndex(where: { $0 == "`" || $0 == "~" }) else { continue }
      let prefix = String(fence[..<fenceStart])
      let container = String(prefix.map { $0 == ">" ? ">" : " " })
      let ticks = String(fence[fenceStart...].prefix { $0 == fence[fenceStart] })
      var body = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      if body.last == "" { body.removeLast() }
      // A line that starts with the fence would close the block early: widen the fence.
      if body.contains(where: { $0.drop { $0 == " " }.hasPrefix(ticks) }) {
        let wider = String(repeating: String(ticks.first ?? "`"), count: ticks.count + 2)
        lines[expected.fenceLine - 1] = prefix + wider + fence[fenceStart...].dropFirst(ticks.count)
        let closing = lines[last]
        let closingStart = closing.firstIndex { $0 == "`" || $0 == "~" } ?? closing.endIndex
        lines[last] = String(closing[..<closingStart]) + wider
      }
      body = body.map { $0.isEmpty ? container.trimmingTrailingSpaces : container + $0 }
      lines.replaceSubrange(first..<last, with: body)
      changed = true
    }
    return changed ? lines.joined(separator: crlf ? "\r\n" : "\n") : nil
  }

  /// Rewrites `url` atomically if its expected outputs differ. Refuses when the file changed since
  /// it was read (`original`), so an edit made during the run is never lost.
  public func fix(_ url: URL, original: String, note: Note, outputs: NoteOutputs) throws -> Bool {
    guard let text = fixed(original, note: note, outputs: outputs) else { return false }
    let now = try FileIO.read(url)
    guard now == original else {
      throw LoomError(.io, "\(note.path) changed while its cells were running; not rewriting it (run 'loom test --fix' again)")
    }
    try FileIO.writeAtomically(text, to: url)
    return true
  }
}
