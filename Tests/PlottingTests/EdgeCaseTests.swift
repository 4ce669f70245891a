import Plotting
import Testing

/// Every figure kind fed with data it cannot draw: the SVG must stay well-formed and say why.
@Suite("Non-finite, empty and constant data")
struct EdgeCaseTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var note: String
    var figure: @Sendable () -> any Figure
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(name: "line with NaN and ±∞", note: "3 non-finite values omitted") {
      EdgeCases.lineWithNonFinite
    },
    Case(name: "line with no series", note: "no data") { LinePlot(title: "empty") },
    Case(name: "line with empty series", note: "no data") {
      var p = LinePlot(title: "empty")
      p.add(Series(name: "nothing", y: []))
      return p
    },
    Case(name: "line with only NaN", note: "2 non-finite values omitted") {
      var p = LinePlot()
      p.add(Series(name: "nan", y: [.nan, .nan]))
      return p
    },
    Case(name: "constant line", note: "all y values equal 1.5") {
      var p = LinePlot()
      p.add(Series(name: "flat", y: [1.5, 1.5, 1.5]))
      return p
    },
    Case(name: "mismatched x and y", note: "3 x vs 2 y values") {
      var p = LinePlot()
      p.add(Series(name: "m", x: [1, 2, 3], y: [1, 2]))
      return p
    },
    Case(
      name: "log axis with non-positive values", note: "2 non-positive values omitted (log scale)"
    ) {
      var p = LinePlot()
      p.yScale = .log
      p.add(Series(name: "loss", y: [1, 0.1, 0, -1, 0.01]))
      return p
    },
    Case(name: "scatter with infinity", note: "1 non-finite value omitted") {
      var s = ScatterPlot()
      s.add(name: "s", x: [1, 2, .infinity], y: [1, 2, 3])
      return s
    },
    Case(name: "empty scatter", note: "no data") { ScatterPlot(title: "nothing") },
    Case(name: "bars with NaN", note: "1 non-finite value omitted") {
      BarChart(categories: ["a", "b"], groups: [(name: "g", values: [1, .nan])])
    },
    Case(name: "bars without values", note: "no data") { BarChart(categories: [], groups: []) },
    Case(name: "bars with a missing value", note: "g: no value for b") {
      BarChart(categories: ["a", "b"], groups: [(name: "g", values: [1])])
    },
    Case(name: "histogram of nothing", note: "no data") { Histogram(values: [], bins: 10) },
    Case(name: "histogram with NaN", note: "2 non-finite values omitted") {
      Histogram(values: [1, 2, .nan, 3, -.infinity], bins: 3)
    },
    Case(name: "constant histogram", note: "all values equal 7") {
      Histogram(values: [7, 7, 7], bins: 5)
    },
    Case(name: "heatmap with NaN", note: "1 non-finite value omitted") {
      Heatmap(values: [[1, .nan], [3, 4]], title: "h", showValues: true)
    },
    Case(name: "empty heatmap", note: "no data") { Heatmap(values: [], title: "h") },
    Case(name: "all-NaN heatmap", note: "no data") { Heatmap(values: [[.nan]], title: "h") },
    Case(name: "constant heatmap", note: "all values equal 3") { EdgeCases.constantHeatmap },
    Case(name: "ragged heatmap", note: "rows differ in length") {
      Heatmap(values: [[1, 2, 3], [4]], title: "r")
    },
    Case(name: "empty grid world", note: "no data") {
      GridWorldFigure(rows: 0, cols: 0, title: "g")
    },
    Case(name: "grid world with NaN value", note: "1 non-finite value omitted") {
      let huge = [-Double.greatestFiniteMagnitude, .greatestFiniteMagnitude, 0]
      #expect(parseXML(Histogram(values: huge, bins: 4).svg()).wellFormed)
      #expect(Histogram(values: huge, bins: 4).binCounts().counts == [1, 0, 1, 1])
      #expect(Histogram(values: [1e20, 1e20], bins: 3).binCounts().counts.reduce(0, +) == 2)
      #expect(
        parseXML(BarChart(categories: ["a", "b"], groups: [(name: "g", values: huge)]).svg())
          .wellFormed)
      var s = ScatterPlot()
      s.add(name: "s", x: huge, y: huge)
      #expect(parseXML(s.svg()).wellFormed)
      #expect(parseXML(Heatmap(values: [huge], title: "h", showValues: true).svg()).wellFormed)
      var g = GridWorldFigure(rows: 1, cols: 2, title: "g")
      g.values = [[1, .nan]]
      return g
    },
    Case(name: "grid world with wrongly shaped values", note: "values are not 2×2") {
      var g = GridWorldFigure(rows: 2, cols: 2, title: "g")
      g.values = [[1, 2]]
      g.arrows = [[[.up]]]
      return g
    },
    Case(name: "empty subplot grid", note: "no data") {
      SubplotGrid(rows: 1, cols: 1, figures: [])
    },
  ]

  @Test("Well-formed SVG with a visible note", arguments: cases)
  func noted(_ c: Case) {
    let svg = c.figure().svg()
    let xml = parseXML(svg)
    #expect(xml.wellFormed, "\(xml.error ?? "")")
    // The note must be drawn (in a <text>), not only mentioned in <desc>.
    let drawn = svg.split(separator: "\n").filter { $0.hasPrefix("<text") }.joined()
    #expect(drawn.contains(c.note), "no visible note '\(c.note)' in:\n\(drawn)")
    #expect(!svg.contains("NaN\""), "a NaN leaked into an attribute")
    #expect(!svg.contains("inf"), "an infinity leaked into the markup")
  }

  @Test("Huge and tiny magnitudes render without overflow")
  func extremes() {
    var p = LinePlot()
    p.add(Series(name: "big", y: [-1e308, 1e308]))
    p.add(
      Series(
        name: "tiny", x: [0, 1, 2], y: [.leastNonzeroMagnitude, .leastNormalMagnitude / 4, 0]))
    let xml = parseXML(p.svg())
    #expect(xml.wellFormed)
    let huge = [-Double.greatestFiniteMagnitude, .greatestFiniteMagnitude, 0]
    #expect(parseXML(Histogram(values: huge, bins: 4).svg()).wellFormed)
    #expect(Histogram(values: huge, bins: 4).binCounts().counts == [1, 0, 1, 1])
    #expect(Histogram(values: [1e20, 1e20], bins: 3).binCounts().counts.reduce(0, +) == 2)
    #expect(
      parseXML(BarChart(categories: ["a", "b"], groups: [(name: "g", values: huge)]).svg())
        .wellFormed)
    var s = ScatterPlot()
    s.add(name: "s", x: huge, y: huge)
    #expect(parseXML(s.svg()).wellFormed)
    #expect(parseXML(Heatmap(values: [huge], title: "h", showValues: true).svg()).wellFormed)
    var g = GridWorldFigure(rows: 1, cols: 2, title: "g")
    g.values = [[-.greatestFiniteMagnitude, .greatestFiniteMagnitude]]
    #expect(parseXML(g.svg()).wellFormed)
  }

  @Test("Zero or negative sizes and bins do not crash")
  func degenerateSizes() {
    var p = LinePlot(width: 0, height: -5)
    p.add(Series(name: "a", y: [1, 2]))
    #expect(parseXML(p.svg()).wellFormed)
    #expect(parseXML(Histogram(values: [1, 2], bins: 0).svg()).wellFormed)
    #expect(parseXML(GridWorldFigure(rows: -1, cols: 3).svg()).wellFormed)
    #expect(parseXML(SubplotGrid(rows: 0, cols: 0, figures: [p]).svg()).wellFormed)
  }
}
