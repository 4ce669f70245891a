import Foundation

/// The series' BibTeX file (`notes/references.bib`): entries by key, formatted author–year.
///
/// Enough BibTeX for a bibliography written by hand: `@type{key, field = {value}, field = "value",
/// year = 2017}`, nested braces, `%` comments between entries. `@string`, `@preamble` and
/// `@comment` are skipped. A malformed entry is an error at its line.
public struct Bibliography: Sendable {
  public struct Entry: Sendable, Hashable {
    public var key: String
    public var type: String
    public var fields: [String: String]
    public var line: Int

    /// Family names of the authors (or editors), in order.
    public var familyNames: [String] {
      let people = fields["author"] ?? fields["editor"] ?? ""
      return people.components(separatedBy: " and ").map { person in
        let p = person.trimmingCharacters(in: .whitespacesAndNewlines)
        if let comma = p.firstIndex(of: ",") { return String(p[..<comma]).strippingBraces }
        return String(p.split(separator: " ").last ?? Substring(p)).strippingBraces
      }.filter { !$0.isEmpty }
    }

    /// "Schulman", "Schulman and Wolski", "Schulman et al."
    public var authorShort: String {
      let names = familyNames
      if names.count > 1, names.last == "others" { return "\(names[0]) et al." }
      switch names.count {
      case 0: return fields["title"]?.strippingBraces ?? key
      case 1: return names[0]
      case 2: return "\(names[0]) and \(names[1])"
      default: return "\(names[0]) et al."
      }
    }

    public var year: String { fields["year"] ?? "n.d." }

    /// Where the work can be read: its DOI, arXiv id, or an http(s) url (any other scheme, such
    /// as `javascript:`, is not a link).
    public var link: String? {
      if let doi = fields["doi"] { return "https://doi.org/\(doi.urlPathEscaped)" }
      if let arxiv = fields["eprint"] ?? fields["arxiv"] { return "https://arxiv.org/abs/\(arxiv.urlPathEscaped)" }
      guard let url = fields["url"], url.lowercased().hasPrefix("https://") || url.lowercased().hasPrefix("http://") else { return nil }
      return url
    }

    /// The entry in the page's reference list, as HTML.
    public var html: String {
      var parts: [String] = []
      let authors = (fields["author"] ?? fields["editor"] ?? "").components(separatedBy: " and ").map {
        $0.trimmingCharacters(in: .whitespacesAndNewlines).strippingBraces
      }
      parts.append("\(authors.joined(separator: "; ").htmlEscaped) (\(year.htmlEscaped)).")
      if let title = fields["title"] { parts.append("<cite>\(title.strippingBraces.htmlEscaped)</cite>.") }
      if let venue = fields["journal"] ?? fields["booktitle"] ?? fields["publisher"] ?? fields["howpublished"] ?? fields["school"] ?? fields["institution"] {
        parts.append("\(venue.strippingBraces.htmlEscaped).")
      }
      if let link {
        let label = fields["doi"].map { "doi:\($0)" } ?? (fields["eprint"] ?? fields["arxiv"]).map { "arXiv:\($0)" } ?? link
        parts.append("<a href=\"\(link.htmlEscaped)\">\(label.htmlEscaped)</a>")
      }
      return parts.joined(separator: " ")
    }
  }

  public var path: String
  public var entries: [String: Entry] = [:]

  public init(path: String) { self.path = path }

  /// Reads `text` (the file at `path`); problems come back as diagnostics at their lines.
  public static func parse(_ text: String, path: String) -> (Bibliography, [Diagnostic]) {
    var bib = Bibliography(path: path)
    var scanner = BibTeXScanner(text: text, path: path)
    while let entry = scanner.nextEntry() {
      if let other = bib.entries[entry.key] {
        scanner.fail("duplicate BibTeX key '\(entry.key)' (also at line \(other.line))", at: entry.line)
        continue
      }
      if entry.fields["author"] == nil && entry.fields["editor"] == nil { scanner.fail("entry '\(entry.key)' has no author (or editor)", at: entry.line) }
      if entry.fields["year"] == nil { scanner.fail("entry '\(entry.key)' has no year", at: entry.line) }
      bib.entries[entry.key] = entry
    }
    return (bib, scanner.diagnostics)
  }
}

/// BibTeX's surface: `@type{key, name = {value} | "value" | word, …}` entries, `%` comments.
private struct BibTeXScanner {
  let chars: [Unicode.Scalar]
  let path: String
  var i = 0
  var line = 1
  var diagnostics: [Diagnostic] = []

  init(text: String, path: String) {
    chars = Array(text.unicodeScalars)
    self.path = path
  }

  mutating func fail(_ message: String, at l: Int) { diagnostics.append(Diagnostic(.error, message, at: SourceLocation(file: path, line: l))) }

