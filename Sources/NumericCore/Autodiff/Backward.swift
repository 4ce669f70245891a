/// Whether ops record the graph. Off inside `withNoGrad { }`.
///
/// A task-local (not a global) because Swift Testing runs tests concurrently: a no-grad scope in
/// one test must not switch off recording in another. Outside any task it behaves like a
/// thread-local.
public enum GradMode {
  @TaskLocal static var disabled = false
  /// True unless inside `withNoGrad`.
  public static var isEnabled: Bool { !disabled }
}

/// Runs `body` without recording the graph (rollouts, target computations, evaluation).
///
/// ```swift
/// let action = withNoGrad { policy(obs).argmax(alongAxis: -1) }
/// ```
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
  try GradMode.$disabled.withValue(true) { try body() }
}

extension TensorOf {
  /// Fills `grad` for every tensor this scalar was computed from (adding to existing grads).
  ///
  /// Non-scalar roots need an explicit `seed` (the vector in a vector-Jacobian product).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func backward(seed: [Scalar]? = nil) {
    if let seed {
      ensure(seed.count == count, "backward: seed has \(seed.count) values, shape \(shape)")
    } else {
      ensure(count == 1, "backward() needs a scalar, got shape \(shape); pass a seed")
    }
    // Iterative depth-first topological sort: inputs come before the tensors built from them.
    var order: [TensorOf] = []
    var seen: Set<ObjectIdentifier> = []
    var stack: [(TensorOf, Bool)] = [(self, false)]
    while let (t, expanded) = stack.popLast() {
      if expanded { order.append(t); continue }
      guard seen.insert(ObjectIdentifier(t)).inserted else { continue }
      stack.append((t, true))
      for i in t.inputs where i.requiresGrad && !seen.contains(ObjectIdentifier(i)) {
        stack.append((i, false))
      }
    }
    let s = seed ?? [1]
    accumulateGrad { g in for i in 0..<g.count { g[i] += s[i] } }
    for t in order.reversed() {
      guard let p = t.propagate, !t.grad.isEmpty else { continue }
      p(t)
      // Intermediate gradients are not needed once handed back; free them early.
      if !t.inputs.isEmpty && t !== self { t.grad = [] }
    }
  }
}
