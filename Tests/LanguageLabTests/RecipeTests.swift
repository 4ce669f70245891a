import Foundation
import Testing
@testable import LanguageLab

#if canImport(Glibc)
import Glibc
#endif

/// Recipes are deterministic and memoised; these use a few steps of a tiny model so they stay fast
/// in a debug build.
@Suite("Recipes and their memo")
struct RecipeTests {
  static let quick = TrainingConfig(steps: 3, batchSize: 4, learningRate: 3e-3, warmupSteps: 1, seed: 11)
  static let quickSFT = TrainingConfig(steps: 2, batchSize: 4, learningRate: 1e-3, warmupSteps: 1, seed: 12)

  /// A fresh, empty store.
  static func store(_ name: String) -> ArtifactStore {
    let dir = NSTemporaryDirectory() + "loom-lab-\(name)-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    return ArtifactStore(directory: dir)
  }

  static func bits<W>(_ m: LabModel<W>) -> [[UInt32]] { m.gpt.parameters.map { $0.data.map(\.bitPattern) } }

  @Test("Memoised weights are bit-identical to a fresh run, from the file and from memory")
  func memoIsBitIdentical() {
    let world = ArithmeticWorld()
    let store = Self.store("bits")
    let first = pretrained(world, size: .tiny, config: Self.quick, store: store)
    #expect(!first.provenance.fromMemo)
    #expect(first.provenance.recipe.hasPrefix("pretrained/arithmetic"))
    let files = (try? FileManager.default.contentsOfDirectory(atPath: store.directory)) ?? []
    #expect(files.contains { $0.hasSuffix(".params") } && files.contains { $0.hasSuffix(".meta") })

    let fromMemory = pretrained(world, size: .tiny, config: Self.quick, store: store)
    ArtifactStore.forgetLoaded()
    let fromFile = pretrained(world, size: .tiny, config: Self.quick, store: store)
    let fresh = pretrained(world, size: .tiny, config: Self.quick, store: nil)
    #expect(fromMemory.provenance.fromMemo && fromFile.provenance.fromMemo && !fresh.provenance.fromMemo)
    #expect(fromFile.provenance.time == first.provenance.time && first.provenance.time.cpu > 0)
    #expect(Self.bits(first) == Self.bits(fresh))
    #expect(Self.bits(fromMemory) == Self.bits(fresh))
    #expect(Self.bits(fromFile) == Self.bits(fresh))
    // Each call gets its own weights: training one model leaves the memo alone.
    fromMemory.gpt.parameters[0].assign(Array(repeating: 0, count: fromMemory.gpt.parameters[0].count))
    #expect(Self.bits(pretrained(world, size: .tiny, config: Self.quick, store: store)) == Self.bits(fresh))
  }

