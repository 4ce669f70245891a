// Pointwise and broadcasting primitives: each computes `out`, then hands gradients back right
// next to it (kernels and the derivative table are in Kernels+Elementwise.swift).

extension TensorOf {
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  func unary(_ op: UnaryOp<Scalar>) -> TensorOf {
    var y: [Scalar] = uninitializedArray(count: count)
    data.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { unaryForward(op, x, $0) } }
    return TensorOf(y, shape: shape, op: op.name, inputs: [self]) { out in
      self.accumulateGrad { gx in
        self.data.withUnsafeBufferPointer { x in
          out.data.withUnsafeBufferPointer { y in
            out.grad.withUnsafeBufferPointer { gy in unaryBackward(op, x, y, gy, gx) }
          }
        }
      }
    }
  }

  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  func binary(_ op: BinaryOp, _ other: TensorOf, name: String? = nil) -> TensorOf {
    let plan = BroadcastPlan(shape, other.shape, op: name ?? op.rawValue)
    var z: [Scalar] = uninitializedArray(count: plan.outShape.reduce(1, *))
    if !z.isEmpty {
      data.withUnsafeBufferPointer { a in
        other.data.withUnsafeBufferPointer { b in
          z.withUnsafeMutableBufferPointer { binaryForward(op, plan, a, b, $0) }
        }
      }
    }
    return TensorOf(z, shape: plan.outShape, op: op.rawValue, inputs: [self, other]) { out in
      for (which, t) in [self, other].enumerated() where t.requiresGrad {
        t.accumulateGrad { g in
          self.data.withUnsafeBufferPointer { a in
            other.data.withUnsafeBufferPointer { b in
              out.data.withUnsafeBufferPointer { y in
                out.grad.withUnsafeBufferPointer { gy in
                  binaryBackward(op, plan, which: which, a, b, y, gy, g)
                }
              }
            }
          }
        }
      }
    }
  }

  /// Elementwise sum with broadcasting.
  public static func + (a: TensorOf, b: TensorOf) -> TensorOf { a.binary(.add, b) }
  /// Elementwise difference with broadcasting.
  public static func - (a: TensorOf, b: TensorOf) -> TensorOf { a.binary(.sub, b) }
  /// Elementwise product with broadcasting.
  public static func * (a: TensorOf, b: TensorOf) -> TensorOf { a.binary(.mul, b) }
  /// Elementwise quotient with broadcasting.
  public static func / (a: TensorOf, b: TensorOf) -> TensorOf { a.binary(.div, b) }
  /// Negation.
  public static prefix func - (a: TensorOf) -> TensorOf { a.unary(.neg) }

  /// Tensor plus a constant.
  public static func + (a: TensorOf, c: Scalar) -> TensorOf { a.unary(.shift(c)) }
  /// Constant plus a tensor.
  public static func + (c: Scalar, a: TensorOf) -> TensorOf { a.unary(.shift(c)) }
  /// Tensor minus a constant.
  public static func - (a: TensorOf, c: Scalar) -> TensorOf { a.unary(.shift(-c)) }
  /// Constant minus a tensor.
  public static func - (c: Scalar, a: TensorOf) -> TensorOf { (-a).unary(.shift(c)) }
  /// Tensor times a constant.
  public static func * (a: TensorOf, c: Scalar) -> TensorOf { a.unary(.scale(c)) }
  /// Constant times a tensor.
  public static func * (c: Scalar, a: TensorOf) -> TensorOf { a.unary(.scale(c)) }
  /// Tensor divided by a constant.
  public static func / (a: TensorOf, c: Scalar) -> TensorOf { a.unary(.scale(1 / c)) }
  /// Constant divided by a tensor.
  public static func / (c: Scalar, a: TensorOf) -> TensorOf { a.unary(.powScalar(-1)) * c }

  /// e^x elementwise.
  public func exp() -> TensorOf { unary(.exp) }
  /// Natural log elementwise.
  public func log() -> TensorOf { unary(.log) }
  /// tanh elementwise.
  public func tanh() -> TensorOf { unary(.tanh) }
  /// Logistic sigmoid 1/(1+e^-x), stable for large |x|.
  public func sigmoid() -> TensorOf { unary(.sigmoid) }
  /// max(x, 0).
  public func relu() -> TensorOf { unary(.relu) }
  /// x if x > 0 else slope·x.
  public func leakyRelu(slope: Scalar = 0.01) -> TensorOf { unary(.leakyRelu(slope)) }
  /// log(1 + e^x), stable.
  public func softplus() -> TensorOf { unary(.softplus) }
  /// Square root.
  public func sqrt() -> TensorOf { unary(.sqrt) }
  /// Absolute value.
  public func abs() -> TensorOf { unary(.abs) }
  /// x^p for a constant p.
  public func pow(_ p: Scalar) -> TensorOf { unary(.powScalar(p)) }
  /// x^y elementwise with broadcasting (x > 0 where the gradient wrt y is needed).
  public func pow(_ y: TensorOf) -> TensorOf { binary(.pow, y) }
  /// x², a shortcut for `x * x`.
  public func squared() -> TensorOf { self * self }
  /// Clamps into [low, high]; the gradient is 1 inside, 0 outside.
  public func clamped(_ low: Scalar, _ high: Scalar) -> TensorOf { unary(.clamp(low, high)) }
  /// Elementwise maximum with broadcasting.
  public func maximum(_ other: TensorOf) -> TensorOf { binary(.maximum, other) }
  /// Elementwise minimum with broadcasting.
  public func minimum(_ other: TensorOf) -> TensorOf { binary(.minimum, other) }
  /// log σ(x) = −softplus(−x), stable for large |x|.
  public func logSigmoid() -> TensorOf { -((-self).softplus()) }

  /// `a` where `condition` is true, `b` elsewhere; `condition` broadcasts like the values.
  public static func `where`(_ condition: [Bool], shape: [Int], _ a: TensorOf, _ b: TensorOf)
    -> TensorOf
  {
    let mask = TensorOf(condition.map { $0 ? 1 : 0 }, shape: shape)
    return mask * a + (1 - mask) * b
  }
}
