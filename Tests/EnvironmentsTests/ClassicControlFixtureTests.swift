import Environments
import Foundation
import Testing

/// A classic-control env seen uniformly by the fixture replayer.
protocol ReplayableEnv {
  var replayState: [Double] { get set }
  var replayObservationFloat32: [Float] { get }
  mutating func replayStep(_ action: Double) -> Step<[Double]>
  init()
}

extension CartPole: ReplayableEnv {
  var replayState: [Double] { get { state } set { state = newValue } }
  var replayObservationFloat32: [Float] { observationFloat32 }
  mutating func replayStep(_ action: Double) -> Step<[Double]> { step(Int(action)) }
  init() { self.init(seed: 0) }
}
extension Pendulum: ReplayableEnv {
  var replayState: [Double] { get { state } set { state = newValue } }
  var replayObservationFloat32: [Float] { observationFloat32 }
  mutating func replayStep(_ action: Double) -> Step<[Double]> { step([action]) }
  init() { self.init(seed: 0) }
}
extension MountainCar: ReplayableEnv {
  var replayState: [Double] { get { state } set { state = newValue } }
  var replayObservationFloat32: [Float] { observationFloat32 }
  mutating func replayStep(_ action: Double) -> Step<[Double]> { step(Int(action)) }
  init() { self.init(seed: 0) }
}
extension MountainCarContinuous: ReplayableEnv {
  var replayState: [Double] { get { state } set { state = newValue } }
  var replayObservationFloat32: [Float] { observationFloat32 }
  mutating func replayStep(_ action: Double) -> Step<[Double]> { step([action]) }
  init() { self.init(seed: 0) }
}
extension Acrobot: ReplayableEnv {
  var replayState: [Double] { get { state } set { state = newValue } }
  var replayObservationFloat32: [Float] { observationFloat32 }
  mutating func replayStep(_ action: Double) -> Step<[Double]> { step(Int(action)) }
  init() { self.init(seed: 0) }
}

struct ReplayReport {
  var maxStateError = 0.0
  var maxObservationError = 0.0
  var maxRewardError = 0.0
  var comparedSteps = 0
}

/// Replays every recorded episode from its recorded start state and compares with Gymnasium.
func replay<E: ReplayableEnv>(_ type: E.Type, fixture: String) throws -> ReplayReport {
  let f = try loadFixture(fixture, as: ClassicFixture.self)
  var report = ReplayReport()
  // Reset observations: the observation computed from the recorded reset state must be Gymnasium's.
  for r in f.resets {
    var env = E()
    env.replayState = r.state
    let obs = env.replayObservationFloat32.map(Double.init)
    report.maxObservationError = max(report.maxObservationError, maxAbsDiff(obs, r.obs))
  }
  #expect(!f.episodes.isEmpty)
  for ep in f.episodes {
    var env = E()
    env.replayState = ep.initial_state
    var recorded: [Int: RecordedStep] = [:]
    for s in ep.steps { recorded[s.t] = s }
    var total = 0.0
    let doneAt = ep.done_at ?? Int.max
    for (i, a) in ep.actions.enumerated() {
      let t = i + 1
      let s = env.replayStep(a)
      total += s.reward
      if t < doneAt {
        #expect(!s.terminated && !s.truncated, "\(fixture) \(ep.name): episode ended early at t=\(t)")
      }
      guard let rec = recorded[t] else { continue }
      report.comparedSteps += 1
      let stateErr = maxAbsDiff(env.replayState, rec.state)
      let obsErr = maxAbsDiff(env.replayObservationFloat32.map(Double.init), rec.obs)
      let rewErr = abs(s.reward - rec.reward)
      report.maxStateError = max(report.maxStateError, stateErr)
      report.maxObservationError = max(report.maxObservationError, obsErr)
      report.maxRewardError = max(report.maxRewardError, rewErr)
      #expect(stateErr <= 1e-9, "\(fixture) \(ep.name) t=\(t): state error \(stateErr)")
      #expect(rewErr <= 1e-9, "\(fixture) \(ep.name) t=\(t): reward error \(rewErr)")
      #expect(s.terminated == rec.terminated, "\(fixture) \(ep.name) t=\(t): terminated")
      #expect(s.truncated == rec.truncated, "\(fixture) \(ep.name) t=\(t): truncated")
    }
    #expect(ep.actions.count == ep.length)
    #expect(abs(total - ep.total_reward) <= 1e-8, "\(fixture) \(ep.name): return \(total)")
  }
  print("FIXTURE \(fixture): steps compared \(report.comparedSteps), max |Δstate| \(report.maxStateError), "
    + "max |Δobs(float32)| \(report.maxObservationError), max |Δreward| \(report.maxRewardError)")
  return report
}

@Suite struct ClassicControlFixtureTests {
  @Test func cartPoleMatchesGymnasium() throws {
    let r = try replay(CartPole.self, fixture: "CartPole-v1")
    #expect(r.maxStateError <= 1e-12)
    #expect(r.maxObservationError == 0)
  }

  @Test func pendulumMatchesGymnasium() throws {
    let r = try replay(Pendulum.self, fixture: "Pendulum-v1")
    #expect(r.maxStateError <= 1e-12)
    #expect(r.maxObservationError <= 1e-7)  // float32 rounding of a cos/sin that may differ by 1 ulp
  }

  @Test func mountainCarMatchesGymnasium() throws {
    let r = try replay(MountainCar.self, fixture: "MountainCar-v0")
    #expect(r.maxStateError <= 1e-12)
    #expect(r.maxObservationError == 0)
  }

  @Test func mountainCarContinuousMatchesGymnasium() throws {
    let r = try replay(MountainCarContinuous.self, fixture: "MountainCarContinuous-v0")
    #expect(r.maxStateError <= 1e-12)
    #expect(r.maxObservationError == 0)
  }

  @Test func acrobotMatchesGymnasium() throws {
    let r = try replay(Acrobot.self, fixture: "Acrobot-v1")
    #expect(r.maxStateError <= 1e-12)
    #expect(r.maxObservationError <= 1e-6)
  }

  @Test func cartPolePolicyLengthsRecordedFromGymnasium() throws {
    let f = try loadFixture("CartPole-v1", as: ClassicFixture.self)
    let lengths = try #require(f.policy_lengths_from_zero_state)
    let policies: [String: (Int, [Double]) -> Int] = [
      "always-right": { _, _ in 1 }, "always-left": { _, _ in 0 }, "alternate": { t, _ in 1 - t % 2 },
      "theta-positive": { _, s in s[2] > 0 ? 1 : 0 },
      "theta-plus-thetadot-positive": { _, s in s[2] + s[3] > 0 ? 1 : 0 },
    ]
    #expect(lengths.count == policies.count)
    for (name, policy) in policies {
      let rec = try #require(lengths[name])
      var env = CartPole(seed: 0)
      env.state = [0, 0, 0, 0]
      var t = 0
      var last: Step<[Double]>
      repeat {
        last = env.step(policy(t, env.state))
        t += 1
      } while !last.isDone
      #expect(t == rec.length, "\(name)")
      #expect(last.terminated == rec.terminated && last.truncated == rec.truncated, "\(name)")
    }
  }
}
