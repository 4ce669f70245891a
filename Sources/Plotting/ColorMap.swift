/// A colour scale for heatmaps and grid-world values.
///
/// ```swift
/// var h = Heatmap(values: q, title: "Q-values")
/// h.colorMap = .diverging   // blue below zero, red above, centred at 0
/// ```
public enum ColorMap: Sendable, Equatable {
  /// Perceptually uniform dark-purple → yellow (matplotlib's viridis); reads on any page.
  case viridis
  /// Blue → near-white → red (ColorBrewer RdBu), centred on zero.
  case diverging

  var stops: [RGB] {
    switch self {
    case .viridis:
      [
        "#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30",
        "#fde725",
      ]
      .map(RGB.init(hex:))
    case .diverging:
      [
        "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fddbc7", "#f4a582", "#d6604d",
        "#b2182b",
      ]
      .map(RGB.init(hex:))
    }
  }

  /// The colour at `t` in 0...1 (clamped).
  func color(at t: Double) -> RGB {
    let s = stops
    let t = t.isFinite ? min(max(t, 0), 1) : 0.5
    let x = t * Double(s.count - 1)
    let i = min(Int(x), s.count - 2)
    return s[i].mixed(with: s[i + 1], x - Double(i))
  }

  /// The value range colours are spread over, given the data's range.
  func domain(min lo: Double, max hi: Double) -> ClosedRange<Double> {
    switch self {
    case .viridis:
      return lo < hi ? lo...hi : (lo - 1)...(hi + 1)
    case .diverging:
      let m = Swift.max(lo.magnitude, hi.magnitude)
      return m > 0 ? -m...m : -1...1
    }
  }
}

/// An sRGB colour with 0...255 channels.
struct RGB: Equatable {
  var r: Double, g: Double, b: Double

  init(r: Double, g: Double, b: Double) {
    self.r = r
    self.g = g
    self.b = b
  }

  init(hex: String) {
    let v = Int(hex.dropFirst(), radix: 16) ?? 0
    self.init(r: Double((v >> 16) & 255), g: Double((v >> 8) & 255), b: Double(v & 255))
  }

  func mixed(with o: RGB, _ t: Double) -> RGB {
    RGB(r: r + (o.r - r) * t, g: g + (o.g - g) * t, b: b + (o.b - b) * t)
  }

  var hex: String {
    let digits = Array("0123456789abcdef")
    func byte(_ v: Double) -> String {
      let i = Int(min(max(v.rounded(), 0), 255))
      return String(digits[i >> 4]) + String(digits[i & 15])
    }
    return "#" + byte(r) + byte(g) + byte(b)
  }

  /// WCAG relative luminance.
  var luminance: Double {
    func lin(_ v: Double) -> Double {
      let s = v / 255
      return s <= 0.04045 ? s / 12.92 : powd((s + 0.055) / 1.055, 2.4)
    }
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
  }

  /// Black or white, whichever contrasts more with this colour.
  var ink: String { luminance > 0.179 ? "#000000" : "#ffffff" }
}
