// Math alphabets (\mathbb, \mathbf, ...) as Unicode Mathematical Alphanumeric Symbols, because
// MathML Core only honours mathvariant="normal".

enum MathFont: Equatable {
  case roman, bold, italic, boldItalic, script, boldScript, fraktur, boldFraktur, doubleStruck
  case sansSerif, sansSerifBold, sansSerifItalic, monospace

  static let commands: [String: MathFont] = [
    "mathrm": .roman, "mathup": .roman, "mathbf": .bold, "mathit": .italic,
    "boldsymbol": .boldItalic,
    "bm": .boldItalic, "pmb": .boldItalic, "mathcal": .script, "mathscr": .script,
    "mathfrak": .fraktur, "mathbb": .doubleStruck, "mathsf": .sansSerif, "mathtt": .monospace,
    "mathbfit": .boldItalic, "mathbfcal": .boldScript, "mathbffrak": .boldFraktur,
    "mathsfit": .sansSerifItalic, "mathbfsf": .sansSerifBold, "mathnormal": .italic,
  ]

  /// Old-style switches (`{\rm d}`) that apply to the rest of the group.
  static let switches: [String: MathFont] = [
    "rm": .roman, "bf": .bold, "it": .italic, "cal": .script, "sf": .sansSerif, "tt": .monospace,
  ]

  private var latinBase: UInt32? {
    switch self {
    case .roman: return nil
    case .bold: return 0x1D400
    case .italic: return 0x1D434
    case .boldItalic: return 0x1D468
    case .script: return 0x1D49C
    case .boldScript: return 0x1D4D0
    case .fraktur: return 0x1D504
    case .boldFraktur: return 0x1D56C
    case .doubleStruck: return 0x1D538
    case .sansSerif: return 0x1D5A0
    case .sansSerifBold: return 0x1D5D4
    case .sansSerifItalic: return 0x1D608
    case .monospace: return 0x1D670
    }
  }

  private var digitBase: UInt32? {
    switch self {
    case .bold, .boldItalic: return 0x1D7CE
    case .doubleStruck: return 0x1D7D8
    case .sansSerif, .sansSerifItalic: return 0x1D7E2
    case .sansSerifBold: return 0x1D7EC
    case .monospace: return 0x1D7F6
    default: return nil
    }
  }

  private var greekBase: UInt32? {
    switch self {
    case .bold: return 0x1D6A8
    case .italic: return 0x1D6E2
    case .boldItalic: return 0x1D71C
    case .sansSerifBold: return 0x1D756
    default: return nil
    }
  }

  /// Letters the Unicode block leaves out because they already existed elsewhere.
  private static let holes: [UInt32: UInt32] = [
    0x1D455: 0x210E,  // italic h
    0x1D49D: 0x212C, 0x1D4A0: 0x2130, 0x1D4A1: 0x2131, 0x1D4A3: 0x210B, 0x1D4A4: 0x2110,
    0x1D4A7: 0x2112, 0x1D4A8: 0x2133, 0x1D4AD: 0x211B, 0x1D4BA: 0x212F, 0x1D4BC: 0x210A,
    0x1D4C4: 0x2134,  // script B E F H I L M R e g o
    0x1D506: 0x212D, 0x1D50B: 0x210C, 0x1D50C: 0x2111, 0x1D515: 0x211C, 0x1D51D: 0x2128,  // fraktur
    0x1D53A: 0x2102, 0x1D53F: 0x210D, 0x1D545: 0x2115, 0x1D547: 0x2119, 0x1D548: 0x211A,
    0x1D549: 0x211D, 0x1D551: 0x2124,  // double-struck C H N P Q R Z
  ]

  /// The character in this alphabet, or the character itself when the alphabet has no such letter.
  func map(_ c: Character) -> String {
    guard let scalar = c.unicodeScalars.first, c.unicodeScalars.count == 1 else { return String(c) }
    let v = scalar.value
    var mapped: UInt32?
    if let base = latinBase {
      if (0x41...0x5A).contains(v) { mapped = base + v - 0x41 }
      if (0x61...0x7A).contains(v) { mapped = base + 26 + v - 0x61 }
    }
    if let base = digitBase, (0x30...0x39).contains(v) { mapped = base + v - 0x30 }
    if let base = greekBase {
      if (0x391...0x3A9).contains(v) { mapped = base + v - 0x391 }
      if (0x3B1...0x3C9).contains(v) { mapped = base + 26 + v - 0x3B1 }
      let extra: [UInt32: UInt32] = [
        0x2207: 25, 0x2202: 51, 0x3F5: 52, 0x3D1: 53, 0x3F0: 54,
        0x3D5: 55, 0x3F1: 56, 0x3D6: 57,
      ]
      if let offset = extra[v] { mapped = base + offset }
    }
    guard var m = mapped else { return String(c) }
    if let hole = MathFont.holes[m] { m = hole }
    guard let out = Unicode.Scalar(m) else { return String(c) }
    return String(Character(out))
  }

  func map(_ s: String) -> String {
    var out = ""
    for c in s { out += map(c) }
    return out
  }
}
