import Environments
import LoomRandom
import Testing

@Suite struct VectorTests {
  @Test func resetSeedsCopiesWithSeedPlusIndex() {
    var envs = VectorEnvironment(count: 3) { _ in CartPole() }
    let obs = envs.reset(seed: 10)
    for i in 0..<3 {
      var single = CartPole()
      #expect(obs[i] == single.reset(seed: 10 + UInt64(i)))
    }
    #expect(obs[0] != obs[1])
  }

  /// Same-step autoreset: the vector's outputs equal stepping each copy by hand and resetting it
  /// (with `reset(seed: nil)`) as soon as its episode ends.
  @Test func sameStepAutoresetMatchesManualStepping() {
    let n = 4
    var envs = VectorEnvironment(count: n) { _ in CartPole() }
    var manual = (0..<n).map { _ in CartPole() }
    var manualStats = (0..<n).map { _ in (ret: 0.0, len: 0) }
    var obs = envs.reset(seed: 100)
    for i in 0..<n { #expect(manual[i].reset(seed: 100 + UInt64(i)) == obs[i]) }
    var rng = SeededGenerator(seed: 1)
    var finished = 0
    var sawTruncation = false
    for _ in 0..<3000 {
      let actions = (0..<n).map { _ in rng.int(below: 2) }
      let out = envs.step(actions)
      for i in 0..<n {
        let s = manual[i].step(actions[i])
        manualStats[i].ret += s.reward
        manualStats[i].len += 1
        #expect(out.rewards[i] == s.reward && out.terminated[i] == s.terminated && out.truncated[i] == s.truncated)
        if s.isDone {
          finished += 1
          #expect(out.finalObservations[i] == s.observation)
          #expect(out.episodes[i] == EpisodeStatistics(episodeReturn: manualStats[i].ret, length: manualStats[i].len))
          manualStats[i] = (0, 0)
          let first = manual[i].reset(seed: nil)
          #expect(out.observations[i] == first)
          #expect(out.observations[i] != s.observation)
          sawTruncation = sawTruncation || s.truncated
        } else {
          #expect(out.finalObservations[i] == nil && out.episodes[i] == nil)
          #expect(out.observations[i] == s.observation)
        }
      }
      obs = out.observations
    }
    #expect(finished > 100)
    #expect(!sawTruncation)  // random CartPole never reaches 500 steps; truncation is tested below
  }

  @Test func truncationReportsFinalObservationForBootstrapping() {
    var envs = VectorEnvironment(count: 2) { _ in Pendulum() }
    _ = envs.reset(seed: 0)
    var last: VectorStep<[Double]>? = nil
    var previousObs: [[Double]] = []
    for t in 1...200 {
      let before = envs.envs.map(\.state)
      let out = envs.step([[0.5], [-0.5]])
      if t < 200 { #expect(out.finalObservations.allSatisfy { $0 == nil }) }
      previousObs = before
      last = out
    }
    let out = try! #require(last)
    #expect(out.truncated == [true, true] && out.terminated == [false, false])
    for i in 0..<2 {
      // The final observation is the one reached by the 200th action, not the new episode's first.
      var replay = Pendulum()
      replay.state = previousObs[i]
      let expected = replay.step([i == 0 ? 0.5 : -0.5]).observation
      #expect(out.finalObservations[i] == expected)
      #expect(out.observations[i] != expected)
      #expect(out.episodes[i]?.length == 200)
      #expect(envs.envs[i].timeLimit.elapsedSteps == 0)
    }
  }

  @Test func recordEpisodeStatistics() {
    var env = RecordEpisodeStatistics(CartPole())
    _ = env.reset(seed: 0)
    env.base.state = [0, 0, 0, 0]
    while !env.step(1).isDone {}
    #expect(env.lastEpisode == EpisodeStatistics(episodeReturn: 9, length: 9))
    _ = env.reset(seed: 1)
    env.base.state = [0, 0, 0, 0]
    var t = 0
    while !env.step(1 - t % 2).isDone { t += 1 }
    #expect(env.lastEpisode == EpisodeStatistics(episodeReturn: 33, length: 33))
    #expect(env.history.count == 2)
    var mc = RecordEpisodeStatistics(MountainCar())
    _ = mc.reset(seed: 0)
    while !mc.step(1).isDone {}
    #expect(mc.lastEpisode == EpisodeStatistics(episodeReturn: -200, length: 200))
  }

  @Test func vectorOfTabularEnvsIsDeterministic() {
    func run() -> [Double] {
      var envs = VectorEnvironment(count: 3) { _ in FrozenLake() }
      _ = envs.reset(seed: 5)
      var rng = SeededGenerator(seed: 2)
      var rewards: [Double] = []
      for _ in 0..<500 { rewards += envs.step((0..<3).map { _ in rng.int(below: 4) }).rewards }
      return rewards
    }
    #expect(run() == run())
  }
}
