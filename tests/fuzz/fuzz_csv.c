/* fuzz_csv.c -- libFuzzer target: any bytes, as a file, through
 * mlp_table_load and through the record reader, which must return a
 * status and never crash, leak or read out of bounds.  Two oracles check
 * what loads: the table must hold exactly the records the reader gives
 * (a row is neither dropped nor made up, a bad number never taken), and
 * loading on two threads must give what one thread gives. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memfile.h"
#include "mlp/csv.h"

/* Every record and field, and the text each record came from. */
static void read_records(const char *path)
{
    mlp_csv *r;
    mlp_error e;
    size_t i, len, total = 0;

    if (mlp_csv_open(&r, path, NULL, &e) != MLP_STATUS_OK)
        return;
    while (mlp_csv_next(r, &e) == 1) {
        for (i = 0; i < mlp_csv_n_fields(r); i++) {
            const char *f = mlp_csv_field(r, i, &len);

            total += len + (f[len] == '\0');
        }
        mlp_csv_text(r, &len);
        total += len;
    }
    mlp_csv_close(r, &e);
    (void)total;
}

/* Whether the reader finds path a good table for the options of
 * check_table(): at least one record, all of as many fields as the first
 * (at least two), every field a number.  When it is, and t loaded, every
 * value must be the one in t, in order; a mismatch aborts. */
static int reader_agrees(const char *path, const mlp_table *t, int loaded)
{
    mlp_csv_options co = { ',' };
    mlp_csv *r;
    mlp_error e;
    size_t n_cols = 0, row = 0, len;
    int got, good = 1;

    if (mlp_csv_open(&r, path, &co, &e) != MLP_STATUS_OK)
        return !loaded;
    while (good && (got = mlp_csv_next(r, &e)) == 1) {
        size_t n = mlp_csv_n_fields(r);

        if (row == 0)
            n_cols = n;
        good = n == n_cols && n >= 2;
        for (size_t i = 0; good && i < n; i++) {
            const char *f = mlp_csv_field(r, i, &len);
            float v, want;

            good = mlp_parse_float(f, len, &v) == 0;
            if (!good || !loaded)
                continue;
            /* the label is the first column, the features the rest */
            if (row >= t->n_rows)
                abort();
            want = i == 0 ? t->y[row] : t->x[row * t->n_features + i - 1];
            if (memcmp(&v, &want, sizeof v) != 0)
                abort();
        }
        row++;
    }
    good = good && got == 0 && row > 0;
    if (mlp_csv_close(r, &e) != MLP_STATUS_OK)
        good = 0;
    if (good && loaded && row != t->n_rows)
        abort();
    return good == loaded;
}

/* Load path as a regression on its first column, with commas and no
 * header, on one thread and on two: the reader must agree with what
 * loaded, and the two loads with each other. */
static void check_table(const char *path)
{
    mlp_table_options o;
    mlp_table t[2];
    mlp_error e[2];
    mlp_status st[2];

    memset(&o, 0, sizeof o);
    o.csv.delimiter = ',';
    o.header = MLP_HEADER_NO;
    o.label = "1";
    o.task = MLP_TASK_REGRESS;
    for (int k = 0; k < 2; k++) {
        o.threads = (unsigned)k + 1;
        st[k] = mlp_table_load(&t[k], path, &o, &e[k]);
    }
    if (st[0] != st[1]
        || (st[0] != MLP_STATUS_OK
            && (e[0].line != e[1].line || e[0].col != e[1].col
                || strcmp(e[0].text, e[1].text) != 0)))
        abort();
    if (st[0] == MLP_STATUS_OK
        && (t[0].n_rows != t[1].n_rows
            || t[0].n_features != t[1].n_features
            || memcmp(t[0].x, t[1].x, t[0].n_rows * t[0].n_features
                                      * sizeof(float)) != 0
            || memcmp(t[0].y, t[1].y, t[0].n_rows * sizeof(float)) != 0))
        abort();
    /* a refusal for want of memory says nothing of the data */
    if (st[0] != MLP_STATUS_NOMEM
        && !reader_agrees(path, &t[0], st[0] == MLP_STATUS_OK))
        abort();
    if (st[0] == MLP_STATUS_OK) {
        mlp_table_free(&t[0]);
        mlp_table_free(&t[1]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    mlp_table t;
    mlp_table_options o;
    mlp_error e;
    int fd = memfile("fuzz_csv", data, size, path, sizeof path);

    if (fd < 0)
        return 0;

    /* the table, with default options and with some given ones */
    if (mlp_table_load(&t, path, NULL, &e) == MLP_STATUS_OK)
        mlp_table_free(&t);
    memset(&o, 0, sizeof o);
    o.csv.delimiter = size > 0 && data[0] % 2 ? ' ' : ';';
    o.header = MLP_HEADER_NO;
    o.label = "1";
    o.task = size > 1 && data[1] % 2 ? MLP_TASK_CLASSIFY : MLP_TASK_AUTO;
    if (mlp_table_load(&t, path, &o, &e) == MLP_STATUS_OK)
        mlp_table_free(&t);

    /* the oracles, then the record reader alone */
    check_table(path);
    read_records(path);
    close(fd);
    return 0;
}
