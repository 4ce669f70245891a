import Foundation

/// The whole pipeline — read → tangle → build → run → (cache) → weave — as the CLI drives it.
///
/// ```swift
/// let loom = Pipeline(project: try Project.discover())
/// let report = try loom.weave(try loom.project.noteFiles([]))
/// ```
public final class Pipeline: @unchecked Sendable {
  public let project: Project
  public var options: Options
  public var console: Console

  public struct Options: Sendable {
    /// Ignore cached outputs (but still store fresh ones).
    public var useCache = true
    /// Notes run at the same time.
    public var jobs = ProcessInfo.processInfo.activeProcessorCount
    /// Default per-note wall-clock limit, seconds.
    public var noteTimeout: Double = 600
    /// Default per-cell wall-clock limit, seconds (nil: only the note's limit applies).
    public var cellTimeout: Double? = nil
    /// Memory limit per note, MiB.
    public var memoryLimitMB = 16384
    /// SwiftPM configuration for notes: release (the default: notes train models) or debug.
    public var configuration = "release"
    /// Shifts every random stream of every note (`--reseed N`); 0 is the default run.
    public var reseed: UInt64 = 0
    public init() {}
  }

  /// `loom serve` keeps the libraries' digest between re-weaves and drops it when a library
  /// source changes, so a prose edit does not hash every library file again.
  var keepEnvironment = false
  var cachedEnvironment: String?

  public init(project: Project, options: Options = Options(), console: Console = Console()) {
    self.project = project
    self.options = options
    self.console = console
  }

  /// One note after reading, with everything we learned about it.
  public struct Item: Sendable {
    public var note: Note
    public var readDiagnostics: [Diagnostic]
    public var outputs: NoteOutputs?
    public var cached = false
    public var hasReadErrors: Bool { readDiagnostics.contains { $0.severity == .error } }
  }

  // MARK: - Stages

  /// Reads notes; problems come back as diagnostics attached to each note (and are printed).
  public func read(_ urls: [URL]) throws -> [Item] {
    try urls.map { url in
      let (text, invalid) = try FileIO.readNote(url)
      let path = project.relativePath(url)
      var (note, diagnostics) = NoteReader().read(text, path: path)
      if let invalid {
        diagnostics.insert(
          Diagnostic(
            .error, "this byte is not valid UTF-8; save the note as UTF-8 (it is shown here as \u{FFFD})",
            at: SourceLocation(file: path, line: invalid.line, column: invalid.column)), at: 0)
      }
      for d in diagnostics { console.diagnostic(d, lines: note.lines) }
      return Item(note: note, readDiagnostics: diagnostics)
    }
  }

  /// Writes the generated package for the notes that have code and no read errors.
  @discardableResult
  public func tangle(_ items: [Item]) throws -> URL {
    let notes = items.filter { !$0.hasReadErrors && Self.hasCode($0.note) }.map(\.note)
    return try Tangler(project: project).write(notes, all: items.map(\.note))
  }

  public static func hasCode(_ note: Note) -> Bool { note.cells.contains { !$0.options.norun } }

