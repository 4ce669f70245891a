#if canImport(Glibc)
import Glibc
#endif

/// Anything with trainable tensors. `parameters` has a fixed order, used by optimizers,
/// target-network copies and save/load.
public protocol Module: AnyObject {
  /// The trainable tensors, in a fixed order.
  var parameters: [Tensor] { get }
}

extension Module {
  /// Total number of scalars across `parameters`.
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

  /// Zeroes every parameter's gradient (keeps the buffers).
  public func zeroGrad() { for p in parameters { p.zeroGrad() } }

  /// Copies every parameter value from `source` (a target network's hard update).
  public func copyParameters(from source: some Module) {
    polyakUpdate(from: source, tau: 1)
  }

  /// Soft update `θ_target ← τ·θ_source + (1−τ)·θ_target` (SAC/DQN/DDPG target networks).
  public func polyakUpdate(from source: some Module, tau: Float) {
    let mine = parameters, theirs = source.parameters
    ensure(mine.count == theirs.count, "polyakUpdate: \(mine.count) vs \(theirs.count) params")
    for (t, s) in zip(mine, theirs) {
      ensure(t.shape == s.shape, "polyakUpdate: shapes \(t.shape) and \(s.shape) differ")
      s.data.withUnsafeBufferPointer { src in
        t.withMutableData { dst in
          if tau == 1 {
            for i in 0..<dst.count { dst[i] = src[i] }
          } else {
            for i in 0..<dst.count { dst[i] = tau * src[i] + (1 - tau) * dst[i] }
          }
        }
      }
    }
  }

  /// Writes all parameters to a little binary file: "LOOMPAR1", count, then per tensor its rank,
  /// dimensions (Int64) and Float32 values.
  public func saveParameters(to path: String) throws {
    var bytes: [UInt8] = Array("LOOMPAR1".utf8)
    func put<T>(_ v: T) { withUnsafeBytes(of: v) { bytes.append(contentsOf: $0) } }
    let ps = parameters
    put(Int64(ps.count).littleEndian)
    for p in ps {
      put(Int64(p.rank).littleEndian)
      for d in p.shape { put(Int64(d).littleEndian) }
      p.data.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }
    guard let f = fopen(path, "wb") else { throw ParameterFileError(path: path, reason: "cannot open") }
    defer { fclose(f) }
    let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
    if written != bytes.count { throw ParameterFileError(path: path, reason: "short write") }
  }

  /// Reads parameters written by `saveParameters(to:)`; shapes must match this module's.
  public func loadParameters(from path: String) throws {
    guard let f = fopen(path, "rb") else { throw ParameterFileError(path: path, reason: "cannot open") }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, 65536, f) }
      if n == 0 { break }
      bytes.append(contentsOf: chunk[0..<n])
    }
    var pos = 0
    func take(_ n: Int) throws -> ArraySlice<UInt8> {
      guard pos + n <= bytes.count else { throw ParameterFileError(path: path, reason: "truncated") }
      defer { pos += n }
      return bytes[pos..<(pos + n)]
    }
    func int() throws -> Int {
      let s = try take(8)
      return Int(Int64(littleEndian: s.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }))
    }
    guard Array(try take(8)) == Array("LOOMPAR1".utf8) else {
      throw ParameterFileError(path: path, reason: "not a Loom parameter file")
    }
    let ps = parameters
    guard try int() == ps.count else { throw ParameterFileError(path: path, reason: "count differs") }
    for p in ps {
      let r = try int()
      var shape: [Int] = []
      for _ in 0..<r { shape.append(try int()) }
      guard shape == p.shape else {
        throw ParameterFileError(path: path, reason: "shape \(shape) where \(p.shape) expected")
      }
      let s = try take(p.count * 4)
      let values = s.withUnsafeBytes { raw in
        (0..<p.count).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
      }
      p.assign(values)
    }
  }
}

/// A parameter file could not be written or read.
public struct ParameterFileError: Error, Sendable, CustomStringConvertible {
  /// The file.
  public var path: String
  /// What went wrong.
  public var reason: String
  /// "path: reason".
  public var description: String { "\(path): \(reason)" }
}
