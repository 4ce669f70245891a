import LoomRandom

/// A reinforcement-learning environment with Gymnasium's API shape.
///
/// ```swift
/// var env = CartPole()
/// var obs = env.reset(seed: 42)
/// var done = false
/// while !done {
///   let step = env.step(obs[2] > 0 ? 1 : 0)
///   obs = step.observation
///   done = step.terminated || step.truncated
/// }
/// ```
///
/// `terminated` means the MDP reached a terminal state (do not bootstrap);
/// `truncated` means a time limit cut the episode short (bootstrap from the observation).
public protocol Environment {
  /// What the agent sees after `reset` and after every `step`.
  associatedtype Observation
  /// What the agent sends to `step`.
  associatedtype Action

  /// Starts a new episode and returns its first observation.
  ///
  /// With a seed, the environment's generator is re-seeded first (as `env.reset(seed=…)` in
  /// Gymnasium); with `nil` it continues its own stream, so consecutive episodes differ.
  mutating func reset(seed: UInt64?) -> Observation

  /// Advances the environment by one action.
  mutating func step(_ action: Action) -> Step<Observation>
}

extension Environment {
  /// Starts a new episode, continuing the environment's own random stream.
  public mutating func reset() -> Observation { reset(seed: nil) }
}

/// The result of one `Environment.step`: Gymnasium's `(obs, reward, terminated, truncated)`.
public struct Step<Observation> {
  /// The observation after the action.
  public var observation: Observation
  /// The reward for the transition.
  public var reward: Double
  /// True when the episode reached a terminal state of the MDP.
  public var terminated: Bool
  /// True when a time limit (or another outside condition) ended the episode.
  public var truncated: Bool

  /// Creates a step result.
  public init(observation: Observation, reward: Double, terminated: Bool, truncated: Bool) {
    self.observation = observation
    self.reward = reward
    self.terminated = terminated
    self.truncated = truncated
  }

  /// True when the episode is over for either reason (`terminated || truncated`).
  public var isDone: Bool { terminated || truncated }
}

extension Step: Sendable where Observation: Sendable {}
extension Step: Equatable where Observation: Equatable {}

/// Episode time limit bookkeeping, as Gymnasium's `TimeLimit` wrapper: after `maxEpisodeSteps`
/// steps since the last reset, `truncated` is true (possibly together with `terminated`).
public struct TimeLimit: Sendable, Hashable {
  /// Steps after which an episode is truncated; `nil` means no limit.
  public var maxEpisodeSteps: Int?
  /// Steps taken since the last reset.
  public internal(set) var elapsedSteps: Int = 0

  /// Creates a limit of `maxEpisodeSteps` steps (`nil`: unlimited).
  public init(_ maxEpisodeSteps: Int?) { self.maxEpisodeSteps = maxEpisodeSteps }

  mutating func restart() { elapsedSteps = 0 }

  /// Counts one step and says whether it truncates the episode.
  mutating func tick() -> Bool {
    elapsedSteps += 1
    guard let m = maxEpisodeSteps else { return false }
    return elapsedSteps >= m
  }
}
