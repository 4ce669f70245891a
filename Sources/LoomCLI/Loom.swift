import ArgumentParser
import Foundation
import LoomKit

/// The `loom` command line. `Sources/loom/main.swift` only calls `LoomCLI.main()`; the commands
/// live here so that `Tests/LoomCLITests` can parse and run them in-process.
public enum LoomCLI {
  public static func main() async { await Loom.main() }
}

struct Loom: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "loom",
    abstract: "Literate Swift notebooks: Markdown notes in, tested programs and an HTML site out.",
    discussion: """
      Notes are Markdown files under notes/ whose ```swift blocks are cells. With no note named,
      a command works on every note. Diagnostics are printed as file:line:col: error: … on stderr,
      and the exit status is 0 only when everything asked for succeeded.
      """,
    version: Doctor.versionText,
    subcommands: [Check.self, Tangle.self, Build.self, Run.self, Weave.self, Test.self, Serve.self, Clean.self, Doctor.self])
}

/// Options every command that runs notes shares.
struct RunOptions: ParsableArguments {
  @Argument(help: "Notes to work on (default: every notes/*.md).")
  var notes: [String] = []

  @Flag(name: .customLong("no-cache"), help: "Rebuild and re-run even when the note's code is unchanged.")
  var noCache = false

  @Option(name: .shortAndLong, help: "Notes to run at the same time (default: number of cores).")
  var jobs: Int?

  @Option(help: "Wall-clock limit per note, in seconds (front matter 'timeout:' overrides).")
  var timeout: Double = 600

  @Option(name: .customLong("cell-timeout"), help: "Wall-clock limit per cell, in seconds (cell option timeout= overrides).")
  var cellTimeout: Double?

  @Option(name: .customLong("memory-limit"), help: "Address-space limit per note, in MiB (0: none).")
  var memoryLimit: Int = 16384

  @Flag(help: "Print the slowest cells with their Markdown lines after the run.")
  var timings = false
  @Flag(name: .shortAndLong, help: "Only print problems.")
  var quiet = false

  @Option(name: .customLong("loom-dir"), help: "Folder for the generated package, build products and cache (default: .loom).")
  var loomDir: String?

  @Option(
    help: ArgumentHelp(
      "Shift every random stream of every note by N (0: the default run). A claim that holds at one N and not at another is not a result.", valueName: "N"))
  var reseed: UInt64 = 0

  func validate() throws {
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1 (it is \(jobs))") }
    guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds (it is \(timeout))") }
    if let cellTimeout, !(cellTimeout > 0 && cellTimeout.isFinite) {
      throw ValidationError("--cell-timeout must be a positive number of seconds (it is \(cellTimeout))")
    }
    if memoryLimit < 0 { throw ValidationError("--memory-limit is in MiB, 0 for none (it is \(memoryLimit))") }
  }

  func pipeline() throws -> Pipeline {
    // Ctrl-C or a kill of loom stops the notes and builds it started, instead of leaving them running.
    ChildProcess.stopChildrenOnInterrupt()
    var options = Pipeline.Options()
    options.useCache = !noCache
    if let jobs { options.jobs = jobs }
    options.noteTimeout = timeout
    options.cellTimeout = cellTimeout
    options.memoryLimitMB = memoryLimit
    options.reseed = reseed
    var project = try Project.discover()
    if let loomDir { project.loomDirectory = URL(fileURLWithPath: loomDir).standardizedFileURL }
    return Pipeline(project: project, options: options, console: Console(quiet: quiet))
  }
}

