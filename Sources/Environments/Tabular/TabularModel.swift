import LoomRandom

/// One possible outcome of taking an action in a state: Gymnasium toy-text's
/// `(prob, next_state, reward, terminated)`.
public struct Transition: Sendable, Hashable {
  /// Probability of this outcome.
  public var probability: Double
  /// The state it leads to.
  public var nextState: Int
  /// The reward received.
  public var reward: Double
  /// Whether `nextState` ends the episode.
  public var terminated: Bool

  /// Creates a transition.
  public init(probability: Double, nextState: Int, reward: Double, terminated: Bool) {
    self.probability = probability
    self.nextState = nextState
    self.reward = reward
    self.terminated = terminated
  }
}

/// The full model of a finite MDP, for dynamic programming.
///
/// ```swift
/// let m = FrozenLake().model
/// for t in m.P[0][2] { print(t.probability, t.nextState, t.reward, t.terminated) }
/// ```
///
/// `P[s][a]` lists the outcomes of action `a` in state `s`, in Gymnasium's order (outcomes that
/// lead to the same state are listed separately, as Gymnasium does). Terminal states have
/// `P[s][a] == [Transition(probability: 1, nextState: s, reward: 0, terminated: true)]`, so a Bellman
/// backup `Σ p (r + γ v(s′) (1 − terminated))` gives them value 0.
public struct TabularModel: Sendable, Hashable {
  /// Number of states.
  public let numStates: Int
  /// Number of actions (the same in every state).
  public let numActions: Int
  /// `P[s][a]`: the outcomes of action `a` in state `s`.
  public let P: [[[Transition]]]
  /// Probability that an episode starts in each state.
  public let initialStateDistribution: [Double]

  /// Creates a model; checks shapes and that each `P[s][a]` sums to 1.
  public init(P: [[[Transition]]], initialStateDistribution: [Double]) {
    precondition(!P.isEmpty, "TabularModel: no states")
    numStates = P.count
    numActions = P[0].count
    precondition(initialStateDistribution.count == numStates, "TabularModel: isd has wrong length")
    for (s, row) in P.enumerated() {
      precondition(row.count == numActions, "TabularModel: state \(s) has \(row.count) actions")
      for (a, ts) in row.enumerated() {
        let total = ts.reduce(0) { $0 + $1.probability }
        precondition(abs(total - 1) < 1e-9, "TabularModel: P[\(s)][\(a)] sums to \(total)")
      }
    }
    self.P = P
    self.initialStateDistribution = initialStateDistribution
  }

  /// Expected immediate reward of action `a` in state `s`.
  public func expectedReward(_ s: Int, _ a: Int) -> Double {
    P[s][a].reduce(0) { $0 + $1.probability * $1.reward }
  }

  /// One Bellman backup: `Σ p (r + γ v(s′))` over the outcomes, with `v(s′)` dropped when terminated.
  public func actionValue(_ s: Int, _ a: Int, values v: [Double], gamma: Double) -> Double {
    P[s][a].reduce(0) { $0 + $1.probability * ($1.reward + ($1.terminated ? 0 : gamma * v[$1.nextState])) }
  }
}

/// Sampling engine shared by the tabular environments (an implementation detail; use the
/// environment's own API).
public struct TabularCore: Sendable {
  /// The model being sampled.
  public let model: TabularModel
  /// The current state.
  public var state: Int
  /// The episode time limit.
  public var timeLimit: TimeLimit
  var rng: SeededGenerator

  /// Creates the engine and draws a start state from `seed`.
  public init(model: TabularModel, maxEpisodeSteps: Int?, seed: UInt64) {
    self.model = model
    self.timeLimit = TimeLimit(maxEpisodeSteps)
    self.rng = SeededGenerator(seed: seed)
    self.state = 0
    _ = reset(seed: nil)
  }

  /// Draws a start state from the initial-state distribution.
  public mutating func reset(seed: UInt64?) -> Int {
    if let seed { rng = SeededGenerator(seed: seed) }
    let isd = model.initialStateDistribution
    state = isd.count(where: { $0 > 0 }) == 1 ? isd.firstIndex(where: { $0 > 0 })! : rng.categorical(isd)
    timeLimit.restart()
    return state
  }

