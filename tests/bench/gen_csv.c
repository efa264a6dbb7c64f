/* gen_csv.c -- write a seeded numeric CSV for bench_load.sh: ROWS rows
 * of 20 features with 4 to 6 decimals and an integer label 0..4. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* xorshift64*, seeded: the same file on every run. */
static uint64_t state = UINT64_C(0x2545f4914f6cdd1d);

static uint64_t rnd(void)
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * UINT64_C(2685821657736338717);
}

int main(int argc, char **argv)
{
    unsigned long rows, i;
    int j;

    if (argc != 2 || (rows = strtoul(argv[1], NULL, 10)) == 0) {
        fprintf(stderr, "usage: gen_csv ROWS\n");
        return 64;
    }

    /* header, then rows: values in [-10, 10) at varied precision */
    for (j = 0; j < 20; j++)
        printf("f%d,", j + 1);
    printf("label\n");
    for (i = 0; i < rows; i++) {
        for (j = 0; j < 20; j++) {
            double v = (double)(rnd() >> 11) / 9007199254740992.0 * 20 - 10;

            printf("%.*f,", 4 + (int)(rnd() % 3), v);
        }
        printf("%d\n", (int)(rnd() % 5));
    }
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        perror("gen_csv");
        return 74;
    }
    return 0;
}
