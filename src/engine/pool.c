/* pool.c -- the worker threads: one atomic ticket hands out the tasks.
 *
 * A run publishes a ticket that packs three numbers: the run's
 * generation, its task count and the next task to take.  Every worker,
 * the caller included, takes tasks by bumping the ticket with a
 * compare-and-swap until none are left, and counts each finished task
 * off n_left; the caller returns when n_left is 0.  Since a new ticket is
 * published only after every task of the last one has finished, a task
 * taken always belongs to the ticket that was bumped, and the run's
 * function and context, written before the ticket, cannot change under
 * it.  Idle workers poll the ticket for a while, then sleep on a
 * condition variable that the caller signals only when someone sleeps.
 */
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "engine/pool.h"

/* Under valgrind's thread checkers, say how the atomics order the plain
 * fields; elsewhere these are nothing. */
#if defined(__has_include)
#if __has_include(<valgrind/helgrind.h>)
#include <valgrind/helgrind.h>
#define HAVE_HELGRIND 1
#endif
#endif
#ifndef HAVE_HELGRIND
#define ANNOTATE_HAPPENS_BEFORE(obj) ((void)(obj))
#define ANNOTATE_HAPPENS_AFTER(obj) ((void)(obj))
#define VALGRIND_HG_DISABLE_CHECKING(addr, len) ((void)(addr), (void)(len))
#endif

#define NEXT_BITS 20                            /* ticket: next task */
#define COUNT_SHIFT NEXT_BITS                   /* then the task count */
#define GEN_SHIFT (2 * NEXT_BITS)               /* then the generation */
#define FIELD ((UINT64_C(1) << NEXT_BITS) - 1)  /* most tasks a round */
#define SPIN_POLLS 20000    /* polls of an idle worker before it sleeps,
                             * a few hundred microseconds */
#define YIELD_POLLS 64      /* polls between offers of the CPU to another
                             * thread, which on a busy machine may be
                             * the very one polled for */

struct mlp_pool {
    _Atomic uint64_t ticket;
    _Atomic size_t n_left;      /* tasks of the round not yet finished */
    _Atomic int n_sleeping;
    _Atomic int quit;
    mlp_pool_fn fn;             /* the round's task, set before its ticket */
    void *ctx;
    size_t base;                /* task number of the round's first task */
    pthread_mutex_t mu;
    pthread_cond_t wake;        /* a round has started, or quit is set */
    size_t n_threads;           /* started, besides the caller */
    pthread_t *threads;
};

typedef struct worker_arg {
    mlp_pool *pool;
    size_t id;
} worker_arg;

/* Between polls number i and i + 1: a hint to the CPU that this is a
 * polling loop, and now and then a yield. */
