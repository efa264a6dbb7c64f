/* labels.c -- the set of distinct labels: a hash table over an array of
 * names, so that each row costs one hash and a compare. */
#include <stdlib.h>
#include <string.h>

#include "csv/labels.h"
#include "mlp/csv.h"

/* FNV-1a, 64-bit. */
static uint64_t hash_bytes(const char *s, size_t len, uint64_t h)
{
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

/* The key hash: numbers by their bits, text by its bytes, apart. */
static uint64_t key_hash(int is_number, float v, const char *s, size_t len)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);

    if (is_number) {
        uint32_t bits;

        memcpy(&bits, &v, sizeof bits);
        h = (h ^ bits) * UINT64_C(0x9e3779b97f4a7c15);
        return h ^ (h >> 29) ^ 1;
    }
    return hash_bytes(s, len, h) & ~(uint64_t)1;
}

/* Whether label l is the key. */
static int key_equal(const label *l, int is_number, float v, const char *s,
                     size_t len)
{
    if (l->is_number != is_number)
        return 0;
    if (is_number)
        return l->value == v;
    return strlen(l->name) == len && memcmp(l->name, s, len) == 0;
}

/* Double the slot table and re-insert every label.  Returns 0 or -1. */
static int rehash(label_set *set)
{
    size_t n = set->n_slots ? set->n_slots * 2 : 64, i, j;
    uint32_t *slots;

    if (n > SIZE_MAX / sizeof *slots)
        return -1;
    slots = calloc(n, sizeof *slots);
    if (slots == NULL)
        return -1;
    for (i = 0; i < set->n; i++) {
        const label *l = &set->labels[i];
        const char *s = l->name;
        uint64_t h = key_hash(l->is_number, l->value, s, strlen(s));

        for (j = (size_t)h & (n - 1); slots[j] != 0; j = (j + 1) & (n - 1))
            ;
        slots[j] = (uint32_t)(i + 1);
    }
    free(set->slots);
    set->slots = slots;
    set->n_slots = n;
    return 0;
}

/* The slot of the key: its label's, or the empty one where it would go
 * (the table must not be full). */
static size_t find_slot(const label_set *set, int is_number, float v,
                        const char *s, size_t len)
{
    uint64_t h = key_hash(is_number, v, s, len);
    size_t j, mask = set->n_slots - 1;

    for (j = (size_t)h & mask; set->slots[j] != 0; j = (j + 1) & mask)
        if (key_equal(&set->labels[set->slots[j] - 1], is_number, v, s, len))
            break;
    return j;
}

/* Add a new label named name[0..name_len) at slot j.  Returns its id, or
 * -1 when memory runs out. */
static long add_label(label_set *set, size_t j, int is_number, float v,
                      const char *name, size_t name_len)
{
    label *l;

    if (set->n >= UINT32_MAX - 1 || name_len == SIZE_MAX)
        return -1;
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 16;

        if (cap > SIZE_MAX / sizeof *l)
            return -1;
        l = realloc(set->labels, cap * sizeof *l);
        if (l == NULL)
            return -1;
        set->labels = l;
        set->cap = cap;
    }
    l = &set->labels[set->n];
    if ((l->name = malloc(name_len + 1)) == NULL)
        return -1;
    memcpy(l->name, name, name_len);
    l->name[name_len] = '\0';
    l->value = v;
    l->is_number = is_number;
    set->slots[j] = (uint32_t)(set->n + 1);
    return (long)set->n++;
}

/* Make room for one more label: the table stays at most half full. */
static int reserve(label_set *set)
{
    return (set->n + 1) * 2 > set->n_slots ? rehash(set) : 0;
}

long label_set_text(label_set *set, const char *s, size_t len)
{
    size_t j;

    if (reserve(set) < 0)
        return -1;
    j = find_slot(set, 0, 0.0f, s, len);
    if (set->slots[j] != 0)
        return (long)set->slots[j] - 1;
    return add_label(set, j, 0, 0.0f, s, len);
}

long label_set_number(label_set *set, float v, const char *s, size_t len)
{
    char text[32];
    size_t j;

    /* -0 and 0 are one label */
    if (v == 0.0f)
        v = 0.0f;
    if (reserve(set) < 0)
        return -1;
    j = find_slot(set, 1, v, NULL, 0);
    if (set->slots[j] != 0)
        return (long)set->slots[j] - 1;

    /* a new number is named by its text, or its shortest text */
    if (s == NULL) {
        len = (size_t)mlp_format_float(text, v);
        s = text;
    }
    return add_label(set, j, 1, v, s, len);
}

/* qsort orders for labels. */
static int by_value(const void *a, const void *b)
{
    float x = ((const label *)a)->value, y = ((const label *)b)->value;

    return (x > y) - (x < y);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const label *)a)->name, ((const label *)b)->name);
}

void label_set_sort(label_set *set, size_t *rank)
{
    size_t i;
    int all_numbers = 1;

    /* numbers by value only when every label is one */
    for (i = 0; i < set->n; i++) {
        all_numbers &= set->labels[i].is_number;
        set->labels[i].id = i;
    }
    qsort(set->labels, set->n, sizeof *set->labels,
          all_numbers ? by_value : by_name);
    for (i = 0; i < set->n; i++)
        rank[set->labels[i].id] = i;

    /* the table maps keys to ids: make them the sorted places */
    for (i = 0; i < set->n_slots; i++)
        if (set->slots[i] != 0)
            set->slots[i] = (uint32_t)rank[set->slots[i] - 1] + 1;
}

void label_set_free(label_set *set)
{
    size_t i;

    for (i = 0; i < set->n; i++)
        free(set->labels[i].name);
    free(set->labels);
    free(set->slots);
    memset(set, 0, sizeof *set);
}
