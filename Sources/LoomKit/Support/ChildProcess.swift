import Foundation
import CLoomSys
import CLoomSignals

/// Runs a program as a child process — never through a shell — capturing its output.
public struct ChildProcess {
  struct Result {
    var status: Int32
    /// True when the child died from a signal (`status` is then the signal number).
    var signaled: Bool
    var stdout: Data
    var stderr: Data
    var timedOut: Bool
  }

  /// Finds `name` on $PATH.
  static func which(_ name: String) -> URL? {
    if name.contains("/") { return URL(fileURLWithPath: name) }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }

  /// Runs `executable` with `arguments` and waits (up to `timeout` seconds, if given).
  /// `onStdout` sees stdout chunks as they arrive; `shouldKill` is polled while waiting.
  static func run(
    _ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil,
    timeout: Double? = nil, onStdout: (@Sendable (Data) -> Void)? = nil, onStderr: (@Sendable (Data) -> Void)? = nil,
    shouldKill: (() -> Bool)? = nil, capping: SegmentCap? = nil
  ) throws -> Result {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    // Marks the child and everything it starts (the environment is inherited) as ours: see `stopOrphans`.
    process.environment = (environment ?? ProcessInfo.processInfo.environment).merging([Self.markerKey: Self.marker]) { _, new in new }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice

    let collected = Collected(cap: capping)
    let readers = readAll(stdout: out, stderr: err, into: collected, onStdout: onStdout, onStderr: onStderr)
    let pid = try spawn(process)
    defer { Self.running.remove(pid); Self.stopOrphans() }
    let timedOut = waitForExit(process, timeout: timeout, shouldKill: shouldKill)
    // A note's program leads its own process group: whatever it started goes with it.
    kill(-pid, SIGKILL)
    // A grandchild holding the pipe open must not hang us: give the readers a moment, then go on.
    _ = readers.wait(timeout: .now() + 5)
    let (stdoutData, stderrData) = collected.snapshot()
    return Result(
      status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
      stdout: stdoutData, stderr: stderrData, timedOut: timedOut)
  }

  /// One thread per pipe reads until end of file; the group is left when both are done.
  private static func readAll(
    stdout out: Pipe, stderr err: Pipe, into collected: Collected, onStdout: (@Sendable (Data) -> Void)?,
    onStderr: (@Sendable (Data) -> Void)?
  ) -> DispatchGroup {
    let group = DispatchGroup()
    for (pipe, isOut) in [(out, true), (err, false)] {
      group.enter()
      let handle = pipe.fileHandleForReading
      Thread.detachNewThread {
        while true {
          let chunk = handle.availableData
          if chunk.isEmpty { break }
          collected.append(chunk, toStdout: isOut)
          if isOut { onStdout?(chunk) } else { onStderr?(chunk) }
        }
        group.leave()
      }
    }
    return group
  }

  /// Starts `process` and registers it as running, under one lock, so `stopOrphans` never mistakes
  /// it for an orphan.
  private static func spawn(_ process: Process) throws -> Int32 {
    Self.adoptOrphans()
    Self.spawnLock.lock()
    defer { Self.spawnLock.unlock() }
    do {
      try process.run()
    } catch {
      throw LoomError(.io, "could not start \(process.executableURL?.path ?? "?"): \(error.localizedDescription)")
    }
    Self.running.insert(process.processIdentifier)
    return process.processIdentifier
  }

  /// Waits for `process` to exit; stops it at `timeout` seconds or when `shouldKill` says so, and
  /// returns whether it was stopped.
  private static func waitForExit(_ process: Process, timeout: Double?, shouldKill: (() -> Bool)?) -> Bool {
    let start = Date()
    var stopped = false
    while process.isRunning {
      if let timeout, Date().timeIntervalSince(start) > timeout { stopped = true }
      if let shouldKill, shouldKill() { stopped = true }
      if stopped {
        Self.stop(process.processIdentifier)
        break
      }
      usleep(20_000)
    }
    process.waitUntilExit()
    return stopped
  }

  private static let spawnLock = NSLock()
  nonisolated(unsafe) private static var adopting = false

  /// Makes this process the subreaper of everything it starts (once).
  static func adoptOrphans() {
    spawnLock.lock(); defer { spawnLock.unlock() }
    if !adopting { adopting = loom_become_subreaper() == 0 }
  }

  /// The environment variable that marks a process as started (directly or not) by this one.
  static let markerKey = "LOOM_PARENT"
  static let marker = String(getpid())

  /// Whether `pid` carries our marker in its environment (so it descends from a child we started).
  static func isOurs(_ pid: pid_t) -> Bool {
    guard let env = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
    return env.split(separator: 0).contains { $0.elementsEqual("\(markerKey)=\(marker)".utf8) }
  }

  /// Stops and reaps processes that were left to us: what a note's program (or a build) started
  /// and left behind when it ended or was killed, adopted because we are their subreaper. They are
  /// recognised by the marker every child we start passes on in its environment, so a child that
  /// someone else in this process started (a test framework's exit tests, a library's) is left
  /// alone, and so are our own running children. A zombie is reaped only if we knew it alive.
  static func stopOrphans() {
    spawnLock.lock(); defer { spawnLock.unlock() }
    guard adopting else { return }
    let me = getpid()
    let ours = Set(running.all())
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
    for entry in entries {
      guard let pid = pid_t(entry), pid != me, !ours.contains(pid),
        let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { continue }
      // "pid (comm) state ppid …": the fields after the command name.
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      guard fields.count > 2, pid_t(fields[1]) == me else { continue }
      if fields[0] == "Z" {
        guard orphansSeen.contains(pid) else { continue }
      } else {
        guard isOurs(pid) else { continue }
        orphansSeen.insert(pid)
        kill(pid, SIGKILL)
      }
      var status: Int32 = 0
      _ = waitpid(pid, &status, 0)
      orphansSeen.remove(pid)
    }
  }

