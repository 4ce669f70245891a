import SwiftParser
import SwiftSyntax

/// What the reader checks in a cell's code before anything is built:
///
/// - Literal seeds (a warning): `SeededGenerator(seed: 42)`, `reset(seed: 7)`,
///   `let seeds: [UInt64] = [1, 2, 3]`. Every generator is still shifted by `--reseed`, so such a
///   note is not wrong, but its streams are tied to a number instead of to the cell's seed: take
///   them from `cellSeed` or `seeds(k)`, so the front matter and `seed=` mean what they say.
/// - Things a cell cannot do, since its code is spliced into the note's one `main.swift` (errors):
///   `@main` (the note is the program) and `#sourceLocation` (Loom maps lines itself).
enum CellLint {
  static func diagnostics(in note: Note) -> [Diagnostic] {
    var out: [Diagnostic] = []
    for cell in note.cells where !cell.options.norun && SwiftHighlighter.isSafeToParse(cell.source) {
      let tree = Parser.parse(source: cell.source)
      let finder = Finder(viewMode: .sourceAccurate)
      finder.walk(tree)
      let converter = SourceLocationConverter(fileName: note.path, tree: tree)
      func at(_ node: Syntax) -> SourceLocation {
        let loc = node.startLocation(converter: converter)
        return SourceLocation(file: note.path, line: cell.firstSourceLine + loc.line - 1, column: loc.column)
      }
      for (node, what) in finder.found {
        out.append(
          Diagnostic(
            .warning, "literal seed (\(what)): derive it from cellSeed or seeds(k) so that 'seed:', 'seed=' and --reseed govern it",
            at: at(node)))
      }
      for node in finder.forbidden {
        let message =
          node.is(AttributeSyntax.self)
          ? "@main cannot be used in a cell: a note's cells are the top-level code of one program; call your function from a cell instead"
          : "#sourceLocation cannot be used in a cell: Loom maps every line of the generated program back to the note itself"
        if !cell.options.expectError { out.append(Diagnostic(.error, message, at: at(node))) }
      }
    }
    return out
  }

  final class Finder: SyntaxVisitor {
    var found: [(Syntax, String)] = []
    var forbidden: [Syntax] = []

    override func visit(_ node: AttributeSyntax) -> SyntaxVisitorContinueKind {
      if node.attributeName.trimmedDescription == "main" { forbidden.append(Syntax(node)) }
      return .visitChildren
    }

    override func visit(_ node: PoundSourceLocationSyntax) -> SyntaxVisitorContinueKind {
      forbidden.append(Syntax(node))
      return .visitChildren
    }

    override func visit(_ node: LabeledExprSyntax) -> SyntaxVisitorContinueKind {
      if node.label?.text == "seed", Self.isLiteral(node.expression) {
        found.append((Syntax(node.expression), "seed: \(node.expression.trimmedDescription)"))
      }
      return .visitChildren
    }

    override func visit(_ node: PatternBindingSyntax) -> SyntaxVisitorContinueKind {
      if let name = node.pattern.as(IdentifierPatternSyntax.self)?.identifier.text, name.lowercased().contains("seed"),
        let value = node.initializer?.value
      {
        let literal =
          Self.isLiteral(value)
          || (value.as(ArrayExprSyntax.self).map { !$0.elements.isEmpty && $0.elements.allSatisfy { Self.isLiteral($0.expression) } } ?? false)
        if literal { found.append((Syntax(value), "\(name) = \(value.trimmedDescription)")) }
      }
      return .visitChildren
    }

    /// An integer literal, or an expression built only from integer literals (`1_000 + 7`, `UInt64(3)`).
    static func isLiteral(_ e: ExprSyntax) -> Bool {
      if e.is(IntegerLiteralExprSyntax.self) { return true }
      if let seq = e.as(SequenceExprSyntax.self) {
        return seq.elements.allSatisfy { $0.is(BinaryOperatorExprSyntax.self) || isLiteral($0) }
      }
      if let infix = e.as(InfixOperatorExprSyntax.self) { return isLiteral(infix.leftOperand) && isLiteral(infix.rightOperand) }
      if let paren = e.as(TupleExprSyntax.self), paren.elements.count == 1 { return isLiteral(paren.elements.first!.expression) }
      if let call = e.as(FunctionCallExprSyntax.self), call.arguments.count == 1,
        let callee = call.calledExpression.as(DeclReferenceExprSyntax.self), callee.baseName.text.hasPrefix("UInt") || callee.baseName.text.hasPrefix("Int")
      {
        return isLiteral(call.arguments.first!.expression)
      }
      return false
    }
  }
}
