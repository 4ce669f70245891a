/// The maze of S&B Example 8.1 (Dyna-Q): 6×9, start (2, 0), goal (0, 8), seven wall cells; reward
/// 1 on reaching the goal, 0 otherwise (use γ = 0.95). The shortest path takes 14 steps.
///
/// ```swift
/// var env = DynaMaze()
/// let s = env.reset(seed: 0)          // 18 = (2, 0)
/// let r = env.step(GridMove.up)       // moves into walls or off the grid leave the state unchanged
/// ```
public struct DynaMaze: TabularEnvironment {
  /// Rows.
  public static let rows = 6
  /// Columns.
  public static let cols = 9
  /// Start cell.
  public static let start = GridPosition(2, 0)
  /// Goal cell.
  public static let goal = GridPosition(0, 8)
  /// Wall cells (the book's figure).
  public static let walls: Set<GridPosition> = [
    GridPosition(1, 2), GridPosition(2, 2), GridPosition(3, 2), GridPosition(4, 5),
    GridPosition(0, 7), GridPosition(1, 7), GridPosition(2, 7),
  ]
  /// The sampling engine.
  public var _core: TabularCore

  /// Builds the maze (wall cells are states that are never reached).
  public init(maxEpisodeSteps: Int? = nil, seed: UInt64 = 0) {
    let R = Self.rows, C = Self.cols, g = Self.goal
    let P: [[[Transition]]] = (0..<(R * C)).map { s in
      let r = s / C, c = s % C
      if r == g.row && c == g.col {
        return Array(repeating: [Transition(probability: 1, nextState: s, reward: 0, terminated: true)], count: 4)
      }
      return (0..<4).map { a in
        let (dr, dc) = GridMove.deltas[a]
        var nr = r + dr, nc = c + dc
        if nr < 0 || nr >= R || nc < 0 || nc >= C || Self.walls.contains(GridPosition(nr, nc)) { nr = r; nc = c }
        let atGoal = nr == g.row && nc == g.col
        return [Transition(probability: 1, nextState: nr * C + nc, reward: atGoal ? 1 : 0, terminated: atGoal)]
      }
    }
    _core = TabularCore(
      model: TabularModel(P: P, initialStateDistribution: oneHot(Self.start.row * C + Self.start.col, R * C)),
      maxEpisodeSteps: maxEpisodeSteps, seed: seed)
  }
}