  /// Kills `pid` and, when it leads one (a note's program does), its process group.
  static func stop(_ pid: pid_t) {
    kill(-pid, SIGKILL)
    kill(pid, SIGKILL)
  }

  /// Children running now, so that loom, interrupted, can stop them before it exits.
  static let running = RunningSet(tracksInterrupts: true)
  /// Orphans found alive with our marker (a zombie found later is reaped only if it is one of them).
  static let orphansSeen = RunningSet()

  final class RunningSet: @unchecked Sendable {
    /// Whether the interrupt handler stops these pids.
    let tracksInterrupts: Bool
    init(tracksInterrupts: Bool = false) { self.tracksInterrupts = tracksInterrupts }
    private let lock = NSLock()
    private var pids: Set<pid_t> = []
    func insert(_ p: pid_t) {
      lock.lock()
      pids.insert(p)
      lock.unlock()
      if tracksInterrupts { _ = loom_child_add(p) }
    }
    func contains(_ p: pid_t) -> Bool { lock.lock(); defer { lock.unlock() }; return pids.contains(p) }
    func remove(_ p: pid_t) {
      lock.lock()
      pids.remove(p)
      lock.unlock()
      if tracksInterrupts { loom_child_remove(p) }
    }
    func all() -> [pid_t] { lock.lock(); defer { lock.unlock() }; return Array(pids) }
  }

  /// On SIGINT/SIGTERM/SIGHUP: stop every child (and its group), then die of the same signal
  /// (`loom_on_interrupt`, which reads the children from the table `running` keeps up to date).
  /// Installed once by the CLI.
  public static func stopChildrenOnInterrupt() {
    loom_install_interrupt_handlers()
  }

  /// What a stream keeps: at most `limit` bytes between two markers (a note's cells), so loom's
  /// memory stays bounded however much a note prints. The rest is counted and replaced by a notice.
  struct SegmentCap: Sendable {
    var marker: [UInt8]
    var limit: Int
  }

  /// One stream under a `SegmentCap`: bytes are kept until the current segment has `limit` of them,
  /// then only counted; a marker (kept whole, even split across reads) starts a new segment.
  struct CappedStream {
    let cap: SegmentCap
    var kept = Data()
    var inSegment = 0, dropped = 0
    var pending: [UInt8] = []

    init(cap: SegmentCap) { self.cap = cap }

    mutating func feed(_ chunk: Data) {
      let bytes = pending + [UInt8](chunk)
      pending = []
      let m = cap.marker
      var i = 0
      var runStart = 0
      func keep(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        let room = max(0, cap.limit - inSegment)
        let n = min(room, range.count)
        if n > 0 { kept.append(contentsOf: bytes[range.lowerBound..<(range.lowerBound + n)]); inSegment += n }
        dropped += range.count - n
      }
      while i < bytes.count {
        guard bytes[i] == m[0] else { i += 1; continue }
        let rest = bytes.count - i
        if rest < m.count {
          if bytes[i...].elementsEqual(m.prefix(rest)) { keep(runStart..<i); pending = Array(bytes[i...]); return }
          i += 1; continue
        }
        guard bytes[i..<(i + m.count)].elementsEqual(m) else { i += 1; continue }
        // A marker: "<prefix><digits>\u{1E}\n". Wait for all of it.
        var j = i + m.count
        while j < bytes.count, bytes[j] >= 0x30, bytes[j] <= 0x39 { j += 1 }
        if j < bytes.count, bytes[j] == 0x1E { j += 1 }
        if j < bytes.count, bytes[j] == 0x0A { j += 1 } else if j >= bytes.count { keep(runStart..<i); pending = Array(bytes[i...]); return }
        keep(runStart..<i)
        closeSegment()
        kept.append(contentsOf: bytes[i..<j])
        i = j
        runStart = j
      }
      keep(runStart..<bytes.count)
    }

    /// Ends the current segment: the notice for what was dropped goes where the text stopped.
    mutating func closeSegment() {
      if dropped > 0 {
        kept.append(contentsOf: Array("\n… output truncated: \(dropped) more bytes not shown (limit \(cap.limit) bytes per cell)\n".utf8))
      }
      inSegment = 0
      dropped = 0
    }

    mutating func finish() -> Data {
      if !pending.isEmpty { let p = pending; pending = []; keep(p) }
      closeSegment()
      return kept
    }

    private mutating func keep(_ p: [UInt8]) {
      let n = min(max(0, cap.limit - inSegment), p.count)
      kept.append(contentsOf: p.prefix(n)); inSegment += n; dropped += p.count - n
    }
  }

  private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data(), err = Data()
    private var cappedOut: CappedStream?, cappedErr: CappedStream?
    init(cap: SegmentCap?) {
      cappedOut = cap.map(CappedStream.init)
      cappedErr = cap.map(CappedStream.init)
    }
    func append(_ d: Data, toStdout: Bool) {
      lock.lock(); defer { lock.unlock() }
      if toStdout {
        if cappedOut != nil { cappedOut!.feed(d) } else { out.append(d) }
      } else {
        if cappedErr != nil { cappedErr!.feed(d) } else { err.append(d) }
      }
    }
    func snapshot() -> (Data, Data) {
      lock.lock(); defer { lock.unlock() }
      if cappedOut != nil { out = cappedOut!.finish(); cappedOut = nil }
      if cappedErr != nil { err = cappedErr!.finish(); cappedErr = nil }
      return (out, err)
    }
  }
}
