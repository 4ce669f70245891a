/// CliffWalking-v1 (Gymnasium; S&B Example 6.6): 4×12, start bottom-left, goal bottom-right,
/// −1 per step, −100 and back to the start on stepping into the cliff (not terminal).
///
/// ```swift
/// var env = CliffWalking()
/// let s = env.reset(seed: 0)          // 36 = (3, 0)
/// let r = env.step(GridMove.up)       // actions: up 0, right 1, down 2, left 3
/// ```
///
/// No time limit (Gymnasium registers none). `isSlippery` gives Gymnasium's
/// CliffWalkingSlippery-v1 (intended move and the two perpendicular ones, 1/3 each).
public struct CliffWalking: TabularEnvironment {
  /// Gymnasium's action numbers.
  public static let up = 0, right = 1, down = 2, left = 3
  /// Rows.
  public static let rows = 4
  /// Columns.
  public static let cols = 12
  /// The start state, (3, 0).
  public static let startState = 36
  /// The goal state, (3, 11).
  public static let goalState = 47

  /// The sampling engine.
  public var _core: TabularCore

  /// Builds the cliff.
  public init(isSlippery: Bool = false, maxEpisodeSteps: Int? = nil, seed: UInt64 = 0) {
    let R = CliffWalking.rows, C = CliffWalking.cols
    func outcomes(_ r: Int, _ c: Int, _ move: Int) -> [Transition] {
      let moves = isSlippery ? [(move + 3) % 4, move, (move + 1) % 4] : [move]
      return moves.map { m in
        let (dr, dc) = GridMove.deltas[m]
        let nr = max(min(r + dr, R - 1), 0), nc = max(min(c + dc, C - 1), 0)
        let p = 1 / Double(moves.count)
        if nr == R - 1 && nc >= 1 && nc <= C - 2 {
          return Transition(probability: p, nextState: CliffWalking.startState, reward: -100, terminated: false)
        }
        return Transition(
          probability: p, nextState: nr * C + nc, reward: -1, terminated: nr == R - 1 && nc == C - 1)
      }
    }
    let P = (0..<(R * C)).map { s in (0..<4).map { a in outcomes(s / C, s % C, a) } }
    _core = TabularCore(
      model: TabularModel(P: P, initialStateDistribution: oneHot(CliffWalking.startState, R * C)),
      maxEpisodeSteps: maxEpisodeSteps, seed: seed)
  }
}
