import CNumericKernels
/// Updates parameters from their gradients. Call `zeroGrad()`, build the loss, `backward()`,
/// then `step()`.
///
/// ```swift
/// let opt = Adam(parameters: model.parameters, learningRate: 3e-4)
/// opt.zeroGrad()
/// let loss = mseLoss(model(x), y)
/// loss.backward()
/// opt.step()
/// ```
public protocol Optimizer: AnyObject {
  associatedtype Scalar: TensorScalar
  /// The tensors this optimizer updates.
  var parameters: [TensorOf<Scalar>] { get }
  /// Current step size (schedules write it).
  var learningRate: Double { get set }
  /// Applies one update using the parameters' current gradients.
  func step()
}

extension Optimizer {
  /// Zeroes every parameter's gradient.
  public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func adamKernel<S: TensorScalar>(
  _ p: UnsafeMutableBufferPointer<S>, _ g: UnsafeBufferPointer<S>, _ m: UnsafeMutableBufferPointer<S>,
  _ v: UnsafeMutableBufferPointer<S>, lr: S, b1: S, b2: S, eps: S, c1: S, c2: S, decoupledDecay: S,
  l2: S
) {
  // Bias corrections folded into the step size, as torch does: p -= lr/c1 · m / (√v/√c2 + eps).
  let stepSize = lr / c1
  let invSqrtC2 = 1 / c2.squareRoot()
  let n = p.count
  var start = 0
  if S.self == Float.self && avx2Kernels && n > 0 {
    // In C, 16 (or 8) lanes: the same operations per element as the loops below.
    func f(_ x: S) -> Float { unsafeBitCast(x, to: Float.self) }
    loom_adam_f32(
      UnsafeMutableRawPointer(p.baseAddress!).assumingMemoryBound(to: Float.self),
      UnsafeRawPointer(g.baseAddress!).assumingMemoryBound(to: Float.self),
      UnsafeMutableRawPointer(m.baseAddress!).assumingMemoryBound(to: Float.self),
      UnsafeMutableRawPointer(v.baseAddress!).assumingMemoryBound(to: Float.self), n,
      1 - Float(f(lr * decoupledDecay)), f(l2), f(b1), f(b2), f(stepSize), f(invSqrtC2), f(eps))
    return
  }
  if S.self == Float.self {
    // Four lanes at a time with explicit SIMD: the scalar loop does not vectorise (four
    // pointers that may alias, a square root and a division per element).
    start = n - n % 4
    let pp = UnsafeMutableRawPointer(p.baseAddress!), gp = UnsafeRawPointer(g.baseAddress!)
    let mp = UnsafeMutableRawPointer(m.baseAddress!), vp = UnsafeMutableRawPointer(v.baseAddress!)
    let fb1 = SIMD4<Float>(repeating: Float(b1)), fb2 = SIMD4<Float>(repeating: Float(b2))
    let one = SIMD4<Float>(repeating: 1)
    let decay = SIMD4<Float>(repeating: 1 - Float(lr * decoupledDecay))
    let fl2 = SIMD4<Float>(repeating: Float(l2)), fstep = SIMD4<Float>(repeating: Float(stepSize))
    let fscale = SIMD4<Float>(repeating: Float(invSqrtC2)), feps = SIMD4<Float>(repeating: Float(eps))
    var i = 0
    while i < start {
      let o = i * 4
      var pv = pp.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self) * decay
      let gi = gp.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self) + fl2 * pv
      let mi = fb1 * mp.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self) + (one - fb1) * gi
      let vi = fb2 * vp.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self) + (one - fb2) * gi * gi
      pv -= fstep * mi / (vi.squareRoot() * fscale + feps)
      mp.storeBytes(of: mi, toByteOffset: o, as: SIMD4<Float>.self)
      vp.storeBytes(of: vi, toByteOffset: o, as: SIMD4<Float>.self)
      pp.storeBytes(of: pv, toByteOffset: o, as: SIMD4<Float>.self)
      i += 4
    }
  }
  for i in start..<n {
    p[i] *= 1 - lr * decoupledDecay
    let gi = g[i] + l2 * p[i]
    m[i] = b1 * m[i] + (1 - b1) * gi
    v[i] = b2 * v[i] + (1 - b2) * gi * gi
    p[i] -= stepSize * m[i] / (v[i].squareRoot() * invSqrtC2 + eps)
  }
}

