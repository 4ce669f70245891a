/// The windy grid world of S&B Example 6.5: 7×10, start (3, 0), goal (3, 7), an upward wind of
/// 0 0 0 1 1 1 2 2 1 0 by column, −1 per step. The shortest episode takes 15 steps.
///
/// ```swift
/// var env = WindyGridworld()
/// let s = env.reset(seed: 0)          // 30 = (3, 0)
/// let r = env.step(GridMove.right)    // actions: up 0, right 1, down 2, left 3
/// ```
///
/// The wind of the column the agent is leaving pushes it up; moves are clipped at the edges (as in
/// the book's reference code).
public struct WindyGridworld: TabularEnvironment {
  /// Rows.
  public static let rows = 7
  /// Columns.
  public static let cols = 10
  /// Upward wind strength by column.
  public static let wind = [0, 0, 0, 1, 1, 1, 2, 2, 1, 0]
  /// Start cell.
  public static let start = GridPosition(3, 0)
  /// Goal cell.
  public static let goal = GridPosition(3, 7)
  /// The sampling engine.
  public var _core: TabularCore

  /// Builds the grid.
  public init(maxEpisodeSteps: Int? = nil, seed: UInt64 = 0) {
    let R = Self.rows, C = Self.cols
    let model = TabularModel.deterministicGrid(
      rows: R, cols: C, start: Self.start, goal: Self.goal,
      move: { r, c, a in
        let (dr, dc) = GridMove.deltas[a]
        return GridPosition(max(min(r + dr - Self.wind[c], R - 1), 0), max(min(c + dc, C - 1), 0))
      },
      reward: { _ in -1 })
    _core = TabularCore(
      model: model,
      maxEpisodeSteps: maxEpisodeSteps, seed: seed)
  }
}
