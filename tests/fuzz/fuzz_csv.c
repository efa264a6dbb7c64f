/* fuzz_csv.c -- libFuzzer target: any bytes, as a file, through
 * mlp_table_load and through the record reader, which must return a
 * status and never crash, leak or read out of bounds. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

    /* the record reader alone */
    read_records(path);
    close(fd);
    return 0;
}
