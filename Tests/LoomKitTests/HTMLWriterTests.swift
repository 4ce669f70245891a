import Testing

@testable import LoomKit

@Suite("HTMLWriter")
struct HTMLWriterTests {
  @Test("Text and attribute values are escaped; nil and empty attributes are left out; raw markup is not touched")
  func escaping() {
    var w = HTMLWriter()
    w.element("a", ["href": "x.html?a=1&b=\"2\"", "class": nil, "title": ""], text: "<script>alert('x')</script>")
    #expect(w.html == "<a href=\"x.html?a=1&amp;b=&quot;2&quot;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</a>")
    var nested = HTMLWriter()
    nested.element("ul") { w in
      w.element("li") { $0.raw("<math><mi>x</mi></math>") }
    }
    #expect(nested.html == "<ul><li><math><mi>x</mi></math></li></ul>")
  }

  @Test("The site's assets are compiled in: the stylesheet and the script are there, whole")
  func assets() {
    #expect(SiteAssets.css.contains("--loom-bg") && SiteAssets.css.contains(".callout"))
    #expect(SiteAssets.javascript.contains("LoomVolatile") && SiteAssets.javascript.hasSuffix("\n"))
  }
}
