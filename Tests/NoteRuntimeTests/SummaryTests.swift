import NoteRuntime
import Testing

@Suite struct SummaryTests {
  let fixture: StatisticsFixture
  init() throws { fixture = try StatisticsFixture.load() }

  @Test("Summary matches NumPy / SciPy: mean, std, sem, median, min, max and t intervals")
  func matchesSciPy() {
    for c in fixture.summaries {
      let s = Summary(c.sample)
      #expect(s.n == c.n)
      for (name, got, want) in [("mean", s.mean, c.mean), ("std", s.std, c.std), ("sem", s.standardError, c.sem),
                                ("median", s.median, c.median), ("min", s.min, c.min), ("max", s.max, c.max)] {
        #expect(relativeError(got, want) <= 1e-13, "\(c.name).\(name): got \(got), NumPy \(want)")
      }
      for (level, bounds) in c.intervals {
        let ci = s.interval(confidence: Double(level)!)
        #expect(relativeError(ci.lower, bounds[0]) <= 1e-12, "\(c.name) \(level) lower: got \(ci.lower), SciPy \(bounds[0])")
        #expect(relativeError(ci.upper, bounds[1]) <= 1e-12, "\(c.name) \(level) upper: got \(ci.upper), SciPy \(bounds[1])")
        #expect(ci.estimate == s.mean && ci.confidence == Double(level)!)
      }
    }
  }

  @Test("The description reads as mean ± half-width, the interval, n and std")
  func description() throws {
    let s = Summary(try fixture.sample("five_returns"))
    #expect(s.description == "414.4 ± 26.4 (95% CI [388.0, 440.8], n = 5, std 21.3)")
    #expect("\(s.interval(confidence: 0.9))" == "90% CI [394.1, 434.7]")
    #expect(Summary([0.012, 0.0135, 0.0118]).description == "0.01243 ± 0.00231 (95% CI [0.01013, 0.01474], n = 3, std 0.00093)")
    #expect(Summary([500, 500, 500, 500]).description == "500 ± 0 (95% CI [500, 500], n = 4, std 0)")
    #expect("\(s.interval(confidence: 0.8))".hasPrefix("80% CI ["))
    #expect("\(s.interval(confidence: 0.999))".hasPrefix("99.9% CI ["))
    #expect("\(ConfidenceInterval(estimate: -0.001, lower: -0.0042, upper: 0.0021, confidence: 0.95))" == "95% CI [-0.00420, 0.00210]")
  }

  @Test("n = 1: no spread, an unbounded interval, and a description that says so")
  func singleValue() {
    let s = Summary([412.5])
    #expect(s.n == 1 && s.mean == 412.5 && s.median == 412.5)
    #expect(s.std.isNaN && s.standardError.isNaN)
    let ci = s.interval()
    #expect(ci.lower == -.infinity && ci.upper == .infinity)
    #expect(ci.description == "95% CI (-∞, ∞)")
    #expect(s.description == "412.5 (n = 1: no spread estimate, so no finite confidence interval; use more seeds)")
  }

  @Test("NaN in the sample is reported, not averaged over")
  func nanInSample() {
    let s = Summary([1, .nan, 3, .nan])
    #expect(s.nanIndices == [1, 3])
    #expect(s.mean.isNaN && s.std.isNaN && s.median.isNaN && s.min.isNaN && s.max.isNaN)
    #expect(s.interval().lower.isNaN)
    #expect(s.description == "NaN in sample: 2 of 4 values are NaN (at index 1, 3)")
  }

  @Test("An infinite value is reported too")
  func infiniteInSample() {
    #expect(Summary([1, .infinity, 3]).description == "±∞ in sample: 1 of 3 values are infinite (at index 1)")
    #expect(!checkAbove([1, .infinity, 3], 0, "a run that overflowed"))
  }

