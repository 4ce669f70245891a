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

// MARK: - Reference-free and unpaired preference losses (lecture 11)

/// SimPO's per-pair losses (Meng et al., 2024; TRL's `CPOTrainer` with `loss_type="simpo"`):
/// `−(1−ls)·logσ(z) − ls·logσ(−z)` with `z = β·(logπ(y_w)/|y_w| − logπ(y_l)/|y_l|) − γ`.
/// No reference model: the implicit reward is the length-normalised log-prob, and γ a target margin.
/// Log-probs are sums over completion tokens; lengths are token counts.
public func simpoLosses<S>(
  policyChosen: TensorOf<S>, policyRejected: TensorOf<S>, chosenLengths: TensorOf<S>,
  rejectedLengths: TensorOf<S>, beta: S = 2, gamma: S = 0.5, labelSmoothing: S = 0
) -> TensorOf<S> {
  let z = (policyChosen / chosenLengths - policyRejected / rejectedLengths) * beta - gamma
  return -(1 - labelSmoothing) * z.logSigmoid() - labelSmoothing * (-z).logSigmoid()
}

/// ORPO's odds-ratio term per pair (Hong et al., 2024; TRL's `ORPOTrainer.odds_ratio_loss`):
/// `λ·(−logσ(log odds(y_w) − log odds(y_l)))`, with `log odds(y) = log p − log(1 − p)` and
/// `log p` the **mean** per-token log-prob of the completion (negative). The ORPO loss is the
/// chosen completions' NLL plus the mean of this term.
public func orpoOddsRatioLosses<S>(policyChosen: TensorOf<S>, policyRejected: TensorOf<S>, lambda: S = 0.1) -> TensorOf<S> {
  func logOdds(_ logP: TensorOf<S>) -> TensorOf<S> { logP - (1 - logP.exp()).log() }
  return -lambda * (logOdds(policyChosen) - logOdds(policyRejected)).logSigmoid()
}

/// KTO's per-example losses (Ethayarajh et al., 2024; TRL's `KTOTrainer.kto_loss`), for unpaired
/// completions labelled desirable or not. With `r = logπ(y) − logπ_ref(y)` (summed log-probs) and
/// the reference point `z` (`ktoReferencePoint`, a constant):
/// desirable `w_d·(1 − σ(β(r − z)))`, undesirable `w_u·(1 − σ(β(z − r)))`.
public func ktoLosses<S>(
  policy: TensorOf<S>, reference: TensorOf<S>, desirable: [Bool], referencePoint z: S, beta: S = 0.1,
  desirableWeight: S = 1, undesirableWeight: S = 1
) -> TensorOf<S> {
  ensure(desirable.count == policy.count, "ktoLosses: \(desirable.count) labels for \(policy.count) completions")
  let sign = TensorOf<S>(desirable.map { $0 ? 1 : -1 }, shape: policy.shape)
  let weight = TensorOf<S>(desirable.map { $0 ? desirableWeight : undesirableWeight }, shape: policy.shape)
  return weight * (1 - (sign * (policy - reference - z) * beta).sigmoid())
}

/// KTO's reference point `z = max(0, mean(logπ(y') − logπ_ref(y')))` over mismatched completions
/// y' (TRL pairs each prompt with another example's completion), computed without gradient.
public func ktoReferencePoint(policy: [Double], reference: [Double]) -> Double {
  ensure(policy.count == reference.count && !policy.isEmpty, "ktoReferencePoint: \(policy.count) vs \(reference.count) log-probs")
  return max(0, zip(policy, reference).reduce(0) { $0 + $1.0 - $1.1 } / Double(policy.count))
}
