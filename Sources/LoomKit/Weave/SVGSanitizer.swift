/// What a cell's figure may put on a page: SVG made of drawing elements, nothing that runs.
///
/// A figure's markup comes from the note's program (`show(plot)`, but also `showSVG(…)` or a note's
/// own `Figure`), so it is untrusted like the note's raw HTML. It is rebuilt tag by tag from an
/// allow-list of SVG's drawing elements and presentation attributes: `<script>`, `<foreignObject>`,
/// `<iframe>`, event handlers (`onload=`), links and anything else are dropped (with their content,
/// for the elements that hold code or HTML), and the fragment is balanced, so it cannot close the
/// `<figure>` around it. Plotting's SVG passes through unchanged (tested against its golden files).
enum SVGSanitizer {
  static let allowedElements: Set<String> = [
    "svg", "g", "defs", "title", "desc", "line", "polyline", "polygon", "path", "rect", "circle", "ellipse",
    "text", "tspan", "clipPath", "linearGradient", "radialGradient", "stop", "marker", "pattern", "symbol", "mask",
  ]
  /// HTML reads tag names in any case: each allowed element by its lowercased name, as SVG spells it.
  static let canonical: [String: String] = Dictionary(uniqueKeysWithValues: allowedElements.map { ($0.lowercased(), $0) })
  /// Dropped with everything inside them (by lowercased name).
  static let droppedWithContent: Set<String> = [
    "script", "style", "foreignobject", "iframe", "object", "embed", "noscript", "template", "math", "handler",
  ]
  static let allowedAttributes: Set<String> = [
    "xmlns", "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "d",
    "points", "transform", "id", "class", "role", "aria-label", "aria-labelledby", "aria-describedby",
    "aria-hidden", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
    "opacity", "font-family", "font-size", "font-style", "font-weight", "text-anchor", "dominant-baseline",
    "alignment-baseline", "baseline-shift", "letter-spacing", "shape-rendering", "text-rendering",
    "clip-path", "clip-rule", "mask", "marker-start", "marker-mid", "marker-end", "offset", "stop-color",
    "stop-opacity", "gradientUnits", "gradientTransform", "preserveAspectRatio", "dx", "dy",
    "markerWidth", "markerHeight", "refX", "refY", "orient", "patternUnits", "style", "vector-effect",
    "visibility", "display", "color", "textLength", "lengthAdjust",
  ]
  /// `svg` rebuilt from the allow-list (see the type's description).
  static func sanitize(_ svg: String) -> String {
    let b = Array(svg.utf8)
    var out = ""
    out.reserveCapacity(b.count)
    var open: [String] = []
    var skipping: (name: String, depth: Int)? = nil
    var i = 0
    while i < b.count {
      guard b[i] == UInt8(ascii: "<") else {
        let start = i
        while i < b.count, b[i] != UInt8(ascii: "<") { i += 1 }
        if skipping == nil { out += String(decoding: b[start..<i], as: UTF8.self) }
        continue
      }
      guard let tag = Tag.parse(b, at: i) else {
        // A '<' that starts no tag (or a comment, doctype, processing instruction): dropped.
        i = Tag.skipMarkup(b, at: i)
        continue
      }
      i = tag.end
      let lower = tag.name.lowercased()
      if let s = skipping {
        if lower == s.name {
          if tag.closing { skipping = s.depth == 0 ? nil : (s.name, s.depth - 1) } else if !tag.selfClosing { skipping = (s.name, s.depth + 1) }
        }
        continue
      }
      if droppedWithContent.contains(lower) {
        if !tag.closing && !tag.selfClosing { skipping = (lower, 0) }
        continue
      }
      guard let name = canonical[lower] else { continue }
      if tag.closing {
        guard let k = open.lastIndex(of: name) else { continue }
        for name in open[k...].reversed() { out += "</\(name)>" }
        open.removeSubrange(k...)
        continue
      }
      out += "<" + name
      for (attribute, value) in tag.attributes where allowedAttributes.contains(attribute) && isSafe(value) {
        out += " \(attribute)=\"\(value)\""
      }
      if tag.selfClosing {
        out += "/>"
      } else {
        out += ">"
        open.append(name)
      }
    }
    for name in open.reversed() { out += "</\(name)>" }
    return out
  }

