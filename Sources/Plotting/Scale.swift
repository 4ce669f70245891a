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
      // Halves are exact and keep ±1e308 domains from overflowing to ∞.
      let half = domain.upperBound / 2 - domain.lowerBound / 2
      t = half == 0 ? 0.5 : (v / 2 - domain.lowerBound / 2) / half
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

  /// Ticks and domain for data spanning `lower...upper`, or exactly `fixed` when given
  /// (and usable on this scale: finite, non-empty, positive for log).
  func ticks(lower: Double, upper: Double, fixed: ClosedRange<Double>? = nil, targetCount: Int = 6)
    -> AxisTicks
  {
    if let r = fixed, accepts(r.lowerBound), accepts(r.upperBound), r.lowerBound < r.upperBound {
      switch self {
      case .linear:
        return Ticks.linear(
          lower: r.lowerBound, upper: r.upperBound, targetCount: targetCount, niceBounds: false)
      case .log:
        let all = Ticks.logarithmic(lower: r.lowerBound, upper: r.upperBound)
        let inside = all.ticks.filter {
          $0.value >= r.lowerBound * (1 - 1e-9) && $0.value <= r.upperBound * (1 + 1e-9)
        }
        return AxisTicks(domain: r, ticks: inside)
      }
    }
    switch self {
    case .linear: return Ticks.linear(lower: lower, upper: upper, targetCount: targetCount)
    case .log: return Ticks.logarithmic(lower: lower, upper: upper)
    }
  }
}
