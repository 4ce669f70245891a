/// Lines over x: learning curves, losses, scaling curves.
///
/// ```swift
/// var p = LinePlot(title: "CartPole return", xLabel: "episode", yLabel: "return")
/// p.add(Series(name: "REINFORCE", y: returns))
/// p.add(Series.meanBand(name: "A2C", runs: returnsPerSeed))   // mean ± std, shaded
/// p.hline(475, label: "solved")
/// p.annotate(x: 120, y: 200, "baseline added")
/// p.movingAverage(window: 20)
/// show(p)
/// ```
/// A legend appears when any series has a name. Series with at most 40 points get markers.
public struct LinePlot: PanelFigure {
  /// Title above the plot; empty for none.
  public var title: String
  /// x axis label.
  public var xLabel: String
  /// y axis label.
  public var yLabel: String
  /// The series, drawn in order (later ones on top).
  public var series: [Series] = []
  /// x axis scale.
  public var xScale: AxisScale = .linear
  /// y axis scale.
  public var yScale: AxisScale = .linear
  /// Horizontal reference lines.
  public var referenceLines: [ReferenceLine] = []
  /// Point annotations.
  public var annotations: [Annotation] = []
  /// When set, every series not already smoothed is drawn as a trailing moving average.
  public var smoothingWindow: Int?
  /// A fixed x range (e.g. `0...500`); `nil` fits the data. Data outside is clipped.
  public var xRange: ClosedRange<Double>?
  /// A fixed y range, so several plots share one scale; `nil` fits the data.
  public var yRange: ClosedRange<Double>?
  /// Width in pixels (the SVG scales down to fit its container).
  public var width: Int
  /// Height in pixels.
  public var height: Int

  /// Creates an empty line plot.
  public init(
    title: String = "", xLabel: String = "", yLabel: String = "", width: Int = 640,
    height: Int = 400
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.width = width
    self.height = height
  }

  /// Adds a series.
  public mutating func add(_ series: Series) { self.series.append(series) }

  /// Adds a dashed horizontal line at `y`, labelled at its right end.
  public mutating func hline(_ y: Double, label: String = "") {
    referenceLines.append(ReferenceLine(y: y, label: label))
  }

  /// Marks the point (`x`, `y`) with a ring and `text`.
  public mutating func annotate(x: Double, y: Double, _ text: String) {
    annotations.append(Annotation(x: x, y: y, text: text))
  }

  /// Draws every series as a trailing moving average over `window` points, over its faint raw line.
  public mutating func movingAverage(window: Int) {
    smoothingWindow = window > 1 ? window : nil
  }

  /// The plot as a standalone SVG element.
  public func svg() -> String { SVGDocument.render(panel()) }

  func panel() -> Panel {
    XYChart(
      kind: "Line plot", title: title, xLabel: xLabel, yLabel: yLabel, series: series,
      xScale: xScale, yScale: yScale, width: Double(max(width, 50)),
      height: Double(max(height, 50)),
      referenceLines: referenceLines, annotations: annotations, smoothingWindow: smoothingWindow,
      connect: true, xRange: xRange, yRange: yRange
    ).panel()
  }
}
