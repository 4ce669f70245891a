/// Turns executed notes into test results: checks written in cells, expected ```output blocks,
/// and whether each note compiled and ran to the end.
public struct Tester: Sendable {
  public init() {}

  public struct Failure: Sendable, CustomStringConvertible {
    /// What failed: decides how the CLI shows it and what `--fix` may repair.
    public enum Kind: Sendable, Equatable {
      /// The note could not be read (its own diagnostics were printed).
      case unreadable
      /// It did not compile, crashed, timed out or ended early.
      case notRun
      /// A `check` in a cell failed.
      case check
      /// A cell's output differs from its ```output block (`--fix` records the new one).
      case outputDiffers
      /// A cell printed something else on a second run (`--twice`).
      case nondeterministic
    }
    public var kind: Kind
    public var location: SourceLocation
    public var message: String
    public var description: String { "\(location): error: \(message)" }
    public init(_ kind: Kind, location: SourceLocation, message: String) {
      self.kind = kind
      self.location = location
      self.message = message
    }
  }

  public struct Summary: Sendable {
    public var passed = 0
    public var failed = 0
    /// What was counted: notes that ran to the end, checks, expected outputs, `error` cells.
    public var notesRan = 0, notesFailed = 0, checksPassed = 0, checksFailed = 0, outputsMatched = 0, outputsDiffered = 0, expectedErrors = 0
    public var breakdown: String {
      "notes run cleanly: \(notesRan)/\(notesRan + notesFailed), checks: \(checksPassed)/\(checksPassed + checksFailed), expected outputs: \(outputsMatched)/\(outputsMatched + outputsDiffered), expected errors: \(expectedErrors)"
    }
    public var failures: [Failure] = []
    public var line: String { "\(passed) passed, \(failed) failed" }
  }

  public func evaluate(_ items: [Pipeline.Item]) -> Summary {
    var s = Summary()
    for item in items {
      let note = item.note
      if item.hasReadErrors {
        s.failed += 1
        s.failures.append(Failure(.unreadable, location: item.readDiagnostics.first { $0.severity == .error }!.location, message: "the note has errors"))
        continue
      }
      guard let out = item.outputs else { continue }  // no code to run
      // The note itself: compiled and ran to the end.
      if out.status == .ok {
        s.passed += 1
        s.notesRan += 1
      } else {
        s.failed += 1
        s.notesFailed += 1
        let loc = out.diagnostics.first?.location ?? SourceLocation(file: note.path, line: 1)
        s.failures.append(Failure(.notRun, location: loc, message: out.message?.description ?? "the note \(out.status.rawValue)"))
      }
      for c in out.checks {
        if c.ok {
          s.passed += 1; s.checksPassed += 1
        } else {
          s.failed += 1
          s.checksFailed += 1
          s.failures.append(Failure(.check, location: c.location ?? SourceLocation(file: note.path, line: 1), message: "check failed: \(c.message)"))
        }
      }
      for cell in note.cells where cell.options.expectError {
        // Counted here when it failed as expected; when it did not, a failed check says so.
        if out.cells[cell.index]?.expectedFailure == true { s.passed += 1; s.expectedErrors += 1 }
      }
      for cell in note.cells {
        guard let expected = cell.expectedOutput, !cell.options.norun else { continue }
        let actual = out.cells[cell.index]?.stdout ?? ""
        if let mismatch = Self.compare(actual: actual, expected: expected.text, tolerance: expected.tolerance) {
          s.failed += 1
          s.outputsDiffered += 1
          s.failures.append(
            Failure(
              .outputDiffers, location: SourceLocation(file: note.path, line: expected.fenceLine + mismatch.line),
              message: "output differs from the expected output of cell \(cell.index): \(mismatch.message) (run 'loom test --fix' to record the new output)"))
        } else {
          s.passed += 1
          s.outputsMatched += 1
        }
      }
    }
    return s
  }

  /// `loom test --twice`: every cell not marked `volatile` must print, draw, tabulate and check
  /// the same in `second` (a run without the cache) as in `first`.
  public func compareRuns(_ first: [Pipeline.Item], _ second: [Pipeline.Item], into s: inout Summary) {
    for (a, b) in zip(first, second) {
      guard let oa = a.outputs, let ob = b.outputs else { continue }
      for cell in a.note.cells where !cell.options.volatile {
        let ca = oa.cells[cell.index], cb = ob.cells[cell.index]
        if ca?.stdout != cb?.stdout || ca?.figures != cb?.figures || ca?.tables != cb?.tables || ca?.checks.map(\.ok) != cb?.checks.map(\.ok) {
          s.failed += 1
          s.failures.append(
            Failure(
              .nondeterministic, location: SourceLocation(file: a.note.path, line: cell.fenceLine),
              message: "cell \(cell.index) is not deterministic: its output differs between two runs (seed everything random with cellSeed)"))
        } else {
          s.passed += 1
        }
      }
    }
  }

  struct Mismatch { var line: Int; var message: String }

  /// Compares line by line, ignoring trailing whitespace; with a tolerance, numbers may differ by
  /// that relative amount.
  static func compare(actual: String, expected: String, tolerance: Double?) -> Mismatch? {
    func lines(_ s: String) -> [String] {
      var ls = s.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).trimmingTrailingSpaces }
      while ls.last == "" { ls.removeLast() }
      return ls
    }
    let a = lines(actual), e = lines(expected)
    for i in 0..<max(a.count, e.count) {
      let al = i < a.count ? a[i] : nil, el = i < e.count ? e[i] : nil
      guard let al, let el else {
        return Mismatch(line: i + 1, message: al == nil ? "expected line \(i + 1) \"\(el ?? "")\" is missing" : "extra line \(i + 1) \"\(al!)\"")
      }
      if al == el { continue }
      if let tolerance, numbersMatch(al, el, tolerance) { continue }
      return Mismatch(line: i + 1, message: "line \(i + 1) is \"\(al)\", expected \"\(el)\"")
    }
    return nil
  }

  /// Same text around numbers, and numbers equal within a relative tolerance.
  static func numbersMatch(_ a: String, _ b: String, _ tol: Double) -> Bool {
    let ta = tokens(a), tb = tokens(b)
    guard ta.count == tb.count else { return false }
    for (x, y) in zip(ta, tb) {
      if let dx = Double(x), let dy = Double(y) {
        if abs(dx - dy) > tol * max(1, abs(dy)) { return false }
      } else if x != y {
        return false
      }
    }
    return true
  }

  static func tokens(_ s: String) -> [String] {
    var out: [String] = []
    var cur = ""
    var numeric = false
    for ch in s {
      let isNum = ch.isNumber || ch == "." || ch == "-" || ch == "+" || ch == "e" || ch == "E"
      if isNum == numeric && !cur.isEmpty {
        cur.append(ch)
      } else {
        if !cur.isEmpty { out.append(cur) }
        cur = String(ch)
        numeric = isNum
      }
    }
    if !cur.isEmpty { out.append(cur) }
    return out
  }
}

extension String {
  var trimmingTrailingSpaces: String {
    var s = Substring(self)
    while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
    return String(s)
  }
}
