// Parses converter output with FoundationXML, so tests check real well-formedness.
import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The result of parsing one `<math>` element.
struct ParsedXML {
  var wellFormed: Bool
  var error: String?
  /// Element names in document order.
  var elements: [String]
  /// Character data, concatenated.
  var text: String
  var rootAttributes: [String: String]
}

/// The elements MathML Core defines (plus the `semantics`/`annotation` wrapper).
let mathMLCoreElements: Set<String> = [
  "math", "semantics", "annotation", "mi", "mn", "mo", "mtext", "mspace", "ms", "mrow", "mfrac",
  "msqrt", "mroot", "mstyle", "merror", "mpadded", "mphantom", "msub", "msup", "msubsup",
  "munder", "mover", "munderover", "mmultiscripts", "mprescripts", "mtable", "mtr", "mtd",
]

private final class Collector: NSObject, XMLParserDelegate {
  var elements: [String] = []
  var text = ""
  var rootAttributes: [String: String]? = nil

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
  ) {
    elements.append(elementName)
    if rootAttributes == nil { rootAttributes = attributeDict }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}

func parseXML(_ xml: String) -> ParsedXML {
  let parser = XMLParser(data: Data(xml.utf8))
  let collector = Collector()
  parser.delegate = collector
  let ok = parser.parse()
  return ParsedXML(
    wellFormed: ok, error: parser.parserError.map { "\($0)" }, elements: collector.elements,
    text: collector.text, rootAttributes: collector.rootAttributes ?? [:])
}
