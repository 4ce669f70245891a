import FlyingFox
import FlyingSocks
import Foundation

/// Where a request's head ends, read as bytes arrive: every line of it (request line and headers)
/// must end within `lineLimit` bytes, and the head (up to its blank line) within `headLimit`.
///
/// FlyingFox 0.27.1 reads each line of a head in time quadratic in the line's length (a 7 KB URL
/// took 3.6 s, 100 KB kept a core busy for minutes), so `loom serve` never lets it see a long one:
/// the `FrontDoor` reads each head with this linear scan, answers 414 or 431 itself, and forwards
/// only heads that fit.
struct RequestHeadScanner {
  enum Verdict: Equatable {
    case needMore
    /// The head is complete; `end` is the index just past its blank line.
    case complete(end: Int)
    /// 414 (the request line is too long) or 431 (a header line, or the whole head, is).
    case tooLarge(status: Int)
  }

  let lineLimit: Int
  let headLimit: Int
  private var scanned = 0
  private var lineStart = 0
  private var onRequestLine = true

  init(lineLimit: Int = 2048, headLimit: Int = 32 * 1024) {
    self.lineLimit = lineLimit
    self.headLimit = headLimit
  }

  /// Looks at the bytes not seen before (each byte is examined once).
  mutating func scan(_ bytes: [UInt8]) -> Verdict {
    var i = scanned
    while i < bytes.count {
      if bytes[i] == UInt8(ascii: "\n") {
        // An empty line ("\n" or "\r\n") after the request line ends the head.
        let length = i - lineStart - (i > lineStart && bytes[i - 1] == UInt8(ascii: "\r") ? 1 : 0)
        if length == 0 && !onRequestLine { return .complete(end: i + 1) }
        onRequestLine = false
        lineStart = i + 1
      } else if i - lineStart >= lineLimit {
        return .tooLarge(status: onRequestLine ? 414 : 431)
      }
      if i >= headLimit { return .tooLarge(status: 431) }
      i += 1
    }
    scanned = i
    return .needMore
  }
}

/// The socket `loom serve` listens on. Each connection carries one request: its head is read
/// here (bounded in size and time), `Connection: close` is added, and it is passed to the FlyingFox
/// server on an internal loopback port, whose answer is copied back. Heads that are too large get
/// 414/431 and never reach FlyingFox; a client that does not finish its head in `headTimeout`
/// seconds is disconnected.
final class FrontDoor: Sendable {
  let backendPort: UInt16
  let headTimeout: Double
  let scannerLimits: (line: Int, head: Int)

  init(backendPort: UInt16, headTimeout: Double = 10, lineLimit: Int = 2048, headLimit: Int = 32 * 1024) {
    self.backendPort = backendPort
    self.headTimeout = headTimeout
    self.scannerLimits = (lineLimit, headLimit)
  }

  /// A listening socket on 127.0.0.1:`port` (0: any free port); returns it with the port it got.
  static func listen(port: UInt16) throws -> (Socket, UInt16) {
    let socket = try Socket(domain: AF_INET, type: .stream)
    try socket.setValue(true, for: .localAddressReuse)
    try socket.bind(to: .inet(ip4: "127.0.0.1", port: port))
    try socket.listen()
    guard case let .ip4(_, bound) = try socket.sockname() else { throw SocketError.unsupportedAddress }
    return (socket, bound)
  }

  /// Accepts connections on `socket` until the task is cancelled. `pool` is the FlyingFox server's
  /// (prepared and run by it): one pool, so one thread waits in epoll — a second would leave
  /// libdispatch's global queue, where loom's signal handlers run, without a thread on 2 cores.
  func run(on socket: Socket, pool: any AsyncSocketPool) async throws {
    let listener = try AsyncSocket(socket: socket, pool: pool)
    try await withThrowingTaskGroup(of: Void.self) { connections in
      for try await client in listener.sockets {
        connections.addTask { await self.serve(client, pool: pool) }
      }
    }
  }

  private enum Head {
    case request([UInt8])
    case refuse(Int)
  }

