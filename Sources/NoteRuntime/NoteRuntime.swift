// Linked into every generated note. The tangler calls `_loomBegin`, `_loomCell` and `_loomEnd`
// around the note's cells; note authors call `show`, `check` and `checkClose`.
//
// Protocol with the runner (LoomKit/Run): before each cell the runtime writes a marker
// "\u{1E}LOOM-CELL <k>\u{1E}\n" to stdout and to stderr, so the runner can split both streams per
// cell; rich values (figures, checks, timings) go as JSON lines to the file named by $LOOM_EVENTS,
// one write(2) per event so nothing is lost if the process dies.
import Foundation
import Plotting
import CBLAS
import CLoomSys
import LoomContract
@_exported import LoomRandom

#if canImport(Glibc)
import Glibc
#endif

/// The cell that is running now (1-based), or 0 before the first cell.
public nonisolated(unsafe) private(set) var currentCell = 0
/// The note's seed (front matter `seed:`, default 0). `cellSeed` is the running cell's.
public nonisolated(unsafe) private(set) var noteSeed: UInt64 = 0
/// Seed for the running cell: its `seed=` option, or the note seed.
public nonisolated(unsafe) private(set) var cellSeed: UInt64 = 0
/// The `--reseed N` this run was started with (0: the default run). Every generator is shifted by
/// it (see `SeedStreams`); a note never needs to read it, but may print it.
public var reseed: UInt64 { SeedStreams.reseed }

nonisolated(unsafe) private var eventsFD: Int32 = -1
nonisolated(unsafe) private var cellStart = 0.0
nonisolated(unsafe) private var checksFailed = 0

/// Marker the runner splits output on: not printable, and with a per-run nonce from the runner, so
/// text a cell prints never passes for one. The nonce is taken out of the environment at once.
public let _loomMarkerPrefix: String = {
  let key = LoomContract.Environment.markerNonce
  guard let raw = getenv(key) else { return LoomContract.marker(nonce: nil) }
  let nonce = String(cString: raw)
  unsetenv(key)
  return LoomContract.marker(nonce: nonce)
}()

private func now() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

private let eventEncoder: JSONEncoder = {
  let e = JSONEncoder()
  e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
  return e
}()

/// Writes one event as one JSON line, in one write(2) where it can, so nothing is lost if the
/// process dies right after.
private func emit(_ event: RuntimeEvent) {
  guard eventsFD >= 0, let data = try? eventEncoder.encode(event) else { return }
  var bytes = [UInt8](data)
  bytes.append(0x0A)
  bytes.withUnsafeBytes { buf in
    var offset = 0
    while offset < buf.count {
      let n = write(eventsFD, buf.baseAddress! + offset, buf.count - offset)
      if n <= 0 { break }
      offset += n
    }
  }
}

/// Called once before the first cell.
public func _loomBegin(note: String, cells: Int, seed: UInt64, build: String = "") {
  // Line-buffered stdout: what a cell printed is in the pipe before the next marker, and before a trap.
  setvbuf(stdout, nil, _IOLBF, 0)
  _ = _loomMarkerPrefix  // read (and drop) the marker nonce before any cell can look for it
  // Own process group (the runner stops the note and all it started at once); die with the runner.
  loom_detach_into_own_group()
  noteSeed = seed
  cellSeed = seed
  let environment = ProcessInfo.processInfo.environment
  SeedStreams.reseed = environment[LoomContract.Environment.reseed].flatMap(UInt64.init) ?? 0
  if let path = environment[LoomContract.Environment.events] {
    eventsFD = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
  }
  // Which source this executable was built from (the runner rejects a stale build), and the
  // arithmetic it really runs (the runner checks it against the pin).
  let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
  emit(.begin(build: build, reseed: SeedStreams.reseed, blasCore: core, blasThreads: Int(openblas_get_num_threads())))
  if let mb = ProcessInfo.processInfo.environment[LoomContract.Environment.memoryLimitMB].flatMap(UInt64.init), mb > 0 {
    var limit = rlimit(rlim_cur: rlim_t(mb * 1_048_576), rlim_max: rlim_t(mb * 1_048_576))
    _ = withUnsafePointer(to: &limit) { setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), $0) }
  }
}

