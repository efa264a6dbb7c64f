/* labels.h -- the distinct labels of a data set, each with a dense id:
 * numbers are told apart by value ("1" and "1.0" are one label), other
 * text byte for byte.  A hash table keeps the lookup O(1) per row. */
#ifndef MLP_CSV_LABELS_H
#define MLP_CSV_LABELS_H

#include <stddef.h>
#include <stdint.h>

typedef struct label {
    char *name;             /* the first text seen for it, NUL-terminated */
    float value;            /* for a number */
    int is_number;
    size_t id;              /* scratch for label_set_sort() */
} label;

typedef struct label_set {
    label *labels;          /* in order of first appearance: id = index */
    size_t n, cap;
    uint32_t *slots;        /* open addressing: id + 1, 0 for empty */
    size_t n_slots;
} label_set;

/* The id of text s[0..len) (not a number), added when new.  Returns the
 * id, or -1 when memory runs out. */
long label_set_text(label_set *set, const char *s, size_t len);

/* The id of the number v, added when new with the name s[0..len), or
 * with the shortest text of v when s is NULL.  Returns the id, or -1. */
long label_set_number(label_set *set, float v, const char *s, size_t len);

/* Sort the labels: by value when all are numbers, else bytewise by name.
 * Fills rank[id] with each label's place (rank has set->n entries) and
 * reorders set->labels to match: ids become the sorted places. */
void label_set_sort(label_set *set, size_t *rank);

/* Free everything and empty the set. */
void label_set_free(label_set *set);

#endif
