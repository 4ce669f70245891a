import Foundation
import Testing
@testable import LoomKit

@Suite("Tangling")
struct TanglerTests {
  let project = Project(root: URL(fileURLWithPath: "/tmp/project"))

  @Test("Cells are tangled in order behind #sourceLocation lines pointing at the note")
  func sourceLocations() {
    let md = "# T\n\n```swift\nlet a = 1\n```\n\n```swift norun\nnot swift at all\n```\n\n```swift\nprint(a)\n```\n"
    let (note, _) = NoteReader().read(md, path: "notes/01-t.md")
    let main = Tangler(project: project).mainSwift(for: note)
    #expect(main.hasPrefix(Tangler.banner))
    #expect(main.contains("#sourceLocation(file: \"notes/01-t.md\", line: 4)\nlet a = 1\n#sourceLocation()"))
    #expect(main.contains("#sourceLocation(file: \"notes/01-t.md\", line: 12)\nprint(a)\n"))
    #expect(!main.contains("not swift at all"))
    let first = main.range(of: "let a = 1")!.lowerBound
    let second = main.range(of: "print(a)")!.lowerBound
    #expect(first < second)
  }

  @Test("The program carries a fingerprint of its own source; leaving out a cell changes it")
  func buildFingerprint() throws {
    let md = "# T\n\n```swift\nlet a = 1\n```\n\n```swift error\nlet b: Int = \"x\"\n```\n"
    let (note, _) = NoteReader().read(md, path: "notes/01-t.md")
    let tangler = Tangler(project: project)
    let full = try #require(Tangler.buildID(ofMainSwift: tangler.mainSwift(for: note)))
    let again = try #require(Tangler.buildID(ofMainSwift: tangler.mainSwift(for: note)))
    let without = try #require(Tangler.buildID(ofMainSwift: tangler.mainSwift(for: note, excluded: [2])))
    #expect(full == again)
    #expect(full != without)
    #expect(full.count == 16)
  }

  @Test("Target names are Swift identifiers derived from the file name")
  func targetNames() {
    let (note, _) = NoteReader().read("", path: "notes/01-mdps-bellman.md")
    #expect(note.targetName == "Note01MdpsBellman")
  }

  @Test("The generated package has one executable target per note, in Swift 5 mode")
  func package() {
    let (a, _) = NoteReader().read("```swift\nprint(1)\n```", path: "notes/02-b.md")
    let (b, _) = NoteReader().read("```swift\nprint(1)\n```", path: "notes/01-a.md")
    let pkg = Tangler(project: project).packageSwift(for: [a, b])
    #expect(pkg.contains("name: \"Note01A\""))
    #expect(pkg.contains("name: \"Note02B\""))
    #expect(pkg.contains(".package(path: \"../loom-runtime\")"))
    #expect(pkg.contains("package: \"loom-runtime\""))
    // The runtime package holds only what notes link: never the toolchain's dependencies.
    let runtime = Tangler(project: project).runtimePackageSwift()
    #expect(runtime.contains(".target(name: \"NumericCore\""))
    #expect(!runtime.contains("swift-syntax") && !runtime.contains("FlyingFox") && !runtime.contains("ArgumentParser"))
    #expect(pkg.range(of: "Note01A")!.lowerBound < pkg.range(of: "Note02B")!.lowerBound)
  }

  @Test("A note of more than 300 cells compiles with -Onone unless it says optimize: speed; optimize: none is honoured; a bad value is an error")
  func optimization() {
    let cells = (0..<301).map { "```swift\nprint(\($0))\n```\n" }.joined(separator: "\n")
    let long = NoteReader().read(cells, path: "notes/01-long.md").0
    let longFast = NoteReader().read("---\noptimize: speed\n---\n" + cells, path: "notes/02-fast.md").0
    let short = NoteReader().read("```swift\nprint(1)\n```", path: "notes/03-short.md").0
    let shortNone = NoteReader().read("---\noptimize: none\n---\n```swift\nprint(1)\n```", path: "notes/04-none.md").0
    #expect(long.optimization == .none && longFast.optimization == .speed)
    #expect(short.optimization == .speed && shortNone.optimization == .none)
    let pkg = Tangler(project: project).packageSwift(for: [long, longFast, short, shortNone])
    func settings(_ name: String) -> String {
      let start = pkg.range(of: "name: \"\(name)\"")!.upperBound
      let end = pkg[start...].range(of: "),\n")!.lowerBound
      return String(pkg[start..<end])
    }
    #expect(settings("Note01Long").contains("\"-Onone\""))
    #expect(!settings("Note02Fast").contains("-Onone"))
    #expect(!settings("Note03Short").contains("-Onone"))
    #expect(settings("Note04None").contains("\"-Onone\""))
    // Only a non-default optimisation enters the cache key: keys of -O notes stay as they were.
    let shortSpeed = NoteReader().read("---\noptimize: speed\n---\n```swift\nprint(1)\n```", path: "notes/03-short.md").0
    let shortOnone = NoteReader().read("---\noptimize: none\n---\n```swift\nprint(1)\n```", path: "notes/03-short.md").0
    #expect(OutputCache.key(for: short, environment: "e") == OutputCache.key(for: shortSpeed, environment: "e"))
    #expect(OutputCache.key(for: short, environment: "e") != OutputCache.key(for: shortOnone, environment: "e"))
    let bad = NoteReader().read("---\noptimize: fast\n---\n", path: "notes/05-bad.md").1
    #expect(bad.contains { $0.message.contains("'optimize' has a malformed value 'fast' (speed or none)") && $0.location.line == 2 })
  }
}