  /// Checks how notes import each other (modules, cycles); problems become read errors of the
  /// notes they belong to.
  public func link(_ items: inout [Item]) -> NoteGraph {
    // Two notes whose names map to one build target would make SwiftPM reject the whole package:
    // an error on both, before anything is built, and the other notes go on.
    var byTarget: [String: [Int]] = [:]
    for i in items.indices where Self.hasCode(items[i].note) { byTarget[items[i].note.targetName, default: []].append(i) }
    for (target, indices) in byTarget.sorted(by: { $0.key < $1.key }) where indices.count > 1 {
      for i in indices {
        let others = indices.filter { $0 != i }.map { items[$0].note.path }.joined(separator: ", ")
        let d = Diagnostic(
          .error,
          "this note and \(others) both become the build target '\(target)' (target names keep only the ASCII letters and digits of the file name); rename one of them",
          at: SourceLocation(file: items[i].note.path, line: 1))
        items[i].readDiagnostics.append(d)
        console.diagnostic(d, lines: items[i].note.lines)
      }
    }
    for i in items.indices {
      guard let problem = Site.pageNameProblem(items[i].note) else { continue }
      let d = Diagnostic(.error, problem, at: SourceLocation(file: items[i].note.path, line: 1))
      items[i].readDiagnostics.append(d)
      console.diagnostic(d, lines: items[i].note.lines)
    }
    checkReferences(&items)
    let graph = NoteGraph(items.filter { !$0.hasReadErrors }.map(\.note))
    for d in graph.diagnostics {
      guard let i = items.firstIndex(where: { $0.note.path == d.location.file }) else { continue }
      items[i].readDiagnostics.append(d)
      console.diagnostic(d, lines: items[i].note.lines)
    }
    // A note whose dependency has errors cannot be built either.
    var changed = true
    while changed {
      changed = false
      for i in items.indices where !items[i].hasReadErrors {
        for dep in graph.transitiveDependencies(of: items[i].note.path) {
          if let j = items.firstIndex(where: { $0.note.path == dep }), items[j].hasReadErrors {
            items[i].readDiagnostics.append(
              Diagnostic(.error, "it imports the module of \(dep), which has errors", at: SourceLocation(file: items[i].note.path, line: 1)))
            changed = true
            break
          }
        }
      }
    }
    return graph
  }

  /// The `count` slowest cells of `items` (as their runs recorded them, cached or not), slowest
  /// first: `notes/06-ppo.md:692  41.2 s  cell 23`.
  public static func slowestCells(_ items: [Item], count: Int = 10) -> [String] {
    var cells: [(Double, String, Int, Int)] = []
    for item in items {
      for cell in item.note.cells {
        if let s = item.outputs?.cells[cell.index]?.seconds { cells.append((s, item.note.path, cell.fenceLine, cell.index)) }
      }
    }
    return cells.sorted { ($0.0, $1.1, $1.2) > ($1.0, $0.1, $0.2) }.prefix(count).map { s, path, line, index in
      String(format: "%@:%d  %.1f s  cell %d", path, line, s, index)
    }
  }

  public func printSlowestCells(_ items: [Item], count: Int = 10) {
    console.line("slowest cells:")
    for line in Self.slowestCells(items, count: count) { console.line("  " + line) }
  }

  /// Every note of the series (those in `items`, and the others under notes/, read for their
  /// labels) and the bibliography, with the bibliography's own problems.
  public func crossReferences(_ items: [Item]) -> (CrossReferences, [Diagnostic]) {
    var notes = items.map(\.note)
    let have = Set(notes.map(\.path))
    for url in (try? project.noteFiles([])) ?? [] where !have.contains(project.relativePath(url)) {
      if let (text, _) = try? FileIO.readNote(url) { notes.append(NoteReader().read(text, path: project.relativePath(url)).0) }
    }
    let bibURL = project.notesDirectory.appendingPathComponent("references.bib")
    let bibPath = project.relativePath(bibURL)
    guard let text = try? String(contentsOf: bibURL, encoding: .utf8) else {
      return (CrossReferences(notes: notes, bibliography: Bibliography(path: bibPath)), [])
    }
    let (bibliography, problems) = Bibliography.parse(text, path: bibPath)
    return (CrossReferences(notes: notes, bibliography: bibliography), problems)
  }

  /// Unknown or duplicate labels, unknown citation keys and links to missing anchors are errors at
  /// their lines (so the note does not run); the bibliography's problems are errors of each note that cites.
  func checkReferences(_ items: inout [Item]) {
    guard items.contains(where: { !$0.note.references.isEmpty || !$0.note.labels.isEmpty || !$0.note.noteLinks.isEmpty }) else { return }
    let (index, bibProblems) = crossReferences(items)
    for d in bibProblems { console.diagnostic(d, lines: []) }
    for i in items.indices {
      var ds = index.diagnostics(for: items[i].note)
      let cites = items[i].note.references.contains { if case .citation = $0.target { return true } else { return false } }
      if cites { ds += bibProblems }
      for d in ds where d.location.file == items[i].note.path { console.diagnostic(d, lines: items[i].note.lines) }
      items[i].readDiagnostics += ds
    }
  }

