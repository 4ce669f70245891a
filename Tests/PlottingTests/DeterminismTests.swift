import Plotting
import Testing

@Suite("Deterministic output and ids")
struct DeterminismTests {
  @Test("Rendering twice gives the same bytes", arguments: GoldenCase.all)
  func sameBytes(_ c: GoldenCase) {
    #expect(c.render() == c.render())
  }

  /// Every `id="…"` in the markup.
  func ids(_ svg: String) -> [String] {
    svg.matches(of: #/ id="([^"]+)"/#).map { String($0.output.1) }
  }

  @Test("Ids are unique within a figure and differ between figures")
  func uniqueIDs() {
    var all: [String] = []
    for c in GoldenCase.all {
      let found = ids(c.render())
      #expect(Set(found).count == found.count, "duplicate id in \(c.name)")
      all += found
    }
    #expect(Set(all).count == all.count, "two figures share an id")
  }

  @Test("Every url(#…) reference points at an id in the same figure", arguments: GoldenCase.all)
  func referencesResolve(_ c: GoldenCase) {
    let svg = c.render()
    let defined = Set(ids(svg))
    let used = svg.matches(of: #/url\(#([^)]+)\)/#).map { String($0.output.1) }
    #expect(!used.isEmpty || !svg.contains("url("))
    for u in used { #expect(defined.contains(u), "\(c.name): url(#\(u)) has no target") }
  }

  @Test("Ids depend on the content")
  func idsFollowContent() {
    var a = LinePlot(title: "a")
    a.add(Series(name: "s", y: [1, 2, 3]))
    var b = a
    b.series[0].y[2] = 4
    #expect(ids(a.svg()) != ids(b.svg()))
    #expect(ids(a.svg()).allSatisfy { $0.hasPrefix("loom-") })
    #expect(!a.svg().contains("<!ID!>"))
  }

  @Test("The same figure twice in a subplot grid gets distinct ids")
  func subplotIDs() {
    let h = Fixtures.valueHeatmap
    let svg = SubplotGrid(rows: 1, cols: 2, figures: [h, h]).svg()
    let found = ids(svg)
    #expect(found.count >= 2)
    #expect(Set(found).count == found.count)
    #expect(parseXML(svg).wellFormed)
  }
}
