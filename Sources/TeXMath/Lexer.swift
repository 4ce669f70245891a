// Splits TeX math source into tokens. Offsets count Characters from the start of the source.

enum TokenKind: Equatable {
  /// `\name` or a control symbol such as `\,` (name without the backslash). A lone trailing `\` has name "".
  case command(String)
  case char(Character)
  case beginGroup
  case endGroup
  case superscript
  case `subscript`
  case align
  case eof
}

struct Token: Equatable {
  var kind: TokenKind
  /// Index of the first Character of the token in the source.
  var start: Int
  /// Index just past the token.
  var end: Int
}

struct Lexer {
  let source: [Character]

  init(_ text: String) { source = Array(text) }

  /// Tokenizes the whole source; whitespace and `%` comments are dropped, and the last token is `.eof`.
  func tokenize() -> [Token] {
    var tokens: [Token] = []
    var i = 0
    while i < source.count {
      let c = source[i]
      let start = i
      i += 1
      switch c {
      case _ where c.isWhitespace:  // includes "\r\n", which is one Character
        continue
      case "%":
        while i < source.count, !source[i].isNewline { i += 1 }
        continue
      case "{": tokens.append(Token(kind: .beginGroup, start: start, end: i))
      case "}": tokens.append(Token(kind: .endGroup, start: start, end: i))
      case "^": tokens.append(Token(kind: .superscript, start: start, end: i))
      case "_": tokens.append(Token(kind: .subscript, start: start, end: i))
      case "&": tokens.append(Token(kind: .align, start: start, end: i))
      case "\\":
        if i >= source.count {
          tokens.append(Token(kind: .command(""), start: start, end: i))
        } else if Lexer.isLetter(source[i]) {
          var name = ""
          while i < source.count, Lexer.isLetter(source[i]) {
            name.append(source[i])
            i += 1
          }
          tokens.append(Token(kind: .command(name), start: start, end: i))
        } else {
          let symbol = source[i]
          i += 1
          tokens.append(Token(kind: .command(String(symbol)), start: start, end: i))
        }
      default:
        tokens.append(Token(kind: .char(c), start: start, end: i))
      }
    }
    tokens.append(Token(kind: .eof, start: source.count, end: source.count))
    return tokens
  }

  static func isLetter(_ c: Character) -> Bool {
    ("a"..."z").contains(c) || ("A"..."Z").contains(c)
  }

  static func isDigit(_ c: Character) -> Bool {
    ("0"..."9").contains(c)
  }
}
