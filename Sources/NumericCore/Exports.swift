// One generator family for the whole series: notes that import NumericCore get `SeededGenerator`.
@_exported import LoomRandom
