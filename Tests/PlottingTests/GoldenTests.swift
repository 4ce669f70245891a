import Plotting
import Testing

/// One golden-file case: a name (the file under Golden/) and the figure.
struct GoldenCase: CustomTestStringConvertible, Sendable {
  var name: String
  var render: @Sendable () -> String
  var testDescription: String { name }

  static let all: [GoldenCase] = [
    GoldenCase(name: "line-learning-curves") { Fixtures.learningCurves.svg() },
    GoldenCase(name: "line-markers") { Fixtures.markers.svg() },
    GoldenCase(name: "line-log-log") { Fixtures.scaling.svg() },
    GoldenCase(name: "scatter") { Fixtures.scatter.svg() },
    GoldenCase(name: "bar-grouped") { Fixtures.bars.svg() },
    GoldenCase(name: "histogram") { Fixtures.histogram.svg() },
    GoldenCase(name: "heatmap-values") { Fixtures.valueHeatmap.svg() },
    GoldenCase(name: "heatmap-attention") { Fixtures.attention.svg() },
    GoldenCase(name: "gridworld-values") { Fixtures.gridValues.svg() },
    GoldenCase(name: "gridworld-maze") { Fixtures.gridMaze.svg() },
    GoldenCase(name: "subplots") { Fixtures.subplots.svg() },
    GoldenCase(name: "gridworld-teleport") { Fixtures.gridTeleport.svg() },
    GoldenCase(name: "heatmap-diverging") { Fixtures.advantages.svg() },
    GoldenCase(name: "line-crowded-legend") { Fixtures.crowdedLegend.svg() },
    GoldenCase(name: "line-log-convergence") { Fixtures.convergence.svg() },
    GoldenCase(name: "edge-line-nonfinite") { EdgeCases.lineWithNonFinite.svg() },
    GoldenCase(name: "edge-heatmap-constant") { EdgeCases.constantHeatmap.svg() },
  ]
}

@Suite("Golden files")
struct GoldenTests {
  @Test("Figure matches its golden file", arguments: GoldenCase.all)
  func matchesGolden(_ c: GoldenCase) {
    expectGolden(c.render(), named: c.name)
  }

  @Test("Golden figures are well-formed, accessible SVG", arguments: GoldenCase.all)
  func wellFormed(_ c: GoldenCase) throws {
    let svg = c.render()
    let xml = parseXML(svg)
    #expect(xml.wellFormed, "\(xml.error ?? "")")
    let root = try #require(xml.attributes.first)
    #expect(xml.elements.first == "svg")
    #expect(root["role"] == "img")
    #expect(root["viewBox"] != nil && root["width"] != nil && root["height"] != nil)
    #expect(root["style"] == "max-width:100%;height:auto")
    #expect(xml.elements.prefix(3) == ["svg", "title", "desc"])
  }
}

/// Figures exercising the "cannot draw this" paths, shared by golden and edge-case tests.
enum EdgeCases {
  static var lineWithNonFinite: LinePlot {
    var p = LinePlot(title: "Diverging run", xLabel: "step", yLabel: "loss")
    p.add(
      Series(name: "loss", y: [2.3, 1.9, .nan, 1.2, .infinity, 0.9, 0.8, -.infinity, 0.7, 0.65]))
    p.add(Series(name: "flat", y: [1.5, 1.5, 1.5]))
    return p
  }

  static var constantHeatmap: Heatmap {
    Heatmap(values: [[3, 3, 3], [3, 3, 3]], title: "Constant", showValues: true)
  }
}
