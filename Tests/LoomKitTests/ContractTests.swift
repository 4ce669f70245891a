import Foundation
import LoomContract
import Testing
@testable import LoomKit

@Suite("The contract with generated programs")
struct ContractTests {
  @Test("The note libraries' table matches the root manifest, target by target")
  func tableMatchesManifest() throws {
    let manifest = try String(contentsOf: EndToEndTests.root.appendingPathComponent("Package.swift"), encoding: .utf8)
    for lib in Project.noteLibraryTargets {
      if lib.isSystem {
        #expect(manifest.range(of: #"\.systemLibrary\(\s*name: ""# + lib.name + "\"", options: .regularExpression) != nil, "\(lib.name)")
        continue
      }
      // The target's declaration, up to the next target.
      let start = try #require(
        manifest.range(of: #"\.target\(\s*name: ""# + lib.name + "\"", options: .regularExpression),
        "\(lib.name) is not a target in Package.swift")
      let rest = manifest[start.upperBound...]
      let end = rest.range(of: ".target(")?.lowerBound ?? rest.range(of: ".executableTarget(")?.lowerBound ?? rest.endIndex
      let decl = rest[..<end]
      var deps: [String] = []
      if let d = decl.range(of: "dependencies: [") {
        let list = decl[d.upperBound...].prefix { $0 != "]" }
        deps = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\"", with: "") }.filter { !$0.isEmpty }
      }
      #expect(Set(deps) == Set(lib.dependencies), "\(lib.name): manifest \(deps), table \(lib.dependencies)")
      #expect(decl.contains("README.md") == lib.hasReadme, "\(lib.name): README exclusion")
      #expect(decl.contains(".v5") == lib.swift5, "\(lib.name): language mode")
    }
  }

  @Test("Every event survives a round trip through its JSON line")
  func eventsRoundTrip() throws {
    let events: [RuntimeEvent] = [
      .begin(build: "abc", reseed: 3, blasCore: "Haswell", blasThreads: 1), .cell(2), .time(cell: 2, seconds: 0.5),
      .figure(cell: 1, svg: "<svg/>", caption: nil), .figure(cell: 1, svg: "<svg/>", caption: "c"),
      .table(cell: 3, header: ["a"], rows: [["1"]], caption: nil), .check(cell: 1, ok: false, message: "m", file: "n.md", line: 4),
      .inline(index: 1, text: "42"), .end(checksFailed: 0),
    ]
    for e in events {
      let data = try JSONEncoder().encode(e)
      #expect(try JSONDecoder().decode(RuntimeEvent.self, from: data) == e)
      #expect(!data.contains(0x0A), "one event, one line")
    }
  }

  @Test("The generated program calls only the contract's names")
  func generatedCalls() {
    let (note, _) = NoteReader().read("```swift\nprint(1)\n```\n\nx `{swift} 1`\n\n```swift error\nfatalError()\n```\n", path: "notes/c.md")
    let main = Tangler(project: Project(root: URL(fileURLWithPath: "/tmp/p"))).mainSwift(for: note)
    for name in [LoomContract.Call.begin, LoomContract.Call.cell, LoomContract.Call.end, LoomContract.Call.inline, LoomContract.Call.shouldRun] {
      #expect(main.contains(name + "("), "\(name)")
    }
  }
}
