/// Several figures in a grid of equal cells, under one title.
///
/// ```swift
/// let grid = SubplotGrid(rows: 1, cols: 2, figures: [returnsPlot, valueHeatmap], title: "Run 7")
/// ```
/// Figures fill the grid row by row; more figures than `rows × cols` add rows. Each cell keeps
/// its figure's aspect ratio (the tallest figure sets the row height).
public struct SubplotGrid: Figure {
  /// Rows of cells.
  public var rows: Int
  /// Columns of cells.
  public var cols: Int
  /// The figures, row by row.
  public var figures: [any Figure]
  /// Title above the grid; empty for none.
  public var title: String
  /// Total width in pixels; the height follows from the figures' aspect ratios.
  public var width: Int

  /// Creates a grid of subplots.
  public init(rows: Int, cols: Int, figures: [any Figure], title: String = "", width: Int = 960) {
    self.rows = rows
    self.cols = cols
    self.figures = figures
    self.title = title
    self.width = width
  }

  /// The grid as a standalone SVG element.
  public func svg() -> String { SVGDocument.render(panel()) }

  func panel() -> Panel {
    let cols = max(1, self.cols)
    let rows = max(self.rows, (figures.count + cols - 1) / cols, 1)
    let w = Double(max(width, 100))
    let children = figures.enumerated().map { i, f in Child(f, index: i) }
    let cellW = w / Double(cols)
    let aspect = children.map { $0.height / $0.width }.max() ?? 0.625
    let cellH = cellW * aspect
    let top = title.isEmpty ? 0.0 : 36
    let h = top + cellH * Double(rows)
    var s = SVGWriter()
    if !title.isEmpty {
      s.text(
        w / 2, 24, truncated(title, toWidth: w - 20, size: 16), size: 16, anchor: .middle,
        weight: "600")
    }
    for (i, child) in children.enumerated() {
      let (r, col) = (i / cols, i % cols)
      s.raw(
        "<svg x=\"\(c(Double(col) * cellW))\" y=\"\(c(top + Double(r) * cellH))\" width=\"\(c(cellW))\" height=\"\(c(cellH))\" viewBox=\"0 0 \(c(child.width)) \(c(child.height))\"\(child.attributes)>"
      )
      s.raw(child.body)
      s.raw("</svg>")
    }
    if children.isEmpty {
      s.text(w / 2, top + cellH / 2, "no data", size: 14, anchor: .middle, style: "italic")
    }
    let names = children.map(\.title).filter { !$0.isEmpty }
    let desc =
      "Grid of \(children.count) figure\(children.count == 1 ? "" : "s") in \(rows) rows and \(cols) columns"
      + (names.isEmpty ? "" : ": " + names.joined(separator: "; ")) + "."
    return Panel(
      width: w, height: h, title: accessibleTitle(title, fallback: "Subplots"), desc: desc, body: s)
  }
}

/// One cell's content: a nested panel of ours, or another `Figure`'s markup with its root rewritten.
private struct Child {
  var width = 640.0
  var height = 400.0
  var title = ""
  var attributes = ""
  var body = ""

  init(_ figure: any Figure, index: Int) {
    let token = SVGDocument.idToken
    if let ours = figure as? any PanelFigure {
      let p = ours.panel()
      (width, height, title) = (p.width, p.height, p.title)
      body =
        "<title>\(xmlEscape(p.title))</title>\n<desc>\(xmlEscape(p.desc))</desc>\n"
        + p.body.output.replacing(token, with: token + "-p\(index)")
      return
    }
    // Someone else's figure: keep its root's attributes except the size and placement ones.
    let markup = figure.svg()
    guard let open = markup.firstRange(of: "<svg"),
      let end = markup[open.upperBound...].firstIndex(of: ">")
    else {
      body = ""
      return
    }
    let head = markup[open.upperBound..<end]
    var kept: [String] = []
    for match in head.matches(of: #/([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*"([^"]*)"/#) {
      let (name, value) = (String(match.output.1), String(match.output.2))
      switch name {
      case "width": width = Double(value) ?? width
      case "height": height = Double(value) ?? height
      case "x", "y", "style", "viewBox": continue
      default: kept.append("\(name)=\"\(value)\"")
      }
    }
    if let viewBox = head.firstMatch(of: #/viewBox\s*=\s*"[^"]*\s([0-9.]+)\s+([0-9.]+)"/#) {
      width = Double(viewBox.output.1) ?? width
      height = Double(viewBox.output.2) ?? height
    }
    attributes = kept.isEmpty ? "" : " " + kept.joined(separator: " ")
    var inner = markup[markup.index(after: end)...]
    if inner.hasSuffix("</svg>") { inner = inner.dropLast(6) }
    body = String(inner)
  }
}
