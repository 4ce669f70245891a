// Elementwise kernels. Every loop lives here, in functions pre-specialised for Float and Double
// (see TensorScalar.swift for why). The derivative table sits next to the forward table.

/// Pointwise primitives. Parameterised cases carry their constant.
enum UnaryOp<S: TensorScalar> {
  case neg, exp, log, tanh, sigmoid, relu, gelu, softplus, sqrt, abs
  case scale(S), shift(S), powScalar(S), clamp(S, S), leakyRelu(S)

  var name: String {
    switch self {
    case .neg: "neg"
    case .exp: "exp"
    case .log: "log"
    case .tanh: "tanh"
    case .sigmoid: "sigmoid"
    case .relu: "relu"
    case .gelu: "gelu"
    case .softplus: "softplus"
    case .sqrt: "sqrt"
    case .abs: "abs"
    case .scale: "scale"
    case .shift: "shift"
    case .powScalar: "pow"
    case .clamp: "clamp"
    case .leakyRelu: "leakyRelu"
    }
  }
}

// GELU, tanh approximation (GPT-2's "gelu_new"; torch's approximate="tanh").
@inline(__always) func geluConst<S: TensorScalar>() -> (S, S) { (S(0.7978845608028654), S(0.044715)) }

@inline(__always) func sigmoidScalar<S: TensorScalar>(_ x: S) -> S {
  if x >= 0 { return 1 / (1 + S.exp(-x)) }
  let e = S.exp(x)
  return e / (1 + e)
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func unaryForward<S: TensorScalar>(
  _ op: UnaryOp<S>, _ x: UnsafeBufferPointer<S>, _ y: UnsafeMutableBufferPointer<S>
) {
  let n = x.count
  switch op {
  case .neg: for i in 0..<n { y[i] = -x[i] }
  case .exp: for i in 0..<n { y[i] = S.exp(x[i]) }
  case .log: for i in 0..<n { y[i] = S.log(x[i]) }
  case .tanh: for i in 0..<n { y[i] = S.tanh(x[i]) }
  case .sigmoid: for i in 0..<n { y[i] = sigmoidScalar(x[i]) }
  case .relu: for i in 0..<n { y[i] = x[i] > 0 ? x[i] : 0 }
  case .gelu:
    let (c, k): (S, S) = geluConst()
    for i in 0..<n {
      let v = x[i]
      y[i] = 0.5 * v * (1 + S.tanh(c * (v + k * v * v * v)))
    }
  case .softplus:
    // log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large |x|.
    for i in 0..<n { let v = x[i]; y[i] = max(v, 0) + S.log1p(S.exp(-Swift.abs(v))) }
  case .sqrt: for i in 0..<n { y[i] = x[i].squareRoot() }
  case .abs: for i in 0..<n { y[i] = Swift.abs(x[i]) }
  case .scale(let c): for i in 0..<n { y[i] = x[i] * c }
  case .shift(let c): for i in 0..<n { y[i] = x[i] + c }
  case .powScalar(let p): for i in 0..<n { y[i] = S.pow(x[i], p) }
  case .clamp(let lo, let hi): for i in 0..<n { y[i] = Swift.min(Swift.max(x[i], lo), hi) }
  case .leakyRelu(let a): for i in 0..<n { y[i] = x[i] > 0 ? x[i] : a * x[i] }
  }
}

/// gx += gy · f'(x), using x or the saved output y, whichever is cheaper.
@_specialize(where S == Float)
@_specialize(where S == Double)
func unaryBackward<S: TensorScalar>(
  _ op: UnaryOp<S>, _ x: UnsafeBufferPointer<S>, _ y: UnsafeBufferPointer<S>,
  _ gy: UnsafeBufferPointer<S>, _ gx: UnsafeMutableBufferPointer<S>
) {
  let n = x.count
  switch op {
  case .neg: for i in 0..<n { gx[i] -= gy[i] }
  case .exp: for i in 0..<n { gx[i] += gy[i] * y[i] }
  case .log: for i in 0..<n { gx[i] += gy[i] / x[i] }
  case .tanh: for i in 0..<n { gx[i] += gy[i] * (1 - y[i] * y[i]) }
  case .sigmoid: for i in 0..<n { gx[i] += gy[i] * y[i] * (1 - y[i]) }
  // Selects rather than branches, so the loop vectorises (a perf profile of SAC showed the
  // branchy form costing as much as the matmuls).
  case .relu: for i in 0..<n { gx[i] += x[i] > 0 ? gy[i] : 0 }
  case .gelu:
    let (c, k): (S, S) = geluConst()
    for i in 0..<n {
      let v = x[i]
      let t = S.tanh(c * (v + k * v * v * v))
      let d = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * k * v * v)
      gx[i] += gy[i] * d
    }
  case .softplus: for i in 0..<n { gx[i] += gy[i] * sigmoidScalar(x[i]) }
  case .sqrt: for i in 0..<n { gx[i] += gy[i] * 0.5 / y[i] }
  case .abs: for i in 0..<n { gx[i] += x[i] > 0 ? gy[i] : (x[i] < 0 ? -gy[i] : 0) }
  case .scale(let c): for i in 0..<n { gx[i] += gy[i] * c }
  case .shift: for i in 0..<n { gx[i] += gy[i] }
  case .powScalar(let p): for i in 0..<n { gx[i] += gy[i] * p * S.pow(x[i], p - 1) }
  case .clamp(let lo, let hi): for i in 0..<n { gx[i] += x[i] >= lo && x[i] <= hi ? gy[i] : 0 }
  case .leakyRelu(let a): for i in 0..<n { gx[i] += x[i] > 0 ? gy[i] : a * gy[i] }
  }
}

