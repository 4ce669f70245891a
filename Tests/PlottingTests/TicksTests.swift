@testable import Plotting
import Testing

@Suite("Tick placement and labels")
struct TicksTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var lower: Double
    var upper: Double
    var labels: [String]
    var testDescription: String { "\(lower)...\(upper)" }
  }

  static let cases: [Case] = [
    Case(lower: 0, upper: 1, labels: ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]),
    Case(lower: 0, upper: 0.93, labels: ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]),
    Case(lower: 0.1, upper: 0.3, labels: ["0.10", "0.15", "0.20", "0.25", "0.30"]),
    Case(lower: 0, upper: 499, labels: ["0", "100", "200", "300", "400", "500"]),
    Case(lower: -12.3, upper: 498, labels: ["-100", "0", "100", "200", "300", "400", "500"]),
    Case(
      lower: -1, upper: -0.2,
      labels: ["-1.0", "-0.9", "-0.8", "-0.7", "-0.6", "-0.5", "-0.4", "-0.3", "-0.2"]),
    Case(
      lower: -3e-7, upper: 9e-7,
      labels: ["-4e-7", "-2e-7", "0", "2e-7", "4e-7", "6e-7", "8e-7", "1e-6"]),
    Case(lower: 0, upper: 2.5e9, labels: ["0", "5e8", "1e9", "1.5e9", "2e9", "2.5e9"]),
    Case(
      lower: 1_000_000, upper: 1_000_003,
      labels: [
        "1000000.0", "1000000.5", "1000001.0", "1000001.5", "1000002.0", "1000002.5", "1000003.0",
      ]),
    Case(lower: 5, upper: 5, labels: ["4.0", "4.5", "5.0", "5.5", "6.0"]),
    Case(lower: 0, upper: 0, labels: ["-1.0", "-0.5", "0.0", "0.5", "1.0"]),
    Case(lower: 475, upper: 475, labels: ["350", "400", "450", "500", "550", "600"]),
    Case(lower: 3, upper: -2, labels: ["-2", "-1", "0", "1", "2", "3"]),
  ]

  @Test("Nice 1/2/5 × 10^k ticks with exact labels", arguments: cases)
  func niceTicks(_ c: Case) {
    let t = Ticks.linear(lower: c.lower, upper: c.upper, targetCount: 6)
    #expect(t.ticks.map(\.label) == c.labels)
    #expect(t.domain.lowerBound <= min(c.lower, c.upper))
    #expect(t.domain.upperBound >= max(c.lower, c.upper))
  }

  @Test(
    "Steps are 1, 2 or 5 times a power of ten, for many ranges",
    arguments: [1e-12, 3.7e-5, 0.013, 0.3, 1, 7, 42, 999, 12345, 6.02e23, 1e300])
  func stepsAreNice(_ scale: Double) {
    for (lo, hi) in [(0.0, scale), (-scale, scale), (scale, scale * 1.7), (-scale * 3, -scale)] {
      let t = Ticks.linear(lower: lo, upper: hi)
      #expect((3...14).contains(t.ticks.count), "\(lo)...\(hi): \(t.ticks.map(\.label))")
      let step = t.ticks[1].value - t.ticks[0].value
      let e = Num.exponent10(step * (1 + 1e-9))
      let m = (step / Num.value(1, e) * 1000).rounded() / 1000
      #expect([1, 2, 5].contains(m), "step \(step) for \(lo)...\(hi)")
      #expect(t.ticks.allSatisfy { !$0.label.contains("000000000") }, "\(t.ticks.map(\.label))")
    }
  }

  @Test("Labels never show binary floating-point noise")
  func noFloatNoise() {
    let labels = Ticks.linear(lower: 0.1, upper: 0.7, targetCount: 6).ticks.map(\.label)
    #expect(labels == ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"])
    #expect(Ticks.linear(lower: 0.1, upper: 0.7).ticks.allSatisfy { $0.label.count <= 4 })
  }

  @Test("Non-finite bounds fall back to a usable axis")
  func nonFiniteBounds() {
    let t = Ticks.linear(lower: .nan, upper: .infinity)
    #expect(!t.ticks.isEmpty)
    #expect(t.domain.lowerBound.isFinite && t.domain.upperBound.isFinite)
    let huge = Ticks.linear(lower: -Double.greatestFiniteMagnitude, upper: .greatestFiniteMagnitude)
    #expect(huge.ticks.count >= 2)
  }

  @Test("Without nice bounds the domain is kept and ticks stay inside it")
  func exactBounds() {
    let t = Ticks.linear(lower: 0.13, upper: 0.87, niceBounds: false)
    #expect(t.domain == 0.13...0.87)
    #expect(t.ticks.map(\.label) == ["0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8"])
  }
}

@Suite("Log axis ticks")
struct LogTicksTests {
  @Test("Decades over several orders of magnitude")
  func decades() {
    let t = Ticks.logarithmic(lower: 3e-3, upper: 420)
    #expect(t.domain == 1e-3...1e3)
    #expect(
      t.ticks.filter(\.isMajor).map(\.label) == ["0.001", "0.01", "0.1", "1", "10", "100", "1000"])
    #expect(t.ticks.contains { !$0.isMajor && $0.value == 2e-3 })
  }

  @Test("Bounds a rounding error away from a decade stay in that decade")
  func nearlyDecades() {
    let t = Ticks.logarithmic(lower: 999_999.999_999_999_9, upper: 10_000_000_000.000_002)
    #expect(t.domain == 1e6...1e10)
  }

  @Test("Large exponents use superscript labels")
  func superscripts() {
    let t = Ticks.logarithmic(lower: 1e6, upper: 1e10)
    #expect(t.ticks.filter(\.isMajor).map(\.label) == ["10⁶", "10⁷", "10⁸", "10⁹", "10¹⁰"])
    let tiny = Ticks.logarithmic(lower: 1e-9, upper: 1e-7)
    #expect(tiny.ticks.filter(\.isMajor).map(\.label) == ["10⁻⁹", "10⁻⁸", "10⁻⁷"])
    // One style per axis: once any decade needs a power, all of them use one.
    let mixed = Ticks.logarithmic(lower: 1e-7, upper: 1)
    #expect(
      mixed.ticks.filter(\.isMajor).map(\.label) == [
        "10⁻⁷", "10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰",
      ])
  }

  @Test("Many decades label every n-th decade")
  func manyDecades() {
    let t = Ticks.logarithmic(lower: 1e-20, upper: 1e20)
    let labelled = t.ticks.filter { !$0.label.isEmpty }
    #expect((5...9).contains(labelled.count))
    #expect(t.ticks.allSatisfy { $0.isMajor == !$0.label.isEmpty })
  }

  @Test("Within one decade 2 and 5 are labelled too")
  func oneDecade() {
    let t = Ticks.logarithmic(lower: 2, upper: 8)
    #expect(t.ticks.filter { !$0.label.isEmpty }.map(\.label) == ["1", "2", "5", "10"])
  }

  @Test("Non-positive bounds fall back to 1...10")
  func nonPositive() {
    #expect(Ticks.logarithmic(lower: -5, upper: 0).domain == 1...10)
  }
}