  /// A value that loads or runs nothing: no `url(` other than a fragment, no script scheme, no CSS
  /// expressions or imports.
  static func isSafe(_ value: String) -> Bool {
    let v = value.lowercased().filter { !$0.isWhitespace }
    if v.contains("javascript:") || v.contains("vbscript:") || v.contains("data:") || v.contains("expression(")
      || v.contains("@import") || v.contains("behavior:") || v.contains("-moz-binding")
    {
      return false
    }
    var rest = Substring(v)
    while let r = rest.range(of: "url(") {
      let after = rest[r.upperBound...].drop { $0 == "'" || $0 == "\"" }
      guard after.hasPrefix("#") else { return false }
      rest = after
    }
    return true
  }

  /// One tag, with its attributes as written (values kept escaped as they were, re-quoted).
  struct Tag {
    var name: String
    var closing: Bool
    var selfClosing: Bool
    var attributes: [(String, String)]
    var end: Int

    static func isNameByte(_ c: UInt8) -> Bool {
      (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
        || c == UInt8(ascii: "-") || c == UInt8(ascii: ":") || c == UInt8(ascii: "_")
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C }

    /// The tag at `start` (a '<'), or nil when it is not an element's start or end tag.
    static func parse(_ b: [UInt8], at start: Int) -> Tag? {
      var j = start + 1
      let closing = j < b.count && b[j] == UInt8(ascii: "/")
      if closing { j += 1 }
      let nameStart = j
      while j < b.count, isNameByte(b[j]) { j += 1 }
      guard j > nameStart, (b[nameStart] | 0x20) >= UInt8(ascii: "a"), (b[nameStart] | 0x20) <= UInt8(ascii: "z") else { return nil }
      let name = String(decoding: b[nameStart..<j], as: UTF8.self)
      var attributes: [(String, String)] = []
      while true {
        while j < b.count, isSpace(b[j]) { j += 1 }
        guard j < b.count else { return nil }
        if b[j] == UInt8(ascii: ">") { return Tag(name: name, closing: closing, selfClosing: false, attributes: attributes, end: j + 1) }
        if b[j] == UInt8(ascii: "/"), j + 1 < b.count, b[j + 1] == UInt8(ascii: ">") {
          return Tag(name: name, closing: closing, selfClosing: true, attributes: attributes, end: j + 2)
        }
        let attrStart = j
        while j < b.count, isNameByte(b[j]) { j += 1 }
        guard j > attrStart else { return nil }
        let attr = String(decoding: b[attrStart..<j], as: UTF8.self)
        while j < b.count, isSpace(b[j]) { j += 1 }
        var value = ""
        if j < b.count, b[j] == UInt8(ascii: "=") {
          j += 1
          while j < b.count, isSpace(b[j]) { j += 1 }
          guard let v = HTMLSanitizer.attributeValue(b, &j) else { return nil }
          value = v
        }
        // Re-quoted with double quotes: a value may not carry one, nor a '<' (it stays text-safe).
        let safe = value.replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "<", with: "&lt;")
        attributes.append((attr, safe))
      }
    }

    /// Past a comment, doctype, processing instruction or stray '<' at `start`.
    static func skipMarkup(_ b: [UInt8], at start: Int) -> Int {
      if b[start...].starts(with: Array("<!--".utf8)) {
        var j = start + 4
        while j + 2 < b.count, !(b[j] == UInt8(ascii: "-") && b[j + 1] == UInt8(ascii: "-") && b[j + 2] == UInt8(ascii: ">")) { j += 1 }
        return min(b.count, j + 3)
      }
      if start + 1 < b.count, b[start + 1] == UInt8(ascii: "!") || b[start + 1] == UInt8(ascii: "?") {
        var j = start + 2
        while j < b.count, b[j] != UInt8(ascii: ">") { j += 1 }
        return min(b.count, j + 1)
      }
      return start + 1
    }
  }
}
