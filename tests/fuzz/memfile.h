/* memfile.h -- what the fuzz targets share: their input as a file.
 *
 * The library reads CSV from a path, so a target writes its bytes to a
 * memory-backed file and hands the reader that file's /proc path. */
#ifndef MLP_FUZZ_MEMFILE_H
#define MLP_FUZZ_MEMFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* Write data to a new memory file named name and put its /proc path in
 * path (of size n).  Returns the descriptor, to be closed by the caller,
 * or -1. */
static int memfile(const char *name, const uint8_t *data, size_t size,
                   char *path, size_t n)
{
    int fd = memfd_create(name, 0);
    size_t done = 0;

    if (fd < 0)
        return -1;
    while (done < size) {
        ssize_t k = write(fd, data + done, size - done);

        if (k <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)k;
    }
    snprintf(path, n, "/proc/self/fd/%d", fd);
    return fd;
}

#endif
