import TeXMath
// Inputs found by a hostile run (issue "Under faults and attack"): each once crashed or hung.
import Testing

@Suite("Hostile input")
struct HostileInputTests {
  @Test(
    "Thousands of repeated scripts make one flat row, not a tree deep enough to overflow the stack",
    arguments: [
      String(repeating: "^", count: 3000), String(repeating: "_", count: 3000),
      String(repeating: "^x", count: 3000), String(repeating: "_1^2", count: 2000),
      String(repeating: "'", count: 3000) + "^2^3",
    ])
  func repeatedScripts(_ tail: String) {
    let (xml, problems) = TeXMath.convert("x" + tail, display: false)
    #expect(parseXML(xml).wellFormed)
    #expect(!problems.isEmpty)
    #expect(problems.count <= 21, "problems are capped: \(problems.count)")
  }

  @Test("A formula longer than the limit is shown as source and refused with a reason")
  func tooLong() {
    let tex = String(repeating: #"\left("#, count: 250_000)
    #expect(TeXMath.refusal(tex) != nil)
    let (xml, problems) = TeXMath.convert(tex, display: true)
    #expect(problems == [TeXMath.refusal(tex)!])
    #expect(xml.contains("<merror>"))
    #expect(xml.utf8.count < 2_000)
    #expect(parseXML(xml).wellFormed)
  }

  @Test("Deep nesting just under the length limit converts, bounded by the depth guard")
  func deepButShort() {
    for unit in [#"\left("#, "{", #"\frac{"#, #"\sqrt{"#, "x^{"] {
      let tex = String(repeating: unit, count: TeXMath.maxLength / unit.utf8.count - 1)
      #expect(TeXMath.refusal(tex) == nil)
      let (xml, problems) = TeXMath.convert(tex, display: false)
      #expect(parseXML(xml).wellFormed, "\(unit)")
      #expect(!problems.isEmpty)
    }
  }
}
