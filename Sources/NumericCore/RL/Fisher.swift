// TRPO's Fisher-vector product, exact, without double backward: the Fisher of a policy is
// Jᵀ·F_dist·J, where J is the Jacobian of the distribution parameters (logits) with respect to
// the network parameters and F_dist is the analytic Fisher of the distribution
// (`Categorical.fisherVectorProduct`: diag(p) − ppᵀ). J·v comes from a forward-mode pass
// through the MLP (`jvp`), Jᵀ·u from an ordinary backward pass seeded with u.

extension Activation {
  var unaryOp: UnaryOp<Float>? {
    switch self {
    case .tanh: .tanh
    case .relu: .relu
    case .gelu: .gelu
    case .sigmoid: .sigmoid
    case .identity: nil
    }
  }
}

extension MLP {
  /// Forward-mode derivative: the output and its directional derivative when the parameters
  /// move along `parameterTangent` (one tensor per entry of `parameters`). No graph is built.
  public func jvp(_ x: Tensor, parameterTangent: [Tensor]) -> (output: Tensor, tangent: Tensor) {
    ensure(
      parameterTangent.count == parameters.count,
      "jvp: \(parameterTangent.count) tangents for \(parameters.count) parameters")
    return withNoGrad {
      var h = x
      var dh = Tensor.zeros(x.shape)
      var k = 0
      for (i, l) in layers.enumerated() {
        let dW = parameterTangent[k]
        let db: Tensor? = l.bias == nil ? nil : parameterTangent[k + 1]
        k += l.bias == nil ? 1 : 2
        let z = h.linear(weight: l.weight, bias: l.bias)
        let dz = dh.linear(weight: l.weight, bias: nil) + h.linear(weight: dW, bias: db)
        if i == layers.count - 1 { return (z, dz) }
        guard let op = activation.unaryOp else { h = z; dh = dz; continue }
        let y = z.unary(op)
        var dy = [Float](repeating: 0, count: z.count)
        z.data.withUnsafeBufferPointer { zb in
          y.data.withUnsafeBufferPointer { yb in
            dz.data.withUnsafeBufferPointer { g in
              dy.withUnsafeMutableBufferPointer { unaryBackward(op, zb, yb, g, $0) }
            }
          }
        }
        h = y
        dh = Tensor(dy, shape: z.shape)
      }
      fatalError("unreachable: the last layer returns")
    }
  }

  /// Exact Fisher-vector product `(F + damping·I)·v` of a categorical policy whose logits are
  /// this network's output, averaged over `observations` (`[N, in]`). `vector` has one tensor
  /// per parameter; so does the result. Existing parameter gradients are left untouched.
  public func categoricalFisherVectorProduct(
    observations: Tensor, vector: [Tensor], damping: Float = 0
  ) -> [Tensor] {
    let (logits, jv) = jvp(observations, parameterTangent: vector)
    let n = Float(logits.count / Swift.max(logits.shape.last ?? 1, 1))
    let u = withNoGrad { Categorical(logits: logits).fisherVectorProduct(jv) * (1 / n) }
    let ps = parameters
    let saved = ps.map(\.grad)
    for p in ps { p.clearGrad() }
    self(observations).backward(seed: u.data)
    let result = zip(ps, vector).map { p, v in
      let g = p.grad.isEmpty ? [Float](repeating: 0, count: p.count) : p.grad
      return Tensor(zip(g, v.data).map { $0 + damping * $1 }, shape: p.shape)
    }
    for (p, g) in zip(ps, saved) { p.grad = g }
    return result
  }
}

extension MLP {
  /// Exact Fisher-vector product of a diagonal-Gaussian policy whose mean is this network's
  /// output and whose log-std is a state-independent parameter `logStd` (`[A]`), averaged over
  /// `observations`: mean part `Jᵀ·Σ⁻¹·J·v`, log-std part `2·v_logStd` (plus damping).
  public func gaussianFisherVectorProduct(
    observations: Tensor, logStd: Tensor, vector: [Tensor], logStdVector: Tensor, damping: Float = 0
  ) -> (network: [Tensor], logStd: Tensor) {
    let (mean, jv) = jvp(observations, parameterTangent: vector)
    let n = Float(mean.count / Swift.max(mean.shape.last ?? 1, 1))
    let u = withNoGrad { jv * (logStd * -2).exp() * (1 / n) }
    let ps = parameters
    let saved = ps.map(\.grad)
    for p in ps { p.clearGrad() }
    self(observations).backward(seed: u.data)
    let network = zip(ps, vector).map { p, v in
      let g = p.grad.isEmpty ? [Float](repeating: 0, count: p.count) : p.grad
      return Tensor(zip(g, v.data).map { $0 + damping * $1 }, shape: p.shape)
    }
    for (p, g) in zip(ps, saved) { p.grad = g }
    let ls = Tensor(logStdVector.data.map { (2 + damping) * $0 }, shape: logStd.shape)
    return (network, ls)
  }
}

/// Concatenates tensors' values into one Float64 vector (TRPO's flat parameter/gradient space).
public func flatten<S>(_ tensors: [TensorOf<S>]) -> [Double] {
  tensors.flatMap { $0.doubles }
}

/// Concatenates tensors' gradients (zeros where a tensor has none) into one Float64 vector.
public func flattenGradients<S>(_ tensors: [TensorOf<S>]) -> [Double] {
  tensors.flatMap { $0.grad.isEmpty ? [Double](repeating: 0, count: $0.count) : $0.gradDoubles }
}

/// Splits a flat vector into tensors shaped like `like` (the inverse of `flatten`).
public func unflatten(_ v: [Double], like: [Tensor]) -> [Tensor] {
  let total = like.reduce(0) { $0 + $1.count }
  ensure(v.count == total, "unflatten: \(v.count) values for \(total) parameters")
  var offset = 0
  return like.map { t in
    defer { offset += t.count }
    return Tensor(v[offset..<(offset + t.count)].map { Float($0) }, shape: t.shape)
  }
}

extension Module {
  /// All parameter values as one Float64 vector, in `parameters` order.
  public var flatParameters: [Double] { flatten(parameters) }

  /// Overwrites all parameters from one flat vector (TRPO's line search).
  public func assignFlatParameters(_ v: [Double]) {
    for (p, t) in zip(parameters, unflatten(v, like: parameters)) { p.assign(t.data) }
  }
}
