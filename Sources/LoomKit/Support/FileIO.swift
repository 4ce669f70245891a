import Foundation

/// File writes that never leave a half-written file behind.
enum FileIO {
  /// Writes `data` to a temporary file next to `url`, then renames it over `url` (atomic on POSIX).
  static func writeAtomically(_ data: Data, to url: URL) throws {
    let fm = FileManager.default
    try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
    do {
      try data.write(to: tmp)
      if rename(tmp.path, url.path) != 0 {
        throw LoomError(.io, "could not rename \(tmp.path) to \(url.path): \(String(cString: strerror(errno)))")
      }
    } catch {
      try? fm.removeItem(at: tmp)
      if let e = error as? LoomError { throw e }
      throw LoomError(.io, "could not write \(url.path): \(error.localizedDescription)")
    }
  }

  static func writeAtomically(_ text: String, to url: URL) throws {
    try writeAtomically(Data(text.utf8), to: url)
  }

  /// Writes only when the content differs (keeps modification times, and thus incremental builds).
  ///
  /// A changed file also gets a modification time in another whole second than the version it
  /// replaces: the Swift driver's incremental (debug) build compares times to the second, and a
  /// source rewritten within the second of its last version was not recompiled — the build
  /// "succeeded" with the old program (half of all rewrites made right after a build, measured).
  /// The new time is then at most one second ahead of the clock.
  @discardableResult
  static func writeIfChanged(_ text: String, to url: URL) throws -> Bool {
    let data = Data(text.utf8)
    if let old = try? Data(contentsOf: url), old == data { return false }
    let previous = modificationTime(url)
    try writeAtomically(data, to: url)
    if let previous, let now = modificationTime(url), now.tv_sec <= previous.tv_sec {
      let next = timespec(tv_sec: previous.tv_sec + 1, tv_nsec: 0)
      var times = [next, next]
      _ = utimensat(AT_FDCWD, url.path, &times, 0)
    }
    return true
  }

  /// A file's modification time, to the nanosecond; nil when it does not exist.
  static func modificationTime(_ url: URL) -> timespec? {
    var info = stat()
    guard stat(url.path, &info) == 0 else { return nil }
    return info.st_mtim
  }

  /// A note's text, and where its first invalid UTF-8 byte is (1-based line and byte column), if
  /// it has one: the text then has U+FFFD in its place, so the note can still be read and shown.
  static func readNote(_ url: URL) throws -> (text: String, invalidUTF8: (line: Int, column: Int)?) {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw LoomError(.io, "could not read \(url.path): \(error.localizedDescription)")
    }
    if let s = String(data: data, encoding: .utf8) { return (s, nil) }
    // Walk the scalars, counting lines and bytes; the first decoding error is the place.
    var line = 1, offsetInLine = 0
    var position: (line: Int, column: Int)? = nil
    var decoder = UTF8()
    var iterator = data.makeIterator()
    decoding: while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar):
        if scalar == "\n" { line += 1; offsetInLine = 0 } else { offsetInLine += UTF8.width(scalar) }
      case .error:
        position = (line, offsetInLine + 1)
        break decoding
      case .emptyInput:
        break decoding
      }
    }
    return (String(decoding: data, as: UTF8.self), position)
  }

  static func read(_ url: URL) throws -> String {
    do {
      let data = try Data(contentsOf: url)
      guard let s = String(data: data, encoding: .utf8) else {
        throw LoomError(.io, "\(url.path) is not valid UTF-8 text")
      }
      return s
    } catch let e as LoomError {
      throw e
    } catch {
      throw LoomError(.io, "could not read \(url.path): \(error.localizedDescription)")
    }
  }
}
