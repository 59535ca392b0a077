/* Anchor: GF(2) rank of a random dense n x n matrix with M4RI (Debian libm4ri-dev).
 * Prints the median of `reps` timings of mzd_echelonize_m4ri (full=0) in milliseconds.
 * Build: cc -O2 m4ri_rank.c -o m4ri_rank $(pkg-config --cflags --libs m4ri) */
#include <m4ri/m4ri.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 2048;
  int reps = argc > 2 ? atoi(argv[2]) : 21;
  srandom(12345);
  mzd_t *a = mzd_init(n, n);
  mzd_randomize(a);
  double *t = malloc(sizeof(double) * reps);
  rci_t rank = 0;
  for (int i = 0; i < reps; i++) {
    mzd_t *b = mzd_copy(NULL, a);
    struct timespec s, e;
    clock_gettime(CLOCK_MONOTONIC, &s);
    rank = mzd_echelonize_m4ri(b, 0, 0);
    clock_gettime(CLOCK_MONOTONIC, &e);
    t[i] = (e.tv_sec - s.tv_sec) * 1e3 + (e.tv_nsec - s.tv_nsec) / 1e6;
    mzd_free(b);
  }
  qsort(t, reps, sizeof(double), cmp);
  printf("anchor m4ri_rank_%d %.9f\n", n, t[reps / 2] / 1e3);
  printf("m4ri gf2 rank n=%d rank=%d median_ms=%.3f min_ms=%.3f reps=%d\n", n, (int)rank, t[reps / 2], t[0], reps);
  mzd_free(a);
  free(t);
  return 0;
}
