/// Anything that renders to one standalone `<svg>` element.
///
/// ```swift
/// var p = LinePlot(title: "CartPole return", xLabel: "episode", yLabel: "return")
/// p.add(Series(name: "REINFORCE", y: returns))
/// let markup = p.svg()   // "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" …"
/// ```
/// Every figure in this module is deterministic: the same data gives the same bytes, and the
/// ids inside are derived from a hash of the content, so figures on one page do not collide.
public protocol Figure {
  /// The figure as one standalone, accessible `<svg>` element.
  func svg() -> String
}

/// What a figure kind draws, before it is wrapped in the `<svg>` root.
struct Panel {
  var width: Double
  var height: Double
  /// Accessible name (`<title>`).
  var title: String
  /// Accessible summary of the data (`<desc>`).
  var desc: String
  /// Markup; ids inside are written as `SVGDocument.idToken` + suffix.
  var body: SVGWriter
}

/// Figure kinds of this module; `SubplotGrid` nests their panels directly.
protocol PanelFigure: Figure {
  func panel() -> Panel
}

enum SVGDocument {
  /// Stands for the figure's id until the content hash is known. It cannot come from user
  /// text, which is always escaped ("<" becomes "&lt;").
  static let idToken = "<!ID!>"

  static func render(_ panel: Panel) -> String {
    let w = c(panel.width), h = c(panel.height)
    var s = SVGWriter()
    s.raw(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\""
        + " style=\"max-width:100%;height:auto\" role=\"img\""
        + " aria-labelledby=\"\(idToken)-title \(idToken)-desc\""
        + " font-family=\"\(Theme.fontFamily)\" font-size=\"12\" fill=\"\(Theme.fg)\">")
    s.raw("<title id=\"\(idToken)-title\">\(xmlEscape(panel.title))</title>")
    s.raw("<desc id=\"\(idToken)-desc\">\(xmlEscape(panel.desc))</desc>")
    s.append(panel.body)
    s.raw("</svg>")
    return resolveIDs(s.output)
  }

  /// Replaces the id token by "loom-" + a hash of the whole markup.
  static func resolveIDs(_ markup: String) -> String {
    markup.replacing(idToken, with: "loom-" + FNV1a.hex(of: markup))
  }
}

/// Plain-text name of a figure kind used when the title is empty.
func accessibleTitle(_ title: String, fallback: String) -> String {
  title.isEmpty ? fallback : title
}
