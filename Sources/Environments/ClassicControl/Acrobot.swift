import LoomRandom

/// Acrobot-v1 with Gymnasium's exact constants, book dynamics, RK4 integration (one 0.2 s step),
/// angle wrapping, velocity bounds, reward (−1 per step, 0 on termination) and 500-step limit.
///
/// ```swift
/// var env = Acrobot()
/// var obs = env.reset(seed: 0)   // [cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2]
/// let s = env.step(2)            // torque −1, 0, +1 for actions 0, 1, 2
/// ```
///
/// The episode terminates when the free end rises above the bar: `−cos θ1 − cos(θ1 + θ2) > 1`.
/// The reset state is four U(−0.1, 0.1) draws rounded to float32, as Gymnasium's is. Torque noise
/// is 0 (Gymnasium's default).
public struct Acrobot: Environment, Sendable {
  /// `[cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2]`.
  public typealias Observation = [Double]
  /// 0, 1, 2 apply torque −1, 0, +1 on the joint between the links.
  public typealias Action = Int

  /// Integration time step (s).
  public static let dt = 0.2
  /// Length of link 1.
  public static let linkLength1 = 1.0
  /// Length of link 2.
  public static let linkLength2 = 1.0
  /// Mass of link 1.
  public static let linkMass1 = 1.0
  /// Mass of link 2.
  public static let linkMass2 = 1.0
  /// Centre of mass of link 1.
  public static let linkCOMPos1 = 0.5
  /// Centre of mass of link 2.
  public static let linkCOMPos2 = 0.5
  /// Moment of inertia of both links.
  public static let linkMOI = 1.0
  /// Bound on θ̇1: 4π.
  public static let maxVel1 = 4 * Double.pi
  /// Bound on θ̇2: 9π.
  public static let maxVel2 = 9 * Double.pi
  /// Torques for actions 0, 1, 2.
  public static let availableTorque: [Double] = [-1.0, 0.0, 1.0]

  /// `[θ1, θ2, θ̇1, θ̇2]`, Float64.
  public var state: [Double] = [0, 0, 0, 0] {
    willSet { precondition(newValue.count == 4, "Acrobot.state needs 4 values") }
  }
  /// Use the NeurIPS-paper equations instead of the book's (Gymnasium's `book_or_nips = "nips"`).
  public var nipsDynamics = false
  /// The time limit (500 steps for Acrobot-v1).
  public var timeLimit = TimeLimit(500)
  /// When true, observations are rounded to Float32 as Gymnasium returns them.
  public var float32Observations = false
  var rng: SeededGenerator

  /// Creates the environment and resets it from `seed`.
  public init(seed: UInt64 = 0) {
    rng = SeededGenerator(seed: seed)
    _ = reset(seed: nil)
  }

  /// The observation in Float64.
  public var observationFloat64: [Double] {
    [cCos(state[0]), cSin(state[0]), cCos(state[1]), cSin(state[1]), state[2], state[3]]
  }
  /// The current observation as the float32 array Gymnasium returns.
  public var observationFloat32: [Float] { observationFloat64.map { Float($0) } }
  var observation: [Double] {
    float32Observations ? roundedToFloat32(observationFloat64) : observationFloat64
  }

  /// Each of θ1, θ2, θ̇1, θ̇2 ~ U(−0.1, 0.1), rounded to float32.
  public mutating func reset(seed: UInt64?) -> [Double] {
    if let seed { rng = SeededGenerator(seed: seed) }
    state = (0..<4).map { _ in Double(Float(rng.uniform(-0.1, 0.1))) }
    timeLimit.restart()
    return observation
  }

  /// True when the free end is above the bar.
  public var isTerminal: Bool { -cCos(state[0]) - cCos(state[1] + state[0]) > 1.0 }