/// Adam (Kingma & Ba) with torch's defaults; `weightDecay` is L2 added to the gradient.
public final class Adam<Scalar: TensorScalar>: Optimizer {
  /// The tensors to update.
  public let parameters: [TensorOf<Scalar>]
  /// Step size.
  public var learningRate: Double
  /// (β1, β2).
  public var betas: (Double, Double)
  /// Added to √v.
  public var eps: Double
  /// L2 coefficient (Adam) or decoupled decay (AdamW).
  public var weightDecay: Double
  let decoupled: Bool
  var m: [[Scalar]], v: [[Scalar]]
  /// Steps taken so far.
  public private(set) var stepCount = 0

  /// Adam over `parameters`.
  public convenience init(
    parameters: [TensorOf<Scalar>], learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
    eps: Double = 1e-8, weightDecay: Double = 0
  ) {
    self.init(parameters, learningRate, betas, eps, weightDecay, decoupled: false)
  }

  init(
    _ ps: [TensorOf<Scalar>], _ lr: Double, _ betas: (Double, Double), _ eps: Double, _ wd: Double,
    decoupled: Bool
  ) {
    parameters = ps
    learningRate = lr
    self.betas = betas
    self.eps = eps
    weightDecay = wd
    self.decoupled = decoupled
    m = ps.map { [Scalar](repeating: 0, count: $0.count) }
    v = m
  }

  /// One Adam update; parameters without a gradient are skipped.
  public func step() {
    stepCount += 1
    let c1 = 1 - powInt(betas.0, stepCount), c2 = 1 - powInt(betas.1, stepCount)
    for (i, p) in parameters.enumerated() where !p.grad.isEmpty {
      p.grad.withUnsafeBufferPointer { g in
        m[i].withUnsafeMutableBufferPointer { mb in
          v[i].withUnsafeMutableBufferPointer { vb in
            p.withMutableData { pb in
              adamKernel(
                pb, g, mb, vb, lr: Scalar(learningRate), b1: Scalar(betas.0), b2: Scalar(betas.1),
                eps: Scalar(eps), c1: Scalar(c1), c2: Scalar(c2),
                decoupledDecay: decoupled ? Scalar(weightDecay) : 0,
                l2: decoupled ? 0 : Scalar(weightDecay))
            }
          }
        }
      }
    }
  }
}

/// AdamW: Adam with decoupled weight decay `p ← p − lr·wd·p` (torch default wd 0.01).
public final class AdamW<Scalar: TensorScalar>: Optimizer {
  let inner: Adam<Scalar>
  /// The tensors to update.
  public var parameters: [TensorOf<Scalar>] { inner.parameters }
  /// Step size.
  public var learningRate: Double {
    get { inner.learningRate }
    set { inner.learningRate = newValue }
  }
  /// AdamW over `parameters`.
  public init(
    parameters: [TensorOf<Scalar>], learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
    eps: Double = 1e-8, weightDecay: Double = 0.01
  ) {
    inner = Adam(parameters, learningRate, betas, eps, weightDecay, decoupled: true)
  }
  /// One AdamW update.
  public func step() { inner.step() }
}

/// Stochastic gradient descent with optional (heavy-ball, torch-style) momentum.
public final class SGD<Scalar: TensorScalar>: Optimizer {
  /// The tensors to update.
  public let parameters: [TensorOf<Scalar>]
  /// Step size.
  public var learningRate: Double
  /// Momentum coefficient (0: plain SGD).
  public var momentum: Double
  var velocity: [[Scalar]]

  /// SGD over `parameters`.
  public init(parameters: [TensorOf<Scalar>], learningRate: Double, momentum: Double = 0) {
    self.parameters = parameters
    self.learningRate = learningRate
    self.momentum = momentum
    velocity = parameters.map { [Scalar](repeating: 0, count: $0.count) }
  }

  /// `v ← μv + g; p ← p − lr·v`.
  public func step() {
    let lr = Scalar(learningRate), mu = Scalar(momentum)
    for (i, p) in parameters.enumerated() where !p.grad.isEmpty {
      let g = p.grad
      p.withMutableData { pb in
        for j in 0..<pb.count {
          velocity[i][j] = mu * velocity[i][j] + g[j]
          pb[j] -= lr * velocity[i][j]
        }
      }
    }
  }
}