/// Broadcasting binary primitives.
enum BinaryOp: String {
  case add = "+", sub = "-", mul = "*", div = "/", maximum, minimum, pow
}

@_specialize(where S == Float)
@_specialize(where S == Double)
func binaryForward<S: TensorScalar>(
  _ op: BinaryOp, _ plan: BroadcastPlan, _ a: UnsafeBufferPointer<S>, _ b: UnsafeBufferPointer<S>,
  _ o: UnsafeMutableBufferPointer<S>
) {
  let ap = a.baseAddress!, bp = b.baseAddress!, op0 = o.baseAddress!
  plan.forEachRow { offA, offB, offO, n, sa, sb in
    let x = ap + offA, y = bp + offB, z = op0 + offO
    switch op {
    case .add:
      if sa == 1 && sb == 1 { for i in 0..<n { z[i] = x[i] + y[i] } }
      else { for i in 0..<n { z[i] = x[i * sa] + y[i * sb] } }
    case .sub:
      if sa == 1 && sb == 1 { for i in 0..<n { z[i] = x[i] - y[i] } }
      else { for i in 0..<n { z[i] = x[i * sa] - y[i * sb] } }
    case .mul:
      if sa == 1 && sb == 1 { for i in 0..<n { z[i] = x[i] * y[i] } }
      else { for i in 0..<n { z[i] = x[i * sa] * y[i * sb] } }
    case .div: for i in 0..<n { z[i] = x[i * sa] / y[i * sb] }
    case .maximum: for i in 0..<n { z[i] = Swift.max(x[i * sa], y[i * sb]) }
    case .minimum: for i in 0..<n { z[i] = Swift.min(x[i * sa], y[i * sb]) }
    case .pow: for i in 0..<n { z[i] = S.pow(x[i * sa], y[i * sb]) }
    }
  }
}

