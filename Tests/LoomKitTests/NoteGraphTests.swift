import Foundation
import Testing
@testable import LoomKit

@Suite("Exports and the note graph")
struct NoteGraphTests {
  func note(_ path: String, module: String? = nil, _ cells: String...) -> Note {
    var md = module.map { "---\nmodule: \($0)\n---\n" } ?? ""
    for c in cells { md += "\n\(c)\n" }
    return NoteReader().read(md, path: path).0
  }

  @Test("A note that imports another's module depends on it, transitively")
  func dependencies() {
    let a = note("notes/a.md", module: "Alpha", "```swift export\npublic let x = 1\n```")
    let b = note("notes/b.md", module: "Beta", "```swift export\nimport Alpha\npublic let y = x + 1\n```")
    let c = note("notes/c.md", "```swift\nimport Beta\nprint(y)\n```")
    let g = NoteGraph([a, b, c])
    #expect(g.diagnostics.isEmpty)
    #expect(g.modules == ["Alpha": "notes/a.md", "Beta": "notes/b.md"])
    #expect(g.dependencies["notes/c.md"] == ["notes/b.md"])
    #expect(g.transitiveDependencies(of: "notes/c.md") == ["notes/a.md", "notes/b.md"])
  }

  @Test("A cycle is rejected with the notes named")
  func cycle() {
    let a = note("notes/a.md", module: "Alpha", "```swift export\nimport Beta\npublic let x = 1\n```")
    let b = note("notes/b.md", module: "Beta", "```swift export\nimport Alpha\npublic let y = 2\n```")
    let g = NoteGraph([a, b])
    #expect(g.diagnostics.contains { $0.message.contains("cycle") && $0.message.contains("notes/a.md") && $0.message.contains("notes/b.md") })
  }

  @Test("Export cells need a module name in the front matter")
  func missingModule() {
    let a = note("notes/a.md", "text", "```swift export\npublic let x = 1\n```")
    let g = NoteGraph([a])
    #expect(g.diagnostics.first?.message.contains("module: SomeName") == true)
    #expect(g.diagnostics.first?.location.line == 4)
  }

  @Test("Export cells go to the library, not to main.swift, and the note imports its own module")
  func tangling() {
    let a = note("notes/a.md", module: "Alpha", "```swift export\npublic let x = 1\n```", "```swift\nprint(x)\n```")
    let t = Tangler(project: Project(root: URL(fileURLWithPath: "/tmp/p")))
    let g = NoteGraph([a])
    let main = t.mainSwift(for: a, graph: g)
    #expect(main.contains("import Alpha"))
    #expect(!main.contains("public let x = 1"))
    #expect(t.exportsSwift(for: a).contains("public let x = 1"))
    #expect(t.packageSwift(for: [a], graph: g, libraries: [a]).contains(".target(name: \"Alpha\""))
  }

  @Test("Changing an export changes the key of every note downstream, and only those")
  func downstreamKeys() {
    let a1 = note("notes/a.md", module: "Alpha", "```swift export\npublic let x = 1\n```")
    let a2 = note("notes/a.md", module: "Alpha", "```swift export\npublic let x = 2\n```")
    let c = note("notes/c.md", "```swift\nimport Alpha\nprint(x)\n```")
    let d = note("notes/d.md", "```swift\nprint(3)\n```")
    #expect(OutputCache.key(for: c, environment: "e", upstream: [a1]) != OutputCache.key(for: c, environment: "e", upstream: [a2]))
    #expect(OutputCache.key(for: d, environment: "e", upstream: []) == OutputCache.key(for: d, environment: "e", upstream: []))
  }
}
