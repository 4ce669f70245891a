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
    .library(name: "LanguageLab", targets: ["LanguageLab"]),
    .library(name: "LoomContract", targets: ["LoomContract"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    // The compiler's own parser and token classification, for highlighting woven code.
    .package(url: "https://github.com/swiftlang/swift-syntax", exact: "602.0.0"),
    // `loom serve`: a small async HTTP server without SwiftNIO.
    .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.0"),
  ],
  targets: [
    // MARK: - C libraries (Debian: libcmark-gfm-dev, libcmark-gfm-extensions-dev, libopenblas-dev)
    .systemLibrary(
      name: "CCMarkGFM", path: "Sources/CCMarkGFM",
      providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
    .systemLibrary(
      name: "CBLAS", path: "Sources/CBLAS",
      providers: [.apt(["libopenblas-dev"])]),
    // Header-only: process-group and parent-death plumbing for the note runtime.
    .systemLibrary(name: "CLoomSys", path: "Sources/CLoomSys"),

    // MARK: - The toolchain (never imports the numeric side)
    .target(name: "TeXMath"),
    // loom's interrupt handler (a C signal handler; see its header).
    .target(name: "CLoomSignals"),
    .target(
      name: "LoomKit",
      dependencies: [
        "CCMarkGFM", "TeXMath", "CLoomSys", "CLoomSignals", "LoomContract",
        .product(name: "SwiftParser", package: "swift-syntax"),
        .product(name: "SwiftIDEUtils", package: "swift-syntax"),
        .product(name: "SwiftSyntax", package: "swift-syntax"),
        .product(name: "FlyingFox", package: "FlyingFox"),
      ],
      exclude: ["README.md"],
      resources: [.embedInCode("Weave/Assets/loom.css"), .embedInCode("Weave/Assets/loom.js")]),
    .executableTarget(
      name: "loom",
      dependencies: ["LoomCLI"]),
    // The commands, as a library so that tests can parse and run them in-process.
    .target(name: "LoomCLI", dependencies: ["LoomKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

    // MARK: - Linked into generated notes
    // What loom and the programs it generates agree on (markers, environment keys, calls, events).
    .target(name: "LoomContract"),
    .target(name: "LoomRandom"),
    // AVX2 copies of NumericCore's hottest elementwise loops, bit-identical to the Swift ones.
    // Optimised in debug builds too (`swift test`): the matrix product and the SIMD loops are
    // intrinsics that clang at -O0 spills to memory at every step (≈10× slower); the arithmetic is
    // the same at every level (explicit fma, no contraction), so the bits are too.
    .target(name: "CNumericKernels", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
    .target(name: "NumericCore", dependencies: ["CBLAS", "LoomRandom", "CNumericKernels"], exclude: ["README.md"]),
    .target(name: "Plotting", exclude: ["README.md"]),
    .target(name: "Environments", dependencies: ["LoomRandom"], exclude: ["README.md"]),
    // Tokenizer, synthetic worlds with gold rewards, memoised pretraining recipes (lectures 09–15).
    .target(name: "LanguageLab", dependencies: ["NumericCore", "LoomRandom", "LoomContract"], exclude: ["README.md"]),
    .target(
      name: "NoteRuntime", dependencies: ["Plotting", "LoomRandom", "CBLAS", "CLoomSys", "LoomContract"],
      // NB: Swift 6 mode rejects any use of C's `stdout`/`stderr` globals, which the runtime must
      // flush and mark; the module keeps its own state on the one main thread of a note.
      swiftSettings: [.swiftLanguageMode(.v5)]),

    // `make fuzz`: a seeded random driver for the reader, the highlighter and TeX → MathML.
    .executableTarget(name: "loom-fuzz", dependencies: ["LoomKit", "TeXMath", "LoomRandom"]),

    // MARK: - Benchmarks (`make bench`; compared against NumPy / PyTorch / Gymnasium in one run)
    .executableTarget(
      name: "loom-bench", dependencies: ["NumericCore", "Environments"], path: "Benchmarks/LoomBench"),

    // MARK: - Tests
    // CCMarkGFM: the conformance test renders its inputs with libcmark-gfm itself, to compare.
    .testTarget(name: "LoomKitTests", dependencies: ["LoomKit", "TeXMath", "LoomContract", "CCMarkGFM", .product(name: "FlyingFox", package: "FlyingFox")], resources: [.copy("Fixtures")]),
    .testTarget(name: "TeXMathTests", dependencies: ["TeXMath"]),
    .testTarget(name: "LoomCLITests", dependencies: ["LoomCLI", "LoomKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    .testTarget(name: "NumericCoreTests", dependencies: ["NumericCore"]),
    .testTarget(name: "PlottingTests", dependencies: ["Plotting"], resources: [.copy("Golden")]),
    .testTarget(name: "LanguageLabTests", dependencies: ["LanguageLab"]),
    .testTarget(name: "EnvironmentsTests", dependencies: ["Environments"], resources: [.copy("Fixtures")]),
    .testTarget(name: "NoteRuntimeTests", dependencies: ["NoteRuntime"], resources: [.copy("Fixtures")]),
  ],
  swiftLanguageModes: [.v6]
)
