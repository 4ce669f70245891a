import Foundation
import Testing
@testable import LoomKit

/// Inline values, `--reseed`, and the arithmetic pin, through the real pipeline on fixture notes.
/// Nested in the end-to-end suite: they share its build folder, so they must not run beside it.
extension EndToEndTests {
  @Suite("Reproducibility: inline values, reseed, pinned arithmetic")
  struct ReproducibilityTests {
    static let root = EndToEndTests.root
    static let fixtures = EndToEndTests.fixtures

    func pipeline(site: URL? = nil, reseed: UInt64 = 0) -> Pipeline {
      let project = Project(root: Self.root, siteDirectory: site, loomDirectory: Self.root.appendingPathComponent(".loom/test-fixtures"))
      var options = Pipeline.Options()
      options.configuration = "debug"
      options.jobs = 2
      options.useCache = false
      options.reseed = reseed
      return Pipeline(project: project, options: options, console: Console(silent: true))
    }

    @Test("`{swift} 6 * 7` weaves to 42, in place; a format and a value before the first cell work too")
    func inlineValues() throws {
      let site = FileManager.default.temporaryDirectory.appendingPathComponent("loom-inline-\(getpid())")
      defer { try? FileManager.default.removeItem(at: site) }
      let p = pipeline(site: site)
      var items = try p.read([Self.fixtures.appendingPathComponent("inline-values.md")])
      #expect(items[0].note.inlines.map(\.expression) == ["1 + 1", "6 * 7", "finalReturn"])
      #expect(items[0].note.inlines.map(\.afterCell) == [0, 1, 1])
      try p.execute(&items)
      let out = try #require(items[0].outputs)
      #expect(out.status == .ok)
      #expect(out.inlines == [1: "2", 2: "42", 3: "412.3"])
      try p.weave(items)
      let html = try String(contentsOf: site.appendingPathComponent("inline-values.html"), encoding: .utf8)
      let text = html.replacingOccurrences(of: #"<[^>]+>"#, with: "", options: .regularExpression)
      #expect(text.contains("The answer is 42. The return was 412.3."))
      #expect(text.contains("Before any cell: 2."))
      #expect(!html.contains("LOOM-INLINE"))
    }

    @Test("A misspelled name in an inline value is reported once, at its prose line and column")
    func inlineTypo() throws {
      let p = pipeline()
      var items = try p.read([Self.fixtures.appendingPathComponent("inline-typo.md")])
      try p.execute(&items)
      let out = try #require(items[0].outputs)
      #expect(out.status == .compileFailed)
      #expect(out.diagnostics.count == 1)
      let d = try #require(out.diagnostics.first)
      #expect(d.location.line == 7)
      #expect(d.location.column == 25)
      #expect(d.message.contains("finalReturnn"))
    }

    @Test("A claim that rests on one draw holds at some --reseed and fails at another; reseed 0 is the default run")
    func fragileClaimFlips() throws {
      var verdicts: [Bool] = []
      var draws: Set<String> = []
      for n: UInt64 in 0..<8 {
        let p = pipeline(reseed: n)
        var items = try p.read([Self.fixtures.appendingPathComponent("fragile-claim.md")])
        try p.execute(&items)
        let out = try #require(items[0].outputs)
        #expect(out.reseed == n)
        verdicts.append(try #require(out.checks.first).ok)
        draws.insert(out.cells[1]?.stdout ?? "")
      }
      #expect(draws.count == 8, "every reseed gives a different stream")
      #expect(verdicts.contains(true) && verdicts.contains(false), "the fragile claim must flip: \(verdicts)")
      // The same N gives the same stream.
      let p = pipeline(reseed: 3)
      var again = try p.read([Self.fixtures.appendingPathComponent("fragile-claim.md")])
      try p.execute(&again)
      #expect(again[0].outputs?.checks.first?.ok == verdicts[3])
    }

    @Test("The runner pins OpenBLAS whatever the caller's environment says")
    func pinnedEnvironment() throws {
      setenv("OPENBLAS_CORETYPE", "SkylakeX", 1)
      setenv("OPENBLAS_VERBOSE", "2", 1)
      setenv("GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX2", 1)
      defer { unsetenv("OPENBLAS_CORETYPE"); unsetenv("OPENBLAS_VERBOSE"); unsetenv("GLIBC_TUNABLES") }
      let p = pipeline()
      var items = try p.read([Self.fixtures.appendingPathComponent("pinned-arithmetic.md")])
      try p.execute(&items)
      let out = try #require(items[0].outputs)
      #expect(
        out.cells[1]?.stdout == "OPENBLAS_CORETYPE Haswell\nOPENBLAS_NUM_THREADS 1\nOPENBLAS_VERBOSE -\nGLIBC_TUNABLES -\nSWIFT_DETERMINISTIC_HASHING 1\n")
      // The program reports the kernel OpenBLAS really runs; on an AVX2 machine it is the pinned one.
      if ArithmeticPin.cpu().reproducesPin {
        #expect(out.diagnostics.isEmpty, "\(out.diagnostics)")
      }
    }

    @Test("A Dictionary's order, and a sum taken in it, are the same in every run; without the pin they are not")
    func pinnedHashing() throws {
      func dictionaryCell() throws -> String {
        let p = pipeline()
        var items = try p.read([Self.fixtures.appendingPathComponent("pinned-arithmetic.md")])
        try p.execute(&items)
        return try #require(items[0].outputs?.cells[2]?.stdout)
      }
      let first = try dictionaryCell()
      #expect(try dictionaryCell() == first)
      // The same executable run by hand with Swift's per-process hash seed: the order moves.
      let exe = Self.root.appendingPathComponent(".loom/test-fixtures/build/.build/debug/NotePinnedArithmetic")
      var env = ArithmeticPin.apply(to: ProcessInfo.processInfo.environment)
      env["SWIFT_DETERMINISTIC_HASHING"] = nil
      var orders: Set<String> = []
      for _ in 0..<4 {
        let r = try ChildProcess.run(exe, [], environment: env)
        orders.insert(String(decoding: r.stdout, as: UTF8.self))
      }
      #expect(orders.count > 1, "four unpinned runs gave one order: this test no longer shows why the pin matters")
    }

    @Test("A matrix product has the same bits whatever kernel the caller's environment asks for; unpinned, a Float64 one would not")
    func pinnedBits() throws {
      func fingerprints(_ env: [String: String]) throws -> [String] {
        for (k, v) in env { setenv(k, v, 1) }
        defer { for k in env.keys { unsetenv(k) } }
        let p = pipeline()
        var items = try p.read([Self.fixtures.appendingPathComponent("blas-bits.md")])
        try p.execute(&items)
        return try [1, 2].map { try #require(items[0].outputs?.cells[$0]?.stdout).trimmingCharacters(in: .whitespacesAndNewlines) }
      }
      let plain = try fingerprints([:])
      #expect(try fingerprints(["OPENBLAS_CORETYPE": "SkylakeX"]) == plain)
      #expect(try fingerprints(["OPENBLAS_CORETYPE": "Zen", "OPENBLAS_NUM_THREADS": "2"]) == plain)
      // The same executable run by hand, outside the runner, with the AVX-512 kernel: on a CPU that
      // has AVX-512, OpenBLAS sums the Float64 product differently — which is why the runner pins
      // it — while the Float32 product, NumericCore's own, keeps its bits.
      let cpu = ArithmeticPin.cpu()
      guard cpu.hasAVX512 else { return }
      let exe = Self.root.appendingPathComponent(".loom/test-fixtures/build/.build/debug/NoteBlasBits")
      var env = ProcessInfo.processInfo.environment
      env["OPENBLAS_CORETYPE"] = "SkylakeX"
      env["OPENBLAS_NUM_THREADS"] = "1"
      let r = try ChildProcess.run(exe, [], environment: env)
      let unpinned = String(decoding: r.stdout, as: UTF8.self).split(separator: "\n")
        .filter { !$0.contains("LOOM-CELL") && !$0.isEmpty }.map(String.init)
      #expect(unpinned.count == 2)
      #expect(
        unpinned.first != plain[0],
        "the AVX-512 kernel gave the same Float64 bits: this test no longer shows why the pin matters")
      #expect(unpinned.last == plain[1], "a Float32 product changed with OpenBLAS's kernel")
    }

    @Test("The pin: what is removed and set, and what a mismatch says")
    func pinUnits() {
      let env = ArithmeticPin.apply(to: ["OPENBLAS_CORETYPE": "Zen", "OMP_NUM_THREADS": "8", "GOTO_X": "1", "LD_PRELOAD": "x.so", "HOME": "/h"])
      #expect(
        env == [
          "OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_NUM_THREADS": "1", "GOTO_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
          "SWIFT_DETERMINISTIC_HASHING": "1", "HOME": "/h",
        ])
      #expect(ArithmeticPin.mismatch(reportedCore: "Haswell", reportedThreads: 1) == nil)
      #expect(ArithmeticPin.mismatch(reportedCore: "SkylakeX", reportedThreads: 1)?.contains("SkylakeX kernel") == true)
      #expect(ArithmeticPin.mismatch(reportedCore: "Haswell", reportedThreads: 2)?.contains("2 threads") == true)
      #expect(ArithmeticPin.fingerprint.contains("OPENBLAS_CORETYPE=Haswell"))
    }