  @Test("An empty sample does not crash")
  func empty() {
    let s = Summary([])
    #expect(s.n == 0 && s.mean.isNaN)
    #expect(s.description == "empty sample (n = 0)")
  }

  @Test("The mean does not depend on the order of the values")
  func orderIndependentMean() {
    let xs = [1e16, 1, -1e16, 1, 3.5, -2.25]
    #expect(Summary(xs).mean == 3.25 / 6)
    #expect(Summary(xs.reversed()).mean == Summary(xs).mean)
  }
}

@Suite struct ComparisonTests {
  let fixture: StatisticsFixture
  init() throws { fixture = try StatisticsFixture.load() }

  func expectMatches(t: Double, df: Double, p: (Alternative) -> Double, interval: (Double) -> ConfidenceInterval,
                     _ c: StatisticsFixture.TwoSampleTest, _ label: String) {
    let what = "\(label)(\(c.a), \(c.b))"
    #expect(relativeError(t, c.t) <= 1e-12, "\(what) t: got \(t), SciPy \(c.t)")
    #expect(relativeError(df, c.df) <= 1e-12, "\(what) df: got \(df), SciPy \(c.df)")
    #expect(relativeError(p(.twoSided), c.p) <= 1e-11, "\(what) p: got \(p(.twoSided)), SciPy \(c.p)")
    #expect(relativeError(p(.greater), c.p_greater) <= 1e-11, "\(what) p greater: got \(p(.greater)), SciPy \(c.p_greater)")
    #expect(relativeError(p(.less), c.p_less) <= 1e-11, "\(what) p less: got \(p(.less)), SciPy \(c.p_less)")
    for (level, bounds) in c.intervals {
      let ci = interval(Double(level)!)
      #expect(relativeError(ci.lower, bounds[0]) <= 1e-12, "\(what) \(level) lower: got \(ci.lower), SciPy \(bounds[0])")
      #expect(relativeError(ci.upper, bounds[1]) <= 1e-12, "\(what) \(level) upper: got \(ci.upper), SciPy \(bounds[1])")
    }
  }

  @Test("Welch's test matches scipy.stats.ttest_ind(equal_var=False)")
  func welch() throws {
    for c in fixture.welch {
      let w = WelchTest(try fixture.sample(c.a), try fixture.sample(c.b))
      expectMatches(t: w.t, df: w.df, p: w.pValue, interval: { w.interval(confidence: $0) }, c, "Welch")
      #expect(w.pValue == w.pValue(.twoSided))
    }
  }

  @Test("The paired test matches scipy.stats.ttest_rel")
  func paired() throws {
    for c in fixture.paired {
      let a = try fixture.sample(c.a), b = try fixture.sample(c.b)
      let p = PairedTest(a, b)
      expectMatches(t: p.t, df: p.df, p: p.pValue, interval: { p.interval(confidence: $0) }, c, "paired")
      #expect(p.differences.n == a.count)
    }
  }

  @Test("Descriptions name the test, the interval and the p-value")
  func descriptions() throws {
    let w = WelchTest(try fixture.sample("five_returns"), try fixture.sample("five_returns_baseline"))
    #expect(w.description == "mean(a) − mean(b) = 76.5, 95% CI [49.7, 103.3] (Welch t = 6.79, df 6.8, p = 0.0003)")
    let p = PairedTest(try fixture.sample("five_returns"), try fixture.sample("five_paired_b"))
    #expect(p.description == "mean(a − b) = 11.28, 95% CI [2.11, 20.45] (paired t = 3.42, n = 5, p = 0.027)")
    #expect(WelchTest([1, .nan], [1, 2]).description.hasPrefix("Welch test not possible: NaN in sample"))
  }

  @Test("Welch with a single value on one side: an unbounded interval, not a crash")
  func welchSingleValue() {
    let w = WelchTest([5], [1, 2, 3])
    #expect(w.interval().lower == -.infinity && w.interval().upper == .infinity)
    #expect(w.df.isNaN)
  }
}
