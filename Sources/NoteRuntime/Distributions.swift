// The two distributions the claims in Statistics.swift need: Student's t (for intervals and
// p-values from a handful of seeds) and the standard normal.
//
// t's CDF is the regularized incomplete beta function, evaluated by its continued fraction with
// the modified Lentz method, always on the side where the fraction converges fast; the quantile
// inverts it with Newton steps on the logarithm, kept inside a shrinking bracket. Each quantity is
// computed in the form that keeps its relative accuracy: a tail probability from the tail, a
// probability near ½ from its distance to ½. Compared with SciPy in Tests/NoteRuntimeTests.
import Foundation

/// Student's t-distribution with `df` degrees of freedom (any real df > 0; ∞ is the normal).
///
/// ```swift
/// StudentT.quantile(0.975, df: 4)   // 2.7764451051977934
/// StudentT.cdf(2.0, df: 10)         // 0.9633059826146299
/// StudentT.sf(6.0, df: 10)          // P(T > 6) = 6.6e-05, accurate far into the tail
/// ```
public enum StudentT {
  /// P(T ≤ t).
  public static func cdf(_ t: Double, df: Double) -> Double {
    guard !t.isNaN, df > 0 else { return .nan }
    if df == .infinity { return StandardNormal.cdf(t) }
    let tail = upperTail(abs(t), df: df)
    return t < 0 ? tail : 1 - tail
  }

  /// P(T > t), the survival function; keeps its relative accuracy where `1 − cdf` would round to 0.
  public static func sf(_ t: Double, df: Double) -> Double { cdf(-t, df: df) }

  /// The t with P(T ≤ t) = p: −∞ at 0, ∞ at 1, NaN outside [0, 1].
  public static func quantile(_ p: Double, df: Double) -> Double {
    guard p >= 0 && p <= 1, df > 0 else { return .nan }
    if df == .infinity { return StandardNormal.quantile(p) }
    if p == 0.5 { return 0 }
    if p == 0 || p == 1 { return p == 0 ? -.infinity : .infinity }
    let tail = Swift.min(p, 1 - p)  // exact: 1 − p has no rounding error for p ≥ ½
    let s = upperTailQuantile(tail, df: df)
    return p < 0.5 ? -s : s
  }

  /// Log of the density at `t` (finite far beyond where the density underflows).
  static func logPDF(_ t: Double, df: Double) -> Double {
    let z = abs(t) / df.squareRoot()
    let logKernel = z > 1e150 ? 2 * Foundation.log(z) : Foundation.log1p(z * z)  // log(1 + t²/ν)
    return -logBeta(df / 2, 0.5) - 0.5 * Foundation.log(df) - (df + 1) / 2 * logKernel
  }

  /// The regularized incomplete beta pair (I_x(ν/2, ½), I_y(½, ν/2)) at x = ν/(ν + s²), y = s²/(ν + s²),
  /// for s ≥ 0; P(T > s) is half the first.
  static func betaPair(_ s: Double, df: Double) -> (p: Double, q: Double) {
    let z = s / df.squareRoot()
    if z > 1e150 {
      // z² would overflow and x = 1/z² may underflow: keep the fraction's leading term, in logs.
      let p = Foundation.exp(-df * Foundation.log(z) - logBeta(df / 2, 0.5)) / (df / 2)
      return (p, 1 - p)
    }
    let z2 = z * z
    return incompleteBeta(df / 2, 0.5, x: 1 / (1 + z2), y: z2 / (1 + z2))
  }

  /// P(T > s) for s ≥ 0.
  static func upperTail(_ s: Double, df: Double) -> Double {
    if s == 0 { return 0.5 }
    if s == .infinity { return 0 }
    return betaPair(s, df: df).p / 2
  }

  /// The s ≥ 0 with P(T > s) = tail, for 0 < tail < ½.
  static func upperTailQuantile(_ tail: Double, df: Double) -> Double {
    let guess = initialGuess(tail, df: df)
    if tail <= 0.25 {
      // Far side: solve I_x(ν/2, ½) = 2·tail, which falls as s grows.
      return solveMonotone(target: 2 * tail, increasing: false, guess: guess) { s in
        let p = betaPair(s, df: df).p  // d/ds I_x(ν/2, ½) = −2·density
        return (p, -2 * Foundation.exp(logPDF(s, df: df) - Foundation.log(p)))
      }
    }
    // Near the centre: solve I_y(½, ν/2) = 1 − 2·tail (exact for tail in (¼, ½)), which grows with s.
    return solveMonotone(target: 1 - 2 * tail, increasing: true, guess: guess) { s in
      let q = betaPair(s, df: df).q
      return (q, 2 * Foundation.exp(logPDF(s, df: df) - Foundation.log(q)))
    }
  }

