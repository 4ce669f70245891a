import SwiftIDEUtils
import SwiftParser
import SwiftSyntax

/// Highlights Swift with the compiler's own parser and classification (swift-syntax), and links
/// identifiers to the cell that defines them — a WEB-style index, in the page itself.
public struct SwiftHighlighter: Sendable {
  public init() {}

  public func highlight(_ source: String) -> String { highlight(source, links: [:], selfAnchor: nil) }

  /// Highlights `source`; identifiers named in `links` become links to their defining cell
  /// (except in the cell that defines them, `selfAnchor`, where definitions are marked instead).
  public func highlight(_ source: String, links: [String: String], selfAnchor: String?) -> String {
    highlight(source, tree: parse(source), links: links, selfAnchor: selfAnchor)
  }

  /// Parses a cell once, for `definitions(_:tree:)` and `highlight(_:tree:…)` to share.
  /// Source that swift-syntax's parser would take too long on gets an empty tree: the cell is
  /// shown as plain text, and the weaver and `loom serve` stay responsive. Its time grows
  /// exponentially with nested `[` (20 levels: seconds, 25: minutes) and about cubically with any
  /// nesting (361 nested `(`: nine minutes) — both found by `make fuzz`.
  public func parse(_ source: String) -> SourceFileSyntax {
    Self.isSafeToParse(source) ? Parser.parse(source: source) : Parser.parse(source: "")
  }

  /// Deepest `[` nesting we parse, and deepest nesting of `(`, `[` and `{` together; real cells
  /// stay under 5 and 12.
  static let maxBracketDepth = 12
  static let maxNestingDepth = 32
  /// Longest cell we highlight, in bytes.
  static let maxLength = 256 * 1024

  /// False for source nested or sized beyond the limits above (counted outside nothing: a bracket
  /// inside a string or comment only makes us more cautious).
  public static func isSafeToParse(_ source: String) -> Bool {
    guard source.utf8.count <= maxLength else { return false }
    var square = 0, any = 0
    for byte in source.utf8 {
      switch byte {
      case UInt8(ascii: "["):
        square += 1
        any += 1
        if square > maxBracketDepth || any > maxNestingDepth { return false }
      case UInt8(ascii: "("), UInt8(ascii: "{"):
        any += 1
        if any > maxNestingDepth { return false }
      case UInt8(ascii: "]"):
        square = max(0, square - 1)
        any = max(0, any - 1)
      case UInt8(ascii: ")"), UInt8(ascii: "}"):
        any = max(0, any - 1)
      default:
        break
      }
    }
    return true
  }

  public func highlight(_ source: String, tree: SourceFileSyntax, links: [String: String], selfAnchor: String?) -> String {
    let bytes = Array(source.utf8)
    let defined = Set(Self.topLevelDefinitionTokens(tree))
    // Names this cell binds locally (parameters, local lets, closure parameters) shadow the
    // note's top-level names: those uses are not links.
    let locals = LocalNames(defined: defined)
    locals.walk(tree)
    var out = ""
    out.reserveCapacity(bytes.count * 2)
    var cursor = 0
    for range in tree.classifications {
      let start = range.offset, end = range.endOffset
      guard start >= cursor, end <= bytes.count else { continue }
      if start > cursor { out += String(decoding: bytes[cursor..<start], as: UTF8.self).htmlEscaped }
      let text = String(decoding: bytes[start..<end], as: UTF8.self)
      let escaped = text.htmlEscaped
      switch range.kind {
      case .keyword: out += "<span class=\"hl-keyword\">\(escaped)</span>"
      case .stringLiteral, .regexLiteral: out += "<span class=\"hl-string\">\(escaped)</span>"
      case .integerLiteral, .floatLiteral: out += "<span class=\"hl-number\">\(escaped)</span>"
      case .lineComment, .blockComment, .docLineComment, .docBlockComment: out += "<span class=\"hl-comment\">\(escaped)</span>"
      case .attribute: out += "<span class=\"hl-attribute\">\(escaped)</span>"
      case .ifConfigDirective: out += "<span class=\"hl-directive\">\(escaped)</span>"
      case .type, .identifier:
        let cls = range.kind == .type ? "hl-type" : "hl-ident"
        if defined.contains(start) {
          out += "<span class=\"\(cls) hl-def\" id=\"\(selfAnchor.map { "\($0)-def-" } ?? "def-")\(text.htmlEscaped)\">\(escaped)</span>"
        } else if let target = links[text], target != selfAnchor.map({ "#\($0)" }), !Self.isMemberAccess(bytes, at: start), !locals.names.contains(text) {
          out +=
            "<a class=\"hl-ref \(cls)\" href=\"\(target.htmlEscaped)\" title=\"defined in \((target.hasPrefix("#") ? String(target.dropFirst()) : target).htmlEscaped)\">\(escaped)</a>"
        } else if range.kind == .type {
          out += "<span class=\"hl-type\">\(escaped)</span>"
        } else {
          out += escaped
        }
      default:
        out += escaped
      }
      cursor = end
    }
    if cursor < bytes.count { out += String(decoding: bytes[cursor...], as: UTF8.self).htmlEscaped }
    return out
  }

