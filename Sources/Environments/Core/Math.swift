// Elementary functions from the C library (the same libm Gymnasium's `math.cos` calls), without Foundation.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) func cSin(_ x: Double) -> Double { sin(x) }
@inline(__always) func cCos(_ x: Double) -> Double { cos(x) }
@inline(__always) func cFmod(_ x: Double, _ y: Double) -> Double { fmod(x, y) }
@inline(__always) func cExp(_ x: Double) -> Double { exp(x) }

/// NumPy's float `%` (`np.remainder`): the result takes the sign of the divisor.
@inline(__always) func pyMod(_ a: Double, _ b: Double) -> Double {
  var m = cFmod(a, b)
  if m != 0 {
    if (b < 0) != (m < 0) { m += b }
  } else {
    m = (b < 0) ? -0.0 : 0.0
  }
  return m
}

/// `np.clip(x, lo, hi)` for scalars.
@inline(__always) func clip(_ x: Double, _ lo: Double, _ hi: Double) -> Double {
  x < lo ? lo : (x > hi ? hi : x)
}

/// Rounds each value to Float32 (what Gymnasium's float32 observation arrays hold), as Double.
@inline(__always) func roundedToFloat32(_ xs: [Double]) -> [Double] {
  xs.map { Double(Float($0)) }
}
