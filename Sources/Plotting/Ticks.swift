/// One tick on an axis: where it goes and what it says.
public struct Tick: Equatable, Sendable {
  /// The data value at which the tick is drawn.
  public var value: Double
  /// The tick's text; empty for unlabelled minor ticks.
  public var label: String
  /// Major ticks get a grid line and (usually) a label; minor ticks only a short mark.
  public var isMajor: Bool

  /// Creates a tick.
  public init(value: Double, label: String, isMajor: Bool = true) {
    self.value = value
    self.label = label
    self.isMajor = isMajor
  }
}

/// An axis' domain together with its ticks.
public struct AxisTicks: Equatable, Sendable {
  /// The data range the axis spans (widened to the outer ticks when nice bounds were asked for).
  public var domain: ClosedRange<Double>
  /// The ticks in increasing order.
  public var ticks: [Tick]
}

/// Tick placement: "nice" steps of 1, 2 or 5 × 10^k, and decades for log axes.
///
/// ```swift
/// Ticks.linear(lower: 0, upper: 0.93).ticks.map(\.label)   // ["0", "0.2", "0.4", "0.6", "0.8", "1"]
/// ```
/// Labels are exact decimals: a tick at 0.3 prints "0.3", never "0.30000000000000004".
public enum Ticks {
  /// Nice ticks for `lower...upper`, aiming at about `targetCount` intervals.
  ///
  /// With `niceBounds` the domain grows to the enclosing ticks; otherwise it is `lower...upper`
  /// and only ticks inside it are returned. Equal bounds are widened around the value;
  /// non-finite bounds fall back to `0...1`.
  public static func linear(
    lower: Double, upper: Double, targetCount: Int = 6, niceBounds: Bool = true
  ) -> AxisTicks {
    var lo = lower.isFinite ? lower : 0
    var hi = upper.isFinite ? upper : (lower.isFinite ? lo : 1)
    if !lower.isFinite && upper.isFinite { lo = hi }
    if lo > hi { swap(&lo, &hi) }
    if lo == hi {
      let m = lo == 0 ? 1 : Num.pow10(Num.exponent10(lo.magnitude))
      lo -= m
      hi += m
    }
    let span = hi - lo
    guard span.isFinite, span > 0 else {
      return AxisTicks(
        domain: lo...hi,
        ticks: [
          Tick(value: lo, label: Num.significant(lo)), Tick(value: hi, label: Num.significant(hi)),
        ])
    }
    let raw = span / Double(max(1, targetCount))
    var e = Num.exponent10(raw)
    let f = Num.scale(raw, by: -e)
    let m: Int
    if f < 1.5 { m = 1 } else if f < 3 { m = 2 } else if f < 7 { m = 5 } else { m = 1; e += 1 }
    let step = Num.value(m, e)
    // Tolerance: 0.3 / 0.1 is 2.9999999999999996, which must still count as the tick 3.
    let eps = 1e-9
    let first = niceBounds ? (lo / step + eps).rounded(.down) : (lo / step - eps).rounded(.up)
    let last = niceBounds ? (hi / step - eps).rounded(.up) : (hi / step + eps).rounded(.down)
    guard first.magnitude < 1e15, last.magnitude < 1e15, last >= first, last - first <= 1000 else {
      return AxisTicks(
        domain: lo...hi,
        ticks: [
          Tick(value: lo, label: Num.significant(lo)), Tick(value: hi, label: Num.significant(hi)),
        ])
    }
    let indices = Array(Int(first)...Int(last))
    let mantissas = indices.map { $0 * m }
    let labels = labels(mantissas: mantissas, exponent: e)
    let ticks = zip(mantissas, labels).map { Tick(value: Num.value($0, e), label: $1) }
    let domain = niceBounds ? (ticks.first?.value ?? lo)...(ticks.last?.value ?? hi) : lo...hi
    return AxisTicks(domain: domain, ticks: ticks)
  }

  /// Decade ticks for a log axis over `lower...upper` (both must be > 0; otherwise `1...10`).
  ///
  /// The domain is widened to whole decades. Every decade gets a major tick (every second, third…
  /// when there are more than eight); minor ticks at 2…9 × 10^k appear for spans up to six decades,
  /// and 2 and 5 are labelled when the span is a single decade. Labels are plain ("0.001", "1000")
  /// when the whole axis lies within 10⁻³…10⁴, and powers of ten ("10⁻⁶", "10⁰") otherwise.
  public static func logarithmic(lower: Double, upper: Double) -> AxisTicks {
    var lo = lower, hi = upper
    if !(lo > 0 && lo.isFinite) || !(hi > 0 && hi.isFinite) { lo = 1; hi = 10 }
    if lo > hi { swap(&lo, &hi) }
    // Tolerances: 10^6 computed as 999999.9999999999 still starts at the decade 10^6.
    let e0 = Num.exponent10(lo * (1 + 1e-9))
    var e1 = Num.exponent10(hi)
    if Num.value(1, e1) * (1 + 1e-9) < hi { e1 += 1 }
    if e1 == e0 { e1 += 1 }
    let decades = e1 - e0
    let every = max(1, (decades + 7) / 8)
    // One style per axis: plain decimals when every decade is short, otherwise all 10ˣ.
    let plain = e0 >= -3 && e1 <= 4
    var ticks: [Tick] = []
    for e in e0...e1 {
      let labelled = e.isMultiple(of: every)
      ticks.append(
        Tick(
          value: Num.value(1, e), label: labelled ? decadeLabel(e, plain: plain) : "",
          isMajor: labelled))
      guard e < e1, decades <= 6 else { continue }
      for j in 2...9 {
        let label = decades <= 1 && (j == 2 || j == 5) ? Num.compact(j, e) : ""
        ticks.append(Tick(value: Num.value(j, e), label: label, isMajor: false))
      }
    }
    return AxisTicks(domain: Num.value(1, e0)...Num.value(1, e1), ticks: ticks)
  }

  /// "0.01", "1", "1000" in plain style, "10⁻⁶" / "10⁰" / "10⁸" otherwise.
  static func decadeLabel(_ e: Int, plain: Bool) -> String {
    if plain { return Num.compact(1, e) }
    let superscripts: [Character: String] = [
      "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸",
      "9": "⁹",
      "-": "⁻",
    ]
    return "10" + String(e).map { superscripts[$0] ?? String($0) }.joined()
  }

  /// Labels for n × 10^e sharing one style: fixed decimals, or scientific when very large or small.
  static func labels(mantissas: [Int], exponent e: Int) -> [String] {
    let largest = mantissas.map(\.magnitude).max() ?? 0
    guard largest > 0 else { return mantissas.map { _ in "0" } }
    let magnitude = String(largest).count - 1 + e
    if magnitude >= 7 || magnitude <= -5 { return mantissas.map { Num.scientific($0, e) } }
    return mantissas.map { Num.fixed($0, e, decimals: max(0, -e)) }
  }
}
