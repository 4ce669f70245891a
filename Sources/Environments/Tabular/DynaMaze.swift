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
    let R = Self.rows, C = Self.cols
    let model = TabularModel.deterministicGrid(
      rows: R, cols: C, start: Self.start, goal: Self.goal,
      move: { r, c, a in
        let (dr, dc) = GridMove.deltas[a]
        let next = GridPosition(r + dr, c + dc)
        let blocked = next.row < 0 || next.row >= R || next.col < 0 || next.col >= C || Self.walls.contains(next)
        return blocked ? GridPosition(r, c) : next
      },
      reward: { $0 ? 1 : 0 })
    _core = TabularCore(
      model: model,
      maxEpisodeSteps: maxEpisodeSteps, seed: seed)
  }
}