  /// What `loom build` reports: per note with code, the compile errors that are the note's (errors
  /// in cells marked `error` are expected and left out, as when the notes run).
  public struct BuildReport: Sendable {
    public var errors: [String: [Diagnostic]] = [:]
    /// Notes whose program was not built (their errors, or a failure outside their cells).
    public var failed: [String] = []
    /// The compiler's warnings about cells, by note path (they never fail the build).
    public var warnings: [String: [Diagnostic]] = [:]
    public var unattributed = ""
  }

  /// Tangles and builds the notes without running them, under the same lock and with the same
  /// handling of `error` cells as `execute`.
  public func build(_ items: inout [Item]) throws -> BuildReport {
    let lock = try DirectoryLock(project.loomDirectory, waiting: { [console] in console.line($0) })
    defer { withExtendedLifetime(lock) {} }
    _ = link(&items)
    let notes = items.filter { !$0.hasReadErrors && Self.hasCode($0.note) }.map(\.note)
    var report = BuildReport()
    guard !notes.isEmpty else { return report }
    console.line("building \(notes.count) note\(notes.count == 1 ? "" : "s") (swift build -c \(options.configuration))…")
    var session = BuildSession(pipeline: self, notes: notes, all: items.filter { !$0.hasReadErrors }.map(\.note))
    let result = try session.build(notes)
    report.warnings = reportWarnings(result, notes: notes)
    report.unattributed = result.unattributed
    for note in notes {
      let errors = result.diagnostics[note.path] ?? []
      if !errors.isEmpty { report.errors[note.path] = errors }
      for d in errors { console.diagnostic(d, lines: note.lines) }
      if !errors.isEmpty || !result.built.contains(note.targetName) { report.failed.append(note.path) }
    }
    if !result.unattributed.isEmpty { console.error(result.unattributed) }
    return report
  }

  /// Brings every item's outputs up to date: cached when the key matches, else tangled, built and run.
  /// The stages, in order: link → plan (cache hits, keys of the rest) → build → run (rebuilding
  /// past `error` cells that trapped at file scope) → record what may be cached.
  public func execute(_ items: inout [Item]) throws {
    // One loom process at a time per .loom/: another would rewrite the generated package mid-build.
    let lock = try DirectoryLock(project.loomDirectory, waiting: { [console] in console.line($0) })
    defer { withExtendedLifetime(lock) {} }
    let graph = link(&items)
    let cache = OutputCache(directory: project.cacheDirectory(reseed: options.reseed))
    let plan = planRuns(&items, graph: graph, cache: cache)
    guard !plan.toRun.isEmpty else { return }
    var session = BuildSession(
      pipeline: self, notes: plan.toRun.map { items[$0].note },
      all: items.filter { !$0.hasReadErrors }.map(\.note))
    console.line("building \(session.notes.count) note\(session.notes.count == 1 ? "" : "s") (swift build -c \(options.configuration))…")
    let buildStart = Date()
    let built = try session.build(session.notes)
    console.line(String(format: "build finished in %.1f s", Date().timeIntervalSince(buildStart)))
    if !built.unattributed.isEmpty { console.error(built.unattributed) }
    reportWarnings(built, notes: session.notes)
    try runAll(runnable(plan.toRun, built, &items), &items, session: &session, plan: plan, cache: cache)
    recordCompileFailures(plan, items, cache: cache)
  }

  /// Prints the compiler's warnings about the notes' cells, at their Markdown lines, once each, and
  /// returns them by note. They never fail a build; a note's warnings show when it is built, not
  /// when its outputs come from the cache.
  @discardableResult
  func reportWarnings(_ built: Builder.Result, notes: [Note]) -> [String: [Diagnostic]] {
    var shown: [String: [Diagnostic]] = [:]
    for note in notes {
      // A cell marked `error` is there to fail; what else the compiler says about it is noise.
      let errorCells = note.cells.filter(\.options.expectError)
      for d in built.warnings[note.path] ?? [] where !errorCells.contains(where: { Self.contains($0, line: d.location.line) }) {
        console.diagnostic(d, lines: note.lines)
        shown[note.path, default: []].append(d)
      }
    }
    return shown
  }

  /// Which notes must run, and the cache key of each: the others get their cached outputs here.
  struct RunPlan {
    var toRun: [Int] = []
    var keys: [Int: String] = [:]
  }

