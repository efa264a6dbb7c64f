/* common.c -- messages, strict option values and the closing of standard
 * output, shared by the command-line tools. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/common.h"
#include "mlp/csv.h"
#include "mlp/version.h"

int cli_verbosity = 1;
static const char *prog = "mlp";

void cli_init(const char *name)
{
    const char *slash = strrchr(name, '/');

    prog = slash ? slash + 1 : name;
}

const char *cli_prog(void)
{
    return prog;
}

int cli_report(const mlp_error *err)
{
    char buf[1200];

    fprintf(stderr, "%s: %s\n", prog, mlp_error_format(err, buf, sizeof buf));
    return mlp_status_exit(err->status);
}

int cli_fail(int status, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return status;
}

int cli_usage(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
    return CLI_EXIT_USAGE;
}

int cli_version(void)
{
    printf("%s %s\n", prog, MLP_VERSION);
    return cli_close_stdout();
}

int cli_getopt(int argc, char **argv, const char *shorts,
               const struct option *longs, cli_option_fn *one, void *opts,
               int (*help)(void))
{
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        if (c == CLI_OPT_HELP)
            return help();
        if (c == CLI_OPT_VERSION)
            return cli_version();
        if (c == ':')
            return cli_usage("option '%s' needs a value", argv[optind - 1]);
        if (c == '?')
            return cli_usage("unknown option '%s'", argv[optind - 1]);
        if (one(opts, c, optarg) != 0)
            return CLI_EXIT_USAGE;
    }
    if (optind < argc)
        return cli_usage("unexpected argument '%s'", argv[optind]);
    return -1;
}

void cli_say(int level, const char *fmt, ...)
{
    va_list ap;

    if (cli_verbosity < level)
        return;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

int cli_parse_u64(const char *opt, const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    /* strtoull accepts a sign and leading blanks: refuse both */
    errno = 0;
    if (s[0] < '0' || s[0] > '9') {
        cli_usage("option %s: expected a whole number, got \"%s\"", opt, s);
        return -1;
    }
    v = strtoull(s, &end, 10);
    if (*end != '\0' || errno == ERANGE) {
        cli_usage("option %s: expected a whole number, got \"%s\"", opt, s);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

int cli_parse_size(const char *opt, const char *s, size_t lo, size_t hi,
                   size_t *out)
{
    uint64_t v;

    if (cli_parse_u64(opt, s, &v) != 0)
        return -1;
    if (v < lo || v > hi) {
        cli_usage("option %s: %s is out of range (%zu to %zu)", opt, s, lo,
                  hi);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

int cli_parse_real(const char *opt, const char *s, double lo, double hi,
                   double *out)
{
    float v;

    /* the library's strict parser: no blanks, hex, nan or inf */
    if (mlp_parse_float(s, strlen(s), &v) != 0) {
        cli_usage("option %s: expected a number, got \"%s\"", opt, s);
        return -1;
    }
    /* against the bounds as floats, so that a bound written out, such
     * as 1e-9, is inside the range it names */
    if (!(v >= (float)lo && v <= (float)hi)) {
        cli_usage("option %s: %s is out of range (%g to %g)", opt, s, lo,
                  hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_sizes(const char *opt, const char *s, size_t lo, size_t hi,
                    size_t *out, size_t max, size_t *n)
{
    char item[32];
    const char *p = s;

    *n = 0;
    for (;;) {
        size_t len = strcspn(p, ",");

        if (len == 0 || len >= sizeof item) {
            cli_usage("option %s: expected numbers separated by commas, "
                      "got \"%s\"", opt, s);
            return -1;
        }
        if (*n == max) {
            cli_usage("option %s: at most %zu values", opt, max);
            return -1;
        }
        memcpy(item, p, len);
        item[len] = '\0';
        if (cli_parse_size(opt, item, lo, hi, &out[*n]) != 0)
            return -1;
        (*n)++;
        if (p[len] == '\0')
            return 0;
        p += len + 1;
    }
}

int cli_parse_delimiter(const char *s, char *out)
{
    static const struct { const char *name; char c; } known[] = {
        { ",", ',' }, { "comma", ',' }, { "\t", '\t' }, { "tab", '\t' },
        { "\\t", '\t' }, { ";", ';' }, { "semicolon", ';' },
        { " ", ' ' }, { "space", ' ' }
    };

    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strcmp(s, known[i].name) == 0) {
            *out = known[i].c;
            return 0;
        }
    }
    cli_usage("option -d: expected , tab ; or space, got \"%s\"", s);
    return -1;
}

int cli_close_stdout(void)
{
    int failed = fflush(stdout) != 0 || ferror(stdout);
    int saved = errno;

    if (fclose(stdout) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (failed && saved != EPIPE)
        return cli_fail(CLI_EXIT_IO, "error writing standard output: %s",
                        strerror(saved));
    return 0;
}

int cli_stderr_is_tty(void)
{
    return isatty(STDERR_FILENO);
}
