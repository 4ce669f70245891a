import NoteRuntime
import Testing

/// Each value is compared with SciPy (the reference the brief names) and with mpmath at 40 digits.
/// SciPy is skipped only where it is itself further than 1e-10 from mpmath: t.cdf(±1e-9, df=1),
/// which SciPy 1.17 rounds to exactly 0.5 (the true value is 0.5 ± 3.2e-10).
@Suite struct DistributionTests {
  let fixture: StatisticsFixture
  init() throws { fixture = try StatisticsFixture.load() }

  /// Expects `value` within `exactTolerance` of mpmath, and within 1e-10 of SciPy unless SciPy is off.
  /// Returns the errors (vs SciPy, vs mpmath) and whether SciPy was skipped.
  @discardableResult
  func compare(_ value: Double, scipy: Double, exact: Double, exactTolerance: Double, _ what: String,
               sourceLocation: SourceLocation = #_sourceLocation) -> (scipy: Double, exact: Double, skipped: Bool) {
    let scipyOff = relativeError(scipy, exact) > 1e-10
    let vsScipy = relativeError(value, scipy), vsExact = relativeError(value, exact)
    if !scipyOff {
      #expect(vsScipy <= 1e-10, "\(what): got \(value), SciPy \(scipy)", sourceLocation: sourceLocation)
    }
    #expect(vsExact <= exactTolerance, "\(what): got \(value), mpmath \(exact)", sourceLocation: sourceLocation)
    return (scipyOff ? 0 : vsScipy, vsExact, scipyOff)
  }

  // The continued fraction loses about ν ulps when x = ν/(ν + t²) is near 1 and ν/2 is large:
  // measured worst 4e-14 (CDF) and 6e-15 (quantile) up to ν = 1000, 5e-12 and 4e-13 at ν = 1e5.
  func cdfTolerance(_ df: Double) -> Double { max(1e-13, df * 1e-16) }
  func quantileTolerance(_ df: Double) -> Double { max(2e-14, df * 2e-17) }

  @Test("Student-t quantiles match scipy.stats.t.ppf")
  func tQuantiles() {
    var worst = (scipy: 0.0, exact: 0.0)
    for c in fixture.t_quantiles {
      let e = compare(StudentT.quantile(c.p, df: c.df), scipy: c.q, exact: c.exact, exactTolerance: quantileTolerance(c.df),
                      "t.ppf(\(c.p), df=\(c.df))")
      worst = (max(worst.scipy, e.scipy), max(worst.exact, e.exact))
    }
    print("t quantile, \(fixture.t_quantiles.count) values: worst relative error \(worst.scipy) vs SciPy, \(worst.exact) vs mpmath")
  }

  @Test("Student-t CDF and survival function match scipy.stats.t.cdf / .sf")
  func tCDFs() {
    var worst = (scipy: 0.0, exact: 0.0), skipped = 0
    for c in fixture.t_cdfs {
      for (value, scipy, exact, name) in [(StudentT.cdf(c.t, df: c.df), c.cdf, c.cdf_exact, "cdf"),
                                          (StudentT.sf(c.t, df: c.df), c.sf, c.sf_exact, "sf")] {
        let e = compare(value, scipy: scipy, exact: exact, exactTolerance: cdfTolerance(c.df), "t.\(name)(\(c.t), df=\(c.df))")
        worst = (max(worst.scipy, e.scipy), max(worst.exact, e.exact))
        if e.skipped { skipped += 1 }
      }
    }
    #expect(skipped <= 4, "SciPy disagrees with mpmath on \(skipped) values; expected only t.cdf/sf(±1e-9, df=1)")
    print("t cdf/sf, \(2 * fixture.t_cdfs.count) values: worst relative error \(worst.scipy) vs SciPy (\(skipped) skipped), \(worst.exact) vs mpmath")
  }

  @Test("The quantile inverts the CDF")
  func quantileInvertsCDF() {
    for df in [1.0, 2.5, 7.3, 40] {
      for p in [1e-6, 0.01, 0.3, 0.5, 0.77, 0.999] {
        let q = StudentT.quantile(p, df: df)
        #expect(relativeError(StudentT.cdf(q, df: df), p) <= 1e-13, "df \(df), p \(p)")
      }
    }
  }

  @Test("Edge cases: 0, 1, ½, infinite df, NaN, the far tail")
  func tEdges() {
    #expect(StudentT.quantile(0, df: 3) == -.infinity)
    #expect(StudentT.quantile(1, df: 3) == .infinity)
    #expect(StudentT.quantile(0.5, df: 3) == 0)
    #expect(StudentT.quantile(1.5, df: 3).isNaN)
    #expect(StudentT.quantile(0.9, df: 0).isNaN)
    #expect(StudentT.quantile(0.975, df: .infinity) == StandardNormal.quantile(0.975))
    #expect(StudentT.cdf(.infinity, df: 2) == 1)
    #expect(StudentT.cdf(-.infinity, df: 2) == 0)
    #expect(StudentT.cdf(.nan, df: 2).isNaN)
    #expect(StudentT.cdf(1e300, df: 1) == 1)
    // Cauchy: P(T > s) = atan(1/s)/π, which is 1/(πs) to the last bit this far out.
    #expect(relativeError(StudentT.sf(1e200, df: 1), 1 / (Double.pi * 1e200)) <= 1e-13)
    #expect(relativeError(StudentT.quantile(1e-300, df: 1), -1 / (Double.pi * 1e-300)) <= 1e-13)
    // df = 2: P(T ≤ t) = ½ + t / (2√(2 + t²)).
    #expect(relativeError(StudentT.quantile(1e-200, df: 2), -(1 / (2e-200)).squareRoot()) <= 1e-13)
  }

  @Test("Normal CDF matches scipy.stats.norm.cdf")
  func normalCDF() {
    for c in fixture.normal_cdfs {
      // erfc(−x/√2) inherits the rounding of x/√2 amplified by x² (SciPy's ndtr does the same).
      compare(StandardNormal.cdf(c.x), scipy: c.cdf, exact: c.exact, exactTolerance: max(1e-15, c.x * c.x * 4e-16),
              "norm.cdf(\(c.x))")
    }
  }

  @Test("Normal quantile matches scipy.stats.norm.ppf")
  func normalQuantile() {
    for c in fixture.normal_quantiles {
      compare(StandardNormal.quantile(c.p), scipy: c.q, exact: c.exact, exactTolerance: 1e-14, "norm.ppf(\(c.p))")
    }
    #expect(StandardNormal.quantile(0) == -.infinity && StandardNormal.quantile(1) == .infinity)
    #expect(StandardNormal.quantile(-0.1).isNaN)
  }
}
