// Every formula the lectures use converts cleanly: well-formed MathML Core, no errors, no problems.
import Testing

import TeXMath

@Suite("Lecture formulas")
struct LectureFormulaTests {
  @Test("The table is big enough for the acceptance criteria")
  func tableSize() {
    #expect(LectureFormulas.all.count >= 200)
    #expect(Set(LectureFormulas.all).count == LectureFormulas.all.count, "duplicates in the table")
  }

  @Test("Converts cleanly in display mode", arguments: LectureFormulas.all)
  func display(_ tex: String) {
    check(tex, display: true)
  }

  @Test("Converts cleanly inline", arguments: LectureFormulas.all)
  func inline(_ tex: String) {
    check(tex, display: false)
  }

  private func check(_ tex: String, display: Bool) {
    let (xml, problems) = TeXMath.convert(tex, display: display)
    #expect(problems.isEmpty, "problems: \(problems)")
    let parsed = parseXML(xml)
    #expect(parsed.wellFormed, "not well-formed: \(parsed.error ?? "") in \(xml)")
    #expect(parsed.elements.first == "math")
    #expect(parsed.elements.contains("annotation"))
    #expect(!parsed.elements.contains("merror"), "merror in \(xml)")
    #expect(!xml.contains("color:#c00"))
    let foreign = Set(parsed.elements).subtracting(mathMLCoreElements)
    #expect(foreign.isEmpty, "non-Core elements \(foreign)")
    #expect(parsed.rootAttributes["display"] == (display ? "block" : nil))
    #expect(parsed.rootAttributes["xmlns"] == "http://www.w3.org/1998/Math/MathML")
    // The annotation round-trips the source exactly (after XML unescaping).
    #expect(parsed.text.hasSuffix(tex), "annotation does not end with the source")
  }
}
