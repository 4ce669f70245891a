import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Everything machine-dependent in a note's arithmetic, fixed by the runner whatever the caller's
/// environment holds, so that the same notes give the same bits on every x86-64 machine with AVX2.
///
/// - OpenBLAS (Debian builds it with DYNAMIC_ARCH) picks a kernel for the CPU it finds at run time:
///   "Haswell" on AVX2 machines, "SkylakeX"/"Cooperlake" on AVX-512 ones. Different kernels sum in
///   different orders, and a chaotic RL run amplifies the last bit into a different curve. Notes run
///   the Haswell kernel, which every AVX2 machine has, on one thread.
/// - Variables that change OpenBLAS's or glibc's choices (`OPENBLAS_*`, `GOTO_*`, `OMP_*`,
///   `GLIBC_TUNABLES`, `LD_PRELOAD`) are removed from the note's environment. glibc's libm then
///   picks its FMA variants on every AVX2 machine (AVX2 implies FMA on every shipping x86-64 CPU).
/// - Notes are compiled for the baseline x86-64 target (no `-march`/`-target-cpu`); Swift does not
///   contract `a * b + c` into FMA, so our own kernels round the same everywhere.
/// - No Float16 arithmetic and no threads in NumericCore: reductions have one order.
/// - Swift seeds `Set` and `Dictionary` hashing anew in every process, so their iteration order —
///   and a floating-point sum taken in that order — changes from run to run. Notes run with
///   `SWIFT_DETERMINISTIC_HASHING=1`: one order, the same on every machine.
///
/// The program reports the kernel and thread count OpenBLAS really uses; the runner warns when they
/// are not the pinned ones (a CPU without AVX2). The pin, the OpenBLAS library and the glibc version
/// are part of every cache key and are printed by `loom doctor`.
public enum ArithmeticPin {
  /// The OpenBLAS kernel notes run (OpenBLAS's `openblas_get_corename()` spelling).
  public static let blasCore = "Haswell"
  public static let blasThreads = 1

  /// Set in every note's environment.
  public static let environment: [String: String] = [
    "OPENBLAS_CORETYPE": blasCore,
    "OPENBLAS_NUM_THREADS": String(blasThreads),
    "GOTO_NUM_THREADS": String(blasThreads),
    "OMP_NUM_THREADS": String(blasThreads),
    "SWIFT_DETERMINISTIC_HASHING": "1",
  ]

  /// Removed from every note's environment (then `environment` is set).
  public static let removedPrefixes = ["OPENBLAS_", "GOTO_", "OMP_", "GLIBC_TUNABLES", "LD_PRELOAD", "MKL_", "BLIS_"]

  /// `base` with the pin applied.
  public static func apply(to base: [String: String]) -> [String: String] {
    var env = base.filter { key, _ in !removedPrefixes.contains { key.hasPrefix($0) } }
    for (k, v) in environment { env[k] = v }
    return env
  }

  /// One line per pinned thing, stable across runs on one machine: feeds the cache key.
  public static var fingerprint: String {
    var lines = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    lines.append("removed: " + removedPrefixes.joined(separator: " "))
    lines.append("openblas: " + (openBLASLibrary ?? "not found"))
    lines.append("glibc: " + glibcVersion)
    lines.append("arch: " + architecture)
    return lines.joined(separator: "\n")
  }

  /// The OpenBLAS shared library notes load (the Debian alternative resolves to a versioned file).
  public static var openBLASLibrary: String? {
    let candidates = [
      "/usr/lib/x86_64-linux-gnu/libopenblas.so.0", "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
      "/usr/lib64/libopenblas.so.0", "/usr/lib/libopenblas.so.0", "/usr/local/lib/libopenblas.so.0",
    ]
    for path in candidates where FileManager.default.fileExists(atPath: path) {
      return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }
    return nil
  }

  public static var glibcVersion: String {
    #if canImport(Glibc)
    // gnu_get_libc_version() is not in the Glibc module's headers; it is in every glibc.
    typealias VersionFunction = @convention(c) () -> UnsafePointer<CChar>
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "gnu_get_libc_version") else { return "unknown" }
    return String(cString: unsafeBitCast(symbol, to: VersionFunction.self)())
    #else
    return "not glibc"
    #endif
  }

  public static var architecture: String {
    #if arch(x86_64)
    return "x86_64"
    #elseif arch(arm64)
    return "arm64"
    #else
    return "other"
    #endif
  }

  /// CPU features the pin relies on, read from /proc/cpuinfo (Linux).
  public struct CPU: Sendable {
    public var model: String
    public var flags: Set<String>
    public var hasAVX2: Bool { flags.contains("avx2") }
    public var hasFMA: Bool { flags.contains("fma") }
    public var hasAVX512: Bool { flags.contains("avx512f") }
    /// True when the pinned kernel and libm variants run here exactly as on every other such machine.
    public var reproducesPin: Bool { ArithmeticPin.architecture == "x86_64" && hasAVX2 && hasFMA }
  }

  public static func cpu() -> CPU {
    let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    var model = "unknown", flags: Set<String> = []
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2 else { continue }
      if parts[0] == "model name", model == "unknown" { model = parts[1] }
      if parts[0] == "flags", flags.isEmpty { flags = Set(parts[1].split(separator: " ").map(String.init)) }
    }
    return CPU(model: model, flags: flags)
  }

  /// What the program reported against what was pinned; nil when they agree.
  static func mismatch(reportedCore: String?, reportedThreads: Int?) -> String? {
    guard let core = reportedCore else { return nil }  // an old runtime, or no OpenBLAS: nothing to compare
    var problems: [String] = []
    if core.lowercased() != blasCore.lowercased() { problems.append("OpenBLAS ran its \(core) kernel, not \(blasCore)") }
    if let t = reportedThreads, t != blasThreads { problems.append("OpenBLAS used \(t) threads, not \(blasThreads)") }
    guard !problems.isEmpty else { return nil }
    return problems.joined(separator: "; ")
      + " — this CPU cannot run the pinned arithmetic (it needs x86-64 with AVX2 and FMA), so this note's numbers may differ from other machines' (see `loom doctor`)"
  }
}
