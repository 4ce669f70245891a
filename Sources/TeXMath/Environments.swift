// \begin{…}…\end{…}: matrices, cases, aligned and arrays, plus the top level, which may hold
// `&` and `\\` as if it were an aligned environment.

extension Parser {
  private enum Kind {
    case matrix(open: String, close: String)
    case cases(open: String, close: String)
    case aligned
    case gathered
    case plain
    case array
  }

  private static let kinds: [String: Kind] = [
    "matrix": .matrix(open: "", close: ""), "pmatrix": .matrix(open: "(", close: ")"),
    "bmatrix": .matrix(open: "[", close: "]"), "Bmatrix": .matrix(open: "{", close: "}"),
    "vmatrix": .matrix(open: "|", close: "|"), "Vmatrix": .matrix(open: "‖", close: "‖"),
    "smallmatrix": .matrix(open: "", close: ""),
    "cases": .cases(open: "{", close: ""), "dcases": .cases(open: "{", close: ""),
    "rcases": .cases(open: "", close: "}"),
    "aligned": .aligned, "align": .aligned, "align*": .aligned, "alignat": .aligned,
    "alignat*": .aligned, "alignedat": .aligned, "split": .aligned, "flalign": .aligned,
    "flalign*": .aligned, "eqnarray": .aligned, "eqnarray*": .aligned,
    "gathered": .gathered, "gather": .gathered, "gather*": .gathered, "multline": .gathered,
    "multline*": .gathered,
    "equation": .plain, "equation*": .plain, "displaymath": .plain, "math": .plain,
    "array": .array, "darray": .array, "subarray": .array,
  ]

  mutating func parseEnvironment(_ begin: Token) -> MathNode {
    let name = readRawArgument().filter { $0 != " " }
    guard enter() else {
      return skipRest(Stops.end)
    }
    defer { leave() }
    guard let kind = Parser.kinds[name] else {
      problem("unknown environment \"\(name)\" at offset \(begin.start)")
      let rows = parseTableBody(name)
      return .row([.error("\\begin{\(name)}"), .table(Table(rows: rows, align: []))])
    }
    switch kind {
    case .plain:
      let rows = parseTableBody(name)
      if rows.count == 1, rows[0].cells.count == 1, rows[0].tag == nil { return rows[0].cells[0] }
      return .table(gatheredTable(rows))
    case .matrix(let open, let close):
      var table = Table(rows: parseTableBody(name), align: [])
      if name == "smallmatrix" {
        table.columnGap = "0.2em"
        return .styled(Style(scriptlevel: 1), .table(table))
      }
      return delimited(open, .table(table), close)
    case .cases(let open, let close):
      let table = Table(
        rows: parseTableBody(name), align: [.left, .left], displaystyle: name == "dcases",
        columnGap: "0.5em")
      return delimited(open, .table(table), close)
    case .aligned:
      if name.hasPrefix("alignat") || name == "alignedat" { _ = readRawArgument() }
      return .table(alignedTable(parseTableBody(name)))
    case .gathered:
      return .table(gatheredTable(parseTableBody(name)))
    case .array:
      let spec = readRawArgument()
      var align: [ColumnAlign] = []
      var rules: Set<Int> = []
      for c in spec {
        switch c {
        case "l": align.append(.left)
        case "r": align.append(.right)
        case "c", "p", "m", "b": align.append(.center)
        case "|": rules.insert(align.count)
        default: break
        }
      }
      return .table(
        Table(
          rows: parseTableBody(name), align: align, ruleBefore: rules,
          displaystyle: name == "darray"))
    }
  }

  private func delimited(_ open: String, _ body: MathNode, _ close: String) -> MathNode {
    .row(
      [fence(open, true, form: "prefix"), body, fence(close, true, form: "postfix")].filter {
        $0 != .empty
      })
  }

  func alignedTable(_ rows: [TableRow]) -> Table {
    var rows = rows
    for r in rows.indices {
      for c in rows[r].cells.indices where c % 2 == 1 {
        rows[r].cells[c] = infixFirst(rows[r].cells[c])
      }
    }
    return Table(rows: rows, align: [.right, .left], displaystyle: true, alignedPairs: true)
  }

