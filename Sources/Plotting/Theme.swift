/// Colours that follow the page: CSS variables with fallbacks, so a figure reads on light and
/// dark pages alike (`--loom-fg` defaults to `currentColor`, the surrounding text colour).
enum Theme {
  /// Text, axes, tick marks.
  static let fg = "var(--loom-fg, currentColor)"
  /// Grid lines (drawn with low opacity).
  static let grid = "var(--loom-grid, currentColor)"
  /// Page background, used behind labels; transparent when the page does not set it.
  static let bg = "var(--loom-bg, transparent)"
  static let fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

  /// Okabe–Ito's colour-blind-safe palette without black and yellow (which vanish on dark
  /// or light pages); every entry reads on both. Pages may override `--loom-series-N`.
  static let palette = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#999999",
  ]

  static func seriesColor(_ index: Int) -> String {
    let i = index % palette.count
    return "var(--loom-series-\(i + 1), \(palette[i]))"
  }
}
