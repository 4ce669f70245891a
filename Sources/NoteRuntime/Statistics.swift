// Statistics for claims about learning runs: "over 5 seeds, A beats B" stated as an interval.
//
// Everything here is a plain function of its inputs (the only randomness, the bootstrap, takes a
// seed), so a note's checks pass or fail the same way on every run. The t-distribution is our own:
// the regularized incomplete beta function by its continued fraction (modified Lentz), inverted
// by a safeguarded Newton iteration; Tests/NoteRuntimeTests compares it with SciPy.
import Foundation

// MARK: - Summary of a sample

/// n, mean, spread and a Student-t confidence interval of a sample, such as final returns over seeds.
///
/// ```swift
/// let s = Summary([412.1, 398.7, 430.2, 389.9, 441.0])
/// print(s)  // 414.4 ± 26.4 (95% CI [388.0, 440.8], n = 5, std 21.3)
/// ```
/// The `±` is the half-width of the interval printed after it, not the standard deviation.
///
/// A sample with NaN in it (a run that diverged) is not summarised around the NaN: `mean`, `std`,
/// the interval and the order statistics are all NaN, `nanIndices` says which values, and the
/// description starts with "NaN". A single value has no spread estimate: `std` is NaN and every
/// interval is unbounded, (−∞, ∞).
public struct Summary: Sendable, CustomStringConvertible {
  /// The sample, in the order given.
  public let values: [Double]
  /// Positions of NaN values in `values` (empty for a clean sample).
  public let nanIndices: [Int]
  /// Arithmetic mean.
  public let mean: Double
  /// Unbiased standard deviation (divides by n − 1); NaN when n < 2.
  public let std: Double
  /// Median (the mean of the middle two for even n).
  public let median: Double
  /// Smallest and largest value.
  public let min: Double, max: Double

  /// Summarises `sample`.
  public init(_ sample: [Double]) {
    values = sample
    nanIndices = sample.indices.filter { sample[$0].isNaN }
    let n = sample.count
    guard n > 0, nanIndices.isEmpty else {
      (mean, std, median, min, max) = (.nan, .nan, .nan, .nan, .nan)
      return
    }
    let m = compensatedSum(sample) / Double(n)
    mean = m
    // Two passes, with the first-order correction for the rounding of `m` (Chan, Golub & LeVeque).
    let deviations = sample.map { $0 - m }
    let squares = compensatedSum(deviations.map { $0 * $0 })
    let drift = compensatedSum(deviations)
    std = n < 2 ? .nan : (Swift.max(0, squares - drift * drift / Double(n)) / Double(n - 1)).squareRoot()
    let sorted = sample.sorted()
    median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    min = sorted[0]
    max = sorted[n - 1]
  }

  /// Number of values.
  public var n: Int { values.count }
  /// Standard error of the mean, std / √n; NaN when n < 2.
  public var standardError: Double { std / Double(n).squareRoot() }

  /// Student-t interval for the mean: mean ± t(1 − (1 − confidence)/2; n − 1) · standardError.
  ///
  /// Unbounded for n = 1, NaN for an empty sample or one with NaN in it.
  /// - Precondition: 0 < confidence < 1.
  public func interval(confidence: Double = 0.95) -> ConfidenceInterval {
    precondition(confidence > 0 && confidence < 1, "interval(confidence:): confidence must be in (0, 1), got \(confidence)")
    if n == 1 && nanIndices.isEmpty {
      return ConfidenceInterval(estimate: mean, lower: -.infinity, upper: .infinity, confidence: confidence)
    }
    return tInterval(estimate: mean, standardError: standardError, df: Double(n - 1), confidence: confidence)
  }

  /// "414.4 ± 26.4 (95% CI [388.0, 440.8], n = 5, std 21.3)", or a sentence saying why there is no
  /// interval (empty, NaN, n = 1).
  public var description: String {
    if let problem { return problem }
    if n == 1 {
      return "\(compact(mean)) (n = 1: no spread estimate, so no finite confidence interval; use more seeds)"
    }
    let ci = interval()
    let d = ci.decimals
    return "\(fixed(mean, d)) ± \(fixed(ci.upper - mean, d)) (\(ci), n = \(n), std \(fixed(std, d)))"
  }

