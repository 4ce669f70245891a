import Foundation

/// Runs a program as a child process — never through a shell — capturing its output.
struct ChildProcess {
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
    timeout: Double? = nil, onStdout: (@Sendable (Data) -> Void)? = nil, shouldKill: (() -> Bool)? = nil
  ) throws -> Result {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice

    let collected = Collected()
    let group = DispatchGroup()
    for (pipe, isOut) in [(out, true), (err, false)] {
      group.enter()
      let handle = pipe.fileHandleForReading
      Thread.detachNewThread {
        while true {
          let chunk = handle.availableData
          if chunk.isEmpty { break }
          collected.append(chunk, toStdout: isOut)
          if isOut { onStdout?(chunk) }
        }
        group.leave()
      }
    }
    do {
      try process.run()
    } catch {
      throw LoomError(.io, "could not start \(executable.path): \(error.localizedDescription)")
    }
    let start = Date()
    var timedOut = false
    var killedByRequest = false
    while process.isRunning {
      if let timeout, Date().timeIntervalSince(start) > timeout {
        timedOut = true
        kill(process.processIdentifier, SIGKILL)
        break
      }
      if let shouldKill, shouldKill() {
        killedByRequest = true
        kill(process.processIdentifier, SIGKILL)
        break
      }
      usleep(20_000)
    }
    process.waitUntilExit()
    // A grandchild holding the pipe open must not hang us: give the readers a moment, then go on.
    _ = group.wait(timeout: .now() + 5)
    let (stdoutData, stderrData) = collected.snapshot()
    return Result(
      status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
      stdout: stdoutData, stderr: stderrData, timedOut: timedOut || killedByRequest)
  }

  private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data(), err = Data()
    func append(_ d: Data, toStdout: Bool) {
      lock.lock(); defer { lock.unlock() }
      if toStdout { out.append(d) } else { err.append(d) }
    }
    func snapshot() -> (Data, Data) {
      lock.lock(); defer { lock.unlock() }
      return (out, err)
    }
  }
}
