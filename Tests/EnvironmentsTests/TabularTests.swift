import Environments
import LoomRandom
import Testing

/// Iterative policy evaluation for the equiprobable random policy (synchronous sweeps).
func evaluateRandomPolicy(_ m: TabularModel, gamma: Double, sweeps: Int? = nil, tol: Double = 1e-13) -> [Double] {
  var v = [Double](repeating: 0, count: m.numStates)
  var k = 0
  while true {
    let nv = (0..<m.numStates).map { s in
      (0..<m.numActions).reduce(0) { $0 + m.actionValue(s, $1, values: v, gamma: gamma) } / Double(m.numActions)
    }
    k += 1
    let delta = maxAbsDiff(nv, v)
    v = nv
    if let sweeps { if k == sweeps { return v } } else if delta < tol { return v }
  }
}

/// Value iteration to convergence.
func optimalValues(_ m: TabularModel, gamma: Double) -> [Double] {
  var v = [Double](repeating: 0, count: m.numStates)
  while true {
    let nv = (0..<m.numStates).map { s in
      (0..<m.numActions).map { m.actionValue(s, $0, values: v, gamma: gamma) }.max()!
    }
    if maxAbsDiff(nv, v) < 1e-13 { return nv }
    v = nv
  }
}

/// Breadth-first shortest number of steps from the start to any terminating transition.
func shortestEpisode(_ m: TabularModel) -> Int? {
  let start = m.initialStateDistribution.firstIndex(of: 1)!
  var dist = [Int?](repeating: nil, count: m.numStates)
  dist[start] = 0
  var queue = [start]
  var i = 0
  while i < queue.count {
    let s = queue[i]; i += 1
    for a in 0..<m.numActions {
      for t in m.P[s][a] where t.probability > 0 {
        if t.terminated { return dist[s]! + 1 }
        if dist[t.nextState] == nil { dist[t.nextState] = dist[s]! + 1; queue.append(t.nextState) }
      }
    }
  }
  return nil
}

@Suite struct TabularTests {
  // MARK: - Against Gymnasium's recorded tables

  @Test(arguments: [
    "FrozenLake-4x4-slippery", "FrozenLake-4x4-deterministic", "FrozenLake-8x8-slippery", "CliffWalking",
  ])
  func transitionTableEqualsGymnasium(_ key: String) throws {
    let (model, limit): (TabularModel, Int?) =
      switch key {
      case "FrozenLake-4x4-slippery": (FrozenLake(map: .map4x4).model, FrozenLake(map: .map4x4).timeLimit.maxEpisodeSteps)
      case "FrozenLake-4x4-deterministic":
        (FrozenLake(map: .map4x4, isSlippery: false).model, FrozenLake(map: .map4x4).timeLimit.maxEpisodeSteps)
      case "FrozenLake-8x8-slippery": (FrozenLake(map: .map8x8).model, FrozenLake(map: .map8x8).timeLimit.maxEpisodeSteps)
      default: (CliffWalking().model, CliffWalking().timeLimit.maxEpisodeSteps)
      }
    let f = try loadFixture("ToyText", as: ToyTextFixture.self)
    let table = try #require(f.tables[key])
    #expect(table.max_episode_steps == limit)
    #expect(model.initialStateDistribution == table.initial_state_distribution)
    #expect(model.numStates == table.P.count)
    var compared = 0
    for s in 0..<model.numStates {
      #expect(model.P[s].count == table.P[s].count)
      for a in 0..<model.numActions {
        let theirs = table.P[s][a].map {
          Transition(probability: $0.probability, nextState: $0.nextState, reward: $0.reward, terminated: $0.terminated)
        }
        #expect(model.P[s][a] == theirs, "\(key) P[\(s)][\(a)]")
        compared += theirs.count
      }
    }
    #expect(compared >= model.numStates * model.numActions)
  }

