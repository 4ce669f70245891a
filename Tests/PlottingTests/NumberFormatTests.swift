@testable import Plotting
import Testing

@Suite("Deterministic number formatting")
struct NumberFormatTests {
  @Test("Fixed decimals round half away from zero and drop negative zero")
  func decimals() {
    #expect(Num.decimals(0.1 + 0.2, 2) == "0.30")
    #expect(Num.decimals(-0.04, 1) == "0.0")
    #expect(Num.decimals(2.25, 1) == "2.3")
    #expect(Num.decimals(-14, 0) == "-14")
    #expect(Num.decimals(.nan, 1) == "NaN")
    #expect(Num.decimals(-.infinity, 1) == "-∞")
  }

  @Test("Significant digits, compact or scientific")
  func significant() {
    #expect(Num.significant(0.1 + 0.2) == "0.3")
    #expect(Num.significant(498.04) == "498")
    #expect(Num.significant(-0.0123456) == "-0.01235")
    #expect(Num.significant(6.02e23) == "6.02e23")
    #expect(Num.significant(9.99951) == "10")
    #expect(Num.significant(1.5e-300) == "1.5e-300")
    #expect(Num.significant(1.5e-7) == "1.5e-7")
  }

  @Test("Pixel coordinates keep at most two decimals")
  func coordinates() {
    #expect(Num.coord(12.3456) == "12.35")
    #expect(Num.coord(100) == "100")
    #expect(Num.coord(-0.001) == "0")
    #expect(Num.coord(.nan) == "0")
    #expect(Num.coord(1e300) == "10000000")
  }
}