  mutating func advance() {
    if chars[i] == "\n" { line += 1 }
    i += 1
  }

  mutating func skipSpace() { while i < chars.count, chars[i].properties.isWhitespace { advance() } }

  mutating func word() -> String {
    var w = ""
    while i < chars.count, chars[i].properties.isAlphabetic || ("0"..."9").contains(chars[i]) || "_-:.+/".unicodeScalars.contains(chars[i]) {
      w.unicodeScalars.append(chars[i])
      advance()
    }
    return w
  }

  /// `{…}` with nesting, `"…"`, or a bare word or number; nil if it is not closed.
  mutating func value() -> String? {
    skipSpace()
    guard i < chars.count else { return nil }
    var v = ""
    if chars[i] == "{" {
      var depth = 0
      repeat {
        if chars[i] == "{" { depth += 1 } else if chars[i] == "}" { depth -= 1 }
        v.unicodeScalars.append(chars[i])
        advance()
      } while i < chars.count && depth > 0
      return depth == 0 ? String(v.dropFirst().dropLast()) : nil
    }
    if chars[i] == "\"" {
      advance()
      while i < chars.count, chars[i] != "\"" {
        v.unicodeScalars.append(chars[i])
        advance()
      }
      guard i < chars.count else { return nil }
      advance()
      return v
    }
    let w = word()
    return w.isEmpty ? nil : w
  }

  /// The next well-formed entry; malformed ones are reported and skipped. Nil at the end.
  mutating func nextEntry() -> Bibliography.Entry? {
    while i < chars.count {
      if chars[i] == "%" {
        while i < chars.count, chars[i] != "\n" { advance() }
        continue
      }
      guard chars[i] == "@" else {
        advance()
        continue
      }
      if let entry = entry() { return entry }
    }
    return nil
  }

  /// The entry whose `@` is at `i`.
  private mutating func entry() -> Bibliography.Entry? {
    let start = line
    advance()
    let type = word().lowercased()
    skipSpace()
    guard i < chars.count, chars[i] == "{" || chars[i] == "(" else {
      fail("a BibTeX entry is @type{key, field = {value}, …}", at: start)
      return nil
    }
    advance()
    if ["string", "preamble", "comment"].contains(type) { return nil }
    skipSpace()
    let key = word()
    skipSpace()
    guard !key.isEmpty, i < chars.count, chars[i] == "," else {
      fail("the @\(type) entry needs a key and a comma after it, e.g. @\(type){schulman2017ppo,", at: start)
      return nil
    }
    advance()
    guard let fields = fields(of: key) else { return nil }
    return Bibliography.Entry(key: key, type: type, fields: fields, line: start)
  }

  /// `name = value` pairs up to the entry's closing brace; nil (reported) if one is malformed.
  private mutating func fields(of key: String) -> [String: String]? {
    var fields: [String: String] = [:]
    while true {
      skipSpace()
      guard i < chars.count else { return nil }
      if chars[i] == "}" || chars[i] == ")" {
        advance()
        return fields
      }
      let fieldLine = line
      let name = word().lowercased()
      skipSpace()
      guard !name.isEmpty, i < chars.count, chars[i] == "=" else {
        fail("entry '\(key)': a field is name = {value}", at: fieldLine)
        return nil
      }
      advance()
      guard let v = value() else {
        fail("entry '\(key)': the value of '\(name)' is not closed", at: fieldLine)
        return nil
      }
      fields[name] = v.split(whereSeparator: { $0 == "\n" || $0 == " " || $0 == "\t" }).joined(separator: " ")
      skipSpace()
      if i < chars.count, chars[i] == "," { advance() }
    }
  }
}

extension String {
  /// `{PPO}` → `PPO`, `{\'e}` → `é`: BibTeX's case-protecting braces dropped and its accents
  /// applied, for display.
  var strippingBraces: String {
    var s = self
    for (tex, mark) in [("\\'", "\u{301}"), ("\\`", "\u{300}"), ("\\\"", "\u{308}"), ("\\^", "\u{302}"), ("\\~", "\u{303}")] {
      while let r = s.range(of: tex) {
        var after = s[r.upperBound...].drop { $0 == "{" || $0 == " " }
        guard let letter = after.first else { break }
        after = after.dropFirst()
        s = String(s[..<r.lowerBound]) + String(letter) + mark + after
      }
    }
    return String(s.filter { $0 != "{" && $0 != "}" }).precomposedStringWithCanonicalMapping
  }

  /// For a path or query piece inside an attribute: `"`, `<`, `>`, spaces and the like escaped.
  var urlPathEscaped: String {
    addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/:()")) ?? ""
  }
}
