import NoteRuntime
import Testing

@Suite struct BootstrapTests {
  /// 200 draws of N(50, 10²).
  let normalSample: [Double] = {
    var rng = SeededGenerator(seed: 11)
    return (0..<200).map { _ in rng.normal(mean: 50, std: 10) }
  }()

  @Test("The same seed gives the same interval; another seed a slightly different one")
  func deterministic() {
    let a = bootstrapInterval(normalSample, seed: 1), b = bootstrapInterval(normalSample, seed: 1)
    #expect(a == b)
    let c = bootstrapInterval(normalSample, seed: 2)
    #expect(a != c)
    #expect(abs(a.lower - c.lower) < 0.3 && abs(a.upper - c.upper) < 0.3)
    var rng = SeededGenerator(seed: 1)
    #expect(bootstrapInterval(normalSample, using: &rng) == a)
  }

  @Test("For a large normal sample it agrees with the t interval")
  func agreesWithT() {
    let boot = bootstrapInterval(normalSample, resamples: 5_000, seed: 3)
    let t = Summary(normalSample).interval()
    #expect(abs(boot.estimate - Summary(normalSample).mean) < 1e-12)
    let width = t.upper - t.lower
    #expect(abs(boot.lower - t.lower) < 0.05 * width && abs(boot.upper - t.upper) < 0.05 * width, "\(boot) vs \(t)")
  }

  @Test("Any statistic: the median's interval contains the sample median")
  func median() {
    let ci = bootstrapInterval(normalSample, confidence: 0.9, resamples: 2_000, seed: 4) { Summary($0).median }
    #expect(ci.estimate == Summary(normalSample).median)
    #expect(ci.contains(ci.estimate) && ci.confidence == 0.9)
  }

  @Test("n = 1 is unbounded, NaN stays NaN, a constant sample is a point")
  func degenerate() {
    let one = bootstrapInterval([3], seed: 0)
    #expect(one.lower == -.infinity && one.upper == .infinity)
    #expect(bootstrapInterval([1, .nan, 2], seed: 0).lower.isNaN)
    let constant = bootstrapInterval([2, 2, 2], seed: 0)
    #expect(constant.lower == 2 && constant.upper == 2)
  }
}

@Suite struct SeedTests {
  @Test("seeds(k) are distinct, reproducible, SplitMix64 from the base, and prefix-stable")
  func seedsFromBase() {
    let five = seeds(5, from: 42)
    #expect(five == seeds(5, from: 42))
    #expect(Set(five).count == 5)
    #expect(Array(five.prefix(3)) == seeds(3, from: 42))
    var mix = SplitMix64(state: 42)
    #expect(five == (0..<5).map { _ in mix.next() })
    #expect(seeds(5, from: 43) != five)
    #expect(seeds(0).isEmpty)
    #expect(Set(seeds(10_000, from: 7)).count == 10_000)
  }

  @Test("Without a base, seeds come from the running cell's seed")
  func defaultsToCellSeed() {
    #expect(seeds(4) == seeds(4, from: cellSeed))
  }
}