@Suite("Splitting output per cell")
struct RunnerSplitTests {
  @Test("Text goes to the cell whose marker precedes it, even without a trailing newline")
  func split() {
    let runner = Runner(project: Project(root: URL(fileURLWithPath: "/tmp/p")))
    let m = "\u{1E}LOOM-CELL "
    let stream = "\(m)1\u{1E}\nhello\n\(m)2\u{1E}\nno newline\(m)3\u{1E}\nthree\n"
    let parts = runner.split(Data(stream.utf8))
    #expect(parts[1] == "hello\n")
    #expect(parts[2] == "no newline")
    #expect(parts[3] == "three\n")
    #expect(parts[0] == nil)
  }

  @Test("A huge print is truncated with a notice while it is read, per cell, markers split across reads")
  func truncates() {
    let runner = Runner(project: Project(root: URL(fileURLWithPath: "/tmp/p")))
    let marker = Runner.marker(nonce: "abc")
    let m = String(decoding: marker, as: UTF8.self)
    let stream = Array(("\(m)1\u{1E}\n" + String(repeating: "x", count: 1000) + "\(m)2\u{1E}\nshort\n").utf8)
    for chunkSize in [1, 7, 64, 5000] {
      var capped = ChildProcess.CappedStream(cap: ChildProcess.SegmentCap(marker: marker, limit: 100))
      var i = 0
      while i < stream.count { capped.feed(Data(stream[i..<min(i + chunkSize, stream.count)])); i += chunkSize }
      let kept = capped.finish()
      #expect(kept.count < 400, "memory stays bounded")
      let parts = runner.split(kept, marker: marker)
      #expect(parts[1]?.hasPrefix(String(repeating: "x", count: 100)) == true)
      #expect(parts[1]?.contains("output truncated: 900 more bytes") == true, "chunk \(chunkSize)")
      #expect(parts[2] == "short\n")
    }
  }

  @Test("Text that looks like a marker without the run's nonce stays in its cell")
  func fakeMarker() {
    let runner = Runner(project: Project(root: URL(fileURLWithPath: "/tmp/p")))
    let marker = Runner.marker(nonce: "n0nce")
    let m = String(decoding: marker, as: UTF8.self)
    let stream = "\(m)1\u{1E}\nreal\n\u{1E}LOOM-CELL 2\u{1E}\nfake\n"
    let parts = runner.split(Data(stream.utf8), marker: marker)
    #expect(parts[1] == "real\n\u{1E}LOOM-CELL 2\u{1E}\nfake\n")
    #expect(parts[2] == nil)
  }
}

@Suite("Expected output")
struct ExpectedOutputTests {
  @Test("Exact comparison ignores trailing whitespace only")
  func exact() {
    #expect(Tester.compare(actual: "a \nb\n\n", expected: "a\nb", tolerance: nil) == nil)
    #expect(Tester.compare(actual: "a\nc\n", expected: "a\nb\n", tolerance: nil)?.line == 2)
  }

  @Test("With a tolerance, numbers may differ by that much and no more")
  func tolerance() {
    #expect(Tester.compare(actual: "v = 0.30000000000000004", expected: "v = 0.3", tolerance: 1e-9) == nil)
    #expect(Tester.compare(actual: "v = 0.31", expected: "v = 0.3", tolerance: 1e-3) != nil)
    #expect(Tester.compare(actual: "w = 0.3", expected: "v = 0.3", tolerance: 1e-3) != nil)
  }
}

