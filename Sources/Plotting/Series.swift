/// One named line (or point set) of a `LinePlot` or `ScatterPlot`.
///
/// ```swift
/// Series(name: "REINFORCE", y: returns)                         // x = 0, 1, 2, …
/// Series(name: "baseline", x: xs, y: mean, band: (lower: lo, upper: hi))
/// Series.meanBand(name: "A2C", x: xs, runs: returnsPerSeed)       // mean ± std over seeds
/// Series(name: "raw", y: returns).smoothed(window: 20)           // moving average over a faint raw line
/// ```
/// Non-finite values are skipped (lines break there) and counted in a note on the figure.
public struct Series: Sendable {
  /// Legend name; empty names are left out of the legend.
  public var name: String
  /// x values; `nil` means 0, 1, 2, … (one per y value).
  public var x: [Double]?
  /// y values.
  public var y: [Double]
  /// A shaded band around the line, e.g. mean ± one standard deviation.
  public var band: (lower: [Double], upper: [Double])?
  /// Point marker; `nil` picks one automatically (shown when a series has at most 40 points).
  public var marker: Marker?
  /// A CSS colour overriding the palette, e.g. `"#CC79A7"`.
  public var color: String?
  /// The values before `smoothed(window:)`, drawn as a faint line under the smoothed one.
  public internal(set) var unsmoothedY: [Double]?

  /// Creates a series; `x` defaults to 0..<y.count.
  public init(
    name: String, x: [Double]? = nil, y: [Double],
    band: (lower: [Double], upper: [Double])? = nil, marker: Marker? = nil, color: String? = nil
  ) {
    self.name = name
    self.x = x
    self.y = y
    self.band = band
    self.marker = marker
    self.color = color
  }

  /// The mean over `runs` (e.g. seeds) with a band of ± one standard deviation.
  ///
  /// Runs may differ in length: point `i` uses the runs that have a finite value at `i`.
  /// The standard deviation is the population one (divide by the number of runs).
  public static func meanBand(name: String, x: [Double]? = nil, runs: [[Double]]) -> Series {
    let n = runs.map(\.count).max() ?? 0
    var mean: [Double] = [], lower: [Double] = [], upper: [Double] = []
    for i in 0..<n {
      let v = runs.compactMap { i < $0.count && $0[i].isFinite ? $0[i] : nil }
      guard !v.isEmpty else {
        mean.append(.nan); lower.append(.nan); upper.append(.nan)
        continue
      }
      let m = v.reduce(0, +) / Double(v.count)
      let sd = (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)).squareRoot()
      mean.append(m)
      lower.append(m - sd)
      upper.append(m + sd)
    }
    return Series(name: name, x: x, y: mean, band: (lower: lower, upper: upper))
  }

  /// This series with `y` (and its band) replaced by a trailing moving average over `window`
  /// points; the original values stay visible as a faint line.
  ///
  /// The first points average over what is available (1, 2, … values); non-finite values are
  /// skipped inside the window.
  public func smoothed(window: Int) -> Series {
    guard window > 1 else { return self }
    var s = self
    s.unsmoothedY = unsmoothedY ?? y
    s.y = movingAverage(y, window: window)
    if let band {
      s.band = (
        movingAverage(band.lower, window: window), movingAverage(band.upper, window: window)
      )
    }
    return s
  }

  /// The x values actually used.
  var xValues: [Double] { x ?? (0..<y.count).map(Double.init) }
}

/// A trailing moving average that skips non-finite values.
func movingAverage(_ v: [Double], window: Int) -> [Double] {
  var out: [Double] = []
  out.reserveCapacity(v.count)
  var sum = 0.0, count = 0
  for i in v.indices {
    if v[i].isFinite { sum += v[i]; count += 1 }
    if i >= window, v[i - window].isFinite { sum -= v[i - window]; count -= 1 }
    out.append(count > 0 ? sum / Double(count) : .nan)
  }
  return out
}

/// The symbol drawn at each data point.
public enum Marker: Sendable, Equatable, CaseIterable {
  /// No marker.
  case none
  /// A filled circle.
  case circle
  /// A filled square.
  case square
  /// A filled upward triangle.
  case triangle
  /// A filled diamond.
  case diamond

  /// Automatic markers vary in shape as well as colour, so series differ without colour too.
  static func automatic(_ index: Int) -> Marker {
    [.circle, .square, .triangle, .diamond][index % 4]
  }
}

/// A horizontal reference line, e.g. the "solved" threshold.
public struct ReferenceLine: Sendable, Equatable {
  /// The y value.
  public var y: Double
  /// Text drawn above the line's right end; may be empty.
  public var label: String
}

/// A text note attached to a data point.
public struct Annotation: Sendable, Equatable {
  /// Data x of the point.
  public var x: Double
  /// Data y of the point.
  public var y: Double
  /// The note.
  public var text: String
}