  /// Why this sample cannot carry a claim: empty, NaN or ±∞ in it. Nil otherwise (n = 1 included).
  var problem: String? {
    if n == 0 { return "empty sample (n = 0)" }
    func listed(_ indices: [Int]) -> String {
      indices.prefix(10).map(String.init).joined(separator: ", ") + (indices.count > 10 ? ", …" : "")
    }
    if !nanIndices.isEmpty {
      return "NaN in sample: \(nanIndices.count) of \(n) values are NaN (at index \(listed(nanIndices)))"
    }
    let infinite = values.indices.filter { values[$0].isInfinite }
    if infinite.isEmpty { return nil }
    return "±∞ in sample: \(infinite.count) of \(n) values are infinite (at index \(listed(infinite)))"
  }
}

// MARK: - Confidence intervals

/// A two-sided confidence interval around a point estimate.
///
/// ```swift
/// let ci = Summary(returns).interval(confidence: 0.9)
/// print(ci)            // 90% CI [394.1, 434.7]
/// ci.contains(400)     // true
/// ```
public struct ConfidenceInterval: Sendable, Hashable, CustomStringConvertible {
  /// The point estimate the interval is around (a mean, a difference of means, a statistic).
  public var estimate: Double
  /// Lower and upper end; ±∞ when the sample says nothing about the spread (n = 1).
  public var lower: Double, upper: Double
  /// Nominal coverage, e.g. 0.95.
  public var confidence: Double

  /// Creates an interval.
  public init(estimate: Double, lower: Double, upper: Double, confidence: Double) {
    self.estimate = estimate
    self.lower = lower
    self.upper = upper
    self.confidence = confidence
  }

  /// True if `lower ≤ x ≤ upper`.
  public func contains(_ x: Double) -> Bool { lower <= x && x <= upper }

  /// "95% CI [388.0, 440.8]", with about three significant digits of the width.
  public var description: String {
    let level = "\(compact((confidence * 100 * 1e9).rounded() / 1e9))% CI"  // 0.8 · 100 is 80.00000000000001
    if lower == -.infinity && upper == .infinity { return "\(level) (-∞, ∞)" }
    return "\(level) [\(fixed(lower, decimals)), \(fixed(upper, decimals))]"
  }

  /// Decimals that show the half-width to about three significant digits.
  var decimals: Int { decimalsFor(spread: (upper - lower) / 2, value: estimate) }
}

func tInterval(estimate: Double, standardError se: Double, df: Double, confidence: Double) -> ConfidenceInterval {
  let halfWidth = se == 0 ? 0 : StudentT.quantile(0.5 + confidence / 2, df: df) * se
  return ConfidenceInterval(estimate: estimate, lower: estimate - halfWidth, upper: estimate + halfWidth,
                            confidence: confidence)
}

// MARK: - Comparing two samples

/// The alternative hypothesis of a one- or two-sided test, as in SciPy's `alternative=`.
public enum Alternative: Sendable, Hashable {
  /// mean(a) ≠ mean(b) (or ≠ 0 for one sample).
  case twoSided
  /// mean(a) > mean(b).
  case greater
  /// mean(a) < mean(b).
  case less
}

/// Welch's t-test of mean(a) − mean(b) for two independent samples with unequal variances.
///
/// ```swift
/// let w = WelchTest(returnsWithBaseline, returnsWithout)
/// print(w)  // mean(a) − mean(b) = 76.5, 95% CI [49.7, 103.3] (Welch t = 6.79, df 6.8, p = 0.0003)
/// ```
/// Matches `scipy.stats.ttest_ind(a, b, equal_var=False)`: `t`, `df`, `pValue(_:)` and
/// `interval(confidence:)` (its `confidence_interval`).
public struct WelchTest: Sendable, CustomStringConvertible {
  /// The two samples.
  public let a: Summary, b: Summary
  /// mean(a) − mean(b).
  public var difference: Double { a.mean - b.mean }
  /// √(var(a)/n_a + var(b)/n_b).
  public let standardError: Double
  /// Welch–Satterthwaite degrees of freedom.
  public let df: Double

