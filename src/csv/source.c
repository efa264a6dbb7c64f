/* source.c -- the CSV reader's byte source: plain or gzip text from a file
 * or standard input, through read(2) and zlib's inflate().  gzip input is
 * inflated by a thread of its own into a ring of text, so that inflating
 * and parsing overlap. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "csv/source.h"

/* Compressed input is read in chunks of this size. */
#define RAW_SIZE (256u * 1024u)

/* Enough leading bytes to tell every recognised format apart. */
#define MAGIC_MAX 10

/* Inflated text waits in a ring of this size, and the inflating thread
 * hands it on at most this much at a time. */
#define RING_SIZE (2u << 20)
#define RING_CHUNK (256u * 1024u)

typedef enum kind {
    KIND_NEED_MORE,     /* the bytes so far could still start a magic */
    KIND_PLAIN,
    KIND_GZIP,
    KIND_REFUSED
} kind;

struct csv_source {
    int fd;
    int owns_fd;
    const char *name;
    int gzip;
    int raw_eof;
    int member_done;        /* inflate() reached the end of a member */
    z_stream z;
    int z_ready;
    unsigned char *raw;     /* compressed bytes, or the sniffed prefix */
    size_t raw_len;         /* bytes in raw[] for plain input */
    size_t raw_pos;
    struct ring *ring;      /* gzip: the inflating thread, if it started */
};

/* The text between the inflating thread and the reader.  ring[tail %
 * RING_SIZE ..] up to head is made and not yet taken; the lock guards
 * every field but buf's bytes, which belong to one side at a time. */
typedef struct ring {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t moved;       /* text made or taken, or an end */
    char *buf;
    uint64_t head, tail;
    int reading;                /* the thread waits in read(2) */
    int done;                   /* it stopped: at the end, or an error */
    int stop;                   /* the reader closes */
    long result;                /* once done: 0 at the end, or -1 */
    mlp_error err;              /* for -1 */
} ring;

static void start_ring(csv_source *s);

/* Formats refused by name: their magic bytes and what to call them. */
static const struct refused {
    const char *magic;
    size_t len;
    const char *what;
} refused_formats[] = {
    { "\x28\xb5\x2f\xfd", 4, "zstd-compressed data; decompress it first" },
    { "\xfd\x37\x7a\x58\x5a\x00", 6,
      "xz-compressed data; decompress it first" },
    { "PK\x03\x04", 4, "a zip archive; extract the CSV file first" },
    { "PK\x05\x06", 4, "an empty zip archive" },
    { "\xff\xfe", 2, "UTF-16 text; convert it to UTF-8 first" },
    { "\xfe\xff", 2, "UTF-16 text; convert it to UTF-8 first" },
};

/* bzip2: "BZh", a block size digit, then a block or end-of-stream magic.
 * Returns 1 (match), 0 (no match) or -1 (need more bytes). */
static int match_bzip2(const unsigned char *p, size_t n)
{
    static const char block[] = "1AY&SY";
    static const char eos[] = "\x17\x72\x45\x38\x50\x90";
    size_t i;
    int may_block = 1, may_eos = 1;

    for (i = 0; i < n && i < MAGIC_MAX; i++) {
        if (i < 3 && p[i] != (unsigned char)"BZh"[i])
            return 0;
        if (i == 3 && (p[i] < '1' || p[i] > '9'))
            return 0;
        if (i >= 4) {
            may_block &= p[i] == (unsigned char)block[i - 4];
            may_eos &= p[i] == (unsigned char)eos[i - 4];
        }
    }
    if (!may_block && !may_eos)
        return 0;
    return n >= MAGIC_MAX ? 1 : -1;
}

/* Decide the format from the first n bytes (eof: there are no more).
 * *what is set for KIND_REFUSED. */
static kind sniff(const unsigned char *p, size_t n, int eof,
                  const char **what)
{
    size_t i, k;
    int bz;

    /* a magic that matches in full decides; a partial one waits */
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
        return KIND_GZIP;
    if (n == 1 && p[0] == 0x1f && !eof)
        return KIND_NEED_MORE;
    for (i = 0; i < sizeof refused_formats / sizeof *refused_formats; i++) {
        const struct refused *r = &refused_formats[i];

        k = n < r->len ? n : r->len;
        if (k == 0 || memcmp(p, r->magic, k) != 0)
            continue;
        if (k == r->len) {
            *what = r->what;
            return KIND_REFUSED;
        }
        if (!eof)
            return KIND_NEED_MORE;
    }
    bz = match_bzip2(p, n);
    if (bz == 1) {
        *what = "bzip2-compressed data; decompress it first";
        return KIND_REFUSED;
    }
    if (bz == -1 && !eof)
        return KIND_NEED_MORE;
    return KIND_PLAIN;
}

