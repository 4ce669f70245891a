/// The shared renderer behind `LinePlot` and `ScatterPlot`.
struct XYChart {
  var kind: String
  var title: String
  var xLabel: String
  var yLabel: String
  var series: [Series]
  var xScale: AxisScale
  var yScale: AxisScale
  var width: Double
  var height: Double
  var referenceLines: [ReferenceLine]
  var annotations: [Annotation]
  var smoothingWindow: Int?
  /// Lines between points (line plot) or markers only (scatter plot).
  var connect: Bool
  /// Fixed axis ranges; `nil` fits the data.
  var xRange: ClosedRange<Double>? = nil
  var yRange: ClosedRange<Double>? = nil

  /// A series reduced to drawable pixels-to-be: nil where a point cannot be drawn.
  private struct Prepared {
    var line: [(Double, Double)?]
    var raw: [(Double, Double)?]
    var band: [(Double, Double, Double)?]
    var marker: Marker
    var color: String
  }

  func panel() -> Panel {
    let list = series.map { s in
      smoothingWindow.map { s.unsmoothedY == nil ? s.smoothed(window: $0) : s } ?? s
    }
    var notes = Notes()
    var xs: [Double] = [], ys: [Double] = [], mainYs: [Double] = []
    func ok(_ x: Double, _ y: Double) -> Bool { xScale.accepts(x) && yScale.accepts(y) }

    var prepared: [Prepared] = []
    for (i, s) in list.enumerated() {
      let sx = s.xValues
      if s.x != nil && sx.count != s.y.count {
        notes.add(
          "\(s.name.isEmpty ? "a series" : s.name): \(sx.count) x vs \(s.y.count) y values, extra ignored"
        )
      }
      let n = min(sx.count, s.y.count)
      var line: [(Double, Double)?] = []
      for j in 0..<n {
        let (x, y) = (sx[j], s.y[j])
        if !x.isFinite || !y.isFinite { notes.nonFinite += 1; line.append(nil); continue }
        if !ok(x, y) { notes.nonPositive += 1; line.append(nil); continue }
        line.append((x, y))
        xs.append(x); ys.append(y); mainYs.append(y)
      }
      let raw: [(Double, Double)?] = (s.unsmoothedY ?? []).prefix(n).enumerated().map { j, y in
        ok(sx[j], y) ? (sx[j], y) : nil
      }
      var band: [(Double, Double, Double)?] = []
      if let b = s.band {
        for j in 0..<min(n, b.lower.count, b.upper.count) {
          let (x, lo, hi) = (sx[j], b.lower[j], b.upper[j])
          band.append(ok(x, lo) && ok(x, hi) ? (x, lo, hi) : nil)
        }
      }
      ys += raw.compactMap { $0?.1 } + band.compactMap { $0?.1 } + band.compactMap { $0?.2 }
      let valid = line.count { $0 != nil }
      let marker =
        s.marker ?? (connect ? (valid <= 40 ? Marker.automatic(i) : .none) : Marker.automatic(i))
      prepared.append(
        Prepared(
          line: line, raw: raw, band: band, marker: marker, color: s.color ?? Theme.seriesColor(i)))
    }
    for r in referenceLines where yScale.accepts(r.y) { ys.append(r.y) }
    for a in annotations where ok(a.x, a.y) { xs.append(a.x); ys.append(a.y) }
    if mainYs.count >= 2, let v = mainYs.first, mainYs.allSatisfy({ $0 == v }) {
      notes.add("all y values equal \(Num.significant(v))")
    }

    var frame = CartesianFrame(
      width: width, height: height, title: title, xLabel: xLabel, yLabel: yLabel,
      x: xScale.ticks(
        lower: xs.min() ?? 0, upper: xs.max() ?? 1, fixed: xRange,
        targetCount: max(2, Int(width / 90))),
      y: yScale.ticks(
        lower: ys.min() ?? 0, upper: ys.max() ?? 1, fixed: yRange,
        targetCount: max(2, Int(height / 70))),
      xKind: xScale, yKind: yScale)
    frame.legend = zip(list, prepared).compactMap { s, p in
      s.name.isEmpty
        ? nil
        : LegendEntry(
          name: s.name, color: p.color,
          swatch: connect ? .line(p.marker, band: !p.band.isEmpty) : .marker(p.marker))
    }
    frame.notes = notes.lines
    let xm = frame.xMap, ym = frame.yMap

    var s = SVGWriter()
    frame.drawGrid(into: &s)
    let clip = SVGDocument.idToken + "-clip"
    frame.clipDefinition(into: &s, id: clip)
    // NB: written raw because the id token must not be escaped (see SVGDocument.idToken).
    s.raw("<g class=\"data\" clip-path=\"url(#\(clip))\">")
    for p in prepared {
      for segment in segments(p.band) where !segment.isEmpty {
        let top = segment.map { "\(c(xm($0.0))) \(c(ym($0.2)))" }
        let bottom = segment.reversed().map { "\(c(xm($0.0))) \(c(ym($0.1)))" }
        s.element(
          "path",
          [
            "d": "M" + (top + bottom).joined(separator: "L") + "Z", "fill": p.color,
            "fill-opacity": "0.18",
          ])
      }
    }
    for p in prepared where connect && !p.raw.isEmpty {
      s.element(
        "path",
        [
          "d": pathData(p.raw, xm, ym), "fill": "none", "stroke": p.color, "stroke-width": "1",
          "stroke-opacity": "0.3",
        ])
    }
    for p in prepared {
      if connect {
        s.element(
          "path",
          [
            "d": pathData(p.line, xm, ym), "fill": "none", "stroke": p.color, "stroke-width": "2",
            "stroke-linejoin": "round", "stroke-linecap": "round",
          ])
      }
      if p.marker != .none {
        s.open("g", connect ? [:] : ["fill-opacity": "0.8"])
        for case let (x, y)? in p.line {
          Markers.draw(
            p.marker, x: xm(x), y: ym(y), color: p.color, size: connect ? 3.5 : 3, into: &s)
        }
        s.close("g")
      }
    }
    s.close("g")
    drawReferences(frame, into: &s)
    frame.drawAxes(into: &s)
    if prepared.allSatisfy({ $0.line.allSatisfy { $0 == nil } }) { frame.drawNoData(into: &s) }
    return Panel(
      width: width, height: height, title: accessibleTitle(title, fallback: kind),
      desc: describe(list, xs: xs, notes: notes), body: s)
  }