  func planRuns(_ items: inout [Item], graph: NoteGraph, cache: OutputCache) -> RunPlan {
    let environment = cachedEnvironment ?? CacheKeys.environment(project: project)
    if keepEnvironment { cachedEnvironment = environment }
    var plan = RunPlan()
    for i in items.indices {
      let note = items[i].note
      if items[i].hasReadErrors {
        items[i].outputs = NoteOutputs(status: .notRun, message: "\(note.path): the note has errors; fix them to run it")
        continue
      }
      if !Self.hasCode(note) { continue }  // nothing to run (e.g. the index)
      // The key covers the export cells of every note this one imports, transitively, so an edit
      // to an export re-runs exactly the notes downstream of it.
      let upstream = graph.transitiveDependencies(of: note.path).compactMap { path in items.first { $0.note.path == path }?.note }
      let key = cacheKey(note, upstream: upstream, environment: environment)
      plan.keys[i] = key
      if options.useCache, let cached = cache.lookup(note, key: key) {
        items[i].outputs = cached
        items[i].cached = true
        console.status(note.slug, "cached — code unchanged, not rebuilt or re-run")
        report(cached, note: note)
        continue
      }
      if !upstream.isEmpty, cache.hasEntry(for: note) {
        console.status(note.slug, "re-running: it imports \(upstream.map(\.slug).joined(separator: ", ")), whose code or exports changed")
      }
      plan.toRun.append(i)
    }
    return plan
  }

  func cacheKey(_ note: Note, upstream: [Note], environment: String) -> String {
    OutputCache.key(for: note, environment: environment, upstream: upstream, reseed: options.reseed, memoryLimitMB: options.memoryLimitMB)
  }

  /// Gives each note with code its cached outputs, if its code is unchanged since they were made;
  /// nothing is built or run, nothing is printed. `weave` of named notes uses it for the other pages.
  public func loadCached(_ items: inout [Item]) {
    let graph = NoteGraph(items.filter { !$0.hasReadErrors }.map(\.note))
    let cache = OutputCache(directory: project.cacheDirectory(reseed: options.reseed))
    let environment = cachedEnvironment ?? CacheKeys.environment(project: project)
    if keepEnvironment { cachedEnvironment = environment }
    for i in items.indices where !items[i].hasReadErrors && Self.hasCode(items[i].note) {
      let upstream = graph.transitiveDependencies(of: items[i].note.path).compactMap { path in items.first { $0.note.path == path }?.note }
      if let cached = cache.lookup(items[i].note, key: cacheKey(items[i].note, upstream: upstream, environment: environment)) {
        items[i].outputs = cached
        items[i].cached = true
      }
    }
  }

  /// The generated package as one run builds it: what is written, what `error` cells left out.
  struct BuildSession {
    let tangler: Tangler
    var builder: Builder
    /// The notes that run (the package holds these); `all` is every readable note (for imports).
    let notes: [Note]
    let all: [Note]
    var plan = Tangler.Plan()
    /// What each `error` cell showed when it failed as expected, by note: its compile error, or the
    /// trap of a cell that had to be left out of the program to get past it.
    var expected: [String: [Int: CellOutput]] = [:]
    /// The compiler's warnings so far, by note (an `error` cell that compiled may have been warned
    /// about: in Swift 5 mode some of Swift 6's errors are warnings).
    var warnings: [String: [Diagnostic]] = [:]
    let pipeline: Pipeline

    init(pipeline: Pipeline, notes: [Note], all: [Note]) {
      self.pipeline = pipeline
      self.notes = notes
      self.all = all
      tangler = Tangler(project: pipeline.project)
      builder = Builder(project: pipeline.project)
      builder.configuration = pipeline.options.configuration
      builder.onNotice = { [console = pipeline.console] in console.line($0) }
    }

    mutating func build(_ these: [Note]) throws -> Builder.Result {
      let result = try pipeline.buildExpectingErrors(
        these, writing: notes, all: all, tangler: tangler, builder: builder, plan: &plan, expected: &expected)
      for (path, ws) in result.warnings { warnings[path] = Builder.dedupe((warnings[path] ?? []) + ws) }
      return result
    }
  }

