import Plotting
import Testing

@Suite("Text is escaped")
struct EscapingTests {
  static let nasty = "<script>alert(\"x & 'y'\")</script>\u{1}"

  static let figures: [@Sendable () -> any Figure] = [
    {
      var p = LinePlot(title: nasty, xLabel: nasty, yLabel: nasty)
      p.add(Series(name: nasty, y: [1, 2, 3]))
      p.hline(2, label: nasty)
      p.annotate(x: 1, y: 2, nasty)
      return p
    },
    {
      var s = ScatterPlot(title: nasty)
      s.add(name: nasty, x: [1], y: [1])
      return s
    },
    { BarChart(title: nasty, categories: [nasty], groups: [(name: nasty, values: [1])]) },
    { Histogram(title: nasty, values: [1, 2], bins: 2, xLabel: nasty) },
    { Heatmap(values: [[1, 2]], title: nasty, xLabels: [nasty, "b"], yLabels: [nasty]) },
    {
      var g = GridWorldFigure(rows: 1, cols: 1, title: nasty)
      g.labels = [GridCell(row: 0, col: 0): nasty]
      return g
    },
    {
      var p = LinePlot(title: nasty)
      p.add(Series(name: nasty, y: [1]))
      return SubplotGrid(rows: 1, cols: 1, figures: [p], title: nasty)
    },
  ]

  @Test("A <script> title is text, never an element", arguments: 0..<figures.count)
  func scriptIsText(_ i: Int) {
    let svg = Self.figures[i]().svg()
    let xml = parseXML(svg)
    #expect(xml.wellFormed, "\(xml.error ?? "")")
    #expect(!xml.elements.contains("script"))
    #expect(xml.text.contains("<script>alert"))
    #expect(svg.contains("&lt;script&gt;"))
    #expect(!svg.contains("\u{1}"))
  }
}
