/* common.h -- what the command-line tools share: messages, exit statuses,
 * strict option parsing and careful closing of standard output. */
#ifndef MLP_CLI_COMMON_H
#define MLP_CLI_COMMON_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "mlp/status.h"

/* Exit statuses beyond those of mlp_status_exit(). */
enum {
    CLI_EXIT_USAGE = 64,
    CLI_EXIT_IO = 74
};

/* Verbosity: 0 with -q (errors only), 1 by default, more with each -v. */
extern int cli_verbosity;

/* Set the program name that prefixes every message. */
void cli_init(const char *prog);

/* The program name given to cli_init(). */
const char *cli_prog(void);

/* Print "prog: FILE:LINE:COL: text" for err; returns its exit status. */
int cli_report(const mlp_error *err);

/* Print "prog: message"; returns status. */
int cli_fail(int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Print "prog: message" and a hint to try --help; returns 64. */
int cli_usage(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Print "prog VERSION" for --version and close standard output; returns
 * the exit status. */
int cli_version(void);

/* The values getopt_long gives --help and --version in every tool; a
 * tool numbers its other long-only options from CLI_OPT_FIRST. */
enum { CLI_OPT_HELP = 256, CLI_OPT_VERSION, CLI_OPT_FIRST };

/* What a tool does with one option: its getopt value and its argument
 * (NULL when it takes none).  Returns 0, or -1 after printing a usage
 * message. */
typedef int cli_option_fn(void *opts, int c, const char *arg);

/* Parse argv with getopt_long: shorts must begin with ':' so that a
 * missing value is told apart from an unknown option.  Each option goes
 * to one(), --help to help() and --version prints the version; a bad
 * option, a value one() refuses or a word left over ends the parse with
 * a usage message.  Returns -1 to go on, else the exit status (0 after
 * --help or --version). */
int cli_getopt(int argc, char **argv, const char *shorts,
               const struct option *longs, cli_option_fn *one, void *opts,
               int (*help)(void));

/* Print at verbosity level or above, to standard error. */
void cli_say(int level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Strict option values: the whole text must be a number in [lo, hi].
 * Each prints a usage message naming the option and returns -1 on
 * failure, 0 on success. */
int cli_parse_size(const char *opt, const char *s, size_t lo, size_t hi,
                   size_t *out);
int cli_parse_u64(const char *opt, const char *s, uint64_t *out);
int cli_parse_real(const char *opt, const char *s, double lo, double hi,
                   double *out);

/* Parse a comma-separated list of sizes ("64,32", or "0" for none) into
 * out[0..*n), at most max entries, each in [lo, hi]. */
int cli_parse_sizes(const char *opt, const char *s, size_t lo, size_t hi,
                    size_t *out, size_t max, size_t *n);

/* Parse a delimiter given to -d: "," "tab" (or a tab) ";" or "space"
 * (or a space), also by the names comma and semicolon. */
int cli_parse_delimiter(const char *s, char *out);

/* Flush and close standard output, reporting a failed write (a full
 * disk, say).  Returns 0, or 74 after printing the error.  A closed pipe
 * (EPIPE) is not an error: the reader has what it wanted. */
int cli_close_stdout(void);

/* Whether standard error is a terminal (for live progress lines). */
int cli_stderr_is_tty(void);

#endif