/* read(2), retried when a signal interrupts it.  Returns as read(2). */
static long read_fd(csv_source *s, void *dst, size_t cap, mlp_error *err)
{
    ssize_t n;

    if (cap > (size_t)LONG_MAX)
        cap = (size_t)LONG_MAX;
    do
        n = read(s->fd, dst, cap);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        mlp_error_at(err, MLP_STATUS_IO, s->name, 0, 0, "read error: %s",
                     strerror(errno));
        return -1;
    }
    return (long)n;
}

/* Read leading bytes until the format is known.  Returns the kind, or
 * -1 on a read error. */
static int sniff_input(csv_source *s, const char **what, mlp_error *err)
{
    kind k;
    long n;

    for (;;) {
        k = sniff(s->raw, s->raw_len, s->raw_eof, what);
        if (k != KIND_NEED_MORE)
            return (int)k;
        n = read_fd(s, s->raw + s->raw_len, MAGIC_MAX - s->raw_len, err);
        if (n < 0)
            return -1;
        if (n == 0)
            s->raw_eof = 1;
        s->raw_len += (size_t)n;
    }
}

/* Open the file or take standard input; fill s->fd. */
static mlp_status open_fd(csv_source *s, const char *path, mlp_error *err)
{
    struct stat st;

    if (path == NULL || strcmp(path, "-") == 0) {
        s->fd = STDIN_FILENO;
        s->owns_fd = 0;
    } else {
        s->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (s->fd < 0)
            return mlp_error_at(err, MLP_STATUS_NOINPUT, s->name, 0, 0,
                                "cannot open: %s", strerror(errno));
        s->owns_fd = 1;
    }

    /* a directory opens fine on Linux and fails only when read */
    if (fstat(s->fd, &st) == 0 && S_ISDIR(st.st_mode))
        return mlp_error_at(err, MLP_STATUS_NOINPUT, s->name, 0, 0,
                            "is a directory, not a CSV file");
    return MLP_STATUS_OK;
}

/* Start inflating: the sniffed bytes are the first compressed input. */
static mlp_status start_gzip(csv_source *s, mlp_error *err)
{
    s->gzip = 1;
    memset(&s->z, 0, sizeof s->z);
    s->z.next_in = s->raw;
    s->z.avail_in = (uInt)s->raw_len;

    /* 16 + 15: a gzip wrapper (header and CRC-32 trailer), 32 KiB window */
    if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK)
        return mlp_error_set(err, MLP_STATUS_NOMEM,
                             "out of memory starting gzip decoding");
    s->z_ready = 1;
    return MLP_STATUS_OK;
}

mlp_status csv_source_open(csv_source **out, const char *path,
                           const char *name, mlp_error *err)
{
    csv_source *s;
    const char *what = NULL;
    mlp_status st;
    int k;

    /* the source, with a buffer that first holds the sniffed bytes */
    *out = NULL;
    s = calloc(1, sizeof *s);
    if (s == NULL || (s->raw = malloc(RAW_SIZE)) == NULL) {
        free(s);
        return mlp_error_set(err, MLP_STATUS_NOMEM, "out of memory");
    }
    s->fd = -1;
    s->name = name;
    st = open_fd(s, path, err);

    /* the format, from the magic bytes */
    if (st == MLP_STATUS_OK) {
        k = sniff_input(s, &what, err);
        if (k < 0)
            st = MLP_STATUS_IO;
        else if (k == KIND_REFUSED)
            st = mlp_error_at(err, MLP_STATUS_DATA, name, 0, 0,
                              "looks like %s", what);
        else if (k == KIND_GZIP)
            st = start_gzip(s, err);
        if (st == MLP_STATUS_OK && s->gzip)
            start_ring(s);
    }
    if (st != MLP_STATUS_OK) {
        csv_source_close(s, NULL);
        return st;
    }
    *out = s;
    return MLP_STATUS_OK;
}

/* Read more compressed input into s->raw once inflate() has used it all.
 * Returns 0, or -1 on a read error. */
static int fill_raw(csv_source *s, mlp_error *err)
{
    ring *g = s->ring;
    long n;
    int old;

    /* with a thread, closing may cancel it while it waits here */
    if (g != NULL) {
        pthread_mutex_lock(&g->lock);
        g->reading = 1;
        pthread_mutex_unlock(&g->lock);
        pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
    }
    n = read_fd(s, s->raw, RAW_SIZE, err);
    if (g != NULL) {
        pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
        pthread_mutex_lock(&g->lock);
        g->reading = 0;
        pthread_mutex_unlock(&g->lock);
    }

    if (n < 0)
        return -1;
    if (n == 0)
        s->raw_eof = 1;
    s->z.next_in = s->raw;
    s->z.avail_in = (uInt)n;
    return 0;
}

