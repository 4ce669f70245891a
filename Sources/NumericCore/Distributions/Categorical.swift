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
  ///
  /// Stops the program when a row has no valid distribution (NaN, +∞, or all −∞; see
  /// `samplingProblem()`), as torch raises "probability tensor contains either inf, nan or
  /// element < 0", rather than returning an arbitrary index.
  public func sample(using rng: inout SeededGenerator) -> [Int] {
    let k = categories
    let rows = logits.count / Swift.max(k, 1)
    return logits.data.withUnsafeBufferPointer { l in
      (0..<rows).map { r in sampleRow(l.baseAddress! + r * k, k, row: r, &rng) }
    }
  }

  /// The most likely index per row. Stops the program on the logits `sample` rejects.
  public func mode() -> [Int] {
    if let problem = samplingProblem() { fatalError("Categorical.mode: \(problem)") }
    return logits.argmax(alongAxis: -1)
  }

  /// Why `sample` would stop on these logits, or `nil` when every row is a valid distribution.
  ///
  /// Reports the first bad row: one that contains NaN or +∞, or whose logits are all −∞ (no
  /// category has positive probability). A single −∞ is fine: it masks that category.
  ///
  /// ```swift
  /// Categorical(logits: Tensor([0.5, .nan], shape: [1, 2])).samplingProblem()
  /// // "logits contain NaN (row 0, index 1; row 0 = [0.5, nan]): the policy's parameters have diverged"
  /// ```
  public func samplingProblem() -> String? {
    let k = categories
    guard k > 0 else { return logits.count == 0 ? nil : "no categories (last axis of length 0)" }
    return logits.data.withUnsafeBufferPointer { l in
      for r in 0..<(l.count / k) {
        if let problem = rowSamplingProblem(UnsafeBufferPointer(rebasing: l[(r * k)..<((r + 1) * k)]), row: r) {
          return problem
        }
      }
      return nil
    }
  }

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
  /// Stops the program on the logits `samplingProblem(logits:)` rejects.
  public static func sample(logits: [Scalar], using rng: inout SeededGenerator) -> Int {
    if _slowPath(logits.isEmpty) { fatalError("Categorical.sample: no categories (empty logits)") }
    return logits.withUnsafeBufferPointer { sampleRow($0.baseAddress!, $0.count, row: 0, &rng) }
  }

  /// Why `sample(logits:using:)` would stop on this row of logits, or `nil` when it can sample.
  public static func samplingProblem(logits: [Scalar]) -> String? {
    if logits.isEmpty { return "no categories (empty logits)" }
    return logits.withUnsafeBufferPointer { rowSamplingProblem($0, row: 0) }
  }
}

/// Why softmax(`l`) is not a distribution (row `row` of a batch), or nil when it is.
func rowSamplingProblem<S: TensorScalar>(_ l: UnsafeBufferPointer<S>, row: Int) -> String? {
  func shown() -> String {
    let values = l.prefix(8).map { "\($0)" }.joined(separator: ", ")
    return "row \(row) = [\(values)\(l.count > 8 ? ", … (\(l.count) values)" : "")]"
  }
  if let j = l.firstIndex(where: \.isNaN) {
    return "logits contain NaN (row \(row), index \(j); \(shown())): the policy's parameters have diverged"
  }
  if let j = l.firstIndex(of: .infinity) {
    return "logits contain +inf (row \(row), index \(j); \(shown())): the policy's parameters have diverged"
  }
  if !l.isEmpty && l.allSatisfy({ $0 == -.infinity }) {
    return "every logit in row \(row) is -inf, so no category has positive probability (\(shown())); is every action masked?"
  }
  return nil
}

/// Inverse-CDF draw from softmax(l[0..<k]) using one uniform; Float64 arithmetic. Stops the
/// program, naming row `row`, when the logits are not a distribution.
@_specialize(where S == Float)
@_specialize(where S == Double)
func sampleRow<S: TensorScalar>(_ l: UnsafePointer<S>, _ k: Int, row: Int, _ rng: inout SeededGenerator) -> Int {
  var m = Double(l[0])
  for j in 1..<Swift.max(k, 1) { m = Swift.max(m, Double(l[j])) }
  var total = 0.0
  for j in 0..<k { total += Glibc.exp(Double(l[j]) - m) }
  // The largest logit contributes exp(0) = 1, so a valid row has total ≥ 1. NaN, +∞ (∞ − ∞) and an
  // all −∞ row all make total NaN, and then `u < 0` never holds: without this check the loop
  // below would silently return the last index.
  if _slowPath(!(total >= 1)) {
    let problem = rowSamplingProblem(UnsafeBufferPointer(start: l, count: k), row: row)
    fatalError("Categorical.sample: \(problem ?? "softmax of row \(row) sums to \(total)")")
  }
  var u = rng.uniform() * total
  for j in 0..<k {
    u -= Glibc.exp(Double(l[j]) - m)
    if u < 0 { return j }
  }
  return k - 1
}