  /// The notes among `indices` that built; the others get their compile errors as outputs.
  func runnable(_ indices: [Int], _ built: Builder.Result, _ items: inout [Item]) -> [Int] {
    indices.filter { i in
      let note = items[i].note
      if let ds = built.diagnostics[note.path], !ds.isEmpty {
        let out = NoteOutputs(
          status: .compileFailed, diagnostics: ds,
          message: "\(note.path): error: the note did not compile (\(ds.count) error\(ds.count == 1 ? "" : "s"))")
        items[i].outputs = out
        console.status(note.slug, "did not compile")
        report(out, note: note)
        return false
      }
      if built.built.contains(note.targetName) { return true }
      items[i].outputs = NoteOutputs(status: .compileFailed, message: "\(note.path): error: the note's program was not built")
      return false
    }
  }

  /// Runs up to `jobs` notes at a time. A note whose `error` cell trapped at file scope (it
  /// declares something, so it cannot be skipped at run time) is rebuilt without that cell and run
  /// again; the others are done, and their outputs recorded.
  func runAll(_ first: [Int], _ items: inout [Item], session: inout BuildSession, plan: RunPlan, cache: OutputCache) throws {
    var runner = Runner(project: project)
    runner.noteTimeout = options.noteTimeout
    runner.cellTimeout = options.cellTimeout
    runner.memoryLimitMB = options.memoryLimitMB
    runner.reseed = options.reseed
    var pending = first
    var rebuiltStale: Set<Int> = []
    while !pending.isEmpty {
      let results = run(
        pending, items: items, runner: runner, builder: session.builder, tangler: session.tangler, expected: session.expected,
        warnings: session.warnings)
      var again: [Int] = []
      for i in pending {
        let note = items[i].note
        switch results.get(i) {
        case .success(let r)?:
          switch Self.nextStep(after: r, rebuiltFromSources: rebuiltStale.contains(i)) {
          case .rebuildWithout(let cell, let output):
            session.expected[note.path, default: [:]][cell] = output
            session.plan.excludedCells[note.path, default: []].insert(cell)
            again.append(i)
          case .rebuildFromSources:
            console.line("\(note.slug): its executable was stale; building it again from its sources")
            rebuiltStale.insert(i)
            session.builder.forgetBuild(of: note)
            again.append(i)
          case .finish:
            finish(&items[i], r.outputs, key: plan.keys[i], cache: cache)
          }
        case .failure(let error)?:
          items[i].outputs = NoteOutputs(status: .crashed, message: "\(note.path): error: \(error)")
          console.error("\(note.path): error: \(error)")
        case nil:
          break
        }
      }
      guard !again.isEmpty else { break }
      console.line("rebuilding \(again.count) note\(again.count == 1 ? "" : "s")…")
      let rebuilt = try session.build(again.map { items[$0].note })
      if !rebuilt.unattributed.isEmpty { console.error(rebuilt.unattributed) }
      pending = runnable(again, rebuilt, &items)
    }
  }

  /// A compile error inside the note's own cells is deterministic for its key: cache it so an
  /// unchanged broken note is not rebuilt. A failure outside its cells (a library that did not
  /// build, perhaps edited mid-build; a linker error) is not the note's: never cache it.
  func recordCompileFailures(_ plan: RunPlan, _ items: [Item], cache: OutputCache) {
    for i in plan.toRun where items[i].outputs?.status == .compileFailed {
      guard let key = plan.keys[i], let out = items[i].outputs, Self.isCacheableCompileFailure(out, note: items[i].note) else { continue }
      try? cache.store(out, for: items[i].note, key: key)
    }
  }

