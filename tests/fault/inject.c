/* inject.c -- an LD_PRELOAD library that makes chosen system calls or
 * large allocations fail, to test how the tools handle faults.
 *
 * Build:  cc -shared -fPIC -O2 -o inject.so inject.c
 * Use:    LD_PRELOAD=./inject.so MLP_FAULT_CALL=fsync ... mlptrain ...
 *
 * Environment (all optional):
 *   MLP_FAULT_CALL   write, fsync, rename, close or open: the call to fail
 *   MLP_FAULT_PATH   only calls on a file whose path contains this text
 *                    (for rename, the old path; for write, fsync and close,
 *                    the path the descriptor names in /proc/self/fd)
 *   MLP_FAULT_NTH    fail the Nth matching call, counting from 1 (default 1)
 *   MLP_FAULT_COUNT  fail this many calls from the Nth on; 0: all (default 1)
 *   MLP_FAULT_ERRNO  ENOSPC, EIO, EDQUOT, EINTR, EACCES, EROFS, ENOMEM or a
 *                    number (default EIO)
 *   MLP_FAULT_SHORT  with MLP_FAULT_CALL=write: instead of failing, write
 *                    only half of what each matching call asks (at least
 *                    one byte), a legal short write
 *   MLP_FAULT_BIG    a byte count: malloc, calloc, realloc, aligned_alloc,
 *                    posix_memalign and memalign fail with ENOMEM for any
 *                    request above it
 *   MLP_FAULT_LOG    append one line per injected fault to this file, so
 *                    that a test can tell that its fault was reached
 *   MLP_FAULT_DELAY_MS  instead of failing, wait this many milliseconds
 *                    before doing the call: a slow disk, which widens the
 *                    window for a signal to arrive in
 *
 * The wrapped calls go straight to the kernel with syscall(2), and the
 * allocators to glibc's __libc_* entry points, so that nothing here needs
 * dlsym() (which may itself allocate) or allocates.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);

/* The settings, read once. */
static struct {
    int ready;
    const char *call;
    const char *path;
    long nth, count;
    int err;
    int shorten;
    long delay_ms;
    size_t big;
    const char *log;
    long seen;              /* matching calls so far */
} cfg;

/* errno from a name or a number. */
static int errno_of(const char *s)
{
    static const struct { const char *name; int e; } known[] = {
        { "ENOSPC", ENOSPC }, { "EIO", EIO }, { "EDQUOT", EDQUOT },
        { "EINTR", EINTR }, { "EACCES", EACCES }, { "EROFS", EROFS },
        { "ENOMEM", ENOMEM }
    };

    if (s == NULL)
        return EIO;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(s, known[i].name) == 0)
            return known[i].e;
    return atoi(s) > 0 ? atoi(s) : EIO;
}

/* Read the environment on first use (getenv does not allocate). */
static void setup(void)
{
    const char *s;

    if (cfg.ready)
        return;
    cfg.call = getenv("MLP_FAULT_CALL");
    cfg.path = getenv("MLP_FAULT_PATH");
    cfg.nth = (s = getenv("MLP_FAULT_NTH")) ? atol(s) : 1;
    cfg.count = (s = getenv("MLP_FAULT_COUNT")) ? atol(s) : 1;
    cfg.err = errno_of(getenv("MLP_FAULT_ERRNO"));
    cfg.shorten = getenv("MLP_FAULT_SHORT") != NULL;
    cfg.delay_ms = (s = getenv("MLP_FAULT_DELAY_MS")) ? atol(s) : 0;
    cfg.big = (s = getenv("MLP_FAULT_BIG")) ? (size_t)strtoull(s, NULL, 10)
                                            : 0;
    cfg.log = getenv("MLP_FAULT_LOG");
    cfg.ready = 1;
}

/* Append "what detail\n" to the log file, with raw system calls only. */
static void note(const char *what, const char *detail)
{
    char line[600];
    int fd, n;

    if (cfg.log == NULL)
        return;
    n = snprintf(line, sizeof line, "%s %s\n", what, detail);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line)
        n = (int)sizeof line - 1;
    fd = (int)syscall(SYS_openat, AT_FDCWD, cfg.log,
                      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    (void)syscall(SYS_write, fd, line, (size_t)n);
    (void)syscall(SYS_close, fd);
}

