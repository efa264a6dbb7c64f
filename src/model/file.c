/* file.c -- model files on disk: an atomic writer and a bounded reader.
 *
 * The writer never leaves a half-written model under the target name: it
 * writes a temporary file ".<name>.XXXXXX" beside the target, syncs it,
 * and renames it over the target, which POSIX makes atomic.  The reader
 * refuses anything but a regular file before reading a byte, and reads at
 * most MLP_MODEL_MAX_FILE bytes, so neither a pipe nor /dev/zero can make
 * it wait or fill memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mlp/model.h"
#include "model/format.h"

#define IO_PIECE ((size_t)1 << 30)  /* largest single read or write */

/* Put path in err's file field, keeping its status and text. */
static void name_file(mlp_error *err, const char *path)
{
    if (err != NULL)
        snprintf(err->file, sizeof err->file, "%s", path);
}

/* Split path into its folder (*dir: "." when there is none) and the name
 * of a temporary file beside it (*tmp: "<dir>/.<base>.XXXXXX").  Returns
 * 0, 1 when path ends in no file name, or -1 when out of memory. */
static int split_path(const char *path, char **dir, char **tmp)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash != NULL ? slash + 1 : path;
    size_t n_prefix = (size_t)(base - path), n_base = strlen(base);

    /* the folder as messages and the directory sync name it */
    *dir = *tmp = NULL;
    if (n_base == 0)
        return 1;
    if (slash == NULL)
        *dir = strdup(".");
    else if (slash == path)
        *dir = strdup("/");
    else
        *dir = strndup(path, (size_t)(slash - path));

    /* "<prefix>.<base>.XXXXXX" */
    *tmp = malloc(n_prefix + n_base + 9);
    if (*dir == NULL || *tmp == NULL) {
        free(*dir);
        free(*tmp);
        *dir = *tmp = NULL;
        return -1;
    }
    memcpy(*tmp, path, n_prefix);
    (*tmp)[n_prefix] = '.';
    memcpy(*tmp + n_prefix + 1, base, n_base);
    memcpy(*tmp + n_prefix + 1 + n_base, ".XXXXXX", 8);
    return 0;
}

/* Create tmp exclusively, its last six characters replaced by random
 * ones, with mode 0666 less the umask, as any new file gets.  (mkstemp()
 * would give 0600, and reading the umask to widen that is not thread
 * safe.)  Returns the descriptor, or -1 with errno set. */
static int create_temp(char *tmp)
{
    static const char digits[] = "abcdefghijklmnopqrstuvwxyz"
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    size_t n = strlen(tmp);
    struct timespec ts;
    uint64_t x;

    /* seed from the clock, the process and this thread's stack */
    clock_gettime(CLOCK_REALTIME, &ts);
    x = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 32 ^
        (uint64_t)getpid() << 20 ^ (uint64_t)(uintptr_t)&ts;

    /* splitmix64 steps until a name is free */
    for (int attempt = 0; attempt < 100; attempt++) {
        uint64_t z = (x += 0x9e3779b97f4a7c15u);
        int fd;

        z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9u;
        z = (z ^ z >> 27) * 0x94d049bb133111ebu;
        z ^= z >> 31;
        for (size_t i = n - 6; i < n; i++, z >>= 8)
            tmp[i] = digits[(z & 0xff) % 62];
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

/* Write n bytes to fd, resuming after signals and short writes.  Returns
 * 0, or -1 with errno set. */
static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n < IO_PIECE ? n : IO_PIECE);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (k == 0)
                errno = EIO;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Write buf to the temporary file fd, sync it and close it (fd is closed
 * whatever happens).  MLP_STATUS_IO on failure. */
static mlp_status fill_temp(int fd, const unsigned char *buf, size_t len,
                            mlp_error *err)
{
    const char *step = NULL;
    int e = 0;

    /* data, then the data's arrival on disk, then the close */
    if (write_all(fd, buf, len) != 0)
        step = "write", e = errno;
    else if (fsync(fd) != 0)
        step = "sync", e = errno;
    if (close(fd) != 0 && step == NULL)
        step = "close", e = errno;
    if (step != NULL)
        return mlp_error_set(err, MLP_STATUS_IO, "cannot %s the model: %s",
                             step, strerror(e));
    return MLP_STATUS_OK;
}

/* Sync the folder so that the rename itself survives a crash.  Best
 * effort: some file systems cannot sync a folder, and the model is
 * already complete under its name. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return;
    (void)fsync(fd);
    (void)close(fd);
}

/* Create the temporary file beside path, write the encoding and rename
 * it over path; on failure the temporary file is removed. */
static mlp_status replace(const char *path, const char *dir, char *tmp,
                          const unsigned char *buf, size_t len,
                          mlp_error *err)
{
    struct stat old;
    int fd, have_old = stat(path, &old) == 0;
    mlp_status st;

    /* a folder in the way is not something to replace */
    if (have_old && S_ISDIR(old.st_mode))
        return mlp_error_set(err, MLP_STATUS_CANTCREAT,
                             "is a folder, not a model file");

    /* the temporary file, with the old file's permissions if any */
    fd = create_temp(tmp);
    if (fd < 0)
        return mlp_error_set(err, MLP_STATUS_CANTCREAT, "cannot create a "
                             "file in folder \"%s\": %s", dir,
                             strerror(errno));
    if (have_old && S_ISREG(old.st_mode))
        (void)fchmod(fd, old.st_mode & 0777);

    /* fill it, then put it in place */
    st = fill_temp(fd, buf, len, err);
    if (st == MLP_STATUS_OK && rename(tmp, path) != 0)
        st = mlp_error_set(err, MLP_STATUS_IO, "cannot rename \"%s\" to it: "
                           "%s", tmp, strerror(errno));
    if (st != MLP_STATUS_OK) {
        (void)unlink(tmp);
        return st;
    }
    sync_dir(dir);
    return MLP_STATUS_OK;
}

mlp_status mlp_model_save(const mlp_model *m, const char *path,
                          mlp_error *err)
{
    unsigned char *buf = NULL;
    char *dir = NULL, *tmp = NULL;
    size_t len = 0;
    mlp_status st;
    int split;

    /* encode first: a model that cannot be written touches no file */
    st = mlp_model_encode(m, &buf, &len, err);

    /* then replace the file */
    if (st == MLP_STATUS_OK) {
        split = split_path(path, &dir, &tmp);
        if (split > 0)
            st = mlp_error_set(err, MLP_STATUS_CANTCREAT,
                               "names a folder, not a model file");
        else if (split < 0)
            st = mlp_error_set(err, MLP_STATUS_NOMEM, "out of memory");
        else
            st = replace(path, dir, tmp, buf, len, err);
    }
    if (st != MLP_STATUS_OK)
        name_file(err, path);
    free(buf);
    free(dir);
    free(tmp);
    return st;
}

/* What a file that is not regular is, for the message. */
static const char *kind_of(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISFIFO(mode))
        return "a pipe";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a plain file";
}