  /// Builds `notes` (after writing the package for `writing`). Compile errors in cells marked
  /// `error` are those cells' expected output: the cells are left out and the notes built again —
  /// and again, since a later compiler phase (overflow, ownership, escaping closures) only speaks
  /// once the file type-checks — until no new error falls in an `error` cell. What errors are left
  /// then are the note's. Each `error` cell is left out at most once, so this ends.
  func buildExpectingErrors(
    _ notes: [Note], writing: [Note], all: [Note], tangler: Tangler, builder: Builder,
    plan: inout Tangler.Plan, expected: inout [String: [Int: CellOutput]]
  ) throws -> Builder.Result {
    try tangler.write(writing, all: all, plan: plan)
    var result = try builder.build(notes)
    var round = notes
    while true {
      var again: [Note] = []
      for note in round {
        guard let ds = result.diagnostics[note.path], !ds.isEmpty else { continue }
        let excluded = plan.excludedCells[note.path] ?? []
        var inErrorCells: [Int: [Diagnostic]] = [:]
        for d in ds {
          if let cell = note.cells.first(where: { $0.options.expectError && !excluded.contains($0.index) && Self.contains($0, line: d.location.line) }) {
            inErrorCells[cell.index, default: []].append(d)
          }
        }
        // Errors elsewhere may be consequences of an `error` cell (a use of a name it declared
        // again is "ambiguous"): they are judged by the build without it.
        guard !inErrorCells.isEmpty else { continue }
        for (index, errors) in inErrorCells {
          var c = CellOutput()
          c.error = errors.map { $0.renderedText(sourceLines: note.lines) }.reduce(LocatedText()) { $0.isEmpty ? $1 : $0 + "\n" + $1 }
          c.expectedFailure = true
          expected[note.path, default: [:]][index] = c
        }
        plan.excludedCells[note.path, default: []].formUnion(inErrorCells.keys)
        again.append(note)
      }
      guard !again.isEmpty else { return result }
      try tangler.write(writing, all: all, plan: plan)
      let next = try builder.build(again)
      for (path, ws) in next.warnings { result.warnings[path] = Builder.dedupe((result.warnings[path] ?? []) + ws) }
      for note in again {
        result.diagnostics[note.path] = next.diagnostics[note.path]
        if next.built.contains(note.targetName) { result.built.insert(note.targetName) }
      }
      round = again
    }
  }

  /// Runs the notes at `indices` of `items`, up to `jobs` at a time.
  func run(
    _ indices: [Int], items: [Item], runner: Runner, builder: Builder, tangler: Tangler,
    expected: [String: [Int: CellOutput]], warnings: [String: [Diagnostic]] = [:]
  ) -> ResultBox {
    let results = ResultBox(count: items.count)
    let queue = OperationQueue()
    queue.maxConcurrentOperationCount = max(1, options.jobs)
    let console = self.console
    for i in indices {
      let note = items[i].note
      let exe = builder.executable(for: note)
      let known = expected[note.path] ?? [:]
      let warned = warnings[note.path] ?? []
      let build = (try? String(contentsOf: tangler.mainSwiftURL(for: note), encoding: .utf8)).flatMap(Tangler.buildID(ofMainSwift:))
      queue.addOperation {
        let total = note.cells.count
        if !console.isTerminal { console.status(note.slug, "running \(note.cells.filter { !$0.options.norun }.count) cells…") }
        console.progress(note.slug, "starting")
        defer { console.progress(note.slug, nil) }
        do {
          let r = try Self.runExpectingErrors(
            note, executable: exe, runner: runner, expected: known, expectedBuild: build, warnings: warned,
            onCell: { console.progress(note.slug, "cell \($0)/\(total)") })
          results.set(i, .success(r))
        } catch {
          results.set(i, .failure(error))
        }
      }
    }
    queue.waitUntilAllOperationsAreFinished()
    return results
  }

  /// A note's final outputs: reported, and cached when its code decided them.
  func finish(_ item: inout Item, _ out: NoteOutputs, key: String?, cache: OutputCache) {
    let note = item.note
    item.outputs = out
    let checks = out.checks
    let failed = checks.filter { !$0.ok }
    var summary = String(format: "%@ in %.1f s", out.status == .ok ? "ran" : out.status.rawValue, out.seconds)
    if !checks.isEmpty { summary += ", \(checks.count - failed.count)/\(checks.count) checks passed" }
    console.status(note.slug, summary)
    report(out, note: note)
    // Timeouts depend on the machine's load, and a stale build is a fault: never cache them.
    if out.status != .timedOut, out.status != .staleBuild, !out.transient, let key {
      do { try cache.store(out, for: note, key: key) } catch { console.error("warning: could not cache \(note.slug): \(error)") }
    }
  }

