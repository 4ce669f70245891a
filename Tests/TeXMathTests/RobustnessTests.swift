import TeXMath
// Malformed input never crashes, always yields well-formed XML, and is reported.
import Testing

@Suite("Malformed input")
struct RobustnessTests {
  @Test("Unknown command renders red source and the rest still renders")
  func unknownCommand() {
    let (xml, problems) = TeXMath.convert(#"a + \foo{x} + \frac{1}{2}"#, display: true)
    #expect(xml.contains(#"<merror><mtext style="color:#c00">\foo</mtext></merror>"#))
    #expect(xml.contains("<mfrac><mn>1</mn><mn>2</mn></mfrac>"))
    #expect(xml.contains("<mi>x</mi>"))
    #expect(problems == [#"unknown command "\foo" at offset 4"#])
    #expect(parseXML(xml).wellFormed)
  }

  @Test("Unknown environment is reported, its body still renders")
  func unknownEnvironment() {
    let (xml, problems) = TeXMath.convert(#"\begin{weird} a & b \end{weird}"#, display: true)
    #expect(problems.count == 1)
    #expect(problems.first?.contains("unknown environment \"weird\"") == true)
    #expect(xml.contains("<merror>"))
    #expect(xml.contains("<mi>b</mi>"))
  }

  /// Inputs that are wrong, with a fragment the problem list must mention.
  static let malformed: [(String, String)] = [
    ("{a", "missing '}'"),
    ("a}", "unmatched '}'"),
    ("}}}{{{", "unmatched '}'"),
    (#"\frac{a}{"#, "missing '}'"),
    (#"\frac"#, "missing argument for \\frac"),
    (#"\frac{a}"#, "missing argument"),
    (#"x^"#, "missing superscript"),
    (#"x_"#, "missing subscript"),
    (#"x^^2"#, "missing superscript"),
    (#"x^2^3"#, "double superscript"),
    (#"x_1_2"#, "double subscript"),
    (#"a \"#, "trailing '\\'"),
    (#"\"#, "trailing '\\'"),
    (#"\left( x"#, "missing \\right"),
    (#"x \right)"#, "without a matching \\left"),
    (#"\middle|"#, "without a matching \\left"),
    (#"\left x \right)"#, "delimiter"),
    (#"\begin{matrix} a & b"#, "missing \\end{matrix}"),
    (#"\begin{matrix} a \end{pmatrix}"#, "does not match"),
    (#"\end{matrix}"#, "without a matching \\begin"),
    (#"{ & }"#, "'&' outside a table"),
    (#"{a \\ b}"#, "line break"),
    (#"\sqrt[3{x}"#, "missing ']'"),
    (#"\text{abc"#, "missing '}'"),
    (#"\begin{cases} a & b"#, "missing \\end{cases}"),
    (#"\mathbb"#, "missing argument"),
    (#"\left(\begin{matrix} a \right)"#, "missing \\end{matrix}"),
    (#"\hspace{wide}"#, "unknown length"),
    (#"\text{$x^$}"#, "in \\text"),
  ]

  @Test("Malformed input is reported and still well-formed", arguments: malformed)
  func malformedInput(_ tex: String, _ expected: String) {
    for display in [true, false] {
      let (xml, problems) = TeXMath.convert(tex, display: display)
      #expect(problems.contains { $0.contains(expected) }, "problems: \(problems)")
      let parsed = parseXML(xml)
      #expect(parsed.wellFormed, "\(parsed.error ?? "") in \(xml)")
      #expect(parsed.elements.first == "math")
    }
  }

  @Test("Empty and blank input")
  func empty() {
    for tex in ["", " ", "\n\t", "%just a comment"] {
      let (xml, problems) = TeXMath.convert(tex, display: true)
      #expect(problems.isEmpty)
      #expect(parseXML(xml).wellFormed)
      #expect(xml.contains("<semantics><mrow></mrow><annotation"))
    }
  }

  @Test("A script with nothing before it attaches to an empty base")
  func scriptWithoutBase() {
    let (xml, problems) = TeXMath.convert("^2 + {_i}", display: false)
    #expect(problems.isEmpty)
    #expect(xml.contains("<msup><mrow></mrow><mn>2</mn></msup>"))
    #expect(xml.contains("<msub><mrow></mrow><mi>i</mi></msub>"))
  }

  @Test(
    "Deep nesting is bounded",
    arguments: [
      String(repeating: "{", count: 1000) + "x" + String(repeating: "}", count: 1000),
      String(repeating: "{", count: 1000),
      String(repeating: "}", count: 1000),
      String(repeating: #"\frac"#, count: 1000) + "ab",
      String(repeating: #"\sqrt"#, count: 1000) + "x",
      String(repeating: #"\left("#, count: 1000) + "x"
        + String(repeating: #"\right)"#, count: 1000),
      String(repeating: #"\begin{matrix}"#, count: 500) + "x"
        + String(repeating: #"\end{matrix}"#, count: 500),
      String(repeating: "x^{", count: 1000) + "y" + String(repeating: "}", count: 1000),
      String(repeating: #"\displaystyle "#, count: 1000) + "x",
      String(repeating: #"\mathbf{"#, count: 1000) + "x",
      String(repeating: "x^", count: 1000) + "y",
      String(repeating: #"\text{"#, count: 1000),
    ])
  func deepNesting(_ tex: String) {
    let (xml, _) = TeXMath.convert(tex, display: true)
    let parsed = parseXML(xml)
    #expect(parsed.wellFormed, "\(parsed.error ?? "")")
  }

  @Test("Moderate nesting renders without problems")
  func moderateNesting() {
    let tex = String(repeating: "{", count: 30) + "x" + String(repeating: "}", count: 30)
    let (xml, problems) = TeXMath.convert(tex, display: true)
    #expect(problems.isEmpty)
    #expect(xml.contains("<mi>x</mi>"))
  }

  @Test("Text and the annotation are XML-escaped")
  func escaping() {
    let tex = #"a<b \text{x & y > z} \& "q""#
    let (xml, _) = TeXMath.convert(tex, display: true)
    let parsed = parseXML(xml)
    #expect(parsed.wellFormed)
    #expect(
      xml.contains(
        #"<annotation encoding="application/x-tex">a&lt;b \text{x &amp; y &gt; z} \&amp; &quot;q&quot;</annotation>"#
      ))
    #expect(!xml.contains("<b"))
    #expect(parsed.text.hasSuffix(tex))
  }

  @Test("Error source is escaped too")
  func escapedErrors() {
    let (xml, problems) = TeXMath.convert(#"\begin{<x>&} a \end{<x>&}"#, display: true)
    #expect(!problems.isEmpty)
    #expect(parseXML(xml).wellFormed, "\(xml)")
    #expect(xml.contains(#"\begin{&lt;x&gt;&amp;}"#))
  }

  @Test("Output is deterministic")
  func determinism() {
    for tex in LectureFormulas.all.prefix(40) + [#"\foo{"#] {
      let first = TeXMath.convert(tex, display: true)
      let second = TeXMath.convert(tex, display: true)
      #expect(first.mathML == second.mathML)
      #expect(first.problems == second.problems)
    }
  }

  @Test("CRLF line ends and comments are whitespace")
  func crlf() {
    let (xml, problems) = TeXMath.convert("a\r\n+ b % note\r\n+ c", display: true)
    #expect(problems.isEmpty)
    #expect(xml.contains("<mi>a</mi><mo>+</mo><mi>b</mi><mo>+</mo><mi>c</mi>"))
  }

  @Test("Control characters never make the XML invalid")
  func controlCharacters() {
    let tex = "x\u{0}y\u{1B}\\text{\u{7}}\u{FFFF}"
    let (xml, _) = TeXMath.convert(tex, display: false)
    let parsed = parseXML(xml)
    #expect(parsed.wellFormed, "\(parsed.error ?? "")")
    #expect(xml.contains("\u{FFFD}"))
  }

  @Test("Non-ASCII input is kept")
  func unicode() {
    let (xml, problems) = TeXMath.convert("α + β = ∑ é", display: false)
    #expect(problems.isEmpty)
    #expect(xml.contains("<mi>α</mi>"))
    #expect(xml.contains("<mi>é</mi>"))
    #expect(parseXML(xml).wellFormed)
  }
}