  /// A start for Newton: the Cornish–Fisher expansion around the normal quantile, or, far in a
  /// heavy tail, the power law P(T > s) ≈ ν^(ν/2 − 1) s^(−ν) / B(ν/2, ½).
  static func initialGuess(_ tail: Double, df: Double) -> Double {
    let z = -StandardNormal.quantile(tail)
    let z3 = z * z * z, z5 = z3 * z * z
    let cornishFisher = z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df)
    let logPowerLaw = ((df / 2 - 1) * Foundation.log(df) - logBeta(df / 2, 0.5) - Foundation.log(tail)) / df
    let powerLaw = Foundation.exp(logPowerLaw)
    let guess = powerLaw * powerLaw > 4 * df && powerLaw.isFinite ? powerLaw : cornishFisher
    return guess.isFinite && guess > 0 ? guess : 1
  }
}

/// The standard normal distribution N(0, 1).
///
/// ```swift
/// StandardNormal.cdf(1.96)        // 0.9750021048517795
/// StandardNormal.quantile(0.975)  // 1.959963984540054
/// ```
public enum StandardNormal {
  /// P(Z ≤ x).
  public static func cdf(_ x: Double) -> Double {
    0.5 * Foundation.erfc(-x / 2.0.squareRoot())
  }

  /// The x with P(Z ≤ x) = p: −∞ at 0, ∞ at 1, NaN outside [0, 1].
  public static func quantile(_ p: Double) -> Double {
    guard p >= 0 && p <= 1 else { return .nan }
    if p == 0.5 { return 0 }
    if p == 0 || p == 1 { return p == 0 ? -.infinity : .infinity }
    let tail = Swift.min(p, 1 - p)
    // Abramowitz & Stegun 26.2.23 (absolute error < 4.5e-4) as the start.
    let w = (-2 * Foundation.log(tail)).squareRoot()
    let guess = w - (2.515517 + 0.802853 * w + 0.010328 * w * w) / (1 + 1.432788 * w + 0.189269 * w * w + 0.001308 * w * w * w)
    let logDensity = { (s: Double) in -s * s / 2 - 0.5 * Foundation.log(2 * Double.pi) }
    let s: Double
    if tail <= 0.25 {
      s = solveMonotone(target: tail, increasing: false, guess: Swift.max(guess, 0.5)) { s in
        let q = 0.5 * Foundation.erfc(s / 2.0.squareRoot())
        return (q, -Foundation.exp(logDensity(s) - Foundation.log(q)))
      }
    } else {  // ½ − tail is exact here, and erf keeps its relative accuracy near 0
      s = solveMonotone(target: 0.5 - tail, increasing: true, guess: Swift.max(guess, 1e-3)) { s in
        let d = 0.5 * Foundation.erf(s / 2.0.squareRoot())
        return (d, Foundation.exp(logDensity(s) - Foundation.log(d)))
      }
    }
    return p < 0.5 ? -s : s
  }
}

// MARK: - Root finding

/// The s > 0 with f(s) = target, for f positive and monotone on (0, ∞); `f` returns f(s) and
/// f′(s)/f(s), the derivative of log f (which stays finite where f′ alone underflows).
///
/// Newton's method on log f − log target (one step for a power law, which is what a t tail is),
/// falling back to bisection whenever a step leaves the bracket of points already seen on either
/// side of the root.
func solveMonotone(target: Double, increasing: Bool, guess: Double,
                   _ f: (Double) -> (value: Double, logSlope: Double)) -> Double {
  var s = guess, lo = 0.0, hi = Double.infinity
  for _ in 0..<300 {
    let (value, logSlope) = f(s)
    if value == target { return s }
    if (value < target) == increasing { lo = s } else { hi = s }
    var next = s - Foundation.log(value / target) / logSlope  // (the log of a ratio: exact near the root)
    if abs(next - s) <= 2 * s.ulp { return next }
    if !(next > lo && next < hi) {  // also catches NaN (f underflowed to 0)
      next = hi == .infinity ? Swift.min(4 * s, .greatestFiniteMagnitude) : lo > 0 ? lo * (hi / lo).squareRoot() : hi / 4
    }
    if hi - lo <= 2 * lo.ulp { return next }
    s = next
  }
  return s
}