  /// Compares `a` with `b`.
  public init(_ a: [Double], _ b: [Double]) {
    self.a = Summary(a)
    self.b = Summary(b)
    let va = self.a.std * self.a.std / Double(a.count), vb = self.b.std * self.b.std / Double(b.count)
    standardError = (va + vb).squareRoot()
    // df = (va + vb)² / (va²/(n_a − 1) + vb²/(n_b − 1)), written with shares so it cannot overflow.
    let share = va / (va + vb)
    df = 1 / (share * share / Double(a.count - 1) + (1 - share) * (1 - share) / Double(b.count - 1))
  }

  /// The t statistic, difference / standardError.
  public var t: Double { difference / standardError }
  /// Two-sided p-value.
  public var pValue: Double { pValue(.twoSided) }
  /// p-value for the given alternative (`.greater`: mean(a) > mean(b)).
  public func pValue(_ alternative: Alternative) -> Double { tTestPValue(t, df: df, alternative) }
  /// Welch interval for mean(a) − mean(b): unbounded when either sample has n = 1.
  public func interval(confidence: Double = 0.95) -> ConfidenceInterval {
    precondition(confidence > 0 && confidence < 1, "interval(confidence:): confidence must be in (0, 1), got \(confidence)")
    if a.problem == nil && b.problem == nil && (a.n == 1 || b.n == 1) {
      return ConfidenceInterval(estimate: difference, lower: -.infinity, upper: .infinity, confidence: confidence)
    }
    return tInterval(estimate: difference, standardError: standardError, df: df, confidence: confidence)
  }

  /// "mean(a) − mean(b) = 76.5, 95% CI [49.7, 103.3] (Welch t = 6.79, df 6.8, p = 0.0003)".
  public var description: String {
    if let p = a.problem ?? b.problem { return "Welch test not possible: \(p)" }
    let ci = interval()
    return "mean(a) − mean(b) = \(fixed(difference, ci.decimals)), \(ci) (Welch t = \(significant(t, 3)), df \(fixed(df, 1)), p = \(significant(pValue, 2)))"
  }
}

/// A paired comparison across seeds: the differences aᵢ − bᵢ (seed i run with both settings) and
/// their one-sample t-test.
///
/// ```swift
/// let p = PairedTest(withTrick, withoutTrick)   // same seeds, same order
/// print(p.differences)                          // Summary of aᵢ − bᵢ
/// p.pValue                                      // two-sided, as scipy.stats.ttest_rel
/// ```
/// Pairing removes the seed-to-seed variation both settings share, so it is the sharper test when
/// the runs really are paired (same seed for the environment and the initialisation).
/// - Precondition: `a` and `b` have the same count.
public struct PairedTest: Sendable, CustomStringConvertible {
  /// The differences aᵢ − bᵢ.
  public let differences: Summary

  /// Pairs `a[i]` with `b[i]`.
  public init(_ a: [Double], _ b: [Double]) {
    precondition(a.count == b.count, "PairedTest: a paired comparison needs as many values in a as in b, got \(a.count) and \(b.count)")
    differences = Summary(zip(a, b).map { $0 - $1 })
  }

  /// mean(aᵢ − bᵢ), which equals mean(a) − mean(b).
  public var difference: Double { differences.mean }
  /// Standard error of the mean difference.
  public var standardError: Double { differences.standardError }
  /// n − 1.
  public var df: Double { Double(differences.n - 1) }
  /// The t statistic, difference / standardError.
  public var t: Double { difference / standardError }
  /// Two-sided p-value.
  public var pValue: Double { pValue(.twoSided) }
  /// p-value for the given alternative (`.greater`: mean(a − b) > 0).
  public func pValue(_ alternative: Alternative) -> Double { tTestPValue(t, df: df, alternative) }
  /// t interval for the mean difference.
  public func interval(confidence: Double = 0.95) -> ConfidenceInterval {
    differences.interval(confidence: confidence)
  }

  /// "mean(a − b) = 11.28, 95% CI [2.11, 20.45] (paired t = 3.42, n = 5, p = 0.027)".
  public var description: String {
    if let p = differences.problem { return "paired test not possible: \(p)" }
    let ci = interval()
    return "mean(a − b) = \(fixed(difference, ci.decimals)), \(ci) (paired t = \(significant(t, 3)), n = \(differences.n), p = \(significant(pValue, 2)))"
  }
}

