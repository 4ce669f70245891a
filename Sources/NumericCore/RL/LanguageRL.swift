// The pieces of RL on language models, as the reference implementations write them (TRL unless
// noted): KL estimators, KL-penalised per-token rewards, masked whitening, GAE over response tokens,
// the adaptive KL controller, and group-relative / leave-one-out advantages.

/// Per-token estimators of KL(π ‖ π_ref) from samples of π (Schulman, "Approximating KL
/// divergence", 2020), with log r = log π_ref − log π:
/// k1 = −log r (unbiased, can be negative), k2 = ½(log r)² (biased, low variance),
/// k3 = (r − 1) − log r (unbiased, never negative).
public enum KLEstimator: String, Sendable, CaseIterable {
  case k1, k2, k3

  /// The estimate for one token from its log-probabilities under the policy and the reference.
  public func callAsFunction(logProb: Double, refLogProb: Double) -> Double {
    let logR = refLogProb - logProb
    switch self {
    case .k1: return -logR
    case .k2: return 0.5 * logR * logR
    case .k3: return (libmExp(logR) - 1) - logR
    }
  }
}

/// Per-token rewards for PPO on a response (TRL's convention): −β·KL estimate at every token, and
/// the sequence's score added at its last token.
public func klPenalizedRewards(
  score: Double, logProbs: [Double], refLogProbs: [Double], beta: Double, estimator: KLEstimator = .k1
) -> [Double] {
  ensure(logProbs.count == refLogProbs.count && !logProbs.isEmpty, "klPenalizedRewards: \(logProbs.count) vs \(refLogProbs.count) tokens")
  var r = zip(logProbs, refLogProbs).map { -beta * estimator(logProb: $0, refLogProb: $1) }
  r[r.count - 1] += score
  return r
}

/// `values` shifted and scaled to mean 0 and variance 1 over the entries where `mask` is 1 (TRL's
/// `masked_whiten`: unbiased variance; with `shiftMean: false` the mean is added back).
public func maskedWhiten(_ values: [Double], mask: [Double], shiftMean: Bool = true, eps: Double = 1e-8) -> [Double] {
  ensure(values.count == mask.count, "maskedWhiten: \(values.count) values, \(mask.count) mask entries")
  let n = mask.reduce(0, +)
  ensure(n > 1, "maskedWhiten: needs at least two unmasked values, got \(n)")
  let mean = zip(values, mask).reduce(0) { $0 + $1.0 * $1.1 } / n
  let sq = zip(values, mask).reduce(0) { $0 + ($1.0 - mean) * ($1.0 - mean) * $1.1 } / n
  let variance = sq * n / (n - 1)
  let scale = 1 / (variance + eps).squareRoot()
  return values.map { shiftMean ? ($0 - mean) * scale : ($0 - mean) * scale + mean }
}

/// GAE over the tokens of one response, bootstrapping with 0 after the last token (the episode
/// ends with the response). γ = 1 is the usual choice for language.
public func responseGAE(rewards: [Double], values: [Double], gamma: Double = 1, lambda: Double = 0.95)
  -> (advantages: [Double], returns: [Double])
{
  ensure(rewards.count == values.count, "responseGAE: \(rewards.count) rewards, \(values.count) values")
  var adv = [Double](repeating: 0, count: rewards.count)
  var last = 0.0
  for t in stride(from: rewards.count - 1, through: 0, by: -1) {
    let nextValue = t + 1 < values.count ? values[t + 1] : 0
    let delta = rewards[t] + gamma * nextValue - values[t]
    last = delta + gamma * lambda * last
    adv[t] = last
  }
  return (adv, zip(adv, values).map(+))
}

/// The adaptive KL coefficient of Ziegler et al. (2019): β moves toward the value that keeps the
/// measured KL at `target`, by at most 20% of the error per `horizon` steps.
public struct AdaptiveKLController: Sendable {
  public private(set) var value: Double
  public let target: Double
  public let horizon: Double

  public init(initial: Double, target: Double, horizon: Double) {
    value = initial
    self.target = target
    self.horizon = horizon
  }

  /// After a batch of `steps` samples whose mean KL was `kl`.
  public mutating func update(kl: Double, steps: Int) {
    let error = min(max(kl / target - 1, -0.2), 0.2)
    value *= 1 + error * Double(steps) / horizon
  }
}

/// GRPO's advantages (Shao et al., 2024, as TRL computes them): each reward minus its group's mean,
/// divided by the group's standard deviation (unbiased) + `eps`. `rewards` holds consecutive groups
/// of `groupSize` completions of the same prompt.
public func groupRelativeAdvantages(_ rewards: [Double], groupSize: Int, scaleByStd: Bool = true, eps: Double = 1e-4) -> [Double] {
  ensure(groupSize > 1 && rewards.count % groupSize == 0, "groupRelativeAdvantages: \(rewards.count) rewards in groups of \(groupSize)")
  var out: [Double] = []
  out.reserveCapacity(rewards.count)
  for g in stride(from: 0, to: rewards.count, by: groupSize) {
    let group = rewards[g..<(g + groupSize)]
    let mean = group.reduce(0, +) / Double(groupSize)
    let std = (group.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(groupSize - 1)).squareRoot()
    for r in group { out.append(scaleByStd ? (r - mean) / (std + eps) : r - mean) }
  }
  return out
}

/// RLOO's advantages (Ahmadian et al., 2024): each reward minus the mean of the other k − 1 rewards
/// of its group.
public func leaveOneOutAdvantages(_ rewards: [Double], groupSize: Int) -> [Double] {
  ensure(groupSize > 1 && rewards.count % groupSize == 0, "leaveOneOutAdvantages: \(rewards.count) rewards in groups of \(groupSize)")
  var out: [Double] = []
  for g in stride(from: 0, to: rewards.count, by: groupSize) {
    let group = rewards[g..<(g + groupSize)]
    let total = group.reduce(0, +)
    for r in group { out.append(r - (total - r) / Double(groupSize - 1)) }
  }
  return out
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func libmExp(_ x: Double) -> Double { Glibc.exp(x) }
#else
import Darwin
@inline(__always) private func libmExp(_ x: Double) -> Double { Darwin.exp(x) }
#endif
