import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock on a folder (`flock` on `<folder>/lock`), held while one loom process
/// tangles, builds and runs there. Two processes sharing a `.loom/` would otherwise rewrite each
/// other's generated package mid-build. The lock goes away with the process, even if it crashes.
final class DirectoryLock {
  private let fd: Int32

  /// Takes the lock, waiting (and saying so through `waiting`) while another process holds it.
  init(_ directory: URL, waiting: (String) -> Void) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let path = directory.appendingPathComponent("lock").path
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw LoomError(.io, "cannot open \(path): \(String(cString: strerror(errno)))") }
    if flock(fd, LOCK_EX | LOCK_NB) != 0 {
      waiting("waiting for another loom process using \(directory.path) to finish (use --loom-dir to work in parallel)…")
      while flock(fd, LOCK_EX) != 0 {
        guard errno == EINTR else {
          close(fd)
          throw LoomError(.io, "cannot lock \(path): \(String(cString: strerror(errno)))")
        }
      }
    }
  }

  deinit {
    flock(fd, LOCK_UN)
    close(fd)
  }
}
