#if canImport(Glibc)
import Glibc
#endif

@inline(__always) func powInt(_ x: Double, _ n: Int) -> Double { Glibc.pow(x, Double(n)) }
@inline(__always) func cosineOf(_ x: Double) -> Double { Glibc.cos(x) }
