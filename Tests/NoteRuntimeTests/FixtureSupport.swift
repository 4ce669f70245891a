import Foundation
import Testing

// NB: JSONDecoder, not JSONSerialization: on Linux the latter can misround a decimal by one ulp,
// and the fixtures are compared to the last bits.

/// Fixtures/statistics.json, written by Fixtures/make_fixtures.py from SciPy.
struct StatisticsFixture: Decodable {
  // `q`, `cdf`, `sf`: SciPy. `exact`, `cdf_exact`, `sf_exact`: mpmath at 40 digits.
  struct TQuantile: Decodable { var df, p, q, exact: Double }
  struct TCDF: Decodable { var df, t, cdf, sf, cdf_exact, sf_exact: Double }
  struct NormalCDF: Decodable { var x, cdf, exact: Double }
  struct NormalQuantile: Decodable { var p, q, exact: Double }
  struct SampleSummary: Decodable {
    var name: String
    var sample: [Double]
    var n: Int
    var mean, std, sem, median, min, max: Double
    var intervals: [String: [Double]]
  }
  struct TwoSampleTest: Decodable {
    var a, b: String
    var t, df, p, p_greater, p_less: Double
    var intervals: [String: [Double]]
  }

  var generator: String
  var t_quantiles: [TQuantile]
  var t_cdfs: [TCDF]
  var normal_cdfs: [NormalCDF]
  var normal_quantiles: [NormalQuantile]
  var summaries: [SampleSummary]
  var welch: [TwoSampleTest]
  var paired: [TwoSampleTest]

  func sample(_ name: String) throws -> [Double] {
    try #require(summaries.first { $0.name == name }?.sample, "no sample named \(name)")
  }

  static func load() throws -> StatisticsFixture {
    let dir = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    let data = try Data(contentsOf: dir.appendingPathComponent("statistics.json"))
    return try JSONDecoder().decode(StatisticsFixture.self, from: data)
  }
}

/// |actual − expected| / |expected| (the absolute error when expected is 0).
func relativeError(_ actual: Double, _ expected: Double) -> Double {
  if actual == expected { return 0 }
  return abs(actual - expected) / (expected == 0 ? 1 : abs(expected))
}
