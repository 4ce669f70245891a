/// Counts of values in equal-width bins.
///
/// ```swift
/// let h = Histogram(title: "Episode lengths", values: lengths, bins: 30, xLabel: "steps")
/// ```
/// Bins span the finite values' range; non-finite values are counted in a note.
public struct Histogram: PanelFigure {
  /// Title above the chart; empty for none.
  public var title: String
  /// The raw values.
  public var values: [Double]
  /// Number of bins (at least 1).
  public var bins: Int
  /// x axis label.
  public var xLabel: String
  /// y axis label.
  public var yLabel: String
  /// Width in pixels.
  public var width: Int
  /// Height in pixels.
  public var height: Int

  /// Creates a histogram.
  public init(
    title: String = "", values: [Double], bins: Int = 20, xLabel: String = "",
    yLabel: String = "count",
    width: Int = 640, height: Int = 400
  ) {
    self.title = title
    self.values = values
    self.bins = bins
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.width = width
    self.height = height
  }

  /// Bin edges (`bins + 1` of them) and counts for the finite values.
  public func binCounts() -> (edges: [Double], counts: [Int]) {
    let v = values.filter(\.isFinite)
    let n = max(1, bins)
    guard var lo = v.min(), var hi = v.max() else { return ([], []) }
    if lo == hi {
      let m = max(0.5, lo.magnitude * 1e-6)
      lo -= m
      hi += m
    }
    // Halves and convex combinations: finite even when hi - lo overflows (±1e308 data).
    let half = hi / 2 - lo / 2
    let edges = (0...n).map { k -> Double in
      let f = Double(k) / Double(n)
      return k == n ? hi : lo * (1 - f) + hi * f
    }
    var counts = Array(repeating: 0, count: n)
    for x in v {
      // The last bin is closed on the right, so the maximum is counted.
      let t = (x / 2 - lo / 2) / half * Double(n)
      let i = t.isFinite ? min(n - 1, max(0, Int(t))) : 0
      counts[i] += 1
    }
    return (edges, counts)
  }

  /// The histogram as a standalone SVG element.
  public func svg() -> String { SVGDocument.render(panel()) }

  func panel() -> Panel {
    let w = Double(max(width, 50)), h = Double(max(height, 50))
    var notes = Notes()
    notes.nonFinite = values.count { !$0.isFinite }
    let finite = values.filter(\.isFinite)
    if finite.count >= 2, let f = finite.first, finite.allSatisfy({ $0 == f }) {
      notes.add("all values equal \(Num.significant(f))")
    }
    let (edges, counts) = binCounts()
    var frame = CartesianFrame(
      width: w, height: h, title: title, xLabel: xLabel, yLabel: yLabel,
      x: Ticks.linear(
        lower: edges.first ?? 0, upper: edges.last ?? 1, targetCount: max(2, Int(w / 90))),
      y: Ticks.linear(
        lower: 0, upper: Double(max(1, counts.max() ?? 1)), targetCount: max(2, Int(h / 70))))
    frame.notes = notes.lines
    let xm = frame.xMap, ym = frame.yMap
    var s = SVGWriter()
    frame.drawGrid(into: &s)
    s.open("g", ["class": "data", "fill": Theme.seriesColor(0), "fill-opacity": "0.85"])
    for (i, n) in counts.enumerated() where n > 0 {
      let (x0, x1) = (xm(edges[i]), xm(edges[i + 1]))
      let gap = x1 - x0 > 3 ? 0.5 : 0
      s.element(
        "rect",
        [
          "x": c(x0 + gap), "y": c(ym(Double(n))), "width": c(max(0.5, x1 - x0 - 2 * gap)),
          "height": c(ym(0) - ym(Double(n))),
        ])
    }
    s.close("g")
    frame.drawAxes(into: &s)
    if finite.isEmpty { frame.drawNoData(into: &s) }
    var desc = "Histogram of \(finite.count) values in \(counts.count) bins"
    if let lo = finite.min(), let hi = finite.max() {
      desc +=
        ", from \(Num.significant(lo)) to \(Num.significant(hi)), largest bin \(counts.max() ?? 0)"
    }
    return Panel(
      width: w, height: h, title: accessibleTitle(title, fallback: "Histogram"),
      desc: ([desc] + notes.lines).joined(separator: ". ") + ".", body: s)
  }
}