func tTestPValue(_ t: Double, df: Double, _ alternative: Alternative) -> Double {
  switch alternative {
  case .twoSided: return 2 * StudentT.sf(abs(t), df: df)
  case .greater: return StudentT.sf(t, df: df)
  case .less: return StudentT.cdf(t, df: df)
  }
}

// MARK: - Bootstrap

/// Percentile-bootstrap interval of `statistic` (the mean by default): resample the sample with
/// replacement `resamples` times and take the middle `confidence` of the statistic's values.
///
/// ```swift
/// let ci = bootstrapInterval(finalReturns)                            // seeded by the cell's seed
/// let medianCI = bootstrapInterval(finalReturns, seed: 7) { Summary($0).median }
/// ```
/// Deterministic: the same sample and seed give the same interval. With fewer than about ten values
/// the percentile bootstrap is too narrow (it cannot see beyond the values it has); prefer the t
/// interval of `Summary` there. Unbounded for n = 1, NaN if the sample has NaN in it.
public func bootstrapInterval(
  _ sample: [Double], confidence: Double = 0.95, resamples: Int = 10_000, seed: UInt64 = cellSeed,
  statistic: ([Double]) -> Double = { $0.reduce(0, +) / Double($0.count) }
) -> ConfidenceInterval {
  var rng = SeededGenerator(seed: seed)
  return bootstrapInterval(sample, confidence: confidence, resamples: resamples, using: &rng, statistic: statistic)
}

/// Percentile-bootstrap interval drawing from `rng` (see `bootstrapInterval(_:confidence:resamples:seed:statistic:)`).
public func bootstrapInterval(
  _ sample: [Double], confidence: Double = 0.95, resamples: Int = 10_000, using rng: inout SeededGenerator,
  statistic: ([Double]) -> Double = { $0.reduce(0, +) / Double($0.count) }
) -> ConfidenceInterval {
  precondition(confidence > 0 && confidence < 1, "bootstrapInterval: confidence must be in (0, 1), got \(confidence)")
  precondition(resamples >= 2, "bootstrapInterval: needs at least 2 resamples, got \(resamples)")
  let n = sample.count
  guard n > 1, !sample.contains(where: \.isNaN) else {
    let bound = n == 1 ? Double.infinity : .nan
    return ConfidenceInterval(estimate: n == 1 ? sample[0] : .nan, lower: -bound, upper: bound, confidence: confidence)
  }
  var resample = sample
  var stats: [Double] = []
  stats.reserveCapacity(resamples)
  for _ in 0..<resamples {
    for i in 0..<n { resample[i] = sample[rng.int(below: n)] }
    stats.append(statistic(resample))
  }
  stats.sort()
  // Linear interpolation between order statistics (NumPy's default percentile).
  func percentile(_ q: Double) -> Double {
    let h = Double(resamples - 1) * q
    let i = Int(h.rounded(.down)), frac = h - Double(i)
    return i + 1 < resamples ? stats[i] + frac * (stats[i + 1] - stats[i]) : stats[i]
  }
  let alpha = 1 - confidence
  return ConfidenceInterval(estimate: statistic(sample), lower: percentile(alpha / 2),
                            upper: percentile(1 - alpha / 2), confidence: confidence)
}

// MARK: - Seeds for experiments

/// `k` distinct seeds for an experiment repeated over seeds, derived from `base` (the running
/// cell's seed by default) by SplitMix64.
///
/// ```swift
/// let finalReturns = seeds(5).map { seed in train(config, seed: seed) }
/// checkAbove(finalReturns, 475, "PPO solves CartPole")
/// ```
/// Distinct because SplitMix64 is a bijection of a counter; the same `base` gives the same seeds,
/// and `seeds(3)` is a prefix of `seeds(5)`.
public func seeds(_ k: Int, from base: UInt64 = cellSeed) -> [UInt64] {
  precondition(k >= 0, "seeds(_:): k must be non-negative, got \(k)")
  var mix = SplitMix64(state: base)
  return (0..<k).map { _ in mix.next() }
}

