/* pool.c -- the worker threads, on one mutex and two condition variables.
 *
 * Between runs next == n_tasks, so the workers sleep on wake.  A run
 * resets next to 0 and broadcasts; every worker, the caller included,
 * takes the next task number under the mutex until none are left, and
 * the caller waits on done until every task has finished.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/pool.h"

struct mlp_pool {
    pthread_mutex_t mu;
    pthread_cond_t wake;        /* a run has started, or quit is set */
    pthread_cond_t done;        /* the last task of a run has finished */
    mlp_pool_fn fn;
    void *ctx;
    size_t n_tasks, next, n_done;
    int quit;
    size_t n_threads;           /* started, besides the caller */
    pthread_t *threads;
};

typedef struct worker_arg {
    mlp_pool *pool;
    size_t id;
} worker_arg;

/* Take and run tasks while any are left; called and returns with the
 * mutex held. */
static void drain(mlp_pool *p, size_t worker)
{
    while (p->next < p->n_tasks) {
        size_t task = p->next++;
        mlp_pool_fn fn = p->fn;
        void *ctx = p->ctx;

        pthread_mutex_unlock(&p->mu);
        fn(ctx, task, worker);
        pthread_mutex_lock(&p->mu);
        if (++p->n_done == p->n_tasks)
            pthread_cond_signal(&p->done);
    }
}

/* A worker's life: sleep, drain, until quit.  Returns NULL. */
static void *worker_main(void *arg)
{
    mlp_pool *p = ((worker_arg *)arg)->pool;
    size_t id = ((worker_arg *)arg)->id;

    free(arg);
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->quit && p->next >= p->n_tasks)
            pthread_cond_wait(&p->wake, &p->mu);
        if (p->quit)
            break;
        drain(p, id);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
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
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
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

void mlp_pool_run(mlp_pool *p, mlp_pool_fn fn, void *ctx, size_t n_tasks)
{
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->ctx = ctx;
    p->n_tasks = n_tasks;
    p->n_done = 0;
    p->next = 0;
    pthread_cond_broadcast(&p->wake);
    drain(p, 0);
    while (p->n_done < p->n_tasks)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

void mlp_pool_free(mlp_pool *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    free(p->threads);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
