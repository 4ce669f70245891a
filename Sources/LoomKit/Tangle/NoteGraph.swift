/// How notes depend on each other: a note's `export` cells form a library module (named by its
/// front matter `module:`), and another note that `import`s that module depends on it.
public struct NoteGraph: Sendable {
  /// Module name → path of the note that exports it.
  public private(set) var modules: [String: String] = [:]
  /// Note path → paths of the notes whose modules it imports (direct).
  public private(set) var dependencies: [String: [String]] = [:]
  public private(set) var diagnostics: [Diagnostic] = []

  static let reserved: Set<String> = ["Foundation", "NoteRuntime", "NumericCore", "Plotting", "Environments", "LoomRandom", "CBLAS", "Swift", "Glibc"]

  public init(_ notes: [Note]) {
    for note in notes {
      let exports = note.cells.filter { $0.options.export && !$0.options.norun }
      guard let first = exports.first else { continue }
      guard let module = note.frontMatter.module else {
        diagnostics.append(
          Diagnostic(
            .error, "an export cell needs a module name: add 'module: SomeName' to the note's front matter",
            at: SourceLocation(file: note.path, line: first.fenceLine)))
        continue
      }
      let valid = module.first.map { $0.isLetter || $0 == "_" } ?? false && module.allSatisfy { ($0.isLetter || $0.isNumber || $0 == "_") && $0.isASCII }
      if !valid || Self.reserved.contains(module) || module.hasPrefix("Note") {
        diagnostics.append(
          Diagnostic(
            .error,
            "module name '\(module)' must be a Swift identifier, not start with 'Note', and not be one of \(Self.reserved.sorted().joined(separator: ", "))",
            at: SourceLocation(file: note.path, line: 1)))
        continue
      }
      if let other = modules[module] {
        diagnostics.append(Diagnostic(.error, "module '\(module)' is already exported by \(other)", at: SourceLocation(file: note.path, line: 1)))
        continue
      }
      modules[module] = note.path
    }
    for note in notes {
      var deps: [String] = []
      for cell in note.cells where !cell.options.norun {
        for (offset, line) in cell.source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
          guard let name = Self.importedModule(line), let owner = modules[name] else { continue }
          if owner == note.path {
            diagnostics.append(
              Diagnostic(
                .error, "a note cannot import its own module '\(name)'; its export cells are already visible to it",
                at: SourceLocation(file: note.path, line: cell.firstSourceLine + offset)))
          } else if !deps.contains(owner) {
            deps.append(owner)
          }
        }
      }
      dependencies[note.path] = deps
    }
    diagnostics += cycles()
  }

  /// `import X` (optionally `@testable`/`public`), or nil.
  static func importedModule(_ line: Substring) -> String? {
    var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
    while let w = words.first, w.hasPrefix("@") || w == "public" || w == "internal" || w == "private" || w == "fileprivate" { words.removeFirst() }
    guard words.count >= 2, words[0] == "import" else { return nil }
    return String(words[1].split(separator: ".").first ?? words[1])
  }

  /// Module a note exports, if any.
  public func module(of note: Note) -> String? {
    modules.first { $0.value == note.path }?.key
  }

  /// Every note `path` depends on, transitively (no duplicates, dependencies first).
  public func transitiveDependencies(of path: String) -> [String] {
    var order: [String] = []
    var seen: Set<String> = []
    func visit(_ p: String) {
      for d in dependencies[p] ?? [] where seen.insert(d).inserted {
        visit(d)
        order.append(d)
      }
    }
    visit(path)
    return order
  }

  private func cycles() -> [Diagnostic] {
    var state: [String: Int] = [:]  // 1 = on the stack, 2 = done
    var stack: [String] = []
    var found: [Diagnostic] = []
    func visit(_ p: String) {
      state[p] = 1
      stack.append(p)
      for d in dependencies[p] ?? [] {
        if state[d] == 1 {
          let cycle = stack[stack.firstIndex(of: d)!...] + [d]
          found.append(
            Diagnostic(
              .error, "notes import each other in a cycle: \(cycle.joined(separator: " → ")); move the shared code into one note's export cells",
              at: SourceLocation(file: p, line: 1)))
        } else if state[d] == nil {
          visit(d)
        }
      }
      stack.removeLast()
      state[p] = 2
    }
    for p in dependencies.keys.sorted() where state[p] == nil { visit(p) }
    return found
  }
}
