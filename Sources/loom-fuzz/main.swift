// `make fuzz`: a seeded random driver for the parts of Loom that read untrusted text — the Markdown
// reader (with math and inline values), the Swift highlighter, TeX → MathML, the HTML sanitiser.
//
//   loom-fuzz [seconds] [seed]
//
// Inputs are built from fragments that have broken parsers before (deep nesting, repeated scripts,
// unclosed fences and quotes, raw HTML, invalid UTF-8 …), mutated and concatenated. Before each input
// is processed it is written to .loom/fuzz/current.txt, so a crash leaves it behind; an input that
// takes longer than the budget is saved to Tests/LoomKitTests/Fixtures/fuzz/ as a regression case
// (the test suite runs every file there). Same seed, same inputs.
import Foundation
import LoomKit
import LoomRandom
import TeXMath

let args = CommandLine.arguments

// `loom-fuzz --replay FILE…`: run kept inputs through every target, saying which one is at fault.
if args.count > 2, args[1] == "--replay" {
  for path in args.dropFirst(2) {
    let text = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data(), as: UTF8.self)
    for (name, run) in [("reader+weaver", { let (n, _) = NoteReader().read(text, path: "notes/fuzz.md"); _ = Weaver().article(n, outputs: nil, readDiagnostics: []) }),
                        ("highlighter", { _ = SwiftHighlighter().highlight(text) }),
                        ("tex", { _ = TeXMath.convert(text, display: true) })] as [(String, () -> Void)] {
      print("\(path): \(name)…")
      let t0 = Date(); run(); print(String(format: " %.2f s", Date().timeIntervalSince(t0)))
    }
  }
  exit(0)
}
let seconds = args.count > 1 ? Double(args[1]) ?? 60 : 60
let seed = args.count > 2 ? UInt64(args[2]) ?? 1 : UInt64(Date().timeIntervalSince1970)
let budget = 5.0  // CPU seconds one input may take (debug build)

let fragments: [String] = [
  "# Heading\n", "## Sub *em* `code`\n", "Some prose with $x^2$ and $$\\frac{a}{b}$$.\n", "`{swift} 6 * 7`",
  "`{swift} x, format: \"%.1f\"`", "`{swift} `", "```swift\nlet x = [1, 2, 3]\n```\n", "```swift id=a\nprint(1)\n```\n",
  "```output\n1\n```\n", "```swift error\nlet y: Int = \"s\"\n```\n", "```\nunclosed fence\n", "````\n```swift\n````\n",
  "<details><summary>s</summary>\n\nx\n\n</details>\n", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
  "[a](javascript:alert(1))", "[b](other.md#x)", "| a | b |\n|---|---|\n| 1 | 2 |\n", "- [ ] task\n- [x] done\n",
  "> quote $a_1$\n", "Footnote[^1].\n\n[^1]: note.\n", "---\ntitle: x\n---\n", "\\(", "$", "$$", "\\left(", "\\right)",
  "^", "_", "{", "}", "[", "]", "(", ")", "\\begin{aligned}", "\\end{aligned}", "&", "\\\\", "\\frac", "\\sqrt",
  "\u{FFFD}", "é", "💥", "\t", "\r\n", "\n\n", "    indented code\n", "<!-- comment", "-->", "\"", "'", "caption=\"",
  // Cross-references, citations, callouts (issue 17).
  "@fig-a", "@sec-b.", "[@key]", "[@a; @b]", "[@", "@", "a@b.c", "@lec-06", "## H {#sec-a}\n", "{#", "$$ x \\label{eq-a} $$",
  "> [!NOTE]\n> body\n", "> [!TIP] Title\n", "> [!SOLUTION]\n> ```swift\n> print(1)\n> ```\n", "> [!", "```swift id=fig-a\nprint(1)\n```\n",
]

let bibFragments = [
  "@article{k,\n", "author = {A, B and C, D},\n", "title = {{T}},\n", "year = 2020", "}", "{", "\"", "%", "@", ",", "=",
  "@string{x = \"y\"}\n", "{\\'e}", "\n", " and ", "eprint = {1707.06347}", "doi = {10.1/x}",
]

func randomBib(_ rng: inout SeededGenerator) -> String {
  var s = ""
  for _ in 0..<rng.int(in: 1...60) {
    let f = bibFragments[rng.int(below: bibFragments.count)]
    s += rng.bernoulli(0.05) ? String(repeating: f, count: rng.int(in: 2...500)) : f
  }
  return s
}

func randomText(_ rng: inout SeededGenerator) -> String {
  var s = ""
  let parts = rng.int(in: 1...40)
  for _ in 0..<parts {
    var f = fragments[rng.int(below: fragments.count)]
    if rng.bernoulli(0.15) { f = String(repeating: f, count: rng.int(in: 2...400)) }  // runs: nesting, scripts
    s += f
  }
  return s
}

func randomTeX(_ rng: inout SeededGenerator) -> String {
  let tokens = ["x", "^", "_", "{", "}", "\\left(", "\\right)", "\\frac", "\\sqrt", "&", "\\\\", "\\begin{matrix}",
                "\\end{matrix}", "\\mathbb{R}", "'", "\\alpha", "1", "+", "\\label{a}", "\\tag{1}", "\\text{a}", "\\"]
  var s = ""
  for _ in 0..<rng.int(in: 1...300) {
    let t = tokens[rng.int(below: tokens.count)]
    s += rng.bernoulli(0.05) ? String(repeating: t, count: rng.int(in: 2...800)) : t
  }
  return s
}

/// CPU time of this thread: an input is slow by the work it causes, not by how long a loaded
/// machine (or `nice`) kept the fuzzer waiting.
func cpuSeconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

let outDir = URL(fileURLWithPath: ".loom/fuzz")
try? FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
let current = outDir.appendingPathComponent("current.txt")
let findings = URL(fileURLWithPath: "Tests/LoomKitTests/Fixtures/fuzz")
var rng = SeededGenerator(seed: seed)
let start = Date()
var count = 0, slow = 0
print("loom-fuzz: seed \(seed), \(Int(seconds)) s")
while Date().timeIntervalSince(start) < seconds {
  let kind = rng.int(below: 4)
  let input = kind == 1 ? randomTeX(&rng) : kind == 3 ? randomBib(&rng) : randomText(&rng)
  try? Data(input.utf8).write(to: current)
  let t0 = cpuSeconds()
  switch kind {
  case 0:
    let (note, _) = NoteReader().read(input, path: "notes/06-fuzz.md")
    let index = CrossReferences(notes: [note])
    _ = index.diagnostics(for: note)
    _ = index.resolve(Weaver().article(note, outputs: nil, readDiagnostics: []), on: note.slug)
  case 1:
    _ = TeXMath.convert(input, display: rng.bernoulli(0.5))
  case 3:
    _ = Bibliography.parse(input, path: "notes/references.bib")
  default:
    _ = SwiftHighlighter().highlight(input)
  }
  let dt = cpuSeconds() - t0
  count += 1
  if dt > budget {
    slow += 1
    let name = "slow-\(["markdown", "tex", "swift", "bib"][kind])-\(seed)-\(count).txt"
    try? Data(input.utf8).write(to: findings.appendingPathComponent(name))
    print("slow input (\(String(format: "%.1f", dt)) s) kept as \(name)")
  }
}
try? FileManager.default.removeItem(at: current)
print("loom-fuzz: \(count) inputs in \(Int(Date().timeIntervalSince(start))) s, \(slow) slow, no crash (seed \(seed))")
exit(slow == 0 ? 0 : 1)
