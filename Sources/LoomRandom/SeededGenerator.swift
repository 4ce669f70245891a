// The one seeded random-number family used by every part of Loom that draws random numbers:
// NumericCore (initialisers, sampling, minibatches), Environments (reset distributions, slippery
// transitions) and the notes themselves. Our own algorithms throughout, so the same seed gives
// bit-identical streams on every machine and every Swift version (the standard library's
// `Int.random(in:using:)` is free to change how it consumes a generator).

/// Xoshiro256** (Blackman & Vigna), seeded through SplitMix64.
///
/// ```swift
/// var rng = SeededGenerator(seed: 42)
/// let u = rng.uniform()          // [0, 1)
/// let z = rng.normal()           // N(0, 1)
/// let k = rng.int(below: 6)      // 0..<6
/// ```
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
  private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
  /// A spare normal deviate from the last Box–Muller pair.
  private var spareNormal: Double? = nil

  /// Creates a generator whose whole stream is determined by `seed` (and `SeedStreams.reseed`).
  public init(seed: UInt64) {
    var sm = SplitMix64(state: seed ^ SeedStreams.offset)
    s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
  }

  /// Next 64 raw bits.
  public mutating func next() -> UInt64 {
    let result = rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 45)
    return result
  }

  /// An independent generator for a sub-stream (a worker, an environment copy), derived from this
  /// one's next output; this generator advances by one step.
  public mutating func split() -> SeededGenerator {
    SeededGenerator(seed: next())
  }

  /// Uniform double in [0, 1) with 53 random bits.
  public mutating func uniform() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// Uniform double in [low, high).
  public mutating func uniform(_ low: Double, _ high: Double) -> Double {
    low + (high - low) * uniform()
  }

  /// Uniform float in [0, 1) with 24 random bits.
  public mutating func uniformFloat() -> Float {
    Float(next() >> 40) * 0x1.0p-24
  }

  /// Uniform integer in 0..<n (Lemire's nearly-divisionless method, unbiased).
  public mutating func int(below n: Int) -> Int {
    precondition(n > 0, "int(below:): n must be positive, got \(n)")
    let bound = UInt64(n)
    var m = next().multipliedFullWidth(by: bound)
    if m.low < bound {
      let threshold = (0 &- bound) % bound
      while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
    }
    return Int(m.high)
  }

  /// Uniform integer in a closed range.
  public mutating func int(in range: ClosedRange<Int>) -> Int {
    range.lowerBound + int(below: range.upperBound - range.lowerBound + 1)
  }

  /// Standard normal deviate (Box–Muller; the pair's second value is kept for the next call).
  public mutating func normal() -> Double {
    if let z = spareNormal { spareNormal = nil; return z }
    var u1 = uniform()
    while u1 <= 0 { u1 = uniform() }
    let u2 = uniform()
    let r = (-2 * _log(u1)).squareRoot()
    let theta = 2 * Double.pi * u2
    spareNormal = r * _sin(theta)
    return r * _cos(theta)
  }

  /// Normal deviate with the given mean and standard deviation.
  public mutating func normal(mean: Double, std: Double) -> Double {
    mean + std * normal()
  }

  /// True with probability `p`.
  public mutating func bernoulli(_ p: Double) -> Bool { uniform() < p }

  /// Index drawn from unnormalised non-negative weights.
  public mutating func categorical(_ weights: [Double]) -> Int {
    let total = weights.reduce(0, +)
    precondition(total > 0 && total.isFinite, "categorical: weights must have a positive finite sum, got \(total)")
    var u = uniform() * total
    for (i, w) in weights.enumerated() {
      u -= w
      if u < 0 { return i }
    }
    return weights.lastIndex(where: { $0 > 0 }) ?? (weights.count - 1)
  }

  /// Fisher–Yates shuffle with this generator.
  public mutating func shuffle<T>(_ array: inout [T]) {
    guard array.count > 1 else { return }
    for i in stride(from: array.count - 1, to: 0, by: -1) {
      let j = int(below: i + 1)
      if i != j { array.swapAt(i, j) }
    }
  }

  /// A random permutation of 0..<n.
  public mutating func permutation(_ n: Int) -> [Int] {
    var p = Array(0..<n)
    shuffle(&p)
    return p
  }
}

/// The whole family of streams, shifted at once: `loom test --reseed N` runs every note with
/// `reseed = N`, and every generator made from a seed `s` then starts from `s ^ offset(N)`, with
/// offset(0) = 0 (the default run). A bijection on seeds, so generators that share a seed still share
/// a stream, and generators with different seeds still differ. Set once by the note runtime before
/// any cell runs; nothing else writes it.
public enum SeedStreams {
  public static var reseed: UInt64 {
    get { _reseed }
    set {
      _reseed = newValue
      var mix = SplitMix64(state: newValue ^ 0x6C6F_6F6D_7265_7365)
      _offset = newValue == 0 ? 0 : mix.next()
    }
  }
  /// What `init(seed:)` XORs into every seed.
  public static var offset: UInt64 { _offset }
  nonisolated(unsafe) private static var _reseed: UInt64 = 0
  nonisolated(unsafe) private static var _offset: UInt64 = 0
}

/// SplitMix64: used to expand a 64-bit seed into Xoshiro's 256-bit state.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
  public var state: UInt64
  public init(state: UInt64) { self.state = state }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

@inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

// Elementary functions without importing Foundation (keeps this module tiny and dependency-free).
#if canImport(Glibc)
import Glibc
@inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) func _sin(_ x: Double) -> Double { Glibc.sin(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#elseif canImport(Darwin)
import Darwin
@inline(__always) func _log(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) func _sin(_ x: Double) -> Double { Darwin.sin(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif
