/* pool.h -- a fixed set of worker threads that run numbered tasks.
 *
 * The caller takes part as worker 0.  Tasks are handed out in order to
 * whichever worker is free, so a task's result must depend only on its
 * number, never on the worker that ran it.  A run costs a few atomic
 * operations when the workers are awake (they wait a little, spinning,
 * before they sleep), so runs of a few tens of microseconds pay off.
 */
#ifndef MLP_ENGINE_POOL_H
#define MLP_ENGINE_POOL_H

#include <stddef.h>

#include "mlp/status.h"

/* Run task number task on worker number worker (0 .. n_workers-1). */
typedef void (*mlp_pool_fn)(void *ctx, size_t task, size_t worker);

typedef struct mlp_pool mlp_pool;

/* Start n_workers - 1 threads (none for 1).  Returns MLP_STATUS_OK, or
 * MLP_STATUS_NOMEM when memory or a thread cannot be had. */
mlp_status mlp_pool_new(mlp_pool **out, size_t n_workers, mlp_error *err);

/* Workers, the caller included: 1 for a NULL pool. */
size_t mlp_pool_workers(const mlp_pool *p);

/* Run tasks 0 .. n_tasks-1 and return when all are done.  With a NULL
 * pool the caller runs them in order, as worker 0. */
void mlp_pool_run(mlp_pool *p, mlp_pool_fn fn, void *ctx, size_t n_tasks);

/* Stop and join the threads; p may be NULL. */
void mlp_pool_free(mlp_pool *p);

#endif
