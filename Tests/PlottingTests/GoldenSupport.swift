import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Compares `svg` with `Golden/<name>.svg`; `RECORD_GOLDEN=1 swift test` rewrites the file instead.
///
/// A mismatch reports the first differing line with a little context, and writes the actual
/// output to `$TMPDIR/PlottingGolden/<name>.svg` for a closer look.
func expectGolden(
  _ svg: String, named name: String, filePath: String = #filePath,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let sourceFolder = URL(fileURLWithPath: filePath).deletingLastPathComponent()
    .appendingPathComponent("Golden")
  if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
    do {
      try svg.write(
        to: sourceFolder.appendingPathComponent("\(name).svg"), atomically: true, encoding: .utf8)
    } catch {
      Issue.record("could not record golden \(name).svg: \(error)", sourceLocation: sourceLocation)
    }
    return
  }
  guard
    let url = Bundle.module.url(forResource: name, withExtension: "svg", subdirectory: "Golden"),
    let expected = try? String(contentsOf: url, encoding: .utf8)
  else {
    Issue.record(
      "missing golden file Golden/\(name).svg; record it with RECORD_GOLDEN=1",
      sourceLocation: sourceLocation)
    return
  }
  guard expected != svg else { return }
  let actualFolder = FileManager.default.temporaryDirectory.appendingPathComponent("PlottingGolden")
  try? FileManager.default.createDirectory(at: actualFolder, withIntermediateDirectories: true)
  let actualURL = actualFolder.appendingPathComponent("\(name).svg")
  try? svg.write(to: actualURL, atomically: true, encoding: .utf8)
  let report =
    "\(name).svg differs from its golden file (actual output: \(actualURL.path))\n"
    + firstDifference(expected, svg)
  Issue.record(Comment(rawValue: report), sourceLocation: sourceLocation)
}

/// A readable report of where two texts first differ, line by line.
func firstDifference(_ expected: String, _ actual: String) -> String {
  let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
  let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
  // Ids embed a hash of the whole figure, so any change alters line 1; look past them first.
  func withoutHash(_ line: Substring) -> String {
    String(line).replacing(#/loom-[0-9a-f]{12}/#, with: "loom-#")
  }
  let firstReal = zip(e, a).enumerated().first {
    withoutHash($0.element.0) != withoutHash($0.element.1)
  }?.offset
  let i = firstReal ?? (e.count == a.count ? 0 : min(e.count, a.count))
  var out =
    firstReal == nil && e.count == a.count
    ? "only the content hash in the ids differs:\n"
    : "first difference at line \(i + 1) (expected \(e.count) lines, got \(a.count)):\n"
  for j in max(0, i - 2)..<min(max(e.count, a.count), i + 3) {
    let exp = j < e.count ? String(e[j]) : "<end of file>"
    let act = j < a.count ? String(a[j]) : "<end of file>"
    if exp == act {
      out += "  \(j + 1)   \(exp)\n"
    } else {
      out += "- \(j + 1)   \(exp)\n+ \(j + 1)   \(act)\n"
    }
  }
  return out
}

/// What an XML parser made of a document.
struct ParsedXML {
  var error: String?
  var elements: [String] = []
  /// All character data, in document order.
  var text = ""
  var attributes: [[String: String]] = []
  var wellFormed: Bool { error == nil }
}

/// Parses `markup` with Foundation's XMLParser (FoundationXML on Linux).
func parseXML(_ markup: String) -> ParsedXML {
  final class Collector: NSObject, XMLParserDelegate {
    var result = ParsedXML()
    func parser(
      _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
      qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      result.elements.append(name)
      result.attributes.append(attributes)
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { result.text += string }
    func parser(_ parser: XMLParser, parseErrorOccurred error: any Error) {
      result.error = "\(error) at line \(parser.lineNumber), column \(parser.columnNumber)"
    }
  }
  let parser = XMLParser(data: Data(markup.utf8))
  let collector = Collector()
  parser.delegate = collector
  if !parser.parse() && collector.result.error == nil {
    collector.result.error = parser.parserError.map { "\($0)" } ?? "parse failed"
  }
  return collector.result
}
