import Testing
import NumericCore

@Suite("Categorical sampling refuses logits that are not a distribution")
struct CategoricalSamplingTests {
  @Test("samplingProblem names the row, the index and the values of the first NaN")
  func nanIsNamed() {
    let batched = Categorical(logits: Tensor([0, 1, 2, 0.5, .nan, -1], shape: [2, 3]))
    #expect(batched.samplingProblem() == "logits contain NaN (row 1, index 1; row 1 = [0.5, nan, -1.0]): the policy's parameters have diverged")
    #expect(Categorical<Float>.samplingProblem(logits: [0.5, .nan])
      == "logits contain NaN (row 0, index 1; row 0 = [0.5, nan]): the policy's parameters have diverged")
    let wide = Categorical<Double>.samplingProblem(logits: (0..<10).map { $0 == 9 ? .nan : Double($0) }) ?? ""
    #expect(wide.hasPrefix("logits contain NaN (row 0, index 9; row 0 = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, … (10 values)])"))
  }

  @Test("+inf and an all −inf row are refused; a single −inf (a masked action) is not")
  func infinities() {
    #expect(Categorical<Float>.samplingProblem(logits: [0, .infinity])?.hasPrefix("logits contain +inf (row 0, index 1;") == true)
    #expect(Categorical<Float>.samplingProblem(logits: [-.infinity, -.infinity])?.hasPrefix("every logit in row 0 is -inf") == true)
    #expect(Categorical<Float>.samplingProblem(logits: []) == "no categories (empty logits)")
    #expect(Categorical<Float>.samplingProblem(logits: [-.infinity, 0.5]) == nil)
    #expect(Categorical(logits: Tensor([0, 1, -.infinity, 1000, -1000, 0], shape: [2, 3])).samplingProblem() == nil)
    var rng = SeededGenerator(seed: 1)
    #expect((0..<50).allSatisfy { _ in Categorical<Float>.sample(logits: [-.infinity, 0.5, -.infinity], using: &rng) == 1 })
  }

  // Recorded with the sampler before NaN checking was added: valid logits draw exactly as before.
  @Test("valid logits sample the same actions from the same seed as before the check")
  func unchangedDraws() {
    var rng = SeededGenerator(seed: 7)
    let logits = Tensor([0.5, -1, 2, 0, 0, 0, -3, 1, 0.25, 10, -10, 0], shape: [4, 3])
    let batched = (0..<4).map { _ in Categorical(logits: logits).sample(using: &rng) }
    #expect(batched == [[2, 0, 2, 0], [2, 2, 1, 0], [2, 0, 1, 0], [2, 2, 1, 0]])
    var rng2 = SeededGenerator(seed: 8)
    let l64 = Tensor64([0.2, -0.1, 1.5, -2, 0.7], shape: [1, 5])
    #expect((0..<3).flatMap { _ in Categorical(logits: l64).sample(using: &rng2) } == [4, 2, 2])
    var rng3 = SeededGenerator(seed: 9)
    let single = (0..<16).map { _ in Categorical<Float>.sample(logits: [0.3, -0.4, 0.1, 1.2], using: &rng3) }
    #expect(single == [0, 1, 0, 3, 3, 3, 3, 3, 0, 2, 3, 3, 0, 3, 3, 3])
    var rng4 = SeededGenerator(seed: 10)
    let net = MLP([4, 8, 3], activation: .tanh, using: &rng4)
    let acts = (0..<16).map { i in net.act([Float(i) * 0.1, -0.2, 0.3, 0.05], using: &rng4) }
    #expect(acts == [0, 0, 2, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1])
  }

  @Test("sample(using:) on NaN logits stops with the message instead of returning the last action")
  func batchedTraps() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      var rng = SeededGenerator(seed: 1)
      _ = Categorical(logits: Tensor([0, 1, 2, 0.5, .nan, -1], shape: [2, 3])).sample(using: &rng)
    }
    let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(stderr.contains("Categorical.sample: logits contain NaN (row 1, index 1;"))
  }

  @Test("the single-row fast path (and so MLP.act) stops on NaN logits too")
  func singleTraps() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      var rng = SeededGenerator(seed: 1)
      _ = Categorical<Float>.sample(logits: [0.3, .nan], using: &rng)
    }
    let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(stderr.contains("Categorical.sample: logits contain NaN (row 0, index 1; row 0 = [0.3, nan])"))
  }

  @Test("mode() stops on NaN logits; logProb and entropy return NaN without stopping")
  func modeTrapsOthersPropagate() async {
    await #expect(processExitsWith: .failure) {
      _ = Categorical(logits: Tensor([.nan, 1], shape: [1, 2])).mode()
    }
    let pi = Categorical(logits: Tensor64([.nan, 1], shape: [1, 2]))
    #expect(pi.logProb([1]).item.isNaN)
    #expect(pi.entropy().item.isNaN)
  }
}
