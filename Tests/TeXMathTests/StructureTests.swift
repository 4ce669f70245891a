import TeXMath
// Exact MathML for representative constructs.
import Testing

/// One TeX input and fragments its MathML must contain (and must not contain).
struct StructureCase: CustomTestStringConvertible, Sendable {
  var tex: String
  var display = true
  var contains: [String]
  var excludes: [String] = []
  var testDescription: String { tex }
}

@Suite("MathML structure")
struct StructureTests {
  static let cases: [StructureCase] = [
    .init(tex: #"\frac{a}{b}"#, contains: ["<mfrac><mi>a</mi><mi>b</mi></mfrac>"]),
    .init(tex: #"x_i^2"#, contains: ["<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>"]),
    .init(tex: #"x^2_i"#, contains: ["<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>"]),
    .init(
      tex: #"\sum_{t=0}^{T} r_t"#,
      contains: [
        #"<munderover><mo largeop="true" movablelimits="true">∑</mo><mrow><mi>t</mi><mo lspace="0" rspace="0">=</mo><mn>0</mn></mrow><mi>T</mi></munderover>"#
      ]),
    .init(
      tex: #"\sum_{t=0}^{T} r_t"#, display: false,
      contains: [#"<munderover><mo largeop="true" movablelimits="true">∑</mo>"#]),
    .init(
      tex: #"\prod_{i} p_i"#,
      contains: [#"<munder><mo largeop="true" movablelimits="true">∏</mo><mi>i</mi></munder>"#]),
    .init(
      tex: #"\int_0^1 f"#,
      contains: [#"<msubsup><mo largeop="true">∫</mo><mn>0</mn><mn>1</mn></msubsup>"#]),
    .init(
      tex: #"\int\limits_0^1 f"#,
      contains: [#"<munderover><mo largeop="true" movablelimits="false">∫</mo>"#]),
    .init(tex: #"\sum\nolimits_i x"#, contains: ["<msub><mo"], excludes: ["<munder>"]),
    .init(
      tex: #"\sum\limits_i x"#,
      contains: [#"<munder><mo largeop="true" movablelimits="false">∑</mo>"#]),
    .init(tex: #"\sqrt{2}"#, contains: ["<msqrt><mn>2</mn></msqrt>"]),
    .init(tex: #"\sqrt[n]{x}"#, contains: ["<mroot><mi>x</mi><mi>n</mi></mroot>"]),
    .init(tex: #"v'"#, contains: [#"<mi>v</mi><mo lspace="0" rspace="0">′</mo>"#]),
    .init(tex: #"f''(x)"#, contains: ["″</mo>"]),
    .init(
      tex: #"v'_t"#, contains: ["<msub><mrow><mi>v</mi><mo", "′</mo></mrow><mi>t</mi></msub>"]),
    .init(tex: #"v^{*}"#, contains: [#"<msup><mi>v</mi><mo lspace="0" rspace="0">∗</mo></msup>"#]),
    .init(tex: #"0.95"#, contains: ["<mn>0.95</mn>"]),
    .init(tex: #"1e-6"#, contains: ["<mn>1e-6</mn>"], excludes: ["<mi>e</mi>"]),
    .init(tex: #"2.5E+3"#, contains: ["<mn>2.5E+3</mn>"]),
    .init(tex: #"x^23"#, contains: ["<msup><mi>x</mi><mn>2</mn></msup><mn>3</mn>"]),
    .init(tex: #"2e^{x}"#, contains: ["<mn>2</mn><msup><mi>e</mi>"]),
    .init(
      tex: #"\alpha + \Gamma"#, contains: ["<mi>α</mi><mo>+</mo><mi mathvariant=\"normal\">Γ</mi>"]),
    .init(tex: #"\varepsilon \varphi \vartheta"#, contains: ["<mi>ε</mi><mi>φ</mi><mi>ϑ</mi>"]),
    .init(tex: #"\mathbb{R}^n"#, contains: ["<msup><mi>ℝ</mi><mi>n</mi></msup>"]),
    .init(
      tex: #"\mathbb{E}_{x \sim p}"#,
      contains: [
        #"<msub><mi>𝔼</mi><mrow><mi>x</mi><mo lspace="0" rspace="0">∼</mo><mi>p</mi></mrow></msub>"#
      ]),
    .init(tex: #"\mathcal{L}"#, contains: ["<mi>ℒ</mi>"]),
    .init(tex: #"\mathcal{N}"#, contains: ["<mi>𝒩</mi>"]),
    .init(tex: #"\mathbf{x}"#, contains: ["<mi>𝐱</mi>"]),
    .init(tex: #"\boldsymbol{\theta}"#, contains: ["<mi>𝜽</mi>"]),
    .init(tex: #"\mathbf{1}"#, contains: ["<mn>𝟏</mn>"]),
    .init(tex: #"\mathrm{KL}"#, contains: ["<mi>KL</mi>"]),
    .init(tex: #"\mathrm{d}x"#, contains: [#"<mi mathvariant="normal">d</mi><mi>x</mi>"#]),
    .init(tex: #"{\rm d}x"#, contains: [#"<mi mathvariant="normal">d</mi><mi>x</mi>"#]),
    .init(tex: #"\mathit{ab}"#, contains: ["<mi>𝑎𝑏</mi>"]),
    .init(tex: #"\text{if } x"#, contains: ["<mtext>if\u{A0}</mtext><mi>x</mi>"]),
    .init(tex: #"\textbf{w}"#, contains: [#"<mtext style="font-weight:bold">w</mtext>"#]),
    .init(tex: #"\text{mean of $x$}"#, contains: ["<mtext>mean\u{A0}of\u{A0}</mtext><mi>x</mi>"]),
    .init(
      tex: #"\operatorname{clip}(x)"#,
      contains: ["<mi>clip</mi><mo>\u{2061}</mo><mo stretchy=\"false\">(</mo>"]),
    .init(
      tex: #"\operatorname*{argmax}_y r"#,
      contains: [
        #"<munder><mo form="prefix" movablelimits="true" lspace="0" rspace="0">argmax</mo><mi>y</mi></munder>"#
      ]),
    .init(
      tex: #"\arg\max_a Q"#,
      contains: [
        "<mi>arg</mi>",
        #"<munder><mo form="prefix" movablelimits="true" lspace="0" rspace="0">max</mo><mi>a</mi></munder>"#,
      ]),
    .init(
      tex: #"\lim_{n \to \infty} x_n"#,
      contains: [
        #"<munder><mo form="prefix" movablelimits="true" lspace="0" rspace="0">lim</mo><mrow><mi>n</mi><mo lspace="0" rspace="0">→</mo>"#
      ]),
    .init(
      tex: #"\log x"#,
      contains: ["<mi>log</mi><mo>\u{2061}</mo><mspace width=\"0.1667em\"/><mi>x</mi>"]),
    .init(
      tex: #"\log(x)"#, contains: ["<mi>log</mi><mo>\u{2061}</mo><mo stretchy=\"false\">(</mo>"]),
    .init(tex: #"2\log n"#, contains: ["<mn>2</mn><mspace width=\"0.1667em\"/><mi>log</mi>"]),
    .init(
      tex: #"\left( x \right)"#,
      contains: [
        #"<mrow><mo form="prefix" stretchy="true">(</mo><mi>x</mi><mo form="postfix" stretchy="true">)</mo></mrow>"#
      ]),
    .init(
      tex: #"\left. x \right|_0"#,
      contains: [
        #"<msub><mrow><mi>x</mi><mo form="postfix" stretchy="true">|</mo></mrow><mn>0</mn></msub>"#
      ]),
    .init(
      tex: #"\left\langle x \middle| y \right\rangle"#,
      contains: [
        "⟨</mo>", #"<mo form="infix" stretchy="true" lspace="0.1667em" rspace="0.1667em">|</mo>"#,
        "⟩</mo>",
      ]),
    .init(tex: #"\left\| x \right\|"#, contains: [#"<mo form="prefix" stretchy="true">‖</mo>"#]),
    .init(tex: #"f(x)"#, contains: [#"<mo stretchy="false">(</mo>"#]),
    .init(
      tex: #"\big( x \Big)"#,
      contains: [
        #"<mo stretchy="true" minsize="1.2em" maxsize="1.2em">(</mo>"#, #"minsize="1.623em""#,
      ]),
    .init(tex: #"a = -b"#, contains: [#"<mo>=</mo><mo form="prefix">−</mo><mi>b</mi>"#]),
    .init(tex: #"a - b"#, contains: ["<mi>a</mi><mo>−</mo><mi>b</mi>"]),
    .init(
      tex: #"\hat{x}"#,
      contains: [#"<mover accent="true"><mi>x</mi><mo stretchy="false">^</mo></mover>"#]),
    .init(
      tex: #"\bar{x} \tilde{y} \dot{z}"#,
      contains: ["‾</mo></mover>", "~</mo></mover>", "˙</mo></mover>"]),
    .init(
      tex: #"\vec{v}"#,
      contains: [#"<mover accent="true"><mi>v</mi><mo stretchy="false">→</mo></mover>"#]),
    .init(tex: #"\overline{x}"#, contains: ["border-top"]),
    .init(
      tex: #"\underbrace{a+b}_{n}"#,
      contains: [
        #"<munder><munder accentunder="true"><mrow><mi>a</mi><mo>+</mo><mi>b</mi></mrow><mo stretchy="true">⏟</mo></munder><mi>n</mi></munder>"#
      ]),
    .init(
      tex: #"\overbrace{a}^{n}"#,
      contains: [
        #"<mover><mover accent="true"><mi>a</mi><mo stretchy="true">⏞</mo></mover><mi>n</mi></mover>"#
      ]),
    .init(
      tex: #"\begin{pmatrix} a & b \\ c & d \end{pmatrix}"#,
      contains: [
        #"<mo form="prefix" stretchy="true">(</mo><mtable><mtr><mtd><mi>a</mi></mtd><mtd><mi>b</mi></mtd></mtr><mtr><mtd><mi>c</mi></mtd><mtd><mi>d</mi></mtd></mtr></mtable><mo form="postfix" stretchy="true">)</mo>"#
      ]),
    .init(tex: #"\begin{bmatrix} 1 \end{bmatrix}"#, contains: ["[</mo><mtable>", "]</mo>"]),
    .init(
      tex: #"\begin{vmatrix} 1 \end{vmatrix}"#,
      contains: [#"<mo form="prefix" stretchy="true">|</mo><mtable>"#]),
    .init(
      tex: #"\begin{matrix} 1 \\ 2 \\ \end{matrix}"#,
      contains: [
        "<mtable><mtr><mtd><mn>1</mn></mtd></mtr><mtr><mtd><mn>2</mn></mtd></mtr></mtable>"
      ]),
    .init(
      tex: #"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}"#,
      contains: [
        #"<mo form="prefix" stretchy="true">{</mo><mtable><mtr><mtd style="text-align:left;padding-left:0;padding-right:1em"><mn>1</mn></mtd>"#,
        "<mtext>otherwise</mtext>",
      ]),
    .init(
      tex: #"\begin{aligned} a &= b \\ &= c \end{aligned}"#,
      contains: [
        #"<mtable displaystyle="true"><mtr><mtd style="text-align:right;padding-left:0;padding-right:0"><mi>a</mi></mtd><mtd style="text-align:left;padding-left:0;padding-right:0"><mrow><mo form="infix">=</mo><mi>b</mi></mrow></mtd></mtr>"#
      ]),
    .init(tex: #"\begin{align*} a &= 1 & b &= 2 \end{align*}"#, contains: ["padding-left:2em"]),
    .init(
      tex: #"\begin{array}{c|l} a & b \end{array}"#,
      contains: [#"<mtd style="text-align:left;border-left:1px solid"><mi>b</mi></mtd>"#]),
    .init(
      tex: #"\begin{array}{cc} a & b \\ \hline c & d \end{array}"#,
      contains: ["border-top:1px solid"]),
    .init(
      tex: #"\begin{gathered} a \\ b \end{gathered}"#, contains: [#"<mtable displaystyle="true">"#]),
    .init(tex: #"a \\ b"#, contains: ["<mtr><mtd", "<mi>a</mi></mtd></mtr><mtr>"]),
    .init(
      tex: #"\binom{n}{k}"#, contains: [#"<mfrac linethickness="0"><mi>n</mi><mi>k</mi></mfrac>"#]),
    .init(
      tex: #"\dfrac{1}{2}"#, display: false,
      contains: [#"<mstyle displaystyle="true" scriptlevel="0"><mfrac>"#]),
    .init(
      tex: #"\tfrac{1}{2}"#, contains: [#"<mstyle displaystyle="false" scriptlevel="0"><mfrac>"#]),
    .init(tex: #"\frac12"#, contains: ["<mfrac><mn>1</mn><mn>2</mn></mfrac>"]),
    .init(tex: #"a \over b"#, contains: ["<mfrac><mi>a</mi><mi>b</mi></mfrac>"]),
    .init(
      tex: #"\displaystyle \sum_i x"#, display: false,
      contains: [#"<mstyle displaystyle="true" scriptlevel="0">"#]),
    .init(tex: #"\color{red}{x}"#, contains: [#"<mstyle style="color:red"><mi>x</mi></mstyle>"#]),
    .init(tex: #"\boxed{x}"#, contains: ["border:1px solid"]),
    .init(
      tex: #"\stackrel{\text{def}}{=}"#, contains: ["<mover><mo>=</mo><mtext>def</mtext></mover>"]),
    .init(tex: #"\overset{a}{b}"#, contains: ["<mover><mi>b</mi><mi>a</mi></mover>"]),
    .init(tex: #"\underset{a}{b}"#, contains: ["<munder><mi>b</mi><mi>a</mi></munder>"]),
    .init(tex: #"a \pmod{n}"#, contains: ["<mi>mod</mi>"]),
    .init(tex: #"a \bmod b"#, contains: [#"<mo lspace="0.2222em" rspace="0.2222em">mod</mo>"#]),
    .init(
      tex: #"x \, y \quad z \! w ~ v"#,
      contains: [
        #"<mspace width="0.1667em"/>"#, #"<mspace width="1em"/>"#, "margin-left:-0.1667em",
        #"<mspace width="0.3333em"/>"#,
      ]),
    .init(
      tex: #"\{ x \}"#,
      contains: [#"<mo stretchy="false">{</mo><mi>x</mi><mo stretchy="false">}</mo>"#]),
    .init(
      tex: #"\lVert x \rVert"#, contains: [#"<mo stretchy="false" lspace="0" rspace="0">‖</mo>"#]),
    .init(tex: #"\lfloor x \rceil"#, contains: ["⌊</mo>", "⌉</mo>"]),
    .init(tex: #"E = mc^2 \tag{1}"#, contains: ["<mtext>(1)</mtext>"]),
    .init(
      tex: #"x^\top A^\intercal"#,
      contains: [#"<msup><mi>x</mi><mi mathvariant="normal">⊤</mi></msup>"#, "⊺</mi>"]),
    .init(
      tex: #"\nabla \partial \infty"#,
      contains: [#"<mi mathvariant="normal">∇</mi><mi mathvariant="normal">∂</mi>"#]),
    .init(tex: #"\ldots \cdots \dots"#, contains: ["<mo>…</mo><mo>⋯</mo><mo>…</mo>"]),
    .init(tex: #"\not\in \not="#, contains: ["<mo>∉</mo><mo>≠</mo>"]),
    .init(
      tex: #"\leq \geq \neq \approx \propto \sim \equiv \in \notin \subset"#,
      contains: [
        "<mo>≤</mo><mo>≥</mo><mo>≠</mo><mo>≈</mo><mo>∝</mo><mo>∼</mo><mo>≡</mo><mo>∈</mo><mo>∉</mo><mo>⊂</mo>"
      ]),
    .init(
      tex: #"\to \rightarrow \leftarrow \Rightarrow \mapsto \gets \leftrightarrow \iff"#,
      contains: ["<mo>→</mo><mo>→</mo><mo>←</mo><mo>⇒</mo><mo>↦</mo><mo>←</mo><mo>↔</mo><mo>⟺</mo>"]
    ),
    .init(
      tex: #"a \cdot b \times c \pm d \mp e \circ f \odot g \otimes h"#,
      contains: [
        "<mo>⋅</mo>", "<mo>×</mo>", "<mo>±</mo>", "<mo>∓</mo>", "<mo>∘</mo>", "<mo>⊙</mo>",
        "<mo>⊗</mo>",
      ]),
    .init(tex: #"a \times -b"#, contains: [#"<mo>×</mo><mo form="prefix">−</mo>"#]),
    .init(tex: #"(a) - b"#, contains: [#"<mo stretchy="false">)</mo><mo>−</mo>"#]),
    .init(
      tex: #"\forall \exists \cup \cap \emptyset \mid"#,
      contains: [
        "<mo>∀</mo><mo>∃</mo><mo>∪</mo><mo>∩</mo>", "∅</mi>", #"<mo stretchy="false">∣</mo>"#,
      ]),
    .init(
      tex: ##"\{ \} \_ \% \# \&"##,
      contains: ["{</mo>", "}</mo>", "_</mi>", "%</mi>", "#</mi>", "&amp;</mi>"]),
    .init(tex: #"x < y > z"#, contains: ["<mo>&lt;</mo>", "<mo>&gt;</mo>"]),
    .init(
      tex: #"\text{a < b & c}"#, contains: ["<mtext>a\u{A0}&lt;\u{A0}b\u{A0}&amp;\u{A0}c</mtext>"]),
    .init(tex: #"\sum_{\substack{i \\ j}} x"#, contains: ["<munder><mo", "<mtable><mtr><mtd"]),
    .init(
      tex: #"x \xrightarrow{f} y"#,
      contains: [#"<mover><mo stretchy="true" movablelimits="false" minsize="2em">→</mo>"#]),
    .init(
      tex: #"x^{\prime}"#, contains: [#"<mi>x</mi><mo lspace="0" rspace="0">′</mo>"#],
      excludes: ["<msup>"]),
    .init(
      tex: #"|x| + \|y\|"#,
      contains: [
        #"<mo stretchy="false" lspace="0" rspace="0">|</mo><mi>x</mi>"#, #"‖</mo><mi>y</mi>"#,
      ]),
    .init(
      tex: #"y_{<t} + x_{a+b}"#,
      contains: [
        #"<mo lspace="0" rspace="0">&lt;</mo>"#, #"<mi>a</mi><mo lspace="0" rspace="0">+</mo>"#,
      ]),
    .init(tex: #"\text{a {b} \{c\}}"#, contains: ["<mtext>a\u{A0}b\u{A0}{c}</mtext>"]),
    .init(tex: #"\operatorname{arg\,max}_a"#, contains: ["<mi>arg max</mi>"]),
    .init(
      tex: #"\mathrm{d}\theta + \mathrm{\theta}"#,
      contains: [
        #"<mi mathvariant="normal">d</mi><mi>θ</mi>"#, #"<mi mathvariant="normal">θ</mi>"#,
      ]),
    .init(
      tex: #"\operatorname{E}[X]"#,
      contains: [#"<mi mathvariant="normal">E</mi><mo>"# + "\u{2061}</mo>"]),
    .init(
      tex: #"\max_a \sum_s x"#,
      contains: [#"</munder><mspace width="0.1667em"/><munder><mo largeop="true""#]),
    .init(tex: #"\phantom{x}"#, contains: ["<mphantom><mi>x</mi></mphantom>"]),
    .init(tex: #"a \hspace{1em} b \mkern18mu c"#, contains: [#"<mspace width="1.0em"/>"#]),
  ]

  @Test("Contains the expected MathML", arguments: cases)
  func structure(_ c: StructureCase) {
    let (xml, problems) = TeXMath.convert(c.tex, display: c.display)
    #expect(problems.isEmpty, "problems: \(problems)")
    #expect(parseXML(xml).wellFormed, "not well-formed: \(xml)")
    for fragment in c.contains {
      #expect(xml.contains(fragment), "missing \(fragment)\nin \(xml)")
    }
    for fragment in c.excludes {
      #expect(!xml.contains(fragment), "unexpected \(fragment)\nin \(xml)")
    }
  }

  @Test("Display and inline wrappers")
  func wrappers() {
    let block = TeXMath.mathML("x", display: true)
    #expect(
      block.hasPrefix(
        #"<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><semantics><mrow>"#))
    #expect(
      block.hasSuffix(
        #"<annotation encoding="application/x-tex">x</annotation></semantics></math>"#))
    let inline = TeXMath.mathML("x", display: false)
    #expect(inline.hasPrefix(#"<math xmlns="http://www.w3.org/1998/Math/MathML"><semantics>"#))
    #expect(!inline.contains("display="))
  }

  @Test("mathML(_:display:) equals convert(_:display:).mathML")
  func sameOutput() {
    for tex in [#"\frac{a}{b}"#, #"\foo"#, "{"] {
      #expect(TeXMath.mathML(tex, display: true) == TeXMath.convert(tex, display: true).mathML)
    }
  }
}

extension StructureTests {
  @Test("A sign after a relation is unary, after an operand binary")
  func signs() {
    #expect(
      TeXMath.mathML(#"x = -1"#, display: false).contains(#"<mo>=</mo><mo form="prefix">−</mo>"#))
    #expect(TeXMath.mathML(#"x_1 + \cdots + x_n"#, display: false).contains("<mo>⋯</mo><mo>+</mo>"))
    #expect(TeXMath.mathML(#"n! - 1"#, display: false).contains("<mo>!</mo><mo>−</mo>"))
  }
}
