// Tables: mtable/mtr/mtd with alignment and rules as inline CSS (MathML Core has no columnalign).

extension MathMLWriter {
  mutating func writeTable(_ table: Table) {
    let columns = table.rows.map(\.cells.count).max() ?? 0
    let tagged = table.rows.contains { $0.tag != nil }
    out += table.displaystyle ? "<mtable displaystyle=\"true\">" : "<mtable>"
    for row in table.rows {
      out += "<mtr>"
      for c in 0..<columns {
        var css: [String] = []
        let align = columnAlign(table, c)
        if align != .center { css.append("text-align:\(align.rawValue)") }
        if table.alignedPairs {
          css.append("padding-left:\(c > 0 && c % 2 == 0 ? "2em" : "0")")
          css.append("padding-right:0")
        } else if table.columnGap != "0.5em" {
          css.append("padding-left:\(c == 0 ? "0" : table.columnGap)")
          css.append("padding-right:0")
        } else if table.align == [.left, .left] && c == 0 {
          css.append("padding-left:0")
          css.append("padding-right:1em")
        }
        if table.ruleBefore.contains(c) { css.append("border-left:1px solid") }
        if c == columns - 1, table.ruleBefore.contains(columns) {
          css.append("border-right:1px solid")
        }
        if row.lineAbove { css.append("border-top:1px solid") }
        out += css.isEmpty ? "<mtd>" : "<mtd style=\"\(css.joined(separator: ";"))\">"
        if c < row.cells.count { write(row.cells[c]) }
        out += "</mtd>"
      }
      if tagged {
        out += "<mtd style=\"padding-left:2em;text-align:right\">"
        if let tag = row.tag { write(tag) }
        out += "</mtd>"
      }
      out += "</mtr>"
    }
    out += "</mtable>"
  }

  private func columnAlign(_ table: Table, _ c: Int) -> ColumnAlign {
    if table.alignedPairs { return c % 2 == 0 ? .right : .left }
    if table.align.isEmpty { return .center }
    return c < table.align.count ? table.align[c] : table.align[table.align.count - 1]
  }
}
