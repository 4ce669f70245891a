// The intermediate tree between the parser and the MathML writer. One case per MathML construct.

/// An `<mo>` with the attributes we set explicitly; `nil` means "leave it to the operator dictionary".
struct Operator: Equatable, Sendable {
  var text: String
  var stretchy: Bool? = nil
  var largeop: Bool? = nil
  var movablelimits: Bool? = nil
  var form: String? = nil
  var lspace: String? = nil
  var rspace: String? = nil
  var minsize: String? = nil
  var maxsize: String? = nil
  var accent: Bool? = nil
}

/// Per-style overrides carried by `<mstyle>` (display/text style, colour).
struct Style: Equatable, Sendable {
  var displaystyle: Bool? = nil
  var scriptlevel: Int? = nil
  var color: String? = nil
}

/// How scripts attach to a base: beside it (`msub`), or under/over it (`munder`).
enum ScriptPlacement: Equatable, Sendable {
  case beside
  /// Under/over, letting the renderer move them beside in text style (`movablelimits`).
  case movable
  /// Under/over in every style (`\limits`, `\underbrace`).
  case always
}

enum ColumnAlign: String, Equatable, Sendable {
  case left, center, right
}

struct TableRow: Equatable, Sendable {
  var cells: [MathNode]
  var lineAbove = false
  var tag: MathNode? = nil
}

struct Table: Equatable, Sendable {
  var rows: [TableRow]
  var align: [ColumnAlign]
  /// Columns with a vertical rule on their left (array `|` specs); index == count means a rule after the last.
  var ruleBefore: Set<Int> = []
  var displaystyle = false
  /// `aligned`-style columns: right/left pairs with no gap inside a pair and 2em between pairs.
  var alignedPairs = false
  /// Left padding of every column but the first; "0.5em" keeps the browser's default cell padding.
  var columnGap = "0.5em"
}

indirect enum MathNode: Equatable, Sendable {
  case row([MathNode])
  /// `<mi>`; `upright` adds `mathvariant="normal"` (only meaningful for one character).
  case identifier(String, upright: Bool)
  case number(String)
  case op(Operator)
  /// A named function such as `log` or `clip`; `limits` renders it as a movable-limits `<mo>` (`\max`).
  case function(String, limits: Bool)
  case text(String, css: String?)
  case space(String)
  case negativeSpace(String)
  case fraction(MathNode, MathNode, thickness: String?, style: Bool?)
  case sqrt(MathNode)
  case root(MathNode, index: MathNode)
  case scripts(base: MathNode, sub: MathNode?, sup: MathNode?, placement: ScriptPlacement)
  case under(MathNode, MathNode, accent: Bool)
  case over(MathNode, MathNode, accent: Bool)
  case table(Table)
  case styled(Style, MathNode)
  case phantom(MathNode)
  /// A row with inline CSS: `\boxed` (border), `\overline` (border-top), `\underline`.
  case decorated(MathNode, css: String)
  /// Source that could not be understood, shown red inside `<merror>`.
  case error(String)
}

extension MathNode {
  static let empty = MathNode.row([])

  /// Wraps several nodes in one row, or returns the single node as is.
  static func group(_ nodes: [MathNode]) -> MathNode {
    nodes.count == 1 ? nodes[0] : .row(nodes)
  }

  /// True when this node (or the base it is built on) is an operator `<mo>`.
  var isOperator: Bool {
    switch self {
    case .op: return true
    case .row(let nodes): return nodes.first?.isOperator ?? false
    case .scripts(let base, _, _, _): return base.isOperator
    default: return false
    }
  }

  /// True for function names that want a thin space before an ordinary argument (`\log x`).
  var isFunction: Bool {
    switch self {
    case .function: return true
    case .scripts(let base, _, _, _): return base.isFunction
    case .under(let base, _, _), .over(let base, _, _): return base.isFunction
    default: return false
    }
  }
}
