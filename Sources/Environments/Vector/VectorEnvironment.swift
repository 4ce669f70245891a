/// What one `VectorEnvironment.step` returns for all copies.
public struct VectorStep<Observation> {
  /// Per copy: the observation to act on next. For a copy whose episode just ended this is the
  /// first observation of its new episode (same-step autoreset).
  public var observations: [Observation]
  /// Per copy: the reward of this step.
  public var rewards: [Double]
  /// Per copy: whether this step reached a terminal state.
  public var terminated: [Bool]
  /// Per copy: whether a time limit ended the episode at this step.
  public var truncated: [Bool]
  /// Per copy: the last observation of the episode that ended at this step (`nil` when it did not
  /// end). Bootstrap truncated episodes from this, not from `observations`.
  public var finalObservations: [Observation?]
  /// Per copy: return and length of the episode that ended at this step (`nil` when it did not end).
  public var episodes: [EpisodeStatistics?]
}

extension VectorStep: Sendable where Observation: Sendable {}

/// N copies of an environment stepped together, with automatic reset.
///
/// ```swift
/// var envs = VectorEnvironment(count: 4) { _ in CartPole() }
/// var obs = envs.reset(seed: 1)                 // copy i is seeded with 1 + i
/// let out = envs.step([0, 1, 1, 0])
/// ```
///
/// Autoreset is Gymnasium's **same-step** mode (`AutoresetMode.SAME_STEP`; also what Gymnasium
/// 0.29 and CleanRL's `final_observation` used): when copy `i`'s episode ends at a step,
/// `terminated[i]`/`truncated[i]` and `rewards[i]` describe that last transition,
/// `finalObservations[i]` holds its last observation, `episodes[i]` its return and length, and
/// `observations[i]` is already the first observation of the next episode, started with
/// `reset(seed: nil)` (continuing that copy's own random stream). Every action in `step` is
/// therefore applied; no step is spent on resetting (unlike Gymnasium 1.x's default next-step mode).
public struct VectorEnvironment<Env: Environment> {
  /// The copies.
  public var envs: [Env]
  var returns: [Double]
  var lengths: [Int]

  /// Makes `count` copies with `make(i)`.
  public init(count: Int, make: (Int) -> Env) {
    precondition(count > 0, "VectorEnvironment: count must be positive")
    envs = (0..<count).map(make)
    returns = Array(repeating: 0, count: count)
    lengths = Array(repeating: 0, count: count)
  }

  /// Number of copies.
  public var count: Int { envs.count }

  /// Resets every copy; with a seed, copy `i` gets `seed + i` (as Gymnasium's vector envs do).
  public mutating func reset(seed: UInt64?) -> [Env.Observation] {
    for i in returns.indices { returns[i] = 0; lengths[i] = 0 }
    return envs.indices.map { i in envs[i].reset(seed: seed.map { $0 &+ UInt64(i) }) }
  }

  /// Steps copy `i` with `actions[i]`, resetting copies whose episodes end (same-step autoreset).
  public mutating func step(_ actions: [Env.Action]) -> VectorStep<Env.Observation> {
    precondition(actions.count == envs.count, "VectorEnvironment: \(actions.count) actions for \(envs.count) copies")
    var out = VectorStep<Env.Observation>(
      observations: [], rewards: [], terminated: [], truncated: [],
      finalObservations: Array(repeating: nil, count: envs.count),
      episodes: Array(repeating: nil, count: envs.count))
    out.observations.reserveCapacity(envs.count)
    for i in envs.indices {
      let s = envs[i].step(actions[i])
      returns[i] += s.reward
      lengths[i] += 1
      out.rewards.append(s.reward)
      out.terminated.append(s.terminated)
      out.truncated.append(s.truncated)
      if s.terminated || s.truncated {
        out.finalObservations[i] = s.observation
        out.episodes[i] = EpisodeStatistics(episodeReturn: returns[i], length: lengths[i])
        returns[i] = 0
        lengths[i] = 0
        out.observations.append(envs[i].reset(seed: nil))
      } else {
        out.observations.append(s.observation)
      }
    }
    return out
  }
}

extension VectorEnvironment: Sendable where Env: Sendable {}