  /// A compile failure whose every error lies inside the note's cells (the note's own fault).
  static func isCacheableCompileFailure(_ out: NoteOutputs, note: Note) -> Bool {
    out.status == .compileFailed && !out.diagnostics.isEmpty
      && out.diagnostics.allSatisfy { d in
        d.location.file == note.path && note.cells.contains { contains($0, line: d.location.line) }
      }
  }

  static func contains(_ cell: Cell, line: Int) -> Bool { cell.sourceLines.contains(line) }

  /// What to do after a note ran.
  enum NextStep: Equatable {
    /// An `error` cell trapped as expected at file scope: keep its output, build without it, run again.
    case rebuildWithout(cell: Int, output: CellOutput)
    /// The executable was built from older code (an incremental build that missed a rewritten
    /// main.swift): forget what SwiftPM built for the note and build it from its sources — once.
    case rebuildFromSources
    /// Done: record the outputs (a second stale build is reported, not retried).
    case finish
  }

  static func nextStep(after r: ErrorCellRun, rebuiltFromSources: Bool) -> NextStep {
    if let cell = r.trappedAtFileScope, let output = r.outputs.cells[cell] { return .rebuildWithout(cell: cell, output: output) }
    if r.outputs.status == .staleBuild, !rebuiltFromSources { return .rebuildFromSources }
    return .finish
  }

  /// What running a note gave; `trappedAtFileScope` names an `error` cell that trapped as expected
  /// but cannot be skipped at run time (it declares something): the note must be rebuilt without it.
  struct ErrorCellRun: Sendable {
    var outputs: NoteOutputs
    var trappedAtFileScope: Int? = nil
  }

  /// Runs a note; a trap inside a cell marked `error` is that cell's expected output, and the note
  /// is run again without that cell so the rest of it goes on. An `error` cell that ran and
  /// neither failed to compile nor trapped is reported as a failed check (one that never ran,
  /// because the note stopped before it, is not).
  /// - Parameter expected: what `error` cells already showed (compile errors, earlier traps).
  static func runExpectingErrors(
    _ note: Note, executable: URL, runner: Runner, expected known: [Int: CellOutput],
    expectedBuild: String? = nil, warnings: [Diagnostic] = [],
    onCell: (@Sendable (Int) -> Void)? = nil
  ) throws -> ErrorCellRun {
    var expected = known
    var skip = Set(known.keys)
    let errorCells = note.cells.filter { $0.options.expectError && !$0.options.norun }
    let errorIndices = Set(errorCells.map(\.index))
    let skippable = Set(errorCells.filter { Tangler.isSkippable($0, in: note) }.map(\.index))
    var out = try runner.run(note, executable: executable, skip: skip, expectedBuild: expectedBuild, onCell: onCell)
    while out.status == .crashed, !out.transient, let failed = out.failedCell, errorIndices.contains(failed), expected[failed] == nil {
      var c = out.cells[failed] ?? CellOutput()
      c.expectedFailure = true
      expected[failed] = c
      guard skippable.contains(failed) else {
        out.cells[failed] = c
        return ErrorCellRun(outputs: out, trappedAtFileScope: failed)
      }
      skip.insert(failed)
      out = try runner.run(note, executable: executable, skip: skip, expectedBuild: expectedBuild, onCell: onCell)
    }
    if out.status == .staleBuild { return ErrorCellRun(outputs: out) }
    for (index, c) in expected { out.cells[index] = c }
    for index in errorIndices.sorted() where expected[index] == nil && out.cells[index]?.ran == true {
      let cell = note.cells.first { $0.index == index }
      // What the compiler did say about the cell (hidden elsewhere: a cell marked error is there to
      // fail) is often why it did not fail: a Swift 6 error that Swift 5 mode only warns about.
      let warned = cell.map { c in warnings.filter { contains(c, line: $0.location.line) } } ?? []
      let why = warned.isEmpty ? "" : "; the compiler only warned: " + warned.map { "\($0.message) (line \($0.location.line))" }.joined(separator: "; ")
      out.cells[index, default: CellOutput()].checks.append(
        CheckOutput(
          ok: false, message: "cell \(index) is marked 'error' but it compiled and ran without failing" + why,
          location: cell.map { SourceLocation(file: note.path, line: $0.fenceLine) }))
    }
    return ErrorCellRun(outputs: out)
  }