  /// `x.name` or `.name`: a member, not the top-level definition of the same name.
  static func isMemberAccess(_ bytes: [UInt8], at offset: Int) -> Bool {
    var i = offset - 1
    while i >= 0, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09 { i -= 1 }
    return i >= 0 && bytes[i] == 0x2E
  }

  /// Names a cell defines at the top level: functions, types, `let`/`var` bindings, typealiases.
  public func definitions(_ source: String) -> [String] { definitions(source, tree: parse(source)) }

  public func definitions(_ source: String, tree: SourceFileSyntax) -> [String] {
    let bytes = Array(source.utf8)
    return Self.topLevelDefinitionTokens(tree).compactMap { offset in
      var end = offset
      while end < bytes.count,
        bytes[end] == 0x5F || (bytes[end] >= 0x30 && bytes[end] <= 0x39) || (bytes[end] | 0x20 >= 0x61 && bytes[end] | 0x20 <= 0x7A) || bytes[end] >= 0x80
      { end += 1 }
      return end > offset ? String(decoding: bytes[offset..<end], as: UTF8.self) : nil
    }
  }

  /// UTF-8 offsets of the name tokens of top-level declarations.
  static func topLevelDefinitionTokens(_ tree: SourceFileSyntax) -> [Int] {
    var offsets: [Int] = []
    for item in tree.statements {
      let node = item.item
      func add(_ token: TokenSyntax) { offsets.append(token.positionAfterSkippingLeadingTrivia.utf8Offset) }
      if let d = node.as(FunctionDeclSyntax.self) {
        add(d.name)
      } else if let d = node.as(StructDeclSyntax.self) {
        add(d.name)
      } else if let d = node.as(ClassDeclSyntax.self) {
        add(d.name)
      } else if let d = node.as(EnumDeclSyntax.self) {
        add(d.name)
      } else if let d = node.as(ProtocolDeclSyntax.self) {
        add(d.name)
      } else if let d = node.as(TypeAliasDeclSyntax.self) {
        add(d.name)
      } else if let d = node.as(ActorDeclSyntax.self) {
        add(d.name)
      } else if let d = node.as(VariableDeclSyntax.self) {
        for binding in d.bindings {
          if let p = binding.pattern.as(IdentifierPatternSyntax.self) {
            add(p.identifier)
          } else if let t = binding.pattern.as(TuplePatternSyntax.self) {
            for e in t.elements { if let p = e.pattern.as(IdentifierPatternSyntax.self) { add(p.identifier) } }
          }
        }
      }
    }
    return offsets
  }
}

/// Collects names bound below the top level of a cell.
final class LocalNames: SyntaxVisitor {
  let defined: Set<Int>
  var names: Set<String> = []

  init(defined: Set<Int>) {
    self.defined = defined
    super.init(viewMode: .sourceAccurate)
  }

  private func add(_ token: TokenSyntax) {
    if !defined.contains(token.positionAfterSkippingLeadingTrivia.utf8Offset) { names.insert(token.text) }
  }

  override func visit(_ node: IdentifierPatternSyntax) -> SyntaxVisitorContinueKind {
    add(node.identifier)
    return .visitChildren
  }

  override func visit(_ node: FunctionParameterSyntax) -> SyntaxVisitorContinueKind {
    add(node.secondName ?? node.firstName)
    return .visitChildren
  }

  override func visit(_ node: ClosureShorthandParameterSyntax) -> SyntaxVisitorContinueKind {
    add(node.name)
    return .visitChildren
  }

  override func visit(_ node: ClosureParameterSyntax) -> SyntaxVisitorContinueKind {
    add(node.secondName ?? node.firstName)
    return .visitChildren
  }
}
