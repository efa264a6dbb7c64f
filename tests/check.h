/* check.h -- the assertion helper the unit tests share.
 *
 * CHECK(cond) records a failure with its place and goes on, so that one
 * run reports every broken case; a test's main ends with
 * `return check_done("name");`, which prints "N passed, N failed" and
 * returns non-zero when anything failed.
 */
#ifndef MLP_TESTS_CHECK_H
#define MLP_TESTS_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond) check_at((cond) != 0, __FILE__, __LINE__, #cond, "")
#define CHECKF(cond, ...) \
    do { \
        char check_msg_[512]; \
        snprintf(check_msg_, sizeof check_msg_, __VA_ARGS__); \
        check_at((cond) != 0, __FILE__, __LINE__, #cond, check_msg_); \
    } while (0)
#define CHECK_STR(a, b) \
    CHECKF(strcmp((a), (b)) == 0, "\"%s\" != \"%s\"", (a), (b))
#define CHECK_NEAR(a, b, tol) \
    CHECKF(fabs((double)(a) - (double)(b)) <= (tol), "%.9g vs %.9g", \
           (double)(a), (double)(b))

/* Count one check; print it when it failed.  Returns ok. */
static int check_at(int ok, const char *file, int line, const char *expr,
                    const char *msg)
{
    if (ok) {
        check_passed++;
        return 1;
    }
    check_failed++;
    fprintf(stderr, "%s:%d: check failed: %s %s\n", file, line, expr, msg);
    return 0;
}

/* Print the tally; returns the exit status for main. */
static int check_done(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
    return check_failed != 0 || check_passed == 0;
}

#endif
