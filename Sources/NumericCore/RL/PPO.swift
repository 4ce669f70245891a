/// The PPO clipped surrogate and its diagnostics (CleanRL names).
public struct PPOPolicyLoss<Scalar: TensorScalar> {
  /// `mean(max(−A·r, −A·clip(r, 1−ε, 1+ε)))`, differentiable.
  public let loss: TensorOf<Scalar>
  /// Fraction of samples with |r − 1| > ε.
  public let clipFraction: Double
  /// `mean(−log r)`.
  public let oldApproxKL: Double
  /// `mean((r − 1) − log r)` (k3, http://joschu.net/blog/kl-approx.html).
  public let approxKL: Double
}

/// The clipped surrogate objective from new/old log-probs and advantages.
public func ppoPolicyLoss<S>(
  newLogProb: TensorOf<S>, oldLogProb: TensorOf<S>, advantages: TensorOf<S>, clipCoef: S
) -> PPOPolicyLoss<S> {
  let logRatio = newLogProb - oldLogProb.detached()
  let ratio = logRatio.exp()
  let pg1 = -advantages * ratio
  let pg2 = -advantages * ratio.clamped(1 - clipCoef, 1 + clipCoef)
  let loss = pg1.maximum(pg2).mean()
  let r = ratio.doubles, lr = logRatio.doubles
  let n = Double(r.count)
  let clipped = r.filter { Swift.abs($0 - 1) > Double(clipCoef) }.count
  return PPOPolicyLoss(
    loss: loss, clipFraction: Double(clipped) / n, oldApproxKL: lr.reduce(0) { $0 - $1 } / n,
    approxKL: zip(r, lr).reduce(0) { $0 + ($1.0 - 1) - $1.1 } / n)
}

/// PPO value loss `0.5·mean(max((v−R)², (v_clipped−R)²))` with
/// `v_clipped = v_old + clip(v − v_old, ±clipCoef)`; unclipped `0.5·mean((v−R)²)` if nil.
public func ppoValueLoss<S>(
  newValues: TensorOf<S>, oldValues: TensorOf<S>, returns: TensorOf<S>, clipCoef: S?
) -> TensorOf<S> {
  let unclipped = (newValues - returns).squared()
  guard let c = clipCoef else { return 0.5 * unclipped.mean() }
  let vClipped = oldValues + (newValues - oldValues).clamped(-c, c)
  return 0.5 * unclipped.maximum((vClipped - returns).squared()).mean()
}
