/// 64-bit FNV-1a: a small, stable, platform-independent hash for deterministic SVG ids.
struct FNV1a {
  private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

  mutating func combine(_ string: String) {
    for byte in string.utf8 {
      value ^= UInt64(byte)
      value = value &* 0x0000_0100_0000_01b3
    }
  }

  /// The first `digits` lowercase hex digits of the hash.
  func hex(digits: Int = 12) -> String {
    var s = String(value, radix: 16)
    while s.count < 16 { s = "0" + s }
    return String(s.prefix(digits))
  }

  static func hex(of string: String, digits: Int = 12) -> String {
    var h = FNV1a()
    h.combine(string)
    return h.hex(digits: digits)
  }
}
