/// A grid world: shaded state values, policy arrows, walls, terminal and start states, labels.
///
/// ```swift
/// var g = GridWorldFigure(rows: 4, cols: 4, title: "v_π, equiprobable policy")
/// g.values = v                                  // [[Double]], rows from the top
/// g.arrows = greedyArrows                        // [[[GridArrow]]]; several per cell = ties
/// g.terminals = [GridCell(row: 0, col: 0), GridCell(row: 3, col: 3)]
/// g.walls = [GridCell(row: 1, col: 2)]
/// g.start = GridCell(row: 3, col: 0)
/// g.labels = [GridCell(row: 0, col: 1): "A", GridCell(row: 4, col: 1): "A'"]
/// ```
/// Walls are solid; terminals get an inner frame and a "T", the start an "S", labels sit top-left.
/// Text and arrows are black or white, whichever contrasts more with the cell's shade.
public struct GridWorldFigure: PanelFigure {
  /// Number of rows.
  public var rows: Int
  /// Number of columns.
  public var cols: Int
  /// Title above the grid; empty for none.
  public var title: String
  /// State values, `values[row][col]`; shades the cells and adds a colour bar.
  public var values: [[Double]]?
  /// Policy arrows, `arrows[row][col]`; empty means none.
  public var arrows: [[[GridArrow]]] = []
  /// Wall (blocked) cells.
  public var walls: Set<GridCell> = []
  /// Terminal cells.
  public var terminals: Set<GridCell> = []
  /// The start cell.
  public var start: GridCell?
  /// Short labels, e.g. "A", "B'".
  public var labels: [GridCell: String] = [:]
  /// Whether cells with values show their number.
  public var showValues: Bool = true
  /// Fraction digits of the numbers.
  public var decimals: Int = 1
  /// Colour scale for `values`.
  public var colorMap: ColorMap = .viridis
  /// Width in pixels.
  public var width: Int = 640
  /// Height in pixels.
  public var height: Int = 400

  /// Creates an empty grid of `rows` × `cols` cells.
  public init(rows: Int, cols: Int, title: String = "") {
    self.rows = max(0, rows)
    self.cols = max(0, cols)
    self.title = title
  }

  /// The grid world as a standalone SVG element.
  public func svg() -> String { SVGDocument.render(panel()) }

  func value(_ r: Int, _ c: Int) -> Double? {
    guard let values, r < values.count, c < values[r].count else { return nil }
    return values[r][c]
  }

  func panel() -> Panel {
    let w = Double(max(width, 50)), h = Double(max(height, 50))
    var notes = Notes()
    var finite: [Double] = []
    for r in 0..<rows {
      for col in 0..<cols where !walls.contains(GridCell(row: r, col: col)) {
        guard let v = value(r, col) else { continue }
        if v.isFinite { finite.append(v) } else { notes.nonFinite += 1 }
      }
    }
    if let values, values.count != rows || values.contains(where: { $0.count != cols }) {
      notes.add("values are not \(rows)×\(cols)")
    }
    let domain = colorMap.domain(min: finite.min() ?? 0, max: finite.max() ?? 1)
    let grid = CellGrid(
      width: w, height: h, rows: rows, cols: cols, title: title,
      colorBar: finite.isEmpty ? nil : ColorBar(colorMap: colorMap, domain: domain, height: 0),
      notes: notes.lines)
    let cell = grid.cell
    var s = SVGWriter()
    s.open("g", ["class": "cells"])
    for r in 0..<rows {
      for col in 0..<cols {
        let here = GridCell(row: r, col: col)
        let (x, y) = grid.origin(row: r, col: col)
        if walls.contains(here) {
          s.rect(x, y, cell, cell, fill: Theme.fg, opacity: 0.7)
          continue
        }
        let v = value(r, col).flatMap { $0.isFinite ? $0 : nil }
        let shadeColor = v.map { shade($0, colorMap, domain) }
        if let shadeColor { s.rect(x, y, cell, cell, fill: shadeColor.hex) }
        drawContents(
          of: here, x: x, y: y, cell: cell, value: v, ink: shadeColor?.ink ?? Theme.fg, into: &s)
      }
    }
    s.close("g")
    drawLines(grid, into: &s)
    grid.drawFrame(into: &s)
    if rows == 0 || cols == 0 { grid.drawNoData(into: &s) }
    return Panel(
      width: w, height: h, title: accessibleTitle(title, fallback: "Grid world"),
      desc: describe(finite, notes), body: s)
  }

