/// A cell of a grid world, counted from the top-left: `GridCell(row: 0, col: 0)` is the corner.
public struct GridCell: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// Row, from the top.
  public var row: Int
  /// Column, from the left.
  public var col: Int

  /// Creates a cell reference.
  public init(row: Int, col: Int) {
    self.row = row
    self.col = col
  }

  /// Row-major order, so sets of cells print deterministically.
  public static func < (a: GridCell, b: GridCell) -> Bool { (a.row, a.col) < (b.row, b.col) }

  /// "(row, col)".
  public var description: String { "(\(row), \(col))" }
}

/// A policy arrow in a grid-world cell; several in one cell show ties.
public enum GridArrow: Sendable, Hashable, CaseIterable {
  /// Towards row - 1.
  case up
  /// Towards row + 1.
  case down
  /// Towards col - 1.
  case left
  /// Towards col + 1.
  case right

  /// Unit direction in screen coordinates (y grows downwards).
  var delta: (dx: Double, dy: Double) {
    switch self {
    case .up: (0, -1)
    case .down: (0, 1)
    case .left: (-1, 0)
    case .right: (1, 0)
    }
  }
}
