/// A vertical colour bar with ticks, for heatmaps and grid-world values.
struct ColorBar {
  var colorMap: ColorMap
  var domain: ClosedRange<Double>
  var height: Double

  static let barWidth = 14.0

  var ticks: [Tick] {
    Ticks.linear(
      lower: domain.lowerBound, upper: domain.upperBound,
      targetCount: max(2, Int(height / 45)), niceBounds: false
    ).ticks
  }

  /// Total width including tick labels.
  var width: Double {
    Self.barWidth + 10 + (ticks.map { textWidth($0.label, size: 11) }.max() ?? 0)
  }

  func draw(x: Double, y: Double, id: String, into s: inout SVGWriter) {
    let stops = colorMap.stops
    s.raw("<defs><linearGradient id=\"\(id)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">")
    for (i, stop) in stops.enumerated() {
      let offset = Double(i) / Double(stops.count - 1)
      s.raw("<stop offset=\"\(Num.decimals(offset, 4))\" stop-color=\"\(stop.hex)\"/>")
    }
    s.raw("</linearGradient></defs>")
    s.open("g", ["class": "colorbar"])
    // NB: written raw because the id token must not be escaped (see SVGDocument.idToken).
    s.raw(
      "<rect x=\"\(c(x))\" y=\"\(c(y))\" width=\"\(c(Self.barWidth))\" height=\"\(c(height))\" fill=\"url(#\(id))\""
        + " stroke=\"\(Theme.fg)\" stroke-opacity=\"0.4\"/>")
    let span = domain.upperBound - domain.lowerBound
    for t in ticks {
      let py = y + height - (span == 0 ? 0.5 : (t.value - domain.lowerBound) / span) * height
      s.line(x + Self.barWidth, py, x + Self.barWidth + 3, py, stroke: Theme.fg)
      s.text(x + Self.barWidth + 6, py + 4, t.label, size: 11)
    }
    s.close("g")
  }
}

/// Colour of a value under a colour map and domain.
func shade(_ v: Double, _ map: ColorMap, _ domain: ClosedRange<Double>) -> RGB {
  let span = domain.upperBound - domain.lowerBound
  return map.color(at: span == 0 ? 0.5 : (v - domain.lowerBound) / span)
}