  func serve(_ client: AsyncSocket, pool: any AsyncSocketPool) async {
    defer { try? client.close() }
    let head: Head
    do {
      head = try await readHead(client)
    } catch {
      return  // timed out, or the client went away
    }
    switch head {
    case .refuse(let status):
      let reason = status == 414 ? "URI Too Long" : "Request Header Fields Too Large"
      let body = "\(status): the request's \(status == 414 ? "line" : "head") is longer than loom serve accepts\n"
      let response = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
      try? await client.write(Data(response.utf8))
      await drain(client)
    case .request(let bytes):
      guard let backend = try? await AsyncSocket.connected(to: .inet(ip4: "127.0.0.1", port: backendPort), pool: pool) else { return }
      defer { try? backend.close() }
      do {
        try await backend.write(Data(Self.closingConnection(bytes)))
        while true {
          let chunk = try await backend.read(atMost: 64 * 1024)
          if chunk.isEmpty { break }
          try await client.write(Data(chunk))
        }
      } catch {
        return  // the backend closed (the end of its answer), or the client went away
      }
    }
  }

  /// Reads until the head is complete or too large; throws when `headTimeout` passes first.
  private func readHead(_ client: AsyncSocket) async throws -> Head {
    let limits = scannerLimits
    let head = try await Self.within(headTimeout, onTimeout: { Self.shutdown(client) }) { () -> Head in
      var scanner = RequestHeadScanner(lineLimit: limits.line, headLimit: limits.head)
      var bytes: [UInt8] = []
      while true {
        let chunk = try await client.read(atMost: 4096)
        if chunk.isEmpty { throw SocketError.disconnected }
        bytes += chunk
        switch scanner.scan(bytes) {
        case .needMore: continue
        case .complete(let end): return .request(Array(bytes[..<end]))
        case .tooLarge(let status): return .refuse(status)
        }
      }
    }
    guard let head else { throw SocketError.disconnected }
    return head
  }

  /// Reads and drops what the client still sends (at most 1 MB, for at most a second), so that
  /// closing after a refusal does not reset the connection before the client read the answer.
  private func drain(_ client: AsyncSocket) async {
    _ = try? await Self.within(1, onTimeout: { Self.shutdown(client) }) {
      var total = 0
      while total < 1 << 20 {
        let chunk = try await client.read(atMost: 64 * 1024)
        if chunk.isEmpty { break }
        total += chunk.count
      }
    }
  }

  /// Wakes whatever waits on `socket` without releasing its descriptor: closing it here as well as
  /// in `serve` would close a descriptor number another connection may already have been given.
  static func shutdown(_ socket: AsyncSocket) {
    _ = Glibc.shutdown(socket.socket.file.rawValue, Int32(SHUT_RDWR))
  }

  /// `operation`'s result, or nil when `seconds` pass first (then `onTimeout` runs, to wake it).
  static func within<T: Sendable>(
    _ seconds: Double, onTimeout: @escaping @Sendable () -> Void,
    _ operation: @escaping @Sendable () async throws -> T
  ) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
      group.addTask { try await operation() }
      group.addTask {
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
        return nil
      }
      let first = try await group.next()!
      if first == nil { onTimeout() }
      group.cancelAll()
      return first
    }
  }

  /// The head with any `Connection:` header replaced by `Connection: close`, so that the backend
  /// ends the connection after its answer (one request per connection through the front door).
  static func closingConnection(_ head: [UInt8]) -> [UInt8] {
    // Bytes, not Characters: in a Swift String "\r\n" is one Character and does not split at "\n".
    var lines = head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
      .map { $0.last == UInt8(ascii: "\r") ? Array($0.dropLast()) : Array($0) }
    while lines.last?.isEmpty == true { lines.removeLast() }
    let isConnection = { (line: [UInt8]) in String(decoding: line.prefix(11), as: UTF8.self).lowercased() == "connection:" }
    let kept = lines.prefix(1) + lines.dropFirst().filter { !isConnection($0) }
    let crlf: [UInt8] = [13, 10]
    return kept.flatMap { $0 + crlf } + Array("Connection: close".utf8) + crlf + crlf
  }

}
