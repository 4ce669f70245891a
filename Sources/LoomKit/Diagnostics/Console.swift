import Foundation

/// Where Loom talks to the user: diagnostics and progress on stderr.
///
/// On a terminal, notes that are running share one live status line ("01-mdps: cell 3/39 ·
/// 02-pg: cell 7/20") that is redrawn in place; when stderr is not a terminal (CI, a pipe) every
/// message is a plain line and transient progress is not printed at all.
public final class Console: @unchecked Sendable {
  private let lock = NSLock()
  public var quiet = false
  /// Prints nothing at all (tests that inspect results instead).
  public var silent = false
  /// Whether stderr is a terminal (live status line) or not (plain lines).
  public let isTerminal: Bool
  private var live: [String: String] = [:]
  private var liveShown = false

  public init(quiet: Bool = false, silent: Bool = false) {
    self.quiet = quiet
    self.silent = silent
    self.isTerminal = isatty(2) != 0 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
  }

  func write(_ s: String) {
    lock.lock(); defer { lock.unlock() }
    if silent { return }
    var text = s.hasSuffix("\n") ? s : s + "\n"
    if isTerminal && liveShown { text = "\r\u{1B}[K" + text }
    if isTerminal && !live.isEmpty { text += liveLine() }
    liveShown = isTerminal && !live.isEmpty
    FileHandle.standardError.write(Data(text.utf8))
  }

  private func liveLine() -> String {
    let parts = live.keys.sorted().map { "\($0): \(live[$0]!)" }
    var line = "loom: " + parts.joined(separator: " · ")
    if line.count > 150 { line = String(line.prefix(149)) + "…" }
    return line
  }

  /// A transient per-note status (e.g. "cell 3/39"); shown only on a terminal.
  public func progress(_ note: String, _ message: String?) {
    guard isTerminal, !silent, !quiet else { return }
    lock.lock(); defer { lock.unlock() }
    if let message { live[note] = message } else { live[note] = nil }
    let text = "\r\u{1B}[K" + (live.isEmpty ? "" : liveLine())
    liveShown = !live.isEmpty
    FileHandle.standardError.write(Data(text.utf8))
  }

  /// A diagnostic in swiftc's form, with the Markdown line and a caret under it.
  public func diagnostic(_ d: Diagnostic, lines: [Substring]?) { write(d.rendered(sourceLines: lines)) }
  public func error(_ message: String) { write(message) }
  public func line(_ message: String) { if !quiet { write("loom: \(message)") } }
  public func status(_ note: String, _ message: String) { if !quiet { write("loom: \(note): \(message)") } }
}