/// Accumulates ∂out/∂a · gout into ga (which: 0) or ∂out/∂b · gout into gb (which: 1). Walking the
/// output with the input's broadcast strides sums the gradient back to the input's shape.
@_specialize(where S == Float)
@_specialize(where S == Double)
func binaryBackward<S: TensorScalar>(
  _ op: BinaryOp, _ plan: BroadcastPlan, which: Int,
  _ a: UnsafeBufferPointer<S>, _ b: UnsafeBufferPointer<S>, _ out: UnsafeBufferPointer<S>,
  _ gout: UnsafeBufferPointer<S>, _ g: UnsafeMutableBufferPointer<S>
) {
  let ap = a.baseAddress!, bp = b.baseAddress!, yp = out.baseAddress!, gp = gout.baseAddress!
  let gt = g.baseAddress!
  plan.forEachRow { offA, offB, offO, n, sa, sb in
    let x = ap + offA, y = bp + offB, z = yp + offO, gz = gp + offO
    let dst = gt + (which == 0 ? offA : offB)
    let s = which == 0 ? sa : sb
    switch (op, which) {
    case (.add, _):
      if s == 1 { for i in 0..<n { dst[i] += gz[i] } } else { for i in 0..<n { dst[i * s] += gz[i] } }
    case (.sub, 0): for i in 0..<n { dst[i * s] += gz[i] }
    case (.sub, _): for i in 0..<n { dst[i * s] -= gz[i] }
    case (.mul, 0):
      if s == 1 && sb == 1 { for i in 0..<n { dst[i] += gz[i] * y[i] } }
      else { for i in 0..<n { dst[i * s] += gz[i] * y[i * sb] } }
    case (.mul, _):
      if s == 1 && sa == 1 { for i in 0..<n { dst[i] += gz[i] * x[i] } }
      else { for i in 0..<n { dst[i * s] += gz[i] * x[i * sa] } }
    case (.div, 0): for i in 0..<n { dst[i * s] += gz[i] / y[i * sb] }
    case (.div, _): for i in 0..<n { dst[i * s] -= gz[i] * z[i] / y[i * sb] }
    // Ties send the gradient to `a` (torch splits it; ties have measure zero in practice).
    case (.maximum, 0): for i in 0..<n where x[i * sa] >= y[i * sb] { dst[i * s] += gz[i] }
    case (.maximum, _): for i in 0..<n where x[i * sa] < y[i * sb] { dst[i * s] += gz[i] }
    case (.minimum, 0): for i in 0..<n where x[i * sa] <= y[i * sb] { dst[i * s] += gz[i] }
    case (.minimum, _): for i in 0..<n where x[i * sa] > y[i * sb] { dst[i * s] += gz[i] }
    case (.pow, 0):
      for i in 0..<n {
        let u = x[i * sa], p = y[i * sb]
        dst[i * s] += gz[i] * p * S.pow(u, p - 1)
      }
    case (.pow, _):
      for i in 0..<n { dst[i * s] += gz[i] * z[i] * S.log(x[i * sa]) }
    }
  }
}

/// Adds `src` (laid out as `from`) into `dst` (laid out as `to`, broadcastable to `from`),
/// summing over broadcast dimensions: the one unbroadcast helper.
@_specialize(where S == Float)
@_specialize(where S == Double)
func unbroadcastAdd<S: TensorScalar>(
  _ src: UnsafeBufferPointer<S>, from: [Int], into dst: UnsafeMutableBufferPointer<S>, to: [Int]
) {
  let plan = BroadcastPlan(to, from, op: "unbroadcast")
  ensure(plan.outShape == from, "unbroadcast: cannot reduce \(from) to \(to)")
  let sp = src.baseAddress!, dp = dst.baseAddress!
  plan.forEachRow { offA, _, offO, n, sa, _ in
    let d = dp + offA, s = sp + offO
    if sa == 1 { for i in 0..<n { d[i] += s[i] } } else { for i in 0..<n { d[i * sa] += s[i] } }
  }
}

/// Copies `src` (shape `from`) broadcast to shape `to`.
@_specialize(where S == Float)
@_specialize(where S == Double)
func broadcastCopy<S: TensorScalar>(
  _ src: UnsafeBufferPointer<S>, from: [Int], into dst: UnsafeMutableBufferPointer<S>, to: [Int]
) {
  let plan = BroadcastPlan(from, to, op: "expand")
  ensure(plan.outShape == to, "expand: cannot broadcast \(from) to \(to)")
  let sp = src.baseAddress!, dp = dst.baseAddress!
  plan.forEachRow { offA, _, offO, n, sa, _ in
    let d = dp + offO, s = sp + offA
    for i in 0..<n { d[i] = s[i * sa] }
  }
}
