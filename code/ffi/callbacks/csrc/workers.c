/* A C library that starts its own threads and calls back into its caller.
 *
 * run_on_threads starts `threads` POSIX threads; thread t calls
 * f(ctx, t, i) for i = 0 .. items-1, and stops early if f returns non-zero.
 * It joins every thread it started before it returns, so `ctx` is used only
 * while run_on_threads runs, but from all the threads at once.
 *
 * Returns 0, or the first non-zero value a callback returned (in thread
 * order), or -1 if a thread could not be started.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

typedef int (*item_fn)(void *ctx, uint32_t thread, uint64_t item);

struct worker {
    item_fn f;
    void *ctx;
    uint32_t thread;
    uint64_t items;
    int status;
    pthread_t id;
};

static void *work(void *arg) {
    struct worker *w = arg;
    for (uint64_t i = 0; i < w->items; i++) {
        int rc = w->f(w->ctx, w->thread, i);
        if (rc != 0) {
            w->status = rc;
            break;
        }
    }
    return NULL;
}

int run_on_threads(uint32_t threads, uint64_t items, item_fn f, void *ctx) {
    struct worker *workers = calloc(threads, sizeof *workers);
    if (workers == NULL) {
        return -1;
    }
    int result = 0;
    uint32_t started = 0;
    for (; started < threads; started++) {
        struct worker *w = &workers[started];
        w->f = f;
        w->ctx = ctx;
        w->thread = started;
        w->items = items;
        w->status = 0;
        if (pthread_create(&w->id, NULL, work, w) != 0) {
            result = -1;
            break;
        }
    }
    for (uint32_t t = 0; t < started; t++) {
        pthread_join(workers[t].id, NULL);
        if (result == 0 && workers[t].status != 0) {
            result = workers[t].status;
        }
    }
    free(workers);
    return result;
}