@Suite("Cache keys")
struct CacheKeyTests {
  @Test("Prose edits do not change the key; code edits do")
  func proseIsNotInTheKey() {
    let a = NoteReader().read("Prose A.\n\n```swift\nprint(1)\n```\n", path: "notes/a.md").0
    let b = NoteReader().read("Prose B, longer.\n\n```swift\nprint(1)\n```\n", path: "notes/a.md").0
    let c = NoteReader().read("Prose A.\n\n```swift\nprint(2)\n```\n", path: "notes/a.md").0
    #expect(OutputCache.key(for: a, environment: "e") == OutputCache.key(for: b, environment: "e"))
    #expect(OutputCache.key(for: a, environment: "e") != OutputCache.key(for: c, environment: "e"))
    #expect(OutputCache.key(for: a, environment: "e") != OutputCache.key(for: a, environment: "f"))
  }

  @Test("Prose that adds lines keeps the key; cached locations move with their cells")
  func proseThatMovesCells() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loom-cache-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let before = NoteReader().read("# T\n\n```swift\nprint(1)\n```\n\n```swift\ncheck(false, \"x\")\n```\n", path: "notes/a.md").0
    let after = NoteReader().read(
      "# T\n\nA new paragraph,\nthree lines\nlong.\n\n```swift\nprint(1)\n```\n\n```swift\ncheck(false, \"x\")\n```\n", path: "notes/a.md"
    ).0
    #expect(OutputCache.key(for: before, environment: "e") == OutputCache.key(for: after, environment: "e"))
    // Cell 2 is at line 7 before (its check at line 8) and at line 11 after.
    let check = SourceLocation(file: "notes/a.md", line: 8), fence = SourceLocation(file: "notes/a.md", line: 7)
    var out = NoteOutputs(status: .crashed, message: "\(check): error: the note's program trapped in cell 2 (\(line: fence))")
    out.cells[2] = CellOutput()
    out.cells[2]!.checks = [CheckOutput(ok: false, message: "x", location: check)]
    // What the program printed is split where it enters; a line of another file is not a place here.
    out.cells[2]!.stderr = LocatedText("notes/a.md:8: Fatal error\nnotes/b.md:8: unrelated\n", placesIn: "notes/a.md")
    out.cells[2]!.error = Diagnostic(.error, "cannot convert", at: check).renderedText(sourceLines: nil)
    out.diagnostics = [Diagnostic(.error, "runtime error in cell 2", at: SourceLocation(file: "notes/a.md", line: 8, column: 1))]
    let cache = OutputCache(directory: dir)
    let key = OutputCache.key(for: before, environment: "e")
    try cache.store(out, for: before, key: key)
    let moved = try #require(cache.lookup(after, key: key))
    #expect(moved.cells[2]?.checks.first?.location?.line == 12)
    #expect(moved.diagnostics.first?.location.line == 12)
    #expect(moved.message?.description == "notes/a.md:12:1: error: the note's program trapped in cell 2 (notes/a.md:11)")
    #expect(moved.cells[2]?.stderr.description == "notes/a.md:12: Fatal error\nnotes/b.md:8: unrelated\n")
    #expect(moved.cells[2]?.error?.description == "notes/a.md:12:1: error: cannot convert")
    // Unmoved, the entry comes back as stored.
    #expect(cache.lookup(before, key: key) == out)
  }

  @Test("LocatedText: places split from text once, printed as they came, moved as values, stored as JSON")
  func locatedText() throws {
    let path = "notes/a.md"
    let cases: [(String, [LoomKit.SourceLocation])] = [
      ("notes/a.md:8: Fatal error", [SourceLocation(file: path, line: 8)]),
      ("at notes/a.md:12:5: error: x (notes/a.md:11)", [SourceLocation(file: path, line: 12, column: 5), SourceLocation(file: path, line: 11)]),
      ("notes/a.md: no line, notes/a.md:x, notes/ab.md:3", []),
      ("see notes/b.md:4 and notes/a.md:", []),
      ("", []),
    ]
    for (text, places) in cases {
      let t = LocatedText(text, placesIn: path)
      #expect(t.description == text)
      #expect(t.places == places, "\(text)")
      let data = try JSONEncoder().encode(t)
      #expect(try JSONDecoder().decode(LocatedText.self, from: data) == t)
    }
    let moved = LocatedText("at notes/a.md:12:5: x (notes/a.md:11)", placesIn: path).movingPlaces {
      var l = $0; l.line += 10; return l
    }
    #expect(moved.description == "at notes/a.md:22:5: x (notes/a.md:21)")
    let loc = SourceLocation(file: path, line: 3, column: 2)
    let built: LocatedText = "\(loc): error: \(42) in \(line: loc)"
    #expect(built.description == "notes/a.md:3:2: error: 42 in notes/a.md:3")
    #expect(built.places == [loc, LoomKit.SourceLocation(file: path, line: 3)])  // a `file:line` place keeps no column
    #expect(built == LocatedText(built.description, placesIn: path))
  }

  @Test("Only compile errors inside the note's cells are cached; a failure outside them is not")
  func compileFailureCaching() {
    let (note, _) = NoteReader().read("# T\n\n```swift\nlet a: Int = \"x\"\n```\n", path: "notes/01-t.md")
    let inCell = NoteOutputs(status: .compileFailed, diagnostics: [Diagnostic(.error, "cannot convert", at: SourceLocation(file: note.path, line: 4))])
    let outside = NoteOutputs(
      status: .compileFailed,
      diagnostics: [Diagnostic(.error, "the note's program failed to build for a reason outside its cells", at: SourceLocation(file: note.path, line: 1))])
    #expect(Pipeline.isCacheableCompileFailure(inCell, note: note))
    #expect(!Pipeline.isCacheableCompileFailure(outside, note: note))
    #expect(!Pipeline.isCacheableCompileFailure(NoteOutputs(status: .compileFailed, message: "not built"), note: note))
  }

  @Test("A damaged cache entry is detected and ignored")
  func damaged() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loom-cache-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let cache = OutputCache(directory: dir)
    let note = NoteReader().read("```swift\nprint(1)\n```\n", path: "notes/a.md").0
    var out = NoteOutputs(status: .ok)
    out.cells[1] = CellOutput()
    out.cells[1]!.stdout = "1\n"
    try cache.store(out, for: note, key: "k")
    #expect(cache.lookup(note, key: "k") == out)
    #expect(cache.lookup(note, key: "other") == nil)
    var text = try String(contentsOf: cache.file(for: note), encoding: .utf8)
    text = text.replacingOccurrences(of: "1\\n", with: "2\\n")
    try text.write(to: cache.file(for: note), atomically: true, encoding: .utf8)
    #expect(cache.lookup(note, key: "k") == nil)
  }
}

