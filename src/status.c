/* status.c -- the library's error record, and the exit statuses. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mlp/status.h"

void mlp_error_clear(mlp_error *err)
{
    if (err == NULL)
        return;
    memset(err, 0, sizeof *err);
}

/* Fill err's text from a format; returns status. */
static mlp_status vset(mlp_error *err, mlp_status status, const char *file,
                       uint64_t line, uint64_t col, const char *fmt,
                       va_list ap)
{
    if (err == NULL)
        return status;
    err->status = status;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->col = col;
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    return status;
}

mlp_status mlp_error_set(mlp_error *err, mlp_status status,
                         const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vset(err, status, NULL, 0, 0, fmt, ap);
    va_end(ap);
    return status;
}

mlp_status mlp_error_at(mlp_error *err, mlp_status status, const char *file,
                        uint64_t line, uint64_t col, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vset(err, status, file, line, col, fmt, ap);
    va_end(ap);
    return status;
}

char *mlp_error_format(const mlp_error *err, char *buf, size_t n)
{
    size_t used = 0;
    int k;

    if (n == 0)
        return buf;
    buf[0] = '\0';

    /* "FILE:LINE:COL: " with whatever parts are known */
    if (err->file[0] != '\0') {
        k = snprintf(buf, n, "%s:", err->file);
        used = k < 0 ? 0 : (size_t)k;
        if (used < n && err->line > 0) {
            k = snprintf(buf + used, n - used, "%llu:",
                         (unsigned long long)err->line);
            used += k < 0 ? 0 : (size_t)k;
        }
        if (used < n && err->line > 0 && err->col > 0) {
            k = snprintf(buf + used, n - used, "%llu:",
                         (unsigned long long)err->col);
            used += k < 0 ? 0 : (size_t)k;
        }
        if (used < n) {
            k = snprintf(buf + used, n - used, " ");
            used += k < 0 ? 0 : (size_t)k;
        }
    }
    if (used < n)
        snprintf(buf + used, n - used, "%s", err->text);
    return buf;
}

int mlp_status_exit(mlp_status status)
{
    switch (status) {
    case MLP_STATUS_OK:          return 0;
    case MLP_STATUS_USAGE:       return 64;
    case MLP_STATUS_DATA:        return 65;
    case MLP_STATUS_NOINPUT:     return 66;
    case MLP_STATUS_SOFTWARE:    return 70;
    case MLP_STATUS_NOMEM:       return 71;
    case MLP_STATUS_CANTCREAT:   return 73;
    case MLP_STATUS_IO:          return 74;
    case MLP_STATUS_DIVERGED:    return 75;
    case MLP_STATUS_INTERRUPTED: return 130;
    }
    return 70;
}

char *mlp_quote(char *dst, size_t n, const char *src, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t used = strlen(dst), shown = 0, i;

    for (i = 0; i < len && shown < 40; i++, shown++) {
        unsigned char c = (unsigned char)src[i];
        char esc[5];

        /* printable ASCII as itself, everything else as \xHH */
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            esc[0] = (char)c;
            esc[1] = '\0';
        } else {
            esc[0] = '\\';
            esc[1] = 'x';
            esc[2] = hex[c >> 4];
            esc[3] = hex[c & 15];
            esc[4] = '\0';
        }
        if (used + strlen(esc) + 4 >= n)
            break;
        memcpy(dst + used, esc, strlen(esc) + 1);
        used += strlen(esc);
    }
    if (i < len && used + 4 <= n)
        memcpy(dst + used, "...", 4);
    return dst;
}
