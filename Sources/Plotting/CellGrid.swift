/// Layout and chrome shared by `Heatmap` and `GridWorldFigure`: square cells centred in the
/// figure, row/column labels, axis titles, a colour bar and notes.
///
/// The layout is computed once in `init`; drawing thousands of cells only reads it.
struct CellGrid {
  let width: Double
  let height: Double
  let rows: Int
  let cols: Int
  let title: String
  let xLabels: [String]
  let yLabels: [String]
  let xAxisTitle: String
  let yAxisTitle: String
  let colorBar: ColorBar?
  let notes: [String]

  /// Side of a (square) cell.
  private(set) var cell = 1.0
  /// Column labels are slanted when they do not fit side by side.
  private(set) var slanted = false
  /// Top-left corner of the cell grid.
  private(set) var gridOrigin = (x: 0.0, y: 0.0)
  private let widestXLabel: Double
  private let widestYLabel: Double

  static let labelSize = 11.0

  init(
    width: Double, height: Double, rows: Int, cols: Int, title: String,
    xLabels: [String] = [], yLabels: [String] = [], xAxisTitle: String = "",
    yAxisTitle: String = "",
    colorBar: ColorBar? = nil, notes: [String] = []
  ) {
    (self.width, self.height, self.rows, self.cols, self.title) = (width, height, rows, cols, title)
    (self.xLabels, self.yLabels, self.xAxisTitle, self.yAxisTitle) = (
      xLabels, yLabels, xAxisTitle, yAxisTitle
    )
    (self.colorBar, self.notes) = (colorBar, notes)
    let widestX = min(120, xLabels.map { textWidth($0, size: Self.labelSize) }.max() ?? 0)
    let widestY = min(120, yLabels.map { textWidth($0, size: Self.labelSize) }.max() ?? 0)
    (widestXLabel, widestYLabel) = (widestX, widestY)

    let top = title.isEmpty ? 12.0 : 38
    let left = 10 + (yAxisTitle.isEmpty ? 0 : 20) + (widestY > 0 ? widestY + 6 : 0)
    var barWidth = 0.0
    if var bar = colorBar {
      bar.height = 200
      barWidth = 16 + bar.width
    }
    func bottom(_ slanted: Bool) -> Double {
      let labels = xLabels.isEmpty ? 0 : (slanted ? widestX * 0.72 + 14 : 18)
      return 10 + labels + (xAxisTitle.isEmpty ? 0 : 18) + (notes.isEmpty ? 0 : 18)
    }
    func cellSize(_ slanted: Bool) -> Double {
      let w = width - left - 10 - barWidth, h = height - top - bottom(slanted)
      return max(1, min(w / Double(max(cols, 1)), h / Double(max(rows, 1))))
    }
    let slant = !xLabels.isEmpty && widestX + 4 > cellSize(false)
    let side = cellSize(slant)
    let used = side * Double(cols) + barWidth
    (slanted, cell) = (slant, side)
    gridOrigin = (left + max(0, (width - left - 10 - used) / 2), top)
  }

  func origin(row: Int, col: Int) -> (Double, Double) {
    (gridOrigin.x + Double(col) * cell, gridOrigin.y + Double(row) * cell)
  }

  var gridRect: Rect {
    Rect(x: gridOrigin.x, y: gridOrigin.y, width: cell * Double(cols), height: cell * Double(rows))
  }

  /// Labels, titles, colour bar and notes.
  func drawFrame(into s: inout SVGWriter) {
    let g = gridRect
    if !title.isEmpty {
      s.text(
        width / 2, 24, truncated(title, toWidth: width - 20, size: 15), size: 15, anchor: .middle,
        weight: "600")
    }
    let every = max(1, Int((Self.labelSize + 2) / max(cell, 0.1)) + 1)
    for (r, label) in yLabels.prefix(rows).enumerated() where r % every == 0 {
      s.text(
        g.x - 5, g.y + (Double(r) + 0.5) * cell + 4,
        truncated(label, toWidth: 120, size: Self.labelSize),
        size: Self.labelSize, anchor: .end)
    }
    for (col, label) in xLabels.prefix(cols).enumerated() where col % (slanted ? every : 1) == 0 {
      let x = g.x + (Double(col) + 0.5) * cell
      let text = truncated(label, toWidth: 120, size: Self.labelSize)
      if slanted {
        s.text(x + 3, g.maxY + 10, text, size: Self.labelSize, anchor: .end, rotate: -45)
      } else {
        s.text(x, g.maxY + 14, text, size: Self.labelSize, anchor: .middle)
      }
    }
    let xTitleY = g.maxY + (xLabels.isEmpty ? 0 : (slanted ? widestXLabel * 0.72 + 14 : 18)) + 16
    if !xAxisTitle.isEmpty { s.text(g.midX, xTitleY, xAxisTitle, size: 12, anchor: .middle) }
    if !yAxisTitle.isEmpty {
      let x = g.x - (widestYLabel > 0 ? widestYLabel + 6 : 0) - 8
      s.text(x, g.midY, yAxisTitle, size: 12, anchor: .middle, rotate: -90)
    }
    if var bar = colorBar {
      bar.height = g.height
      bar.draw(x: g.maxX + 16, y: g.y, id: SVGDocument.idToken + "-colorbar", into: &s)
    }
    if !notes.isEmpty {
      s.text(
        8, height - 8, truncated(notes.joined(separator: "; "), toWidth: width - 16, size: 11),
        size: 11, style: "italic")
    }
  }

  func drawNoData(into s: inout SVGWriter) {
    s.text(
      width / 2, (title.isEmpty ? 12 + height : 38 + height) / 2, "no data", size: 14,
      anchor: .middle, style: "italic")
  }
}
