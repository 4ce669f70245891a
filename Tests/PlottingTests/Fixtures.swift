import Plotting

/// Deterministic sample data and the figures the golden files are made from.
enum Fixtures {
  /// SplitMix64-style hash noise in [-1, 1), a pure function of (i, seed).
  static func noise(_ i: Int, seed: Int) -> Double {
    var z = UInt64(truncatingIfNeeded: i &* 7919 &+ seed &* 104_729) &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Double(z >> 11) / Double(UInt64(1) << 53) * 2 - 1
  }

  static func learningCurve(seed: Int, episodes: Int = 300, rate: Double = 80) -> [Double] {
    (0..<episodes).map { i in
      let progress = 1 - 1 / (1 + Double(i) / rate)
      return max(8, min(500, 500 * progress * progress + 90 * noise(i, seed: seed)))
    }
  }

  static var learningCurves: LinePlot {
    var p = LinePlot(title: "CartPole-v1 return", xLabel: "episode", yLabel: "return")
    p.add(Series(name: "REINFORCE", y: learningCurve(seed: 1, rate: 160)))
    p.add(
      Series.meanBand(name: "A2C (5 seeds)", runs: (1...5).map { learningCurve(seed: 10 + $0) }))
    p.hline(475, label: "solved")
    p.annotate(x: 150, y: 260, "baseline added")
    p.movingAverage(window: 20)
    return p
  }

  static var markers: LinePlot {
    var p = LinePlot(
      title: "Bandit: % optimal action", xLabel: "steps (×100)", yLabel: "optimal action")
    for (k, eps) in [0.0, 0.01, 0.1].enumerated() {
      let y = (0..<10).map { i in
        min(0.95, (0.35 + 0.6 * (1 - 1 / (1 + Double(i) * eps * 8)))) + 0.02 * noise(i, seed: k)
      }
      p.add(Series(name: "ε = \(eps)", x: (1...10).map(Double.init), y: y))
    }
    return p
  }

  static var scaling: LinePlot {
    var p = LinePlot(title: "Scaling law", xLabel: "parameters", yLabel: "validation loss")
    p.xScale = .log
    p.yScale = .log
    let params = (0...16).map { Num10.pow(6 + Double($0) / 4) }
    p.add(
      Series(
        name: "loss", x: params, y: params.map { 1.69 + 406.4 / Num10.pow(0.34 * Num10.log($0)) }))
    p.add(
      Series(
        name: "fit L(N) = (N_c/N)^α", x: params,
        y: params.map { 400 / Num10.pow(0.34 * Num10.log($0)) }, marker: Marker.none))
    return p
  }

  static var scatter: ScatterPlot {
    var s = ScatterPlot(
      title: "TD(0) vs Monte Carlo estimates", xLabel: "true value", yLabel: "estimate")
    let truth = (0..<40).map { Double($0) / 39 }
    s.add(name: "TD(0)", x: truth, y: truth.enumerated().map { $1 + 0.08 * noise($0, seed: 3) })
    s.add(
      name: "Monte Carlo", x: truth, y: truth.enumerated().map { $1 + 0.15 * noise($0, seed: 4) })
    s.annotate(x: 0.5, y: 0.5, "diagonal = perfect")
    return s
  }

  static var bars: BarChart {
    BarChart(
      title: "Final return by algorithm",
      categories: ["CartPole", "Acrobot", "MountainCar", "Pendulum"],
      groups: [
        (name: "PPO", values: [500, -82.5, -110, -180]),
        (name: "A2C", values: [410, -95, -140, -420]),
        (name: "DQN", values: [480, -88, -125, -900]),
      ], yLabel: "return")
  }

  static var histogram: Histogram {
    let values = (0..<400).map { i in
      200 + 60 * (noise(i, seed: 1) + noise(i, seed: 2) + noise(i, seed: 3))
    }
    return Histogram(title: "Episode lengths", values: values, bins: 24, xLabel: "steps")
  }

