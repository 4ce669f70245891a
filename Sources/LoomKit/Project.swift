import Foundation

/// Where things are: the project root (the folder with Package.swift and notes/), the generated
/// package under `.loom/`, the cache, and the site.
public struct Project: Sendable {
  public var root: URL
  public var notesDirectory: URL { root.appendingPathComponent("notes") }
  /// Generated package, build products, cache and run logs (git-ignored).
  public var loomDirectory: URL
  public var buildDirectory: URL { loomDirectory.appendingPathComponent("build") }
  public var cacheDirectory: URL { loomDirectory.appendingPathComponent("cache") }
  /// The cache of runs made with `--reseed N` (N = 0 is the default run's cache), so switching
  /// between them never re-runs what was run before.
  public func cacheDirectory(reseed: UInt64) -> URL {
    reseed == 0 ? cacheDirectory : loomDirectory.appendingPathComponent("cache-reseed-\(reseed)")
  }
  public var siteDirectory: URL

  /// A library every generated note package links: one row of the table below, from which the
  /// runtime package's manifest, its symlinks and the cache key's sources are derived.
  public struct NoteLibrary: Sendable, Equatable {
    public var name: String
    public var dependencies: [String] = []
    /// A C module map over a Debian library (no Swift sources).
    public var isSystem = false
    /// A C target compiled from its own sources (headers in include/), no Swift settings.
    public var isC = false
    /// Swift 5 mode (NoteRuntime writes C's stdout/stderr globals), else Swift 6.
    public var swift5 = false
    /// Has a README.md among its sources.
    public var hasReadme = false
  }

  /// The libraries notes link, in dependency order. Tested against the root Package.swift.
  public static let noteLibraryTargets: [NoteLibrary] = [
    NoteLibrary(name: "CBLAS", isSystem: true),
    NoteLibrary(name: "CLoomSys", isSystem: true),
    NoteLibrary(name: "LoomContract"),
    NoteLibrary(name: "LoomRandom"),
    NoteLibrary(name: "CNumericKernels", isC: true),
    NoteLibrary(name: "NumericCore", dependencies: ["CBLAS", "LoomRandom", "CNumericKernels"], hasReadme: true),
    NoteLibrary(name: "Plotting", hasReadme: true),
    NoteLibrary(name: "Environments", dependencies: ["LoomRandom"], hasReadme: true),
    NoteLibrary(name: "LanguageLab", dependencies: ["NumericCore", "LoomRandom", "LoomContract"], hasReadme: true),
    NoteLibrary(name: "NoteRuntime", dependencies: ["Plotting", "LoomRandom", "CBLAS", "CLoomSys", "LoomContract"], swift5: true),
  ]

  /// Library targets whose sources every note links (they feed the cache key).
  public static var noteLibraries: [String] { noteLibraryTargets.map(\.name) }

  public init(root: URL, siteDirectory: URL? = nil, loomDirectory: URL? = nil) {
    self.root = root.standardizedFileURL
    self.siteDirectory = siteDirectory ?? self.root.appendingPathComponent("site")
    self.loomDirectory = loomDirectory ?? self.root.appendingPathComponent(".loom")
  }

  /// Finds the project root: the nearest folder at or above `start` holding both Package.swift
  /// and notes/.
  public static func discover(from start: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) throws -> Project {
    var dir = start.standardizedFileURL
    let fm = FileManager.default
    while true {
      if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
        fm.fileExists(atPath: dir.appendingPathComponent("notes").path)
      {
        return Project(root: dir)
      }
      let parent = dir.deletingLastPathComponent()
      if parent.path == dir.path {
        throw LoomError(.usage, "no Loom project here: run loom inside a folder that has Package.swift and notes/")
      }
      dir = parent
    }
  }

  /// Path of `url` relative to the root, for diagnostics (`notes/01-mdps-bellman.md`).
  public func relativePath(_ url: URL) -> String {
    let full = url.standardizedFileURL.path
    let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
    return full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : full
  }

  /// The notes to work on: the ones named, or every `notes/*.md` in name order.
  public func noteFiles(_ named: [String]) throws -> [URL] {
    let fm = FileManager.default
    if !named.isEmpty {
      return try named.map { name in
        let url =
          name.hasPrefix("/") ? URL(fileURLWithPath: name) : URL(fileURLWithPath: name, relativeTo: URL(fileURLWithPath: fm.currentDirectoryPath)).absoluteURL
        guard fm.fileExists(atPath: url.path) else {
          throw LoomError(.usage, "\(name): no such note (give a path to a .md file, e.g. notes/01-mdps-bellman.md)")
        }
        guard url.pathExtension == "md" else { throw LoomError(.usage, "\(name): a note is a Markdown file ending in .md") }
        return url.standardizedFileURL
      }
    }
    let items = (try? fm.contentsOfDirectory(atPath: notesDirectory.path)) ?? []
    return items.filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }.sorted().map { notesDirectory.appendingPathComponent($0) }
  }
}