  func gatheredTable(_ rows: [TableRow]) -> Table {
    Table(rows: rows, align: [.center], displaystyle: true, columnGap: "0")
  }

  /// `&= x` starts a cell with a relation; TeX treats it as infix (`{}=x`), so we say so.
  private func infixFirst(_ cell: MathNode) -> MathNode {
    switch cell {
    case .op(var o):
      o.form = "infix"
      return .op(o)
    case .row(var nodes) where !nodes.isEmpty:
      if case .op(var o) = nodes[0], !["(", "[", "{", "|", "‖", "⟨"].contains(o.text) {
        o.form = "infix"
        nodes[0] = .op(o)
      }
      return .row(nodes)
    default:
      return cell
    }
  }

  /// Cells separated by `&`, rows by `\\`, up to `\end{name}` (or the end of input when name is nil).
  mutating func parseTableBody(_ name: String?) -> [TableRow] {
    var rows: [TableRow] = []
    var cells: [MathNode] = []
    var lineAbove = false
    let saved = (hardStops, pendingTag)
    if name != nil { hardStops.insert(.end) }
    pendingTag = nil
    let cellStops = hardStops.union([.align, .newline, .end])
    func finishRow(_ parser: inout Parser) {
      rows.append(TableRow(cells: cells, lineAbove: lineAbove, tag: parser.pendingTag))
      parser.pendingTag = nil
      cells = []
      lineAbove = false
    }
    while true {
      while case .command(let c) = peek.kind, c == "hline" || c == "hdashline" {
        next()
        if cells.isEmpty { lineAbove = true }
      }
      var cell = parseRow(cellStops)
      while name == nil, peek.kind == .command("end") {
        // Top level: `\end` with no `\begin` is shown and parsing goes on.
        cell.append(stray(.end))
        cell += parseRow(cellStops)
      }
      cells.append(.group(cell))
      let t = peek
      if t.kind == .align {
        next()
        continue
      }
      if stopKind(t) == .newline {
        next()
        if peek.kind == .char("[") {
          _ = skipRest(Stops.rbracket)
          next()
        }
        finishRow(&self)
        continue
      }
      if t.kind == .command("end"), let name {
        next()
        let endName = readRawArgument().filter { $0 != " " }
        if endName != name {
          problem("\\end{\(endName)} at offset \(t.start) does not match \\begin{\(name)}")
        }
      } else if let name {
        problem("missing \\end{\(name)} at offset \(t.start)")
      }
      break
    }
    // A trailing `\\` leaves one empty cell behind; drop that row.
    if !(cells.count == 1 && cells[0] == .empty && !rows.isEmpty && pendingTag == nil) || lineAbove {
      finishRow(&self)
    }
    (hardStops, pendingTag) = saved
    return rows
  }

  /// `\substack{a \\ b}`: centered rows in the current (script) style.
  mutating func parseSubstack(_ t: Token) -> MathNode {
    guard peek.kind == .beginGroup else { return parseArgument(for: "substack") }
    guard enter() else { return skipGroup() }
    defer { leave() }
    next()
    let saved = hardStops
    hardStops.insert(.rbrace)
    var rows: [TableRow] = []
    while true {
      rows.append(TableRow(cells: [.group(parseRow(hardStops.union(.newline)))]))
      if stopKind(peek) == .newline {
        next()
        continue
      }
      break
    }
    hardStops = saved
    if peek.kind == .endGroup {
      next()
    } else {
      problem("missing '}' for \\substack at offset \(t.start)")
    }
    return .table(Table(rows: rows, align: [.center], columnGap: "0"))
  }

  /// The whole formula. `&` and `\\` at the top level make an aligned (or gathered) table.
  mutating func parseFormula() -> MathNode {
    let rows = parseTableBody(nil)
    var body: MathNode
    if rows.count == 1 && rows[0].cells.count == 1 {
      body = rows[0].cells[0]
      if let tag = rows[0].tag { body = .row([body, .space("2em"), tag]) }
    } else if rows.contains(where: { $0.cells.count > 1 }) {
      body = .table(alignedTable(rows))
    } else {
      body = .table(gatheredTable(rows))
    }
    return body
  }
}
