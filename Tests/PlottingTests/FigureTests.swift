import Plotting
import Testing

@Suite("Figure contents")
struct FigureTests {
  @Test("A log axis places decades evenly and labels them")
  func logAxis() {
    let svg = Fixtures.scaling.svg()
    #expect(svg.contains(">10⁶</text>") && svg.contains(">10¹⁰</text>"))
    // Decade ticks on the x axis must be evenly spaced.
    let lines = svg.split(separator: "\n")
    let xs = ["10⁶", "10⁷", "10⁸", "10⁹", "10¹⁰"].compactMap { label -> Double? in
      let tick = lines.first {
        $0.hasSuffix(">\(label)</text>") && $0.contains("text-anchor=\"middle\"")
      }
      return (tick?.firstMatch(of: #/x="([0-9.]+)"/#)).flatMap { Double($0.output.1) }
    }
    #expect(xs.count == 5)
    let gaps = zip(xs.dropFirst(), xs).map { $0 - $1 }
    #expect(gaps.allSatisfy { abs($0 - gaps[0]) < 0.02 }, "\(xs)")
  }

  @Test("The description summarises series names and ranges")
  func description() throws {
    var p = LinePlot(title: "t", xLabel: "episode")
    p.add(Series(name: "REINFORCE", y: [0, 10, 250.5]))
    p.hline(475, label: "solved")
    let desc = try #require(p.svg().firstMatch(of: #/<desc[^>]*>([^<]*)</desc>/#)).output.1
    #expect(desc.contains("REINFORCE: 3 points, y from 0 to 250.5"))
    #expect(desc.contains("x (episode) from 0 to 2"))
    #expect(desc.contains("reference line at 475 (solved)"))
  }

  @Test("Mean band uses the mean and population standard deviation over runs")
  func meanBand() throws {
    let s = Series.meanBand(name: "m", runs: [[1, 2, 3], [3, 4], [5, .nan, 9]])
    #expect(s.y == [3, 3, 6])
    let band = try #require(s.band)
    let sd0 = (8.0 / 3).squareRoot()
    #expect(abs(band.lower[0] - (3 - sd0)) < 1e-12 && abs(band.upper[0] - (3 + sd0)) < 1e-12)
    #expect(band.lower[1] == 2 && band.upper[1] == 4)
  }

  @Test("Moving average is trailing and skips non-finite values")
  func smoothing() {
    let s = Series(name: "s", y: [1, 3, .nan, 5, 7]).smoothed(window: 2)
    #expect(s.y == [1, 2, 3, 5, 6])
    #expect(s.unsmoothedY?.count == 5)
  }

  @Test("Histogram counts include the maximum in the last bin")
  func histogramBins() {
    let (edges, counts) = Histogram(values: [0, 1, 2, 3, 4], bins: 2).binCounts()
    #expect(edges == [0, 2, 4])
    #expect(counts == [2, 3])
  }

  @Test("Cell numbers contrast with the cell colour")
  func contrast() {
    let svg = Heatmap(values: [[0, 1]], title: "c", showValues: true).svg()
    // Viridis runs from dark purple (white text) to yellow (black text).
    #expect(svg.contains("fill=\"#ffffff\">0.0</text>"))
    #expect(svg.contains("fill=\"#000000\">1.0</text>"))
  }

  @Test("Colours follow the page theme")
  func theming() {
    let svg = Fixtures.learningCurves.svg()
    #expect(svg.contains("fill=\"var(--loom-fg, currentColor)\""))
    #expect(svg.contains("var(--loom-series-1, #0072B2)"))
    #expect(!svg.contains("#000000") && !svg.contains("#ffffff"))
  }

  @Test("Very long series are decimated per pixel column, keeping their extremes")
  func decimation() throws {
    var p = LinePlot()
    // A spike in the middle of 100 000 points must survive decimation.
    p.add(Series(name: "long", y: (0..<100_000).map { $0 == 50_000 ? 10 : Double($0 % 7) / 7 }))
    let svg = p.svg()
    #expect(svg.utf8.count < 200_000, "\(svg.utf8.count) bytes")
    let d = try #require(
      svg.firstMatch(of: #/stroke-width="2"/#) != nil
        ? svg.firstMatch(of: #/<path d="(M[^"]+)" fill="none" stroke="var\(--loom-series-1/#) : nil)
    let ys = d.output.1.split(separator: "L").compactMap {
      Double($0.split(separator: " ").last ?? "")
    }
    // The spike is the smallest pixel y (top of the plot).
    #expect(abs((ys.min() ?? 0) - 14) < 1, "\(ys.min() ?? 0)")
  }

  @Test("Fixed axis ranges are kept exactly, and data outside them is clipped")
  func fixedRanges() {
    var p = LinePlot()
    p.add(Series(name: "a", y: [-50, 100, 700]))
    p.yRange = 0...500
    let svg = p.svg()
    let labels = svg.split(separator: "\n").filter {
      $0.contains("text-anchor=\"end\"") && $0.contains("font-size=\"11\"")
    }
    #expect(labels.first?.hasSuffix(">0</text>") == true)
    #expect(labels.last?.hasSuffix(">500</text>") == true)
    #expect(svg.contains("clip-path=\"url(#loom-"))
    var q = LinePlot()
    q.yScale = .log
    q.yRange = 0.5...200
    q.add(Series(name: "b", y: [1, 10, 100]))
    let logLabels = q.svg().split(separator: "\n").filter { $0.contains("text-anchor=\"end\"") }
    #expect(
      logLabels.map { $0.split(separator: ">")[1].split(separator: "<")[0] } == ["1", "10", "100"])
  }

  @Test("Width and height are configurable")
  func size() {
    var p = LinePlot(width: 800, height: 300)
    p.add(Series(name: "a", y: [1, 2]))
    #expect(
      p.svg().hasPrefix(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"300\" viewBox=\"0 0 800 300\""
      ))
  }

  /// A figure from outside this module still nests in a subplot grid.
  struct Foreign: Figure {
    func svg() -> String {
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"50\" style=\"x\"><circle cx=\"5\" cy=\"5\" r=\"3\"/></svg>"
    }
  }

  @Test("Foreign figures nest in a subplot grid")
  func foreign() {
    let svg = SubplotGrid(rows: 1, cols: 2, figures: [Foreign(), Foreign()], width: 400).svg()
    #expect(parseXML(svg).wellFormed)
    #expect(svg.contains("viewBox=\"0 0 100 50\" xmlns=\"http://www.w3.org/2000/svg\">"))
    #expect(svg.contains("<circle cx=\"5\" cy=\"5\" r=\"3\"/>"))
    // 400 px wide, two 200 px cells at the figures' 2:1 aspect ratio.
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"100\""))
  }
}
