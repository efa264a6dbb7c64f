/* status.h -- the one error type that every part of libmlp returns.
 *
 * A call that can fail returns an mlp_status and, when it fails, fills an
 * mlp_error that the caller owns.  The library never prints and never
 * exits: the front ends turn the error into one line on standard error,
 *
 *     mlptrain: points.csv:17:3: expected a number, got "abc"
 *
 * and into the exit status that mlp_status_exit() names.
 */
#ifndef MLP_STATUS_H
#define MLP_STATUS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What went wrong, coarse enough to choose an exit status from. */
typedef enum mlp_status {
    MLP_STATUS_OK = 0,
    MLP_STATUS_USAGE,       /* a bad option or argument (exit 64) */
    MLP_STATUS_DATA,        /* malformed input data or model (exit 65) */
    MLP_STATUS_NOINPUT,     /* an input cannot be opened (exit 66) */
    MLP_STATUS_SOFTWARE,    /* an internal error (exit 70) */
    MLP_STATUS_NOMEM,       /* out of memory or over a size limit (exit 71) */
    MLP_STATUS_CANTCREAT,   /* an output cannot be created (exit 73) */
    MLP_STATUS_IO,          /* a read or write failed midway (exit 74) */
    MLP_STATUS_DIVERGED,    /* training loss became NaN or infinite (exit 75) */
    MLP_STATUS_INTERRUPTED  /* stopped by a signal (exit 130 or 143) */
} mlp_status;

/* Where and what.  line and col are 1-based; 0 means "not known". */
typedef struct mlp_error {
    mlp_status status;
    char file[256];         /* file name as the user gave it, or "" */
    uint64_t line;
    uint64_t col;
    char text[768];         /* the message, without file, line or column */
} mlp_error;

/* Clear err to MLP_STATUS_OK with no text. */
void mlp_error_clear(mlp_error *err);

/* Record a failure with a printf-style message; returns status.
 * err may be NULL, in which case only the status is returned. */
mlp_status mlp_error_set(mlp_error *err, mlp_status status,
                         const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* As mlp_error_set, also naming the file, line and column (0: unknown). */
mlp_status mlp_error_at(mlp_error *err, mlp_status status, const char *file,
                        uint64_t line, uint64_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Write "FILE:LINE:COL: text" (the parts that are known) into buf of size
 * n, always NUL-terminated; returns buf. */
char *mlp_error_format(const mlp_error *err, char *buf, size_t n);

/* The process exit status the tools use for a status (0 for OK). */
int mlp_status_exit(mlp_status status);

/* Append printable text to dst of size n, quoting src[0..len) the way
 * error messages quote user data: control bytes and non-ASCII escaped as
 * \xHH, cut to at most 40 characters with "..." after.  Returns dst. */
char *mlp_quote(char *dst, size_t n, const char *src, size_t len);

#ifdef __cplusplus
}
#endif
#endif
