/// A matrix of values as coloured cells, with a colour bar: value tables, attention maps.
///
/// ```swift
/// let h = Heatmap(values: attention, title: "Head 3", xLabels: tokens, yLabels: tokens,
///                 showValues: true, decimals: 2)
/// ```
/// `values` is row-major, rows from top to bottom. Cells are square. Numbers in cells are black
/// or white, whichever contrasts more with the cell. Non-finite cells are drawn empty and counted
/// in a note; ragged rows are padded with empty cells.
public struct Heatmap: PanelFigure {
  /// The matrix, row-major, first row at the top.
  public var values: [[Double]]
  /// Title above the map; empty for none.
  public var title: String
  /// Column names, drawn under the cells (thinned or slanted when crowded).
  public var xLabels: [String]?
  /// Row names, drawn left of the cells.
  public var yLabels: [String]?
  /// Whether each cell shows its number.
  public var showValues: Bool
  /// Fraction digits of the cell numbers.
  public var decimals: Int
  /// Colour scale.
  public var colorMap: ColorMap = .viridis
  /// Label under the column names, e.g. "key".
  public var xAxisTitle: String = ""
  /// Label left of the row names, e.g. "query".
  public var yAxisTitle: String = ""
  /// Width in pixels.
  public var width: Int = 640
  /// Height in pixels.
  public var height: Int = 400

  /// Creates a heatmap.
  public init(
    values: [[Double]], title: String, xLabels: [String]? = nil, yLabels: [String]? = nil,
    showValues: Bool = false, decimals: Int = 1
  ) {
    self.values = values
    self.title = title
    self.xLabels = xLabels
    self.yLabels = yLabels
    self.showValues = showValues
    self.decimals = decimals
  }

  /// The heatmap as a standalone SVG element.
  public func svg() -> String { SVGDocument.render(panel()) }

  func panel() -> Panel {
    let w = Double(max(width, 50)), h = Double(max(height, 50))
    let rows = values.count, cols = values.map(\.count).max() ?? 0
    let finite = values.flatMap { $0 }.filter(\.isFinite)
    var notes = Notes()
    notes.nonFinite = values.flatMap { $0 }.count { !$0.isFinite }
    if Set(values.map(\.count)).count > 1 {
      notes.add("rows differ in length; missing cells left empty")
    }
    if finite.count >= 2, let f = finite.first, finite.allSatisfy({ $0 == f }) {
      notes.add("all values equal \(Num.significant(f))")
    }
    let domain = colorMap.domain(min: finite.min() ?? 0, max: finite.max() ?? 1)
    let grid = CellGrid(
      width: w, height: h, rows: rows, cols: cols, title: title,
      xLabels: xLabels ?? [], yLabels: yLabels ?? [], xAxisTitle: xAxisTitle,
      yAxisTitle: yAxisTitle,
      colorBar: finite.isEmpty ? nil : ColorBar(colorMap: colorMap, domain: domain, height: 0),
      notes: notes.lines)

    var s = SVGWriter()
    let cell = grid.cell
    // crispEdges: no hairline seams between neighbouring cells of the same colour.
    s.open("g", ["class": "cells", "shape-rendering": "crispEdges"])
    for (r, row) in values.enumerated() {
      for col in 0..<cols {
        let (x, y) = grid.origin(row: r, col: col)
        guard col < row.count, row[col].isFinite else {
          s.rect(x, y, cell, cell, fill: Theme.fg, opacity: 0.06)
          continue
        }
        let color = shade(row[col], colorMap, domain)
        s.rect(x, y, cell, cell, fill: color.hex)
      }
    }
    s.close("g")
    let fontSize = min(13, cell * 0.32, cell * 1.6 / Double(max(3, decimals + 3)))
    if showValues && fontSize >= 6 {
      s.open("g", ["class": "values", "text-anchor": "middle", "font-size": c(fontSize)])
      for (r, row) in values.enumerated() {
        for (col, v) in row.enumerated() where v.isFinite {
          let (x, y) = grid.origin(row: r, col: col)
          s.element(
            "text",
            [
              "x": c(x + cell / 2), "y": c(y + cell / 2 + fontSize * 0.35),
              "fill": shade(v, colorMap, domain).ink,
            ],
            text: Num.decimals(v, decimals))
        }
      }
      s.close("g")
    }
    grid.drawFrame(into: &s)
    if finite.isEmpty { grid.drawNoData(into: &s) }
    var desc = "Heatmap with \(rows) rows and \(cols) columns"
    if let lo = finite.min(), let hi = finite.max() {
      desc += ", values from \(Num.significant(lo)) to \(Num.significant(hi))"
    }
    return Panel(
      width: w, height: h, title: accessibleTitle(title, fallback: "Heatmap"),
      desc: ([desc] + notes.lines).joined(separator: ". ") + ".", body: s)
  }
}
