// Deterministic decimal formatting without Foundation.
//
// Numbers are turned into an integer mantissa `n` and a power of ten `k` (value = n × 10^k) and
// printed with integer arithmetic only, so `0.1 + 0.2` prints as "0.3" and output never depends
// on the platform's float printing or locale.

enum Num {
  private static let exactPowers: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  /// 10^k; exact for |k| ≤ 22 (negative powers are computed as 1 / 10^-k).
  static func pow10(_ k: Int) -> Double {
    if k >= 0 && k <= 22 { return exactPowers[k] }
    if k < 0 { return 1 / pow10(-k) }
    var r = 1e22
    for _ in 0..<min(k - 22, 400) { r *= 10 }
    return r
  }

  /// `n × 10^k` as a Double, rounded once (division keeps e.g. 3 × 10^-1 at exactly 0.3).
  static func value(_ n: Int, _ k: Int) -> Double {
    k >= 0 ? Double(n) * pow10(k) : Double(n) / pow10(-k)
  }

  /// The decimal exponent of a positive finite number: 10^e ≤ x < 10^(e+1).
  static func exponent10(_ x: Double) -> Int {
    guard x > 0, x.isFinite else { return 0 }
    var e = Int(log10d(x).rounded(.down))
    if pow10(e) > x { e -= 1 } else if pow10(e + 1) <= x { e += 1 }
    return e
  }

  /// Removes trailing zeros of the mantissa.
  static func normalized(_ n: Int, _ k: Int) -> (n: Int, k: Int) {
    guard n != 0 else { return (0, 0) }
    var n = n, k = k
    while n % 10 == 0 { n /= 10; k += 1 }
    return (n, k)
  }

  /// `n × 10^k` printed with exactly `decimals` fraction digits (requires k ≥ -decimals).
  static func fixed(_ n: Int, _ k: Int, decimals: Int) -> String {
    let shift = k + decimals
    var scaled = n.magnitude
    for _ in 0..<max(shift, 0) {
      let (m, overflow) = scaled.multipliedReportingOverflow(by: 10)
      if overflow { return scientific(n, k) }
      scaled = m
    }
    var digits = String(scaled)
    if decimals > 0 {
      while digits.count <= decimals { digits = "0" + digits }
      digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
    }
    return (n < 0 && scaled != 0 ? "-" : "") + digits
  }

  /// `n × 10^k` as "d.ddde±x" with trailing zeros removed, e.g. "2.5e-6", "1e9".
  static func scientific(_ n: Int, _ k: Int) -> String {
    let (m, kk) = normalized(n, k)
    guard m != 0 else { return "0" }
    let digits = String(m.magnitude)
    let e = digits.count - 1 + kk
    var s = m < 0 ? "-" : ""
    s += String(digits.prefix(1))
    if digits.count > 1 { s += "." + digits.dropFirst() }
    return s + "e" + String(e)
  }

  /// Shortest plain form of `n × 10^k` ("0.3", "1500"); scientific when very large or small.
  static func compact(_ n: Int, _ k: Int) -> String {
    let (m, kk) = normalized(n, k)
    guard m != 0 else { return "0" }
    let e = String(m.magnitude).count - 1 + kk
    if e >= 7 || e <= -5 { return scientific(m, kk) }
    return fixed(m, kk, decimals: max(0, -kk))
  }

  /// A value with `digits` significant digits, in compact form ("498", "0.0123", "1.23e8").
  static func significant(_ v: Double, digits: Int = 4) -> String {
    guard v.isFinite else { return nonFinite(v) }
    guard v != 0 else { return "0" }
    let (n, k) = mantissa(v, digits: digits)
    return compact(n, k)
  }

  /// A value rounded to `decimals` fraction digits ("0.30", "-1.5" for decimals 1).
  static func decimals(_ v: Double, _ decimals: Int) -> String {
    guard v.isFinite else { return nonFinite(v) }
    let d = min(max(decimals, 0), 12)
    let scaled = v * pow10(d)
    guard scaled.magnitude < 9e15 else { return significant(v) }
    return fixed(Int(scaled.rounded()), -d, decimals: d)
  }

  /// A pixel coordinate: at most two decimals, trailing zeros removed, never scientific.
  static func coord(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    // Hot path (every point of every path): plain integer arithmetic, no loops.
    let n = Int((min(max(v, -1e7), 1e7) * 100).rounded())
    let magnitude = n.magnitude
    let whole = String(magnitude / 100)
    let cents = Int(magnitude % 100)
    let sign = n < 0 ? "-" : ""
    if cents == 0 { return sign + whole }
    if cents % 10 == 0 { return sign + whole + "." + String(cents / 10) }
    return sign + whole + (cents < 10 ? ".0" : ".") + String(cents)
  }

  static func nonFinite(_ v: Double) -> String {
    v.isNaN ? "NaN" : (v > 0 ? "∞" : "-∞")
  }

  /// Integer mantissa with `digits` significant digits: v ≈ n × 10^k.
  static func mantissa(_ v: Double, digits: Int) -> (n: Int, k: Int) {
    var k = exponent10(v.magnitude) - digits + 1
    var scaled = scale(v, by: -k)
    if scaled.rounded().magnitude >= pow10(digits) {
      k += 1
      scaled = scale(v, by: -k)
    }
    guard scaled.isFinite, scaled.magnitude < 9e15 else { return (0, 0) }
    return (Int(scaled.rounded()), k)
  }

  /// v × 10^p, in two steps so that subnormal inputs do not overflow the power.
  static func scale(_ v: Double, by p: Int) -> Double {
    if p <= 0 { return v / pow10(-p) }
    let half = p / 2
    return v * pow10(half) * pow10(p - half)
  }
}
