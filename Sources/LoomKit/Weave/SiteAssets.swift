/// The site's stylesheet and script (Assets/loom.css, Assets/loom.js), written to `site/assets/`.
/// No framework, no CDN. They are compiled into loom (`.embedInCode`), so the binary needs no
/// resource bundle beside it.
enum SiteAssets {
  static let css = String(decoding: PackageResources.loom_css, as: UTF8.self)
  static let javascript = String(decoding: PackageResources.loom_js, as: UTF8.self)
}
