import Environments
import LoomRandom

/// CartPole-v1 stepping speed: random actions, reset when an episode ends (the same workload as
/// Benchmarks/reference/cartpole_bench.py runs on Gymnasium).
enum CartPoleBench {
  /// Steps per second: the median of several timed runs of about a million steps each.
  static func stepsPerSecond(runs: Int = 5, stepsPerRun: Int = 1_000_000) -> Double {
    var rates: [Double] = []
    var env = CartPole(seed: 0)
    var rng = SeededGenerator(seed: 12345)
    _ = env.reset(seed: 0)
    var checksum = 0.0
    for _ in 0..<runs {
      let clock = ContinuousClock()
      let start = clock.now
      for _ in 0..<stepsPerRun {
        let s = env.step(Int(truncatingIfNeeded: rng.next() >> 63))
        checksum += s.reward
        if s.terminated || s.truncated { _ = env.reset(seed: nil) }
      }
      let elapsed = clock.now - start
      let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
      rates.append(Double(stepsPerRun) / seconds)
    }
    precondition(checksum > 0)  // keeps the loop from being optimised away
    rates.sort()
    return rates[rates.count / 2]
  }
}
