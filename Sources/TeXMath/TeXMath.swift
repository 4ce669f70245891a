// The public entry points. Everything else in the module is internal.

/// Converts TeX math to MathML Core, as rendered natively by current browsers.
///
/// ```swift
/// TeXMath.mathML(#"\frac{a}{b}"#, display: false)
/// // <math xmlns="http://www.w3.org/1998/Math/MathML"><semantics><mrow><mfrac><mi>a</mi>…
/// ```
public enum TeXMath {
  /// Converts TeX math source to a complete `<math>` element (MathML Core).
  ///
  /// Never throws and never traps: unknown commands and malformed input render as red source
  /// inside `<merror>`, and the rest of the formula still renders.
  /// - Parameters:
  ///   - tex: the formula, without `$` delimiters.
  ///   - display: true for a block formula (`display="block"`, limits under/over operators).
  public static func mathML(_ tex: String, display: Bool) -> String {
    convert(tex, display: display).mathML
  }

  /// Same as ``mathML(_:display:)``, plus the problems found, such as
  /// `unknown command "\foo" at offset 12` or `missing '}' for the '{' at offset 3`.
  ///
  /// Offsets count Characters from the start of `tex`. An empty list means the source was valid.
  public static func convert(_ tex: String, display: Bool) -> (mathML: String, problems: [String]) {
    var out = "<math xmlns=\"http://www.w3.org/1998/Math/MathML\""
    if display { out += " display=\"block\"" }
    // A formula longer than any real one is shown as source, not parsed: work (and memory) stay
    // bounded whatever a note contains.
    if let refusal = refusal(tex) {
      let shown = tex.count > 200 ? String(tex.prefix(200)) + "…" : tex
      out += "><merror><mtext>" + escaped(shown) + "</mtext></merror></math>"
      return (out, [refusal])
    }
    var parser = Parser(tex)
    let body = parser.parseFormula()
    var writer = MathMLWriter()
    if case .row = body { writer.write(body) } else { writer.write(.row([body])) }
    out += "><semantics>" + writer.out
    out += "<annotation encoding=\"application/x-tex\">" + escaped(tex) + "</annotation>"
    out += "</semantics></math>"
    var problems = parser.problems
    if problems.count > maxProblems {
      let more = problems.count - maxProblems
      problems = Array(problems.prefix(maxProblems)) + ["… and \(more) more problems in this formula"]
    }
    return (out, problems)
  }

  /// Longest formula converted, in bytes of TeX. The longest in the lecture series is under 1 KB.
  public static let maxLength = 16_384
  /// Most problems reported per formula (a malformed formula can have one per character).
  static let maxProblems = 20

  /// Why `tex` is not converted at all (too long), or nil. Callers report it as an error.
  public static func refusal(_ tex: String) -> String? {
    let n = tex.utf8.count
    guard n > maxLength else { return nil }
    return "formula is \(n) bytes long; Loom converts formulas of up to \(maxLength) bytes (split it, or put it in a ```math block per line)"
  }
}
