import Foundation
import LoomContract

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where trained weights are memoised: one parameter file per recipe, keyed by the recipe, the
/// code of the libraries that train it, the BLAS kernel and the seed shift, so a memoised model is
/// bit-identical to what training it again would give.
///
/// The directory is `$LOOM_ARTIFACTS` when set, else `.loom/artifacts` under the working directory
/// (notes run in the project's root). Several processes may ask for the same recipe at once: the
/// first trains it while holding an exclusive `flock` on the recipe's lock file, the others wait
/// and then read its file. Files are written under a temporary name and renamed into place.
///
/// ```swift
/// let store = ArtifactStore.standard          // or ArtifactStore(directory: "/tmp/lab")
/// let model = pretrained(ReviewsWorld(), size: .small, store: store)
/// ```
public struct ArtifactStore: Sendable, Hashable {
  /// The folder holding `<recipe>-<hash>.params` (weights), `.meta` (key, wall and CPU seconds of
  /// training) and `.lock`.
  public var directory: String

  /// A store in `directory` (created when first written).
  public init(directory: String) { self.directory = directory }

  /// `$LOOM_ARTIFACTS`, or `.loom/artifacts` under the working directory.
  public static var standard: ArtifactStore {
    if let dir = ProcessInfo.processInfo.environment[LoomContract.Environment.artifacts], !dir.isEmpty { return ArtifactStore(directory: dir) }
    return ArtifactStore(directory: FileManager.default.currentDirectoryPath + "/.loom/artifacts")
  }

  /// The key a recipe is stored under: its own description plus everything that changes the bits
  /// training gives.
  public static func fullKey(_ recipe: String) -> String {
    "\(recipe) | code \(CodeDigest.libraries) | blas \(blasCore() ?? "unknown") | reseed \(SeedStreams.reseed)"
  }

  /// The weights of `recipe` into `module`: from this process's memory, else from the store's file,
  /// else by running `train` (which fills `module` and returns how long it took) and storing the
  /// result. Returns the training time (as measured when it ran) and whether the weights were
  /// loaded rather than trained now.
  func provide(_ recipe: String, into module: some Module, train: () -> TrainingTime) -> (time: TrainingTime, fromMemo: Bool) {
    let key = Self.fullKey(recipe)
    Self.processLock.lock()
    defer { Self.processLock.unlock() }
    if let hit = Self.inProcess[StoreKey(directory: directory, key: key)] {
      for (p, v) in zip(module.parameters, hit.values) { p.assign(v) }
      return (hit.time, true)
    }
    let stem = directory + "/" + Self.fileStem(recipe: recipe, key: key)
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    // Held while checking, training and writing: another process asking for the same recipe waits.
    let lock = open(stem + ".lock", O_CREAT | O_RDWR, 0o644)
    if lock >= 0 { while flock(lock, LOCK_EX) != 0 && errno == EINTR {} }
    defer { if lock >= 0 { flock(lock, LOCK_UN); close(lock) } }

    var result: (time: TrainingTime, fromMemo: Bool)
    let initial = module.parameters.map(\.data)
    if let time = Self.readMeta(stem + ".meta", key: key), (try? module.loadParameters(from: stem + ".params")) != nil {
      result = (time, true)
    } else {
      // A damaged file may have been read part way: train from the initial weights, as a fresh run does.
      for (p, v) in zip(module.parameters, initial) { p.assign(v) }
      let time = train()
      result = (time, false)
      // A store that cannot be written (read-only, full) still gives the trained model.
      let tmp = "\(stem).tmp-\(getpid())"
      if (try? module.saveParameters(to: tmp + ".params")) != nil,
        (try? "\(key)\n\(time.wall)\n\(time.cpu)\n".write(toFile: tmp + ".meta", atomically: false, encoding: .utf8)) != nil
      {
        // Weights first: a meta file is only ever next to complete weights.
        rename(tmp + ".params", stem + ".params")
        rename(tmp + ".meta", stem + ".meta")
      } else {
        unlink(tmp + ".params")
        unlink(tmp + ".meta")
      }
    }
    Self.inProcess[StoreKey(directory: directory, key: key)] = Memo(values: module.parameters.map(\.data), time: result.time)
    return result
  }

  /// Forgets what this process has loaded or trained (the files stay): the next request reads the
  /// store's file again.
  public static func forgetLoaded() {
    processLock.lock()
    inProcess = [:]
    processLock.unlock()
  }