// MARK: - Incomplete beta function

/// The regularized incomplete beta function I_x(a, b) and its complement I_y(b, a) = 1 − I_x(a, b),
/// given both x and y = 1 − x (so a caller that knows y precisely need not round it through x).
func incompleteBeta(_ a: Double, _ b: Double, x: Double, y: Double) -> (p: Double, q: Double) {
  if x <= 0 { return (0, 1) }
  if y <= 0 { return (1, 0) }
  let logX = x <= 0.5 ? Foundation.log(x) : Foundation.log1p(-y)
  let logY = y <= 0.5 ? Foundation.log(y) : Foundation.log1p(-x)
  let front = Foundation.exp(a * logX + b * logY - logBeta(a, b))
  // The fraction converges fast for x < (a + 1)/(a + b + 2); past that, use the symmetry.
  if x < (a + 1) / (a + b + 2) {
    let p = front * betaContinuedFraction(a, b, x: x, y: y) / a
    return (p, 1 - p)
  }
  let q = front * betaContinuedFraction(b, a, x: y, y: x) / b
  return (1 - q, q)
}

/// The continued fraction for I_x(a, b) (Numerical Recipes §6.4), by the modified Lentz method;
/// y = 1 − x.
func betaContinuedFraction(_ a: Double, _ b: Double, x: Double, y: Double) -> Double {
  let tiny = 1e-300
  let qab = a + b, qap = a + 1, qam = a - 1
  // 1 − (a + b)x/(a + 1); for x near 1 (and large a) from y, which avoids the cancellation.
  var c = 1.0, d = x <= 0.5 ? 1 - qab * x / qap : (1 - b + qab * y) / qap
  if abs(d) < tiny { d = tiny }
  d = 1 / d
  var h = d
  for m in 1...100_000 {
    let m = Double(m), m2 = 2 * m
    // Even step.
    var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
    d = 1 + aa * d; if abs(d) < tiny { d = tiny }
    c = 1 + aa / c; if abs(c) < tiny { c = tiny }
    d = 1 / d
    h *= d * c
    // Odd step.
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
    d = 1 + aa * d; if abs(d) < tiny { d = tiny }
    c = 1 + aa / c; if abs(c) < tiny { c = tiny }
    d = 1 / d
    let delta = d * c
    h *= delta
    if abs(delta - 1) <= Double.ulpOfOne { break }
  }
  return h
}

/// log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b), without the cancellation of the three
/// lgamma terms when one argument is large (B(500, ½) at ν = 1000).
func logBeta(_ a: Double, _ b: Double) -> Double {
  let big = Swift.max(a, b), small = Swift.min(a, b)
  if big < 10 { return Foundation.lgamma(a) + Foundation.lgamma(b) - Foundation.lgamma(a + b) }
  return Foundation.lgamma(small) + logGammaRatio(big, small)
}

/// log Γ(a) − log Γ(a + b) for a ≥ 10, from Stirling's series with the large terms cancelled
/// by hand: −(a − ½)·log1p(b/a) − b·log(a + b) + b + δ(a) − δ(a + b).
func logGammaRatio(_ a: Double, _ b: Double) -> Double {
  -(a - 0.5) * Foundation.log1p(b / a) - b * Foundation.log(a + b) + b + stirlingCorrection(a) - stirlingCorrection(a + b)
}

/// δ(x) = log Γ(x) − [(x − ½) log x − x + ½ log 2π], for x ≥ 10 (the omitted term is below 1e-16).
func stirlingCorrection(_ x: Double) -> Double {
  let r = 1 / x, r2 = r * r
  // Bernoulli-number coefficients B₂ₖ / (2k(2k − 1)).
  let c: [Double] = [1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360_360, 1.0 / 156]
  var sum = 0.0
  for coefficient in c.reversed() { sum = sum * r2 + coefficient }
  return sum * r
}