  /// Integrates one 0.2 s step with the chosen torque.
  public mutating func step(_ action: Int) -> Step<[Double]> {
    precondition((0...2).contains(action), "Acrobot: action must be 0, 1 or 2, got \(action)")
    let torque = Acrobot.availableTorque[action]
    let s = (state[0], state[1], state[2], state[3])
    var ns = rk4(s, torque: torque, dt: Acrobot.dt)
    ns.0 = Acrobot.wrap(ns.0, -Double.pi, Double.pi)
    ns.1 = Acrobot.wrap(ns.1, -Double.pi, Double.pi)
    ns.2 = min(max(ns.2, -Acrobot.maxVel1), Acrobot.maxVel1)
    ns.3 = min(max(ns.3, -Acrobot.maxVel2), Acrobot.maxVel2)
    state = [ns.0, ns.1, ns.2, ns.3]
    let terminated = isTerminal
    let truncated = timeLimit.tick()
    return Step(
      observation: observation, reward: terminated ? 0 : -1, terminated: terminated,
      truncated: truncated)
  }

  typealias S4 = (Double, Double, Double, Double)

  /// Gymnasium's `rk4` over the single interval [0, dt], same operation order.
  func rk4(_ y: S4, torque a: Double, dt: Double) -> S4 {
    let dt2 = dt / 2.0
    let k1 = dsdt(y, a)
    let k2 = dsdt((y.0 + dt2 * k1.0, y.1 + dt2 * k1.1, y.2 + dt2 * k1.2, y.3 + dt2 * k1.3), a)
    let k3 = dsdt((y.0 + dt2 * k2.0, y.1 + dt2 * k2.1, y.2 + dt2 * k2.2, y.3 + dt2 * k2.3), a)
    let k4 = dsdt((y.0 + dt * k3.0, y.1 + dt * k3.1, y.2 + dt * k3.2, y.3 + dt * k3.3), a)
    let h = dt / 6.0
    return (
      y.0 + h * (k1.0 + 2 * k2.0 + 2 * k3.0 + k4.0),
      y.1 + h * (k1.1 + 2 * k2.1 + 2 * k3.1 + k4.1),
      y.2 + h * (k1.2 + 2 * k2.2 + 2 * k3.2 + k4.2),
      y.3 + h * (k1.3 + 2 * k2.3 + 2 * k3.3 + k4.3)
    )
  }

  /// Time derivative of the state under torque `a` (Gymnasium's `_dsdt`).
  func dsdt(_ s: S4, _ a: Double) -> S4 {
    typealias C = Acrobot
    let m1 = C.linkMass1, m2 = C.linkMass2, l1 = C.linkLength1
    let lc1 = C.linkCOMPos1, lc2 = C.linkCOMPos2, I1 = C.linkMOI, I2 = C.linkMOI
    let g = 9.8
    let (theta1, theta2, dtheta1, dtheta2) = s
    let d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cCos(theta2)) + I1 + I2
    let d2 = m2 * (lc2 * lc2 + l1 * lc2 * cCos(theta2)) + I2
    let phi2 = m2 * lc2 * g * cCos(theta1 + theta2 - Double.pi / 2.0)
    let phi1 =
      -m2 * l1 * lc2 * (dtheta2 * dtheta2) * cSin(theta2)
      - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * cSin(theta2)
      + (m1 * lc1 + m2 * l1) * g * cCos(theta1 - Double.pi / 2)
      + phi2
    let ddtheta2: Double
    if nipsDynamics {
      ddtheta2 = (a + d2 / d1 * phi1 - phi2) / (m2 * (lc2 * lc2) + I2 - (d2 * d2) / d1)
    } else {
      ddtheta2 =
        (a + d2 / d1 * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * cSin(theta2) - phi2)
        / (m2 * (lc2 * lc2) + I2 - (d2 * d2) / d1)
    }
    let ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
    return (dtheta1, dtheta2, ddtheta1, ddtheta2)
  }

  /// Wraps `x` into [m, M] by whole periods (Gymnasium's `wrap`).
  static func wrap(_ x: Double, _ m: Double, _ M: Double) -> Double {
    let diff = M - m
    var x = x
    while x > M { x = x - diff }
    while x < m { x = x + diff }
    return x
  }
}
