/// Return and length of one finished episode (Gymnasium's `info["episode"]`: `r`, `l`).
public struct EpisodeStatistics: Sendable, Hashable {
  /// Sum of the episode's rewards.
  public var episodeReturn: Double
  /// Number of steps in the episode.
  public var length: Int
  /// Creates statistics.
  public init(episodeReturn: Double, length: Int) {
    self.episodeReturn = episodeReturn
    self.length = length
  }
}

/// Tracks each episode's return and length, like Gymnasium's `RecordEpisodeStatistics`.
///
/// ```swift
/// var env = RecordEpisodeStatistics(CartPole())
/// _ = env.reset(seed: 0)
/// while !env.step(1).isDone {}
/// print(env.lastEpisode!)            // EpisodeStatistics(episodeReturn: 8.0, length: 8)
/// ```
///
/// When a step ends an episode (terminated or truncated), `lastEpisode` is set, and the statistics
/// are appended to `history` (the most recent `historyLength`, like Gymnasium's `return_queue`).
public struct RecordEpisodeStatistics<Base: Environment>: Environment {
  /// The wrapped environment.
  public var base: Base
  /// Return of the current episode so far.
  public private(set) var currentReturn = 0.0
  /// Length of the current episode so far.
  public private(set) var currentLength = 0
  /// Statistics of the most recently finished episode.
  public private(set) var lastEpisode: EpisodeStatistics? = nil
  /// Statistics of recent finished episodes, oldest first.
  public private(set) var history: [EpisodeStatistics] = []
  /// How many episodes `history` keeps.
  public var historyLength: Int

  /// Wraps `base`.
  public init(_ base: Base, historyLength: Int = 100) {
    self.base = base
    self.historyLength = historyLength
  }

  /// Resets the wrapped environment and the running totals.
  public mutating func reset(seed: UInt64?) -> Base.Observation {
    currentReturn = 0
    currentLength = 0
    return base.reset(seed: seed)
  }

  /// Steps the wrapped environment, accumulating the reward.
  public mutating func step(_ action: Base.Action) -> Step<Base.Observation> {
    let s = base.step(action)
    currentReturn += s.reward
    currentLength += 1
    if s.terminated || s.truncated {
      let e = EpisodeStatistics(episodeReturn: currentReturn, length: currentLength)
      lastEpisode = e
      history.append(e)
      if history.count > historyLength { history.removeFirst(history.count - historyLength) }
      currentReturn = 0
      currentLength = 0
    }
    return s
  }
}

extension RecordEpisodeStatistics: Sendable where Base: Sendable, Base.Observation: Sendable {}
