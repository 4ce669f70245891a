/// The random walk of S&B Example 6.2 (5 states A–E) and Example 7.1 (19 states): a Markov reward
/// process, so the action is ignored (pass 0).
///
/// ```swift
/// var env = RandomWalk.fiveState()
/// let s = env.reset(seed: 0)     // 3 = C (state 0 and 6 are the terminals)
/// let r = env.step(0)            // left or right with probability 1/2 each
/// ```
///
/// States are 0 (left terminal), 1…n (the non-terminal states, A = 1) and n + 1 (right terminal).
/// Episodes start in the middle state. Exiting left gives `leftReward`, right `rightReward`, all
/// else 0. True values (γ = 1): 1/6…5/6 for the 5-state walk, −0.9…0.9 for the 19-state walk.
public struct RandomWalk: TabularEnvironment {
  /// The sampling engine.
  public var _core: TabularCore
  /// Number of non-terminal states.
  public let nonterminalStates: Int

  /// Builds a walk with `n` (odd) non-terminal states.
  public init(nonterminalStates n: Int = 5, leftReward: Double = 0, rightReward: Double = 1, seed: UInt64 = 0) {
    precondition(n >= 1 && n % 2 == 1, "RandomWalk: the number of non-terminal states must be odd")
    nonterminalStates = n
    let P: [[[Transition]]] = (0..<(n + 2)).map { s in
      if s == 0 || s == n + 1 { return [[Transition(probability: 1, nextState: s, reward: 0, terminated: true)]] }
      func to(_ ns: Int) -> Transition {
        Transition(
          probability: 0.5, nextState: ns, reward: ns == 0 ? leftReward : (ns == n + 1 ? rightReward : 0),
          terminated: ns == 0 || ns == n + 1)
      }
      return [[to(s - 1), to(s + 1)]]
    }
    _core = TabularCore(
      model: TabularModel(P: P, initialStateDistribution: oneHot((n + 1) / 2, n + 2)), maxEpisodeSteps: nil,
      seed: seed)
  }

  /// S&B Example 6.2: A–E, reward 1 only for exiting right.
  public static func fiveState(seed: UInt64 = 0) -> RandomWalk { RandomWalk(seed: seed) }
  /// S&B Example 7.1: 19 states, −1 for exiting left, +1 right.
  public static func nineteenState(seed: UInt64 = 0) -> RandomWalk {
    RandomWalk(nonterminalStates: 19, leftReward: -1, rightReward: 1, seed: seed)
  }
}