extension Loom {
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Read the notes and check them without building: options, front matter, math, cross-references, citations.",
      discussion: "Seconds, not minutes: what an editor's save hook can run. Exits 1 if any note has an error.")
    @OptionGroup var common: RunOptions

    func run() throws {
      let p = try common.pipeline()
      var items = try p.read(try p.project.noteFiles(common.notes))
      _ = p.link(&items)
      let errors = items.flatMap(\.readDiagnostics).filter { $0.severity == .error }.count
      p.console.line("checked \(items.count) note\(items.count == 1 ? "" : "s"): \(errors == 0 ? "no errors" : "\(errors) error\(errors == 1 ? "" : "s")")")
      if errors > 0 { throw ExitCode.failure }
    }
  }

  struct Tangle: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write the generated SwiftPM package for the notes under .loom/build.")
    @OptionGroup var common: RunOptions

    func run() throws {
      let p = try common.pipeline()
      let items = try p.read(try p.project.noteFiles(common.notes))
      let dir = try p.tangle(items)
      print(p.project.relativePath(dir))
      if items.contains(where: \.hasReadErrors) { throw ExitCode.failure }
    }
  }

  struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Tangle and build the notes (release), reporting compile errors at Markdown lines.")
    @OptionGroup var common: RunOptions

    func run() throws {
      let p = try common.pipeline()
      var items = try p.read(try p.project.noteFiles(common.notes))
      let report = try p.build(&items)
      if items.contains(where: \.hasReadErrors) || !report.failed.isEmpty { throw ExitCode.failure }
    }
  }

  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Tangle, build and run the notes; print each cell's output.")
    @OptionGroup var common: RunOptions

    func run() throws {
      let p = try common.pipeline()
      var items = try p.read(try p.project.noteFiles(common.notes))
      try p.execute(&items)
      if common.timings { p.printSlowestCells(items) }
      for item in items {
        guard let out = item.outputs else { continue }
        for cell in item.note.cells {
          guard let c = out.cells[cell.index] else { continue }
          print("── \(item.note.path):\(cell.fenceLine) [cell \(cell.index)] ──")
          if !c.stdout.isEmpty { print(c.stdout, terminator: c.stdout.hasSuffix("\n") ? "" : "\n") }
          if !c.stderr.isEmpty { FileHandle.standardError.write(Data(c.stderr.description.utf8)) }
          for f in c.figures { print("[figure: \(f.caption ?? "SVG, \(f.svg.utf8.count) bytes")]") }
          for k in c.checks { print("\(k.ok ? "✓" : "✗") \(k.message)") }
          if let e = c.error { print("error: \(e)") }
        }
      }
      if items.contains(where: { $0.hasReadErrors || ($0.outputs.map { $0.status != .ok } ?? false) }) { throw ExitCode.failure }
    }
  }

  struct Weave: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run the notes (through the cache) and write the HTML site to site/.",
      discussion: "A note that fails still gets its page, with the error after the cell it belongs to; the other pages are unaffected.")
    @OptionGroup var common: RunOptions
    @Option(help: "Folder to write the site to.") var output: String?

    func run() throws {
      var p = try common.pipeline()
      if let output {
        // Only the site folder changes: --loom-dir and every other setting are kept.
        var project = p.project
        project.siteDirectory = URL(fileURLWithPath: output).standardizedFileURL
        p = Pipeline(project: project, options: p.options, console: p.console)
      }
      let start = Date()
      let named = common.notes.isEmpty ? nil : try p.project.noteFiles(common.notes)
      let (_, selected, written) = try p.weaveSite(named: named)
      if common.timings { p.printSlowestCells(selected) }
      p.console.line(
        String(format: "wove %d pages into %@ in %.1f s", written, p.project.relativePath(p.project.siteDirectory), Date().timeIntervalSince(start)))
      if selected.contains(where: { $0.hasReadErrors || ($0.outputs.map { $0.status != .ok || $0.checks.contains { !$0.ok } } ?? false) }) {
        throw ExitCode.failure
      }
    }
  }

  struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run every note as a test: cells must compile and run, checks must pass, ```output blocks must match.",
      discussion: "Ends with a summary line 'N passed, N failed'.")
    @OptionGroup var common: RunOptions
    @Flag(help: "Rewrite ```output blocks that differ with the actual output (atomically; the only time loom writes a note).")
    var fix = false
    @Flag(help: "Run each note twice (no cache) and fail on any cell whose output differs between the runs (cells marked volatile are not compared).")
    var twice = false

    func run() throws {
      let p = try common.pipeline()
      let files = try p.project.noteFiles(common.notes)
      let originals = try files.map { try String(contentsOf: $0, encoding: .utf8) }
      var items = try p.read(files)
      if twice { p.options.useCache = false }
      try p.execute(&items)
      if common.timings { p.printSlowestCells(items) }
      var summary = Tester().evaluate(items)
      if twice {
        var second = try p.read(files)
        try p.execute(&second)
        Tester().compareRuns(items, second, into: &summary)
      }
      if fix {
        for (i, item) in items.enumerated() {
          guard let out = item.outputs, out.status == .ok else { continue }
          if try OutputFixer().fix(files[i], original: originals[i], note: item.note, outputs: out) {
            p.console.line("\(item.note.path): recorded new expected output")
          }
        }
      }
      for f in summary.failures where f.kind == .outputDiffers || f.kind == .nondeterministic { p.console.error(f.description) }
      print("loom test: \(summary.breakdown)")
      print(summary.line)
      // With --fix, differing outputs were just recorded; anything else still fails.
      let remaining = fix ? summary.failures.filter { $0.kind != .outputDiffers }.count : summary.failed
      if remaining > 0 { throw ExitCode.failure }
    }
  }

  struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print what Loom pins in every note's arithmetic, and whether this machine reproduces it.")

    static var versionText: String {
      "loom 0.3 — notes run with " + ArithmeticPin.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    func run() throws {
      let cpu = ArithmeticPin.cpu()
      print(Self.versionText)
      print("")
      print("pinned in every note's environment (whatever the caller's environment says):")
      for (k, v) in ArithmeticPin.environment.sorted(by: { $0.key < $1.key }) { print("  \(k)=\(v)") }
      print("  removed: " + ArithmeticPin.removedPrefixes.map { $0.hasSuffix("_") ? $0 + "*" : $0 }.joined(separator: ", "))
      print("  compiled for the baseline \(ArithmeticPin.architecture) target (no -march), no FMA contraction, no threads in NumericCore")
      print("")
      print("this machine:")
      print("  cpu:      \(cpu.model)")
      print("  features: avx2 \(cpu.hasAVX2 ? "yes" : "no"), fma \(cpu.hasFMA ? "yes" : "no"), avx512f \(cpu.hasAVX512 ? "yes" : "no")")
      print("  openblas: \(ArithmeticPin.openBLASLibrary ?? "not found (make installs libopenblas-dev)")")
      print("  glibc:    \(ArithmeticPin.glibcVersion)")
      print("")
      if cpu.reproducesPin {
        print("reproducible: yes — notes here compute the same bits as on any x86-64 machine with AVX2 and FMA")
        print("that has the same OpenBLAS, glibc and Swift toolchain (all three are part of every cache key).")
      } else {
        print("reproducible: NO — the pinned OpenBLAS kernel (\(ArithmeticPin.blasCore)) needs x86-64 with AVX2 and FMA.")
        print("Notes still run, but their numbers may differ in the last bits from other machines', and a")
        print("chaotic run (RL) can amplify that into different curves. Each note's page says so.")
      }
    }
  }

  struct Clean: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove .loom/ (generated package, build products, cache).")
    @Flag(help: "Also remove the woven site/.") var site = false
    @Option(name: .customLong("loom-dir"), help: "The build folder to remove (default: .loom).") var loomDir: String?

    func run() throws {
      var project = try Project.discover()
      if let loomDir { project.loomDirectory = URL(fileURLWithPath: loomDir).standardizedFileURL }
      try? FileManager.default.removeItem(at: project.loomDirectory)
      if site { try? FileManager.default.removeItem(at: project.siteDirectory) }
    }
  }
}

extension Loom {
  struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Serve site/ on http://127.0.0.1:PORT, re-weaving on save; open pages reload themselves.")
    @OptionGroup var common: RunOptions
    @Option(help: "Port to listen on (127.0.0.1 only).") var port: UInt16 = 8000

    func validate() throws {
      // The server keeps the whole site current; it does not narrow to some notes.
      if !common.notes.isEmpty {
        throw ValidationError("loom serve works on every note of the project and takes no note names (to render one note: loom weave \(common.notes[0]))")
      }
    }

    func run() async throws {
      let server = Server(pipeline: try common.pipeline(), port: port)
      try await server.run()
    }
  }
}
