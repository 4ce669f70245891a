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
    var parser = Parser(tex)
    let body = parser.parseFormula()
    var writer = MathMLWriter()
    if case .row = body { writer.write(body) } else { writer.write(.row([body])) }
    var out = "<math xmlns=\"http://www.w3.org/1998/Math/MathML\""
    if display { out += " display=\"block\"" }
    out += "><semantics>" + writer.out
    out += "<annotation encoding=\"application/x-tex\">" + escaped(tex) + "</annotation>"
    out += "</semantics></math>"
    return (out, parser.problems)
  }
}
