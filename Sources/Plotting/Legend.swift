/// One legend row.
struct LegendEntry {
  enum Swatch { case line(Marker, band: Bool), marker(Marker), box }
  var name: String
  var color: String
  var swatch: Swatch
}

enum Legend {
  static let fontSize = 12.0
  static let rowHeight = 18.0
  static let maxWidth = 170.0

  /// Width the legend needs (0 when empty).
  static func width(_ entries: [LegendEntry]) -> Double {
    guard !entries.isEmpty else { return 0 }
    let longest = entries.map { textWidth($0.name, size: fontSize) }.max() ?? 0
    return min(maxWidth, 30 + longest) + 14
  }

  /// Draws the entries from (`x`, `y`) down; beyond `maxHeight` the rest is summarised as "+N more".
  static func draw(
    _ entries: [LegendEntry], x: Double, y: Double, maxHeight: Double = .infinity,
    into s: inout SVGWriter
  ) {
    guard !entries.isEmpty else { return }
    let fit = max(1, Int(maxHeight / rowHeight))
    let shown = entries.count <= fit ? entries : Array(entries.prefix(fit - 1))
    s.open("g", ["class": "legend"])
    if shown.count < entries.count {
      let cy = y + Double(shown.count) * rowHeight + rowHeight / 2
      s.text(
        x + 28, cy + 4, "+\(entries.count - shown.count) more", size: fontSize, style: "italic")
    }
    for (i, e) in shown.enumerated() {
      let cy = y + Double(i) * rowHeight + rowHeight / 2
      switch e.swatch {
      case .line(let marker, let band):
        if band { s.rect(x, cy - 6, 22, 12, fill: e.color, opacity: 0.2) }
        s.line(x, cy, x + 22, cy, stroke: e.color, width: 2)
        Markers.draw(marker, x: x + 11, y: cy, color: e.color, into: &s)
      case .marker(let marker):
        Markers.draw(marker, x: x + 11, y: cy, color: e.color, into: &s)
      case .box:
        s.rect(x + 4, cy - 6, 14, 12, fill: e.color)
      }
      let name = truncated(e.name, toWidth: maxWidth - 30, size: fontSize)
      s.text(x + 28, cy + 4, name, size: fontSize)
    }
    s.close("g")
  }
}

enum Markers {
  static func draw(
    _ m: Marker, x: Double, y: Double, color: String, size r: Double = 3.5, into s: inout SVGWriter
  ) {
    switch m {
    case .none:
      return
    case .circle:
      s.element("circle", ["cx": c(x), "cy": c(y), "r": c(r), "fill": color])
    case .square:
      s.rect(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8, fill: color)
    case .triangle:
      let h = r * 1.2
      s.element(
        "path",
        [
          "d": "M\(c(x)) \(c(y - h))L\(c(x + h)) \(c(y + h * 0.8))L\(c(x - h)) \(c(y + h * 0.8))Z",
          "fill": color,
        ])
    case .diamond:
      let h = r * 1.25
      s.element(
        "path",
        [
          "d": "M\(c(x)) \(c(y - h))L\(c(x + h)) \(c(y))L\(c(x)) \(c(y + h))L\(c(x - h)) \(c(y))Z",
          "fill": color,
        ])
    }
  }
}
