import Foundation
import NoteRuntime
import Testing

/// The check helpers on samples where the answer is clear. Outside a note run (no LOOM_EVENTS)
/// `check` records nothing, so these look at the returned Bool; the exit test at the end runs the
/// helpers inside a pretend note and reads the check events they emit.
@Suite struct ClaimCheckTests {
  // mean 10, std 0.158: the 95% t interval (n = 5) is [9.804, 10.196].
  let tight = [10.1, 9.9, 10.0, 10.2, 9.8]

  @Test("checkAbove and checkBelow test the end of the interval, not the mean")
  func aboveAndBelow() {
    #expect(checkAbove(tight, 9.5, "clearly above"))
    #expect(!checkAbove(tight, 9.9, "mean above, interval not"))
    #expect(!checkAbove(tight, 10.5, "below"))
    #expect(checkBelow(tight, 10.5, "clearly below"))
    #expect(!checkBelow(tight, 10.1, "mean below, interval not"))
    // A lower confidence gives a narrower interval: [9.85, 10.15] at 80%.
    #expect(checkAbove(tight, 9.82, confidence: 0.8, "above at 80%"))
    #expect(!checkAbove(tight, 9.82, confidence: 0.95, "not at 95%"))
  }

  @Test("checkWithin needs the whole interval inside the range")
  func within() {
    #expect(checkWithin(tight, 9.5...10.5, "inside"))
    #expect(!checkWithin(tight, 9.9...10.5, "lower end outside"))
    #expect(checkWithin(tight, 10, tolerance: 0.25, "center ± tolerance"))
    #expect(!checkWithin(tight, 10, tolerance: 0.15, "interval wider than the tolerance"))
  }

  @Test("checkBetter: Welch by default, paired on request")
  func better() {
    // Seeds vary a lot, and b is a − 1 ± 0.05 on each seed: only pairing sees the improvement.
    let a = [100.0, 140, 90, 170, 120, 60]
    let b = zip(a, [1.02, 0.97, 1.05, 0.99, 0.96, 1.01]).map { $0 - $1 }
    #expect(!checkBetter(a, than: b, "Welch cannot see it"))
    #expect(checkBetter(a, than: b, paired: true, "pairing sees it"))
    #expect(checkBetter(a, than: b, by: 0.9, paired: true, "by more than 0.9"))
    #expect(!checkBetter(a, than: b, by: 1.1, paired: true, "not by 1.1"))
    #expect(checkBetter([20, 21, 19, 20.5], than: [10, 12, 11, 9], by: 5, "independent runs, clear gap"))
    #expect(!checkBetter([20, 21, 19, 20.5], than: [10, 12, 11, 9], by: 12, "not that large a gap"))
  }

  @Test("Claims fail, without crashing, on samples that cannot carry them")
  func degenerateSamples() {
    #expect(!checkAbove([1000], 0, "a single seed proves nothing"))
    #expect(!checkAbove([], 0, "no seeds"))
    #expect(!checkAbove([10, .nan, 11], 0, "a diverged seed"))
    #expect(!checkBelow([10, .nan, 11], 100, "a diverged seed"))
    #expect(!checkWithin([.nan, .nan], 0...1, "all NaN"))
    #expect(!checkBetter([3, 4, 5], than: [1, .nan, 2], "NaN on one side"))
    #expect(!checkBetter([3, 4, 5], than: [1, 2], paired: true, "unequal counts cannot be paired"))
    #expect(!checkBetter([5], than: [1, 2, 1.5], "a single value on one side"))
  }

  @Test("The check events carry the tested interval and the caller's line")
  func emittedEvents() async throws {
    let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
      runClaimsInAPretendNote()
    }
    let output = String(decoding: try #require(result).standardOutputContent, as: UTF8.self)
    let checks = try output.split(separator: "\n").filter { $0.hasPrefix("EVENT ") }.map { line in
      try JSONDecoder().decode(CheckEvent.self, from: Data(line.dropFirst(6).utf8))
    }
    try #require(checks.count == 6, "\(output)")
    #expect(checks.map(\.ok) == [true, false, true, true, false, false])
    #expect(checks[0].message == "return above 9.5: mean 10.000, 95% CI [9.804, 10.196] above 9.5 (n = 5)")
    #expect(checks[1].message == "return below 10.1: mean 10.000, 95% CI [9.804, 10.196] NOT below 10.1 (n = 5)")
    #expect(checks[2].message == "matches 10: mean 10.000, 95% CI [9.804, 10.196] inside 10 ± 0.5 (n = 5)")
    #expect(checks[3].message == "a beats b by > 5: diff 9.62, 95% CI [7.66, 11.59] above 5 (Welch, df 5.2)")
    #expect(checks[4].message == "paired: diff 0.17, 95% CI [-1.06, 1.39] NOT above 0 (paired, n = 3)")
    #expect(checks[5].message == "diverged: NaN in sample: 1 of 2 values are NaN (at index 1); claim not tested")
    // `file:`/`line:` reach `check` from the caller, not from Statistics.swift.
    #expect(checks.allSatisfy { $0.file.hasSuffix("ClaimCheckTests.swift") && $0.cell == 1 })
    #expect(checks.map(\.line) == Array(claimsFirstLine..<(claimsFirstLine + 6)))
  }
}

/// The line of the first check in `runClaimsInAPretendNote`; the other five follow it.
let claimsFirstLine = #line + 9

/// Runs six claims as cell 1 of a note whose events go to a file, then prints the check events.
/// (A function of its own: inside the exit-test macro every `#line` is the macro's line.)
func runClaimsInAPretendNote() {
  let path = NSTemporaryDirectory() + "loom-claims-\(getpid()).jsonl"
  setenv("LOOM_EVENTS", path, 1)
  _loomBegin(note: "claims", cells: 1, seed: 42)
  _loomCell(1, line: 3, seed: nil)
  checkAbove([10.1, 9.9, 10.0, 10.2, 9.8], 9.5, "return above 9.5")
  checkBelow([10.1, 9.9, 10.0, 10.2, 9.8], 10.1, "return below 10.1")
  checkWithin([10.1, 9.9, 10.0, 10.2, 9.8], 10, tolerance: 0.5, "matches 10")
  checkBetter([20, 21, 19, 20.5], than: [10, 12, 11, 9], by: 5, "a beats b by > 5")
  checkBetter([1, 2, 3], than: [0.5, 2.4, 2.6], paired: true, "paired")
  checkAbove([1, .nan], 0, "diverged")
  _loomEnd()
  let events = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
  unlink(path)
  for line in events.split(separator: "\n") where line.contains("\"type\":\"check\"") { print("EVENT", line) }
}

struct CheckEvent: Decodable {
  var ok: Bool
  var message: String
  var file: String
  var line: Int
  var cell: Int
}
