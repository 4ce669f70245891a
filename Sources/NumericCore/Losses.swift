// Losses, all composite (no gradient code of their own). Each returns a scalar mean unless noted.

/// Mean squared error `mean((prediction − target)²)`.
public func mseLoss<S>(_ prediction: TensorOf<S>, _ target: TensorOf<S>) -> TensorOf<S> {
  (prediction - target).squared().mean()
}

/// Huber (smooth-L1) loss with threshold `delta`: quadratic inside, linear outside (mean).
public func huberLoss<S>(_ prediction: TensorOf<S>, _ target: TensorOf<S>, delta: S = 1)
  -> TensorOf<S>
{
  let a = (prediction - target).abs()
  let quadratic = a.clamped(0, delta)
  let linear = a - quadratic
  return (0.5 * quadratic.squared() + delta * linear).mean()
}

/// Cross-entropy of `logits` `[..., classes]` against integer `targets` (one per row), mean
/// over rows: `−mean(logSoftmax(logits)[target])`.
public func crossEntropy<S>(logits: TensorOf<S>, targets: [Int]) -> TensorOf<S> {
  let classes = logits.shape.last ?? 0
  let rows = logits.reshaped([-1, classes])
  ensure(
    rows.shape[0] == targets.count,
    "crossEntropy: shapes \(logits.shape) and [\(targets.count)] are incompatible")
  return -rows.logSoftmax().gather(targets).mean()
}

/// Binary cross-entropy from logits, stable: `mean(softplus(x) − y·x)`.
public func binaryCrossEntropy<S>(logits: TensorOf<S>, targets: TensorOf<S>) -> TensorOf<S> {
  (logits.softplus() - targets * logits).mean()
}

/// Bradley–Terry reward-model loss (TRL): `−mean(logσ(r_chosen − r_rejected − margin))`.
public func bradleyTerryLoss<S>(
  chosen: TensorOf<S>, rejected: TensorOf<S>, margin: TensorOf<S>? = nil
) -> TensorOf<S> {
  var d = chosen - rejected
  if let margin { d = d - margin }
  return -d.logSigmoid().mean()
}

/// The DPO-family losses as in TRL's `dpo_trainer.py`.
public enum DPOLossType: Sendable {
  /// −logσ(βδ), optionally with label smoothing (cDPO): −(1−ls)·logσ(βδ) − ls·logσ(−βδ).
  case sigmoid(labelSmoothing: Double = 0)
  /// relu(1 − βδ).
  case hinge
  /// (−(1−ls)·logσ(βδ) + ls·logσ(−βδ)) / (1 − 2ls).
  case robust(labelSmoothing: Double)
  /// (δ − 1/(2β))²; pass length-normalised logps for TRL's form.
  case ipo
}

/// Per-pair DPO losses from summed completion log-probs (policy and reference).
/// `δ = (logπ(y_w) − logπ_ref(y_w)) − (logπ(y_l) − logπ_ref(y_l))`.
public func dpoLosses<S>(
  policyChosen: TensorOf<S>, policyRejected: TensorOf<S>, referenceChosen: TensorOf<S>,
  referenceRejected: TensorOf<S>, beta: S = 0.1, type: DPOLossType = .sigmoid()
) -> TensorOf<S> {
  let delta = (policyChosen - referenceChosen) - (policyRejected - referenceRejected)
  let z = delta * beta
  switch type {
  case .sigmoid(let ls):
    let l = S(ls)
    return -(1 - l) * z.logSigmoid() - l * (-z).logSigmoid()
  case .hinge:
    return (1 - z).relu()
  case .robust(let ls):
    let l = S(ls)
    return (-(1 - l) * z.logSigmoid() + l * (-z).logSigmoid()) / (1 - 2 * l)
  case .ipo:
    return (delta - 1 / (2 * beta)).squared()
  }
}