/* The path a descriptor names, into buf; "" when unknown. */
static void fd_path(int fd, char *buf, size_t n)
{
    char link[64];
    long k;

    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    k = syscall(SYS_readlinkat, AT_FDCWD, link, buf, n - 1);
    buf[k > 0 ? k : 0] = '\0';
}

/* Whether this call to name on path is one to fail (it is counted when
 * it matches the name and the path filter). */
static int hit(const char *name, const char *path)
{
    setup();
    if (cfg.call == NULL || strcmp(cfg.call, name) != 0)
        return 0;
    if (cfg.path != NULL && (path == NULL || strstr(path, cfg.path) == NULL))
        return 0;
    cfg.seen++;
    if (cfg.seen < cfg.nth)
        return 0;
    return cfg.count == 0 || cfg.seen < cfg.nth + cfg.count;
}

/* Whether a call on descriptor fd is one to fail; logs it if so. */
static int hit_fd(const char *name, int fd)
{
    char path[512];

    setup();
    if (cfg.call == NULL || strcmp(cfg.call, name) != 0)
        return 0;
    fd_path(fd, path, sizeof path);
    if (!hit(name, path))
        return 0;
    note(name, path);
    return 1;
}

/* Return -1 with errno set to the chosen error; or, in delay mode,
 * wait and return 0 to let the call go ahead. */
static long fail_now(void)
{
    struct timespec ts;

    if (cfg.delay_ms > 0) {
        ts.tv_sec = cfg.delay_ms / 1000;
        ts.tv_nsec = cfg.delay_ms % 1000 * 1000000L;
        (void)syscall(SYS_nanosleep, &ts, NULL);
        return 0;
    }
    errno = cfg.err;
    return -1;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    if (hit_fd("write", fd)) {
        if (!cfg.shorten && fail_now() < 0)
            return -1;
        if (cfg.shorten)
            n = n > 1 ? n / 2 : n;
    }
    return syscall(SYS_write, fd, buf, n);
}

int fsync(int fd)
{
    if (hit_fd("fsync", fd) && fail_now() < 0)
        return -1;
    return (int)syscall(SYS_fsync, fd);
}

int close(int fd)
{
    if (hit_fd("close", fd) && fail_now() < 0) {
        /* the descriptor is gone all the same, as after a real EIO */
        (void)syscall(SYS_close, fd);
        return -1;
    }
    return (int)syscall(SYS_close, fd);
}

int rename(const char *from, const char *to)
{
    if (hit("rename", from)) {
        note("rename", from);
        if (fail_now() < 0)
            return -1;
    }
    return (int)syscall(SYS_renameat, AT_FDCWD, from, AT_FDCWD, to);
}

/* open and open64 share this; the mode is there with O_CREAT. */
static int open_at(const char *path, int flags, mode_t mode)
{
    if (hit("open", path)) {
        note("open", path);
        if (fail_now() < 0)
            return -1;
    }
    return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    va_list ap;

    if (flags & (O_CREAT | O_TMPFILE)) {
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    return open_at(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    mode_t mode = 0;
    va_list ap;

    if (flags & (O_CREAT | O_TMPFILE)) {
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    return open_at(path, flags, mode);
}

/* Whether an allocation of n bytes is to be refused; logs it if so. */
static int too_big(size_t n)
{
    char num[32];

    setup();
    if (cfg.big == 0 || n <= cfg.big)
        return 0;
    snprintf(num, sizeof num, "%zu", n);
    note("alloc", num);
    return 1;
}

void *malloc(size_t n)
{
    if (too_big(n)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    if (too_big(n * size)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    if (too_big(n)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_realloc(p, n);
}

void *memalign(size_t align, size_t n)
{
    if (too_big(n)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_memalign(align, n);
}

void *aligned_alloc(size_t align, size_t n)
{
    return memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    void *p;

    if (align < sizeof(void *) || (align & (align - 1)) != 0)
        return EINVAL;
    p = memalign(align, n);
    if (p == NULL)
        return ENOMEM;
    *out = p;
    return 0;
}
