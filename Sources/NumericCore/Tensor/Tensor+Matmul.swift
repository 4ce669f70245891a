// Matrix products through `Scalar.gemm` (our own for Float, OpenBLAS for Double); the backward passes accumulate straight into the input
// gradients with beta = 1, so no temporary gradient buffers are made.

extension TensorOf {
  /// Matrix product over the last two axes, with optional transposes and batch dimensions.
  ///
  /// `[..., m, k] × [..., k, n] → [..., m, n]`. Batch dimensions must match, or one side is a
  /// plain matrix shared by every batch entry. `transposeSelf`/`transposeOther` read that
  /// operand's last two axes swapped without copying (attention's `q·kᵀ`).
  /// - Complexity: O(batch · m · n · k).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func matmul(_ other: TensorOf, transposeSelf tA: Bool = false, transposeOther tB: Bool = false)
    -> TensorOf
  {
    ensure(
      rank >= 2 && other.rank >= 2,
      "matmul: shapes \(shape) and \(other.shape) are incompatible (need rank ≥ 2)")
    let aRows = shape[rank - 2], aCols = shape[rank - 1]
    let bRows = other.shape[other.rank - 2], bCols = other.shape[other.rank - 1]
    let (m, k) = tA ? (aCols, aRows) : (aRows, aCols)
    let (k2, n) = tB ? (bCols, bRows) : (bRows, bCols)
    let aBatch = Array(shape.dropLast(2)), bBatch = Array(other.shape.dropLast(2))
    ensure(
      k == k2 && (aBatch == bBatch || aBatch.isEmpty || bBatch.isEmpty),
      "matmul: shapes \(shape) and \(other.shape) are incompatible")
    let batchShape = aBatch.count >= bBatch.count ? aBatch : bBatch
    let batch = batchShape.reduce(1, *)
    let sA = aBatch.isEmpty ? 0 : m * k, sB = bBatch.isEmpty ? 0 : k * n
    let lda = tA ? m : k, ldb = tB ? k : n
    var y: [Scalar] = uninitializedArray(count: batch * m * n)
    // One big gemm when the left side's batch rows can be stacked (x·W for a batch of inputs).
    let stackRows = !tA && sB == 0 && batch > 1
    data.withUnsafeBufferPointer { a in
      other.data.withUnsafeBufferPointer { b in
        y.withUnsafeMutableBufferPointer { c in
          if stackRows {
            Scalar.gemm(
              transA: false, transB: tB, m: batch * m, n: n, k: k, alpha: 1,
              a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb, beta: 0,
              c: c.baseAddress!, ldc: n)
            return
          }
          for i in 0..<batch where m > 0 && n > 0 {
            Scalar.gemm(
              transA: tA, transB: tB, m: m, n: n, k: k, alpha: 1,
              a: a.baseAddress! + i * sA, lda: lda, b: b.baseAddress! + i * sB, ldb: ldb, beta: 0,
              c: c.baseAddress! + i * m * n, ldc: n)
          }
        }
      }
    }
    return TensorOf(y, shape: batchShape + [m, n], op: "matmul", inputs: [self, other]) { out in
      out.grad.withUnsafeBufferPointer { gcBuf in
        let gc = gcBuf.baseAddress!
        if self.requiresGrad {
          self.accumulateGrad { ga in
            other.data.withUnsafeBufferPointer { b in
              let steps = stackRows ? 1 : batch
              let mm = stackRows ? batch * m : m
              for i in 0..<steps {
                if !tA {
                  Scalar.gemm(
                    transA: false, transB: !tB, m: mm, n: k, k: n, alpha: 1,
                    a: gc + i * m * n, lda: n, b: b.baseAddress! + i * sB, ldb: ldb, beta: 1,
                    c: ga.baseAddress! + i * sA, ldc: lda)
                } else {
                  Scalar.gemm(
                    transA: tB, transB: true, m: k, n: m, k: n, alpha: 1,
                    a: b.baseAddress! + i * sB, lda: ldb, b: gc + i * m * n, ldb: n, beta: 1,
                    c: ga.baseAddress! + i * sA, ldc: lda)
                }
              }
            }
          }
        }
        if other.requiresGrad {
          other.accumulateGrad { gb in
            self.data.withUnsafeBufferPointer { a in
              if stackRows {
                // All batch rows contribute to the one shared matrix.
                if !tB {
                  Scalar.gemm(
                    transA: true, transB: false, m: k, n: n, k: batch * m, alpha: 1,
                    a: a.baseAddress!, lda: lda, b: gc, ldb: n, beta: 1, c: gb.baseAddress!, ldc: ldb)
                } else {
                  Scalar.gemm(
                    transA: true, transB: false, m: n, n: k, k: batch * m, alpha: 1,
                    a: gc, lda: n, b: a.baseAddress!, ldb: lda, beta: 1, c: gb.baseAddress!, ldc: ldb)
                }
                return
              }
              for i in 0..<batch {
                if !tB {
                  Scalar.gemm(
                    transA: !tA, transB: false, m: k, n: n, k: m, alpha: 1,
                    a: a.baseAddress! + i * sA, lda: lda, b: gc + i * m * n, ldb: n, beta: 1,
                    c: gb.baseAddress! + i * sB, ldc: ldb)
                } else {
                  Scalar.gemm(
                    transA: true, transB: tA, m: n, n: k, k: m, alpha: 1,
                    a: gc + i * m * n, lda: n, b: a.baseAddress! + i * sA, ldb: lda, beta: 1,
                    c: gb.baseAddress! + i * sB, ldc: ldb)
                }
              }
            }
          }
        }
      }
    }
  }