  @Test("A damaged weights file is trained again, from the same initial weights as a fresh run")
  func damagedFile() throws {
    let world = ArithmeticWorld()
    let store = Self.store("damaged")
    _ = pretrained(world, size: .tiny, config: Self.quick, store: store)
    let params = try #require(try FileManager.default.contentsOfDirectory(atPath: store.directory).first { $0.hasSuffix(".params") })
    let path = store.directory + "/" + params
    let bytes = try #require(FileManager.default.contents(atPath: path))
    try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: path))  // truncated mid-tensor
    ArtifactStore.forgetLoaded()
    let again = pretrained(world, size: .tiny, config: Self.quick, store: store)
    #expect(!again.provenance.fromMemo)
    #expect(Self.bits(again) == Self.bits(pretrained(world, size: .tiny, config: Self.quick, store: nil)))
  }

  @Test("A different recipe is a different artifact")
  func keys() {
    let store = Self.store("keys")
    let a = pretrained(ReviewsWorld(), size: .tiny, config: Self.quick, store: store)
    var other = Self.quick
    other.seed = 99
    let b = pretrained(ReviewsWorld(), size: .tiny, config: other, store: store)
    #expect(!b.provenance.fromMemo && Self.bits(a) != Self.bits(b))
    #expect(ArtifactStore.fullKey("r").contains("code "))
    #expect(!CodeDigest.libraries.hasPrefix("no-sources"))  // the tests run next to the sources
  }

  @Test("The code digest is the same through the symlinks notes build with, and changes with the code")
  func digestThroughSymlinks() throws {
    let here = URL(fileURLWithPath: #filePath)  // …/Tests/LanguageLabTests/RecipeTests.swift
    let sources = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")
    let fm = FileManager.default
    let links = URL(fileURLWithPath: NSTemporaryDirectory() + "loom-lab-links-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try fm.createDirectory(at: links, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: links) }
    for lib in ["LanguageLab", "NumericCore", "CNumericKernels", "LoomRandom", "CBLAS"] {
      try fm.createSymbolicLink(at: links.appendingPathComponent(lib), withDestinationURL: sources.appendingPathComponent(lib))
    }
    #expect(CodeDigest.digest(sources: links) == CodeDigest.libraries)
    #expect(CodeDigest.digest(sources: links.appendingPathComponent("nowhere")) == "no-sources")
    // One library less is another digest.
    try fm.removeItem(at: links.appendingPathComponent("CBLAS"))
    #expect(CodeDigest.digest(sources: links) != CodeDigest.libraries)
  }

  @Test("Fine-tuning is memoised too, on top of its memoised base")
  func sftMemo() {
    let world = RequestsWorld()
    let store = Self.store("sft")
    let a = sft(world, size: .tiny, pretraining: Self.quick, config: Self.quickSFT, store: store)
    #expect(a.provenance.recipe.hasPrefix("sft/requests") && a.provenance.recipe.contains("from pretrained/requests"))
    ArtifactStore.forgetLoaded()
    let b = sft(world, size: .tiny, pretraining: Self.quick, config: Self.quickSFT, store: store)
    let fresh = sft(world, size: .tiny, pretraining: Self.quick, config: Self.quickSFT, store: nil)
    #expect(b.provenance.fromMemo && Self.bits(a) == Self.bits(fresh) && Self.bits(b) == Self.bits(fresh))
    let base = pretrained(world, size: .tiny, config: Self.quick, store: nil)
    #expect(Self.bits(base) != Self.bits(fresh))
  }

  @Test("A request waits while another process holds the recipe's lock, then reads what it wrote")
  func waitsForTheLock() throws {
    let world = ProgramsWorld()
    let store = Self.store("lock")
    try FileManager.default.createDirectory(atPath: store.directory, withIntermediateDirectories: true)
    let recipe = pretrainingRecipe(world, size: .tiny, config: Self.quick)
    let key = ArtifactStore.fullKey(recipe)
    let stem = store.directory + "/" + ArtifactStore.fileStem(recipe: recipe, key: key)
    // "Another process": its own open file description of the lock file, locked.
    let fd = open(stem + ".lock", O_CREAT | O_RDWR, 0o644)
    #expect(fd >= 0 && flock(fd, LOCK_EX) == 0)

    let result = ResultBox()
    let waiter = Thread {
      let m = pretrained(world, size: .tiny, config: Self.quick, store: store)
      result.set(m.provenance, bits: Self.bits(m))
    }
    waiter.start()
    Thread.sleep(forTimeInterval: 0.5)
    #expect(result.get() == nil)  // still waiting

    // The other process trains and writes the artifact, then lets go.
    let made = pretrained(world, size: .tiny, config: Self.quick, store: nil)
    try made.gpt.saveParameters(to: stem + ".params")
    try "\(key)\n12.5\n3.25\n".write(toFile: stem + ".meta", atomically: true, encoding: .utf8)
    flock(fd, LOCK_UN)
    close(fd)

    var waited = 0
    while result.get() == nil && waited < 600 {
      Thread.sleep(forTimeInterval: 0.1)
      waited += 1
    }
    let (provenance, bits) = try #require(result.get())
    #expect(provenance.fromMemo && provenance.time == TrainingTime(wall: 12.5, cpu: 3.25))  // read, not trained again
    #expect(bits == Self.bits(made))
  }

  @Test("Responses decode to the world's text, with log-probs per token")
  func respond() {
    let world = ArithmeticWorld()
    let model = pretrained(world, size: .tiny, config: Self.quick, store: nil)
    var rng = SeededGenerator(seed: 3)
    let tasks = world.tasks(3, using: &rng)
    let out = model.respond(to: tasks.map(\.prompt), seeds: [1, 2, 3], maxNewTokens: 10)
    #expect(out.count == 3)
    for r in out {
      #expect(r.tokens.count == r.logProbs.count && r.tokens.count <= 10)
      #expect(world.tokenizer.contains(r.text))
      #expect(r.finished == (r.tokens.last == CharTokenizer.eos))
    }
    // The same prompt and seed give the same response alone.
    let alone = model.respond(to: [tasks[1].prompt], seeds: [2], maxNewTokens: 10)
    #expect(alone[0].tokens == out[1].tokens)
    // Summed log-probs of a response match the sampler's (eos included when it was sampled).
    if out[0].finished {
      let lp = model.sequenceLogProbs(prompts: [tasks[0].prompt], responses: [out[0].text])[0]
      #expect(abs(lp - out[0].logProbs.reduce(0) { $0 + Double($1) }) < 1e-3)
    }
  }
}

/// A value one thread writes and another polls.
final class ResultBox: @unchecked Sendable {
  private let lock = NSLock()
  private var value: (ModelProvenance, [[UInt32]])?
  func set(_ p: ModelProvenance, bits: [[UInt32]]) {
    lock.lock()
    value = (p, bits)
    lock.unlock()
  }
  func get() -> (ModelProvenance, [[UInt32]])? {
    lock.lock()
    defer { lock.unlock() }
    return value
  }
}
