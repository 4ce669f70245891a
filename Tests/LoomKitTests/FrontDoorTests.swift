import FlyingFox
import FlyingSocks
import Foundation
import Testing
@testable import LoomKit

/// `loom serve`'s front door: heads are read in linear time and bounded before FlyingFox (whose
/// line reader is quadratic) sees them.
@Suite("loom serve's front door")
struct FrontDoorTests {
  func head(_ s: String) -> [UInt8] { Array(s.utf8) }

  @Test("A head ends at its blank line, with CRLF or bare LF, wherever the reads split it")
  func headEnds() {
    let request = head("GET /a.html HTTP/1.1\r\nHost: x\r\n\r\nBODY")
    var whole = RequestHeadScanner()
    #expect(whole.scan(request) == .complete(end: request.count - 4))
    // Fed one byte at a time: the same verdict, and each byte looked at once.
    var scanner = RequestHeadScanner()
    var verdict = RequestHeadScanner.Verdict.needMore
    for n in 1...request.count where verdict == .needMore { verdict = scanner.scan(Array(request[..<n])) }
    #expect(verdict == .complete(end: request.count - 4))
    var lf = RequestHeadScanner()
    #expect(lf.scan(head("GET / HTTP/1.0\nHost: x\n\n")) == .complete(end: 24))
    var partial = RequestHeadScanner()
    #expect(partial.scan(head("GET / HTTP/1.1\r\nHost: x\r\n")) == .needMore)
  }

  @Test("Too long: the request line gives 414, a header line or the whole head 431")
  func limits() {
    var url = RequestHeadScanner(lineLimit: 100, headLimit: 1000)
    #expect(url.scan(head("GET /" + String(repeating: "a", count: 200) + " HTTP/1.1\r\n\r\n")) == .tooLarge(status: 414))
    var header = RequestHeadScanner(lineLimit: 100, headLimit: 1000)
    #expect(header.scan(head("GET / HTTP/1.1\r\nX: " + String(repeating: "b", count: 200) + "\r\n\r\n")) == .tooLarge(status: 431))
    var many = RequestHeadScanner(lineLimit: 100, headLimit: 1000)
    let lines = (0..<500).map { "X-\($0): v\r\n" }.joined()
    #expect(many.scan(head("GET / HTTP/1.1\r\n" + lines + "\r\n")) == .tooLarge(status: 431))
    var fits = RequestHeadScanner(lineLimit: 100, headLimit: 1000)
    let short = "GET /" + String(repeating: "a", count: 80) + " HTTP/1.1\r\n\r\n"
    #expect(fits.scan(head(short)) == .complete(end: short.utf8.count))
  }

  @Test("Connection: close replaces the client's Connection header")
  func closing() {
    let out = String(decoding: FrontDoor.closingConnection(head("GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")), as: UTF8.self)
    #expect(out == "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
  }

  /// One request over a blocking socket: the whole answer, until the server closes.
  static func exchange(port: UInt16, _ request: [UInt8]) throws -> String {
    let socket = try Socket(domain: AF_INET, type: .stream)
    defer { try? socket.close() }
    try socket.connect(to: .inet(ip4: "127.0.0.1", port: port))
    var sent = 0
    let data = Data(request)
    while sent < data.count {
      do { sent = try socket.write(data, from: sent) } catch { break }  // refused early: the answer is waiting
    }
    var answer: [UInt8] = []
    while true {
      guard let chunk = try? socket.read(atMost: 65536), !chunk.isEmpty else { break }  // closed: the answer is complete
      answer += chunk
    }
    return String(decoding: answer, as: UTF8.self)
  }

  /// Runs each job on a thread of its own; the results in order.
  static func onThreads<T: Sendable>(_ jobs: [@Sendable () -> T]) async -> [T] {
    await withCheckedContinuation { continuation in
      let results = LockedBox([T?](repeating: nil, count: jobs.count))
      let group = DispatchGroup()
      for (i, job) in jobs.enumerated() {
        group.enter()
        Thread {
          results.update { $0[i] = job() }; group.leave()
        }.start()
      }
      group.notify(queue: .global()) { continuation.resume(returning: results.value.map { $0! }) }
    }
  }

  final class LockedBox<V>: @unchecked Sendable {
    private let lock = NSLock()
    private var _value: V
    init(_ value: V) { _value = value }
    var value: V { lock.lock(); defer { lock.unlock() }; return _value }
    func update(_ f: (inout V) -> Void) { lock.lock(); f(&_value); lock.unlock() }
  }

  @Test(
    "Under load: 200 KB URLs and a 1 MB header block are refused while ordinary requests are answered",
    .timeLimit(.minutes(1)))
  func load() async throws {
    let pool = HTTPServer.defaultPool()
    let backend = HTTPServer(config: .init(address: try sockaddr_in.inet(ip4: "127.0.0.1", port: 0), timeout: 30, pool: pool, logger: .disabled))
    await backend.appendRoute("GET *") { request in HTTPResponse(statusCode: .ok, body: Data("ok \(request.path)".utf8)) }
    let (front, port) = try FrontDoor.listen(port: 0)
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await backend.run() }
      try await backend.waitUntilListening()
      guard case let .ip4(_, backendPort)? = await backend.listeningAddress else { Issue.record("no backend port"); return }
      group.addTask { try await FrontDoor(backendPort: backendPort, headTimeout: 2).run(on: front, pool: pool) }

      let long = Array(("GET /" + String(repeating: "a", count: 200_000) + " HTTP/1.1\r\nHost: x\r\n\r\n").utf8)
      let headers = Array(("GET / HTTP/1.1\r\n" + (0..<60_000).map { "X-\($0): v\r\n" }.joined() + "\r\n").utf8)
      // Blocking clients on threads of their own (the cooperative pool may have only 2 threads).
      var requests: [(String, [UInt8])] = Array(repeating: ("long", long), count: 4) + [("headers", headers)]
      requests += (0..<8).map { ("short", Array("GET /page\($0).html HTTP/1.1\r\nHost: x\r\n\r\n".utf8)) }
      let jobs = requests.map { kind, bytes -> @Sendable () -> (String, String) in { (kind, (try? Self.exchange(port: port, bytes)) ?? "(no connection)") } }
      let answers = await Self.onThreads(jobs)
      for (kind, answer) in answers {
        switch kind {
        case "long": #expect(answer.hasPrefix("HTTP/1.1 414 "), "\(answer.prefix(80))")
        case "headers": #expect(answer.hasPrefix("HTTP/1.1 431 "), "\(answer.prefix(80))")
        default:
          #expect(answer.hasPrefix("HTTP/1.1 200 "), "\(answer.prefix(80))")
          #expect(answer.contains("ok /page"))
        }
      }
      // A client that never finishes its head is disconnected after the head timeout.
      let idleJob: @Sendable () -> String = { (try? Self.exchange(port: port, Array("GET / HT".utf8))) ?? "failed" }
      let idle = await Self.onThreads([idleJob])
      #expect(idle == [""])
      group.cancelAll()
      await backend.stop()
    }
  }
}