@Suite("Watching cells live")
struct CellWatchTests {
  @Test("Markers split across chunks are seen once, in order")
  func chunked() {
    let stream = Array("x\u{1E}LOOM-CELL 12\u{1E}\nhello\u{1E}LOOM-CELL 13\u{1E}\n".utf8)
    for cut in 1..<stream.count {
      let seen = Seen()
      let watch = CellWatch(onCell: { seen.add($0) })
      watch.scan(Data(stream[..<cut]))
      watch.scan(Data(stream[cut...]))
      #expect(seen.cells == [12, 13], "cut at \(cut)")
    }
  }

  final class Seen: @unchecked Sendable {
    var cells: [Int] = []
    func add(_ c: Int) { cells.append(c) }
  }
}

@Suite("One loom process per .loom")
struct DirectoryLockTests {
  @Test("A second process waits, says so, and gets the lock when the first lets go")
  func waitsForTheHolder() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loom-lock-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    guard let flockTool = ["/usr/bin/flock", "/bin/flock"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return }
    // Another process (util-linux flock) holds <dir>/lock for a moment.
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: flockTool)
    holder.arguments = [dir.appendingPathComponent("lock").path, "sleep", "1"]
    try holder.run()
    // Wait until it really holds the lock.
    let probe = open(dir.appendingPathComponent("lock").path, O_RDWR | O_CREAT, 0o644)
    defer { close(probe) }
    var held = false
    for _ in 0..<200 {
      if flock(probe, LOCK_EX | LOCK_NB) == 0 { flock(probe, LOCK_UN); usleep(10_000) } else { held = true; break }
    }
    try #require(held)
    nonisolated(unsafe) var said: [String] = []
    let lock = try DirectoryLock(dir, waiting: { said.append($0) })
    withExtendedLifetime(lock) {}
    holder.waitUntilExit()
    #expect(said.count == 1)
    #expect(said.first?.contains("waiting for another loom process") == true)
  }
}

@Suite("Writing generated sources")
struct GeneratedSourceWriteTests {
  @Test("A source rewritten within a second of its last version gets a time in another second, so a debug build sees it")
  func rewriteMovesToNextSecond() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loom-write-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("main.swift")
    #expect(try FileIO.writeIfChanged("print(1)\n", to: file))
    let first = try #require(FileIO.modificationTime(file))
    // Same content: not written, time kept.
    #expect(try !FileIO.writeIfChanged("print(1)\n", to: file))
    #expect(FileIO.modificationTime(file)?.tv_sec == first.tv_sec && FileIO.modificationTime(file)?.tv_nsec == first.tv_nsec)
    // New content, same size, at once: the next whole second or later.
    for version in 2...4 {
      let before = try #require(FileIO.modificationTime(file))
      #expect(try FileIO.writeIfChanged("print(\(version))\n", to: file))
      let after = try #require(FileIO.modificationTime(file))
      #expect(after.tv_sec > before.tv_sec, "version \(version): \(before.tv_sec) → \(after.tv_sec)")
      #expect(try String(contentsOf: file, encoding: .utf8) == "print(\(version))\n")
    }
  }
}
