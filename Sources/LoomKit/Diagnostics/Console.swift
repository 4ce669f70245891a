import Foundation

/// Where Loom talks to the user: diagnostics and progress on stderr. Plain lines (CI-friendly).
public final class Console: @unchecked Sendable {
  private let lock = NSLock()
  public var quiet = false
  /// Prints nothing at all (tests that inspect results instead).
  public var silent = false
  public init(quiet: Bool = false, silent: Bool = false) {
    self.quiet = quiet
    self.silent = silent
  }

  func write(_ s: String) {
    lock.lock(); defer { lock.unlock() }
    if silent { return }
    FileHandle.standardError.write(Data((s.hasSuffix("\n") ? s : s + "\n").utf8))
  }

  /// A diagnostic in swiftc's form, with the Markdown line and a caret under it.
  public func diagnostic(_ d: Diagnostic, lines: [Substring]?) { write(d.rendered(sourceLines: lines)) }
  public func error(_ message: String) { write(message) }
  public func line(_ message: String) { if !quiet { write("loom: \(message)") } }
  public func status(_ note: String, _ message: String) { if !quiet { write("loom: \(note): \(message)") } }
}