/* After a member's end: another member, the end, or junk.  Returns 1 to
 * go on inflating, 0 at the end, -1 on error. */
static int next_member(csv_source *s, mlp_error *err)
{
    /* the next member's magic may be split over two reads */
    while (s->z.avail_in < 2 && !s->raw_eof) {
        int had = s->z.avail_in == 1;
        unsigned char first = had ? s->z.next_in[0] : 0;

        if (fill_raw(s, err) < 0)
            return -1;
        if (had) {
            memmove(s->raw + 1, s->raw, s->z.avail_in);
            s->raw[0] = first;
            s->z.avail_in++;
        }
    }
    if (s->z.avail_in == 0)
        return 0;
    if (s->z.avail_in < 2 || s->z.next_in[0] != 0x1f
        || s->z.next_in[1] != 0x8b) {
        mlp_error_at(err, MLP_STATUS_DATA, s->name, 0, 0,
                     "junk after the end of the gzip data");
        return -1;
    }
    if (inflateReset(&s->z) != Z_OK) {
        mlp_error_at(err, MLP_STATUS_SOFTWARE, s->name, 0, 0,
                     "cannot restart gzip decoding");
        return -1;
    }
    s->member_done = 0;
    return 1;
}

/* Report an error from inflate(); returns -1. */
static long inflate_error(csv_source *s, int ret, mlp_error *err)
{
    const char *msg = s->z.msg ? s->z.msg : "corrupt data";

    if (ret == Z_MEM_ERROR)
        mlp_error_set(err, MLP_STATUS_NOMEM, "out of memory in gzip decoding");
    else if (strcmp(msg, "incorrect data check") == 0)
        mlp_error_at(err, MLP_STATUS_DATA, s->name, 0, 0,
                     "gzip data fails its CRC-32 check (corrupt file?)");
    else if (strcmp(msg, "incorrect length check") == 0)
        mlp_error_at(err, MLP_STATUS_DATA, s->name, 0, 0,
                     "gzip data fails its length check (corrupt file?)");
    else
        mlp_error_at(err, MLP_STATUS_DATA, s->name, 0, 0,
                     "corrupt gzip data: %s", msg);
    return -1;
}

/* Inflate into dst until some output exists or the input ends. */
static long read_gzip(csv_source *s, char *dst, size_t cap, mlp_error *err)
{
    size_t made;
    int ret, more;

    if (cap > UINT_MAX)
        cap = UINT_MAX;
    for (;;) {
        /* between members: another one, the end, or junk */
        if (s->member_done) {
            more = next_member(s, err);
            if (more <= 0)
                return more;
        }

        /* input for inflate(); its end inside a member is a truncation */
        if (s->z.avail_in == 0) {
            if (!s->raw_eof && fill_raw(s, err) < 0)
                return -1;
            if (s->z.avail_in == 0) {
                mlp_error_at(err, MLP_STATUS_DATA, s->name, 0, 0,
                             "unexpected end of gzip data "
                             "(truncated file?)");
                return -1;
            }
        }

        /* whatever output this input gives is returned at once */
        s->z.next_out = (unsigned char *)dst;
        s->z.avail_out = (uInt)cap;
        ret = inflate(&s->z, Z_NO_FLUSH);
        if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR)
            return inflate_error(s, ret, err);
        if (ret == Z_STREAM_END)
            s->member_done = 1;
        made = cap - s->z.avail_out;
        if (made > 0)
            return (long)made;
    }
}

/* The inflating thread: text into the ring as fast as the reader takes
 * it, each piece handed on at once, until the end or an error. */
