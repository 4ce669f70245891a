import Testing

@testable import NoteRuntime

@Suite("parallelMap")
struct ParallelTests {
  @Test("Results come back in index order, each computed once, whatever the scheduling")
  func order() {
    let squares = parallelMap(100) { i -> Int in
      var rng = SeededGenerator(seed: UInt64(i))
      _ = rng.next()
      return i * i
    }
    #expect(squares == (0..<100).map { $0 * $0 })
    #expect(parallelMap(0) { $0 }.isEmpty)
  }
}
