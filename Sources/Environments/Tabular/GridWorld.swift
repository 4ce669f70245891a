/// A configurable deterministic grid world: Sutton & Barto's 4×4 (Example 4.1) and 5×5 with A/B
/// teleports (Example 3.5) are presets.
///
/// ```swift
/// var env = GridWorld.suttonBarto4x4()
/// let s = env.reset(seed: 0)                 // uniform over non-terminal cells
/// let r = env.step(GridMove.left)            // −1 per step; corners are terminal
/// ```
///
/// States are `row * cols + col`; actions are `GridMove` (up 0, right 1, down 2, left 3). A move off
/// the grid leaves the state unchanged with `offGridReward`; every other move gives `stepReward`,
/// unless the cell is a teleport source (every action jumps to its target with its reward).
/// Terminal cells self-loop with reward 0 and `terminated`.
public struct GridWorld: TabularEnvironment {
  /// From `from`, every action moves to `to` with `reward` (S&B's A → A′, B → B′).
  public struct Teleport: Sendable, Hashable {
    /// Source cell.
    public var from: GridPosition
    /// Target cell.
    public var to: GridPosition
    /// Reward for the jump.
    public var reward: Double
    /// Creates a teleport.
    public init(from: GridPosition, to: GridPosition, reward: Double) {
      self.from = from; self.to = to; self.reward = reward
    }
  }

  /// The sampling engine.
  public var _core: TabularCore
  /// Number of rows.
  public let rows: Int
  /// Number of columns.
  public let cols: Int
  /// Terminal cells.
  public let terminals: Set<GridPosition>

  /// Builds a grid world. `start` nil: episodes start uniformly over the non-terminal cells.
  public init(
    rows: Int, cols: Int, terminals: [GridPosition] = [], teleports: [Teleport] = [],
    stepReward: Double = -1, offGridReward: Double? = nil, start: GridPosition? = nil,
    maxEpisodeSteps: Int? = nil, seed: UInt64 = 0
  ) {
    self.rows = rows; self.cols = cols
    let terms = Set(terminals)
    self.terminals = terms
    var P: [[[Transition]]] = []
    for r in 0..<rows {
      for c in 0..<cols {
        let s = r * cols + c
        P.append((0..<4).map { a -> [Transition] in
          if terms.contains(GridPosition(r, c)) {
            return [Transition(probability: 1, nextState: s, reward: 0, terminated: true)]
          }
          if let t = teleports.first(where: { $0.from == GridPosition(r, c) }) {
            let ns = t.to.row * cols + t.to.col
            return [Transition(probability: 1, nextState: ns, reward: t.reward, terminated: terms.contains(t.to))]
          }
          let (dr, dc) = GridMove.deltas[a]
          let nr = r + dr, nc = c + dc
          if nr < 0 || nr >= rows || nc < 0 || nc >= cols {
            return [Transition(probability: 1, nextState: s, reward: offGridReward ?? stepReward, terminated: false)]
          }
          let np = GridPosition(nr, nc)
          return [Transition(probability: 1, nextState: nr * cols + nc, reward: stepReward, terminated: terms.contains(np))]
        })
      }
    }
    var isd: [Double]
    if let start {
      isd = oneHot(start.row * cols + start.col, rows * cols)
    } else {
      isd = (0..<(rows * cols)).map { terms.contains(GridPosition($0 / cols, $0 % cols)) ? 0 : 1 }
      let n = isd.reduce(0, +)
      isd = isd.map { $0 / n }
    }
    _core = TabularCore(
      model: TabularModel(P: P, initialStateDistribution: isd), maxEpisodeSteps: maxEpisodeSteps, seed: seed)
  }

  /// S&B Example 4.1: 4×4, terminals (0,0) and (3,3), −1 per step (also off the grid), γ = 1.
  public static func suttonBarto4x4(seed: UInt64 = 0) -> GridWorld {
    GridWorld(rows: 4, cols: 4, terminals: [GridPosition(0, 0), GridPosition(3, 3)], stepReward: -1, seed: seed)
  }

  /// S&B Example 3.5: 5×5 continuing task (use γ = 0.9); A(0,1) → A′(4,1) +10, B(0,3) → B′(2,3) +5,
  /// −1 for moves off the grid, 0 otherwise.
  public static func suttonBarto5x5(seed: UInt64 = 0) -> GridWorld {
    GridWorld(
      rows: 5, cols: 5,
      teleports: [
        Teleport(from: GridPosition(0, 1), to: GridPosition(4, 1), reward: 10),
        Teleport(from: GridPosition(0, 3), to: GridPosition(2, 3), reward: 5),
      ],
      stepReward: 0, offGridReward: -1, seed: seed)
  }
}