  /// The file name of a recipe: readable part, then 16 hex digits of the full key.
  static func fileStem(recipe: String, key: String) -> String {
    let readable = String(recipe.prefix(48).map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
    return readable + "-" + String(StableHash.hex(key).prefix(16))
  }

  /// The training time in a meta file (`key`, wall seconds, CPU seconds), if it was written for
  /// exactly `key`.
  static func readMeta(_ path: String, key: String) -> TrainingTime? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.count >= 3, lines[0] == key, let wall = Double(lines[1]), let cpu = Double(lines[2]) else { return nil }
    return TrainingTime(wall: wall, cpu: cpu)
  }

  struct StoreKey: Hashable {
    var directory: String
    var key: String
  }

  struct Memo {
    var values: [[Float]]
    var time: TrainingTime
  }

  private static let processLock = NSLock()
  nonisolated(unsafe) private static var inProcess: [StoreKey: Memo] = [:]
}

/// The kernel OpenBLAS runs (`openblas_get_corename()`, looked up at run time); nil for another BLAS.
func blasCore() -> String? {
  #if canImport(Glibc)
  typealias CoreName = @convention(c) () -> UnsafeMutablePointer<CChar>?
  guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "openblas_get_corename"),
    let name = unsafeBitCast(symbol, to: CoreName.self)()
  else { return nil }
  return String(cString: name)
  #else
  return nil
  #endif
}

/// A digest of the source code (`.swift`, `.h`, `.modulemap`) of the libraries a recipe runs:
/// LanguageLab, NumericCore, LoomRandom and the BLAS shim, read from the folder this file was
/// compiled from. When the sources are not there (a binary moved elsewhere), the digest says so, and memoised files from a build
/// that had them are not reused.
enum CodeDigest {
  static let libraries: String = {
    let here = URL(fileURLWithPath: #filePath)  // …/Sources/LanguageLab/Recipes/ArtifactStore.swift
    return digest(sources: here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent())
  }()

  /// The digest of the libraries' folders under `sources`; "no-sources" when none is there.
  static func digest(sources: URL) -> String {
    var hasher = StableHash()
    var found = 0
    let fm = FileManager.default
    for lib in ["LanguageLab", "NumericCore", "CNumericKernels", "LoomRandom", "CBLAS"] {
      // Notes build these through symlinks (.loom/loom-runtime/Sources/X → Sources/X), which
      // FileManager's enumerator does not enter: resolve them first.
      let dir = sources.appendingPathComponent(lib).resolvingSymlinksInPath().path
      guard let files = fm.enumerator(atPath: dir)?.allObjects as? [String] else { continue }
      // Code only: a README edit does not change what training computes.
      for f in files.sorted() where f.hasSuffix(".swift") || f.hasSuffix(".c") || f.hasSuffix(".h") || f.hasSuffix(".modulemap") {
        var isDir: ObjCBool = false
        let path = dir + "/" + f
        guard fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue, let data = fm.contents(atPath: path) else { continue }
        hasher.combine("\(lib)/\(f)")
        hasher.combine(Array(data))
        found += 1
      }
    }
    return found == 0 ? "no-sources" : String(hasher.hex.prefix(16))
  }
}

/// FNV-1a, twice with different offsets: 128 bits that are the same on every machine and every
/// run (Swift's `Hasher` is seeded per process).
struct StableHash {
  private var a: UInt64 = 0xcbf2_9ce4_8422_2325
  private var b: UInt64 = 0x6c62_272e_07bb_0142

  mutating func combine(_ bytes: [UInt8]) {
    for byte in bytes {
      a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
      b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
      b = b ^ (b >> 29)
    }
    // The length, so that ("ab", "c") and ("a", "bc") differ.
    for shift in stride(from: 0, to: 64, by: 8) {
      a = (a ^ UInt64((bytes.count >> shift) & 0xff)) &* 0x0000_0100_0000_01b3
    }
  }

  mutating func combine(_ text: String) { combine(Array(text.utf8)) }

  var hex: String {
    func h(_ x: UInt64) -> String {
      let s = String(x, radix: 16)
      return String(repeating: "0", count: 16 - s.count) + s
    }
    return h(a) + h(b)
  }

  static func hex(_ text: String) -> String {
    var s = StableHash()
    s.combine(text)
    return s.hex
  }
}