  @Test func frozenLakeSpotChecks() {
    let env = FrozenLake()
    #expect(env.timeLimit.maxEpisodeSteps == 100)
    #expect(FrozenLake(map: .map8x8).timeLimit.maxEpisodeSteps == 200)
    // State 14 (row 3, col 2), action right: down-slip stays, right reaches G, up-slip to 10.
    let t = env.P[14][FrozenLake.right]
    #expect(t.map(\.nextState) == [14, 15, 10])
    let third = 1.0 / 3.0
    let fail: Double = (1.0 - third) / 2.0
    #expect(t.map(\.probability) == [fail, third, fail])
    #expect(fail == 0.33333333333333337)
    #expect(t.map(\.reward) == [0.0, 1.0, 0.0])
    #expect(t.map(\.terminated) == [false, true, false])
    #expect(env.P[5][0] == [Transition(probability: 1, nextState: 5, reward: 0, terminated: true)])
  }

  @Test func frozenLakeSamplingFrequencies() {
    var env = FrozenLake()
    var counts = [Int: Int]()
    _ = env.reset(seed: 9)
    for _ in 0..<30_000 {
      env.state = 9
      counts[env.step(FrozenLake.down).observation, default: 0] += 1
    }
    // From 9 (row 2, col 1), down: slips right → 10, down → 13, left → 8; each 1/3.
    #expect(Set(counts.keys) == [8, 13, 10])
    for (_, c) in counts { #expect(abs(Double(c) / 30_000 - 1.0 / 3) < 0.015) }
  }

  @Test func frozenLakeOptimalValueIsPlausible() {
    // Value iteration on the 4×4 slippery lake (γ = 0.99): the known optimum from the start is ≈ 0.54.
    let v = optimalValues(FrozenLake().model, gamma: 0.99)
    #expect(abs(v[0] - 0.542) < 0.01, "\(v[0])")
  }

  @Test func cliffWalking() {
    var env = CliffWalking()
    #expect(env.reset(seed: 0) == 36)
    let s = env.step(CliffWalking.right)
    #expect(s.observation == 36 && s.reward == -100 && !s.terminated)
    #expect(shortestEpisode(env.model) == 13)
  }

  // MARK: - Sutton & Barto gridworlds

  @Test func gridWorld4x4RandomPolicy() {
    let m = GridWorld.suttonBarto4x4().model
    let v = evaluateRandomPolicy(m, gamma: 1)
    let expected: [Double] = [0, -14, -20, -22, -14, -18, -20, -20, -20, -20, -18, -14, -22, -20, -14, 0]
    #expect(maxAbsDiff(v, expected) < 1e-9)
    #expect(evaluateRandomPolicy(m, gamma: 1, sweeps: 2) == [0, -1.75, -2, -2, -1.75, -2, -2, -2, -2, -2, -2, -1.75, -2, -2, -1.75, 0])
    let v3 = evaluateRandomPolicy(m, gamma: 1, sweeps: 3)
    #expect(abs(v3[1] - -2.4375) < 1e-12 && abs(v3[3] - -3) < 1e-12)
    let v10 = evaluateRandomPolicy(m, gamma: 1, sweeps: 10)
    #expect(abs(v10[1] - -6.14) < 0.005 && abs(v10[3] - -8.97) < 0.005)
    // Exercise 4.1
    #expect(abs(m.actionValue(11, GridMove.down, values: v, gamma: 1) - -1) < 1e-9)
    #expect(abs(m.actionValue(7, GridMove.down, values: v, gamma: 1) - -15) < 1e-9)
  }

  @Test func gridWorld5x5() {
    let m = GridWorld.suttonBarto5x5().model
    let v = evaluateRandomPolicy(m, gamma: 0.9)
    let expected: [Double] = [
      3.3090, 8.7893, 4.4276, 5.3224, 1.4922, 1.5216, 2.9923, 2.2501, 1.9076, 0.5474,
      0.0508, 0.7382, 0.6731, 0.3582, -0.4031, -0.9736, -0.4355, -0.3549, -0.5856, -1.1831,
      -1.8577, -1.3452, -1.2293, -1.4229, -1.9752,
    ]
    #expect(maxAbsDiff(v, expected) < 6e-5)
    let vStar = optimalValues(m, gamma: 0.9)
    #expect(abs(vStar[1] - 10 / (1 - 0.59049)) < 1e-9)
    let expectedStar: [Double] = [
      21.9775, 24.4194, 21.9775, 19.4194, 17.4775, 19.7797, 21.9775, 19.7797, 17.8018, 16.0216,
      17.8018, 19.7797, 17.8018, 16.0216, 14.4194, 16.0216, 17.8018, 16.0216, 14.4194, 12.9775,
      14.4194, 16.0216, 14.4194, 12.9775, 11.6797,
    ]
    #expect(maxAbsDiff(vStar, expectedStar) < 6e-5)
  }

  @Test func randomWalkTrueValues() {
    let five = RandomWalk.fiveState()
    let v5 = evaluateRandomPolicy(five.model, gamma: 1)
    #expect(maxAbsDiff(Array(v5[1...5]), [1, 2, 3, 4, 5].map { Double($0) / 6 }) < 1e-9)
    let nineteen = RandomWalk.nineteenState()
    let v19 = evaluateRandomPolicy(nineteen.model, gamma: 1)
    #expect(maxAbsDiff(Array(v19[1...19]), (1...19).map { Double(2 * $0 - 20) / 20 }) < 1e-9)
    var env = RandomWalk.fiveState()
    #expect(env.reset(seed: 0) == 3)
    var s: Step<Int>
    repeat { s = env.step(0) } while !s.terminated
    #expect((s.observation == 0 && s.reward == 0) || (s.observation == 6 && s.reward == 1))
  }

  @Test func windyAndDynaShortestPaths() {
    #expect(shortestEpisode(WindyGridworld().model) == 15)
    #expect(shortestEpisode(DynaMaze().model) == 14)
    var maze = DynaMaze()
    #expect(maze.reset(seed: 0) == 18)
    #expect(maze.step(GridMove.right).observation == 19)
    #expect(maze.step(GridMove.right).observation == 19)   // (2, 2) is a wall
  }

  @Test func shortCorridorOptimum() {
    // v(0) for the policy "right with probability p", by policy evaluation on the model.
    func v0(_ p: Double) -> Double {
      let m = ShortCorridor().model
      var v = [Double](repeating: 0, count: 4)
      for _ in 0..<3_000 {
        v = (0..<4).map { s in
          (1 - p) * m.actionValue(s, 0, values: v, gamma: 1) + p * m.actionValue(s, 1, values: v, gamma: 1)
        }
      }
      return v[0]
    }
    let grid = stride(from: 0.40, through: 0.80, by: 0.01).map { ($0, v0($0)) }
    let best = grid.max { $0.1 < $1.1 }!
    #expect(abs(best.0 - 0.59) < 0.015)
    #expect(best.1 > -11.7 && best.1 < -11.6, "\(best)")
    var env = ShortCorridor()
    _ = env.reset(seed: 0)
    #expect(env.step(ShortCorridor.right).observation == 1)
    #expect(env.step(ShortCorridor.right).observation == 0)   // reversed in state 1
  }

  @Test func banditTestbed() {
    var qs: [Double] = []
    for seed in 0..<400 { qs += Bandit(seed: UInt64(seed)).qStar }
    let mean = qs.reduce(0, +) / Double(qs.count)
    let variance = qs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(qs.count)
    #expect(abs(mean) < 0.06 && abs(variance - 1) < 0.08)
    var b = Bandit(arms: 10, seed: 3)
    let q = b.qStar
    var rewards: [Double] = []
    for _ in 0..<20_000 { rewards.append(b.step(2).reward) }
    let rm = rewards.reduce(0, +) / Double(rewards.count)
    #expect(abs(rm - q[2]) < 0.03)
    #expect(b.qStar == q)
    _ = b.reset(seed: nil)
    #expect(b.qStar == q)
    _ = b.reset(seed: 4)
    #expect(b.qStar != q && b.qStar == Bandit(arms: 10, seed: 4).qStar)
    var ns = Bandit(arms: 5, nonstationary: true, seed: 1)
    #expect(ns.qStar == [0, 0, 0, 0, 0])
    for _ in 0..<100 { _ = ns.step(0) }
    #expect(ns.qStar.allSatisfy { $0 != 0 && abs($0) < 0.6 })
  }

  @Test func timeLimitTruncatesTabularEpisodes() {
    var env = FrozenLake(map: .map4x4, isSlippery: false)
    _ = env.reset(seed: 0)
    var s: Step<Int>
    var n = 0
    repeat { s = env.step(FrozenLake.left); n += 1 } while !s.isDone
    #expect(n == 100 && s.truncated && !s.terminated)
  }
}
