// OpenBLAS's CBLAS interface (Debian: libopenblas-dev). NumericCore's matmul calls cblas_sgemm/dgemm.
#include <cblas.h>
// OpenBLAS extension: thread count (Loom runs single-threaded for reproducible timings).
void openblas_set_num_threads(int num_threads);
// What the note runtime reports to the runner, which checks the arithmetic pin (LoomKit/Run/ArithmeticPin.swift).
int openblas_get_num_threads(void);
char *openblas_get_corename(void);