/// RMSprop (Hinton's lecture 6e; torch's `RMSprop`, the optimizer of A2C in OpenAI Baselines and
/// Stable Baselines3): divides each step by a running RMS of the gradients,
/// `v ← αv + (1 − α)g²; p ← p − lr·g / (√v + ε)`. SB3's A2C uses α = 0.99, ε = 1e-5.
public final class RMSprop<Scalar: TensorScalar>: Optimizer {
  /// The tensors to update.
  public let parameters: [TensorOf<Scalar>]
  /// Step size.
  public var learningRate: Double
  /// Decay of the running mean of squared gradients.
  public var alpha: Double
  /// Added to the RMS before dividing.
  public var eps: Double
  var squareAverage: [[Scalar]]

  /// RMSprop over `parameters`.
  public init(parameters: [TensorOf<Scalar>], learningRate: Double, alpha: Double = 0.99, eps: Double = 1e-8) {
    self.parameters = parameters
    self.learningRate = learningRate
    self.alpha = alpha
    self.eps = eps
    squareAverage = parameters.map { [Scalar](repeating: 0, count: $0.count) }
  }

  /// One update.
  public func step() {
    let lr = Scalar(learningRate), a = Scalar(alpha), e = Scalar(eps)
    for (i, p) in parameters.enumerated() where !p.grad.isEmpty {
      let g = p.grad
      squareAverage[i].withUnsafeMutableBufferPointer { v in
        p.withMutableData { pb in
          for j in 0..<pb.count {
            v[j] = a * v[j] + (1 - a) * g[j] * g[j]
            pb[j] -= lr * g[j] / (v[j].squareRoot() + e)
          }
        }
      }
    }
  }
}

/// Scales all gradients so their joint L2 norm is at most `maxNorm`; returns the norm before
/// clipping (torch's `clip_grad_norm_`).
@discardableResult
@_specialize(where S == Float)
@_specialize(where S == Double)
public func clipGradNorm<S: TensorScalar>(_ parameters: [TensorOf<S>], maxNorm: Double) -> Double {
  var total = 0.0
  let withGrad = parameters.filter { !$0.grad.isEmpty }
  if S.self == Float.self {
    // Each parameter's Σ g² in its own order (below), the chains of several side by side in C.
    var sums = [Double](repeating: 0, count: withGrad.count)
    let counts = withGrad.map(\.grad.count)
    // Every gradient's buffer pinned at once (nested scopes), then one call.
    func pin(_ i: Int, _ pointers: [UnsafePointer<Float>?]) {
      guard i < withGrad.count else { return loom_sum_squares_f64(pointers, counts, withGrad.count, &sums) }
      withGrad[i].grad.withUnsafeBufferPointer { g in
        pin(i + 1, pointers + [UnsafeRawPointer(g.baseAddress!).assumingMemoryBound(to: Float.self)])
      }
    }
    pin(0, [])
    for s in sums { total += s }
  } else {
    for p in withGrad {
      total += p.grad.withUnsafeBufferPointer { g in
        var s = 0.0
        for x in g { s += Double(x) * Double(x) }
        return s
      }
    }
  }
  let norm = total.squareRoot()
  let coef = maxNorm / (norm + 1e-6)
  if coef < 1 {
    for p in parameters where !p.grad.isEmpty {
      p.grad.withUnsafeMutableBufferPointer { g in for i in 0..<g.count { g[i] *= S(coef) } }
    }
  }
  return norm
}

/// Learning-rate schedules: the rate at `step` of `totalSteps`.
public enum LRSchedule: Sendable {
  /// Constant.
  case constant
  /// Linear from 1× to `endFactor`× (CleanRL's annealing: `1 − step/total`).
  case linear(endFactor: Double = 0)
  /// Linear warmup over `warmupSteps`, then cosine decay to `minFactor`×.
  case cosine(warmupSteps: Int = 0, minFactor: Double = 0)

  /// The learning rate at `step` (0-based) of `totalSteps`.
  public func rate(base: Double, step: Int, totalSteps: Int) -> Double {
    let t = Double(step), T = Double(Swift.max(totalSteps, 1))
    switch self {
    case .constant:
      return base
    case .linear(let end):
      return base * (1 + (end - 1) * Swift.min(t / T, 1))
    case .cosine(let warmup, let minF):
      if step < warmup { return base * Double(step + 1) / Double(warmup) }
      let progress = Swift.min((t - Double(warmup)) / Swift.max(T - Double(warmup), 1), 1)
      let c: Double = 0.5 * (1 + cosineOf(Double.pi * progress))
      return base * (minF + (1 - minF) * c)
    }
  }
}
