import Testing
import LanguageLab

@Suite("Character tokenizer")
struct TokenizerTests {
  let tok = CharTokenizer(alphabet: "0123456789+-*=;#")

  @Test("Special tokens come first, then the alphabet in order")
  func ids() {
    #expect(tok.vocabularySize == 20)
    #expect(tok.encode("3+4", bos: true, eos: true) == [1, 7, 14, 8, 2])
    #expect(CharTokenizer.isSpecial(CharTokenizer.sep) && !CharTokenizer.isSpecial(4))
  }

  @Test("Decoding skips special tokens and stops at eos")
  func decode() {
    #expect(tok.decode([1, 7, 3, 8, 2, 9]) == "34")
    #expect(tok.decode([1, 7, 3, 8, 2, 9], stopAtEOS: false) == "345")
    #expect(tok.decode(tok.encode(["12", "3*4=12#12"])) == ["12", "3*4=12#12"])
  }

  @Test("Padding on either side")
  func padding() {
    let rows = [[5, 6, 7], [8]]
    #expect(CharTokenizer.padded(rows) == [5, 6, 7, 8, 0, 0])
    #expect(CharTokenizer.padded(rows, length: 4, side: .left) == [0, 5, 6, 7, 0, 0, 0, 8])
  }

  @Test("contains tells which texts can be encoded")
  func contains() {
    #expect(tok.contains("3+4=7"))
    #expect(!tok.contains("3/4"))
  }
}
