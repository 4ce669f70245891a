import LoomRandom

/// The k-armed bandit testbed of S&B Section 2.3: `q*(a) ~ N(0, 1)`, reward `~ N(q*(a), 1)`.
///
/// ```swift
/// var bandit = Bandit(arms: 10, seed: 1)
/// _ = bandit.reset(seed: nil)            // observation is always 0
/// let r = bandit.step(3).reward          // N(q*(3), 1)
/// ```
///
/// `reset(seed:)` with a seed draws a fresh problem (new `qStar`) from that seed; with `nil` the
/// problem is kept. Nonstationary (S&B Exercise 2.5): all `q*` start at 0 and take independent
/// N(0, `walkStd`²) steps after every pull. Episodes never end (no time limit by default).
public struct Bandit: Environment, Sendable {
  /// Always 0 (a single state).
  public typealias Observation = Int
  /// The arm to pull, 0..<arms.
  public typealias Action = Int

  /// Number of arms.
  public let arms: Int
  /// The true action values.
  public var qStar: [Double]
  /// Whether the action values drift.
  public let nonstationary: Bool
  /// Standard deviation of the drift per step.
  public var walkStd: Double
  /// Standard deviation of the reward noise.
  public var rewardStd: Double = 1
  /// The time limit (none by default).
  public var timeLimit = TimeLimit(nil)
  var rng: SeededGenerator

  /// Draws a testbed problem from `seed`.
  public init(arms: Int = 10, nonstationary: Bool = false, walkStd: Double = 0.01, seed: UInt64 = 0) {
    precondition(arms > 0, "Bandit: needs at least one arm")
    self.arms = arms
    self.nonstationary = nonstationary
    self.walkStd = walkStd
    rng = SeededGenerator(seed: seed)
    qStar = []
    drawProblem()
  }

  mutating func drawProblem() {
    qStar = nonstationary ? Array(repeating: 0, count: arms) : (0..<arms).map { _ in rng.normal() }
  }

  /// The arm with the largest `q*` (first on ties).
  public var optimalAction: Int { qStar.indices.max(by: { qStar[$0] < qStar[$1] })! }

  /// The expected-reward model: one state, `P[0][a] = [(1, 0, q*(a), false)]`.
  public var model: TabularModel {
    TabularModel(
      P: [qStar.map { [Transition(probability: 1, nextState: 0, reward: $0, terminated: false)] }],
      initialStateDistribution: [1])
  }

  /// With a seed, draws a new problem from it; with nil keeps the current one.
  public mutating func reset(seed: UInt64?) -> Int {
    if let seed {
      rng = SeededGenerator(seed: seed)
      drawProblem()
    }
    timeLimit.restart()
    return 0
  }

  /// Pulls arm `action`.
  public mutating func step(_ action: Int) -> Step<Int> {
    precondition(action >= 0 && action < arms, "Bandit: arm \(action) out of range 0..<\(arms)")
    let reward = qStar[action] + rewardStd * rng.normal()
    if nonstationary {
      for i in qStar.indices { qStar[i] += walkStd * rng.normal() }
    }
    return Step(observation: 0, reward: reward, terminated: false, truncated: timeLimit.tick())
  }
}
