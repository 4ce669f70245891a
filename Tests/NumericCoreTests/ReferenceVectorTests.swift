import Testing
import NumericCore

/// `a` and `b` agree to `tol` elementwise.
func close(_ a: [Double], _ b: [Double], tol: Double = 1e-9) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tol }
}

func close(_ a: Double, _ b: Double, tol: Double = 1e-9) -> Bool { Swift.abs(a - b) <= tol }

/// The test vectors of shared/references/losses.md, computed through the library.
@Suite("Reference vectors (losses.md)")
struct ReferenceVectorTests {
  @Test("3.4 GAE, CleanRL convention")
  func gaeCleanRLConvention() {
    let (adv, ret) = gaeCleanRL(
      rewards: [1, 1, 1, 1, 1], values: [0.5, 0.4, 0.3, 0.2, 0.1],
      dones: [false, false, false, true, false], nextValue: 0.7, nextDone: false,
      gamma: 0.99, lambda: 0.95)
    #expect(close(adv, [2.3588066750, 1.5553500000, 0.7000000000, 2.3972165000, 1.5930000000]))
    #expect(close(ret, [2.8588066750, 1.9553500000, 1.0, 2.5972165000, 1.6930000000]))
    #expect(
      close(
        normalized(adv), [0.9135877082, -0.2370491878, -1.4620029403, 0.9685947337, -0.1831303139],
        tol: 1e-9))
  }

  @Test("3.4 GAE with explicit terminated flags reproduces the CleanRL vector")
  func gaeTerminatedMatchesConvention() {
    // CleanRL's dones[3] = 1 means step 2 ended its episode; values[t+1] is the next value.
    let (adv, _) = gae(
      rewards: [1, 1, 1, 1, 1], values: [0.5, 0.4, 0.3, 0.2, 0.1],
      nextValues: [0.4, 0.3, 0.2, 0.1, 0.7], terminated: [false, false, true, false, false],
      truncated: [false, false, false, false, false], gamma: 0.99, lambda: 0.95)
    #expect(close(adv, [2.3588066750, 1.5553500000, 0.7000000000, 2.3972165000, 1.5930000000]))
  }

  @Test("GAE bootstraps through truncation but not through termination")
  func gaeTruncationBootstraps() {
    let common = (rewards: [1.0, 1.0], values: [0.5, 0.4], next: [0.4, 2.0])
    let term = gae(
      rewards: common.rewards, values: common.values, nextValues: common.next,
      terminated: [true, false], truncated: [false, false], gamma: 0.9, lambda: 0.8)
    let trunc = gae(
      rewards: common.rewards, values: common.values, nextValues: common.next,
      terminated: [false, false], truncated: [true, false], gamma: 0.9, lambda: 0.8)
    // Step 0: terminated → δ = 1 − 0.5; truncated → δ = 1 + 0.9·0.4 − 0.5. Neither carries A_1.
    #expect(close(term.advantages[0], 0.5))
    #expect(close(trunc.advantages[0], 0.86))
    #expect(close(term.advantages[1], trunc.advantages[1]))
  }

  @Test("3.5 PPO clipped surrogate and diagnostics")
  func ppoClip() {
    let r = ppoPolicyLoss(
      newLogProb: Tensor64([-0.9, -1.2, -0.3, -2.0]), oldLogProb: Tensor64([-1.0, -1.0, -0.6, -1.5]),
      advantages: Tensor64([1, -0.5, 2, -1]), clipCoef: 0.2)
    #expect(close(r.loss.item, -0.5739513854, tol: 1e-9))
    #expect(r.clipFraction == 0.5)
    #expect(close(r.oldApproxKL, 0.075, tol: 1e-12))
    #expect(close(r.approxKL, 0.0450727846, tol: 1e-9))
  }

  @Test("3.5 PPO value loss, clipped and unclipped")
  func ppoValue() {
    let v = Tensor64([0.9, 0.1, 1.5, -0.2]), old = Tensor64([0.5, 0.3, 1.0, 0.0])
    let ret = Tensor64([1.2, -0.4, 1.1, 0.3])
    #expect(close(ppoValueLoss(newValues: v, oldValues: old, returns: ret, clipCoef: 0.2).item, 0.11375))
    #expect(close(ppoValueLoss(newValues: v, oldValues: old, returns: ret, clipCoef: nil).item, 0.09375))
  }

  @Test("3.5 Categorical entropy")
  func categoricalEntropy() {
    let e = Categorical(logits: Tensor64([0.2, -0.1], shape: [1, 2])).entropy()
    #expect(close(e.item, 0.6820224894, tol: 1e-10))
  }

  @Test("3.6 Conjugate gradient")
  func conjugateGradientVector() {
    let f: [[Double]] = [[4, 1, 0], [1, 3, 0.5], [0, 0.5, 2]]
    let fvp = { (v: [Double]) in f.map { dot($0, v) } }
    let (x, norms) = conjugateGradient(fvp, [1, 2, 3], iterations: 10)
    #expect(close(x, [0.1547619048, 0.3809523810, 1.4047619048], tol: 1e-9))
    #expect(norms.count == 3)
    #expect(close(Array(norms.prefix(2)), [1.3856182795, 0.3345042487], tol: 1e-9))
    #expect(norms[2] < 1e-12)
    let xFx = dot(x, fvp(x))
    #expect(close(xFx, 5.1309523810, tol: 1e-9))
    #expect(close((2 * 0.01 / xFx).squareRoot(), 0.0624332590, tol: 1e-9))
  }

  @Test("3.6 Categorical Fisher-vector product")
  func categoricalFisher() {
    let pi = Categorical(logits: Tensor64([0.5, -0.2, 0.1], shape: [1, 3]))
    #expect(close(pi.probs.data, [0.4614876234, 0.2291679717, 0.3093444050], tol: 1e-10))
    let v = Tensor64([1, 0, -1], shape: [1, 3])
    let fv = pi.fisherVectorProduct(v)
    #expect(close(fv.data, [0.3912754111, -0.0348663528, -0.3564090583], tol: 1e-10))
    #expect(close(0.5 * (fv * v).sum().item, 0.3738422347, tol: 1e-10))
  }

  @Test("3.6 Diagonal Gaussian KL")
  func gaussianKL() {
    let p = DiagonalGaussian(mean: Tensor64([0, 1], shape: [1, 2]), std: Tensor64([1, 0.5]))
    let q = DiagonalGaussian(mean: Tensor64([0.5, 0.8], shape: [1, 2]), std: Tensor64([1.2, 0.4]))
    #expect(close(p.kl(to: q).item, 0.2994557833, tol: 1e-10))
  }

  @Test("3.7 SAC squashed-Gaussian log-prob")
  func sacLogProb() {
    let pi = SquashedGaussian(
      mean: Tensor64([0.3], shape: [1, 1]), logStd: Tensor64([0.5]).log(), scale: 2)
    let u = Tensor64([0.8], shape: [1, 1])
    #expect(close(pi.base.logProb(u).item, -0.7257913526, tol: 1e-10))
    #expect(close(pi.logProb(preTanh: u).item, -0.8374323069, tol: 1e-10))
    #expect(close(pi.squash(u).item, 1.3280735405, tol: 1e-10))
  }

  @Test("4.1 Bradley–Terry reward-model loss")
  func bradleyTerry() {
    let rc = Tensor64([1.5, 0.2, -0.3]), rr = Tensor64([0.5, 0.4, -1.3])
    #expect(close((rc - rr).sigmoid().data, [0.7310585786, 0.4501660027, 0.7310585786], tol: 1e-10))
    #expect(close(bradleyTerryLoss(chosen: rc, rejected: rr).item, 0.4748874148, tol: 1e-10))
    let margin = Tensor64([0.5, 0.5, 0.5])
    #expect(close(bradleyTerryLoss(chosen: rc, rejected: rr, margin: margin).item, 0.6837800057, tol: 1e-10))
    let accuracy = zip(rc.data, rr.data).filter { $0 > $1 }.count
    #expect(accuracy == 2)
    #expect(close(0.01 * (rc + rr).squared().mean().item, 0.0230666667, tol: 1e-10))
  }

  static var dpoInputs: (pc: Tensor64, pr: Tensor64, rc: Tensor64, rr: Tensor64) { (
    pc: Tensor64([-10, -25, -7.5]), pr: Tensor64([-12, -24, -9]),
    rc: Tensor64([-11, -24.5, -8]), rr: Tensor64([-11.5, -24.5, -8.5]))
  }

  @Test(
    "4.3 DPO family",
    arguments: [
      ("sigmoid", DPOLossType.sigmoid(), [0.6209570478, 0.7443966601, 0.6443966601]),
      ("hinge", .hinge, [0.85, 1.1, 0.9]),
      ("robust", .robust(labelSmoothing: 0.1), [0.6022070478, 0.7568966601, 0.6318966601]),
      ("cDPO", .sigmoid(labelSmoothing: 0.1), [0.6359570478, 0.7343966601, 0.6543966601]),
      ("ipo", .ipo, [12.25, 36, 16]),
    ])
  func dpo(_ name: String, _ type: DPOLossType, _ expected: [Double]) {
    let i = Self.dpoInputs
    let l = dpoLosses(
      policyChosen: i.pc, policyRejected: i.pr, referenceChosen: i.rc, referenceRejected: i.rr,
      beta: 0.1, type: type)
    #expect(close(l.data, expected, tol: 1e-9), "\(name): \(l.data)")
  }

  @Test("4.3 DPO mean loss, IPO in TRL's length-normalised form, gradient weight")
  func dpoExtras() {
    let i = Self.dpoInputs
    let l = dpoLosses(
      policyChosen: i.pc, policyRejected: i.pr, referenceChosen: i.rc, referenceRejected: i.rr)
    #expect(close(l.mean().item, 0.6699167893, tol: 1e-9))
    let lc = Tensor64([5, 10, 4]), lr = Tensor64([6, 8, 4])
    let ipo = dpoLosses(
      policyChosen: i.pc / lc, policyRejected: i.pr / lr, referenceChosen: i.rc / lc,
      referenceRejected: i.rr / lr, beta: 0.1, type: .ipo)
    #expect(close(ipo.data, [22.2469444444, 26.13765625, 22.5625], tol: 1e-8))
    // The DPO gradient weight σ(−βδ) is the derivative of the loss wrt βδ, up to sign.
    let pc = Tensor64([-10, -25, -7.5], requiresGrad: true)
    dpoLosses(policyChosen: pc, policyRejected: i.pr, referenceChosen: i.rc, referenceRejected: i.rr)
      .sum().backward()
    #expect(close(pc.grad.map { -$0 / 0.1 }, [0.4625701547, 0.5249791875, 0.4750208125], tol: 1e-9))
  }
}
