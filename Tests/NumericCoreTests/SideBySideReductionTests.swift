import Testing
@testable import NumericCore

/// The reductions that run two or four rows side by side return, bit for bit, what the one-row
/// loops they replace return, for every length up to 37.
@Suite("Side-by-side row reductions equal the one-row loops bit for bit")
struct SideBySideReductionTests {
  static func rows(_ count: Int, seed: UInt64) -> [Float] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { _ in Float(rng.normal() * 3) }
  }

  @Test("rowDots, rowSums and centeredSquares")
  func sums() {
    let a = Self.rows(40, seed: 1), b = Self.rows(40, seed: 2)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        let (pa, pb) = (a.baseAddress!, b.baseAddress!)
        for n0 in 0...37 {
          for n1 in [0, 1, n0, n0 + 1, n0 + 5, 37] where n1 <= 37 {
            let (d0, d1) = rowDots(pa, pb, n0, pb + 1, pa + 2, n1)
            #expect(d0.bitPattern == rowDot(pa, pb, n0).bitPattern && d1.bitPattern == rowDot(pb + 1, pa + 2, n1).bitPattern)
          }
          for n1 in [0, 1, n0, n0 + 1, n0 + 5, 37] where n1 <= 37 {
            let (s0, s1) = rowSums(pa, n0, pb, n1)
            #expect(s0.bitPattern == rowSum(pa, n0).bitPattern && s1.bitPattern == rowSum(pb, n1).bitPattern)
          }
          let m0 = rowSum(pa, n0) / Float(Swift.max(n0, 1)), m1: Float = 0.25
          let h0 = (0..<n0).map { pa[$0] - m0 }, h1 = (0..<n0).map { pb[$0] - m1 }
          let (v0, v1) = centeredSquares(pa, m0, pb, m1, n0)
          #expect(v0.bitPattern == rowDot(h0, h0, n0).bitPattern && v1.bitPattern == rowDot(h1, h1, n0).bitPattern)
        }
      }
    }
  }

  @Test("rowMaxima")
  func maxima() {
    var x = Self.rows(4 * 37, seed: 3)
    x[5] = 0
    x[37 + 2] = -0.0
    x.withUnsafeBufferPointer { xb in
      let p = xb.baseAddress!
      for lengths in [(1, 1, 1, 1), (1, 2, 3, 4), (37, 37, 37, 37), (9, 3, 30, 17), (0, 5, 2, 1)] {
        let m = rowMaxima(p, n: 37, lengths: lengths)
        let ls = [lengths.0, lengths.1, lengths.2, lengths.3]
        let want = (0..<4).map { i -> Float in
          let r = p + i * 37
          var v = r[0]
          for j in 1..<Swift.max(ls[i], 1) where r[j] > v { v = r[j] }
          return v
        }
        #expect([m.0, m.1, m.2, m.3].map(\.bitPattern) == want.map(\.bitPattern), "\(lengths)")
      }
    }
  }
}
