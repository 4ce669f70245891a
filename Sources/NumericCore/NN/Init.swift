// Weight initialisers. All draw from a SeededGenerator, so the same seed gives the same network.

/// How to initialise a layer's weight; biases start at zero unless noted.
public enum WeightInit: Sendable {
  /// Orthogonal rows/columns times `gain` (CleanRL's `layer_init`: √2 hidden, 0.01 policy head,
  /// 1 value head). Biases are zero.
  case orthogonal(gain: Double)
  /// Glorot/Xavier uniform: U(±gain·√(6/(in+out))).
  case xavierUniform(gain: Double = 1)
  /// He/Kaiming normal for ReLU: N(0, 2/in).
  case kaimingNormal
  /// torch.nn.Linear's default: weight and bias U(±1/√in).
  case torchDefault
  /// N(0, std²) (GPT-2 uses 0.02).
  case normal(std: Double)
}

/// A `[rows, cols]` matrix with orthonormal rows or columns (whichever are fewer) times `gain`,
/// as torch.nn.init.orthogonal_: QR of a Gaussian matrix with R's diagonal made positive.
public func orthogonalMatrix(rows: Int, cols: Int, gain: Double, using rng: inout SeededGenerator)
  -> [Float]
{
  let tall = rows >= cols
  let n = tall ? rows : cols  // long side
  let m = tall ? cols : rows  // short side: number of orthonormal vectors
  var a = [Double](repeating: 0, count: n * m)  // column j at a[j*n ..< (j+1)*n]
  for i in 0..<(n * m) { a[i] = rng.normal() }
  // Modified Gram–Schmidt: gives Q with a positive-diagonal R (torch's sign fix).
  for j in 0..<m {
    for p in 0..<j {
      var dot = 0.0
      for i in 0..<n { dot += a[p * n + i] * a[j * n + i] }
      for i in 0..<n { a[j * n + i] -= dot * a[p * n + i] }
    }
    var norm = 0.0
    for i in 0..<n { norm += a[j * n + i] * a[j * n + i] }
    norm = norm.squareRoot()
    for i in 0..<n { a[j * n + i] /= norm }
  }
  var w = [Float](repeating: 0, count: rows * cols)
  for r in 0..<rows {
    for c in 0..<cols {
      // tall: column c of Q is entry (r, c); wide: row r of W is Q's column r.
      w[r * cols + c] = Float(gain * (tall ? a[c * n + r] : a[r * n + c]))
    }
  }
  return w
}

extension WeightInit {
  /// Draws a `[out, in]` weight and an `[out]` bias.
  func make(out: Int, in inF: Int, using rng: inout SeededGenerator) -> (w: [Float], b: [Float]) {
    var b = [Float](repeating: 0, count: out)
    switch self {
    case .orthogonal(let gain):
      return (orthogonalMatrix(rows: out, cols: inF, gain: gain, using: &rng), b)
    case .xavierUniform(let gain):
      let a = gain * (6.0 / Double(inF + out)).squareRoot()
      return ((0..<(out * inF)).map { _ in Float(rng.uniform(-a, a)) }, b)
    case .kaimingNormal:
      let s = (2.0 / Double(inF)).squareRoot()
      return ((0..<(out * inF)).map { _ in Float(rng.normal() * s) }, b)
    case .torchDefault:
      let a = 1 / Double(inF).squareRoot()
      let w = (0..<(out * inF)).map { _ in Float(rng.uniform(-a, a)) }
      for i in 0..<out { b[i] = Float(rng.uniform(-a, a)) }
      return (w, b)
    case .normal(let std):
      return ((0..<(out * inF)).map { _ in Float(rng.normal() * std) }, b)
    }
  }
}