    @Test("Cache keys: reseed and inline expressions are in them; prose around them is not")
    func cacheKeys() {
      let a = NoteReader().read("# A\n\n```swift\nlet x = 1\n```\n\nx is `{swift} x`.\n", path: "notes/a.md").0
      let b = NoteReader().read("# A\n\nMore prose.\n\n```swift\nlet x = 1\n```\n\nNow x is `{swift} x`.\n", path: "notes/a.md").0
      let c = NoteReader().read("# A\n\n```swift\nlet x = 1\n```\n\nx is `{swift} x + 1`.\n", path: "notes/a.md").0
      #expect(OutputCache.key(for: a, environment: "e") == OutputCache.key(for: b, environment: "e"))
      #expect(OutputCache.key(for: a, environment: "e") != OutputCache.key(for: c, environment: "e"))
      #expect(OutputCache.key(for: a, environment: "e") != OutputCache.key(for: a, environment: "e", reseed: 1))
    }

    @Test("Literal seeds are warned about at their line; seeds derived from cellSeed are not")
    func literalSeeds() {
      let md = """
        # Seeds

        ```swift
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: cellSeed &+ 1)
        let seeds: [UInt64] = [1, 2, 3]
        let fine = seeds(3)
        var c = SeededGenerator(seed: UInt64(1_000) + 7)
        ```
        """
      let (_, diagnostics) = NoteReader().read(md, path: "notes/s.md")
      let warnings = diagnostics.filter { $0.severity == .warning && $0.message.contains("literal seed") }
      #expect(warnings.map(\.location.line) == [4, 6, 8])
      #expect(warnings.first?.location.column == 31)
    }

    @Test("Inline value parsing: format suffix, commas inside the expression, an empty value")
    func inlineParsing() {
      #expect(InlineValue.parse("{swift} 6 * 7")! == ("6 * 7", nil))
      #expect(InlineValue.parse("{swift} x, format: \"%.1f\"")! == ("x", "%.1f"))
      #expect(InlineValue.parse("{swift} max(a, b)")! == ("max(a, b)", nil))
      #expect(InlineValue.parse("{swift} label(x, format: \"a\\\"b\")")! == ("label(x, format: \"a\\\"b\")", nil))
      #expect(InlineValue.parse("{swift}   ") == nil)
      let (_, d) = NoteReader().read("Empty `{swift} ` value.\n", path: "notes/e.md")
      #expect(d.contains { $0.severity == .error && $0.message.contains("inline value") })
    }
  }
}
