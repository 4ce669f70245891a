// swift-tools-version:6.1
// Loom: a literate-programming notebook toolchain for Swift, and the lecture series it renders.
import PackageDescription

let package = Package(
  name: "Loom",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "loom", targets: ["loom"]),
    // Linked into every generated note package (see .loom/build/Package.swift).
    .library(name: "NoteRuntime", targets: ["NoteRuntime"]),
    .library(name: "NumericCore", targets: ["NumericCore"]),
    .library(name: "Plotting", targets: ["Plotting"]),
    .library(name: "Environments", targets: ["Environments"]),
    .library(name: "LoomRandom", targets: ["LoomRandom"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    // MARK: - C libraries (Debian: libcmark-gfm-dev, libcmark-gfm-extensions-dev, libopenblas-dev)
    .systemLibrary(
      name: "CCMarkGFM", path: "Sources/CCMarkGFM",
      providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
    .systemLibrary(
      name: "CBLAS", path: "Sources/CBLAS",
      providers: [.apt(["libopenblas-dev"])]),

    // MARK: - The toolchain (never imports the numeric side)
    .target(name: "TeXMath"),
    .target(name: "LoomKit", dependencies: ["CCMarkGFM", "TeXMath"]),
    .executableTarget(
      name: "loom",
      dependencies: ["LoomKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

    // MARK: - Linked into generated notes
    .target(name: "LoomRandom"),
    .target(name: "NumericCore", dependencies: ["CBLAS", "LoomRandom"]),
    .target(name: "Plotting"),
    .target(name: "Environments", dependencies: ["LoomRandom"]),
    .target(
      name: "NoteRuntime", dependencies: ["Plotting", "LoomRandom"],
      // NB: Swift 6 mode rejects any use of C's `stdout`/`stderr` globals, which the runtime must
      // flush and mark; the module keeps its own state on the one main thread of a note.
      swiftSettings: [.swiftLanguageMode(.v5)]),

    // MARK: - Benchmarks (`make bench`; compared against NumPy / PyTorch / Gymnasium in one run)
    .executableTarget(
      name: "loom-bench", dependencies: ["NumericCore", "Environments"], path: "Benchmarks/LoomBench"),

    // MARK: - Tests
    .testTarget(name: "LoomKitTests", dependencies: ["LoomKit"], resources: [.copy("Fixtures")]),
    .testTarget(name: "TeXMathTests", dependencies: ["TeXMath"]),
    .testTarget(name: "NumericCoreTests", dependencies: ["NumericCore"]),
    .testTarget(name: "PlottingTests", dependencies: ["Plotting"], resources: [.copy("Golden")]),
    .testTarget(name: "EnvironmentsTests", dependencies: ["Environments"], resources: [.copy("Fixtures")]),
  ],
  swiftLanguageModes: [.v6]
)
