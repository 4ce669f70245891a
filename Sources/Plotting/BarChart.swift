/// Grouped bars: one cluster per category, one bar per group.
///
/// ```swift
/// let chart = BarChart(
///   title: "Final return", categories: ["CartPole", "Acrobot"],
///   groups: [(name: "PPO", values: [500, -80]), (name: "A2C", values: [410, -95])])
/// ```
/// Bars start at zero (negative values hang below it). Missing or non-finite values are left
/// out and counted in a note.
public struct BarChart: PanelFigure {
  /// Title above the chart; empty for none.
  public var title: String
  /// Category names along the x axis.
  public var categories: [String]
  /// Named groups; `values[i]` belongs to `categories[i]`.
  public var groups: [(name: String, values: [Double])]
  /// x axis label.
  public var xLabel: String
  /// y axis label.
  public var yLabel: String
  /// Width in pixels.
  public var width: Int
  /// Height in pixels.
  public var height: Int

  /// Creates a grouped bar chart.
  public init(
    title: String = "", categories: [String], groups: [(name: String, values: [Double])],
    xLabel: String = "", yLabel: String = "", width: Int = 640, height: Int = 400
  ) {
    self.title = title
    self.categories = categories
    self.groups = groups
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.width = width
    self.height = height
  }

  /// The chart as a standalone SVG element.
  public func svg() -> String { SVGDocument.render(panel()) }

  func panel() -> Panel {
    let w = Double(max(width, 50)), h = Double(max(height, 50))
    var notes = Notes()
    var finite: [Double] = []
    for g in groups {
      for i in categories.indices {
        guard i < g.values.count else {
          notes.add("\(g.name): no value for \(categories[i])"); continue
        }
        if g.values[i].isFinite { finite.append(g.values[i]) } else { notes.nonFinite += 1 }
      }
    }
    let lo = min(0, finite.min() ?? 0), hi = max(0, finite.max() ?? 1)
    var frame = CartesianFrame(
      width: w, height: h, title: title, xLabel: xLabel, yLabel: yLabel,
      x: AxisTicks(domain: 0...1, ticks: []),
      y: Ticks.linear(lower: lo, upper: hi == lo ? 1 : hi, targetCount: max(2, Int(h / 70))),
      xCategories: categories)
    if groups.count > 1 || (groups.count == 1 && !groups[0].name.isEmpty) {
      frame.legend = groups.enumerated().map {
        LegendEntry(name: $1.name, color: Theme.seriesColor($0), swatch: .box)
      }
    }
    frame.notes = notes.lines
    let p = frame.plot, ym = frame.yMap
    var s = SVGWriter()
    frame.drawGrid(into: &s)
    let band = p.width / Double(max(1, categories.count))
    let barWidth = band * 0.75 / Double(max(1, groups.count))
    s.open("g", ["class": "data"])
    for (gi, g) in groups.enumerated() {
      s.open("g", ["fill": Theme.seriesColor(gi)])
      for (i, v) in g.values.prefix(categories.count).enumerated() where v.isFinite {
        let x = p.x + band * Double(i) + band * 0.125 + barWidth * Double(gi)
        let (y0, y1) = (ym(0), ym(v))
        s.element(
          "rect",
          [
            "x": c(x + 0.5), "y": c(min(y0, y1)), "width": c(max(0, barWidth - 1)),
            "height": c(abs(y1 - y0)),
          ])
      }
      s.close("g")
    }
    s.close("g")
    if lo < 0 { s.line(p.x, ym(0), p.maxX, ym(0), stroke: Theme.fg, opacity: 0.6) }
    frame.drawAxes(into: &s)
    if finite.isEmpty { frame.drawNoData(into: &s) }
    var desc = ["Bar chart with \(categories.count) categories and \(groups.count) groups"]
    for g in groups {
      let v = g.values.filter(\.isFinite)
      desc.append(
        "\(g.name.isEmpty ? "unnamed" : g.name): "
          + (v.isEmpty
            ? "no values"
            : "from \(Num.significant(v.min() ?? 0)) to \(Num.significant(v.max() ?? 0))"))
    }
    return Panel(
      width: w, height: h, title: accessibleTitle(title, fallback: "Bar chart"),
      desc: (desc + notes.lines).joined(separator: ". ") + ".", body: s)
  }
}
