import Foundation
import LoomContract

/// Runs a built note as a child process with wall-clock limits, and splits what it printed into
/// per-cell output using the runtime's markers.
public struct Runner: Sendable {
  public var project: Project
  /// Default wall-clock limit per note, seconds (front matter `timeout:` overrides).
  public var noteTimeout: Double = 600
  /// Default wall-clock limit per cell, seconds (cell `timeout=` or front matter `cell-timeout:` override).
  public var cellTimeout: Double? = nil
  /// Memory limit (address space) per note, MiB; 0 = none.
  public var memoryLimitMB = 16384
  /// Most bytes kept per cell and stream; the rest is dropped with a notice.
  public var outputLimit = 64 * 1024
  /// Shifts every random stream of the note (`--reseed N`; 0 is the default run).
  public var reseed: UInt64 = 0

  public init(project: Project) { self.project = project }

  static let marker = Array(LoomContract.markerPrefix.utf8)

  /// The marker for one run: the base marker with a fresh nonce that the program receives in
  /// LOOM_MARKER_NONCE (and removes from its environment), so text a cell prints can never pass for
  /// a marker and move output into another cell.
  static func marker(nonce: String) -> [UInt8] { Array(LoomContract.marker(nonce: nonce).utf8) }

  /// Runs the note's program; cells in `skip` are passed over (see `error` cells).
  /// With `expectedBuild` (the fingerprint in the generated main.swift), a program that reports a
  /// different one was built from older source: its outputs are not used.
  public func run(
    _ note: Note, executable: URL, skip: Set<Int> = [], expectedBuild: String? = nil,
    onCell: (@Sendable (Int) -> Void)? = nil
  ) throws -> NoteOutputs {
    let events = project.loomDirectory.appendingPathComponent("run").appendingPathComponent("\(note.slug).events.jsonl")
    try FileManager.default.createDirectory(at: events.deletingLastPathComponent(), withIntermediateDirectories: true)
    try? FileManager.default.removeItem(at: events)
    let nonce = String(UInt64.random(in: 1...UInt64.max), radix: 36)
    let marker = Self.marker(nonce: nonce)
    let limits = Limits(note: note, runner: self)
    let env = environment(for: note, events: events, skip: skip, nonce: nonce, memory: limits.memory)
    let watch = CellWatch(onCell: onCell, marker: marker)
    let start = Date()
    let result = try ChildProcess.run(
      executable, [], in: project.root, environment: env, timeout: limits.note,
      onStdout: { chunk in watch.scan(chunk) },
      shouldKill: {
        guard let (cell, since) = watch.current(), let limit = limits.cells[cell] else { return false }
        if Date().timeIntervalSince(since) > limit { watch.markCellTimeout(cell); return true }
        return false
      },
      // Bounded memory: at most `outputLimit` bytes per cell and stream are ever held.
      capping: ChildProcess.SegmentCap(marker: marker, limit: outputLimit))
    let seconds = Date().timeIntervalSince(start)

    var run = Collected(result: result, note: note, marker: marker, runner: self)
    run.outputs.seconds = seconds
    let (builtFrom, blas, finished) = readEvents(events, into: &run.outputs, note: note)
    if let problem = ArithmeticPin.mismatch(reportedCore: blas.core, reportedThreads: blas.threads) {
      run.outputs.diagnostics.append(Diagnostic(.warning, problem, at: SourceLocation(file: note.path, line: 1)))
    }
    if let expectedBuild, let builtFrom, builtFrom != expectedBuild {
      return NoteOutputs(
        status: .staleBuild, seconds: seconds,
        message:
          "\(note.path): error: the executable is stale: it was built from an older version of the note's code (build \(builtFrom), expected \(expectedBuild)), so its output was not used. Run again with --no-cache; if it happens again, please report it."
      )
    }
    if result.timedOut || result.signaled || result.status != 0 { run.outputs.failedCell = run.lastCell }
    if let cell = watch.timedOutCell {
      run.cellTimedOut(cell, limit: limits.cells[cell] ?? 0)
    } else if result.timedOut {
      run.noteTimedOut(limit: limits.note)
    } else if !result.signaled, result.status == 0, !finished {
      run.endedEarly()
    } else if result.signaled || result.status != 0 {
      run.crashed(memory: limits.memory)
    }
    return run.outputs
  }

  /// The wall-clock and memory limits of one run of `note`.
  struct Limits: Sendable {
    let note: Double
    /// Per cell, from the cell's `timeout=`, the front matter's `cell-timeout:` or the runner's default.
    let cells: [Int: Double]
    let memory: Int

