// Every formula in notes/*.md (as the notes stand when the tests run) converts cleanly.
import Foundation
import TeXMath
import Testing

@Suite("Formulas in the notes")
struct NoteFormulaTests {
  /// notes/ next to Tests/, found from this file even when Tests/TeXMathTests is reached by a symlink.
  static var notesDirectory: URL {
    URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("notes")
  }

  static func noteFiles() -> [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: notesDirectory.path)) ?? []
    return names.filter { $0.hasSuffix(".md") }.sorted().map {
      notesDirectory.appendingPathComponent($0)
    }
  }

  @Test("Every $…$, $$…$$ and math block in the notes converts without problems")
  func notes() throws {
    let files = Self.noteFiles()
    try #require(!files.isEmpty, "no notes found in \(Self.notesDirectory.path)")
    var count = 0
    for file in files {
      let text = try String(contentsOf: file, encoding: .utf8)
      for (tex, display) in MarkdownMath.formulas(in: text) {
        count += 1
        let (xml, problems) = TeXMath.convert(tex, display: display)
        #expect(problems.isEmpty, "\(file.lastPathComponent): \(tex): \(problems)")
        #expect(parseXML(xml).wellFormed, "\(file.lastPathComponent): \(tex)")
        #expect(!xml.contains("<merror>"), "\(file.lastPathComponent): \(tex)")
      }
    }
    #expect(count > 0)
  }

  @Test("The extractor finds math and skips code")
  func extractor() {
    let md = """
      Inline $a^2$ and $$\\frac{1}{2}$$, a price of $5 and $6, `$not math$`, \\$ escaped.

      ```swift
      let x = { $0 + $1 }
      ```

      ```math
      \\sum_i x_i
      ```
      """
    let found = MarkdownMath.formulas(in: md)
    #expect(found.map(\.0) == [#"\sum_i x_i"#, #"\frac{1}{2}"#, "a^2"])
    #expect(found.map(\.1) == [true, true, false])
  }
}

/// A small approximation of the weaver's math extraction, good enough to collect the notes' formulas.
enum MarkdownMath {
  static func formulas(in markdown: String) -> [(String, Bool)] {
    var display: [String] = []
    var prose: [String] = []
    var fence: String? = nil
    var mathBlock: [String]? = nil
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if let f = fence {
        if trimmed.hasPrefix(f) {
          if let block = mathBlock { display.append(block.joined(separator: "\n")) }
          fence = nil
          mathBlock = nil
        } else {
          mathBlock?.append(line)
        }
        prose.append("")
        continue
      }
      if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
        let marker = String(trimmed.prefix { $0 == "`" || $0 == "~" })
        fence = marker
        mathBlock =
          trimmed.dropFirst(marker.count).trimmingCharacters(in: .whitespaces) == "math" ? [] : nil
        prose.append("")
        continue
      }
      prose.append(line)
    }
    let text = withoutCodeSpans(prose.joined(separator: "\n"))
    var inline: [String] = []
    let chars = Array(text)
    var i = 0
    while i < chars.count {
      if chars[i] == "\\" {
        i += 2
        continue
      }
      guard chars[i] == "$" else {
        i += 1
        continue
      }
      if i + 1 < chars.count, chars[i + 1] == "$" {
        var j = i + 2
        while j + 1 < chars.count, !(chars[j] == "$" && chars[j + 1] == "$") { j += 1 }
        if j + 1 < chars.count {
          display.append(String(chars[(i + 2)..<j]).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        i = j + 2
        continue
      }
      // Inline: no space after the opening `$`, none before the closing one, no digit after it.
      var j = i + 1
      var closed: Int? = nil
      while j < chars.count, chars[j] != "\n" {
        if chars[j] == "\\" {
          j += 2
          continue
        }
        if chars[j] == "$" {
          let afterIsDigit = j + 1 < chars.count && chars[j + 1].isNumber
          if !chars[j - 1].isWhitespace && !afterIsDigit { closed = j }
          break
        }
        j += 1
      }
      if let end = closed, end > i + 1, !chars[i + 1].isWhitespace {
        inline.append(String(chars[(i + 1)..<end]))
        i = end + 1
      } else {
        i += 1
      }
    }
    return display.map { ($0, true) } + inline.map { ($0, false) }
  }

  private static func withoutCodeSpans(_ text: String) -> String {
    var out = ""
    let chars = Array(text)
    var i = 0
    while i < chars.count {
      guard chars[i] == "`" else {
        out.append(chars[i])
        i += 1
        continue
      }
      var run = 0
      while i + run < chars.count, chars[i + run] == "`" { run += 1 }
      var j = i + run
      var found = false
      while j < chars.count {
        var r = 0
        while j + r < chars.count, chars[j + r] == "`" { r += 1 }
        if r == run {
          found = true
          break
        }
        j += max(r, 1)
      }
      i = found ? j + run : i + run
    }
    return out
  }
}