  static var valueHeatmap: Heatmap {
    let v = (0..<5).map { r in
      (0..<5).map { c in 10 - 2.5 * Double(abs(r - 1) + abs(c - 3)) + noise(r * 5 + c, seed: 9) }
    }
    return Heatmap(
      values: v, title: "Q(s, a) for s in 0…4", xLabels: ["a0", "a1", "a2", "a3", "a4"],
      yLabels: ["s0", "s1", "s2", "s3", "s4"], showValues: true, decimals: 1)
  }

  static var attention: Heatmap {
    let tokens = [
      "<bos>", "The", "agent", "learns", "a", "policy", "from", "reward", "signals", ".",
    ]
    let n = tokens.count
    let a: [[Double]] = (0..<n).map { q in
      let logits = (0..<n).map { k in
        k > q ? -Double.infinity : -0.4 * Double(q - k) + 1.5 * noise(q * n + k, seed: 5)
      }
      let m = logits.max() ?? 0
      let e = logits.map { $0 == -.infinity ? 0 : Num10.exp($0 - m) }
      let total = e.reduce(0, +)
      return e.map { $0 / total }
    }
    var h = Heatmap(values: a, title: "Attention, layer 2 head 5", xLabels: tokens, yLabels: tokens)
    h.xAxisTitle = "key"
    h.yAxisTitle = "query"
    return h
  }

  static var gridValues: GridWorldFigure {
    var g = GridWorldFigure(
      rows: 4, cols: 4, title: "v_π for the equiprobable random policy (S&B Fig. 4.1)")
    g.values = [
      [0, -14, -20, -22], [-14, -18, -20, -20], [-20, -20, -18, -14], [-22, -20, -14, 0],
    ]
    g.arrows = [
      [[], [.left], [.left], [.down, .left]],
      [[.up], [.up, .left], [.down, .left], [.down]],
      [[.up], [.up, .right], [.down, .right], [.down]],
      [[.up, .right], [.right], [.right], []],
    ]
    g.terminals = [GridCell(row: 0, col: 0), GridCell(row: 3, col: 3)]
    g.decimals = 0
    return g
  }

  static var gridMaze: GridWorldFigure {
    var g = GridWorldFigure(rows: 6, cols: 9, title: "Dyna maze: greedy policy")
    g.walls = [
      GridCell(row: 1, col: 2), GridCell(row: 2, col: 2), GridCell(row: 3, col: 2),
      GridCell(row: 4, col: 5), GridCell(row: 0, col: 7), GridCell(row: 1, col: 7),
      GridCell(row: 2, col: 7),
    ]
    g.start = GridCell(row: 2, col: 0)
    g.terminals = [GridCell(row: 0, col: 8)]
    g.labels = [GridCell(row: 2, col: 0): "A", GridCell(row: 5, col: 8): "B'"]
    let order: [GridArrow] = [.up, .right, .down, .left]
    var arrows: [[[GridArrow]]] = []
    for r in 0..<6 {
      var row: [[GridArrow]] = []
      for c in 0..<9 {
        var cell: [GridArrow] = [order[(r + c) % 4]]
        if (r * c) % 5 == 1 { cell.append(order[(r + c + 1) % 4]) }
        row.append(cell)
      }
      arrows.append(row)
    }
    g.arrows = arrows
    return g
  }

