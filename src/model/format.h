/* format.h -- the fixed numbers of the model file format (mlp-model(5)).
 *
 * Every version of the format begins with the same 24-byte header and
 * ends with the same 4-byte checksum, so that any reader can tell a model
 * from other bytes, a damaged model from an intact one, and an intact
 * model of a newer version from one it can read:
 *
 *     offset  size  field
 *          0     8  magic, MLP_MODEL_MAGIC
 *          8     4  format version, little-endian
 *         12     4  header length (24 in version 1)
 *         16     8  file length, checksum included
 *         24   ...  body (version 1: see format.c)
 *      len-4     4  CRC-32 (zlib's) of bytes 0 .. len-5
 */
#ifndef MLP_MODEL_FORMAT_H
#define MLP_MODEL_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "mlp/csv.h"

/* 0x89 makes text tools treat the file as binary; CR LF and LF catch a
 * copy that translated line ends; 0x1a stops a DOS-style type command. */
#define MLP_MODEL_MAGIC "\x89MLP\r\n\x1a\n"
#define MLP_MODEL_MAGIC_LEN 8

#define MLP_MODEL_FORMAT 1          /* the newest version read and written */
#define MLP_MODEL_AT_VERSION 8      /* offsets in the header */
#define MLP_MODEL_AT_HEADER_LEN 12
#define MLP_MODEL_AT_LENGTH 16
#define MLP_MODEL_HEADER_LEN 24
#define MLP_MODEL_MIN_LEN (MLP_MODEL_HEADER_LEN + 4)

#define MLP_MODEL_MAX_STRING MLP_MAX_NAME /* bytes in a name or label */
#define MLP_MODEL_MAX_CLASSES 65536
#define MLP_MODEL_MAX_FILE ((size_t)1 << 31)    /* mlp_model_load's cap */

/* zlib's CRC-32 of n bytes at p, for any n. */
uint32_t mlp_model_checksum(const unsigned char *p, size_t n);

/* Little-endian integers at p, whatever the host's byte order. */
uint32_t mlp_model_get_u32(const unsigned char *p);
uint64_t mlp_model_get_u64(const unsigned char *p);
void mlp_model_put_u32(unsigned char *p, uint32_t v);
void mlp_model_put_u64(unsigned char *p, uint64_t v);

#endif
