/* load_driver.c -- load one CSV file with mlp_table_load, on THREADS
 * threads (default 1), and print the seconds it took, the shape, the peak
 * resident memory and the processor time; for bench_load.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "mlp/csv.h"

int main(int argc, char **argv)
{
    struct timespec t0, t1;
    struct rusage ru;
    mlp_table t;
    mlp_error e;
    char msg[1200];
    double sec;

    mlp_table_options o = { 0 };

    if (argc < 2 || argc > 3
        || (argc == 3 && (o.threads = (unsigned)atoi(argv[2])) < 1)) {
        fprintf(stderr, "usage: load_driver FILE [THREADS]\n");
        return 64;
    }

    /* the load, timed on the monotonic clock */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (mlp_table_load(&t, argv[1], &o, &e) != MLP_STATUS_OK) {
        fprintf(stderr, "load_driver: %s\n",
                mlp_error_format(&e, msg, sizeof msg));
        return mlp_status_exit(e.status);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    sec = (double)(t1.tv_sec - t0.tv_sec)
          + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

    /* seconds, rows, features, peak memory and matrix in KiB, and the
     * processor seconds, which other load on the machine disturbs less */
    getrusage(RUSAGE_SELF, &ru);
    printf("%.6f %zu %zu %ld %zu %.6f\n", sec, t.n_rows, t.n_features,
           ru.ru_maxrss, t.n_rows * t.n_features * sizeof(float) / 1024,
           (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6
           + (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
    mlp_table_free(&t);
    if (fclose(stdout) != 0) {
        perror("load_driver");
        return 74;
    }
    return 0;
}
