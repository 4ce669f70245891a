import LoomRandom

/// MountainCar-v0 with Gymnasium's exact constants, dynamics, reward (−1 per step) and 200-step
/// time limit.
///
/// ```swift
/// var env = MountainCar()
/// var obs = env.reset(seed: 0)            // [position ~ U(−0.6, −0.4), velocity 0]
/// let s = env.step(2)                     // 0 push left, 1 no push, 2 push right
/// ```
public struct MountainCar: Environment, Sendable {
  /// `[position, velocity]`.
  public typealias Observation = [Double]
  /// 0 accelerate left, 1 don't accelerate, 2 accelerate right.
  public typealias Action = Int

  /// Left wall.
  public static let minPosition = -1.2
  /// Right bound.
  public static let maxPosition = 0.6
  /// Speed limit.
  public static let maxSpeed = 0.07
  /// Reaching this position (with velocity ≥ 0) terminates the episode.
  public static let goalPosition = 0.5
  /// Minimum velocity at the goal.
  public static let goalVelocity = 0.0
  /// Engine force per unit action.
  public static let force = 0.001
  /// Gravity term.
  public static let gravity = 0.0025

  /// Position.
  public var position = 0.0
  /// Velocity.
  public var velocity = 0.0
  /// The time limit (200 steps for MountainCar-v0).
  public var timeLimit = TimeLimit(200)
  /// When true, observations are rounded to Float32 as Gymnasium returns them.
  public var float32Observations = false
  var rng: SeededGenerator

  /// Creates the environment and resets it from `seed`.
  public init(seed: UInt64 = 0) {
    rng = SeededGenerator(seed: seed)
    _ = reset(seed: nil)
  }

  /// The full Float64 state `[position, velocity]`.
  public var state: [Double] {
    get { [position, velocity] }
    set {
      precondition(newValue.count == 2, "MountainCar.state needs 2 values, got \(newValue.count)")
      position = newValue[0]; velocity = newValue[1]
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
    timeLimit.restart()
    return observation
  }

  /// One step of the car's dynamics.
  public mutating func step(_ action: Int) -> Step<[Double]> {
    precondition((0...2).contains(action), "MountainCar: action must be 0, 1 or 2, got \(action)")
    typealias C = MountainCar
    velocity = velocity + (Double(action - 1) * C.force + cCos(3 * position) * (-C.gravity))
    velocity = clip(velocity, -C.maxSpeed, C.maxSpeed)
    position = position + velocity
    position = clip(position, C.minPosition, C.maxPosition)
    if position == C.minPosition && velocity < 0 { velocity = 0 }
    let terminated = position >= C.goalPosition && velocity >= C.goalVelocity
    let truncated = timeLimit.tick()
    return Step(observation: observation, reward: -1, terminated: terminated, truncated: truncated)
  }
}