  private func drawReferences(_ frame: CartesianFrame, into s: inout SVGWriter) {
    let p = frame.plot, xm = frame.xMap, ym = frame.yMap
    for r in referenceLines where yScale.accepts(r.y) && frame.y.domain.contains(r.y) {
      let py = ym(r.y)
      s.line(p.x, py, p.maxX, py, stroke: Theme.fg, width: 1, opacity: 0.75, dash: "6 4")
      if !r.label.isEmpty {
        s.text(p.maxX - 4, py - 5, r.label, size: 11, anchor: .end)
      }
    }
    for a in annotations
    where xScale.accepts(a.x) && yScale.accepts(a.y) && frame.x.domain.contains(a.x)
      && frame.y.domain.contains(a.y)
    {
      let (px, py) = (xm(a.x), ym(a.y))
      s.element(
        "circle",
        [
          "cx": c(px), "cy": c(py), "r": "3", "fill": "none", "stroke": Theme.fg,
          "stroke-width": "1.5",
        ])
      let right = px > p.midX
      let ty = py - 8 < p.y + 10 ? py + 16 : py - 8
      s.text(right ? px - 6 : px + 6, ty, a.text, size: 11, anchor: right ? .end : .start)
    }
  }

  private func describe(_ list: [Series], xs: [Double], notes: Notes) -> String {
    var parts = ["\(kind) with \(list.count) series"]
    if let w = smoothingWindow {
      parts.append("lines are moving averages over \(w) points, raw values faint")
    }
    if let lo = xs.min(), let hi = xs.max() {
      parts.append(
        "x\(xLabel.isEmpty ? "" : " (\(xLabel))") from \(Num.significant(lo)) to \(Num.significant(hi))\(xScale == .log ? ", log scale" : "")"
      )
    }
    for s in list {
      let v = s.y.filter { $0.isFinite && yScale.accepts($0) }
      let range =
        v.isEmpty
        ? "no drawable values"
        : "y from \(Num.significant(v.min() ?? 0)) to \(Num.significant(v.max() ?? 0))"
      parts.append(
        "\(s.name.isEmpty ? "unnamed" : s.name): \(s.y.count) points, \(range)\(s.band == nil ? "" : ", with band")"
      )
    }
    for r in referenceLines {
      parts.append(
        "reference line at \(Num.significant(r.y))\(r.label.isEmpty ? "" : " (\(r.label))")")
    }
    parts += notes.lines
    return parts.joined(separator: ". ") + "."
  }
}

/// Splits a point list at its gaps.
func segments<T>(_ points: [T?]) -> [[T]] {
  var out: [[T]] = [[]]
  for p in points {
    if let p {
      out[out.count - 1].append(p)
    } else if !(out.last?.isEmpty ?? true) {
      out.append([])
    }
  }
  return out
}

/// SVG path data through the points, starting a new subpath after each gap.
///
/// Long segments (more than 4 points per pixel column) keep only the first, lowest, highest and
/// last point of each column: the drawn envelope is unchanged, the markup stays small.
func pathData(_ points: [(Double, Double)?], _ xm: ScaleMap, _ ym: ScaleMap) -> String {
  let width = abs(xm.range.1 - xm.range.0)
  return segments(points).filter { !$0.isEmpty }.map { seg in
    var pixels = seg.map { (xm($0.0), ym($0.1)) }
    if Double(pixels.count) > 4 * width { pixels = decimated(pixels) }
    return "M" + pixels.map { "\(c($0.0)) \(c($0.1))" }.joined(separator: "L")
  }.joined()
}

/// Min/max decimation per whole-pixel column, keeping the original order.
func decimated(_ pixels: [(Double, Double)]) -> [(Double, Double)] {
  var out: [(Double, Double)] = []
  var start = 0
  while start < pixels.count {
    let column = pixels[start].0.rounded(.down)
    var end = start
    var (lo, hi) = (start, start)
    while end < pixels.count && pixels[end].0.rounded(.down) == column {
      if pixels[end].1 < pixels[lo].1 { lo = end }
      if pixels[end].1 > pixels[hi].1 { hi = end }
      end += 1
    }
    for i in Set([start, lo, hi, end - 1]).sorted() { out.append(pixels[i]) }
    start = end
  }
  return out
}

/// Notes shown under a figure: what could not be drawn, and why.
struct Notes {
  var nonFinite = 0
  var nonPositive = 0
  private var extra: [String] = []

  mutating func add(_ s: String) { extra.append(s) }

  var lines: [String] {
    var out: [String] = []
    if nonFinite > 0 {
      out.append("\(nonFinite) non-finite value\(nonFinite == 1 ? "" : "s") omitted")
    }
    if nonPositive > 0 {
      out.append(
        "\(nonPositive) non-positive value\(nonPositive == 1 ? "" : "s") omitted (log scale)")
    }
    return out + extra
  }
}
