import Foundation
import Testing

// NB: JSONDecoder, not JSONSerialization: on Linux the latter can misround a decimal by one ulp,
// and the fixtures are compared to the last bit.

/// One `env.reset(seed:)` recorded from Gymnasium.
struct RecordedReset: Decodable {
  var seed: Int
  var state: [Double]
  var obs: [Double]
}

/// The outcome of one recorded step (`t` counts from 1).
struct RecordedStep: Decodable {
  var t: Int
  var state: [Double]
  var obs: [Double]
  var reward: Double
  var terminated: Bool
  var truncated: Bool
}

/// A recorded episode: start state, actions, and selected steps' outcomes.
struct RecordedEpisode: Decodable {
  var name: String
  var seed: Int
  var initial_state: [Double]
  var actions: [Double]
  var length: Int
  var done_at: Int?
  var total_reward: Double
  var terminated: Bool
  var truncated: Bool
  var steps: [RecordedStep]
}

struct RecordedPolicyLength: Decodable {
  var length: Int
  var terminated: Bool
  var truncated: Bool
}

/// A classic-control fixture file.
struct ClassicFixture: Decodable {
  var gymnasium: String
  var env: String
  var resets: [RecordedReset]
  var episodes: [RecordedEpisode]
  var policy_lengths_from_zero_state: [String: RecordedPolicyLength]?
}

/// One `(prob, next_state, reward, terminated)` tuple of a toy-text table.
struct RecordedTransition: Decodable, Equatable {
  var probability: Double
  var nextState: Int
  var reward: Double
  var terminated: Bool
  init(from decoder: any Decoder) throws {
    var c = try decoder.unkeyedContainer()
    probability = try c.decode(Double.self)
    nextState = try c.decode(Int.self)
    reward = try c.decode(Double.self)
    terminated = try c.decode(Bool.self)
  }
}

/// A toy-text transition table `P[s][a]`.
struct RecordedTable: Decodable {
  var P: [[[RecordedTransition]]]
  var max_episode_steps: Int?
  var initial_state_distribution: [Double]
}

struct ToyTextFixture: Decodable {
  var gymnasium: String
  var tables: [String: RecordedTable]
}

/// Loads a JSON fixture recorded by scripts/record-gym-fixtures.sh.
func loadFixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
  let dir = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
  let data = try Data(contentsOf: dir.appendingPathComponent(name + ".json"))
  return try JSONDecoder().decode(T.self, from: data)
}

/// Largest |a[i] − b[i]| (∞ when the lengths differ or a value is NaN).
func maxAbsDiff(_ a: [Double], _ b: [Double]) -> Double {
  guard a.count == b.count else { return .infinity }
  return zip(a, b).reduce(0) { m, p in
    let d = abs(p.0 - p.1)
    return d.isNaN ? .infinity : max(m, d)
  }
}