    init(note n: Note, runner: Runner) {
      note = n.frontMatter.timeout ?? runner.noteTimeout
      cells = Dictionary(
        uniqueKeysWithValues: n.cells.compactMap { c in
          let limit = c.options.timeout ?? n.frontMatter.cellTimeout ?? runner.cellTimeout
          return limit.map { (c.index, $0) }
        })
      memory = n.frontMatter.memory ?? runner.memoryLimitMB
    }
  }

  /// The program's environment: the caller's, with the arithmetic pinned (see ArithmeticPin) and
  /// the contract's variables set.
  func environment(for note: Note, events: URL, skip: Set<Int>, nonce: String, memory: Int) -> [String: String] {
    var env = ArithmeticPin.apply(to: ProcessInfo.processInfo.environment)
    env[LoomContract.Environment.reseed] = String(reseed)
    env[LoomContract.Environment.events] = events.path
    env[LoomContract.Environment.memoryLimitMB] = String(memory)
    // On a crash the Swift runtime prints a backtrace; its frames carry the note's own lines
    // (through #sourceLocation), which is how a trap is mapped to notes/NN.md:LINE:COL.
    env["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none,sanitize=no,limit=12,top=4"
    env[LoomContract.Environment.skipCells] = skip.sorted().map(String.init).joined(separator: ",")
    env[LoomContract.Environment.markerNonce] = nonce
    // LanguageLab memoises trained weights here (keyed by recipe, library code, BLAS kernel and
    // reseed), so notes of one run, and of later runs, share each pretraining.
    if env[LoomContract.Environment.artifacts] == nil {
      env[LoomContract.Environment.artifacts] = project.loomDirectory.appendingPathComponent("artifacts").path
    }
    return env
  }

  /// What one run printed, split per cell, and how it ended, as outputs.
  struct Collected {
    var outputs = NoteOutputs(status: .ok)
    let note: Note
    let result: ChildProcess.Result
    var stderrParts: [Int: String]
    /// The runtime's backtrace, cut out of the last cell's stderr (where it points is kept).
    var crash: (message: String, location: SourceLocation?, frame: String?)?
    let fullStderr: String
    /// The cell that was running last, and its place in words.
    let lastCell: Int
    let failedCell: Cell?
    let place: LocatedText

    init(result: ChildProcess.Result, note: Note, marker: [UInt8], runner: Runner) {
      self.note = note
      self.result = result
      outputs.reseed = runner.reseed
      let stdoutParts = runner.split(result.stdout, marker: marker)
      stderrParts = runner.split(result.stderr, marker: marker)
      fullStderr = String(decoding: result.stderr, as: UTF8.self)
      if let last = stderrParts.keys.max(), let text = stderrParts[last], let r = text.range(of: "\n*** Signal") ?? text.range(of: "*** Signal") {
        crash = Runner.parseBacktrace(String(text[r.lowerBound...]), notePath: note.path)
        stderrParts[last] = String(text[..<r.lowerBound]) + (text[..<r.lowerBound].isEmpty ? "" : "\n")
      }
      for cell in note.cells where !cell.options.norun {
        var c = CellOutput()
        c.stdout = stdoutParts[cell.index] ?? ""
        c.stderr = LocatedText(stderrParts[cell.index] ?? "", placesIn: note.path)
        c.ran = stdoutParts[cell.index] != nil || stderrParts[cell.index] != nil
        outputs.cells[cell.index] = c
      }
      lastCell = stdoutParts.keys.max() ?? 0
      failedCell = note.cells.first { $0.index == stdoutParts.keys.max() ?? 0 }
      place = failedCell.map { "cell \($0.index) (\(line: SourceLocation(file: note.path, line: $0.fenceLine)))" } ?? "before the first cell"
    }

    mutating func cellTimedOut(_ index: Int, limit: Double) {
      guard let cell = note.cells.first(where: { $0.index == index }) else { return }
      outputs.status = .timedOut
      outputs.message =
        "\(line: SourceLocation(file: note.path, line: cell.fenceLine)): error: cell \(cell.index) was stopped after its \(Runner.format(limit)) s limit (raise it with timeout= on the cell)"
      outputs.cells[cell.index, default: CellOutput()].error = "Stopped: this cell ran longer than its \(Runner.format(limit)) s limit."
    }

    mutating func noteTimedOut(limit: Double) {
      outputs.status = .timedOut
      outputs.message =
        "\(note.path): error: the note was stopped after its \(Runner.format(limit)) s limit, in \(place) (raise it with 'timeout:' in the front matter)"
      if let cell = failedCell {
        outputs.cells[cell.index, default: CellOutput()].error =
          "Stopped: the note ran longer than its \(Runner.format(limit)) s limit while this cell was running."
      }
    }

    /// exit(0) in a cell (or anything that ends the process quietly): the cells after it never
    /// ran, and their checks were never counted. That is a failure, not a pass.
    mutating func endedEarly() {
      outputs.status = .crashed
      outputs.failedCell = lastCell
      let loc = failedCell.map { SourceLocation(file: note.path, line: $0.fenceLine) } ?? SourceLocation(file: note.path, line: 1)
      // `loc` is the cell's fence: the text names the cell, not its place again (a diagnostic's
      // message names no place; its location is one).
      let text =
        "the note's program ended in \(failedCell.map { "cell \($0.index)" } ?? "before the first cell") before its last cell finished (a call to exit()?); the cells after it did not run"
      outputs.message = "\(loc): error: \(text)"
      outputs.diagnostics.append(Diagnostic(.error, text, at: loc))
      if let cell = failedCell {
        outputs.cells[cell.index, default: CellOutput()].error =
          "The program ended here, before the note's last cell finished (exit() was called, or something ended the process); the cells after this one did not run."
      }
    }

    /// A trap, a signal or a non-zero exit: where (the runtime's own location when it printed one)
    /// and why, in the words a reader needs.
    mutating func crashed(memory: Int) {
      outputs.status = .crashed
      let how = result.signaled ? "was killed by signal \(result.status) (\(Runner.signalName(result.status)))" : "exited with status \(result.status)"
      var trap = Runner.trapMessage(stderrParts[lastCell] ?? "", notePath: note.path)
      if trap.text == nil, let crash { trap.text = Self.describe(crash, fullStderr: fullStderr) }
      let loc =
        trap.location ?? crash?.location ?? failedCell.map { SourceLocation(file: note.path, line: $0.fenceLine) } ?? SourceLocation(file: note.path, line: 1)
      outputs.message = "\(loc): error: the note's program \(how) in \(place)\(trap.text.map { ": \($0)" } ?? "")"
      // Running into the address-space limit shows up as a failed allocation.
      let stderrText = stderrParts[lastCell] ?? ""
      if stderrText.contains("allocat") || crash?.frame?.contains("alloc") == true || (result.signaled && result.status == SIGABRT) {
        outputs.message!.append(" — if it ran out of memory: the limit is \(memory) MiB; raise it with 'memory:' in the front matter or --memory-limit")
      }
      // Killed from outside (the OOM killer's SIGKILL, a SIGTERM): not determined by the note's code.
      if result.signaled, [SIGKILL, SIGTERM, SIGINT, SIGHUP, SIGQUIT].contains(result.status) { outputs.transient = true }
      outputs.diagnostics.append(Diagnostic(.error, "runtime error in cell \(lastCell): \(trap.text ?? how)", at: loc))
      if let cell = failedCell {
        outputs.cells[cell.index, default: CellOutput()].error = trap.text.map { "\(loc): \($0)" } ?? "The program \(how)."
      }
    }

    /// The runtime's crash message in a reader's words.
    static func describe(_ crash: (message: String, location: SourceLocation?, frame: String?), fullStderr: String) -> String {
      var message = crash.message
      // The Swift runtime calls running off the stack's guard page a bad pointer dereference.
      if message.hasPrefix("Bad pointer dereference"), Runner.looksLikeRecursion(fullStderr) {
        message = "stack overflow: the call stack ran out, most likely deep or endless recursion"
      }
      var text =
        message == "Illegal instruction"
        ? "a Swift runtime check failed (index out of range, precondition, arithmetic overflow or force-unwrap of nil)"
        : message
      if let frame = crash.frame, !frame.contains("_main +") { text += " in \(frame)" }
      return text
    }
  }

  // MARK: - Pieces

  /// Splits a stream on the runtime's cell markers: cell index → text printed during that cell.
  func split(_ data: Data, marker: [UInt8] = Runner.marker) -> [Int: String] {
    var parts: [Int: String] = [:]
    let bytes = [UInt8](data)
    var current = 0
    var segmentStart = 0
    func flush(_ end: Int) {
      guard current > 0 else { return }
      // Already capped per cell while it was read (ChildProcess.CappedStream), notice included.
      parts[current, default: ""] += String(decoding: bytes[segmentStart..<end], as: UTF8.self)
    }
    for m in Self.markers(in: bytes, marker: marker) {
      flush(m.start)
      current = m.cell
      parts[current, default: ""] += ""
      segmentStart = m.end
    }
    flush(bytes.count)
    return parts
  }

  /// A cell marker found in a stream: where it starts and ends, and which cell it opens.
  struct Marker { var start: Int; var end: Int; var cell: Int }

  /// Every complete marker in `bytes` ("\u{1E}LOOM-CELL <k>\u{1E}\n"), in order. A marker cut off
  /// at the end of `bytes` (a stream read in chunks) is not reported.
  static func markers(in bytes: [UInt8], marker: [UInt8] = Runner.marker) -> [Marker] {
    var found: [Marker] = []
    var i = 0
    while i < bytes.count {
      guard bytes[i] == marker[0], bytes[i...].starts(with: marker) else { i += 1; continue }
      var j = i + marker.count
      var n = 0
      while j < bytes.count, bytes[j] >= 0x30, bytes[j] <= 0x39 { n = n * 10 + Int(bytes[j] - 0x30); j += 1 }
      guard j < bytes.count else { break }  // digits may go on in the next chunk
      if bytes[j] == 0x1E { j += 1 }
      if j < bytes.count, bytes[j] == 0x0A { j += 1 }
      found.append(Marker(start: i, end: j, cell: n))
      i = j
    }
    return found
  }

  /// `text` cut to at most `limit` bytes (at a character boundary), with a note of what was left out.
  static func capped(_ text: String, limit: Int) -> String {
    guard text.utf8.count > limit else { return text }
    var kept = ""
    var bytes = 0
    for ch in text {
      bytes += ch.utf8.count
      if bytes > limit { break }
      kept.append(ch)
    }
    return kept + " … [loom: the value was \(text.utf8.count) bytes; the first \(kept.utf8.count) are shown]"
  }

  /// Reads the runtime's side file into `outputs`; returns the build fingerprint the program
  /// reported, the OpenBLAS kernel and thread count it ran with, and whether it reached its end.
  private func readEvents(_ url: URL, into outputs: inout NoteOutputs, note: Note) -> (String?, (core: String?, threads: Int?), Bool) {
    var build: String? = nil
    var blas: (core: String?, threads: Int?) = (nil, nil)
    var finished = false
    guard let data = try? Data(contentsOf: url) else { return (nil, blas, false) }
    let decoder = JSONDecoder()
    for line in data.split(separator: 0x0A) {
      // A line cut short by a crash is not an event.
      guard let event = try? decoder.decode(RuntimeEvent.self, from: Data(line)) else { continue }
      switch event {
      case let .figure(cell, svg, caption):
        outputs.cells[cell, default: CellOutput()].figures.append(FigureOutput(svg: svg, caption: caption))
      case let .table(cell, header, rows, caption):
        outputs.cells[cell, default: CellOutput()].tables.append(TableOutput(header: header, rows: rows, caption: caption))
      case let .check(cell, ok, message, file, line):
        let loc = file.isEmpty ? nil : SourceLocation(file: file, line: line)
        outputs.cells[cell, default: CellOutput()].checks.append(CheckOutput(ok: ok, message: message, location: loc))
      case let .time(cell, seconds):
        outputs.cells[cell, default: CellOutput()].seconds = seconds
      case let .begin(b, _, core, threads):
        build = b
        blas = (core.isEmpty ? nil : core, threads)
      case let .inline(index, text):
        // An inline value is a few words of prose: bounded like a cell's output.
        outputs.inlines[index] = Self.capped(text, limit: outputLimit)
      case .end:
        finished = true
      case .cell:
        break
      }
    }
    return (build, blas, finished)
  }

  /// From the runtime's backtrace: the crash reason, the first frame inside the note (its
  /// Markdown location), and the innermost frame's function (e.g. `Array.subscript.getter`).
  static func parseBacktrace(_ text: String, notePath: String) -> (message: String, location: SourceLocation?, frame: String?) {
    var message = "the program crashed"
    var location: SourceLocation? = nil
    var frame: String? = nil
    for line in text.split(separator: "\n") {
      if let r = line.range(of: "*** Program crashed: ") {
        message = String(line[r.upperBound...]).replacingOccurrences(of: " ***", with: "")
        if let at = message.range(of: " at 0x") { message = String(message[..<at.lowerBound]) }
      }
      let trimmed = line.trimmingWhitespace()
      guard let first = trimmed.first, first.isNumber, let inRange = trimmed.range(of: " in ") else { continue }
      // "0 [inlined] [system] 0x… specialized Array.subscript.getter in Note03 at //<compiler-generated>"
      if frame == nil {
        let head = trimmed[..<inRange.lowerBound]
        if let fn = head.split(separator: " ").drop(while: { $0.hasPrefix("0x") == false }).dropFirst().joined(separator: " ") as String?, !fn.isEmpty {
          frame = fn.replacingOccurrences(of: "specialized ", with: "")
        }
      }
      if location == nil, let atRange = trimmed.range(of: " at ", options: .backwards) {
        let where_ = trimmed[atRange.upperBound...]
        let parts = where_.split(separator: ":")
        if parts.count >= 3, parts[0].hasSuffix(".md"), let l = Int(parts[1]), let c = Int(parts[2]) {
          location = SourceLocation(file: String(parts[0]), line: l, column: c)
        }
      }
    }
    return (message, location, frame)
  }

  /// True when a crash backtrace shows the same function in three or more frames: recursion.
  static func looksLikeRecursion(_ text: String) -> Bool {
    var counts: [String: Int] = [:]
    for line in text.split(separator: "\n") {
      let t = line.trimmingWhitespace()
      guard let first = t.first, first.isNumber, let inRange = t.range(of: " in ") else { continue }
      let head = t[..<inRange.lowerBound]
      guard let fn = head.split(separator: " ").drop(while: { !$0.hasPrefix("0x") }).dropFirst().first else { continue }
      counts[String(fn), default: 0] += 1
    }
    return (counts.values.max() ?? 0) >= 3 || text.contains("frames skipped")
  }

  /// The Swift runtime's "file:line: Fatal error: message" line, if the program printed one.
  /// `notePath` is where the note is (`#fileID` names only its file): a location in another file
  /// (a library's precondition) is not the note's, and gets none.
  static func trapMessage(_ stderr: String, notePath: String) -> (text: String?, location: SourceLocation?) {
    for line in stderr.split(separator: "\n").reversed() {
      for kind in ["Fatal error", "Precondition failed", "Assertion failed"] {
        guard let r = line.range(of: kind) else { continue }
        let text = String(line[r.lowerBound...])
        // "Note01Foo/01-foo.md:47: Fatal error: …" — #fileID is Target/file.md.
        let head = line[..<r.lowerBound].trimmingWhitespace()
        let parts = head.split(separator: ":")
        if parts.count >= 2, let l = Int(parts[1]), parts[0].hasSuffix(".md") {
          let file = parts[0].split(separator: "/").last!
          let noteFile = notePath.split(separator: "/").last.map(String.init) ?? notePath
          return (text, file == noteFile ? SourceLocation(file: notePath, line: l) : nil)
        }
        return (text, nil)
      }
    }
    return (nil, nil)
  }

  static func signalName(_ s: Int32) -> String {
    switch s {
    case SIGILL: return "SIGILL: a Swift runtime trap (precondition, index out of range, overflow, force-unwrap of nil)"
    case SIGTRAP: return "SIGTRAP: a Swift runtime trap"
    case SIGSEGV: return "SIGSEGV: invalid memory access"
    case SIGABRT: return "SIGABRT: abort"
    case SIGKILL: return "SIGKILL: killed, probably for running out of memory"
    case SIGFPE: return "SIGFPE: arithmetic error"
    default: return "signal \(s)"
    }
  }

  static func format(_ x: Double) -> String {
    x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x)
  }
}

