/// A character-level tokenizer: four special tokens, then one id per character of an alphabet.
///
/// ```swift
/// let tok = CharTokenizer(alphabet: "0123456789+-*=;#")
/// tok.encode("3+4", bos: true)            // [1, 7, 14, 8]
/// tok.decode([1, 7, 14, 8])               // "3+4"  (special tokens skipped)
/// tok.vocabularySize                      // 4 + 16
/// ```
///
/// Ids 0…3 are `pad`, `bos` (begin), `eos` (end) and `sep` (between a prompt and its response);
/// character `alphabet[i]` is id `4 + i`. Encoding a character outside the alphabet stops the
/// program naming it (`contains(_:)` checks first).
public struct CharTokenizer: Sendable, Hashable {
  /// Padding: fills left pads of prompts and right pads of training rows.
  public static let pad = 0
  /// Begins every document.
  public static let bos = 1
  /// Ends every document; generation stops on it.
  public static let eos = 2
  /// Separates a prompt from its response.
  public static let sep = 3
  /// Number of special tokens before the first character.
  public static let specialCount = 4

  /// The characters, in id order.
  public let alphabet: [Character]
  private let ids: [Character: Int]

  /// A tokenizer over the distinct characters of `alphabet`, in their first-seen order.
  public init(alphabet: String) {
    var seen: [Character] = []
    var ids: [Character: Int] = [:]
    for c in alphabet where ids[c] == nil {
      ids[c] = Self.specialCount + seen.count
      seen.append(c)
    }
    self.alphabet = seen
    self.ids = ids
  }

  /// Special tokens plus characters.
  public var vocabularySize: Int { Self.specialCount + alphabet.count }

  /// `pad`, `bos`, `eos` and `sep`.
  public static func isSpecial(_ token: Int) -> Bool { token >= 0 && token < specialCount }

  /// True when every character of `text` has an id.
  public func contains(_ text: String) -> Bool { text.allSatisfy { ids[$0] != nil } }

  /// The ids of `text`, optionally framed by `bos` and `eos`.
  public func encode(_ text: String, bos: Bool = false, eos: Bool = false) -> [Int] {
    var out: [Int] = []
    out.reserveCapacity(text.count + 2)
    if bos { out.append(Self.bos) }
    for c in text {
      guard let id = ids[c] else {
        preconditionFailure("CharTokenizer: character \(String(reflecting: String(c))) is not in the alphabet \(String(reflecting: String(alphabet)))")
      }
      out.append(id)
    }
    if eos { out.append(Self.eos) }
    return out
  }

  /// Encodes every text (a batch of rows of different lengths).
  public func encode(_ texts: [String], bos: Bool = false, eos: Bool = false) -> [[Int]] {
    texts.map { encode($0, bos: bos, eos: eos) }
  }

  /// The text of `tokens`. Special tokens are skipped; with `stopAtEOS` (the default) nothing after
  /// the first `eos` is read.
  public func decode<C: Collection>(_ tokens: C, stopAtEOS: Bool = true) -> String where C.Element == Int {
    var out = ""
    for t in tokens {
      if t == Self.eos && stopAtEOS { break }
      if Self.isSpecial(t) { continue }
      let i = t - Self.specialCount
      precondition(i < alphabet.count, "CharTokenizer: id \(t) is outside the vocabulary of \(vocabularySize)")
      out.append(alphabet[i])
    }
    return out
  }

  /// Decodes every row.
  public func decode(_ batch: [[Int]], stopAtEOS: Bool = true) -> [String] {
    batch.map { decode($0, stopAtEOS: stopAtEOS) }
  }

  /// Rows padded with `pad` to one `[rows, length]` row-major block: on the right (training
  /// batches) or on the left (prompts for generation). `length` defaults to the longest row.
  public static func padded(_ rows: [[Int]], length: Int? = nil, side: PaddingSide = .right) -> [Int] {
    let l = length ?? rows.map(\.count).max() ?? 0
    precondition(rows.allSatisfy { $0.count <= l }, "CharTokenizer.padded: a row is longer than \(l)")
    var out: [Int] = []
    out.reserveCapacity(rows.count * l)
    for r in rows {
      let fill = Array(repeating: pad, count: l - r.count)
      out += side == .right ? r + fill : fill + r
    }
    return out
  }
}

/// Where `CharTokenizer.padded` puts the pads.
public enum PaddingSide: Sendable {
  /// `[t t t pad pad]`: training rows (a causal mask keeps real tokens from seeing them).
  case right
  /// `[pad pad t t t]`: prompts for batched generation (every row appends at the same column).
  case left
}
