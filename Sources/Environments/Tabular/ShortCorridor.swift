/// The short corridor with switched actions of S&B Example 13.1.
///
/// ```swift
/// var env = ShortCorridor()
/// let s = env.reset(seed: 0)               // 0
/// let r = env.step(ShortCorridor.right)    // −1 per step; state 3 is terminal
/// ```
///
/// Three non-terminal states 0, 1, 2 and the terminal 3. Right (1) moves right and left (0) moves
/// left, except in state 1 where they are reversed; left in state 0 stays put. The best
/// state-independent stochastic policy picks right with probability 2 − √2 ≈ 0.586, v(0) ≈ −11.6.
public struct ShortCorridor: TabularEnvironment {
  /// Action numbers.
  public static let left = 0, right = 1
  /// The sampling engine.
  public var _core: TabularCore

  /// Builds the corridor.
  public init(maxEpisodeSteps: Int? = nil, seed: UInt64 = 0) {
    func to(_ ns: Int) -> [Transition] {
      [Transition(probability: 1, nextState: ns, reward: -1, terminated: ns == 3)]
    }
    let P: [[[Transition]]] = [
      [to(0), to(1)],
      [to(2), to(0)],
      [to(1), to(3)],
      [[Transition(probability: 1, nextState: 3, reward: 0, terminated: true)],
       [Transition(probability: 1, nextState: 3, reward: 0, terminated: true)]],
    ]
    _core = TabularCore(
      model: TabularModel(P: P, initialStateDistribution: oneHot(0, 4)), maxEpisodeSteps: maxEpisodeSteps, seed: seed)
  }
}