/// Which cell is running and since when, as seen from the stdout stream.
final class CellWatch: @unchecked Sendable {
  private let lock = NSLock()
  private var cell = 0
  private var since = Date()
  private var carry: [UInt8] = []
  private(set) var timedOutCell: Int?
  let onCell: (@Sendable (Int) -> Void)?
  let marker: [UInt8]
  init(onCell: (@Sendable (Int) -> Void)?, marker: [UInt8] = Runner.marker) { self.onCell = onCell; self.marker = marker }

  func scan(_ chunk: Data) {
    lock.lock(); defer { lock.unlock() }
    let bytes = carry + [UInt8](chunk)
    let found = Runner.markers(in: bytes, marker: marker)
    for m in found where m.cell != cell {
      cell = m.cell
      since = Date()
      onCell?(m.cell)
    }
    // Keep a tail in case a marker is split across chunks.
    let lastEnd = found.last?.end ?? 0
    carry = Array(bytes[max(lastEnd, bytes.count - marker.count - 8)...])
  }

  func current() -> (Int, Date)? {
    lock.lock(); defer { lock.unlock() }
    return cell > 0 ? (cell, since) : nil
  }

  func markCellTimeout(_ c: Int) {
    lock.lock(); defer { lock.unlock() }
    timedOutCell = c
  }
}
