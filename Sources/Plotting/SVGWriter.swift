/// Escapes text for XML character data and attribute values.
///
/// `<`, `>`, `&`, `"` and `'` become entities; control characters that XML 1.0 forbids are
/// replaced by U+FFFD so that any string yields well-formed SVG.
func xmlEscape(_ s: String) -> String {
  var out = ""
  out.reserveCapacity(s.utf8.count)
  for scalar in s.unicodeScalars {
    switch scalar {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    case "'": out += "&#39;"
    case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
    default:
      if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
        out += "\u{FFFD}"
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
  }
  return out
}

/// A rough width estimate for sans-serif text; good enough to lay out margins and legends.
func textWidth(_ s: String, size: Double) -> Double {
  Double(s.count) * size * 0.6
}

/// Shortens `s` with "…" so that it fits into `width` pixels at font `size`.
func truncated(_ s: String, toWidth width: Double, size: Double) -> String {
  let maxChars = max(1, Int(width / (size * 0.6)))
  guard s.count > maxChars else { return s }
  return String(s.prefix(max(0, maxChars - 1))) + "…"
}

/// Builds SVG markup one element per line (so golden-file diffs read well).
///
/// Attribute values and text are always escaped; numbers go through `Num.coord`.
struct SVGWriter {
  private(set) var lines: [String] = []

  var output: String { lines.joined(separator: "\n") }

  mutating func raw(_ line: String) { lines.append(line) }

  mutating func append(_ other: SVGWriter) { lines += other.lines }

  mutating func element(
    _ name: String, _ attributes: KeyValuePairs<String, String>, text: String? = nil
  ) {
    var s = "<" + name
    for (key, value) in attributes where !value.isEmpty {
      s += " \(key)=\"\(xmlEscape(value))\""
    }
    if let text {
      s += ">" + xmlEscape(text) + "</\(name)>"
    } else {
      s += "/>"
    }
    lines.append(s)
  }

  mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
    var s = "<" + name
    for (key, value) in attributes where !value.isEmpty {
      s += " \(key)=\"\(xmlEscape(value))\""
    }
    lines.append(s + ">")
  }

  mutating func close(_ name: String) { lines.append("</\(name)>") }

  mutating func line(
    _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double,
    stroke: String, width: Double = 1, opacity: Double? = nil, dash: String = ""
  ) {
    element(
      "line",
      [
        "x1": c(x1), "y1": c(y1), "x2": c(x2), "y2": c(y2), "stroke": stroke,
        "stroke-width": c(width), "stroke-opacity": opacity.map(c) ?? "", "stroke-dasharray": dash,
      ])
  }

  mutating func rect(
    _ x: Double, _ y: Double, _ w: Double, _ h: Double,
    fill: String, opacity: Double? = nil, stroke: String = "", strokeWidth: Double? = nil
  ) {
    element(
      "rect",
      [
        "x": c(x), "y": c(y), "width": c(max(0, w)), "height": c(max(0, h)), "fill": fill,
        "fill-opacity": opacity.map(c) ?? "", "stroke": stroke,
        "stroke-width": strokeWidth.map(c) ?? "",
      ])
  }

  enum Anchor: String { case start, middle, end }

  mutating func text(
    _ x: Double, _ y: Double, _ string: String, size: Double = 12, anchor: Anchor = .start,
    fill: String = "", weight: String = "", style: String = "", rotate: Double? = nil,
    baseline: String = ""
  ) {
    let transform = rotate.map { "rotate(\(c($0)) \(c(x)) \(c(y)))" } ?? ""
    element(
      "text",
      [
        "x": c(x), "y": c(y), "font-size": c(size),
        "text-anchor": anchor == .start ? "" : anchor.rawValue,
        "fill": fill, "font-weight": weight, "font-style": style, "transform": transform,
        "dominant-baseline": baseline,
      ], text: string)
  }

  /// Shorthand for a pixel coordinate.
  func c(_ v: Double) -> String { Num.coord(v) }
}

/// Shorthand for a pixel coordinate outside a writer.
func c(_ v: Double) -> String { Num.coord(v) }