/// Called by the tangled program before cell `index` (Markdown fence at `line`).
public func _loomCell(_ index: Int, line: Int, seed: UInt64?) {
  finishCell()
  currentCell = index
  cellSeed = seed ?? noteSeed
  fflush(stdout)
  fputs("\(_loomMarkerPrefix)\(index)\u{1E}\n", stdout)
  fflush(stdout)
  fputs("\(_loomMarkerPrefix)\(index)\u{1E}\n", stderr)
  cellStart = now()
  emit(.cell(index))
}

private func finishCell() {
  if currentCell > 0 {
    emit(.time(cell: currentCell, seconds: now() - cellStart))
  }
}

/// Called after the last cell.
public func _loomEnd() {
  finishCell()
  fflush(stdout)
  fflush(stderr)
  emit(.end(checksFailed: checksFailed))
  if eventsFD >= 0 { close(eventsFD) }
  currentCell = 0
}

// MARK: - Showing rich values

/// Shows a figure after the running cell, as inline SVG.
///
/// ```swift
/// var p = LinePlot(title: "Return", xLabel: "episode", yLabel: "return")
/// p.add(Series(name: "REINFORCE", y: returns))
/// show(p, caption: "Average return over 3 seeds")
/// ```
public func show(_ figure: some Figure, caption: String? = nil) {
  showSVG(figure.svg(), caption: caption)
}

/// Shows ready-made SVG markup after the running cell.
public func showSVG(_ svg: String, caption: String? = nil) {
  emit(.figure(cell: currentCell, svg: svg, caption: caption))
}

/// Shows a table after the running cell (rendered as an HTML table on the page).
public func showTable(_ rows: [[String]], header: [String]? = nil, caption: String? = nil) {
  emit(.table(cell: currentCell, header: header, rows: rows, caption: caption))
}

// MARK: - Checks (counted by `loom test`)

/// Records a check. A failed check fails `make test` and is shown in red after its cell.
@discardableResult
public func check(_ condition: Bool, _ message: String, file: StaticString = #file, line: UInt = #line) -> Bool {
  if !condition { checksFailed += 1 }
  emit(.check(cell: currentCell, ok: condition, message: message, file: "\(file)", line: Int(line)))
  return condition
}

/// Checks that `actual` is within `tolerance` of `expected` (absolute, or relative for large values).
@discardableResult
public func checkClose(_ actual: Double, _ expected: Double, tolerance: Double = 1e-6, _ message: String,
                       file: StaticString = #file, line: UInt = #line) -> Bool {
  let ok = abs(actual - expected) <= tolerance * max(1, abs(expected))
  return check(ok, "\(message) (got \(actual), expected \(expected) ± \(tolerance))", file: file, line: line)
}

/// Checks two arrays elementwise; the message names the worst element.
@discardableResult
public func checkClose(_ actual: [Double], _ expected: [Double], tolerance: Double = 1e-6, _ message: String,
                       file: StaticString = #file, line: UInt = #line) -> Bool {
  guard actual.count == expected.count else {
    return check(false, "\(message) (got \(actual.count) values, expected \(expected.count))", file: file, line: line)
  }
  var worst = 0, worstErr = 0.0
  for i in actual.indices {
    let err = abs(actual[i] - expected[i]) / max(1, abs(expected[i]))
    if !(err <= worstErr) { worst = i; worstErr = err.isNaN ? .infinity : err }
  }
  let ok = worstErr <= tolerance
  let detail = ok ? "max error \(worstErr)" : "element \(worst): got \(actual[worst]), expected \(expected[worst]) ± \(tolerance)"
  return check(ok, "\(message) (\(detail))", file: file, line: line)
}

// MARK: - Cells marked `error`

private let skippedCells: Set<Int> = Set(
  (ProcessInfo.processInfo.environment[LoomContract.Environment.skipCells] ?? "").split(separator: ",").compactMap { Int($0) })

/// False for a cell marked `error` whose expected failure the runner has already recorded.
public func _loomShouldRun(_ cell: Int) -> Bool { !skippedCells.contains(cell) }

// MARK: - Inline values in prose (`{swift} expr`)

/// Evaluates an inline value of the prose (generated by the tangler) and sends its text to the
/// runner: Swift's own description of the value.
public func _loomInline<T>(_ index: Int, _ value: () -> T) {
  emit(.inline(index: index, text: String(describing: value())))
}

/// An inline value with a `String(format:)` format (`{swift} x, format: "%.1f"`).
public func _loomInline<T: CVarArg>(_ index: Int, format: String, _ value: () -> T) {
  emit(.inline(index: index, text: String(format: format, value())))
}
