/// Layout and chrome shared by `Heatmap` and `GridWorldFigure`: square cells centred in the
/// figure, row/column labels, axis titles, a colour bar and notes.
struct CellGrid {
  var width: Double
  var height: Double
  var rows: Int
  var cols: Int
  var title: String
  var xLabels: [String] = []
  var yLabels: [String] = []
  var xAxisTitle: String = ""
  var yAxisTitle: String = ""
  var colorBar: ColorBar?
  var notes: [String] = []

  static let labelSize = 11.0

  private var top: Double { title.isEmpty ? 12 : 38 }
  private var left: Double {
    let labels = yLabels.map { textWidth($0, size: Self.labelSize) }.max() ?? 0
    return 10 + (yAxisTitle.isEmpty ? 0 : 20) + (labels > 0 ? min(labels, 120) + 6 : 0)
  }
  private var colorBarWidth: Double {
    guard var bar = colorBar else { return 0 }
    bar.height = 200
    return 16 + bar.width
  }
  private var widestXLabel: Double { min(120, xLabels.map { textWidth($0, size: Self.labelSize) }.max() ?? 0) }
  private func bottom(slanted: Bool) -> Double {
    let labels = xLabels.isEmpty ? 0 : (slanted ? widestXLabel * 0.72 + 14 : 18)
    return 10 + labels + (xAxisTitle.isEmpty ? 0 : 18) + (notes.isEmpty ? 0 : 18)
  }
  private func cellSize(slanted: Bool) -> Double {
    let w = width - left - 10 - colorBarWidth, h = height - top - bottom(slanted: slanted)
    return max(1, min(w / Double(max(cols, 1)), h / Double(max(rows, 1))))
  }

  /// Column labels are slanted when they do not fit side by side.
  var slanted: Bool { !xLabels.isEmpty && widestXLabel + 4 > cellSize(slanted: false) }
  var cell: Double { cellSize(slanted: slanted) }

  /// Top-left corner of the cell grid.
  var gridOrigin: (x: Double, y: Double) {
    let used = cell * Double(cols) + colorBarWidth
    let avail = width - left - 10
    return (left + max(0, (avail - used) / 2), top)
  }

  func origin(row: Int, col: Int) -> (Double, Double) {
    (gridOrigin.x + Double(col) * cell, gridOrigin.y + Double(row) * cell)
  }

  var gridRect: Rect { Rect(x: gridOrigin.x, y: gridOrigin.y, width: cell * Double(cols), height: cell * Double(rows)) }

  /// Labels, titles, colour bar and notes.
  func drawFrame(into s: inout SVGWriter) {
    let g = gridRect
    if !title.isEmpty {
      s.text(width / 2, 24, truncated(title, toWidth: width - 20, size: 15), size: 15, anchor: .middle, weight: "600")
    }
    let yEvery = max(1, Int((Self.labelSize + 2) / max(cell, 0.1)) + 1)
    for (r, label) in yLabels.prefix(rows).enumerated() where r % yEvery == 0 {
      s.text(g.x - 5, g.y + (Double(r) + 0.5) * cell + 4, truncated(label, toWidth: 120, size: Self.labelSize),
             size: Self.labelSize, anchor: .end)
    }
    let slant = slanted
    let xEvery = slant ? max(1, Int((Self.labelSize + 2) / max(cell, 0.1)) + 1) : 1
    for (col, label) in xLabels.prefix(cols).enumerated() where col % xEvery == 0 {
      let x = g.x + (Double(col) + 0.5) * cell
      let text = truncated(label, toWidth: 120, size: Self.labelSize)
      if slant {
        s.text(x + 3, g.maxY + 10, text, size: Self.labelSize, anchor: .end, rotate: -45)
      } else {
        s.text(x, g.maxY + 14, text, size: Self.labelSize, anchor: .middle)
      }
    }
    let xTitleY = g.maxY + (xLabels.isEmpty ? 0 : (slant ? widestXLabel * 0.72 + 14 : 18)) + 16
    if !xAxisTitle.isEmpty { s.text(g.midX, xTitleY, xAxisTitle, size: 12, anchor: .middle) }
    if !yAxisTitle.isEmpty { s.text(16, g.midY, yAxisTitle, size: 12, anchor: .middle, rotate: -90) }
    if var bar = colorBar {
      bar.height = g.height
      bar.draw(x: g.maxX + 16, y: g.y, id: SVGDocument.idToken + "-colorbar", into: &s)
    }
    if !notes.isEmpty {
      s.text(8, height - 8, truncated(notes.joined(separator: "; "), toWidth: width - 16, size: 11), size: 11, style: "italic")
    }
  }

  func drawNoData(into s: inout SVGWriter) {
    s.text(width / 2, (top + height) / 2, "no data", size: 14, anchor: .middle, style: "italic")
  }
}
