/// Running mean and variance of vectors (Chan et al.'s parallel update, as gymnasium's
/// `RunningMeanStd`), for observation and reward normalisation.
public struct RunningMeanStd: Sendable {
  /// Per-dimension mean.
  public private(set) var mean: [Double]
  /// Per-dimension (population) variance.
  public private(set) var variance: [Double]
  /// Number of vectors seen (starts at `epsilon`, as gymnasium does).
  public private(set) var count: Double

  /// Statistics for vectors of width `dimension`.
  public init(dimension: Int, epsilon: Double = 1e-4) {
    mean = [Double](repeating: 0, count: dimension)
    variance = [Double](repeating: 1, count: dimension)
    count = epsilon
  }

  /// Folds in a batch of vectors (each of width `dimension`).
  public mutating func update(_ batch: [[Double]]) {
    guard !batch.isEmpty else { return }
    let d = mean.count
    let n = Double(batch.count)
    var bMean = [Double](repeating: 0, count: d)
    for v in batch {
      ensure(v.count == d, "RunningMeanStd.update: width \(v.count), expected \(d)")
      for i in 0..<d { bMean[i] += v[i] / n }
    }
    var bVar = [Double](repeating: 0, count: d)
    for v in batch { for i in 0..<d { bVar[i] += (v[i] - bMean[i]) * (v[i] - bMean[i]) / n } }
    let total = count + n
    for i in 0..<d {
      let delta = bMean[i] - mean[i]
      let m2 = variance[i] * count + bVar[i] * n + delta * delta * count * n / total
      mean[i] += delta * n / total
      variance[i] = m2 / total
    }
    count = total
  }

  /// Folds in one vector.
  public mutating func update(_ x: [Double]) { update([x]) }

  /// `clip((x − mean)/√(var + eps), ±clip)`.
  public func normalize(_ x: [Double], clip: Double = 10, eps: Double = 1e-8) -> [Double] {
    (0..<x.count).map { i in
      Swift.min(Swift.max((x[i] - mean[i]) / (variance[i] + eps).squareRoot(), -clip), clip)
    }
  }
}
