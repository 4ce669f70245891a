/// Builds HTML the way Plotting's `SVGWriter` builds SVG: text and attribute values are escaped by
/// default, and markup that is already HTML (woven prose, MathML, SVG, a cell's output) goes in only
/// through `raw`, where a reader of the code sees it.
struct HTMLWriter {
  private(set) var html = ""

  init() {}

  /// Trusted markup, as is.
  mutating func raw(_ markup: String) { html += markup }

  /// Text, escaped.
  mutating func text(_ s: String) { html += s.htmlEscaped }

  /// `<name a="v">text</name>`. Attributes whose value is nil or empty are left out.
  mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], text: String) {
    open(name, attributes)
    self.text(text)
    html += "</\(name)>"
  }

  /// `<name a="v">…</name>` with the content `body` writes.
  mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], _ body: (inout HTMLWriter) -> Void) {
    open(name, attributes)
    body(&self)
    html += "</\(name)>"
  }

  private mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String?>) {
    html += "<" + name
    for (key, value) in attributes {
      guard let value, !value.isEmpty else { continue }
      html += " \(key)=\"\(value.htmlEscaped)\""
    }
    html += ">"
  }

  /// One element as a string: `HTMLWriter.element("a", ["href": url], text: title)`.
  static func element(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], text: String) -> String {
    var w = HTMLWriter()
    w.element(name, attributes, text: text)
    return w.html
  }
}
