#if canImport(Glibc)
import Glibc
#endif

/// A diagonal Gaussian over the last axis: independent N(mean_i, std_i²).
///
/// ```swift
/// let pi = DiagonalGaussian(mean: mu, logStd: logStd)   // logStd broadcasts ([A] for [B, A])
/// let a = pi.sample(using: &rng)                         // reparameterised: mean + std·ε
/// let logp = pi.logProb(a)                               // [B], summed over actions
/// ```
public struct DiagonalGaussian<Scalar: TensorScalar> {
  /// Means `[..., A]`.
  public let mean: TensorOf<Scalar>
  /// Log standard deviations, broadcastable to `mean`.
  public let logStd: TensorOf<Scalar>

  /// The Gaussian with these means and log-stds.
  public init(mean: TensorOf<Scalar>, logStd: TensorOf<Scalar>) {
    self.mean = mean
    self.logStd = logStd
  }
  /// The Gaussian with these means and standard deviations.
  public init(mean: TensorOf<Scalar>, std: TensorOf<Scalar>) {
    self.init(mean: mean, logStd: std.log())
  }

  /// Standard deviations.
  public var std: TensorOf<Scalar> { logStd.exp() }

  /// A reparameterised sample `mean + std·ε`, ε ~ N(0, I) from `rng`; gradients reach both.
  public func sample(using rng: inout SeededGenerator) -> TensorOf<Scalar> {
    let eps = TensorOf<Scalar>.randn(mean.shape, using: &rng)
    return mean + std * eps
  }

  /// log density summed over the last axis.
  public func logProb(_ x: TensorOf<Scalar>) -> TensorOf<Scalar> {
    let z = (x - mean) / std
    let c = Scalar(0.5 * Glibc.log(2 * Double.pi))
    return (-0.5 * z.squared() - logStd - c).sum(alongAxis: -1)
  }

  /// Entropy summed over the last axis: `Σ log σ + ½(1 + log 2π)`.
  public func entropy() -> TensorOf<Scalar> {
    let c = Scalar(0.5 * (1 + Glibc.log(2 * Double.pi)))
    return (logStd.expanded(to: mean.shape) + c).sum(alongAxis: -1)
  }

  /// KL(self ‖ other) summed over the last axis.
  public func kl(to other: DiagonalGaussian) -> TensorOf<Scalar> {
    let varP = (2 * logStd).exp(), varQ = (2 * other.logStd).exp()
    let terms = other.logStd - logStd + (varP + (mean - other.mean).squared()) / (2 * varQ) - 0.5
    return terms.expanded(to: mean.shape).sum(alongAxis: -1)
  }

  /// Exact Fisher-vector product in (mean, logStd) coordinates: `(v_μ/σ², 2·v_logσ)`.
  public func fisherVectorProduct(mean vMean: TensorOf<Scalar>, logStd vLogStd: TensorOf<Scalar>)
    -> (mean: TensorOf<Scalar>, logStd: TensorOf<Scalar>)
  {
    let invVar = (-2 * logStd).exp().detached()
    return (vMean * invVar, 2 * vLogStd)
  }
}

/// SAC's tanh-squashed Gaussian: `a = scale·tanh(u) + bias`, u ~ N(mean, std²), with CleanRL's
/// log-det correction `log π(a) = Σ [log N(u) − log(scale·(1 − tanh²u) + 1e-6)]`.
public struct SquashedGaussian<Scalar: TensorScalar> {
  /// The Gaussian before squashing.
  public let base: DiagonalGaussian<Scalar>
  /// Half the action range (Pendulum: 2).
  public let scale: Scalar
  /// Centre of the action range.
  public let bias: Scalar

  /// The squashed Gaussian with these parameters.
  public init(mean: TensorOf<Scalar>, logStd: TensorOf<Scalar>, scale: Scalar = 1, bias: Scalar = 0) {
    base = DiagonalGaussian(mean: mean, logStd: logStd)
    self.scale = scale
    self.bias = bias
  }

  /// Reparameterised sample: the action and its log-probability (summed over the last axis).
  public func sample(using rng: inout SeededGenerator) -> (action: TensorOf<Scalar>, logProb: TensorOf<Scalar>) {
    let u = base.sample(using: &rng)
    return (squash(u), logProb(preTanh: u))
  }

  /// `scale·tanh(u) + bias`.
  public func squash(_ u: TensorOf<Scalar>) -> TensorOf<Scalar> { u.tanh() * scale + bias }

  /// log π(a) for the pre-squash value `u` (CleanRL formula, 1e-6 inside the log).
  public func logProb(preTanh u: TensorOf<Scalar>) -> TensorOf<Scalar> {
    let t = u.tanh()
    let correction = ((1 - t.squared()) * scale + Scalar(1e-6)).log().sum(alongAxis: -1)
    return base.logProb(u) - correction
  }

  /// The deterministic action `scale·tanh(mean) + bias` (evaluation).
  public func mode() -> TensorOf<Scalar> { squash(base.mean) }
}