// MARK: - Claims as checks

/// Checks that the mean of `sample` is above `threshold`: passes iff the lower end of the two-sided
/// Student-t interval at `confidence` is above it.
///
/// At the default 0.95 that is a one-sided test at the 2.5% level. The message records the interval
/// that was tested, so a passing check still shows how much room it had:
///
/// ```swift
/// checkAbove(finalReturns, 475, "PPO solves CartPole")
/// // PPO solves CartPole: mean 493.1, 95% CI [481.0, 505.2] above 475 (n = 5)
/// ```
/// Fails, saying why, when the sample is empty, has NaN or ±∞ in it, or has a single value.
@discardableResult
public func checkAbove(_ sample: [Double], _ threshold: Double, confidence: Double = 0.95, _ message: String,
                       file: StaticString = #file, line: UInt = #line) -> Bool {
  checkMean(sample, confidence: confidence, message, file: file, line: line, claim: "above \(compact(threshold))") {
    $0.lower > threshold
  }
}

/// Checks that the mean of `sample` is below `threshold`: passes iff the upper end of the two-sided
/// Student-t interval at `confidence` is below it (see `checkAbove`).
///
/// ```swift
/// checkBelow(finalLosses, 0.05, "the critic fits the returns")
/// ```
@discardableResult
public func checkBelow(_ sample: [Double], _ threshold: Double, confidence: Double = 0.95, _ message: String,
                       file: StaticString = #file, line: UInt = #line) -> Bool {
  checkMean(sample, confidence: confidence, message, file: file, line: line, claim: "below \(compact(threshold))") {
    $0.upper < threshold
  }
}

/// Checks that the mean of `sample` matches a reference: passes iff the whole Student-t interval
/// at `confidence` lies inside `range`.
///
/// A small or noisy sample has a wide interval and fails: agreement has to be shown, not just
/// "not ruled out".
///
/// ```swift
/// checkWithin(ourReturns, 160...190, "matches CleanRL's reported return")
/// ```
@discardableResult
public func checkWithin(_ sample: [Double], _ range: ClosedRange<Double>, confidence: Double = 0.95,
                        _ message: String, file: StaticString = #file, line: UInt = #line) -> Bool {
  checkMean(sample, confidence: confidence, message, file: file, line: line,
            claim: "inside [\(compact(range.lowerBound)), \(compact(range.upperBound))]") {
    range.contains($0.lower) && range.contains($0.upper)
  }
}

/// Checks that the mean of `sample` is within `tolerance` of `center` (see the `range` form).
///
/// ```swift
/// checkWithin(ourReturns, -171, tolerance: 25, "matches the Pendulum reference")
/// ```
@discardableResult
public func checkWithin(_ sample: [Double], _ center: Double, tolerance: Double, confidence: Double = 0.95,
                        _ message: String, file: StaticString = #file, line: UInt = #line) -> Bool {
  checkMean(sample, confidence: confidence, message, file: file, line: line,
            claim: "inside \(compact(center)) ± \(compact(tolerance))") {
    $0.lower >= center - tolerance && $0.upper <= center + tolerance
  }
}

