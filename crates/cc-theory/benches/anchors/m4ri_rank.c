/* Anchor for benches/theory.rs rank_gf2/random_{2048,4096}: median time of
 * M4RI's mzd_echelonize (rank) on random dense n x n matrices, one core.
 * Build: cc -O2 m4ri_rank.c -o m4ri_rank $(pkg-config --cflags --libs m4ri)
 * Run:   ./m4ri_rank 2048 21 ; ./m4ri_rank 4096 11 */
#include <m4ri/m4ri.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}
static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 2048;
  int reps = argc > 2 ? atoi(argv[2]) : 11;
  double *ts = malloc(sizeof(double) * reps);
  mzd_t *a = mzd_init(n, n);
  srandom(1);
  rci_t rank = 0;
  for (int r = 0; r < reps; r++) {
    mzd_randomize(a);
    mzd_t *b = mzd_copy(NULL, a);
    double t0 = now();
    rank = mzd_echelonize(b, 0);
    ts[r] = now() - t0;
    mzd_free(b);
  }
  qsort(ts, reps, sizeof(double), cmp);
  printf("m4ri n=%d rank=%d median=%.3f ms\n", n, (int)rank, ts[reps / 2] * 1e3);
  mzd_free(a);
  free(ts);
  return 0;
}
