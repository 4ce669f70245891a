import Environments
import LoomRandom
import Testing

@Suite struct ClassicControlTests {
  // MARK: - CartPole

  @Test func cartPoleConstants() {
    #expect(CartPole.totalMass == 1.1)
    #expect(CartPole.poleMassLength == 0.05)
    #expect(CartPole.thetaThresholdRadians == 0.20943951023931953)
    #expect(CartPole().timeLimit.maxEpisodeSteps == 500)
  }

  /// tabular-and-envs.md §2.3: from (0.01, −0.02, 0.03, 0.04) with actions 1,0,0,1,1,1,0,1,0,0.
  @Test func cartPoleReferenceTrajectory() {
    var env = CartPole()
    env.state = [0.01, -0.02, 0.03, 0.04]
    let actions = [1, 0, 0, 1, 1, 1, 0, 1, 0, 0]
    let expected: [Int: [Double]] = [
      1: [9.600000000000e-03, 1.746791957476e-01, 3.080000000000e-02, -2.430687179600e-01],
      2: [1.309358391495e-02, -2.086884894819e-02, 2.593862564080e-02, 5.916799993942e-02],
      3: [1.267620693599e-02, -2.163529210461e-01, 2.712198563959e-02, 3.599205713784e-01],
      4: [8.349148515065e-03, -2.162679919949e-02, 3.432039706716e-02, 7.591169894744e-02],
      5: [7.916612531075e-03, 1.729867600477e-01, 3.583863104611e-02, -2.057485158268e-01],
      10: [3.293383706570e-02, -2.379962460233e-02, 5.462304161695e-03, 1.237979994656e-01],
    ]
    for (i, a) in actions.enumerated() {
      let s = env.step(a)
      #expect(s.reward == 1 && !s.terminated && !s.truncated)
      if let e = expected[i + 1] {
        #expect(maxAbsDiff(env.state, e) < 1e-12, "t=\(i + 1): \(env.state)")
      }
    }
  }

  /// tabular-and-envs.md §2.3 episode lengths from the all-zero state.
  @Test(arguments: [
    ("always right", 9, false), ("always left", 9, false), ("alternate", 33, false),
    ("theta > 0", 56, false), ("theta + thetaDot > 0", 500, true),
  ])
  func cartPoleEpisodeLengths(_ policy: String, _ length: Int, _ truncated: Bool) {
    var env = CartPole()
    env.state = [0, 0, 0, 0]
    var t = 0
    var last: Step<[Double]>
    var total = 0.0
    repeat {
      let s = env.state
      let a: Int
      switch policy {
      case "always right": a = 1
      case "always left": a = 0
      case "alternate": a = 1 - t % 2
      case "theta > 0": a = s[2] > 0 ? 1 : 0
      default: a = s[2] + s[3] > 0 ? 1 : 0
      }
      last = env.step(a)
      total += last.reward
      t += 1
    } while !last.isDone
    #expect(t == length)
    #expect(total == Double(length))   // +1 per step including the terminating one
    #expect(last.truncated == truncated)
    #expect(last.terminated == !truncated)
  }

  @Test func cartPoleRewardAfterTerminationAndSuttonBarto() {
    var env = CartPole()
    env.state = [0, 0, 0, 0]
    while !env.step(1).terminated {}
    #expect(env.step(1).reward == 0)
    var sb = CartPole()
    sb.suttonBartoReward = true
    sb.state = [0, 0, 0, 0]
    var rewards: [Double] = []
    var s: Step<[Double]>
    repeat { s = sb.step(1); rewards.append(s.reward) } while !s.terminated
    #expect(rewards.dropLast().allSatisfy { $0 == 0 } && rewards.last == -1)
  }

  @Test func cartPoleResetDistributionAndDeterminism() {
    var env = CartPole()
    var lo = [Double](repeating: 1, count: 4), hi = [Double](repeating: -1, count: 4)
    for i in 0..<2000 {
      let o = env.reset(seed: UInt64(i))
      for k in 0..<4 { lo[k] = min(lo[k], o[k]); hi[k] = max(hi[k], o[k]) }
    }
    #expect(lo.allSatisfy { $0 >= -0.05 && $0 < -0.049 })
    #expect(hi.allSatisfy { $0 < 0.05 && $0 > 0.049 })
    var a = CartPole(), b = CartPole()
    #expect(a.reset(seed: 7) == b.reset(seed: 7))
    #expect(a.reset(seed: nil) == b.reset(seed: nil))
    #expect(a.reset(seed: 7) != a.reset(seed: 8))
  }

  @Test func float32Observations() {
    var env = CartPole()
    env.float32Observations = true
    let o = env.reset(seed: 3)
    #expect(o == env.observationFloat32.map(Double.init))
    #expect(o != env.state)
  }