  /// Samples an outcome of `action` from `P[state][action]`.
  public mutating func step(_ action: Int) -> Step<Int> {
    precondition(action >= 0 && action < model.numActions, "action \(action) out of range 0..<\(model.numActions)")
    let ts = model.P[state][action]
    let t = ts.count == 1 ? ts[0] : ts[rng.categorical(ts.map(\.probability))]
    state = t.nextState
    let truncated = timeLimit.tick()
    return Step(observation: t.nextState, reward: t.reward, terminated: t.terminated, truncated: truncated)
  }
}

/// A finite MDP environment whose full model is available (Gymnasium toy-text style).
///
/// ```swift
/// var env = CliffWalking()
/// let s0 = env.reset(seed: 1)
/// let outcomes = env.P[s0][CliffWalking.right]   // [Transition]
/// ```
public protocol TabularEnvironment: Environment, Sendable where Observation == Int, Action == Int {
  /// The sampling engine (implementation detail; read `model`, `state`, `timeLimit` instead).
  var _core: TabularCore { get set }
}

extension TabularEnvironment {
  /// The full transition model.
  public var model: TabularModel { _core.model }
  /// `P[s][a]`: outcomes of action `a` in state `s`.
  public var P: [[[Transition]]] { _core.model.P }
  /// Number of states.
  public var numStates: Int { _core.model.numStates }
  /// Number of actions.
  public var numActions: Int { _core.model.numActions }
  /// The current state; settable to start from any state (the step counter is untouched).
  public var state: Int {
    get { _core.state }
    set {
      precondition(newValue >= 0 && newValue < numStates, "state \(newValue) out of range")
      _core.state = newValue
    }
  }
  /// The episode time limit.
  public var timeLimit: TimeLimit {
    get { _core.timeLimit }
    set { _core.timeLimit = newValue }
  }
  /// Starts an episode in a state drawn from the initial-state distribution.
  public mutating func reset(seed: UInt64?) -> Int { _core.reset(seed: seed) }
  /// Samples the outcome of `action` from `P[state][action]`.
  public mutating func step(_ action: Int) -> Step<Int> { _core.step(action) }
}

/// A (row, column) cell of a grid world; row 0 is the top.
public struct GridPosition: Sendable, Hashable {
  /// Row, 0 at the top.
  public var row: Int
  /// Column, 0 at the left.
  public var col: Int
  /// Creates a position.
  public init(_ row: Int, _ col: Int) { self.row = row; self.col = col }
}

/// Action numbering of the grid worlds in this module other than FrozenLake (Gymnasium's
/// CliffWalking order): up 0, right 1, down 2, left 3.
public enum GridMove {
  /// Move up (row − 1).
  public static let up = 0
  /// Move right (col + 1).
  public static let right = 1
  /// Move down (row + 1).
  public static let down = 2
  /// Move left (col − 1).
  public static let left = 3
  /// (Δrow, Δcol) for each action.
  public static let deltas: [(Int, Int)] = [(-1, 0), (0, 1), (1, 0), (0, -1)]
}

func oneHot(_ i: Int, _ n: Int) -> [Double] {
  var v = [Double](repeating: 0, count: n)
  v[i] = 1
  return v
}

extension TabularModel {
  /// A deterministic grid world with one absorbing goal: states are `row * cols + col`, actions are
  /// the four `GridMove`s, and `move(row, col, action)` gives the cell an action leads to (walls,
  /// wind and edges are the caller's rule). The goal self-loops with reward 0 and `terminated`.
  static func deterministicGrid(
    rows: Int, cols: Int, start: GridPosition, goal: GridPosition,
    move: (Int, Int, Int) -> GridPosition, reward: (_ reachesGoal: Bool) -> Double
  ) -> TabularModel {
    let P: [[[Transition]]] = (0..<(rows * cols)).map { s in
      let r = s / cols, c = s % cols
      if r == goal.row && c == goal.col {
        return Array(repeating: [Transition(probability: 1, nextState: s, reward: 0, terminated: true)], count: 4)
      }
      return (0..<4).map { a in
        let next = move(r, c, a)
        let atGoal = next == goal
        return [Transition(probability: 1, nextState: next.row * cols + next.col, reward: reward(atGoal), terminated: atGoal)]
      }
    }
    return TabularModel(P: P, initialStateDistribution: oneHot(start.row * cols + start.col, rows * cols))
  }
}
