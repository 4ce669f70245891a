/// FNV-1a over 128 bits: a stable content hash for cache keys (not for security — nobody attacks
/// their own notes' cache — but wide enough that accidental collisions do not happen). Stable
/// across runs and machines, unlike Swift's seeded `Hasher`.
struct Hasher128 {
  private var hi: UInt64 = 0x6C62_272E_07BB_0142
  private var lo: UInt64 = 0x62B8_2175_6295_C58D

  mutating func combine(_ bytes: some Sequence<UInt8>) {
    // 128-bit FNV prime is 2^88 + 2^8 + 0x3B = 0x0000000001000000000000000000013B.
    for b in bytes {
      lo ^= UInt64(b)
      // (hi, lo) *= prime, mod 2^128.
      let loTimesSmall = lo.multipliedFullWidth(by: 0x13B)
      let newHi = hi &* 0x13B &+ loTimesSmall.high &+ (lo << 24)
      lo = loTimesSmall.low
      hi = newHi
    }
  }

  mutating func combine(_ string: String) {
    combine(string.utf8)
    combine([0xFF])  // separator: "ab"+"c" differs from "a"+"bc"
  }

  var hex: String {
    func h(_ x: UInt64) -> String {
      let s = String(x, radix: 16)
      return String(repeating: "0", count: 16 - s.count) + s
    }
    return h(hi) + h(lo)
  }
}