  private func drawContents(
    of here: GridCell, x: Double, y: Double, cell: Double, value: Double?, ink: String,
    into s: inout SVGWriter
  ) {
    let dirs =
      here.row < arrows.count && here.col < arrows[here.row].count ? arrows[here.row][here.col] : []
    let showNumber = showValues && value != nil && cell >= 18
    let (cx, cy) = (x + cell / 2, y + cell / 2)
    if terminals.contains(here) {
      let inset = max(2, cell * 0.07)
      s.rect(
        x + inset, y + inset, cell - 2 * inset, cell - 2 * inset, fill: "none", stroke: ink,
        strokeWidth: max(1.5, cell * 0.04))
    }
    if !dirs.isEmpty {
      let length = cell * (showNumber ? 0.26 : 0.32), head = cell * 0.09
      s.open(
        "g",
        ["class": "arrows", "stroke": ink, "fill": ink, "stroke-width": c(max(1.2, cell * 0.035))])
      for d in Set(dirs).sorted(by: {
        GridArrow.allCases.firstIndex(of: $0) ?? 0 < GridArrow.allCases.firstIndex(of: $1) ?? 0
      }) {
        let (dx, dy) = d.delta
        let (tx, ty) = (cx + dx * length, cy + dy * length)
        let (bx, by) = (tx - dx * head * 1.4, ty - dy * head * 1.4)
        s.raw("<line x1=\"\(c(cx))\" y1=\"\(c(cy))\" x2=\"\(c(bx))\" y2=\"\(c(by))\"/>")
        s.raw(
          "<path stroke=\"none\" d=\"M\(c(tx)) \(c(ty))L\(c(bx - dy * head)) \(c(by + dx * head))L\(c(bx + dy * head)) \(c(by - dx * head))Z\"/>"
        )
      }
      s.close("g")
    }
    if showNumber, let value {
      let size = min(14, cell * (dirs.isEmpty ? 0.24 : 0.18))
      let ty = dirs.isEmpty ? cy + size * 0.35 : y + cell - cell * 0.07
      s.text(cx, ty, Num.decimals(value, decimals), size: size, anchor: .middle, fill: ink)
    }
    guard cell >= 16 else { return }
    let tag = min(14, cell * 0.22)
    if let label = labels[here] {
      let inset = terminals.contains(here) ? max(2, cell * 0.07) + 3 : cell * 0.07
      s.text(x + inset, y + inset + tag * 0.85, label, size: tag, fill: ink, weight: "700")
    }
    let corner = [start == here ? "S" : nil, terminals.contains(here) ? "T" : nil].compactMap { $0 }
      .joined(separator: " ")
    if !corner.isEmpty {
      // Inside the terminal frame (inset 7%) so the letters never touch it.
      let inset = terminals.contains(here) ? max(2, cell * 0.07) + 3 : cell * 0.07
      s.text(
        x + cell - inset, y + inset + tag * 0.85, corner, size: tag, anchor: .end, fill: ink,
        weight: "700")
    }
  }

  private func drawLines(_ grid: CellGrid, into s: inout SVGWriter) {
    let g = grid.gridRect
    guard rows > 0, cols > 0 else { return }
    var d = ""
    for r in 1..<max(rows, 1) { d += "M\(c(g.x)) \(c(g.y + Double(r) * grid.cell))H\(c(g.maxX))" }
    for col in 1..<max(cols, 1) {
      d += "M\(c(g.x + Double(col) * grid.cell)) \(c(g.y))V\(c(g.maxY))"
    }
    if !d.isEmpty {
      s.element("path", ["d": d, "fill": "none", "stroke": Theme.fg, "stroke-opacity": "0.35"])
    }
    s.rect(g.x, g.y, g.width, g.height, fill: "none", stroke: Theme.fg, strokeWidth: 1.5)
  }

  private func describe(_ finite: [Double], _ notes: Notes) -> String {
    var parts = ["Grid world with \(rows) rows and \(cols) columns"]
    if let lo = finite.min(), let hi = finite.max() {
      parts.append("values from \(Num.significant(lo)) to \(Num.significant(hi))")
    }
    let arrowCells = arrows.flatMap { $0 }.count { !$0.isEmpty }
    if arrowCells > 0 { parts.append("policy arrows in \(arrowCells) cells") }
    if !walls.isEmpty {
      parts.append("walls at " + walls.sorted().map(\.description).joined(separator: ", "))
    }
    if !terminals.isEmpty {
      parts.append("terminal at " + terminals.sorted().map(\.description).joined(separator: ", "))
    }
    if let start { parts.append("start at \(start)") }
    if !labels.isEmpty {
      parts.append(
        "labels "
          + labels.sorted { $0.key < $1.key }.map { "\($0.value) at \($0.key)" }.joined(
            separator: ", "))
    }
    return (parts + notes.lines).joined(separator: "; ") + "."
  }
}