/// Checks that `a` does better than `b` (a larger mean) by more than `margin`: passes iff the lower
/// end of the two-sided interval at `confidence` for mean(a) − mean(b) is above `margin`.
///
/// The interval is Welch's (independent runs, unequal variances), or with `paired: true` the t
/// interval of the per-seed differences aᵢ − bᵢ (the same seeds, in the same order, for both).
///
/// ```swift
/// checkBetter(returnsLambda095, than: returnsLambda1, by: 50, "λ=0.95 beats λ=1 by > 50")
/// // λ=0.95 beats λ=1 by > 50: diff 83.2, 95% CI [61.0, 105.4] above 50 (Welch, df 7.3)
/// ```
/// For a loss, where lower is better, swap the arguments: `checkBetter(oldLoss, than: newLoss, …)`
/// claims the new loss is lower.
@discardableResult
public func checkBetter(_ a: [Double], than b: [Double], by margin: Double = 0, confidence: Double = 0.95,
                        paired: Bool = false, _ message: String,
                        file: StaticString = #file, line: UInt = #line) -> Bool {
  let method: String, ci: ConfidenceInterval
  if paired {
    guard a.count == b.count else {
      return check(false, "\(message): a paired comparison needs as many values in a as in b, got \(a.count) and \(b.count)",
                   file: file, line: line)
    }
    let test = PairedTest(a, b)
    if let problem = test.differences.problem {
      return check(false, "\(message): \(problem) (the differences a − b); claim not tested", file: file, line: line)
    }
    method = "paired, n = \(a.count)"
    ci = test.interval(confidence: confidence)
  } else {
    let test = WelchTest(a, b)
    if let problem = test.a.problem ?? test.b.problem {
      let which = test.a.problem != nil ? "a" : "b"
      return check(false, "\(message): \(which): \(problem); claim not tested", file: file, line: line)
    }
    method = test.a.n == 1 || test.b.n == 1 ? "Welch; n = 1 on one side, so no spread estimate"
      : test.df.isNaN ? "Welch, df undefined: no spread on either side" : "Welch, df \(fixed(test.df, 1))"
    ci = test.interval(confidence: confidence)
  }
  let ok = ci.lower > margin
  let claim = "\(ok ? "" : "NOT ")above \(compact(margin))"
  return check(ok, "\(message): diff \(fixed(ci.estimate, ci.decimals)), \(ci) \(claim) (\(method))",
               file: file, line: line)
}

/// The shared body of the one-sample checks: a Summary, its interval, and a message naming both.
private func checkMean(_ sample: [Double], confidence: Double, _ message: String, file: StaticString, line: UInt,
                       claim: String, passes: (ConfidenceInterval) -> Bool) -> Bool {
  let summary = Summary(sample)
  if let problem = summary.problem {
    return check(false, "\(message): \(problem); claim not tested", file: file, line: line)
  }
  let ci = summary.interval(confidence: confidence)
  let ok = summary.n > 1 && passes(ci)
  let spread = summary.n == 1 ? " (n = 1: no spread estimate; use more seeds)" : " (n = \(summary.n))"
  return check(ok, "\(message): mean \(fixed(summary.mean, ci.decimals)), \(ci) \(ok ? "" : "NOT ")\(claim)\(spread)",
               file: file, line: line)
}

// MARK: - Formatting

/// Decimals that show `spread` to about three significant digits (or `value`, when there is no
/// finite non-zero spread).
func decimalsFor(spread: Double, value: Double) -> Int {
  let reference = spread.isFinite && spread > 0 ? spread : (value.isFinite && value != 0 ? abs(value) : 1)
  return Swift.min(12, Swift.max(0, 2 - Int(log10(reference).rounded(.down))))
}

/// `x` with `decimals` digits after the point; ∞ and NaN spelled out.
func fixed(_ x: Double, _ decimals: Int) -> String {
  if x.isNaN { return "NaN" }
  if x.isInfinite { return x > 0 ? "∞" : "-∞" }
  if abs(x) >= 1e15 { return String(format: "%.4g", x) }
  let s = String(format: "%.\(decimals)f", x)
  return s.hasPrefix("-") && s.allSatisfy({ "-0.".contains($0) }) ? String(s.dropFirst()) : s  // no "-0.0"
}

/// `x` with `digits` significant digits ("0.0003", "6.79", "1.2e-05").
func significant(_ x: Double, _ digits: Int) -> String {
  if x.isNaN { return "NaN" }
  if x.isInfinite { return x > 0 ? "∞" : "-∞" }
  return String(format: "%.\(digits)g", x)
}

/// A number as a person typed it: "350", "0.65", "1e-06".
func compact(_ x: Double) -> String {
  if x.isNaN || x.isInfinite { return fixed(x, 0) }
  if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
  return "\(x)"
}

/// Neumaier's compensated sum: the mean of many returns does not depend on their order.
func compensatedSum(_ xs: [Double]) -> Double {
  var sum = 0.0, carry = 0.0
  for x in xs {
    let t = sum + x
    carry += abs(sum) >= abs(x) ? (sum - t) + x : (x - t) + sum
    sum = t
  }
  return sum + carry
}
