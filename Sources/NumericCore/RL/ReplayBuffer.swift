/// A fixed-capacity ring buffer of transitions for off-policy learning (DQN, SAC), sampled
/// uniformly with a `SeededGenerator`.
///
/// ```swift
/// var buffer = ReplayBuffer(capacity: 100_000, observationSize: 3, actionSize: 1)
/// buffer.add(observation: s, action: a, reward: r, nextObservation: s2, terminated: done)
/// let batch = buffer.sample(256, using: &rng)   // batch.observations: [256, 3] …
/// ```
public struct ReplayBuffer: Sendable {
  /// A sampled minibatch as tensors.
  public struct Batch {
    /// `[n, observationSize]`.
    public let observations: Tensor
    /// `[n, actionSize]` (discrete actions are stored as one float).
    public let actions: Tensor
    /// `[n]`.
    public let rewards: Tensor
    /// `[n, observationSize]`.
    public let nextObservations: Tensor
    /// `[n]`, 1 where the next observation is terminal (bootstrap with `1 − terminated`).
    public let terminated: Tensor
    /// The row indices drawn.
    public let indices: [Int]
  }

  /// Maximum number of transitions kept; older ones are overwritten.
  public let capacity: Int
  /// Observation width.
  public let observationSize: Int
  /// Action width.
  public let actionSize: Int
  var obs: [Float], act: [Float], rew: [Float], next: [Float], term: [Float]
  var position = 0
  /// Transitions currently stored.
  public private(set) var count = 0

  /// An empty buffer.
  public init(capacity: Int, observationSize: Int, actionSize: Int = 1) {
    self.capacity = capacity
    self.observationSize = observationSize
    self.actionSize = actionSize
    obs = [Float](repeating: 0, count: capacity * observationSize)
    next = obs
    act = [Float](repeating: 0, count: capacity * actionSize)
    rew = [Float](repeating: 0, count: capacity)
    term = rew
  }

  /// Stores one transition (truncated transitions are stored with `terminated: false`).
  public mutating func add(
    observation: [Float], action: [Float], reward: Float, nextObservation: [Float], terminated: Bool
  ) {
    ensure(
      observation.count == observationSize && nextObservation.count == observationSize
        && action.count == actionSize, "ReplayBuffer.add: sizes do not match the buffer")
    let i = position
    for j in 0..<observationSize {
      obs[i * observationSize + j] = observation[j]
      next[i * observationSize + j] = nextObservation[j]
    }
    for j in 0..<actionSize { act[i * actionSize + j] = action[j] }
    rew[i] = reward
    term[i] = terminated ? 1 : 0
    position = (position + 1) % capacity
    count = Swift.min(count + 1, capacity)
  }

  /// `n` transitions drawn uniformly with replacement.
  public func sample(_ n: Int, using rng: inout SeededGenerator) -> Batch {
    ensure(count > 0, "ReplayBuffer.sample: buffer is empty")
    let idx = (0..<n).map { _ in rng.int(below: count) }
    func rows(_ src: [Float], _ w: Int) -> [Float] {
      var out = [Float](repeating: 0, count: n * w)
      for (k, i) in idx.enumerated() { for j in 0..<w { out[k * w + j] = src[i * w + j] } }
      return out
    }
    return Batch(
      observations: Tensor(rows(obs, observationSize), shape: [n, observationSize]),
      actions: Tensor(rows(act, actionSize), shape: [n, actionSize]),
      rewards: Tensor(rows(rew, 1), shape: [n]),
      nextObservations: Tensor(rows(next, observationSize), shape: [n, observationSize]),
      terminated: Tensor(rows(term, 1), shape: [n]), indices: idx)
  }
}
