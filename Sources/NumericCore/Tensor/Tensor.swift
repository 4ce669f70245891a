/// A node in the computation graph: row-major values, their gradient, and how to hand that
/// gradient back to the tensors it was computed from.
///
/// ```swift
/// let x = Tensor([1, 2, 3], shape: [3], requiresGrad: true)
/// let y = (x * x).sum()
/// y.backward()
/// print(x.grad)   // [2.0, 4.0, 6.0]
/// ```
/// A `final class` because graph nodes need identity (micrograd's `Value`). Storage is always
/// contiguous; "views" (reshape, squeeze) share the array copy-on-write, so they cost O(1).
public final class TensorOf<Scalar: TensorScalar> {
  /// The values, row-major.
  public internal(set) var data: [Scalar]
  /// The gradient of the last `backward()` root with respect to this tensor, accumulated (`+=`)
  /// across calls until `zeroGrad()`. Empty until a backward pass reaches this tensor.
  public internal(set) var grad: [Scalar] = []
  /// The dimensions, outermost first. `[]` is a scalar.
  public let shape: [Int]
  /// Whether gradients flow to (and through) this tensor.
  public internal(set) var requiresGrad: Bool
  let inputs: [TensorOf]
  /// The op that produced this tensor ("+", "matmul", "relu"; "leaf" for data), for graph dumps.
  public let op: String
  /// Adds `out.grad` (chained through this op's derivative) into the inputs' grads.
  let propagate: ((_ out: TensorOf) -> Void)?

  /// A leaf tensor holding `data` laid out as `shape`.
  public init(_ data: [Scalar], shape: [Int], requiresGrad: Bool = false) {
    ensure(
      data.count == shape.reduce(1, *),
      "Tensor: \(data.count) values do not fill shape \(shape)")
    self.data = data
    self.shape = shape
    self.requiresGrad = requiresGrad
    self.inputs = []
    self.op = "leaf"
    self.propagate = nil
  }

  /// A 1-D leaf tensor.
  public convenience init(_ data: [Scalar], requiresGrad: Bool = false) {
    self.init(data, shape: [data.count], requiresGrad: requiresGrad)
  }

  /// A scalar (rank-0) leaf tensor.
  public convenience init(scalar: Scalar, requiresGrad: Bool = false) {
    self.init([scalar], shape: [], requiresGrad: requiresGrad)
  }

  /// The result of an op. Records `inputs` and `propagate` only if some input needs a gradient
  /// and gradient recording is on (see `withNoGrad`).
  init(
    _ data: [Scalar], shape: [Int], op: String, inputs: [TensorOf],
    propagate: @escaping (_ out: TensorOf) -> Void
  ) {
    self.data = data
    self.shape = shape
    self.op = op
    if GradMode.isEnabled && inputs.contains(where: { $0.requiresGrad }) {
      self.requiresGrad = true
      self.inputs = inputs
      self.propagate = propagate
    } else {
      self.requiresGrad = false
      self.inputs = []
      self.propagate = nil
    }
  }

  /// Whether an op on `inputs` records the graph (so it must keep what its backward pass reads).
  func recordsGraph(_ inputs: [TensorOf]) -> Bool {
    GradMode.isEnabled && inputs.contains(where: { $0.requiresGrad })
  }

  /// Number of elements.
  public var count: Int { data.count }
  /// Number of dimensions.
  public var rank: Int { shape.count }
  /// The single value of a one-element tensor.
  public var item: Scalar {
    ensure(data.count == 1, "item: needs one element, got shape \(shape)")
    return data[0]
  }
  /// The values as `[Double]` (handy for printing and plotting).
  public var doubles: [Double] { toDoubles(data) }
  /// The gradient as `[Double]`.
  public var gradDoubles: [Double] { toDoubles(grad) }

