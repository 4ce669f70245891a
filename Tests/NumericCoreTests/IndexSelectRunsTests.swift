import Testing
@testable import NumericCore

@Suite("indexSelect's runs of consecutive indices")
struct ConsecutiveRunsTests {
  @Test("runs split where indices stop counting up by one; repeats start a new run")
  func runs() {
    let r = consecutiveRuns([4, 5, 6, 2, 2, 3, 9])
    #expect(r.map(\.position) == [0, 3, 4, 6] && r.map(\.index) == [4, 2, 2, 9] && r.map(\.count) == [3, 1, 2, 1])
    #expect(consecutiveRuns([]).isEmpty)
  }

  @Test("indexSelect with runs and repeats: values and scatter-added gradient")
  func indexSelect() {
    let x = Tensor((0..<24).map(Float.init), shape: [2, 4, 3], requiresGrad: true)
    let y = x.indexSelect([1, 2, 2, 3, 0], alongAxis: 1)
    #expect(y.data == [3, 4, 5, 6, 7, 8, 6, 7, 8, 9, 10, 11, 0, 1, 2, 15, 16, 17, 18, 19, 20, 18, 19, 20, 21, 22, 23, 12, 13, 14])
    y.sum().backward()
    #expect(x.grad == [1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1])
  }
}
