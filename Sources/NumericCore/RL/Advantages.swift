// Returns and advantage estimators. Inputs are plain arrays (what a rollout collects).

/// Discounted returns `G_t = r_t + γ·G_{t+1}`, restarting after each `terminated` step and
/// bootstrapping from `bootstrapValue` at the end of the rollout (0 for a finished episode).
public func discountedReturns(
  rewards: [Double], terminated: [Bool]? = nil, gamma: Double, bootstrapValue: Double = 0
) -> [Double] {
  var g = bootstrapValue
  var out = [Double](repeating: 0, count: rewards.count)
  for t in stride(from: rewards.count - 1, through: 0, by: -1) {
    if terminated?[t] == true { g = 0 }
    g = rewards[t] + gamma * g
    out[t] = g
  }
  return out
}

/// Generalised advantage estimation with terminated and truncated kept apart.
///
/// Step t went from observation s_t to s_{t+1} (`nextValues[t]` = V(s_{t+1}), the value of the
/// real final observation even when the env auto-reset after it). `terminated[t]`: s_{t+1} is
/// terminal, so nothing is bootstrapped. `truncated[t]`: the episode was cut by a time limit, so
/// V(s_{t+1}) IS bootstrapped, but the advantage recursion does not run into the next episode.
/// Returns advantages and returns (`advantages + values`).
public func gae(
  rewards: [Double], values: [Double], nextValues: [Double], terminated: [Bool], truncated: [Bool],
  gamma: Double, lambda: Double
) -> (advantages: [Double], returns: [Double]) {
  let n = rewards.count
  ensure(
    values.count == n && nextValues.count == n && terminated.count == n && truncated.count == n,
    "gae: rewards, values, nextValues, terminated and truncated must have equal lengths")
  var adv = [Double](repeating: 0, count: n)
  var next = 0.0
  for t in stride(from: n - 1, through: 0, by: -1) {
    let notTerminal = terminated[t] ? 0.0 : 1.0
    let continues = (terminated[t] || truncated[t]) ? 0.0 : 1.0
    let delta = rewards[t] + gamma * nextValues[t] * notTerminal - values[t]
    next = delta + gamma * lambda * continues * next
    adv[t] = next
  }
  return (adv, zip(adv, values).map(+))
}

/// GAE in CleanRL's convention (also SB3's): `dones[t]` means observation t STARTS a new
/// episode; `nextValue`/`nextDone` describe the observation after the rollout. (CleanRL treats a
/// truncation like a termination here; use `gae(rewards:values:nextValues:terminated:truncated:…)`
/// to bootstrap through time limits.)
public func gaeCleanRL(
  rewards: [Double], values: [Double], dones: [Bool], nextValue: Double, nextDone: Bool,
  gamma: Double, lambda: Double
) -> (advantages: [Double], returns: [Double]) {
  let n = rewards.count
  ensure(values.count == n && dones.count == n, "gaeCleanRL: lengths differ")
  var adv = [Double](repeating: 0, count: n)
  var last = 0.0
  for t in stride(from: n - 1, through: 0, by: -1) {
    let nextNonTerminal = 1.0 - ((t == n - 1 ? nextDone : dones[t + 1]) ? 1.0 : 0.0)
    let nextV = t == n - 1 ? nextValue : values[t + 1]
    let delta = rewards[t] + gamma * nextV * nextNonTerminal - values[t]
    last = delta + gamma * lambda * nextNonTerminal * last
    adv[t] = last
  }
  return (adv, zip(adv, values).map(+))
}

/// `(x − mean) / (std + eps)` with the unbiased std (CleanRL's advantage normalisation).
public func normalized(_ x: [Double], eps: Double = 1e-8) -> [Double] {
  let n = Double(x.count)
  let mean = x.reduce(0, +) / n
  let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Swift.max(n - 1, 1)
  return x.map { ($0 - mean) / (variance.squareRoot() + eps) }
}

/// Conjugate gradient for `A·x = b` with `A` given as a matrix-vector product (TRPO's Fisher).
/// Returns the solution and the residual norm after each iteration.
///
/// Stops early once the squared residual norm `r·r` is below `residualTolerance` (OpenAI
/// baselines' `residual_tol`, compared with r·r, not ‖r‖), or is exactly 0: with
/// `residualTolerance: 0` an exactly solved system returns its solution rather than NaN.
public func conjugateGradient(
  _ matrixVectorProduct: ([Double]) -> [Double], _ b: [Double], iterations: Int = 10,
  residualTolerance: Double = 1e-10
) -> (x: [Double], residualNorms: [Double]) {
  var x = [Double](repeating: 0, count: b.count)
  var r = b, p = b
  var rr = dot(r, r)
  var norms: [Double] = []
  for _ in 0..<iterations {
    // rr = 0 means x solves the system exactly (or b = 0), and then p = 0 too: α would be 0/0.
    if rr == 0 || rr < residualTolerance { break }
    let ap = matrixVectorProduct(p)
    let alpha = rr / dot(p, ap)
    for i in x.indices {
      x[i] += alpha * p[i]
      r[i] -= alpha * ap[i]
    }
    let newRR = dot(r, r)
    norms.append(newRR.squareRoot())
    p = zip(r, p).map { $0 + (newRR / rr) * $1 }
    rr = newRR
  }
  return (x, norms)
}

/// Σ aᵢbᵢ.
public func dot(_ a: [Double], _ b: [Double]) -> Double {
  ensure(a.count == b.count, "dot: lengths \(a.count) and \(b.count) differ")
  var s = 0.0
  for i in a.indices { s += a[i] * b[i] }
  return s
}
