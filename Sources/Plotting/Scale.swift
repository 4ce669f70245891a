/// How an axis maps data to position.
///
/// ```swift
/// var p = LinePlot(title: "Scaling", xLabel: "parameters", yLabel: "loss")
/// p.xScale = .log   // decades 10⁶, 10⁷, …; values ≤ 0 are omitted with a note
/// ```
public enum AxisScale: Sendable, Equatable {
  /// Evenly spaced values.
  case linear
  /// Base-10 logarithmic; only positive values can be drawn.
  case log
}

/// Maps a data domain onto a pixel range (which may run backwards, as y axes do).
struct ScaleMap {
  var kind: AxisScale
  var domain: ClosedRange<Double>
  var range: (Double, Double)

  func callAsFunction(_ v: Double) -> Double {
    let t: Double
    switch kind {
    case .linear:
      let span = domain.upperBound - domain.lowerBound
      t = span == 0 ? 0.5 : (v - domain.lowerBound) / span
    case .log:
      let a = log10d(domain.lowerBound), b = log10d(domain.upperBound)
      t = b == a ? 0.5 : (log10d(v) - a) / (b - a)
    }
    return range.0 + t * (range.1 - range.0)
  }

  /// Whether `v` can be placed on this scale at all.
  func accepts(_ v: Double) -> Bool {
    v.isFinite && (kind == .linear || v > 0)
  }
}

extension AxisScale {
  /// Whether `v` can be placed on an axis of this kind at all.
  func accepts(_ v: Double) -> Bool {
    v.isFinite && (self == .linear || v > 0)
  }

  /// Ticks and domain for data spanning `lower...upper`.
  func ticks(lower: Double, upper: Double, targetCount: Int = 6) -> AxisTicks {
    switch self {
    case .linear: Ticks.linear(lower: lower, upper: upper, targetCount: targetCount)
    case .log: Ticks.logarithmic(lower: lower, upper: upper)
    }
  }
}
