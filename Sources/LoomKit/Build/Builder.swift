import Foundation

/// Builds the generated package in release mode with one SwiftPM invocation, and maps compiler
/// diagnostics back to Markdown lines (they already point there, through `#sourceLocation`).
public struct Builder: Sendable {
  public var project: Project
  public var configuration = "release"
  /// Wall-clock limit for one `swift build`, seconds (a note of thousands of cells can take the
  /// compiler very long; the build is then stopped and the notes reported, instead of waiting forever).
  public var timeout: Double = 3600
  /// Called with a line to show the user while the build waits (another SwiftPM holds the lock).
  public var onNotice: (@Sendable (String) -> Void)? = nil
  public init(project: Project) { self.project = project }

  /// Runs one `swift build`, telling the user when SwiftPM waits for another instance.
  private func swiftBuild(_ swift: URL, _ args: [String]) throws -> ChildProcess.Result {
    let notice = onNotice
    let result = try ChildProcess.run(
      swift, args, in: project.root, timeout: timeout,
      onStdout: { chunk in
        Self.forwardWaiting(chunk, to: notice)
      },
      onStderr: { chunk in
        Self.forwardWaiting(chunk, to: notice)
      })
    if result.timedOut {
      throw LoomError(.buildFailed, "swift build ran longer than \(Int(timeout)) s and was stopped (\(args.joined(separator: " ")))")
    }
    return result
  }

  static func forwardWaiting(_ chunk: Data, to notice: (@Sendable (String) -> Void)?) {
    guard let notice else { return }
    let text = String(decoding: chunk, as: UTF8.self)
    for line in text.split(separator: "\n") where line.contains("Another instance of SwiftPM") {
      notice("waiting: \(line.trimmingWhitespace()) — probably a build left running by an interrupted loom; it finishes on its own, or stop it")
    }
  }

  public struct Result: Sendable {
    /// Target names that built.
    public var built: Set<String> = []
    /// Errors per note path, deduplicated, in order.
    public var diagnostics: [String: [Diagnostic]] = [:]
    /// Warnings per note path, at their Markdown lines, each once. They never fail a build.
    public var warnings: [String: [Diagnostic]] = [:]
    /// Build output that could not be tied to a note (a broken library, a linker error).
    public var unattributed: String = ""
  }

  /// Where the executable of a built note lives.
  public func executable(for note: Note) -> URL {
    project.buildDirectory.appendingPathComponent(".build").appendingPathComponent(configuration).appendingPathComponent(note.targetName)
  }

  /// Removes what SwiftPM built for `note` (its executable, its target's objects and the
  /// compiler's incremental records), so the next build compiles it from its sources whatever those
  /// records said. The files SwiftPM itself writes once per package (the output file map, the list
  /// of sources) stay: its build database believes they exist, and a build without them fails
  /// ("unable to load output file map").
  public func forgetBuild(of note: Note) {
    let fm = FileManager.default
    let objects = project.buildDirectory.appendingPathComponent(".build").appendingPathComponent(configuration)
      .appendingPathComponent("\(note.targetName).build")
    try? fm.removeItem(at: executable(for: note))
    for name in (try? fm.contentsOfDirectory(atPath: objects.path)) ?? [] where !Self.writtenBySwiftPM.contains(name) {
      try? fm.removeItem(at: objects.appendingPathComponent(name))
    }
  }

  /// Files in a target's `.build` folder that SwiftPM's build plan writes (not the compiler).
  static let writtenBySwiftPM: Set<String> = ["output-file-map.json", "sources"]

