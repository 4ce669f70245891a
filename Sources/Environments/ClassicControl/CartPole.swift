import LoomRandom

/// CartPole-v1 with Gymnasium's exact constants, explicit-Euler dynamics, reward, termination and
/// 500-step time limit.
///
/// ```swift
/// var env = CartPole()
/// var obs = env.reset(seed: 0)            // [x, ẋ, θ, θ̇], each ~ U(−0.05, 0.05)
/// let s = env.step(1)                     // action 1 pushes right (+10 N), 0 pushes left
/// ```
///
/// The internal state is Float64 (`state`); Gymnasium hands agents a float32 copy, available as
/// `observationFloat32`, or in every returned observation when `float32Observations` is true.
/// Reward is +1 on every step including the terminating one; stepping again after termination
/// gives 0 (Gymnasium's `steps_beyond_terminated`). `suttonBartoReward` gives 0 per step and −1 on
/// termination instead.
public struct CartPole: Environment, Sendable {
  /// `[x, ẋ, θ, θ̇]`.
  public typealias Observation = [Double]
  /// 0 pushes the cart left, 1 pushes it right.
  public typealias Action = Int

  /// Gravity (m/s²).
  public static let gravity = 9.8
  /// Cart mass (kg).
  public static let massCart = 1.0
  /// Pole mass (kg).
  public static let massPole = 0.1
  /// Cart plus pole mass.
  public static let totalMass = massPole + massCart
  /// Half the pole length (m).
  public static let length = 0.5
  /// `massPole * length`.
  public static let poleMassLength = massPole * length
  /// Magnitude of the push (N).
  public static let forceMag = 10.0
  /// Seconds between state updates.
  public static let tau = 0.02
  /// |θ| beyond this terminates the episode: 12° in radians.
  public static let thetaThresholdRadians = 12 * 2 * Double.pi / 360
  /// |x| beyond this terminates the episode.
  public static let xThreshold = 2.4

  /// Cart position.
  public var x = 0.0
  /// Cart velocity.
  public var xDot = 0.0
  /// Pole angle (radians, 0 upright).
  public var theta = 0.0
  /// Pole angular velocity.
  public var thetaDot = 0.0
  /// The time limit (500 steps for CartPole-v1).
  public var timeLimit = TimeLimit(500)
  /// When true, observations are rounded to Float32 as Gymnasium returns them.
  public var float32Observations = false
  /// Gymnasium's `sutton_barto_reward` option.
  public var suttonBartoReward = false
  /// Half-width of the uniform reset distribution (Gymnasium's default 0.05).
  public var resetBound = 0.05
  var rng: SeededGenerator
  var stepsBeyondTerminated: Int? = nil

  /// Creates the environment and resets it from `seed`.
  public init(seed: UInt64 = 0) {
    rng = SeededGenerator(seed: seed)
    _ = reset(seed: nil)
  }

  /// The full Float64 state `[x, ẋ, θ, θ̇]`; setting it does not touch the step counter.
  public var state: [Double] {
    get { [x, xDot, theta, thetaDot] }
    set {
      precondition(newValue.count == 4, "CartPole.state needs 4 values, got \(newValue.count)")
      x = newValue[0]; xDot = newValue[1]; theta = newValue[2]; thetaDot = newValue[3]
    }
  }

  /// The current observation as the float32 array Gymnasium returns.
  public var observationFloat32: [Float] { state.map { Float($0) } }

  var observation: [Double] { float32Observations ? roundedToFloat32(state) : state }

  /// Draws each state variable from U(−0.05, 0.05).
  public mutating func reset(seed: UInt64?) -> [Double] {
    if let seed { rng = SeededGenerator(seed: seed) }
    x = rng.uniform(-resetBound, resetBound)
    xDot = rng.uniform(-resetBound, resetBound)
    theta = rng.uniform(-resetBound, resetBound)
    thetaDot = rng.uniform(-resetBound, resetBound)
    stepsBeyondTerminated = nil
    timeLimit.restart()
    return observation
  }

  /// Applies ±10 N for one Euler step of 0.02 s.
  public mutating func step(_ action: Int) -> Step<[Double]> {
    let (reward, terminated) = advance(action)
    let truncated = timeLimit.tick()
    return Step(observation: observation, reward: reward, terminated: terminated, truncated: truncated)
  }

  /// One dynamics step without building an observation array; returns (reward, terminated).
  @inline(__always)
  mutating func advance(_ action: Int) -> (Double, Bool) {
    precondition(action == 0 || action == 1, "CartPole: action must be 0 or 1, got \(action)")
    typealias C = CartPole
    let force = action == 1 ? C.forceMag : -C.forceMag
    let cosTheta = cCos(theta)
    let sinTheta = cSin(theta)
    // Same operation order as Gymnasium, so results agree to the last bit.
    let temp = (force + C.poleMassLength * (thetaDot * thetaDot) * sinTheta) / C.totalMass
    let thetaAcc = (C.gravity * sinTheta - cosTheta * temp)
      / (C.length * (4.0 / 3.0 - C.massPole * (cosTheta * cosTheta) / C.totalMass))
    let xAcc = temp - C.poleMassLength * thetaAcc * cosTheta / C.totalMass
    x = x + C.tau * xDot
    xDot = xDot + C.tau * xAcc
    theta = theta + C.tau * thetaDot
    thetaDot = thetaDot + C.tau * thetaAcc
    let terminated =
      x < -C.xThreshold || x > C.xThreshold || theta < -C.thetaThresholdRadians
      || theta > C.thetaThresholdRadians
    let reward: Double
    if !terminated {
      reward = suttonBartoReward ? 0 : 1
    } else if stepsBeyondTerminated == nil {
      stepsBeyondTerminated = 0
      reward = suttonBartoReward ? -1 : 1
    } else {
      stepsBeyondTerminated! += 1
      reward = suttonBartoReward ? -1 : 0
    }
    return (reward, terminated)
  }
}
