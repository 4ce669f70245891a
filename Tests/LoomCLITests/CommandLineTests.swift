import ArgumentParser
import Foundation
import Testing
@testable import LoomCLI

/// The command line, parsed in-process as swift-argument-parser tests its own commands: every
/// command's options, what bad values say, and the exit code they give.
@Suite("loom's command line")
struct CommandLineTests {
  struct Refused: Error {
    var message: String
    var code: Int32
  }

  /// Parses `arguments`; a usage error comes back as its message and exit code.
  func parse(_ arguments: [String]) -> Result<ParsableCommand, Refused> {
    do {
      return .success(try Loom.parseAsRoot(arguments))
    } catch {
      return .failure(Refused(message: Loom.message(for: error), code: Loom.exitCode(for: error).rawValue))
    }
  }

  /// The shared options of a command that runs notes.
  func common(_ command: ParsableCommand) -> RunOptions? {
    switch command {
    case let c as Loom.Check: return c.common
    case let c as Loom.Build: return c.common
    case let c as Loom.Run: return c.common
    case let c as Loom.Weave: return c.common
    case let c as Loom.Test: return c.common
    case let c as Loom.Tangle: return c.common
    case let c as Loom.Serve: return c.common
    default: return nil
    }
  }

  @Test("Every command that runs notes takes the shared options", arguments: ["check", "build", "run", "weave", "test", "tangle", "serve"])
  func sharedOptions(command: String) throws {
    // serve keeps the whole site current: it takes every shared option but note names.
    let notes = command == "serve" ? [] : ["notes/a.md", "notes/b.md"]
    let args =
      [command] + notes + [
        "--no-cache", "--jobs", "3", "--timeout", "90", "--cell-timeout", "30",
        "--memory-limit", "2048", "--quiet", "--loom-dir", ".loom-x", "--reseed", "4", "--timings",
      ]
    let parsed = try parse(args).get()
    let options = try #require(common(parsed))
    #expect(options.notes == notes)
    #expect(options.noCache && options.quiet && options.timings)
    #expect(options.jobs == 3 && options.timeout == 90 && options.cellTimeout == 30 && options.memoryLimit == 2048)
    #expect(options.loomDir == ".loom-x" && options.reseed == 4)
  }

  @Test("Defaults: every note, the cache on, 600 s per note, 16 GiB, reseed 0")
  func defaults() throws {
    let parsed = try #require(try parse(["test"]).get() as? Loom.Test)
    #expect(parsed.common.notes.isEmpty && !parsed.common.noCache && parsed.common.jobs == nil)
    #expect(parsed.common.timeout == 600 && parsed.common.cellTimeout == nil && parsed.common.memoryLimit == 16384 && parsed.common.reseed == 0)
    #expect(!parsed.fix && !parsed.twice)
  }

  @Test(
    "Bad values are usage errors (exit 64) that name the option",
    arguments: [
      (["test", "--jobs", "0"], "--jobs must be at least 1"),
      (["run", "--timeout=-5"], "--timeout must be a positive number of seconds"),
      (["weave", "--cell-timeout", "0"], "--cell-timeout must be a positive number of seconds"),
      (["build", "--memory-limit=-1"], "--memory-limit is in MiB"),
      (["test", "--reseed", "-1"], "reseed"),
      (["serve", "--port", "70000"], "port"),
      (["serve", "notes/a.md"], "takes no note names (to render one note: loom weave notes/a.md)"),
      (["frobnicate"], "frobnicate"),
    ])
  func badValues(arguments: [String], says: String) {
    switch parse(arguments) {
    case .success: Issue.record("\(arguments) parsed")
    case .failure(let refused):
      #expect(refused.message.contains(says), "\(refused.message)")
      #expect(refused.code == 64, "\(arguments): exit \(refused.code)")
    }
  }

  @Test("test --fix --twice, weave --output, serve --port, clean --site --loom-dir")
  func commandOptions() throws {
    let t = try #require(try parse(["test", "--fix", "--twice"]).get() as? Loom.Test)
    #expect(t.fix && t.twice)
    let w = try #require(try parse(["weave", "--output", "/tmp/site-x"]).get() as? Loom.Weave)
    #expect(w.output == "/tmp/site-x")
    let s = try #require(try parse(["serve", "--port", "8123"]).get() as? Loom.Serve)
    #expect(s.port == 8123)
    let c = try #require(try parse(["clean", "--site", "--loom-dir", ".loom-9"]).get() as? Loom.Clean)
    #expect(c.site && c.loomDir == ".loom-9")
    #expect(try parse(["doctor"]).get() is Loom.Doctor)
  }

  @Test("--version prints what is pinned, and exits 0")
  func version() {
    switch parse(["--version"]) {
    case .success: Issue.record("--version parsed as a command")
    case .failure(let refused):
      #expect(refused.message.contains("OPENBLAS_CORETYPE=") && refused.message.hasPrefix("loom "))
      #expect(refused.code == 0)
    }
  }
}
