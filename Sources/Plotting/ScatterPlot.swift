/// Points without lines: one marker shape and colour per group.
///
/// ```swift
/// var s = ScatterPlot(title: "Value estimates", xLabel: "true value", yLabel: "estimate")
/// s.add(name: "TD(0)", x: truth, y: estimates)
/// s.add(name: "Monte Carlo", x: truth, y: mc)
/// ```
public struct ScatterPlot: PanelFigure {
  /// Title above the plot; empty for none.
  public var title: String
  /// x axis label.
  public var xLabel: String
  /// y axis label.
  public var yLabel: String
  /// The point groups (as series; their bands are ignored).
  public var series: [Series] = []
  /// x axis scale.
  public var xScale: AxisScale = .linear
  /// y axis scale.
  public var yScale: AxisScale = .linear
  /// Horizontal reference lines.
  public var referenceLines: [ReferenceLine] = []
  /// Point annotations.
  public var annotations: [Annotation] = []
  /// A fixed x range (e.g. `0...500`); `nil` fits the data. Data outside is clipped.
  public var xRange: ClosedRange<Double>?
  /// A fixed y range, so several plots share one scale; `nil` fits the data.
  public var yRange: ClosedRange<Double>?
  /// Width in pixels.
  public var width: Int
  /// Height in pixels.
  public var height: Int

  /// Creates an empty scatter plot.
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

  /// Adds a group of points.
  public mutating func add(name: String, x: [Double], y: [Double]) {
    series.append(Series(name: name, x: x, y: y))
  }

  /// Adds a group of points given as a series (its marker and colour are used).
  public mutating func add(_ series: Series) { self.series.append(series) }

  /// Adds a dashed horizontal line at `y`.
  public mutating func hline(_ y: Double, label: String = "") {
    referenceLines.append(ReferenceLine(y: y, label: label))
  }

  /// Marks the point (`x`, `y`) with a ring and `text`.
  public mutating func annotate(x: Double, y: Double, _ text: String) {
    annotations.append(Annotation(x: x, y: y, text: text))
  }

  /// The plot as a standalone SVG element.
  public func svg() -> String { SVGDocument.render(panel()) }

  func panel() -> Panel {
    XYChart(
      kind: "Scatter plot", title: title, xLabel: xLabel, yLabel: yLabel,
      series: series.map {
        var s = $0; s.band = nil; return s
      },
      xScale: xScale, yScale: yScale, width: Double(max(width, 50)),
      height: Double(max(height, 50)),
      referenceLines: referenceLines, annotations: annotations, smoothingWindow: nil,
      connect: false,
      xRange: xRange, yRange: yRange
    ).panel()
  }
}