  @Test func cartPoleRandomPolicyMeanReturn() {
    // tabular-and-envs.md [MC]: uniform-random policy from the reset distribution returns 22.24 on average.
    var env = RecordEpisodeStatistics(CartPole(seed: 11), historyLength: 20_000)
    var rng = SeededGenerator(seed: 5)
    _ = env.reset(seed: 11)
    while env.history.count < 20_000 {
      if env.step(rng.int(below: 2)).isDone { _ = env.reset(seed: nil) }
    }
    let mean = env.history.reduce(0) { $0 + $1.episodeReturn } / Double(env.history.count)
    #expect(abs(mean - 22.24) < 0.4, "mean return \(mean)")
  }

  // MARK: - Pendulum

  /// tabular-and-envs.md §2.4 reference trajectory from (θ, θ̇) = (1.0, −0.5).
  @Test func pendulumReferenceTrajectory() {
    var env = Pendulum()
    env.state = [1.0, -0.5]
    let rows: [(u: Double, r: Double, th: Double, thd: Double)] = [
      (0, -1.025000000000, 1.006555161930, 0.131103238606),
      (2, -1.018872099926, 1.059797623219, 1.064849225767),
      (-2, -1.240561389541, 1.130749704312, 1.419041621859),
      (1.5, -1.482212806257, 1.246879228050, 2.322590474770),
      (-0.7, -2.094640460692, 1.393308599936, 2.928587437711),
      (3, -2.802971292687, 1.591648860274, 3.966805206761),
      (-3, -4.110900449249, 1.812480967879, 4.416642152112),
      (0.25, -5.235822548906, 2.071598181226, 5.182344266934),
    ]
    for (t, row) in rows.enumerated() {
      let s = env.step([row.u])
      #expect(abs(s.reward - row.r) < 1e-11, "t=\(t + 1)")
      #expect(abs(env.theta - row.th) < 1e-11 && abs(env.thetaDot - row.thd) < 1e-11, "t=\(t + 1)")
      #expect(!s.terminated && !s.truncated)
    }
  }

  @Test func pendulumHangingReturnAndTruncation() {
    var env = Pendulum()
    env.state = [Double.pi, 0]
    var total = 0.0
    var steps = 0
    var s: Step<[Double]>
    repeat { s = env.step([0]); total += s.reward; steps += 1 } while !s.isDone
    #expect(steps == 200 && s.truncated && !s.terminated)
    #expect(abs(total - (-200 * Double.pi * Double.pi)) < 1e-9, "\(total)")
    var up = Pendulum()
    up.state = [0, 0]
    var upTotal = 0.0
    for _ in 0..<200 { upTotal += up.step([0]).reward }
    #expect(upTotal == 0)
  }

  @Test func pendulumResetBoundsAndAngleNormalize() {
    var env = Pendulum()
    for i in 0..<1000 {
      _ = env.reset(seed: UInt64(i))
      #expect(abs(env.theta) <= Double.pi && abs(env.thetaDot) <= 1)
    }
    #expect(Pendulum.angleNormalize(Double.pi) == -Double.pi)
    #expect(abs(Pendulum.angleNormalize(3 * Double.pi / 2) + Double.pi / 2) < 1e-15)
    #expect(abs(Pendulum.angleNormalize(-7) - (-7 + 2 * Double.pi)) < 1e-15)
  }

  // MARK: - Mountain cars and Acrobot

  @Test func mountainCarResetAndLimits() {
    var env = MountainCar()
    for i in 0..<500 {
      let o = env.reset(seed: UInt64(i))
      #expect(o[0] >= -0.6 && o[0] < -0.4 && o[1] == 0)
    }
    var steps = 0
    var s: Step<[Double]>
    repeat { s = env.step(1); steps += 1; #expect(s.reward == -1) } while !s.isDone
    #expect(steps == 200 && s.truncated && !s.terminated)
    #expect(MountainCarContinuous().timeLimit.maxEpisodeSteps == 999)
  }

  @Test func mountainCarContinuousGoalRewardAndFloat32State() {
    var env = MountainCarContinuous()
    _ = env.reset(seed: 0)
    var total = 0.0
    var s: Step<[Double]>
    repeat {
      s = env.step([env.velocity >= 0 ? 1 : -1])
      total += s.reward
      #expect(Double(Float(env.position)) == env.position && env.stateIsFloat32)
    } while !s.isDone
    #expect(s.terminated && env.position >= 0.45)
    #expect(abs(s.reward - 99.9) < 1e-12)
  }

  @Test func acrobotResetAndDynamics() {
    var env = Acrobot()
    for i in 0..<500 {
      _ = env.reset(seed: UInt64(i))
      #expect(env.state.allSatisfy { abs($0) <= 0.1 && Double(Float($0)) == $0 })
    }
    // Pumping along θ̇2 swings the free end above the bar well within the limit; reward 0 on termination.
    var s: Step<[Double]>
    var steps = 0
    repeat { s = env.step(env.state[3] > 0 ? 2 : 0); steps += 1 } while !s.isDone
    #expect(s.terminated && s.reward == 0 && steps < 500)
    #expect(env.state[0] >= -Double.pi && env.state[0] <= Double.pi)
  }
}