/* Read fd to its end into a new *buf, expecting about size bytes but
 * taking no more than MLP_MODEL_MAX_FILE whatever the file does. */
static mlp_status read_capped(int fd, size_t size, unsigned char **buf,
                              size_t *len, mlp_error *err)
{
    size_t cap = size + 1, used = 0;
    unsigned char *p = malloc(cap), *grown;

    while (p != NULL) {
        ssize_t k;

        /* grow when full: the file was longer than its size said */
        if (used == cap) {
            if (cap > MLP_MODEL_MAX_FILE)
                break;
            cap = cap > MLP_MODEL_MAX_FILE / 2 ? MLP_MODEL_MAX_FILE + 1
                                                 : 2 * cap;
            grown = realloc(p, cap);
            if (grown == NULL) {
                free(p);
                p = NULL;
                break;
            }
            p = grown;
        }

        /* one read; 0 is the end */
        k = read(fd, p + used, cap - used < IO_PIECE ? cap - used : IO_PIECE);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            free(p);
            return mlp_error_set(err, MLP_STATUS_IO, "cannot read: %s",
                                 strerror(errno));
        }
        if (k == 0) {
            *buf = p;
            *len = used;
            return MLP_STATUS_OK;
        }
        used += (size_t)k;
    }
    free(p);
    if (used > MLP_MODEL_MAX_FILE)
        return mlp_error_set(err, MLP_STATUS_NOMEM, "too large for a model "
                             "(over the %zu MiB limit)",
                             MLP_MODEL_MAX_FILE >> 20);
    return mlp_error_set(err, MLP_STATUS_NOMEM,
                         "out of memory reading the model");
}

/* Open path for reading into *fd, and check it is a regular file of at
 * most MLP_MODEL_MAX_FILE bytes (*size). */
static mlp_status open_model(const char *path, int *fd, size_t *size,
                             mlp_error *err)
{
    struct stat st;
    mlp_status s;

    /* O_NONBLOCK: opening a pipe with no writer must not wait */
    *fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (*fd < 0)
        return mlp_error_set(err, MLP_STATUS_NOINPUT, "cannot open: %s",
                             strerror(errno));

    /* a regular file of bounded size, read in blocking mode */
    if (fstat(*fd, &st) != 0)
        s = mlp_error_set(err, MLP_STATUS_IO, "cannot stat: %s",
                          strerror(errno));
    else if (!S_ISREG(st.st_mode))
        s = mlp_error_set(err, MLP_STATUS_NOINPUT, "not a regular file (%s)",
                          kind_of(st.st_mode));
    else if ((uintmax_t)st.st_size > MLP_MODEL_MAX_FILE)
        s = mlp_error_set(err, MLP_STATUS_NOMEM, "too large for a model (%jd "
                          "bytes; the limit is %zu MiB)",
                          (intmax_t)st.st_size, MLP_MODEL_MAX_FILE >> 20);
    else if (fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) & ~O_NONBLOCK) != 0)
        s = mlp_error_set(err, MLP_STATUS_IO, "cannot read: %s",
                          strerror(errno));
    else {
        *size = (size_t)st.st_size;
        return MLP_STATUS_OK;
    }
    (void)close(*fd);
    *fd = -1;
    return s;
}

mlp_status mlp_model_load(mlp_model *m, const char *path, mlp_error *err)
{
    unsigned char *buf = NULL;
    size_t size = 0, len = 0;
    mlp_status st;
    int fd;

    /* the bytes, bounded */
    memset(m, 0, sizeof *m);
    st = open_model(path, &fd, &size, err);
    if (st == MLP_STATUS_OK) {
        st = read_capped(fd, size, &buf, &len, err);
        (void)close(fd);
    }

    /* the model */
    if (st == MLP_STATUS_OK)
        st = mlp_model_decode(m, buf, len, err);
    free(buf);
    if (st != MLP_STATUS_OK)
        name_file(err, path);
    return st;
}