static void pause_or_yield(int i)
{
    if (i % YIELD_POLLS == 0) {
        sched_yield();
        return;
    }
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Take and run tasks of the current ticket while any are left. */
static void drain(mlp_pool *p, size_t worker)
{
    for (;;) {
        uint64_t t = atomic_load(&p->ticket);

        do {
            if ((t & FIELD) >= ((t >> COUNT_SHIFT) & FIELD))
                return;
        } while (!atomic_compare_exchange_weak(&p->ticket, &t, t + 1));
        ANNOTATE_HAPPENS_AFTER(&p->ticket);
        p->fn(p->ctx, p->base + (t & FIELD), worker);
        ANNOTATE_HAPPENS_BEFORE(&p->n_left);
        atomic_fetch_sub(&p->n_left, 1);
    }
}

/* Wait until the ticket's generation is no longer gen, or quit is set:
 * poll first, then sleep.  Returns the new generation. */
static uint64_t wait_round(mlp_pool *p, uint64_t gen)
{
    for (int i = 1; i <= SPIN_POLLS; i++) {
        if ((atomic_load(&p->ticket) >> GEN_SHIFT) != gen
            || atomic_load(&p->quit))
            return atomic_load(&p->ticket) >> GEN_SHIFT;
        pause_or_yield(i);
    }

    /* n_sleeping goes up before the last look, so no wake is lost */
    pthread_mutex_lock(&p->mu);
    atomic_fetch_add(&p->n_sleeping, 1);
    while ((atomic_load(&p->ticket) >> GEN_SHIFT) == gen
           && !atomic_load(&p->quit))
        pthread_cond_wait(&p->wake, &p->mu);
    atomic_fetch_sub(&p->n_sleeping, 1);
    pthread_mutex_unlock(&p->mu);
    return atomic_load(&p->ticket) >> GEN_SHIFT;
}

/* A worker's life: wait for a round, drain it, until quit.  Returns
 * NULL. */
static void *worker_main(void *arg)
{
    mlp_pool *p = ((worker_arg *)arg)->pool;
    size_t id = ((worker_arg *)arg)->id;
    uint64_t gen = 0;

    free(arg);
    for (;;) {
        gen = wait_round(p, gen);
        if (atomic_load(&p->quit))
            return NULL;
        drain(p, id);
    }
}

/* Start thread number id; returns 0 on success. */
static int start(mlp_pool *p, size_t id)
{
    worker_arg *a = malloc(sizeof *a);

    if (a == NULL)
        return -1;
    a->pool = p;
    a->id = id;
    if (pthread_create(&p->threads[id - 1], NULL, worker_main, a) != 0) {
        free(a);
        return -1;
    }
    return 0;
}

mlp_status mlp_pool_new(mlp_pool **out, size_t n_workers, mlp_error *err)
{
    mlp_pool *p = calloc(1, sizeof *p);

    *out = NULL;
    if (p == NULL)
        return mlp_error_set(err, MLP_STATUS_NOMEM, "out of memory");
    VALGRIND_HG_DISABLE_CHECKING(p, offsetof(mlp_pool, fn));
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    if (n_workers > 1) {
        p->threads = calloc(n_workers - 1, sizeof *p->threads);
        if (p->threads == NULL) {
            mlp_pool_free(p);
            return mlp_error_set(err, MLP_STATUS_NOMEM, "out of memory");
        }
        for (size_t id = 1; id < n_workers; id++) {
            if (start(p, id) != 0) {
                mlp_pool_free(p);
                return mlp_error_set(err, MLP_STATUS_NOMEM,
                                     "cannot start worker thread %zu", id);
            }
            p->n_threads = id;
        }
    }
    *out = p;
    return MLP_STATUS_OK;
}

size_t mlp_pool_workers(const mlp_pool *p)
{
    return p != NULL ? p->n_threads + 1 : 1;
}

/* Run tasks base .. base + n - 1 (2 <= n <= FIELD) on every worker. */
static void run_round(mlp_pool *p, size_t base, size_t n)
{
    uint64_t gen = (atomic_load(&p->ticket) >> GEN_SHIFT) + 1;

    /* publish: the round's fields first, then its ticket */
    p->base = base;
    atomic_store(&p->n_left, n);
    ANNOTATE_HAPPENS_BEFORE(&p->ticket);
    atomic_store(&p->ticket, gen << GEN_SHIFT | (uint64_t)n << COUNT_SHIFT);
    if (atomic_load(&p->n_sleeping) > 0) {
        pthread_mutex_lock(&p->mu);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->mu);
    }

    /* take part, then wait for the tasks others took */
    drain(p, 0);
    for (int i = 1; atomic_load(&p->n_left) > 0; i++)
        pause_or_yield(i);
    ANNOTATE_HAPPENS_AFTER(&p->n_left);
}

void mlp_pool_run(mlp_pool *p, mlp_pool_fn fn, void *ctx, size_t n_tasks)
{
    size_t base = 0;

    if (p == NULL || p->n_threads == 0) {
        for (size_t t = 0; t < n_tasks; t++)
            fn(ctx, t, 0);
        return;
    }
    p->fn = fn;
    p->ctx = ctx;
    while (base < n_tasks) {
        size_t n = n_tasks - base < FIELD ? n_tasks - base : FIELD;

        if (n == 1)
            fn(ctx, base, 0);
        else
            run_round(p, base, n);
        base += n;
    }
}

void mlp_pool_free(mlp_pool *p)
{
    if (p == NULL)
        return;
    atomic_store(&p->quit, 1);
    pthread_mutex_lock(&p->mu);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    free(p->threads);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
