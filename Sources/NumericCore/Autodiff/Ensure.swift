/// Stops the program with `message` when `condition` is false, in every build configuration.
///
/// Unlike `precondition`, whose message is dropped in `-O` builds (notes are built in release),
/// this always prints "Fatal error: matmul: shapes [3, 4] and [5, 2] are incompatible".
@inline(__always)
func ensure(
  _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
  file: StaticString = #fileID, line: UInt = #line
) {
  if _slowPath(!condition()) { fatalError(message(), file: file, line: line) }
}
