import Foundation
import Testing

@testable import LoomKit

@Suite("Cross-references, citations and callouts")
struct CrossReferenceTests {
  static let bib = """
    % the series' references
    @article{schulman2017ppo,
      author = {Schulman, John and Wolski, Filip and Dhariwal, Prafulla},
      title = {Proximal Policy Optimization Algorithms},
      journal = {arXiv preprint},
      eprint = {1707.06347},
      year = 2017
    }
    @book{sutton2018,
      author = "Richard S. Sutton and Andrew G. Barto",
      title = {Reinforcement Learning: {An} Introduction},
      publisher = {MIT Press}, year = {2018}, edition = {2}
    }
    @inproceedings{mnih2015,
      author = {Mnih, Volodymyr}, title = {Human-level control}, booktitle = {Nature}, doi = {10.1038/nature14236}, year = {2015}
    }
    """

  static func read(_ markdown: String, _ path: String) -> (Note, [Diagnostic]) { NoteReader().read(markdown, path: path) }

  @Test("@label, [@key; @key] and author-in-text @key are found; an e-mail address is not")
  func scanning() {
    let pieces = ReferenceSyntax.scan("see @fig-a, [@schulman2017ppo; @sutton2018] and @mnih2015. Mail a@b.com; [@sec-x]")
    let targets = pieces.compactMap { p -> ReferenceUse.Target? in if case .reference(let t, _) = p { return t } else { return nil } }
    #expect(
      targets == [
        .label("fig-a"), .citation(["schulman2017ppo", "sutton2018"], inText: false), .citation(["mnih2015"], inText: true), .label("sec-x"),
      ])
    #expect(pieces.contains(.text(". Mail a@b.com; ")))
    #expect(ReferenceSyntax.scan("no refs [here] @ alone") == [.text("no refs [here] @ alone")])
  }

  @Test("Labels: a heading's {#sec-…}, a cell's id=fig-…/tbl-…, \\label{eq-…} in display math, numbered per lecture")
  func labels() {
    let markdown = """
      # Lecture 06 {#sec-top}

      ## 4.3 The agent {#sec-agent}

      $$ J(\\theta) = \\mathbb{E}[R] \\label{eq-objective} $$

      ```swift id=fig-curve
      print(1)
      ```

      ```swift id=tbl-results
      print(2)
      ```

      See @fig-curve and @eq-objective in @sec-agent.
      """
    let (note, ds) = Self.read(markdown, "notes/06-ppo.md")
    #expect(ds.isEmpty, "\(ds)")
    #expect(note.title == "Lecture 06")
    let byName = Dictionary(uniqueKeysWithValues: note.labels.map { ($0.name, $0) })
    #expect(byName["sec-agent"]?.title == "4.3 The agent" && byName["sec-agent"]?.line == 3)
    #expect(byName["eq-objective"]?.number == 1 && byName["fig-curve"]?.number == 1 && byName["tbl-results"]?.number == 1)
    #expect(byName["cell-fig-curve"]?.anchor == "cell-fig-curve")
    let prose = note.blocks.compactMap { if case .prose(let p) = $0 { return p } else { return nil } }
    #expect(prose.flatMap(\.headings).map(\.id) == ["sec-top", "sec-agent"])
    #expect(prose.map(\.html).joined().contains("<span class=\"eq-number\">(6.1)</span>"))
    #expect(!prose.map(\.html).joined().contains("\\label"))
    #expect(note.references.map(\.line) == [15, 15, 15])
    #expect(note.references.first?.column == 5)
  }

  @Test("Across the series: resolved to linked text; unknown and duplicate labels, unknown keys and dead anchors are errors at their lines")
  func series() throws {
    let (ppo, _) = Self.read("# PPO\n\n## 4.3 Agent {#sec-agent}\n\n```swift id=fig-curve\nprint(1)\n```\n", "notes/06-ppo.md")
    let (sac, _) = Self.read(
      "# SAC\n\nAs @fig-curve and @sec-agent show [@schulman2017ppo], and @lec-06 too.\n\nBad: @fig-nope [@nobody2020] [x](06-ppo.md#nowhere) [y](06-ppo.md#sec-agent)\n\n## Again {#sec-agent}\n",
      "notes/07-sac.md")
    let (bib, bibProblems) = Bibliography.parse(Self.bib, path: "notes/references.bib")
    #expect(bibProblems.isEmpty, "\(bibProblems)")
    let index = CrossReferences(notes: [ppo, sac], bibliography: bib)
    let ds = index.diagnostics(for: sac)
    #expect(ds.contains { $0.message.contains("unknown label '@fig-nope'") && $0.location.line == 5 && $0.location.column == 6 })
    #expect(ds.contains { $0.message.contains("unknown citation key 'nobody2020'") && $0.location.line == 5 })
    #expect(ds.contains { $0.message.contains("06-ppo.html#nowhere points at no heading") && $0.location.line == 5 })
    #expect(!ds.contains { $0.message.contains("#sec-agent points") })
    #expect(ds.contains { $0.message.contains("duplicate label 'sec-agent' (also defined at notes/06-ppo.md:3") && $0.location.line == 7 })
    #expect(ds.count == 4, "\(ds)")
    let prose = sac.blocks.compactMap { if case .prose(let p) = $0 { return p.html } else { return nil } }.joined()
    let html = index.resolve(prose, on: sac.slug)
    #expect(html.contains("<a class=\"xref\" href=\"06-ppo.html#fig-curve\">Figure 6.1</a>"))
    #expect(html.contains("<a class=\"xref\" href=\"06-ppo.html#sec-agent\">Section 4.3 of Lecture 06</a>"))
    #expect(html.contains("<a class=\"xref\" href=\"06-ppo.html\">Lecture 06</a>"))
    #expect(html.contains("(<a class=\"citation\" href=\"#ref-schulman2017ppo\">Schulman et al., 2017</a>)"))
    #expect(!html.contains(ReferenceSyntax.markerOpen))
    let refs = index.referenceList(for: sac)
    #expect(refs.contains("id=\"ref-schulman2017ppo\"") && refs.contains("https://arxiv.org/abs/1707.06347") && !refs.contains("nobody2020"))
  }

  @Test("BibTeX: braces, quotes, bare years; author–year forms; malformed entries are errors at their lines")
  func bibliography() {
    let (bib, ds) = Bibliography.parse(Self.bib + "\n@misc{broken,\n  title = {never closed\n", path: "notes/references.bib")
    #expect(bib.entries["sutton2018"]?.authorShort == "Sutton and Barto")
    #expect(bib.entries["schulman2017ppo"]?.authorShort == "Schulman et al.")
    #expect(bib.entries["mnih2015"]?.authorShort == "Mnih" && bib.entries["mnih2015"]?.link == "https://doi.org/10.1038/nature14236")
    #expect(bib.entries["sutton2018"]?.html.contains("<cite>Reinforcement Learning: An Introduction</cite>") == true)
    // Only http(s) urls become links; a javascript: url is shown as nothing.
    let (urls, _) = Bibliography.parse(
      "@misc{bad, author = {A}, title = {T}, url = {JavaScript:alert(1)}}\n@misc{good, author = {B}, title = {U}, url = {https://example.org/a?b=1&c=2}}\n",
      path: "notes/references.bib")
    #expect(urls.entries["bad"]?.link == nil && urls.entries["bad"]?.html.contains("href") == false)
    #expect(urls.entries["good"]?.html.contains("<a href=\"https://example.org/a?b=1&amp;c=2\">") == true)
    #expect(ds.count == 1 && ds.first?.location.line == 18 && ds.first?.message.contains("'title' is not closed") == true, "\(ds)")
  }

  @Test("BibTeX accents become letters; the series' own notes/references.bib parses without a problem")
  func seriesBibliography() throws {
    #expect("Sta{\\'n}czyk".strippingBraces == "Stańczyk" && "Adri{\\`a} Puigdom{\\`e}nech".strippingBraces == "Adrià Puigdomènech")
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let text = try String(contentsOf: repo.appendingPathComponent("notes/references.bib"), encoding: .utf8)
    let (bib, ds) = Bibliography.parse(text, path: "notes/references.bib")
    #expect(ds.isEmpty, "\(ds)")
    #expect(bib.entries.count > 50 && bib.entries["schulman2017ppo"]?.link == "https://arxiv.org/abs/1707.06347")
    #expect(bib.entries["ouyang2022"]?.authorShort == "Ouyang et al.")
  }

  @Test("Callouts: > [!NOTE] boxes, a titled [!TIP], a collapsed [!SOLUTION] whose cell is a cell; an unknown kind is an error")
  func callouts() {
    let markdown =
      "# T\n\n> [!NOTE]\n> Plain note.\n\n> [!TIP] Try this\n> Body.\n\n> [!SOLUTION]\n> ```swift\n> check(1 + 1 == 2, \"sum\")\n> ```\n\n> [!NOPE]\n> x\n"
    let (note, ds) = Self.read(markdown, "notes/t.md")
    let html = note.blocks.compactMap { if case .prose(let p) = $0 { return p.html } else { return nil } }.joined()
    #expect(html.contains("<div class=\"callout callout-note\"><p class=\"callout-title\">Note</p>\n<p>Plain note.</p>"))
    #expect(html.contains("<p class=\"callout-title\">Try this</p>\n<p>Body.</p>"))
    #expect(html.contains("<details class=\"callout callout-solution\"><summary class=\"callout-title\">Solution</summary>"))
    #expect(note.cells.count == 1 && note.cells[0].source.contains("check(1 + 1 == 2"))
    #expect(ds.count == 1 && ds.first?.location.line == 14 && ds.first?.message.contains("unknown callout [!NOPE]") == true)
  }

  @Test("An unknown reference fails the note at its line, before it is built")
  func pipelineRejects() {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("loom-xref-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let p = Pipeline(project: Project(root: root), options: Pipeline.Options(), console: Console(silent: true))
    let (note, _) = Self.read("# A\n\nSee @fig-missing.\n\n```swift\nprint(1)\n```\n", "notes/01-a.md")
    var items = [Pipeline.Item(note: note, readDiagnostics: [])]
    _ = p.link(&items)
    #expect(items[0].hasReadErrors)
    #expect(items[0].readDiagnostics.contains { $0.location.line == 3 && $0.message.contains("unknown label '@fig-missing'") })
  }

  @Test("Reader's links and run times: each page links its Markdown and generated Swift; timings.html lists the slowest cells, from volatile/")
  func sourcesAndTimings() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("loom-sources-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let project = Project(root: root)
    let (note, _) = Self.read("# B\n\n```swift\nprint(1)\n```\n\n```swift\nprint(2)\n```\n", "notes/02-b.md")
    var outputs = NoteOutputs(status: .ok, seconds: 3.5)
    outputs.cells[1] = CellOutput()
    outputs.cells[1]!.seconds = 0.25
    outputs.cells[2] = CellOutput()
    outputs.cells[2]!.seconds = 3.0
    try Site(project: project, weaver: Weaver()).write([Site.Page(note: note, outputs: outputs, diagnostics: [])])
    let site = project.siteDirectory
    let page = try String(contentsOf: site.appendingPathComponent("02-b.html"), encoding: .utf8)
    #expect(page.contains("<a href=\"source/02-b.md\"><code>notes/02-b.md</code></a> · <a href=\"source/02-b.swift\">generated Swift</a>"))
    #expect(try String(contentsOf: site.appendingPathComponent("source/02-b.md"), encoding: .utf8) == note.lines.joined(separator: "\n"))
    #expect(try String(contentsOf: site.appendingPathComponent("source/02-b.swift"), encoding: .utf8).contains("_loomCell(2, line: 7"))
    let timings = try String(contentsOf: site.appendingPathComponent("timings.html"), encoding: .utf8)
    #expect(timings.contains("data-volatile=\"timings\"") && !timings.contains("3.5"))
    // The run-times page has no Markdown of its own, so no source link (browser-test found it broken).
    #expect(!timings.contains("source/"))
    let script = try String(contentsOf: site.appendingPathComponent("volatile/timings.js"), encoding: .utf8)
    let slow = try #require(script.range(of: "3.0 s")), fast = try #require(script.range(of: "0.2 s"))
    #expect(script.contains("3.5") && slow.lowerBound < fast.lowerBound && script.contains("line 7"))
    var item = Pipeline.Item(note: note, readDiagnostics: [])
    item.outputs = outputs
    #expect(Pipeline.slowestCells([item]) == ["notes/02-b.md:7  3.0 s  cell 2", "notes/02-b.md:3  0.2 s  cell 1"])
  }

  @Test("Sub-sections '(a)' inherit their parent's number; [own text](@label); fig=/tbl= label every figure and table; locators and possessives")
  func refinements() throws {
    let markdown = """
      # L {#sec-l}

      ## 5. The Gotchas {#sec-gotchas}

      ### (a) A trap {#sec-trap}

      ```swift fig=fig-one,fig-two tbl=tbl-one
      print(1)
      ```

      See [the trap](@sec-trap), @sec-trap, @fig-two, [@sutton2018, §8.2], and @schulman2017ppo's clipping.
      """
    let (note, ds) = Self.read(markdown, "notes/05-x.md")
    #expect(ds.isEmpty, "\(ds)")
    #expect(note.labels.first { $0.name == "sec-trap" }?.display == "5(a)")
    #expect(note.labels.first { $0.name == "sec-gotchas" }?.display == "5")
    #expect(note.labels.filter { $0.kind == .figure }.map(\.number) == [1, 2])
    let (bib, _) = Bibliography.parse(Self.bib, path: "notes/references.bib")
    let index = CrossReferences(notes: [note], bibliography: bib)
    #expect(index.diagnostics(for: note).isEmpty)
    let prose = note.blocks.compactMap { if case .prose(let p) = $0 { return p.html } else { return nil } }.joined()
    let html = index.resolve(prose, on: note.slug)
    #expect(html.contains("<a class=\"xref\" href=\"#sec-trap\">the trap</a>"))
    #expect(html.contains(">Section 5(a)</a>") && html.contains(">Figure 5.2</a>"))
    #expect(html.contains(">Sutton and Barto, 2018, §8.2</a>)") && html.contains(">Schulman et al.’s (2017)</a> clipping"))
    // A link to a label that does not exist is an error like any other reference.
    let (bad, _) = Self.read("# B\n\nSee [this](@sec-nowhere).\n", "notes/06-y.md")
    #expect(
      CrossReferences(notes: [note, bad], bibliography: bib).diagnostics(for: bad).contains { $0.message.contains("'@sec-nowhere'") && $0.location.line == 3 })
    // Figures and tables in the weaver: each numbered, each with its label as id.
    var out = CellOutput()
    out.figures = [FigureOutput(svg: "<svg/>", caption: "a"), FigureOutput(svg: "<svg/>", caption: nil)]
    let woven = Weaver().shown(out, cell: note.cells[0], note: note)
    #expect(
      woven.contains("id=\"fig-one\"") && woven.contains("Figure 5.1: a") && woven.contains("id=\"fig-two\"")
        && woven.contains("<figcaption>Figure 5.2</figcaption>"))
  }
}
