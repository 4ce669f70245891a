#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#elseif canImport(ucrt)
  import ucrt
#endif

// The C maths library, wrapped once so that no other file needs a platform import.
// Everything that reaches the output goes through `Num` (exact decimal arithmetic),
// so these only influence pixel positions, which are rounded to 0.01.

/// Base-10 logarithm.
func log10d(_ x: Double) -> Double { log10(x) }

/// `x` raised to `y`.
func powd(_ x: Double, _ y: Double) -> Double { pow(x, y) }
