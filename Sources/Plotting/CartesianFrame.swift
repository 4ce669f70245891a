/// A rectangle in pixels.
struct Rect {
  var x: Double, y: Double, width: Double, height: Double
  var maxX: Double { x + width }
  var maxY: Double { y + height }
  var midX: Double { x + width / 2 }
  var midY: Double { y + height / 2 }
}

/// Everything around the data of an x/y chart: layout, grid, axes, title, labels, legend, notes.
struct CartesianFrame {
  var width: Double
  var height: Double
  var title: String
  var xLabel: String
  var yLabel: String
  var x: AxisTicks
  var y: AxisTicks
  var xKind: AxisScale = .linear
  var yKind: AxisScale = .linear
  /// Category names drawn at the x positions 0, 1, 2, … instead of numeric ticks.
  var xCategories: [String]? = nil
  var legend: [LegendEntry] = []
  var notes: [String] = []

  static let tickSize = 11.0

  var plot: Rect {
    let top = title.isEmpty ? 14.0 : 38.0
    let yTickWidth = (y.ticks.map { textWidth($0.label, size: Self.tickSize) }.max() ?? 0)
    let left = 10 + (yLabel.isEmpty ? 0 : 20) + yTickWidth + 8
    let bottom: Double = 6 + 18 + (xLabel.isEmpty ? 0 : 18) + (notes.isEmpty ? 0 : 18)
    let lastX = xCategories == nil ? (x.ticks.last { !$0.label.isEmpty }?.label ?? "") : ""
    var right = max(14, textWidth(lastX, size: Self.tickSize) / 2 + 4)
    if !legend.isEmpty { right = 14 + Legend.width(legend) }
    return Rect(
      x: left, y: top, width: max(10, width - left - right), height: max(10, height - top - bottom))
  }

  var xMap: ScaleMap { ScaleMap(kind: xKind, domain: x.domain, range: (plot.x, plot.maxX)) }
  var yMap: ScaleMap { ScaleMap(kind: yKind, domain: y.domain, range: (plot.maxY, plot.y)) }

  /// The clip path for the data area; reference it with `clip-path="url(#<id>-clip)"`.
  func clipDefinition(into s: inout SVGWriter, id: String) {
    let p = plot
    // A little wider than the axes, so markers on the domain's edge are drawn whole.
    let m = 6.0
    s.raw(
      "<defs><clipPath id=\"\(id)\"><rect x=\"\(c(p.x - m))\" y=\"\(c(p.y - m))\" width=\"\(c(p.width + 2 * m))\" height=\"\(c(p.height + 2 * m))\"/></clipPath></defs>"
    )
  }

  func drawGrid(into s: inout SVGWriter) {
    let p = plot, xm = xMap, ym = yMap
    s.open(
      "g", ["class": "grid", "stroke": Theme.grid, "stroke-opacity": "0.14", "stroke-width": "1"])
    for t in y.ticks where t.isMajor {
      let py = ym(t.value)
      s.raw("<line x1=\"\(c(p.x))\" y1=\"\(c(py))\" x2=\"\(c(p.maxX))\" y2=\"\(c(py))\"/>")
    }
    if xCategories == nil {
      for t in x.ticks where t.isMajor {
        let px = xm(t.value)
        s.raw("<line x1=\"\(c(px))\" y1=\"\(c(p.y))\" x2=\"\(c(px))\" y2=\"\(c(p.maxY))\"/>")
      }
    }
    s.close("g")
  }

  func drawAxes(into s: inout SVGWriter) {
    let p = plot, xm = xMap, ym = yMap
    s.open("g", ["class": "axes"])
    s.line(p.x, p.maxY, p.maxX, p.maxY, stroke: Theme.fg)
    s.line(p.x, p.y, p.x, p.maxY, stroke: Theme.fg)
    // y ticks
    for t in y.ticks {
      let py = ym(t.value)
      s.line(p.x - (t.isMajor ? 4 : 2), py, p.x, py, stroke: Theme.fg)
      if !t.label.isEmpty {
        s.text(p.x - 6, py + 4, t.label, size: Self.tickSize, anchor: .end)
      }
    }
    // x ticks
    if let categories = xCategories {
      let band = p.width / Double(max(1, categories.count))
      let widest = categories.map { textWidth($0, size: Self.tickSize) }.max() ?? 0
      let every = max(1, Int((widest + 6) / max(band, 1)) + 1)
      for (i, name) in categories.enumerated() where i % every == 0 {
        let px = p.x + band * (Double(i) + 0.5)
        s.line(px, p.maxY, px, p.maxY + 4, stroke: Theme.fg)
        s.text(
          px, p.maxY + 16, truncated(name, toWidth: band * Double(every) - 4, size: Self.tickSize),
          size: Self.tickSize, anchor: .middle)
      }
    } else {
      let labelled = x.ticks.filter { !$0.label.isEmpty }
      let widest = labelled.map { textWidth($0.label, size: Self.tickSize) }.max() ?? 0
      let room = p.width / Double(max(1, labelled.count))
      let every = widest + 8 > room ? Int((widest + 8) / max(room, 1)) + 1 : 1
      var n = 0
      for t in x.ticks {
        let px = xm(t.value)
        s.line(px, p.maxY, px, p.maxY + (t.isMajor ? 4 : 2), stroke: Theme.fg)
        guard !t.label.isEmpty else { continue }
        if n % every == 0 { s.text(px, p.maxY + 16, t.label, size: Self.tickSize, anchor: .middle) }
        n += 1
      }
    }
    s.close("g")
    drawLabels(into: &s)
  }

  func drawLabels(into s: inout SVGWriter) {
    let p = plot
    if !title.isEmpty {
      s.text(
        width / 2, 24, truncated(title, toWidth: width - 20, size: 15), size: 15, anchor: .middle,
        weight: "600")
    }
    if !xLabel.isEmpty {
      s.text(
        p.midX, p.maxY + 34, truncated(xLabel, toWidth: p.width, size: 12), size: 12,
        anchor: .middle)
    }
    if !yLabel.isEmpty {
      s.text(
        16, p.midY, truncated(yLabel, toWidth: p.height, size: 12), size: 12, anchor: .middle,
        rotate: -90)
    }
    Legend.draw(legend, x: p.maxX + 14, y: p.y, maxHeight: height - p.y - 8, into: &s)
    if !notes.isEmpty {
      let text = notes.joined(separator: "; ")
      s.text(
        8, height - 8, truncated(text, toWidth: width - 16, size: 11), size: 11, style: "italic")
    }
  }

  /// A centred message in the plot area, for figures without drawable data.
  func drawNoData(_ message: String = "no data", into s: inout SVGWriter) {
    let p = plot
    s.text(p.midX, p.midY, message, size: 14, anchor: .middle, style: "italic")
  }
}
