import LoomRandom

/// Pendulum-v1 with Gymnasium's exact constants, semi-implicit Euler dynamics, cost and 200-step
/// time limit.
///
/// ```swift
/// var env = Pendulum()
/// var obs = env.reset(seed: 0)            // [cos θ, sin θ, θ̇]; θ ~ U(−π, π), θ̇ ~ U(−1, 1)
/// let s = env.step([1.5])                 // torque, clipped to [−2, 2]
/// ```
///
/// Reward is `−(angle_normalize(θ)² + 0.1 θ̇² + 0.001 u²)` from the state before the step.
/// Episodes never terminate; they are truncated after 200 steps. Results match Gymnasium fed
/// float64 actions (a float32 action makes NumPy ≥ 2 compute two terms in float32).
public struct Pendulum: Environment, Sendable {
  /// `[cos θ, sin θ, θ̇]`.
  public typealias Observation = [Double]
  /// `[torque]`.
  public typealias Action = [Double]

  /// Maximum angular speed (rad/s).
  public static let maxSpeed = 8.0
  /// Maximum torque (N·m); actions are clipped to ±this.
  public static let maxTorque = 2.0
  /// Time step (s).
  public static let dt = 0.05
  /// Pendulum mass.
  public static let m = 1.0
  /// Pendulum length.
  public static let l = 1.0

  /// Gravity (Gymnasium's `g` argument, default 10).
  public var g: Double
  /// Angle (radians, 0 upright); not wrapped.
  public var theta = 0.0
  /// Angular velocity.
  public var thetaDot = 0.0
  /// The time limit (200 steps for Pendulum-v1).
  public var timeLimit = TimeLimit(200)
  /// When true, observations are rounded to Float32 as Gymnasium returns them.
  public var float32Observations = false
  var rng: SeededGenerator

  /// Creates the environment (gravity `g`) and resets it from `seed`.
  public init(g: Double = 10.0, seed: UInt64 = 0) {
    self.g = g
    rng = SeededGenerator(seed: seed)
    _ = reset(seed: nil)
  }

  /// The full Float64 state `[θ, θ̇]`.
  public var state: [Double] {
    get { [theta, thetaDot] }
    set {
      precondition(newValue.count == 2, "Pendulum.state needs 2 values, got \(newValue.count)")
      theta = newValue[0]; thetaDot = newValue[1]
    }
  }

  /// `[cos θ, sin θ, θ̇]` in Float64.
  public var observationFloat64: [Double] { [cCos(theta), cSin(theta), thetaDot] }
  /// The current observation as the float32 array Gymnasium returns.
  public var observationFloat32: [Float] { observationFloat64.map { Float($0) } }
  var observation: [Double] {
    float32Observations ? roundedToFloat32(observationFloat64) : observationFloat64
  }

  /// θ ~ U(−π, π), θ̇ ~ U(−1, 1).
  public mutating func reset(seed: UInt64?) -> [Double] {
    if let seed { rng = SeededGenerator(seed: seed) }
    theta = rng.uniform(-Double.pi, Double.pi)
    thetaDot = rng.uniform(-1, 1)
    timeLimit.restart()
    return observation
  }

  /// Applies the (clipped) torque for 0.05 s.
  public mutating func step(_ action: [Double]) -> Step<[Double]> {
    precondition(action.count == 1, "Pendulum: action must have 1 element, got \(action.count)")
    typealias C = Pendulum
    let u = clip(action[0], -C.maxTorque, C.maxTorque)
    let an = Pendulum.angleNormalize(theta)
    let cost = an * an + 0.1 * (thetaDot * thetaDot) + 0.001 * (u * u)
    var newThetaDot =
      thetaDot + (3 * g / (2 * C.l) * cSin(theta) + 3.0 / (C.m * (C.l * C.l)) * u) * C.dt
    newThetaDot = clip(newThetaDot, -C.maxSpeed, C.maxSpeed)
    theta = theta + newThetaDot * C.dt
    thetaDot = newThetaDot
    let truncated = timeLimit.tick()
    return Step(observation: observation, reward: -cost, terminated: false, truncated: truncated)
  }

  /// Gymnasium's `angle_normalize`: `((x + π) mod 2π) − π`, in [−π, π).
  public static func angleNormalize(_ x: Double) -> Double {
    pyMod(x + Double.pi, 2 * Double.pi) - Double.pi
  }
}
