import FlyingFox
import FlyingSocks
import Foundation

/// `loom serve`: serves `site/` on 127.0.0.1 only, watches the notes and the libraries they link,
/// re-weaves on save (prose at once, code through the cache), and lets open pages reload
/// themselves by polling `/__loom/version`. Requests outside the site folder are refused.
public final class Server: @unchecked Sendable {
  let pipeline: Pipeline
  let port: UInt16
  private let state = State()

  public init(pipeline: Pipeline, port: UInt16 = 8000) {
    self.pipeline = pipeline
    self.port = port
  }

  final class State: @unchecked Sendable {
    private let lock = NSLock()
    private var _version = 0
    var version: Int { lock.lock(); defer { lock.unlock() }; return _version }
    func bump() { lock.lock(); _version += 1; lock.unlock() }
  }

  public func run() async throws {
    pipeline.keepEnvironment = true
    rebuild(reason: "start")
    // The port the user asked for is the front door's (bound first, so a busy port fails at once);
    // FlyingFox answers behind it on a free loopback port (see FrontDoor for why).
    let (front, _) = try FrontDoor.listen(port: port)
    let pool = HTTPServer.defaultPool()
    let server = HTTPServer(config: .init(address: try sockaddr_in.inet(ip4: "127.0.0.1", port: 0), timeout: 30, pool: pool, logger: .disabled))
    let siteRoot = pipeline.project.siteDirectory.standardizedFileURL.resolvingSymlinksInPath()
    let state = self.state
    await server.appendRoute("GET /__loom/version") { _ in
      HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain", .init("Cache-Control"): "no-store"], body: Data(String(state.version).utf8))
    }
    await server.appendRoute("GET *") { request in
      Server.file(for: request.path, in: siteRoot)
    }
    let watcher = Thread { [self] in self.watch() }
    watcher.start()
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.run() }
      try await server.waitUntilListening()
      guard case let .ip4(_, backendPort)? = await server.listeningAddress else { throw SocketError.unsupportedAddress }
      group.addTask { try await FrontDoor(backendPort: backendPort).run(on: front, pool: pool) }
      pipeline.console.line(
        "serving \(pipeline.project.relativePath(pipeline.project.siteDirectory)) at http://127.0.0.1:\(port)/ — edit a note and the open page reloads (Ctrl-C to stop)"
      )
      try await group.next()
      group.cancelAll()
    }
  }

  /// The response for a request path: a file inside `root`, or 403/404.
  static func file(for requestPath: String, in root: URL) -> HTTPResponse {
    var path = requestPath.removingPercentEncoding ?? requestPath
    if path.hasSuffix("/") { path += "index.html" }
    let url = root.appendingPathComponent(path).standardizedFileURL.resolvingSymlinksInPath()
    // Error bodies echo the path: plain text that no browser may read as HTML.
    let plain: [HTTPHeader: String] = [.contentType: "text/plain; charset=utf-8", .init("X-Content-Type-Options"): "nosniff"]
    guard url.path == root.path || url.path.hasPrefix(root.path + "/") else {
      return HTTPResponse(statusCode: .forbidden, headers: plain, body: Data("403: outside the site folder\n".utf8))
    }
    guard let data = FileManager.default.contents(atPath: url.path) else {
      return HTTPResponse(statusCode: .notFound, headers: plain, body: Data("404: \(path) is not in the site\n".utf8))
    }
    let type: String
    switch url.pathExtension {
    case "html": type = "text/html; charset=utf-8"
    case "css": type = "text/css; charset=utf-8"
    case "js": type = "text/javascript; charset=utf-8"
    case "svg": type = "image/svg+xml"
    case "png": type = "image/png"
    case "json": type = "application/json"
    default: type = "application/octet-stream"
    }
    return HTTPResponse(statusCode: .ok, headers: [.contentType: type, .init("Cache-Control"): "no-cache"], body: data)
  }

  /// Titles of the notes at the last weave: when none changed, only edited notes' pages are redone.
  private var titles: [String: String] = [:]
  /// Each note's labels at the last weave, with their numbers.
  private var labels: [String: [String]] = [:]

  /// Re-reads every note, brings outputs up to date through the cache, re-weaves. When only notes
  /// changed and no title or label did, only their pages are rendered again (a prose edit shows at
  /// once); a changed label re-renders every page, since others may refer to it.
  func rebuild(reason: String, changedNotes: Set<String>? = nil) {
    do {
      var items = try pipeline.read(try pipeline.project.noteFiles([]))
      try pipeline.execute(&items)
      let newTitles = Dictionary(uniqueKeysWithValues: items.map { ($0.note.slug, $0.note.title) })
      // Another page may show this note's labels ("Figure 6.3"): when they change, every page is redone.
      let newLabels = Dictionary(uniqueKeysWithValues: items.map { ($0.note.slug, $0.note.labels.map { "\($0.name) \($0.number) \($0.title)" }) })
      let only = newTitles == titles && newLabels == labels ? changedNotes : nil
      titles = newTitles
      labels = newLabels
      try pipeline.weave(items, only: only)
      state.bump()
      pipeline.console.line("re-woven (\(reason))")
    } catch {
      pipeline.console.error("\(error)")
    }
  }

  /// Polls modification times of notes and library sources; anything newer triggers a re-weave.
  func watch() {
    var last = snapshot()
    while true {
      usleep(100_000)
      let now = snapshot()
      if now != last {
        let changed = Set(now.keys).union(last.keys).filter { last[$0] != now[$0] }.sorted()
        last = now
        let notesDir = pipeline.project.notesDirectory.path + "/"
        let onlyNotes = changed.allSatisfy { $0.hasPrefix(notesDir) && $0.hasSuffix(".md") && now[$0] != nil }
        let slugs = onlyNotes ? Set(changed.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }) : nil
        if !onlyNotes { pipeline.cachedEnvironment = nil }  // a library changed: hash it again
        rebuild(reason: changed.prefix(3).map { pipeline.project.relativePath(URL(fileURLWithPath: $0)) }.joined(separator: ", "), changedNotes: slugs)
      }
    }
  }

  func snapshot() -> [String: Date] {
    var times: [String: Date] = [:]
    let fm = FileManager.default
    var dirs = [pipeline.project.notesDirectory]
    dirs += Project.noteLibraries.map { pipeline.project.root.appendingPathComponent("Sources").appendingPathComponent($0) }
    for dir in dirs {
      guard let e = fm.enumerator(at: dir, includingPropertiesForKeys: [.contentModificationDateKey]) else { continue }
      for case let url as URL in e {
        if let d = try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate { times[url.path] = d }
      }
    }
    return times
  }
}
