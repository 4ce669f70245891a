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
  @discardableResult
  static func writeIfChanged(_ text: String, to url: URL) throws -> Bool {
    let data = Data(text.utf8)
    if let old = try? Data(contentsOf: url), old == data { return false }
    try writeAtomically(data, to: url)
    return true
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