  /// Fused affine map `x·Wᵀ + b` over the last axis (torch's `F.linear`): one gemm forward,
  /// three in backward. `weight` is `[out, in]`, `bias` is `[out]` or nil.
  public func linear(weight: TensorOf, bias: TensorOf?) -> TensorOf { linear(weight: weight, bias: bias, residual: nil) }

  /// `residual + (x·Wᵀ + b)`: a linear layer that ends a residual branch (a transformer's attention
  /// projection and MLP output), the sum done in the product's epilogue, so no separate add pass
  /// or intermediate array; the same bits as `residual + x.linear(weight:bias:)`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func linear(weight: TensorOf, bias: TensorOf?, residual: TensorOf?) -> TensorOf {
    let inF = weight.shape.count == 2 ? weight.shape[1] : -1
    ensure(
      weight.rank == 2 && rank >= 1 && shape[rank - 1] == inF,
      "linear: shapes \(shape) and \(weight.shape) are incompatible")
    let outF = weight.shape[0]
    if let bias {
      ensure(bias.shape == [outF], "linear: bias shape \(bias.shape) for weight \(weight.shape)")
    }
    let rows = count / Swift.max(inF, 1)
    let outShape = Array(shape.dropLast()) + [outF]
    if let residual {
      ensure(residual.shape == outShape, "linear: residual shape \(residual.shape) for output \(outShape)")
    }
    // Without a bias, y starts as the residual's copy and the product adds to it (beta = 1).
    var y: [Scalar] = bias == nil ? (residual.map { $0.data } ?? uninitializedArray(count: rows * outF)) : uninitializedArray(count: rows * outF)
    y.withUnsafeMutableBufferPointer { c in
      data.withUnsafeBufferPointer { a in
        weight.data.withUnsafeBufferPointer { w in
          if let bias {
            bias.data.withUnsafeBufferPointer { b in
              func product(_ r: UnsafePointer<Scalar>?) {
                Scalar.gemmBias(
                  transA: false, transB: true, m: rows, n: outF, k: inF, alpha: 1, a: a.baseAddress!, lda: inF,
                  b: w.baseAddress!, ldb: inF, beta: 1, bias: b.baseAddress!, residual: r, ldr: outF, c: c.baseAddress!,
                  ldc: outF)
              }
              if let residual { residual.data.withUnsafeBufferPointer { product($0.baseAddress!) } } else { product(nil) }
            }
          } else {
            // residual + acc as alpha·acc + 1·residual (the same sum).
            Scalar.gemm(
              transA: false, transB: true, m: rows, n: outF, k: inF, alpha: 1,
              a: a.baseAddress!, lda: inF, b: w.baseAddress!, ldb: inF, beta: residual == nil ? 0 : 1, c: c.baseAddress!, ldc: outF)
          }
        }
      }
    }
    var inputs = bias.map { [self, weight, $0] } ?? [self, weight]
    if let residual { inputs.append(residual) }
    return TensorOf(y, shape: outShape, op: residual == nil ? "linear" : "linear+residual", inputs: inputs) {
      out in
      out.grad.withUnsafeBufferPointer { gyBuf in
        let gy = gyBuf.baseAddress!
        if let residual, residual.requiresGrad {
          // The residual's gradient is the output's (into a fresh buffer as +0 + …).
          residual.accumulateGrad { gr, fresh in
            let g = gr.baseAddress!
            if fresh { for i in 0..<gr.count { g[i] = 0 + gy[i] } } else { for i in 0..<gr.count { g[i] += gy[i] } }
          }
        }
        if self.requiresGrad {
          // Into a fresh buffer with beta = 0: alpha·acc is acc, which +0 + acc equals (a chain
          // from +0 is never −0), so the bits of accumulating into zeros without the zeros.
          self.accumulateGrad { gx, fresh in
            weight.data.withUnsafeBufferPointer { w in
              Scalar.gemm(
                transA: false, transB: false, m: rows, n: inF, k: outF, alpha: 1,
                a: gy, lda: outF, b: w.baseAddress!, ldb: inF, beta: fresh ? 0 : 1, c: gx.baseAddress!, ldc: inF)
            }
          }
        }
        if weight.requiresGrad {
          weight.accumulateGrad { gw in
            self.data.withUnsafeBufferPointer { x in
              if inF > outF {
                // dWᵀ = Xᵀ·dY, then added into dW transposed: the product packs dY (rows × out)
                // rather than the wider X. The same chains (fma(x, dy, ·) is fma(dy, x, ·)), and
                // dW + acc is acc + dW: the same bits as the product below.
                var t: [Scalar] = uninitializedArray(count: inF * outF)
                t.withUnsafeMutableBufferPointer { tb in
                  Scalar.gemm(
                    transA: true, transB: false, m: inF, n: outF, k: rows, alpha: 1,
                    a: x.baseAddress!, lda: inF, b: gy, ldb: outF, beta: 0, c: tb.baseAddress!, ldc: outF)
                  let tp = tb.baseAddress!, g = gw.baseAddress!
                  for o in 0..<outF {
                    let row = g + o * inF
                    for i in 0..<inF { row[i] = tp[i * outF + o] + row[i] }
                  }
                }
              } else {
                Scalar.gemm(
                  transA: true, transB: false, m: outF, n: inF, k: rows, alpha: 1,
                  a: gy, lda: outF, b: x.baseAddress!, ldb: inF, beta: 1, c: gw.baseAddress!, ldc: inF)
              }
            }
          }
        }
        if let bias, bias.requiresGrad {
          // Column sums of gy as a gemm with a row of ones (BLAS beats the scalar loop).
          let ones: [Scalar] = onesArray(count: rows)
          bias.accumulateGrad { gb in
            ones.withUnsafeBufferPointer { o in
              Scalar.gemm(
                transA: false, transB: false, m: 1, n: outF, k: rows, alpha: 1, a: o.baseAddress!,
                lda: rows, b: gy, ldb: outF, beta: 1, c: gb.baseAddress!, ldc: outF)
            }
          }
        }
      }
    }
  }
}

/// Writes `row` (`width` values) into each of `rows` consecutive rows of `out`: the first row,
/// then copies of what is filled so far, doubling (a few memcpy's instead of one per row).
@_specialize(where S == Float)
@_specialize(where S == Double)
func fillRows<S: TensorScalar>(_ out: UnsafeMutablePointer<S>, with row: UnsafePointer<S>, width: Int, rows: Int) {
  guard rows > 0 && width > 0 else { return }
  out.update(from: row, count: width)
  var filled = 1
  while filled < rows {
    let n = Swift.min(filled, rows - filled)
    (out + filled * width).update(from: out, count: n * width)
    filled += n
  }
}
