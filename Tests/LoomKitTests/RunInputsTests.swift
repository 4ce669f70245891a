import Testing

@testable import LoomKit

/// The output cache's key changes exactly when what a run computes may change: every cell option and
/// every front matter key is either part of the run or declared display-only, and editing a display-only
/// one re-weaves without re-running.
@Suite("Cache keys: what a run reads") struct RunInputsTests {
  /// A value for each cell option that differs from its default.
  static let cellOptionSamples: [String: String] = [
    "id": "id=renamed", "hide": "hide", "echo": "echo=false", "output": "output=false", "norun": "norun",
    "error": "error", "export": "export", "volatile": "volatile", "timeout": "timeout=9", "seed": "seed=3",
    "caption": "caption=\"A new caption\"", "fig": "fig=fig-a,fig-b", "tbl": "tbl=tbl-a",
  ]

  static func key(_ markdown: String) -> String {
    let (note, diagnostics) = NoteReader().read(markdown, path: "notes/k.md")
    #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
    return OutputCache.key(for: note, environment: "e")
  }

  @Test("Each cell option either changes the key or is display-only", arguments: CellOptions.known)
  func cellOption(_ name: String) throws {
    let sample = try #require(Self.cellOptionSamples[name], "add a sample value for the new option '\(name)'")
    let plain = Self.key("```swift\nprint(1)\n```\n")
    let with = Self.key("```swift \(sample)\nprint(1)\n```\n")
    #expect((plain == with) == CellOptions.displayOnly.contains(name), "option \(name)")
  }

  /// A value for each front matter key.
  static let frontMatterSamples: [String: String] = [
    "title": "T", "description": "D", "author": "A", "seed": "4", "timeout": "60", "cell-timeout": "30",
    "memory": "512", "module": "M", "optimize": "none",
  ]

  @Test("Each front matter key changes the key exactly when it affects the run", arguments: FrontMatter.keyNames)
  func frontMatterKey(_ name: String) throws {
    let sample = try #require(Self.frontMatterSamples[name], "add a sample value for the new key '\(name)'")
    let plain = Self.key("---\ntitle: T0\n---\n```swift\nprint(1)\n```\n")
    // (A key may be given once: the title is changed in place.)
    let front = name == "title" ? "title: \(sample)" : "title: T0\n\(name): \(sample)"
    let with = Self.key("---\n\(front)\n---\n```swift\nprint(1)\n```\n")
    let affects = FrontMatter.keys.first { $0.name == name }!.affectsRun
    #expect((plain != with) == affects, "front matter \(name)")
  }

  @Test("Renaming a cell or editing its caption keeps the cached outputs")
  func displayEdits() {
    let a = Self.key("# A\n\n```swift id=one caption=\"first\"\nprint(1)\n```\n")
    let b = Self.key("# A\n\nProse.\n\n```swift id=two caption=\"second $x$\"\nprint(1)\n```\n")
    #expect(a == b)
  }

  @Test("Malformed front matter values are errors at their line, with the key's hint")
  func malformedFrontMatter() {
    let (note, diagnostics) = NoteReader().read("---\nmemory: lots\ncell-timeout: 30\nseed: -1\n---\n", path: "notes/m.md")
    #expect(diagnostics.contains { $0.location.line == 2 && $0.message.contains("'memory' has a malformed value 'lots' (a whole number of MiB") })
    #expect(diagnostics.contains { $0.location.line == 4 && $0.message.contains("'seed' has a malformed value '-1' (a non-negative integer)") })
    #expect(note.frontMatter.cellTimeout == 30 && note.frontMatter.memory == nil)
  }
}
