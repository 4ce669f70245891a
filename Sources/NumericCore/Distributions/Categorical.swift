#if canImport(Glibc)
import Glibc
#endif

/// A categorical distribution over the last axis of `logits` (one per row).
///
/// ```swift
/// let pi = Categorical(logits: actor(obs))          // obs: [batch, 4] → logits [batch, 2]
/// let actions = pi.sample(using: &rng)              // [Int], one per row
/// let logp = pi.logProb(actions)                    // [batch], differentiable
/// let entropy = pi.entropy().mean()
/// ```
public struct Categorical<Scalar: TensorScalar> {
  /// Unnormalised log-probabilities `[..., K]`.
  public let logits: TensorOf<Scalar>
  /// Normalised log-probabilities (`logSoftmax(logits)`).
  public let logProbs: TensorOf<Scalar>

  /// The distribution with these logits.
  public init(logits: TensorOf<Scalar>) {
    self.logits = logits
    self.logProbs = logits.logSoftmax()
  }

  /// Probabilities `softmax(logits)`.
  public var probs: TensorOf<Scalar> { logProbs.exp() }
  /// Number of categories.
  public var categories: Int { logits.shape.last ?? 0 }

  /// One index per row, drawn with `rng` (inverse CDF in Float64; not differentiable).
  public func sample(using rng: inout SeededGenerator) -> [Int] {
    let k = categories
    let rows = logits.count / Swift.max(k, 1)
    return logits.data.withUnsafeBufferPointer { l in
      (0..<rows).map { r in sampleRow(l.baseAddress! + r * k, k, &rng) }
    }
  }

  /// The most likely index per row.
  public func mode() -> [Int] { logits.argmax(alongAxis: -1) }

  /// log π(a) per row for the taken `actions`.
  public func logProb(_ actions: [Int]) -> TensorOf<Scalar> { logProbs.gather(actions) }

  /// Entropy per row: `−Σ p log p`.
  public func entropy() -> TensorOf<Scalar> { -(probs * logProbs).sum(alongAxis: -1) }

  /// KL(self ‖ other) per row: `Σ p (log p − log q)`.
  public func kl(to other: Categorical) -> TensorOf<Scalar> {
    (probs * (logProbs - other.logProbs)).sum(alongAxis: -1)
  }

  /// Exact Fisher-vector product with respect to the logits, per row: `F·v = p⊙v − p(pᵀv)`,
  /// where F = diag(p) − ppᵀ is the Hessian of KL(π_old ‖ π) at π = π_old. TRPO chains it with
  /// the network's Jacobian: `Jᵀ F J v` (see `fisherVectorProduct(of:at:vector:)`).
  public func fisherVectorProduct(_ v: TensorOf<Scalar>) -> TensorOf<Scalar> {
    ensure(v.shape == logits.shape, "fisherVectorProduct: shapes \(v.shape) and \(logits.shape) are incompatible")
    let p = probs.detached()
    return p * v - p * (p * v).sum(alongAxis: -1, keepDims: true)
  }

  /// Draws one index from a row of logits (the rollout fast path; no tensors involved).
  public static func sample(logits: [Scalar], using rng: inout SeededGenerator) -> Int {
    logits.withUnsafeBufferPointer { sampleRow($0.baseAddress!, $0.count, &rng) }
  }
}

/// Inverse-CDF draw from softmax(l[0..<k]) using one uniform; Float64 arithmetic.
@_specialize(where S == Float)
@_specialize(where S == Double)
func sampleRow<S: TensorScalar>(_ l: UnsafePointer<S>, _ k: Int, _ rng: inout SeededGenerator) -> Int {
  var m = Double(l[0])
  for j in 1..<Swift.max(k, 1) { m = Swift.max(m, Double(l[j])) }
  var total = 0.0
  for j in 0..<k { total += Glibc.exp(Double(l[j]) - m) }
  var u = rng.uniform() * total
  for j in 0..<k {
    u -= Glibc.exp(Double(l[j]) - m)
    if u < 0 { return j }
  }
  return k - 1
}