  /// Prints a note's problems: compile errors, a crash or timeout, failed checks.
  func report(_ out: NoteOutputs, note: Note) {
    if out.status == .compileFailed, !out.diagnostics.isEmpty {
      for d in out.diagnostics { console.diagnostic(d, lines: note.lines) }
    } else {
      let message = out.message?.description
      if let message { console.error(message) }
      for d in out.diagnostics where !(message?.contains(d.message) ?? false) { console.diagnostic(d, lines: note.lines) }
    }
    for c in out.checks where !c.ok {
      let loc = c.location ?? SourceLocation(file: note.path, line: 1)
      console.diagnostic(Diagnostic(.error, "check failed: \(c.message)", at: loc), lines: note.lines)
    }
  }

  /// Writes the site for `items` (pages for all of them; a broken note gets its page with errors).
  /// `loom weave`: runs the `named` notes (every note when nil) through the cache and writes the site.
  /// Every note is read, since the navigation needs every title; a note named outside notes/ is woven
  /// too. The other pages are woven again from the cache when their code is unchanged (the navigation
  /// may have changed); a page whose note changed since its last run keeps its file as it is.
  /// Returns every note read, and the ones that ran.
  /// Runs the named notes (all when nil) and writes the site; returns every note read, the notes
  /// run, and how many pages were written.
  public func weaveSite(named: [URL]?) throws -> (all: [Item], ran: [Item], written: Int) {
    let all = try project.noteFiles([])
    let outside = (named ?? []).filter { f in !all.contains { $0.path == f.path } }
    var items = try read(all + outside)
    guard let named else {
      try execute(&items)
      return (items, items, try weave(items))
    }
    let namedPaths = Set(named.map { project.relativePath($0) })
    var selected = items.filter { namedPaths.contains($0.note.path) }
    try execute(&selected)
    loadCached(&items)
    for s in selected { if let i = items.firstIndex(where: { $0.note.path == s.note.path }) { items[i] = s } }
    let woven = items.filter { namedPaths.contains($0.note.path) || $0.outputs != nil || !Self.hasCode($0.note) }
    return (items, selected, try weave(items, only: Set(woven.map(\.note.slug))))
  }

  /// Writes the site's pages (only those in `only`, when given); returns how many were written.
  @discardableResult
  public func weave(_ items: [Item], only: Set<String>? = nil) throws -> Int {
    var weaver = Weaver()
    // Names defined by export cells link across notes, to the cell that defines them.
    for item in items {
      for cell in item.note.cells where cell.options.export && !cell.options.norun {
        for name in weaver.highlighter.definitions(cell.source) where weaver.externalLinks[name] == nil {
          weaver.externalLinks[name] = "\(item.note.slug).html#\(cell.id)"
        }
      }
    }
    var site = Site(project: project, weaver: weaver)
    site.crossReferences = crossReferences(items).0
    // Pages of notes not woven this time keep their files; the navigation needs every note's title.
    let pages = items.map { Site.Page(note: $0.note, outputs: $0.outputs, diagnostics: $0.readDiagnostics) }
    return try site.write(pages, only: only)
  }

  final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: Result<ErrorCellRun, any Error>] = [:]
    init(count: Int) {}
    func set(_ i: Int, _ r: Result<ErrorCellRun, any Error>) { lock.lock(); values[i] = r; lock.unlock() }
    func get(_ i: Int) -> Result<ErrorCellRun, any Error>? { lock.lock(); defer { lock.unlock() }; return values[i] }
  }
}

/// Inputs to every cache key that do not come from the note itself.
enum CacheKeys {
  /// The toolchain version and the library sources, computed once per process.
  static func environment(project: Project) -> String {
    let toolchain: String
    if let swift = ChildProcess.which("swift"), let r = try? ChildProcess.run(swift, ["--version"]) {
      toolchain = String(decoding: r.stdout, as: UTF8.self)
    } else {
      toolchain = "unknown"
    }
    return OutputCache.environmentDigest(project: project, toolchain: toolchain)
  }
}