  /// Tensor of zeros.
  public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> TensorOf {
    TensorOf(
      [Scalar](repeating: 0, count: shape.reduce(1, *)), shape: shape, requiresGrad: requiresGrad)
  }
  /// Tensor of ones.
  public static func ones(_ shape: [Int]) -> TensorOf {
    TensorOf([Scalar](repeating: 1, count: shape.reduce(1, *)), shape: shape)
  }
  /// Tensor filled with `value`.
  public static func full(_ shape: [Int], _ value: Scalar) -> TensorOf {
    TensorOf([Scalar](repeating: value, count: shape.reduce(1, *)), shape: shape)
  }
  /// Standard-normal entries times `std`, drawn from `rng`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func randn(
    _ shape: [Int], std: Double = 1, using rng: inout SeededGenerator
  ) -> TensorOf {
    let n = shape.reduce(1, *)
    var d: [Scalar] = zerosArray(count: n)
    for i in 0..<n { d[i] = Scalar(rng.normal() * std) }
    return TensorOf(d, shape: shape)
  }
  /// Uniform entries in [low, high), drawn from `rng`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func uniform(
    _ shape: [Int], low: Double = 0, high: Double = 1, using rng: inout SeededGenerator
  ) -> TensorOf {
    let n = shape.reduce(1, *)
    var d: [Scalar] = zerosArray(count: n)
    for i in 0..<n { d[i] = Scalar(rng.uniform(low, high)) }
    return TensorOf(d, shape: shape)
  }

  /// Marks this leaf as a parameter (or not) whose gradient `backward()` should fill.
  @discardableResult
  public func requiringGrad(_ flag: Bool = true) -> TensorOf {
    ensure(inputs.isEmpty, "requiringGrad: only leaf tensors can change requiresGrad")
    requiresGrad = flag
    return self
  }

  /// A leaf with the same values, cut from the graph (no gradient flows through it).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func detached() -> TensorOf { TensorOf(data, shape: shape) }

  /// Overwrites the values of a leaf in place (optimizers, target-network updates, loading).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func assign(_ values: [Scalar]) {
    ensure(values.count == data.count, "assign: \(values.count) values for shape \(shape)")
    data = values
  }

  /// Gives mutable access to the values of a leaf without copying.
  public func withMutableData<R>(_ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R) rethrows
    -> R
  {
    try data.withUnsafeMutableBufferPointer { try body($0) }
  }

  /// Sets the gradient to zeros, keeping its buffer.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func zeroGrad() {
    if grad.isEmpty { return }
    grad.withUnsafeMutableBufferPointer { g in g.update(repeating: 0) }
  }

  /// Drops the gradient buffer.
  public func clearGrad() { grad = [] }

  /// Allocates the gradient buffer (zeros) if needed and hands it to `body`.
  @inline(__always)
  func accumulateGrad(_ body: (UnsafeMutableBufferPointer<Scalar>) -> Void) {
    if grad.isEmpty { grad = zerosArray(count: data.count) }
    grad.withUnsafeMutableBufferPointer { body($0) }
  }

  /// `accumulateGrad` without zeroing a new buffer: `body` gets the buffer and whether it is fresh
  /// (uninitialised), in which case it must write every element as +0 + its contribution (what
  /// adding to zeros gives, bit for bit), never reading the buffer.
  @inline(__always)
  func accumulateGrad(_ body: (UnsafeMutableBufferPointer<Scalar>, _ fresh: Bool) -> Void) {
    let fresh = grad.isEmpty
    if fresh { grad = uninitializedArray(count: data.count) }
    grad.withUnsafeMutableBufferPointer { body($0, fresh) }
  }
}

/// The Float32 tensor the lectures train with.
public typealias Tensor = TensorOf<Float>
/// The Float64 tensor used for gradient checks and exact reference computations.
public typealias Tensor64 = TensorOf<Double>

extension TensorOf: CustomStringConvertible {
  /// `Tensor(shape: [2, 2], op: matmul, data: [1.0, 2.0, …])`.
  public var description: String {
    let shown = data.prefix(8).map { "\($0)" }.joined(separator: ", ")
    let more = data.count > 8 ? ", …" : ""
    return "Tensor(shape: \(shape), op: \(op), data: [\(shown)\(more)])"
  }

  /// The graph below this tensor, one op per line, inputs indented (micrograd-style dump).
  public func graphDump() -> String {
    var lines: [String] = []
    var seen: Set<ObjectIdentifier> = []
    func visit(_ t: TensorOf, _ depth: Int) {
      let pad = String(repeating: "  ", count: depth)
      let again = !seen.insert(ObjectIdentifier(t)).inserted
      lines.append("\(pad)\(t.op) \(t.shape)\(again ? " (seen)" : "")")
      if !again { for i in t.inputs { visit(i, depth + 1) } }
    }
    visit(self, 0)
    return lines.joined(separator: "\n")
  }
}

/// Converts to Float64, pre-specialised (a generic element-by-element conversion is slow).
@_specialize(where S == Float)
@_specialize(where S == Double)
func toDoubles<S: TensorScalar>(_ a: [S]) -> [Double] {
  a.withUnsafeBufferPointer { src in
    [Double](unsafeUninitializedCapacity: src.count) { dst, n in
      for i in 0..<src.count { dst[i] = Double(src[i]) }
      n = src.count
    }
  }
}