  /// Sutton & Barto Figure 3.5: v* and π* of the 5×5 teleport grid, as lecture 1 draws them.
  static var gridTeleport: GridWorldFigure {
    var g = GridWorldFigure(rows: 5, cols: 5, title: "π* for the 5×5 gridworld")
    g.values = [
      [22.0, 24.4, 22.0, 19.4, 17.5], [19.8, 22.0, 19.8, 17.8, 16.0],
      [17.8, 19.8, 17.8, 16.0, 14.4],
      [16.0, 17.8, 16.0, 14.4, 13.0], [14.4, 16.0, 14.4, 13.0, 11.7],
    ]
    let all: [GridArrow] = [.up, .down, .left, .right]
    let lower: [[GridArrow]] = [[.up, .right], [.up], [.up, .left], [.up, .left], [.up, .left]]
    g.arrows = [
      [[.right], all, [.left], all, [.left]],
      [[.up, .right], [.up], [.up, .left], [.left], [.left]], lower, lower, lower,
    ]
    g.labels = [
      GridCell(row: 0, col: 1): "A", GridCell(row: 4, col: 1): "A′",
      GridCell(row: 0, col: 3): "B", GridCell(row: 2, col: 3): "B′",
    ]
    return g
  }

  /// Policy evaluation's largest change per sweep, on a log axis with a threshold line.
  static var convergence: LinePlot {
    var p = LinePlot(
      title: "4×4 gridworld: policy evaluation converges geometrically",
      xLabel: "sweep", yLabel: "max |Δ| (log scale)")
    p.yScale = .log
    var sync: [Double] = [], inPlace: [Double] = []
    var (a, b) = (1.0, 1.0)
    for k in 0..<120 {
      sync.append(a)
      if k < 85 { inPlace.append(b) }
      a *= 0.89
      b *= 0.84
    }
    p.add(Series(name: "synchronous", x: sync.indices.map { Double($0 + 1) }, y: sync))
    p.add(Series(name: "in place", x: inPlace.indices.map { Double($0 + 1) }, y: inPlace))
    p.hline(1e-4, label: "θ = 1e-4")
    return p
  }

  /// Advantages with both signs, on the diverging colour map.
  static var advantages: Heatmap {
    let a = (0..<6).map { r in (0..<8).map { c in 3 * noise(r * 8 + c, seed: 21) - Double(r) * 0.4 }
    }
    var h = Heatmap(
      values: a, title: "Advantage A(s, a)", xLabels: (0..<8).map { "a\($0)" },
      yLabels: (0..<6).map { "s\($0)" }, showValues: true, decimals: 2)
    h.colorMap = .diverging
    return h
  }

  /// Twelve series: more than the legend has rows for.
  static var crowdedLegend: LinePlot {
    var p = LinePlot(
      title: "Twelve seeds", xLabel: "step", yLabel: "return", width: 480, height: 240)
    for seed in 0..<12 {
      p.add(
        Series(name: "seed \(seed)", y: (0..<50).map { Double($0) + 8 * noise($0, seed: seed) }))
    }
    return p
  }

  static var subplots: SubplotGrid {
    SubplotGrid(
      rows: 2, cols: 2, figures: [markers, valueHeatmap, gridValues, histogram],
      title: "Lecture 3 summary")
  }
}

/// Tiny maths helpers so the fixtures need no Foundation.
enum Num10 {
  static func pow(_ e: Double) -> Double { exp(e * 2.302_585_092_994_046) }
  static func log(_ x: Double) -> Double { ln(x) / 2.302_585_092_994_046 }
  static func exp(_ x: Double) -> Double {
    // exp via 2^k · e^r with a short Taylor series; deterministic everywhere.
    let k = (x / 0.693_147_180_559_945_3).rounded()
    let r = x - k * 0.693_147_180_559_945_3
    var term = 1.0, sum = 1.0
    for n in 1...20 { term *= r / Double(n); sum += term }
    return sum * Double(sign: .plus, exponent: Int(k), significand: 1)
  }
  static func ln(_ x: Double) -> Double {
    // ln x = e·ln 2 + ln m, with m in [1, 2) and ln m by atanh series.
    let e = Double(x.exponent)
    let m = x.significand
    let t = (m - 1) / (m + 1)
    var sum = 0.0, power = t
    for n in stride(from: 1, through: 61, by: 2) { sum += power / Double(n); power *= t * t }
    return e * 0.693_147_180_559_945_3 + 2 * sum
  }
}
