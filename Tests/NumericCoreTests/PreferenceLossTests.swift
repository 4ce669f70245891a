import Testing
import NumericCore

/// SimPO, ORPO's odds-ratio term and KTO against their formulas, on the inputs of
/// ../shared/references/losses.md §4.3 (expected values computed from the formulas in Python).
@Suite("Preference losses: SimPO, ORPO, KTO")
struct PreferenceLossTests {
  static var pc: Tensor64 { Tensor64([-10, -25, -7.5]) }
  static var pr: Tensor64 { Tensor64([-12, -24, -9]) }
  static var lc: Tensor64 { Tensor64([5, 10, 4]) }
  static var lr: Tensor64 { Tensor64([6, 8, 4]) }

  func close(_ a: [Double], _ b: [Double], tol: Double) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tol }
  }

  @Test("SimPO: −logσ(β·Δ(mean log-prob) − γ), with label smoothing")
  func simpo() {
    let l = simpoLosses(policyChosen: Self.pc, policyRejected: Self.pr, chosenLengths: Self.lc, rejectedLengths: Self.lr, beta: 2, gamma: 0.5)
    #expect(close(l.data, [0.9740769842, 0.4740769842, 0.5759394199], tol: 1e-9), "\(l.data)")
    let smoothed = simpoLosses(policyChosen: Self.pc, policyRejected: Self.pr, chosenLengths: Self.lc, rejectedLengths: Self.lr, beta: 2, gamma: 0.5, labelSmoothing: 0.1)
    #expect(close(smoothed.data, [0.9240769842, 0.5240769842, 0.6009394199], tol: 1e-9))
  }

  @Test("ORPO: λ·(−logσ(log odds_w − log odds_l)) on mean per-token log-probs")
  func orpo() {
    let l = orpoOddsRatioLosses(policyChosen: Self.pc / Self.lc, policyRejected: Self.pr / Self.lr, lambda: 0.1)
    #expect(close(l.data, [0.0693147181, 0.0461161250, 0.0501045933], tol: 1e-9), "\(l.data)")
  }

  @Test("KTO: desirable and undesirable terms around the reference point")
  func kto() {
    let z = ktoReferencePoint(policy: [-14, -20, -9], reference: [-13.5, -20.5, -9.6])
    #expect(abs(z - 0.2) < 1e-12)
    #expect(ktoReferencePoint(policy: [-14], reference: [-13]) == 0)  // clamped at 0
    let policy = Tensor64([-10, -25, -12, -24]), reference = Tensor64([-11, -24.5, -11.5, -24.5])
    let flags = [true, true, false, false]
    let l = ktoLosses(policy: policy, reference: reference, desirable: flags, referencePoint: z, beta: 0.1)
    #expect(close(l.data, [0.4800106598, 0.5174928577, 0.4825071423, 0.5074994376], tol: 1e-9), "\(l.data)")
    let weighted = ktoLosses(policy: policy, reference: reference, desirable: flags, referencePoint: z, beta: 0.1, undesirableWeight: 1.5)
    #expect(close(weighted.data, [0.4800106598, 0.5174928577, 0.7237607135, 0.7612491563], tol: 1e-9))
  }

  @Test("Gradients with respect to the policy log-probs match central differences", arguments: ["simpo", "orpo", "kto"])
  func gradients(_ name: String) {
    let f: (Tensor64) -> Tensor64 = { x in
      switch name {
      case "simpo": return simpoLosses(policyChosen: x, policyRejected: Self.pr, chosenLengths: Self.lc, rejectedLengths: Self.lr).sum()
      case "orpo": return orpoOddsRatioLosses(policyChosen: x / Self.lc, policyRejected: Self.pr / Self.lr).sum()
      default: return ktoLosses(policy: x, reference: Tensor64([-11, -24.5, -8]), desirable: [true, false, true], referencePoint: 0.2, beta: 0.5).sum()
      }
    }
    let x0: [Double] = [-10, -25, -7.5]
    let x = Tensor64(x0, requiresGrad: true)
    f(x).backward()
    for i in 0..<3 {
      var plus = x0, minus = x0
      plus[i] += 1e-6
      minus[i] -= 1e-6
      let numeric = (f(Tensor64(plus)).item - f(Tensor64(minus)).item) / 2e-6
      #expect(abs(x.grad[i] - numeric) < 1e-7 * max(1, abs(numeric)), "\(name)[\(i)]: \(x.grad[i]) vs \(numeric)")
    }
  }
}