static void *inflate_thread(void *arg)
{
    csv_source *s = arg;
    ring *g = s->ring;
    mlp_error err;
    size_t off, room;
    long n;
    int old;

    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
    pthread_mutex_lock(&g->lock);
    for (;;) {
        /* room in the ring, up to its wrap */
        while (!g->stop && g->head - g->tail == RING_SIZE)
            pthread_cond_wait(&g->moved, &g->lock);
        if (g->stop)
            break;
        off = (size_t)(g->head % RING_SIZE);
        room = RING_SIZE - (size_t)(g->head - g->tail);
        if (room > RING_SIZE - off)
            room = RING_SIZE - off;
        if (room > RING_CHUNK)
            room = RING_CHUNK;

        /* inflate without the lock: the reader does not touch that room */
        pthread_mutex_unlock(&g->lock);
        n = read_gzip(s, g->buf + off, room, &err);
        pthread_mutex_lock(&g->lock);
        if (n <= 0) {
            g->done = 1;
            g->result = n;
            if (n < 0)
                g->err = err;
            pthread_cond_broadcast(&g->moved);
            break;
        }
        g->head += (uint64_t)n;

        /* with no input left, what comes next is a wait in read(2):
         * say so now, or the reader would think more is on its way */
        g->reading = s->z.avail_in == 0 && !s->raw_eof;
        pthread_cond_broadcast(&g->moved);
    }
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

/* Start the inflating thread; without one (no memory, no thread) the
 * reader inflates itself. */
static void start_ring(csv_source *s)
{
    ring *g = calloc(1, sizeof *g);

    if (g == NULL || (g->buf = malloc(RING_SIZE)) == NULL) {
        free(g);
        return;
    }
    if (pthread_mutex_init(&g->lock, NULL) != 0) {
        free(g->buf);
        free(g);
        return;
    }
    if (pthread_cond_init(&g->moved, NULL) != 0) {
        pthread_mutex_destroy(&g->lock);
        free(g->buf);
        free(g);
        return;
    }
    s->ring = g;
    if (pthread_create(&g->thread, NULL, inflate_thread, s) != 0) {
        s->ring = NULL;
        pthread_cond_destroy(&g->moved);
        pthread_mutex_destroy(&g->lock);
        free(g->buf);
        free(g);
    }
}

/* Take text from the ring, waiting for some.  Returns as
 * csv_source_read(). */
static long read_ring(ring *g, char *dst, size_t cap, mlp_error *err)
{
    size_t off, k;
    long n;

    pthread_mutex_lock(&g->lock);
    while (g->head == g->tail && !g->done)
        pthread_cond_wait(&g->moved, &g->lock);
    if (g->head == g->tail) {
        n = g->result;
        if (n < 0 && err != NULL)
            *err = g->err;
        pthread_mutex_unlock(&g->lock);
        return n;
    }
    off = (size_t)(g->tail % RING_SIZE);
    k = (size_t)(g->head - g->tail);
    pthread_mutex_unlock(&g->lock);

    /* the made bytes are the reader's until tail moves past them */
    if (k > RING_SIZE - off)
        k = RING_SIZE - off;
    if (k > cap)
        k = cap;
    if (k > (size_t)LONG_MAX)
        k = (size_t)LONG_MAX;
    memcpy(dst, g->buf + off, k);
    pthread_mutex_lock(&g->lock);
    g->tail += k;
    pthread_cond_broadcast(&g->moved);
    pthread_mutex_unlock(&g->lock);
    return (long)k;
}

/* Stop the inflating thread, cancelling it if it waits for input, and
 * free the ring. */
static void stop_ring(ring *g)
{
    pthread_mutex_lock(&g->lock);
    g->stop = 1;
    pthread_cond_broadcast(&g->moved);
    pthread_mutex_unlock(&g->lock);
    pthread_cancel(g->thread);
    pthread_join(g->thread, NULL);
    pthread_cond_destroy(&g->moved);
    pthread_mutex_destroy(&g->lock);
    free(g->buf);
    free(g);
}

long csv_source_read(csv_source *s, char *dst, size_t cap, mlp_error *err)
{
    size_t k;

    if (s->ring != NULL)
        return read_ring(s->ring, dst, cap, err);
    if (s->gzip)
        return read_gzip(s, dst, cap, err);

    /* plain: first the sniffed bytes, then straight from the fd */
    if (s->raw_pos < s->raw_len) {
        k = s->raw_len - s->raw_pos;
        if (k > cap)
            k = cap;
        memcpy(dst, s->raw + s->raw_pos, k);
        s->raw_pos += k;
        return (long)k;
    }
    if (s->raw_eof)
        return 0;
    return read_fd(s, dst, cap, err);
}

int csv_source_gzip(const csv_source *s)
{
    return s->gzip;
}

int csv_source_pending(const csv_source *s)
{
    ring *g = s->ring;
    int more;

    /* with a thread: text made, or input it holds and is inflating */
    if (g != NULL) {
        pthread_mutex_lock(&g->lock);
        more = g->head != g->tail || (!g->done && !g->reading);
        pthread_mutex_unlock(&g->lock);
        return more;
    }
    if (s->gzip)
        return s->z.avail_in > 0;
    return s->raw_pos < s->raw_len;
}

mlp_status csv_source_close(csv_source *s, mlp_error *err)
{
    mlp_status st = MLP_STATUS_OK;

    if (s == NULL)
        return MLP_STATUS_OK;
    if (s->ring != NULL)
        stop_ring(s->ring);
    if (s->z_ready)
        inflateEnd(&s->z);
    if (s->owns_fd && s->fd >= 0 && close(s->fd) != 0)
        st = mlp_error_at(err, MLP_STATUS_IO, s->name, 0, 0,
                          "close failed: %s", strerror(errno));
    free(s->raw);
    free(s);
    return st;
}
