import TeXMath
// Random TeX-ish strings never crash and always give well-formed XML.
import Testing

/// A 64-bit SplitMix generator, so every run tests the same strings.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

@Suite("Fuzz")
struct FuzzTests {
  static let pieces: [String] = [
    "{", "}", "^", "_", "&", #"\\"#, "\\", "'", "[", "]", "(", ")", "|", "<", ">", "&amp;", "\"",
    "x", "y",
    "2", "0.5", "1e-3", " ", "%", "~", "-", "+", "=", ".", #"\frac"#, #"\sqrt"#, #"\left("#,
    #"\right)"#, #"\middle|"#, #"\left."#, #"\right"#, #"\left"#, #"\begin{matrix}"#,
    #"\end{matrix}"#,
    #"\begin{cases}"#, #"\end{cases}"#, #"\begin{aligned}"#, #"\end{aligned}"#,
    #"\begin{array}{c|l}"#,
    #"\end{array}"#, #"\begin{"#, #"\end{"#, #"\text{"#, #"\text{$"#, "$", #"\mathbb{"#,
    #"\mathbf"#,
    #"\operatorname*{"#, #"\sum"#, #"\int"#, #"\limits"#, #"\nolimits"#, #"\lim"#, #"\log"#,
    #"\alpha"#,
    #"\Gamma"#, #"\hat"#, #"\overline"#, #"\underbrace"#, #"\big"#, #"\Bigl"#, #"\over"#,
    #"\choose"#,
    #"\displaystyle"#, #"\color{red}"#, #"\tag{1}"#, #"\hline"#, #"\not"#, #"\foo"#, #"\,"#, #"\!"#,
    #"\hspace{"#, #"\substack{"#, #"\xrightarrow["#, #"\binom"#, #"\pmod"#, #"\{"#, #"\}"#, "é",
    "∑", "\r\n", "\u{0}", "\u{1F}",
  ]

  @Test("Random strings give well-formed MathML", arguments: 0..<4)
  func random(_ shard: Int) {
    var rng = SplitMix64(state: 0x5EED_0000 + UInt64(shard))
    for _ in 0..<750 {
      let count = Int.random(in: 0...40, using: &rng)
      var tex = ""
      for _ in 0..<count { tex += Self.pieces.randomElement(using: &rng) ?? "" }
      let display = Bool.random(using: &rng)
      let (xml, _) = TeXMath.convert(tex, display: display)
      let parsed = parseXML(xml)
      #expect(parsed.wellFormed, "input \(tex.debugDescription): \(parsed.error ?? "")")
      #expect(parsed.elements.first == "math")
      #expect(
        Set(parsed.elements).isSubset(of: mathMLCoreElements), "input \(tex.debugDescription)")
      if !parsed.wellFormed { return }
    }
  }
}
