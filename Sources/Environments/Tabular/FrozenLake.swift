/// FrozenLake-v1 (4×4) and FrozenLake8x8-v1 with Gymnasium's maps, exact transition table and time
/// limits (100 and 200 steps).
///
/// ```swift
/// var env = FrozenLake(map: .map4x4)       // slippery by default
/// let s = env.reset(seed: 0)               // 0 (top-left "S")
/// let r = env.step(FrozenLake.right)       // slides to an intended/perpendicular cell, 1/3 each
/// ```
///
/// States are `row * ncol + col`; actions are Gymnasium's left 0, down 1, right 2, up 3. Reward 1 on
/// reaching G; H and G are terminal. When slippery, each action moves in the intended direction with
/// probability `successRate` (1/3) and in each perpendicular direction with `(1 − successRate)/2`
/// (in floating point, 0.33333333333333337 — Gymnasium's table, bit for bit).
public struct FrozenLake: TabularEnvironment {
  /// Gymnasium's action numbers.
  public static let left = 0, down = 1, right = 2, up = 3

  /// A FrozenLake map: rows of S (start), F (frozen), H (hole), G (goal).
  public struct Map: Sendable, Hashable {
    /// The rows.
    public var rows: [String]
    /// Creates a map from its rows.
    public init(_ rows: [String]) { self.rows = rows }
    /// Gymnasium's "4x4".
    public static let map4x4 = Map(["SFFF", "FHFH", "FFFH", "HFFG"])
    /// Gymnasium's "8x8".
    public static let map8x8 = Map([
      "SFFFFFFF", "FFFFFFFF", "FFFHFFFF", "FFFFFHFF", "FFFHFFFF", "FHHFFFHF", "FHFFHFHF", "FFFHFFFG",
    ])
  }

  /// The sampling engine.
  public var _core: TabularCore
  /// The map.
  public let map: Map
  /// Number of rows.
  public let nrow: Int
  /// Number of columns.
  public let ncol: Int

  /// Builds the lake. `maxEpisodeSteps` nil means Gymnasium's registered limit (100 for 4×4, 200 for
  /// 8×8, none for other maps); pass a number to override it, or `.some(nil)` for no limit.
  public init(
    map: Map = .map4x4, isSlippery: Bool = true, successRate: Double = 1.0 / 3.0,
    maxEpisodeSteps: Int?? = nil, seed: UInt64 = 0
  ) {
    let desc = map.rows.map { Array($0) }
    let nrow = desc.count, ncol = desc[0].count
    self.map = map; self.nrow = nrow; self.ncol = ncol
    let failRate = (1.0 - successRate) / 2.0
    func move(_ r: Int, _ c: Int, _ a: Int) -> (Int, Int) {
      switch a {
      case 0: return (r, max(c - 1, 0))
      case 1: return (min(r + 1, nrow - 1), c)
      case 2: return (r, min(c + 1, ncol - 1))
      default: return (max(r - 1, 0), c)
      }
    }
    func outcome(_ p: Double, _ r: Int, _ c: Int, _ a: Int) -> Transition {
      let (nr, nc) = move(r, c, a)
      let letter = desc[nr][nc]
      return Transition(
        probability: p, nextState: nr * ncol + nc, reward: letter == "G" ? 1 : 0,
        terminated: letter == "G" || letter == "H")
    }
    var P: [[[Transition]]] = []
    var isd: [Double] = []
    for r in 0..<nrow {
      for c in 0..<ncol {
        let s = r * ncol + c
        isd.append(desc[r][c] == "S" ? 1 : 0)
        P.append((0..<4).map { a -> [Transition] in
          if desc[r][c] == "G" || desc[r][c] == "H" {
            return [Transition(probability: 1, nextState: s, reward: 0, terminated: true)]
          }
          if !isSlippery { return [outcome(1, r, c, a)] }
          return [(a + 3) % 4, a, (a + 1) % 4].map { b in
            outcome(b == a ? successRate : failRate, r, c, b)
          }
        })
      }
    }
    let total = isd.reduce(0, +)
    isd = isd.map { $0 / total }
    let defaultLimit: Int? = map == .map4x4 ? 100 : (map == .map8x8 ? 200 : nil)
    _core = TabularCore(
      model: TabularModel(P: P, initialStateDistribution: isd),
      maxEpisodeSteps: maxEpisodeSteps ?? defaultLimit, seed: seed)
  }

  /// The map letter at a state.
  public func letter(at state: Int) -> Character {
    Array(map.rows[state / ncol])[state % ncol]
  }
}
