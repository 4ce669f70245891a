import LoomRandom

/// MountainCarContinuous-v0 with Gymnasium's exact constants, dynamics, reward and 999-step limit.
///
/// ```swift
/// var env = MountainCarContinuous()
/// var obs = env.reset(seed: 0)            // [position ~ U(−0.6, −0.4), velocity 0]
/// let s = env.step([0.8])                 // force, clipped to [−1, 1]
/// ```
///
/// Reward: +100 on reaching the goal (position ≥ 0.45, velocity ≥ 0), minus 0.1·a² every step
/// (the unclipped action, as in Gymnasium).
///
/// Gymnasium stores this env's state as **float32** after every step (the reset state is float64),
/// and NumPy ≥ 2 then evaluates part of the update in float32. We reproduce that bit for bit for
/// float64 actions (what Gymnasium computes when given a float64 action array): `state` is
/// float32-representable after every step.
public struct MountainCarContinuous: Environment, Sendable {
  /// `[position, velocity]`.
  public typealias Observation = [Double]
  /// `[force]`.
  public typealias Action = [Double]

  /// Smallest force.
  public static let minAction = -1.0
  /// Largest force.
  public static let maxAction = 1.0
  /// Left wall.
  public static let minPosition = -1.2
  /// Right bound.
  public static let maxPosition = 0.6
  /// Speed limit.
  public static let maxSpeed = 0.07
  /// Goal position.
  public static let goalPosition = 0.45
  /// Minimum velocity at the goal.
  public static let goalVelocity = 0.0
  /// Engine power.
  public static let power = 0.0015

  /// Position.
  public var position = 0.0
  /// Velocity.
  public var velocity = 0.0
  /// True when the state holds float32 values, as Gymnasium's does after any step.
  public var stateIsFloat32 = false
  /// The time limit (999 steps for MountainCarContinuous-v0).
  public var timeLimit = TimeLimit(999)
  /// When true, observations are rounded to Float32 as Gymnasium returns them.
  public var float32Observations = false
  var rng: SeededGenerator

  /// Creates the environment and resets it from `seed`.
  public init(seed: UInt64 = 0) {
    rng = SeededGenerator(seed: seed)
    _ = reset(seed: nil)
  }

  /// The full state `[position, velocity]`; setting it marks it as float64 (as after reset).
  public var state: [Double] {
    get { [position, velocity] }
    set {
      precondition(newValue.count == 2, "MountainCarContinuous.state needs 2 values")
      position = newValue[0]; velocity = newValue[1]; stateIsFloat32 = false
    }
  }

  /// The current observation as the float32 array Gymnasium returns.
  public var observationFloat32: [Float] { state.map { Float($0) } }
  var observation: [Double] { float32Observations ? roundedToFloat32(state) : state }

  /// position ~ U(−0.6, −0.4), velocity 0.
  public mutating func reset(seed: UInt64?) -> [Double] {
    if let seed { rng = SeededGenerator(seed: seed) }
    position = rng.uniform(-0.6, -0.4)
    velocity = 0
    stateIsFloat32 = false
    timeLimit.restart()
    return observation
  }

  /// One step of the car's dynamics.
  public mutating func step(_ action: [Double]) -> Step<[Double]> {
    precondition(action.count == 1, "MountainCarContinuous: action must have 1 element")
    typealias C = MountainCarContinuous
    let a = action[0]
    // Python's min(max(a, −1.0), 1.0): a NumPy float64 when in range, a Python float when clipped.
    let clipped = C.minAction > a || a > C.maxAction
    let force = clipped ? (C.minAction > a ? C.minAction : C.maxAction) : a
    let p = NumPyScalar(position, stateIsFloat32 ? .float32 : .float64)
    let v = NumPyScalar(velocity, stateIsFloat32 ? .float32 : .float64)
    let threeP = NumPyScalar(3, .python) * p
    let rhs = NumPyScalar(force * C.power - 0.0025 * cCos(threeP.value), clipped ? .python : .float64)
    var vel = v + rhs
    if vel > C.maxSpeed { vel = NumPyScalar(C.maxSpeed, .python) }
    if vel < -C.maxSpeed { vel = NumPyScalar(-C.maxSpeed, .python) }
    var pos = p + vel
    if pos > C.maxPosition { pos = NumPyScalar(C.maxPosition, .python) }
    if pos < C.minPosition { pos = NumPyScalar(C.minPosition, .python) }
    if pos == C.minPosition && vel < 0 { vel = NumPyScalar(0, .python) }
    let terminated = pos >= C.goalPosition && vel >= C.goalVelocity
    var reward = terminated ? 100.0 : 0.0
    reward -= (a * a) * 0.1
    position = Double(Float(pos.value))
    velocity = Double(Float(vel.value))
    stateIsFloat32 = true
    let truncated = timeLimit.tick()
    return Step(observation: observation, reward: reward, terminated: terminated, truncated: truncated)
  }
}

/// A scalar with NumPy ≥ 2 (NEP 50) promotion: Python floats are "weak" and take the NumPy operand's
/// type; float32 with float64 gives float64.
struct NumPyScalar {
  enum Kind { case python, float32, float64 }
  var value: Double
  var kind: Kind
  init(_ value: Double, _ kind: Kind) {
    self.kind = kind
    self.value = kind == .float32 ? Double(Float(value)) : value
  }

  static func result(_ a: Kind, _ b: Kind) -> Kind {
    if a == .float64 || b == .float64 { return .float64 }
    if a == .float32 || b == .float32 { return .float32 }
    return .python
  }

  static func + (a: NumPyScalar, b: NumPyScalar) -> NumPyScalar {
    let k = result(a.kind, b.kind)
    if k == .float32 { return NumPyScalar(Double(Float(a.value) + Float(b.value)), .float32) }
    return NumPyScalar(a.value + b.value, k)
  }

  static func * (a: NumPyScalar, b: NumPyScalar) -> NumPyScalar {
    let k = result(a.kind, b.kind)
    if k == .float32 { return NumPyScalar(Double(Float(a.value) * Float(b.value)), .float32) }
    return NumPyScalar(a.value * b.value, k)
  }

  /// Comparisons with a Python float: a float32 scalar compares in float32.
  private func cmp(_ c: Double) -> (Double, Double) {
    kind == .float32 ? (Double(Float(value)), Double(Float(c))) : (value, c)
  }
  static func > (a: NumPyScalar, c: Double) -> Bool { let (x, y) = a.cmp(c); return x > y }
  static func < (a: NumPyScalar, c: Double) -> Bool { let (x, y) = a.cmp(c); return x < y }
  static func >= (a: NumPyScalar, c: Double) -> Bool { let (x, y) = a.cmp(c); return x >= y }
  static func == (a: NumPyScalar, c: Double) -> Bool { let (x, y) = a.cmp(c); return x == y }
}