  /// Builds every note's target (the package must have been written by the `Tangler`).
  public func build(_ notes: [Note], log: (String) -> Void = { _ in }) throws -> Result {
    guard let swift = ChildProcess.which("swift") else {
      throw LoomError(.buildFailed, "the 'swift' command is not on PATH; install Swift 6 (https://swift.org/install)")
    }
    var result = Result()
    guard !notes.isEmpty else { return result }
    let args = ["build", "-c", configuration, "--package-path", project.buildDirectory.path]
    let all = try swiftBuild(swift, args)
    let text = String(decoding: all.stdout + all.stderr, as: UTF8.self)
    let parsed = Self.parseDiagnostics(text, root: project.root.path, generated: project.buildDirectory.path)
    for d in parsed where d.location.file.hasSuffix(".md") {
      result.diagnostics[d.location.file, default: []].append(d)
    }
    for d in Self.parseDiagnostics(text, root: project.root.path, generated: project.buildDirectory.path, kind: .warning)
    where d.location.file.hasSuffix(".md") {
      result.warnings[d.location.file, default: []].append(d)
    }
    if all.status == 0 && !all.signaled {
      result.built = Set(notes.map(\.targetName))
      return result
    }
    // Something failed. Notes with their own errors are out; build the rest one by one so one
    // broken note never stops the others (incremental: what built already is reused).
    var unattributed = true
    for note in notes {
      if result.diagnostics[note.path] != nil { unattributed = false; continue }
      let one = try swiftBuild(swift, args + ["--product", note.targetName])
      if one.status == 0 && !one.signaled {
        result.built.insert(note.targetName)
      } else {
        let oneText = String(decoding: one.stdout + one.stderr, as: UTF8.self)
        for d in Self.parseDiagnostics(oneText, root: project.root.path, generated: project.buildDirectory.path) where d.location.file.hasSuffix(".md") {
          result.diagnostics[d.location.file, default: []].append(d)
          unattributed = false
        }
        if result.diagnostics[note.path] == nil {
          result.diagnostics[note.path] = [
            Diagnostic(
              .error, "the note's program failed to build for a reason outside its cells (see the build log above)",
              at: SourceLocation(file: note.path, line: 1))
          ]
        }
      }
    }
    if unattributed || result.built.count + result.diagnostics.count < notes.count {
      result.unattributed = Self.errorLines(text)
    }
    for (k, v) in result.diagnostics { result.diagnostics[k] = Self.dedupe(v) }
    return result
  }

  /// `file:line:col: error: message` lines (or `warning:` ones) from compiler output, each with the
  /// `note:` lines the compiler printed after it. Notes that point into the generated package itself
  /// (Loom's own wrapper code) are left out; paths under `root` are made relative to it.
  static func parseDiagnostics(_ text: String, root: String? = nil, generated: String? = nil, kind: Diagnostic.Severity = .error) -> [Diagnostic] {
    let other: Diagnostic.Severity = kind == .error ? .warning : .error
    var out: [Diagnostic] = []
    var attach = false
    for line in text.split(separator: "\n") {
      if let d = parse(line, kind: kind) {
        out.append(d)
        attach = true
      } else if attach, var note = parse(line, kind: .note) {
        if let generated, note.location.file.hasPrefix(generated) { continue }
        if let root, note.location.file.hasPrefix(root + "/") { note.location.file.removeFirst(root.count + 1) }
        out[out.count - 1].notes.append(note)
      } else if parse(line, kind: other) != nil {
        attach = false
      }
    }
    return dedupe(out)
  }

  private static func parse(_ line: Substring, kind: Diagnostic.Severity) -> Diagnostic? {
    guard let range = line.range(of: ": \(kind.rawValue): ") else { return nil }
    let head = line[..<range.lowerBound]
    let message = String(line[range.upperBound...])
    let parts = head.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count >= 3, let l = Int(parts[parts.count - 2]), let c = Int(parts[parts.count - 1]) else { return nil }
    let file = parts[0..<(parts.count - 2)].joined(separator: ":")
    return Diagnostic(kind, message, at: SourceLocation(file: file, line: l, column: c))
  }

  /// SwiftPM prints some diagnostics twice; keep the first of each.
  static func dedupe(_ ds: [Diagnostic]) -> [Diagnostic] {
    var seen = Set<Diagnostic>()
    return ds.filter { seen.insert($0).inserted }
  }

  static func errorLines(_ text: String) -> String {
    let lines = text.split(separator: "\n")
    let errors = lines.filter { $0.contains("error") }
    // A build can fail without saying "error" (a killed compiler, a failed link step): then its last lines.
    return (errors.isEmpty ? lines.suffix(20) : errors.prefix(40)).joined(separator: "\n")
  }
}
