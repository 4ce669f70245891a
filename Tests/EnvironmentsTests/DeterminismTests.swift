import Environments
import LoomRandom
import Testing

/// Runs `steps` random-action steps (resetting with `seed: nil` when done) and returns every reward
/// and observation component, so two runs can be compared exactly.
func rollout<E: Environment>(
  _ env: inout E, seed: UInt64, steps: Int, action: (inout SeededGenerator) -> E.Action,
  flatten: (E.Observation) -> [Double]
) -> [Double] {
  var rng = SeededGenerator(seed: 99)
  var trace = flatten(env.reset(seed: seed))
  for _ in 0..<steps {
    let s = env.step(action(&rng))
    trace += flatten(s.observation) + [s.reward, s.terminated ? 1 : 0, s.truncated ? 1 : 0]
    if s.terminated || s.truncated { trace += flatten(env.reset(seed: nil)) }
  }
  return trace
}

@Suite struct DeterminismTests {
  @Test(arguments: ["CartPole", "Pendulum", "MountainCar", "MountainCarContinuous", "Acrobot"])
  func sameSeedSameEpisodesDifferentSeedDifferent(_ name: String) {
    func run(_ seed: UInt64) -> [Double] {
      let id: ([Double]) -> [Double] = { $0 }
      switch name {
      case "CartPole":
        var e = CartPole(seed: 1)
        return rollout(&e, seed: seed, steps: 1200, action: { $0.int(below: 2) }, flatten: id)
      case "Pendulum":
        var e = Pendulum(seed: 1)
        return rollout(&e, seed: seed, steps: 450, action: { [$0.uniform(-2, 2)] }, flatten: id)
      case "MountainCar":
        var e = MountainCar(seed: 1)
        return rollout(&e, seed: seed, steps: 450, action: { $0.int(below: 3) }, flatten: id)
      case "MountainCarContinuous":
        var e = MountainCarContinuous(seed: 1)
        return rollout(&e, seed: seed, steps: 300, action: { [$0.uniform(-1, 1)] }, flatten: id)
      default:
        var e = Acrobot(seed: 1)
        return rollout(&e, seed: seed, steps: 600, action: { $0.int(below: 3) }, flatten: id)
      }
    }
    let a = run(5), b = run(5), c = run(6)
    #expect(a == b)
    #expect(a != c)
  }

  @Test func mountainCarContinuousResetBounds() {
    var env = MountainCarContinuous()
    for i in 0..<500 {
      let o = env.reset(seed: UInt64(i))
      #expect(o[0] >= -0.6 && o[0] < -0.4 && o[1] == 0 && !env.stateIsFloat32)
    }
  }

  @Test func tabularResetFollowsInitialDistribution() {
    var env = GridWorld.suttonBarto4x4()
    var seen = Set<Int>()
    for i in 0..<2000 { seen.insert(env.reset(seed: UInt64(i))) }
    #expect(seen == Set(1...14))  // every non-terminal cell, never a terminal one
    var a = FrozenLake(), b = FrozenLake()
    _ = a.reset(seed: 3); _ = b.reset(seed: 3)
    for k in 0..<200 { #expect(a.step(k % 4) == b.step(k % 4)) }
  }

  @Test func invalidActionTraps() async {
    await #expect(processExitsWith: .failure) {
      var env = CartPole()
      _ = env.step(2)
    }
    await #expect(processExitsWith: .failure) {
      var env = Pendulum()
      _ = env.step([1, 2])
    }
  }
}
