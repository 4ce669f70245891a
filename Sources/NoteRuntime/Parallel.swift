// Independent runs of one experiment (seeds, configurations) on every core.
import Foundation

/// `body(0) … body(n − 1)` on all cores, results in index order.
///
/// The result does not depend on scheduling as long as each call derives its randomness from its index
/// (`seeds(k)[i]`, never a generator shared between calls); the note's arithmetic is pinned to one
/// thread per call, so runs never fight over BLAS threads.
public func parallelMap<T>(_ n: Int, _ body: (Int) -> T) -> [T] {
  var results = [T?](repeating: nil, count: n)
  let lock = NSLock()
  DispatchQueue.concurrentPerform(iterations: n) { i in
    let value = body(i)
    lock.lock()
    results[i] = value
    lock.unlock()
  }
  return results.map { $0! }
}
